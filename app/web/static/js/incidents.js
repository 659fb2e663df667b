// Incidents and the escalation index: polls /api/incidents and /api/trends. The panel stays
// hidden when the worker runs without incidents (those routes answer {"enabled": false}).
import { clear, el } from "./dom.js";

const POLL_MS = 5000;
const SVG = "http://www.w3.org/2000/svg";
const $ = (id) => document.getElementById(id);

function svg(tag, attrs) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  return node;
}

function renderIncidents(incidents) {
  const body = $("incidents").querySelector("tbody");
  clear(body);
  for (const incident of incidents) {
    const span = `${incident.first_seen.slice(0, 16)} → ${incident.last_seen.slice(0, 16)}`;
    body.append(
      el("tr", { class: "incident", dataset: { status: incident.status, id: incident.incident_id } },
        el("td", { class: `status ${incident.status}` }, incident.status),
        el("td", { class: "title" }, incident.strongest.title),
        el("td", { class: "num" }, String(incident.article_count)),
        el("td", {}, incident.outlets.join(", ")),
        el("td", {}, span),
        el("td", {}, incident.max_level),
      ),
    );
  }
  $("incidents-empty").hidden = incidents.length > 0;
}

// One sparkline per entity over a shared time axis; spikes are marked with a dot.
function renderTrends(trends) {
  const box = clear($("trend-chart"));
  const series = Object.entries(trends.index);
  const hours = series.flatMap(([, points]) => points.map(([hour]) => Date.parse(hour)));
  if (!hours.length) { box.append(el("p", { class: "muted" }, "No index yet.")); return; }
  const [start, end] = [Math.min(...hours), Math.max(...hours) + 3600e3];
  const width = 360, height = 36;
  const x = (t) => ((t - start) / Math.max(end - start, 1)) * width;
  for (const [entity, points] of series) {
    const top = Math.max(...points.map(([, v]) => v), 1);
    const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "sparkline", role: "img" });
    chart.append(svg("polyline", {
      points: points.map(([h, v]) => `${x(Date.parse(h)).toFixed(1)},${(height - (v / top) * (height - 4)).toFixed(1)}`).join(" "),
      fill: "none", stroke: "currentColor", "stroke-width": 1.5,
    }));
    for (const spike of trends.spikes.filter((s) => s.entity === entity && s.kind === "spike")) {
      chart.append(svg("circle", { cx: x(Date.parse(spike.at)).toFixed(1), cy: 4, r: 3, class: "spike" }));
    }
    box.append(el("div", { class: "trend-row", dataset: { entity } }, el("span", { class: "entity" }, entity), chart));
  }
  const list = clear($("trend-spikes"));
  for (const spike of trends.spikes.slice(-10).reverse()) {
    list.append(el("li", { class: `spike ${spike.kind}` },
      `${spike.at.slice(0, 16)} ${spike.entity} ${spike.kind}: index ${spike.index} (baseline ${spike.baseline})`));
  }
}

async function refresh() {
  try {
    const incidents = await (await fetch("/api/incidents?limit=50")).json();
    if (!incidents.enabled) return false;
    const trends = await (await fetch("/api/trends")).json();
    $("incidents-panel").hidden = false;
    renderIncidents(incidents.incidents);
    renderTrends(trends);
  } catch (error) {
    console.warn("incidents:", error);
  }
  return true;
}

async function loop() {
  if (await refresh()) setTimeout(loop, POLL_MS);
}
loop();
