/** The status page's HTML (server-rendered with hono/html, which escapes every interpolated value). */
import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import { CHECKS } from "../quality/checks";
import { STATUS_RANK } from "../quality/evaluate";
import type { JobRunView, QualityResultView, QualityRunView, TrendPoint } from "../quality/store";
import { renderTrendChart } from "./chart";

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const STYLE = `
  body { font: 14px/1.45 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", "DejaVu Sans", sans-serif; margin: 0 auto; max-width: 1100px; padding: 16px 24px 48px; color: #1b1f24; }
  header { display: flex; align-items: baseline; justify-content: space-between; gap: 16px; border-bottom: 1px solid #d0d7de; }
  h1 { font-size: 22px; margin: 8px 0; } h2 { font-size: 17px; margin: 28px 0 8px; }
  table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #eaeef2; vertical-align: top; }
  th { background: #f6f8fa; font-weight: 600; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
  code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; } .keys code { display: block; white-space: pre-wrap; word-break: break-all; }
  .badge { display: inline-block; min-width: 38px; text-align: center; border-radius: 10px; padding: 0 8px; font-weight: 600; font-size: 12px; color: #fff; }
  .s-pass, .s-ok { background: #1a7f37; } .s-warn, .s-partial, .s-running { background: #bf8700; } .s-fail, .s-failed { background: #cf222e; } .s-error { background: #8250df; }
  .muted { color: #57606a; } .summary span { margin-right: 16px; }
  .chart { margin: 0; } .chart svg { max-width: 100%; height: auto; background: #fff; } .grid { stroke: #eaeef2; } .axis { stroke: #8c959f; } .tick { font-size: 11px; fill: #57606a; }
  .legend { list-style: none; padding: 0; margin: 6px 0; columns: 2; } .legend li { margin: 2px 0; }
  form.inline { display: inline; } button { font: inherit; padding: 2px 10px; }
  .login { max-width: 420px; margin: 60px auto; } .login input { width: 100%; box-sizing: border-box; padding: 6px; font: inherit; margin: 6px 0 10px; }
  .problem { color: #cf222e; }
`;

