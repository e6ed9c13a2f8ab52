/**
 * The SVG bar chart of a run (docs/charts/bench.svg), written by hand: one
 * group per workload, one horizontal bar per implementation shown, its length
 * the throughput as a percentage of the floor's (the dashed line is 100%),
 * labelled with the absolute rate. No dependencies.
 *
 * What it shows per workload: csp-kit's columns, the floors, the best peer
 * (only the fastest one: the others are in RESULTS.md) and Go's columns.
 */

import { bestPeer, floorNs, type Results } from "./results.js";
import { formatRate } from "./runner.js";

/** Bar colour per implementation id; others get grey. */
const COLOURS: Readonly<Record<string, string>> = {
  "csp-kit": "#1f6feb",
  "csp-kit-try": "#58a6ff",
  "csp-kit-batch": "#a5d6ff",
  "csp-kit-value": "#0550ae",
  "csp-kit-prepared": "#0969da",
  "js-csp": "#bf8700",
  "thi.ng-csp": "#8250df",
  effect: "#1a7f37",
  "channel-ts": "#cf222e",
  "async-mutex": "#d1242f",
  "p-mutex": "#e16f24",
  "esfx-mutex": "#bc4c00",
  messageport: "#6e7781",
  floor: "#57606a",
  "floor-some": "#8c959f",
  go: "#0aa5c0",
  "go-2": "#00758f",
};

const WIDTH = 960;
/** The axis ends here (percent of the floor); longer bars are cut with a break mark. */
const SCALE_CAP = 300;
const LEFT = 170;
const RIGHT = 150;
const BAR = 14;
const GAP = 4;
const GROUP_GAP = 14;
const TOP = 56;

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Renders the chart; `subtitle` says where and when it ran. */
export function renderChart(r: Results, subtitle: string): string {
  type Bar = { label: string; colour: string; pct: number; text: string };
  const groups: { title: string; bars: Bar[] }[] = [];
  let maxPct = 100;
  for (const w of r.workloads) {
    const floor = floorNs(r, w.id);
    if (floor === undefined) continue;
    const bars: Bar[] = [];
    const best = bestPeer(r, w.id)?.impl.id;
    for (const impl of r.impls) {
      if ((impl.role === "peer" && impl.id !== best) || impl.role === "baseline") continue;
      const c = r.cells.get(`${w.id}/${impl.id}`);
      if (c?.status !== "ok") continue;
      const pct = (floor / c.nsPerOp) * 100;
      maxPct = Math.max(maxPct, pct);
      bars.push({
        label: impl.role === "peer" ? `${impl.label} (best peer)` : impl.label,
        colour: COLOURS[impl.id] ?? "#8c959f",
        pct,
        text: `${pct >= 10 ? pct.toFixed(0) : pct.toFixed(1)}% · ${formatRate(1e9 / c.nsPerOp)} ${w.unit}/s`,
      });
    }
    groups.push({ title: `${w.id} · ${w.title}`, bars });
  }
  // One bar far past the floor (an uncontended tryLock at 20x a mutex floor)
  // would squash every other bar into a sliver: the axis stops at SCALE_CAP,
  // and a longer bar is cut there, marked with a break, its label still exact.
  const scaleMax = Math.min(SCALE_CAP, Math.ceil(maxPct / 25) * 25);
  const plotW = WIDTH - LEFT - RIGHT;
  const x = (pct: number) => LEFT + (pct / scaleMax) * plotW;
  const out: string[] = [];
  let y = TOP;
  for (const g of groups) {
    out.push(`<text x="8" y="${y + 11}" class="group">${esc(g.title)}</text>`);
    y += 18;
    for (const b of g.bars) {
      const cut = b.pct > scaleMax;
      const w = Math.max(1, x(Math.min(b.pct, scaleMax)) - LEFT);
      out.push(
        `<text x="${LEFT - 6}" y="${y + BAR - 3}" class="label" text-anchor="end">${esc(b.label)}</text>`,
        `<rect x="${LEFT}" y="${y}" width="${w.toFixed(1)}" height="${BAR}" fill="${b.colour}"/>`,
        ...(cut
          ? [
              `<path d="M${(LEFT + w - 10).toFixed(1)} ${y + BAR} l6 -${BAR} m-2 ${BAR} l6 -${BAR}" stroke="#ffffff" stroke-width="2"/>`,
            ]
          : []),
        `<text x="${(LEFT + w + 4).toFixed(1)}" y="${y + BAR - 3}" class="value">${esc(b.text)}</text>`,
      );
      y += BAR + GAP;
    }
    y += GROUP_GAP;
  }
  const height = y + 24;
  const ticks: string[] = [];
  for (let p = 0; p <= scaleMax; p += scaleMax > 200 ? 50 : 25) {
    ticks.push(
      `<line x1="${x(p).toFixed(1)}" y1="${TOP - 6}" x2="${x(p).toFixed(1)}" y2="${y - GROUP_GAP}" class="${p === 100 ? "floor" : "grid"}"/>`,
      `<text x="${x(p).toFixed(1)}" y="${y - GROUP_GAP + 14}" class="tick" text-anchor="middle">${p}%</text>`,
    );
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" role="img" aria-labelledby="chart-title">`,
    `<title id="chart-title">csp-kit benchmarks: throughput of each implementation as a percentage of the hand-written floor, per workload</title>`,
    "<style>.title{font-size:16px;font-weight:600}.sub{font-size:11px;fill:#57606a}.group{font-size:12px;font-weight:600}" +
      ".label{font-size:11px}.value{font-size:10px;fill:#24292f}.tick{font-size:10px;fill:#57606a}" +
      ".grid{stroke:#d0d7de;stroke-width:1}.floor{stroke:#57606a;stroke-width:1;stroke-dasharray:4 3}</style>",
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="8" y="20" class="title">csp-kit benchmarks — throughput as % of the hand-written floor (higher is better)</text>`,
    `<text x="8" y="38" class="sub">${esc(subtitle)}</text>`,
    ...ticks,
    ...out,
    "</svg>",
    "",
  ].join("\n");
}
