// The dashboard page: live feed over server-sent events, filters, pause, detail view.
import { alertCard, alertDetail } from "./alerts.js";
import { countBars, stackedBars } from "./charts.js";
import { clear, el, shortTime } from "./dom.js";
import { renderHealth } from "./health.js";

const LEVELS = ["critical", "high", "medium", "low"];
const MAX_SHOWN = 200;
const STALE_MS = 12000;

const state = {
  shown: [], // alerts in the feed, newest first
  pending: [], // alerts that arrived while paused
  paused: false,
  severities: new Set(),
  country: "",
  category: "",
  lastStatsAt: 0,
};
const $ = (id) => document.getElementById(id);

function matches(alert) {
  if (state.severities.size && !state.severities.has(alert.severity_level)) return false;
  if (state.country) {
    const codes = new Set(alert.actors);
    if (alert.dyad) { codes.add(alert.dyad.source); if (alert.dyad.target) codes.add(alert.dyad.target); }
    if (!codes.has(state.country)) return false;
  }
  return !state.category || alert.categories.some((c) => c.category === state.category);
}

// Cards are kept and only new ones inserted, so what the operator hovers, focuses or selects
// is not rebuilt under them at every alert.
const cards = new Map(); // alert_id -> { alert, json, node }

function renderFeed() {
  const feed = $("feed");
  const wanted = new Set(state.shown.map((a) => a.alert_id));
  for (const [id, card] of cards) if (!wanted.has(id)) { card.node.remove(); cards.delete(id); }
  state.shown.forEach((alert, index) => {
    let card = cards.get(alert.alert_id);
    if (!card || card.alert !== alert) {
      const json = JSON.stringify(alert);
      if (!card || card.json !== json) { // new, or redelivered with changes
        const node = alertCard(alert);
        if (card) card.node.replaceWith(node);
        card = { alert, json, node };
        cards.set(alert.alert_id, card);
      }
    }
    const at = feed.children[index];
    if (at !== card.node) feed.insertBefore(card.node, at || null);
  });
  $("feed-empty").hidden = state.shown.length > 0;
  const pending = $("pending");
  pending.hidden = state.pending.length === 0;
  pending.textContent = `${state.pending.length} new while paused`;
}

function addAlerts(alerts) {
  const byId = new Map(state.shown.map((a) => [a.alert_id, a]));
  for (const alert of alerts) if (matches(alert)) byId.set(alert.alert_id, alert);
  state.shown = [...byId.values()]
    .sort((a, b) => (a.detected_at < b.detected_at ? 1 : a.detected_at > b.detected_at ? -1 : 0))
    .slice(0, MAX_SHOWN);
  renderFeed();
}

async function loadAlerts() {
  const query = new URLSearchParams({ limit: String(MAX_SHOWN) });
  if (state.severities.size) query.set("severity", [...state.severities].join(","));
  if (state.country) query.set("country", state.country);
  if (state.category) query.set("category", state.category);
  const response = await fetch(`/api/alerts?${query}`);
  if (!response.ok) return;
  const body = await response.json();
  state.shown = [];
  addAlerts(body.alerts);
}

function onAlert(alert) {
  if (!matches(alert)) return;
  if (state.paused) {
    state.pending = [alert, ...state.pending].slice(0, MAX_SHOWN);
    renderFeed();
  } else {
    addAlerts([alert]);
  }
}

function fillSelect(select, values) {
  const current = select.value;
  const wanted = ["", ...values];
  if (current && !wanted.includes(current)) wanted.push(current);
  const existing = [...select.options].map((o) => o.value);
  if (existing.join("\n") === wanted.join("\n")) return;
  clear(select);
  for (const value of wanted) select.append(el("option", { value }, value || "all"));
  select.value = current;
}

function renderSeverityCounts(counts) {
  const box = clear($("severity-counts"));
  for (const level of LEVELS) {
    box.append(el("button", {
      type: "button", class: `count-chip sev-${level}`, dataset: { level },
      "aria-pressed": state.severities.has(level) ? "true" : "false",
      title: `Show only ${level} alerts (toggle)`,
    }, `${level} `, el("strong", {}, String(counts[level] ?? 0))));
  }
}