function layout(title: string, body: Html): Html {
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="robots" content="noindex" />
    <title>${title}</title>
    <style>${raw(STYLE) /* a constant; escaping would break it (<style> is raw text: &quot; stays &quot;) */}</style>
  </head>
  <body>
    ${body}
  </body>
</html>`;
}

const badge = (status: string) => html`<span class="badge s-${status}">${status}</span>`;

export function loginPage(problem: string | null): Html {
  return layout(
    "firsttd status: sign in",
    html`<main class="login">
      <h1>firsttd status</h1>
      <p>This page is for admins. Paste the admin token (ADMIN_TOKEN) or an admin user's API token.</p>
      ${problem ? html`<p class="problem" id="login-problem">${problem}</p>` : ""}
      <form method="post" action="/status/login">
        <label for="token">Token</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required />
        <button type="submit">Sign in</button>
      </form>
      <p class="muted">A session cookie (HttpOnly, 12 hours, not the token itself) keeps you signed in on this page only.</p>
    </main>`,
  );
}

export interface StatusData {
  now: Date;
  run: QualityRunView | null;
  checks: QualityResultView[];
  trend: TrendPoint[];
  jobs: JobRunView[];
}

function detailsText(details: Record<string, unknown> | null): string {
  if (!details) return "";
  const text = JSON.stringify(details);
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

const DESCRIPTIONS = new Map(CHECKS.map((c) => [c.name, c.description]));

function checksTable(checks: QualityResultView[]): Html {
  // Worst first; within a status, the order of the check list (src/quality/checks.ts).
  const ordered = checks.map((c, i) => ({ c, i })).sort((a, b) => STATUS_RANK[b.c.status] - STATUS_RANK[a.c.status] || a.i - b.i);
  return html`<table id="checks">
    <thead><tr><th>check</th><th>table</th><th>severity</th><th>status</th><th>failing rows</th><th>sample keys</th></tr></thead>
    <tbody>
      ${ordered.map(
        ({ c }) => html`<tr data-check="${c.name}" data-status="${c.status}">
          <td><code title="${DESCRIPTIONS.get(c.name) ?? ""}">${c.name}</code></td>
          <td>${c.table}</td>
          <td>${c.severity}</td>
          <td>${badge(c.status)}</td>
          <td class="num">${c.failingRows}</td>
          <td class="keys">${c.sampleKeys.map((k) => html`<code>${k}</code>`)}${
            c.status !== "pass" && c.details ? html`<span class="muted">${detailsText(c.details)}</span>` : ""
          }</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

function jobsTable(jobs: JobRunView[], run: QualityRunView | null): Html {
  return html`<table id="jobs">
    <thead><tr><th>job</th><th>run</th><th>trigger</th><th>started</th><th>finished</th><th>status</th><th>error</th></tr></thead>
    <tbody>
      ${jobs.map(
        (j) => html`<tr data-job="${j.job}">
          <td><code>${j.job}</code></td><td class="num">#${j.id}</td><td>${j.trigger}</td><td>${j.startedAt}</td>
          <td>${j.finishedAt ?? "-"}</td><td>${badge(j.status)}</td><td>${j.error ?? ""}</td>
        </tr>`,
      )}
      ${
        run
          ? html`<tr data-job="quality-run">
              <td><code>quality run</code> <span class="muted">(quality_runs)</span></td><td class="num">#${run.id}</td><td>${run.trigger}</td>
              <td>${run.startedAt}</td><td>${run.finishedAt ?? "-"}</td><td>${badge(run.status)}</td>
              <td>${run.alertError ?? (run.alertSentAt ? `alert sent ${run.alertSentAt}` : "")}</td>
            </tr>`
          : ""
      }
    </tbody>
  </table>
  ${jobs.length === 0 && !run ? html`<p class="muted" id="jobs-empty">No job has run yet.</p>` : ""}`;
}

export function statusPage(data: StatusData): Html {
  const { run } = data;
  return layout(
    "firsttd status",
    html`<header>
        <h1>firsttd status</h1>
        <div class="muted">rendered ${data.now.toISOString().replace(/\.\d{3}Z$/, "Z")}
          <form class="inline" method="post" action="/status/logout"><button type="submit">Sign out</button></form></div>
      </header>
      <section id="quality">
        <h2>Data quality</h2>
        ${
          run
            ? html`<p class="summary" id="run-summary" data-run="${run.id}" data-status="${run.status}">
                <span>Run <strong>#${run.id}</strong> ${badge(run.status)}</span>
                <span>${run.trigger}, started ${run.startedAt}</span>
                <span>${run.checksTotal} checks: ${run.checksFailed} fail, ${run.checksWarned} warn, ${run.checksErrored} error</span>
                <span>${run.alertSentAt ? `alert sent ${run.alertSentAt}` : run.alertError ? `alert failed: ${run.alertError}` : "no alert sent"}</span>
              </p>
              ${checksTable(data.checks)}`
            : html`<p class="muted" id="no-run">No quality run yet (the job runs at 02:00 UTC, or POST /v1/admin/quality/run).</p>`
        }
      </section>
      <section id="trend">
        <h2>Failing rows per check, last ${data.trend.length} runs</h2>
        ${renderTrendChart(data.trend)}
      </section>
      <section id="job-runs">
        <h2>Jobs: the last run of each</h2>
        ${jobsTable(data.jobs, run)}
      </section>`,
  );
}

export function problemPage(status: number, message: string): Html {
  return layout(
    "firsttd status",
    html`<main class="login"><h1>firsttd status</h1><p class="problem" id="problem" data-status="${status}">${message}</p>
      <form method="post" action="/status/logout"><button type="submit">Sign in with another token</button></form></main>`,
  );
}
