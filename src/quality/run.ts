/**
 * One quality run: record it, evaluate every check, store each result, alert on failures. Reached through the job
 * runner only (src/jobs/runner.ts: cron "0 2 * * *", POST /v1/admin/quality/run, `npm run job -- quality`), so
 * that every run is in sync_runs like the other jobs AND in quality_runs / quality_results with its checks.
 */
import type { JobHandler, JobTrigger } from "../jobs/job";
import { nowIso } from "../lib/clock";
import type { Fetcher } from "../sources/http";
import { alertPayload, sendAlert } from "./alert";
import { evaluateChecks } from "./evaluate";
import { finishQualityRun, getQualityRun, recordAlert, startQualityRun, type QualityRunView } from "./store";
import type { CheckResult, QualityCheck, QualityDb } from "./types";

export const QUALITY_JOB = "quality";

export interface QualityRunOptions {
  db: QualityDb;
  now: Date;
  season: number;
  trigger: JobTrigger;
  /** QUALITY_WEBHOOK_URL; empty or absent: no alert is ever sent. */
  webhookUrl?: string | null;
  fetcher?: Fetcher;
  progress?: (message: string) => void;
  /** Default: every check. */
  checks?: readonly QualityCheck[];
}

export type AlertOutcome = "sent" | "failed" | "not_needed" | "no_webhook";

export interface QualityRunReport {
  run: QualityRunView;
  results: CheckResult[];
  alert: AlertOutcome;
}

export async function runQuality(options: QualityRunOptions): Promise<QualityRunReport> {
  const progress = options.progress ?? (() => {});
  const runId = await startQualityRun(options.db, options.trigger, options.now);
  const results = await evaluateChecks(options.db, { now: options.now, season: options.season, checks: options.checks });
  await finishQualityRun(options.db, runId, results, new Date());
  let run = (await getQualityRun(options.db, runId))!;

  progress(
    `quality run #${run.id}: ${run.status} (${run.checksTotal} checks: ${run.checksFailed} fail, ${run.checksWarned} warn, ${run.checksErrored} error)`,
  );
  for (const r of results.filter((x) => x.status !== "pass")) {
    const what = r.status === "error" ? String(r.details?.error) : `${r.failingRows} rows, e.g. ${r.sampleKeys.join(" | ")}`;
    progress(`  ${r.status.padEnd(5)} ${r.name} (${r.table}): ${what}`);
  }

  let alert: AlertOutcome = "not_needed";
  const payload = alertPayload(run, results);
  const webhookUrl = options.webhookUrl?.trim();
  if (payload && !webhookUrl) alert = "no_webhook";
  if (payload && webhookUrl) {
    const error = await sendAlert(webhookUrl, payload, options.fetcher ?? fetch);
    await recordAlert(options.db, runId, { sentAt: error ? null : new Date(), error });
    alert = error ? "failed" : "sent";
    progress(error ? `  alert NOT sent: ${error}` : "  alert sent to the webhook");
    run = (await getQualityRun(options.db, runId))!;
  }
  return { run, results, alert };
}

/** The trigger of the sync_runs row the runner opened for this run (the job context does not carry it). */
async function triggerOfThisRun(db: QualityDb, now: Date): Promise<JobTrigger> {
  const [result] = await db.batch<{ trigger: JobTrigger }>([
    db
      .prepare(`SELECT trigger FROM sync_runs WHERE job = ? AND status = 'running' AND started_at = ? ORDER BY id DESC LIMIT 1`)
      .bind(QUALITY_JOB, nowIso(now)),
  ]);
  return result?.results[0]?.trigger ?? "cli";
}

/** The job of src/jobs/registry.ts. In sync_runs: read = checks run, inserted = results stored, rejected = checks in error. */
export const qualityJob: JobHandler = async (ctx) => {
  const webhookUrl = (ctx.env as { QUALITY_WEBHOOK_URL?: string }).QUALITY_WEBHOOK_URL ?? null;
  const report = await runQuality({
    db: ctx.db,
    now: ctx.now,
    season: ctx.season,
    trigger: await triggerOfThisRun(ctx.db, ctx.now),
    webhookUrl,
    fetcher: ctx.fetcher,
    progress: ctx.progress,
  });
  const { run, results } = report;
  const named = (status: string) =>
    results.filter((r) => r.status === status).map((r) => (status === "error" ? r.name : `${r.name}: ${r.failingRows}`));
  return {
    read: results.length,
    inserted: results.length,
    updated: 0,
    unchanged: 0,
    rejected: run.checksErrored,
    details: {
      qualityRunId: run.id,
      qualityStatus: run.status,
      failed: named("fail"),
      warned: named("warn"),
      errored: named("error"),
      alert: report.alert,
      ...(run.alertError ? { alertError: run.alertError } : {}),
    },
  };
};
