// DOM helpers. Article text is untrusted: everything goes in through textContent or text
// nodes, never innerHTML, so a title like "<script>" stays text.

/** Create an element with attributes (strings only) and children (nodes or plain text). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(name, String(value));
  }
  append(node, children);
  return node;
}

/** Append nodes or strings (as text nodes); arrays are flattened, null is skipped. */
export function append(node, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Remove every child of a node. */
export function clear(node) {
  node.replaceChildren();
  return node;
}

/** Only http(s) links are clickable: a "javascript:" URL from an article must not run. */
export function safeHref(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch {
    return null;
  }
}

/** "12:04:05" for today, else "2026-11-27 12:04" (local time). */
export function shortTime(iso) {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return "";
  const now = new Date();
  const time = when.toLocaleTimeString([], { hour12: false });
  if (when.toDateString() === now.toDateString()) return time;
  return `${when.toISOString().slice(0, 10)} ${time.slice(0, 5)}`;
}

/** "0.42 s", "37 ms", "–" for missing values. */
export function seconds(value) {
  if (value === null || value === undefined) return "–";
  return value < 1 ? `${Math.round(value * 1000)} ms` : `${value.toFixed(2)} s`;
}

/** A rate with sensible precision, "–" when unknown. */
export function rate(value) {
  if (value === null || value === undefined) return "–";
  return value >= 100 ? value.toFixed(0) : value.toFixed(value >= 10 ? 1 : 2);
}
