/**
 * The dashboard page: one self-contained HTML document (no external
 * resources, no framework) with an inline style, an inline script and two
 * inline SVG charts. The script opens `/api/events` (an EventSource; it
 * reconnects by itself), and renders each snapshot with plain DOM calls.
 * Every value from the broker is set as text (`textContent`), never as
 * markup, so a topic or client id cannot inject anything.
 *
 * The server sends the page with a Content-Security-Policy that allows
 * exactly this script and this style, by their SHA-256 (http-server.ts), so
 * the two are exported separately.
 *
 * Element ids the browser test reads: `produce-rate`, `fetch-rate`,
 * `status`, and rows `tr[data-topic][data-partition]` with cells
 * `.log-start` and `.high-watermark`.
 */

/** The page's style sheet. */
export const PAGE_STYLE = `
:root { color-scheme: light dark; --fg: #1d232b; --muted: #66707c; --bg: #f6f7f9; --card: #fff; --line: #dde1e6;
  --produce: #2f6fde; --fetch: #d9822b; --bad: #c62f3e; --ok: #23854a; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e9ee; --muted: #98a2ad; --bg: #14171b; --card: #1d2127; --line: #30353d; } }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; flex-wrap: wrap; gap: 4px 18px; align-items: baseline; padding: 14px 20px; border-bottom: 1px solid var(--line); background: var(--card); }
header h1 { font-size: 17px; margin: 0 8px 0 0; }
header .meta { color: var(--muted); font-size: 13px; }
#status { margin-left: auto; font-weight: 600; font-size: 13px; }
#status.live { color: var(--ok); } #status.down { color: var(--bad); }
main { padding: 16px 20px; display: grid; gap: 16px; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); }
section { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; min-width: 0; }
section.wide { grid-column: 1 / -1; }
h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 0 0 10px; }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 10px; }
.card .value { font-size: 24px; font-weight: 650; font-variant-numeric: tabular-nums; }
.card .label { color: var(--muted); font-size: 12px; }
.card.produce .value { color: var(--produce); } .card.fetch .value { color: var(--fetch); }
svg.chart { width: 100%; height: 150px; display: block; }
svg .grid { stroke: var(--line); stroke-width: 1; }
svg .axis { fill: var(--muted); font-size: 10px; }
svg .produce { fill: none; stroke: var(--produce); stroke-width: 2; }
svg .fetch { fill: none; stroke: var(--fetch); stroke-width: 2; }
.legend { font-size: 12px; color: var(--muted); } .legend b.p { color: var(--produce); } .legend b.f { color: var(--fetch); }
table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; }
th { color: var(--muted); font-weight: 500; font-size: 12px; }
td.num, th.num { text-align: right; }
td.reason { white-space: normal; }
tr.slow td { color: var(--bad); font-weight: 600; }
.empty { color: var(--muted); font-style: italic; }
.scroll { max-height: 360px; overflow: auto; }
footer { padding: 0 20px 16px; color: var(--muted); font-size: 12px; }
`;

