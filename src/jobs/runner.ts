import type { AppEnv } from "../env";
import { bumpStandingsVersion } from "../services/standings-version";
import type { Fetcher } from "../sources/http";
import { MeteredD1 } from "./d1-meter";
import type { JobOutcome, JobTrigger, RetryPolicy } from "./job";
import { JOBS, type JobName } from "./registry";
import { finishRun, startRun, type RunStatus } from "./run-log";
import { currentSeason } from "./season";

/**
 * The jobs whose writes can change standings or player stats (grading, a canceled game voided, rosters, a season
 * restored): a run that wrote anything leaves cached boards and player lists behind (src/services/standings-version.ts).
 */
const STANDINGS_JOBS: ReadonlySet<JobName> = new Set<JobName>(["live-sync", "schedule-sync", "roster-sync", "archive-restore"]);

export interface RunRequest {
  job: JobName;
  trigger: JobTrigger;
  cron?: string | null;
  season?: number | null;
  week?: number | null;
  now?: Date;
  fetcher?: Fetcher;
  retryPolicy?: RetryPolicy;
  progress?: (message: string) => void;
}

export interface RunReport {
  runId: number;
  job: JobName;
  status: RunStatus;
  season: number;
  week: number | null;
  outcome: JobOutcome | null;
  rowsRead: number;
  rowsWritten: number;
  error: string | null;
}

/**
 * Runs a job with its run log: a `running` row first, then ok / partial (some rows rejected) / failed with the
 * reason. A job writes its changes in one atomic batch at its end, so a failed run leaves the data as it was.
 */
export async function runJob(env: AppEnv, request: RunRequest): Promise<RunReport> {
  const now = request.now ?? new Date();
  const season = request.season ?? currentSeason(now, env.SEASON);
  const week = request.week ?? null;
  const db = new MeteredD1(env.DB);
  const progress = request.progress ?? ((message: string) => console.log(JSON.stringify({ job: request.job, msg: message })));
  const runId = await startRun(env.DB, { job: request.job, trigger: request.trigger, cron: request.cron, season, week, startedAt: now });

  let outcome: JobOutcome | null = null;
  let status: RunStatus = "ok";
  let error: string | null = null;
  try {
    const scopeRequested = request.season != null || request.week != null;
    outcome = await JOBS[request.job]({ env, db, season, week, scopeRequested, trigger: request.trigger, now, fetcher: request.fetcher ?? fetch, retryPolicy: request.retryPolicy, progress });
    if (outcome.rejected > 0 || (outcome.left ?? 0) > 0) status = "partial";
  } catch (caught) {
    status = "failed";
    error = caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught);
    console.error(JSON.stringify({ job: request.job, runId, msg: "job failed", error }));
  }
  await finishRun(env.DB, runId, { status, outcome, rowsRead: db.rowsRead, rowsWritten: db.rowsWritten, error, finishedAt: new Date() });
  if (STANDINGS_JOBS.has(request.job) && db.rowsWritten > 0) await bumpStandingsVersion(env);
  progress(`${request.job}: ${status}${error ? ` (${error})` : ""}`);
  return { runId, job: request.job, status, season, week, outcome, rowsRead: db.rowsRead, rowsWritten: db.rowsWritten, error };
}

/** A Cron Trigger with no job is an error: logged and recorded as a failed run, never ignored. */
export async function runUnknownCron(env: AppEnv, cron: string, now = new Date()): Promise<void> {
  const message = `no job is registered for cron '${cron}'`;
  console.error(JSON.stringify({ msg: message, cron }));
  const runId = await startRun(env.DB, { job: "unknown", trigger: "cron", cron, season: null, week: null, startedAt: now });
  await finishRun(env.DB, runId, { status: "failed", outcome: null, rowsRead: 0, rowsWritten: 0, error: message, finishedAt: new Date() });
}