function onStats(stats) {
  state.lastStatsAt = Date.now();
  renderHealth(stats);
  renderSeverityCounts(stats.severity_counts);
  fillSelect($("filter-country"), stats.facets.countries);
  fillSelect($("filter-category"), stats.facets.categories);
  stackedBars($("chart-countries"), stats.activity.countries, "No alerts in the last 6 hours.");
  stackedBars($("chart-dyads"), stats.activity.dyads, "No alerts with a dyad in the last 6 hours.");
  countBars($("topic-mix"), stats.topic_mix, "No tagged articles in the last hour.");
  const badge = $("connection").dataset.state;
  const outage = stats.broker && stats.broker.reachable === false;
  const banner = $("outage");
  banner.hidden = !outage;
  if (outage) {
    // The rates arrive as null during an outage: the table shows "–", never the last live ones.
    const since = shortTime(new Date(stats.broker.unreachable_since * 1000).toISOString());
    banner.textContent = `Broker unreachable since ${since}: rates paused, alerts resume when it is back.`;
    setConnection("outage", stats.broker.error || "", `broker unreachable since ${since}`);
  } else if (!stats.feed.connected) setConnection("degraded", stats.feed.error || "dashboard feed not connected to Kafka");
  else if (badge === "degraded" || badge === "stale" || badge === "outage") setConnection("live");
}

function setConnection(kind, detail = "", text = "") {
  const badge = $("connection");
  badge.dataset.state = kind;
  badge.textContent = text || { live: "live", connecting: "connecting…", reconnecting: "reconnecting…",
    degraded: "broker?", stale: "stale" }[kind] || kind;
  badge.title = detail || "Live stream status";
}

let source = null;
function connect() {
  setConnection(source ? "reconnecting" : "connecting");
  source = new EventSource("/api/events");
  source.addEventListener("open", () => { setConnection("live"); loadAlerts(); });
  source.addEventListener("alert", (e) => onAlert(JSON.parse(e.data)));
  source.addEventListener("stats", (e) => onStats(JSON.parse(e.data)));
  source.addEventListener("error", () => {
    // EventSource retries by itself unless the server answered with an error: then we do.
    setConnection("reconnecting");
    if (source.readyState === EventSource.CLOSED) setTimeout(connect, 3000);
  });
}

async function openDetail(alertId) {
  const known = state.shown.find((a) => a.alert_id === alertId);
  let alert = known;
  if (!alert) {
    const response = await fetch(`/api/alerts/${encodeURIComponent(alertId)}`);
    if (!response.ok) return;
    alert = await response.json();
  }
  clear($("detail-body")).append(alertDetail(alert));
  if (!$("detail").open) $("detail").showModal();
  history.replaceState(null, "", `#alert=${encodeURIComponent(alertId)}`);
}

function wire() {
  $("feed").addEventListener("click", (e) => {
    if (e.target.closest("a")) return; // the title link opens the article itself
    const card = e.target.closest("li.alert");
    if (card) openDetail(card.dataset.alertId);
  });
  $("feed").addEventListener("keydown", (e) => {
    const card = e.target.closest("li.alert");
    if (card && e.key === "Enter") openDetail(card.dataset.alertId);
  });
  $("detail-close").addEventListener("click", () => $("detail").close());
  $("detail").addEventListener("close", () => history.replaceState(null, "", location.pathname));
  $("pause").addEventListener("click", () => {
    state.paused = !state.paused;
    $("pause").setAttribute("aria-pressed", String(state.paused));
    $("pause").textContent = state.paused ? "Resume feed" : "Pause feed";
    if (!state.paused) { const held = state.pending; state.pending = []; addAlerts(held); }
    renderFeed();
  });
  $("severity-counts").addEventListener("click", (e) => {
    const chip = e.target.closest("button[data-level]");
    if (!chip) return;
    const level = chip.dataset.level;
    if (state.severities.has(level)) state.severities.delete(level); else state.severities.add(level);
    chip.setAttribute("aria-pressed", String(state.severities.has(level)));
    loadAlerts();
  });
  for (const [id, key] of [["filter-country", "country"], ["filter-category", "category"]]) {
    $(id).addEventListener("change", (e) => { state[key] = e.target.value; loadAlerts(); });
  }
  $("clear-filters").addEventListener("click", () => {
    state.severities.clear(); state.country = ""; state.category = "";
    $("filter-country").value = ""; $("filter-category").value = "";
    for (const chip of document.querySelectorAll("#severity-counts button")) chip.setAttribute("aria-pressed", "false");
    loadAlerts();
  });
  setInterval(() => {
    if (state.lastStatsAt && Date.now() - state.lastStatsAt > STALE_MS) setConnection("stale", "no update for a while");
  }, 3000);
}

wire();
renderSeverityCounts({});
connect();
const deepLink = location.hash.match(/^#alert=(.+)$/);
if (deepLink) openDetail(decodeURIComponent(deepLink[1]));
