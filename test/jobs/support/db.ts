import { env, SELF } from "cloudflare:test";
import { expect } from "vitest";
import type { RetryPolicy } from "../../../src/jobs/job";
import type { JobName } from "../../../src/jobs/registry";
import { runJob, type RunReport } from "../../../src/jobs/runner";

/** Short waits so that retries and timeouts take milliseconds (the defaults are 500 ms backoff, 15 s timeout). */
export const FAST: RetryPolicy = { timeoutMs: 200, attempts: 3, backoffMs: 5, maxWaitMs: 2_000 };

/** runJob as the CLI or a unit-level test calls it: the global (faked) fetch, fast retries, no progress noise. */
/** A run as `npm run job` makes it; without a season the job takes it from the clock, as a cron run does. */
export function run(job: JobName, options: { season?: number; now: string | Date; week?: number; retryPolicy?: RetryPolicy }): Promise<RunReport> {
  return runJob(env, {
    job,
    trigger: "cli",
    season: options.season ?? null,
    week: options.week ?? null,
    now: typeof options.now === "string" ? new Date(options.now) : options.now,
    retryPolicy: options.retryPolicy ?? FAST,
    progress: () => {},
  });
}

export interface SyncRunRow {
  id: number;
  job: string;
  trigger: string;
  cron: string | null;
  season: number | null;
  week: number | null;
  started_at: string;
  finished_at: string | null;
  status: string;
  read_count: number;
  inserted_count: number;
  updated_count: number;
  unchanged_count: number;
  rejected_count: number;
  d1_rows_read: number;
  d1_rows_written: number;
  error: string | null;
  details: any;
}

export async function syncRuns(): Promise<SyncRunRow[]> {
  const { results } = await env.DB.prepare("SELECT * FROM sync_runs ORDER BY id").all<SyncRunRow & { details: string | null }>();
  return results.map((row) => ({ ...row, details: row.details === null ? null : JSON.parse(row.details) }));
}

export async function syncRun(id: number): Promise<SyncRunRow> {
  const row = (await syncRuns()).find((r) => r.id === id);
  if (!row) throw new Error(`no sync run ${id}`);
  return row;
}

export async function lastRun(): Promise<SyncRunRow> {
  const rows = await syncRuns();
  if (rows.length === 0) throw new Error("no sync runs");
  return rows.at(-1)!;
}

/** The tables the jobs write (directly or through the triggers), in a comparable form. */
const DATA_TABLES = [
  "games",
  "players",
  "player_name_aliases",
  "rosters",
  "picks",
  "picks_quarantine",
  "results",
  "standings",
  "player_stats",
  "game_fact_changes",
  "weeks",
] as const;

export async function snapshot(): Promise<Record<string, unknown[]>> {
  // Every row, in a stable order that needs no rowid (standings is a WITHOUT ROWID table).
  const results = await env.DB.batch(DATA_TABLES.map((table) => env.DB.prepare(`SELECT * FROM ${table}`)));
  const sorted = (list: unknown[]) => list.map((r) => JSON.stringify(r)).sort().map((r) => JSON.parse(r) as unknown);
  return Object.fromEntries(DATA_TABLES.map((table, i) => [table, sorted(results[i]!.results)]));
}

export async function rows<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]> {
  return (await env.DB.prepare(sql).bind(...params).all<T>()).results;
}

export async function row<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T | null> {
  return env.DB.prepare(sql).bind(...params).first<T>();
}

/** A finished run: status, counts and error as the run log has them. */
export async function expectRun(report: RunReport, expected: Partial<SyncRunRow>) {
  const logged = await syncRun(report.runId);
  expect(logged.finished_at).not.toBeNull();
  expect(logged).toMatchObject(expected);
  return logged;
}

/** SELF.scheduled(): present at runtime (service_binding_extra_handlers), missing from this workers-types' Fetcher. */
interface ScheduledFetcher {
  scheduled(options: { cron?: string; scheduledTime?: Date | number }): Promise<{ outcome: string; noRetry: boolean }>;
}

/** Runs the Worker's scheduled handler (src/index.ts) for a Cron Trigger, as Cloudflare does. */
export function runScheduled(cron: string, scheduledTime: Date = new Date()) {
  return (SELF as unknown as ScheduledFetcher).scheduled({ cron, scheduledTime });
}