/** The page's script: the EventSource, the renderers, the charts. */
export const PAGE_SCRIPT = `
"use strict";
const $ = (id) => document.getElementById(id);
const SVG = "http://www.w3.org/2000/svg";
function fmtCount(n) {
  if (!Number.isFinite(n)) return "-";
  if (n >= 1e9) return (n / 1e9).toFixed(2) + " G";
  if (n >= 1e6) return (n / 1e6).toFixed(2) + " M";
  if (n >= 1e4) return (n / 1e3).toFixed(1) + " k";
  return n >= 100 ? String(Math.round(n)) : String(Math.round(n * 10) / 10);
}
function fmtBytes(n) {
  if (!Number.isFinite(n)) return "-";
  if (n >= 1 << 30) return (n / (1 << 30)).toFixed(2) + " GiB";
  if (n >= 1 << 20) return (n / (1 << 20)).toFixed(2) + " MiB";
  if (n >= 1 << 10) return (n / (1 << 10)).toFixed(1) + " KiB";
  return Math.round(n) + " B";
}
function cell(tr, text, cls) {
  const td = document.createElement("td");
  td.textContent = text;
  if (cls) td.className = cls;
  tr.appendChild(td);
  return td;
}
function fill(tbody, rows, columns, emptyText, decorate) {
  const fresh = document.createDocumentFragment();
  if (rows.length === 0) {
    const tr = document.createElement("tr");
    const td = cell(tr, emptyText, "empty");
    td.colSpan = columns;
    fresh.appendChild(tr);
  }
  for (const row of rows) {
    const tr = document.createElement("tr");
    decorate(tr, row);
    fresh.appendChild(tr);
  }
  tbody.replaceChildren(fresh);
}
function chart(svg, series, keys, format) {
  const W = 600, H = 150, L = 56, B = 16, T = 8;
  let max = 0;
  for (const p of series) for (const k of keys) max = Math.max(max, p[k]);
  const top = max > 0 ? max * 1.1 : 1;
  const now = series.length ? series[series.length - 1].t : 0;
  const x = (t) => L + ((60000 - (now - t)) / 60000) * (W - L - 4);
  const y = (v) => T + (1 - v / top) * (H - T - B);
  svg.replaceChildren();
  for (const f of [0, 0.5, 1]) {
    const line = document.createElementNS(SVG, "line");
    line.setAttribute("class", "grid");
    line.setAttribute("x1", L); line.setAttribute("x2", W - 4);
    line.setAttribute("y1", y(top * f)); line.setAttribute("y2", y(top * f));
    svg.appendChild(line);
    const label = document.createElementNS(SVG, "text");
    label.setAttribute("class", "axis");
    label.setAttribute("x", L - 6); label.setAttribute("y", y(top * f) + 3);
    label.setAttribute("text-anchor", "end");
    label.textContent = format(top * f);
    svg.appendChild(label);
  }
  for (const [t, anchor, text] of [[L, "start", "-60 s"], [W - 4, "end", "now"]]) {
    const label = document.createElementNS(SVG, "text");
    label.setAttribute("class", "axis");
    label.setAttribute("x", t); label.setAttribute("y", H - 2);
    label.setAttribute("text-anchor", anchor);
    label.textContent = text;
    svg.appendChild(label);
  }
  keys.forEach((k, i) => {
    const pts = series.filter((p) => now - p.t <= 60000).map((p) => x(p.t).toFixed(1) + "," + y(p[k]).toFixed(1));
    const path = document.createElementNS(SVG, "polyline");
    path.setAttribute("class", i === 0 ? "produce" : "fetch");
    path.setAttribute("points", pts.join(" "));
    svg.appendChild(path);
  });
}
function render(s) {
  $("listening").textContent = s.broker.listening;
  $("cluster").textContent = s.broker.clusterId;
  $("storage").textContent = s.broker.durable ? "on disk" : "in memory";
  $("policy").textContent = s.broker.slowClientPolicy;
  const now = s.throughput.now, totals = s.throughput.totals;
  $("produce-rate").textContent = fmtCount(now.producedRecords);
  $("produce-bytes").textContent = fmtBytes(now.producedBytes) + "/s";
  $("fetch-rate").textContent = fmtCount(now.fetchedRecords);
  $("fetch-bytes").textContent = fmtBytes(now.fetchedBytes) + "/s";
  $("totals").textContent = fmtCount(totals.producedRecords) + " produced (" + fmtBytes(totals.producedBytes) +
    "), " + fmtCount(totals.fetchedRecords) + " fetched (" + fmtBytes(totals.fetchedBytes) + ")";
  chart($("chart-msgs"), s.throughput.series, ["producedRecords", "fetchedRecords"], fmtCount);
  chart($("chart-bytes"), s.throughput.series, ["producedBytes", "fetchedBytes"], fmtBytes);
  const parts = [];
  for (const t of s.topics) for (const p of t.partitions) parts.push([t, p]);
  $("topic-count").textContent = s.topicCount + (s.topicCount === 1 ? " topic" : " topics");
  fill($("topics"), parts, 6, "no topics yet", (tr, [t, p]) => {
    tr.dataset.topic = t.name;
    tr.dataset.partition = String(p.partition);
    cell(tr, t.name);
    cell(tr, String(p.partition), "num");
    cell(tr, String(p.logStartOffset), "num log-start");
    cell(tr, String(p.highWatermark), "num high-watermark");
    cell(tr, fmtBytes(p.bytes), "num");
    cell(tr, String(p.watchers), "num");
  });
  $("client-count").textContent = String(s.clientCount);
  fill($("clients"), s.clients, 8, "no clients connected", (tr, c) => {
    if (c.slow) tr.className = "slow";
    cell(tr, String(c.id), "num");
    cell(tr, c.clientId === null ? "-" : c.clientId);
    cell(tr, c.remote);
    cell(tr, String(c.requests), "num");
    cell(tr, fmtBytes(c.bytesIn) + " / " + fmtBytes(c.bytesOut), "num");
    cell(tr, fmtBytes(c.outboxBytes), "num");
    cell(tr, String(c.outboxResponses), "num");
    cell(tr, c.slow ? "slow" : "ok");
  });
  fill($("disconnects"), s.disconnects, 5, "none yet", (tr, d) => {
    cell(tr, new Date(d.at).toLocaleTimeString());
    cell(tr, d.clientId === null ? "-" : d.clientId);
    cell(tr, d.remote);
    cell(tr, String(d.requests), "num");
    cell(tr, d.reason, "reason");
  });
  $("viewers").textContent = s.viewers.connected + " viewer(s); " + s.viewers.dropped +
    " stale snapshot(s) dropped for slow viewers; " + s.viewers.disconnected + " viewer(s) disconnected for not reading";
  $("updated").textContent = new Date(s.time).toLocaleTimeString();
}
const status = $("status");
const events = new EventSource("/api/events");
events.onopen = () => { status.textContent = "live"; status.className = "live"; };
events.onerror = () => { status.textContent = "reconnecting"; status.className = "down"; };
events.onmessage = (e) => render(JSON.parse(e.data));
`;

