// Small SVG charts, written by hand so the page needs nothing from the internet.
import { clear, el } from "./dom.js";

const SVG = "http://www.w3.org/2000/svg";
const COLORS = ["#e4572e", "#f3a712", "#4cb944", "#29a9e0", "#a06cd5", "#ef6fa8", "#8a8f98"];

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

function hhmm(epochSeconds) {
  return new Date(epochSeconds * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hour12: false });
}

/** Stacked bars per time bucket, one colour per series ("other" last, grey). */
export function stackedBars(container, data, emptyText) {
  clear(container);
  const keys = Object.keys(data.series || {});
  if (!keys.length) {
    container.append(el("p", { class: "muted" }, emptyText));
    return;
  }
  const width = 600, height = 150, left = 34, bottom = 18, top = 6;
  const n = data.starts.length;
  const totals = data.starts.map((_, i) => keys.reduce((sum, k) => sum + data.series[k][i], 0));
  const max = Math.max(...totals, 1);
  const slot = (width - left) / n;
  const scale = (height - bottom - top) / max;
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: "bars" });
  chart.append(svg("line", { x1: left, x2: width, y1: height - bottom, y2: height - bottom, class: "axis" }));
  chart.append(svg("text", { x: left - 4, y: top + 8, class: "tick", "text-anchor": "end" }, max.toFixed(0)));
  chart.append(svg("text", { x: left - 4, y: height - bottom, class: "tick", "text-anchor": "end" }, "0"));
  data.starts.forEach((start, i) => {
    let y = height - bottom;
    keys.forEach((key, k) => {
      const value = data.series[key][i];
      if (!value) return;
      const h = value * scale;
      y -= h;
      chart.append(svg("rect", { x: left + i * slot + 1, y, width: Math.max(slot - 2, 1), height: h,
        fill: key === "other" ? COLORS[6] : COLORS[k % 6] },
      svg("title", {}, `${key}: ${value} at ${hhmm(start)}`)));
    });
    if (i % 6 === 0) {
      chart.append(svg("text", { x: left + i * slot, y: height - 4, class: "tick" }, hhmm(start)));
    }
  });
  const legend = el("ul", { class: "legend" }, keys.map((key, k) => {
    const swatch = el("span", { class: "swatch" });
    swatch.style.background = key === "other" ? COLORS[6] : COLORS[k % 6];
    const total = data.series[key].reduce((a, b) => a + b, 0);
    return el("li", {}, swatch, `${key} `, el("span", { class: "muted" }, total.toFixed(1)));
  }));
  container.append(chart, legend);
}

/** Horizontal bars of counts, largest first. */
export function countBars(container, rows, emptyText) {
  clear(container);
  if (!rows.length) {
    container.append(el("p", { class: "muted" }, emptyText));
    return;
  }
  const total = rows.reduce((sum, r) => sum + r.count, 0);
  const max = Math.max(...rows.map((r) => r.count));
  container.append(el("ul", { class: "count-bars" }, rows.slice(0, 12).map((r) => {
    const bar = el("span", { class: "bar" });
    bar.style.width = `${(100 * r.count) / max}%`;
    return el("li", { title: `${r.count} of ${total}` },
      el("span", { class: "label" }, r.label), el("span", { class: "track" }, bar),
      el("span", { class: "count" }, `${Math.round((100 * r.count) / total)}%`));
  })));
}
