/**
 * The trend chart of the status page: failing rows per check over the last runs, as inline SVG rendered on the
 * server (no script, no external resource). One line per check that failed at least once in the window; checks
 * that stayed at 0 are summed up in one sentence. Every text goes through hono/html, which escapes it.
 */
import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { TrendPoint } from "../quality/store";

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const WIDTH = 760;
const HEIGHT = 260;
const MARGIN = { left: 48, right: 16, top: 14, bottom: 34 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;
const PALETTE = ["#d62728", "#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"];

export interface TrendSeries {
  check: string;
  color: string;
  dash: string | null;
  values: number[];
}

/** 1, 2, 5, 10, 20, 50, ... at or above `value` (at least 1). */
export function niceCeiling(value: number): number {
  if (value <= 1) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

/** The checks with failing rows somewhere in the window, biggest latest value first. */
export function trendSeries(points: readonly TrendPoint[]): TrendSeries[] {
  const names = new Set<string>();
  for (const point of points) for (const [name, rows] of Object.entries(point.failingRows)) if (rows > 0) names.add(name);
  const latest = points.at(-1)?.failingRows ?? {};
  return [...names]
    .sort((a, b) => (latest[b] ?? 0) - (latest[a] ?? 0) || a.localeCompare(b))
    .map((check, i) => ({
      check,
      color: PALETTE[i % PALETTE.length]!,
      dash: i < PALETTE.length ? null : "6 3",
      values: points.map((p) => p.failingRows[check] ?? 0),
    }));
}

const round = (n: number) => Math.round(n * 10) / 10;

export function renderTrendChart(points: readonly TrendPoint[]): Html {
  if (points.length === 0) return html`<p class="muted" id="trend-empty">No quality run yet: the chart appears after the first run.</p>`;
  const series = trendSeries(points);
  const max = niceCeiling(Math.max(0, ...series.flatMap((s) => s.values)));
  const x = (i: number) => round(points.length === 1 ? MARGIN.left + PLOT_W / 2 : MARGIN.left + (i * PLOT_W) / (points.length - 1));
  const y = (v: number) => round(MARGIN.top + PLOT_H - (v / max) * PLOT_H);
  const ticks = [...new Set([0, max / 2, max].filter((t) => Number.isInteger(t)))];
  const labelEvery = Math.max(1, Math.ceil(points.length / 10));
  const totalChecks = Object.keys(points.at(-1)!.failingRows).length;

  const grid = ticks.map(
    (t) => html`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(t)}" y2="${y(t)}" class="grid" />
      <text x="${MARGIN.left - 6}" y="${y(t) + 4}" text-anchor="end" class="tick">${t}</text>`,
  );
  const xLabels = points.map((p, i) =>
    i % labelEvery === 0 || i === points.length - 1
      ? html`<text x="${x(i)}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle" class="tick">#${p.runId}</text>`
      : "",
  );
  const lines = series.map(
    (s) => html`<g class="series" data-check="${s.check}">
      <polyline fill="none" stroke="${s.color}" stroke-width="2" ${s.dash ? html`stroke-dasharray="${s.dash}"` : ""}
        points="${s.values.map((v, i) => `${x(i)},${y(v)}`).join(" ")}"><title>${s.check}</title></polyline>
      ${s.values.map(
        (v, i) => html`<circle cx="${x(i)}" cy="${y(v)}" r="3" fill="${s.color}"><title>${s.check}: ${v} failing rows in run #${points[i]!.runId} (${points[i]!.startedAt})</title></circle>`,
      )}
    </g>`,
  );
  const quiet = totalChecks - series.length;

  return html`<figure class="chart">
    <svg id="trend-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}"
      role="img" aria-labelledby="trend-title" data-runs="${points.length}" data-series="${series.length}">
      <title id="trend-title">Failing rows per check over the last ${points.length} quality runs</title>
      ${grid}
      <line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + PLOT_H}" class="axis" />
      <line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${MARGIN.top + PLOT_H}" y2="${MARGIN.top + PLOT_H}" class="axis" />
      ${xLabels}
      <text x="12" y="${MARGIN.top + PLOT_H / 2}" transform="rotate(-90 12 ${MARGIN.top + PLOT_H / 2})" text-anchor="middle" class="tick">failing rows</text>
      ${lines}
    </svg>
    <figcaption>
      ${
        series.length === 0
          ? html`<p id="trend-all-zero">Every check had 0 failing rows in each of the last ${points.length} runs.</p>`
          : html`<ul class="legend">
              ${series.map(
                (s) => html`<li data-check="${s.check}"><svg width="22" height="10" aria-hidden="true"><line x1="0" x2="22" y1="5" y2="5" stroke="${s.color}" stroke-width="3" ${s.dash ? html`stroke-dasharray="${s.dash}"` : ""} /></svg>
                  <code>${s.check}</code> ${s.values.at(-1)} now, max ${Math.max(...s.values)}</li>`,
              )}
            </ul>
            ${quiet > 0 ? html`<p class="muted">${quiet} other checks had 0 failing rows in every run shown.</p>` : ""}`
      }
    </figcaption>
  </figure>`;
}
