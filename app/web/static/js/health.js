// The stream-health panel: per-stage throughput, latency, lag per partition, dead letters.
import { clear, el, rate, seconds, shortTime } from "./dom.js";

function cells(tr, values) {
  for (const value of values) tr.append(el("td", {}, value));
  return tr;
}

export function renderHealth(stats) {
  const stages = clear(document.querySelector("#stages tbody"));
  for (const s of stats.stages) {
    stages.append(cells(el("tr", {}, el("th", { title: s.source }, s.stage)), [
      rate(s.in_per_s), rate(s.consumed_per_s), rate(s.out_per_s), rate(s.dead_letter_per_s),
      s.lag === null ? "–" : String(s.lag),
    ]));
  }
  document.getElementById("latency-p50").textContent = seconds(stats.latency.p50_s);
  document.getElementById("latency-p99").textContent = seconds(stats.latency.p99_s);
  document.getElementById("latency-count").textContent = `(last ${stats.latency.count} alerts)`;

  const lag = clear(document.querySelector("#lag tbody"));
  for (const row of stats.lag) {
    lag.append(cells(el("tr", { class: row.lag > 0 ? "behind" : "" }),
      [row.topic, row.partition, row.end, row.committed, row.lag]));
  }
  if (!stats.lag.length) lag.append(el("tr", {}, el("td", { colspan: "5", class: "muted" }, "no committed offsets yet")));

  const letters = clear(document.getElementById("dead-letters"));
  for (const d of stats.dead_letters.slice(0, 8)) {
    letters.append(el("li", { title: d.preview },
      el("span", { class: "chip" }, d.stage), " ", el("strong", {}, d.error_type), " ",
      el("time", { datetime: d.failed_at }, shortTime(d.failed_at)),
      el("div", { class: "muted" }, d.reason)));
  }
  if (!stats.dead_letters.length) letters.append(el("li", { class: "muted" }, "none recently"));
}
