import { nowIso } from "../lib/clock";
import type { JobOutcome, JobTrigger } from "./job";

export type RunStatus = "ok" | "partial" | "failed";

export interface RunStart {
  job: string;
  trigger: JobTrigger;
  cron?: string | null;
  season: number | null;
  week: number | null;
  startedAt: Date;
}

export async function startRun(d1: D1Database, run: RunStart): Promise<number> {
  const row = await d1
    .prepare(
      `INSERT INTO sync_runs (job, trigger, cron, season, week, started_at, status) VALUES (?, ?, ?, ?, ?, ?, 'running') RETURNING id`,
    )
    .bind(run.job, run.trigger, run.cron ?? null, run.season, run.week, nowIso(run.startedAt))
    .first<{ id: number }>();
  return row!.id;
}

export interface RunFinish {
  status: RunStatus;
  outcome: JobOutcome | null;
  rowsRead: number;
  rowsWritten: number;
  error?: string | null;
  finishedAt: Date;
}

export async function finishRun(d1: D1Database, runId: number, finish: RunFinish): Promise<void> {
  const outcome = finish.outcome;
  await d1
    .prepare(
      `UPDATE sync_runs SET finished_at = ?, status = ?, read_count = ?, inserted_count = ?, updated_count = ?,
         unchanged_count = ?, rejected_count = ?, d1_rows_read = ?, d1_rows_written = ?, error = ?, details = ?
       WHERE id = ?`,
    )
    .bind(
      nowIso(finish.finishedAt),
      finish.status,
      outcome?.read ?? 0,
      outcome?.inserted ?? 0,
      outcome?.updated ?? 0,
      outcome?.unchanged ?? 0,
      outcome?.rejected ?? 0,
      finish.rowsRead,
      finish.rowsWritten,
      finish.error ?? null,
      outcome?.details ? JSON.stringify(outcome.details) : null,
      runId,
    )
    .run();
}

export interface SyncRunView {
  id: number;
  job: string;
  trigger: string;
  cron: string | null;
  season: number | null;
  week: number | null;
  startedAt: string;
  finishedAt: string | null;
  status: string;
  readCount: number;
  insertedCount: number;
  updatedCount: number;
  unchangedCount: number;
  rejectedCount: number;
  d1RowsRead: number;
  d1RowsWritten: number;
  error: string | null;
  details: unknown;
}

export async function listRuns(d1: D1Database, filter: { job?: string; limit: number; beforeId?: number }): Promise<SyncRunView[]> {
  const { results } = await d1
    .prepare(
      `SELECT id, job, trigger, cron, season, week, started_at AS startedAt, finished_at AS finishedAt, status,
         read_count AS readCount, inserted_count AS insertedCount, updated_count AS updatedCount,
         unchanged_count AS unchangedCount, rejected_count AS rejectedCount, d1_rows_read AS d1RowsRead,
         d1_rows_written AS d1RowsWritten, error, details
       FROM sync_runs WHERE (?1 IS NULL OR job = ?1) AND (?2 IS NULL OR id < ?2) ORDER BY id DESC LIMIT ?3`,
    )
    .bind(filter.job ?? null, filter.beforeId ?? null, filter.limit)
    .all<Omit<SyncRunView, "details"> & { details: string | null }>();
  return results.map((row) => ({ ...row, details: row.details ? JSON.parse(row.details) : null }));
}
