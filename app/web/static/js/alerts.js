// Alert cards for the live feed and the detail view of one alert.
import { el, safeHref, seconds, shortTime } from "./dom.js";
import { evidenceBySentence, highlighted } from "./highlight.js";

const CATEGORY_NAMES = (name) => name.replaceAll("_", " ");

export function dyadText(alert) {
  if (!alert.dyad) return null;
  return alert.dyad.target ? `${alert.dyad.source} → ${alert.dyad.target}` : alert.dyad.source;
}

function severityBadge(alert) {
  return el("span", { class: `badge sev-${alert.severity_level}`, title: "severity 0–10" },
    `${alert.severity_level} ${alert.severity.toFixed(1)}`);
}

function titleLink(alert, className) {
  const href = safeHref(alert.url);
  const attrs = { class: className };
  if (href) Object.assign(attrs, { href, target: "_blank", rel: "noopener noreferrer" });
  return el(href ? "a" : "span", attrs, alert.title || "(untitled)");
}

export function latencySeconds(alert) {
  return (new Date(alert.detected_at) - new Date(alert.ingested_at)) / 1000;
}

/** One feed entry: severity, dyad/actors, categories, linked title, time, evidence snippet. */
export function alertCard(alert) {
  const [best] = evidenceBySentence(alert);
  const dyad = dyadText(alert);
  return el("li", { class: `alert sev-${alert.severity_level}`, dataset: { alertId: alert.alert_id }, tabindex: "0" },
    el("div", { class: "alert-head" },
      severityBadge(alert),
      dyad ? el("span", { class: "dyad", title: "source → target" }, dyad) : null,
      el("span", { class: "actors", title: "actors" }, alert.actors.join(", ")),
      el("time", { datetime: alert.detected_at, title: `detected ${alert.detected_at}` }, shortTime(alert.detected_at)),
    ),
    el("div", { class: "alert-title" },
      titleLink(alert, "title"),
      alert.source ? el("span", { class: "source" }, alert.source) : null,
    ),
    el("div", { class: "chips" }, alert.categories.map((c) =>
      el("span", { class: "chip", title: `CAMEO ${c.cameo_code} · ${c.plover_type} · Goldstein ${c.goldstein}` },
        CATEGORY_NAMES(c.category)))),
    best ? el("blockquote", { class: "snippet" }, highlighted(best.sentence, best.phrases)) : null,
  );
}

function row(label, ...value) {
  return [el("dt", {}, label), el("dd", {}, ...value)];
}

/** Everything about one alert, evidence highlighted per category. */
export function alertDetail(alert) {
  const categories = alert.categories.map((category) => {
    const sentences = evidenceBySentence({ categories: [category] });
    return el("section", { class: "detail-category" },
      el("h3", {}, CATEGORY_NAMES(category.category),
        el("span", { class: "muted" }, ` CAMEO ${category.cameo_code} · ${category.plover_type} · QuadClass ${category.quad_class} · Goldstein ${category.goldstein}`)),
      el("ul", { class: "evidence" }, sentences.map((group) =>
        el("li", {}, el("blockquote", { class: "snippet" }, highlighted(group.sentence, group.phrases)),
          el("span", { class: "muted" }, `matched: ${[...new Set(group.phrases)].join(" · ")}`)))),
    );
  });
  const topics = alert.topics.map((t) => `${t.label} (${Math.round(t.score * 100)}%)`).join(", ");
  return el("article", { class: "detail-content" },
    el("h2", { id: "detail-title" }, titleLink(alert, "title")),
    el("p", {}, severityBadge(alert), " ", dyadText(alert) ? el("span", { class: "dyad" }, dyadText(alert)) : null),
    el("dl", { class: "facts" },
      row("actors", alert.actors.join(", ") || "–"),
      row("source", alert.source || "–"),
      row("published", alert.published_at),
      row("ingested", alert.ingested_at),
      row("detected", alert.detected_at, el("span", { class: "muted" }, ` (latency ${seconds(latencySeconds(alert))})`)),
      row("topics", topics || "–"),
      row("rules", alert.rules_version),
      row("alert id", el("code", {}, alert.alert_id)),
      row("article id", el("code", {}, alert.article_id)),
    ),
    categories,
    el("details", {}, el("summary", {}, "Alert JSON"), el("pre", {}, JSON.stringify(alert, null, 2))),
  );
}