/** The whole document. */
export const DASHBOARD_PAGE: string = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>csp-kit-broker</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header>
  <h1>csp-kit-broker</h1>
  <span class="meta">listening on <b id="listening">-</b></span>
  <span class="meta">cluster <span id="cluster">-</span></span>
  <span class="meta">partitions <span id="storage">-</span></span>
  <span class="meta">slow clients: <span id="policy">-</span></span>
  <span id="status" class="down">connecting</span>
</header>
<main>
  <section class="wide">
    <h2>Throughput (last second)</h2>
    <div class="cards">
      <div class="card produce"><div class="value" id="produce-rate">0</div><div class="label">produced msg/s</div></div>
      <div class="card produce"><div class="value" id="produce-bytes">0 B/s</div><div class="label">produced bytes/s</div></div>
      <div class="card fetch"><div class="value" id="fetch-rate">0</div><div class="label">fetched msg/s</div></div>
      <div class="card fetch"><div class="value" id="fetch-bytes">0 B/s</div><div class="label">fetched bytes/s</div></div>
    </div>
    <p class="legend">since start: <span id="totals">-</span></p>
  </section>
  <section>
    <h2>Messages per second, last 60 s</h2>
    <svg class="chart" id="chart-msgs" viewBox="0 0 600 150" preserveAspectRatio="none" role="img" aria-label="messages per second"></svg>
    <p class="legend"><b class="p">produce</b> · <b class="f">fetch</b></p>
  </section>
  <section>
    <h2>Bytes per second, last 60 s</h2>
    <svg class="chart" id="chart-bytes" viewBox="0 0 600 150" preserveAspectRatio="none" role="img" aria-label="bytes per second"></svg>
    <p class="legend"><b class="p">produce</b> · <b class="f">fetch</b></p>
  </section>
  <section class="wide">
    <h2>Topics and partitions (<span id="topic-count">0 topics</span>)</h2>
    <div class="scroll"><table>
      <thead><tr><th>topic</th><th class="num">partition</th><th class="num">log start</th><th class="num">high watermark</th><th class="num">bytes</th><th class="num">long polls</th></tr></thead>
      <tbody id="topics"></tbody>
    </table></div>
  </section>
  <section class="wide">
    <h2>Connected clients (<span id="client-count">0</span>)</h2>
    <div class="scroll"><table>
      <thead><tr><th class="num">#</th><th>client id</th><th>address</th><th class="num">requests</th><th class="num">in / out</th><th class="num">outbox</th><th class="num">queued</th><th>state</th></tr></thead>
      <tbody id="clients"></tbody>
    </table></div>
  </section>
  <section class="wide">
    <h2>Recent disconnects</h2>
    <div class="scroll"><table>
      <thead><tr><th>time</th><th>client id</th><th>address</th><th class="num">requests</th><th>reason</th></tr></thead>
      <tbody id="disconnects"></tbody>
    </table></div>
  </section>
</main>
<footer>updated <span id="updated">-</span> · <span id="viewers">-</span></footer>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
