/**
 * quality_runs / quality_results: one row per run, one row per check per run (history kept for the trend),
 * and the reads of the admin API and the status page.
 */
import { chunk, rowsPerStatement } from "../jobs/d1-meter";
import type { JobTrigger } from "../jobs/job";
import { nowIso } from "../lib/clock";
import { worstStatus } from "./evaluate";
import type { CheckResult, CheckStatus, QualityDb, Severity } from "./types";

export type QualityRunStatus = "running" | CheckStatus;

export interface QualityRunView {
  id: number;
  trigger: JobTrigger;
  startedAt: string;
  finishedAt: string | null;
  status: QualityRunStatus;
  checksTotal: number;
  checksFailed: number;
  checksWarned: number;
  checksErrored: number;
  alertSentAt: string | null;
  alertError: string | null;
}

export interface QualityResultView {
  name: string;
  table: string;
  severity: Severity;
  status: CheckStatus;
  failingRows: number;
  sampleKeys: string[];
  details: Record<string, unknown> | null;
}

const RUN_COLUMNS = `id, trigger, started_at AS startedAt, finished_at AS finishedAt, status, checks_total AS checksTotal,
  checks_failed AS checksFailed, checks_warned AS checksWarned, checks_errored AS checksErrored,
  alert_sent_at AS alertSentAt, alert_error AS alertError`;

async function rows<T>(db: QualityDb, statement: D1PreparedStatement): Promise<T[]> {
  const [result] = await db.batch<T>([statement]);
  return result?.results ?? [];
}

export async function startQualityRun(db: QualityDb, trigger: JobTrigger, startedAt: Date): Promise<number> {
  const [row] = await rows<{ id: number }>(
    db,
    db.prepare("INSERT INTO quality_runs (trigger, started_at, status) VALUES (?, ?, 'running') RETURNING id").bind(trigger, nowIso(startedAt)),
  );
  return row!.id;
}

/** Every check's result and the run's totals, in one batch (all or nothing). */
export async function finishQualityRun(db: QualityDb, runId: number, results: readonly CheckResult[], finishedAt: Date): Promise<void> {
  const COLUMNS = 8;
  const inserts = chunk(results, rowsPerStatement(COLUMNS)).map((part) =>
    db
      .prepare(
        `INSERT INTO quality_results (run_id, check_name, table_name, severity, status, failing_rows, sample_keys, details) VALUES ${part
          .map(() => "(?, ?, ?, ?, ?, ?, ?, ?)")
          .join(", ")}`,
      )
      .bind(
        ...part.flatMap((r) => [
          runId,
          r.name,
          r.table,
          r.severity,
          r.status,
          r.failingRows,
          JSON.stringify(r.sampleKeys),
          r.details === null ? null : JSON.stringify(r.details),
        ]),
      ),
  );
  const count = (status: CheckStatus) => results.filter((r) => r.status === status).length;
  const update = db
    .prepare(
      `UPDATE quality_runs SET finished_at = ?, status = ?, checks_total = ?, checks_failed = ?, checks_warned = ?, checks_errored = ?
       WHERE id = ?`,
    )
    .bind(nowIso(finishedAt), worstStatus(results), results.length, count("fail"), count("warn"), count("error"), runId);
  await db.batch([...inserts, update]);
}

export async function recordAlert(db: QualityDb, runId: number, alert: { sentAt: Date | null; error: string | null }): Promise<void> {
  await db.batch([
    db
      .prepare("UPDATE quality_runs SET alert_sent_at = ?, alert_error = ? WHERE id = ?")
      .bind(alert.sentAt ? nowIso(alert.sentAt) : null, alert.error, runId),
  ]);
}

export async function getQualityRun(db: QualityDb, runId: number): Promise<QualityRunView | null> {
  const [row] = await rows<QualityRunView>(db, db.prepare(`SELECT ${RUN_COLUMNS} FROM quality_runs WHERE id = ?`).bind(runId));
  return row ?? null;
}

/** The newest finished run (a run still going is not "the latest report"). */
export async function latestQualityRun(db: QualityDb): Promise<QualityRunView | null> {
  const [row] = await rows<QualityRunView>(
    db,
    db.prepare(`SELECT ${RUN_COLUMNS} FROM quality_runs WHERE status <> 'running' ORDER BY id DESC LIMIT 1`),
  );
  return row ?? null;
}

/** Runs newest first, every status; `beforeId` pages (runs with a smaller id). */
export async function listQualityRuns(db: QualityDb, page: { limit: number; beforeId?: number }): Promise<QualityRunView[]> {
  return rows<QualityRunView>(
    db,
    db
      .prepare(`SELECT ${RUN_COLUMNS} FROM quality_runs WHERE (?1 IS NULL OR id < ?1) ORDER BY id DESC LIMIT ?2`)
      .bind(page.beforeId ?? null, page.limit),
  );
}

interface ResultRow {
  name: string;
  table: string;
  severity: Severity;
  status: CheckStatus;
  failingRows: number;
  sampleKeys: string | null;
  details: string | null;
}

/** A run's results in check order (the order they were written in). */
export async function qualityResults(db: QualityDb, runId: number): Promise<QualityResultView[]> {
  const list = await rows<ResultRow>(
    db,
    db
      .prepare(
        `SELECT check_name AS name, table_name AS "table", severity, status, failing_rows AS failingRows,
           sample_keys AS sampleKeys, details
         FROM quality_results WHERE run_id = ? ORDER BY id`,
      )
      .bind(runId),
  );
  return list.map((r) => ({
    ...r,
    sampleKeys: r.sampleKeys ? (JSON.parse(r.sampleKeys) as string[]) : [],
    details: r.details ? (JSON.parse(r.details) as Record<string, unknown>) : null,
  }));
}

export interface TrendPoint {
  runId: number;
  startedAt: string;
  /** failing rows per check name (every check of the run). */
  failingRows: Record<string, number>;
}

/** Failing rows per check over the last `runs` finished runs, oldest first. */
export async function qualityTrend(db: QualityDb, runs = 30): Promise<TrendPoint[]> {
  const list = await rows<{ runId: number; startedAt: string; checkName: string | null; failingRows: number | null }>(
    db,
    db
      .prepare(
        `SELECT r.id AS runId, r.started_at AS startedAt, q.check_name AS checkName, q.failing_rows AS failingRows
         FROM (SELECT id, started_at FROM quality_runs WHERE status <> 'running' ORDER BY id DESC LIMIT ?) r
         LEFT JOIN quality_results q ON q.run_id = r.id
         ORDER BY r.id, q.id`,
      )
      .bind(runs),
  );
  const points = new Map<number, TrendPoint>();
  for (const row of list) {
    let point = points.get(row.runId);
    if (!point) points.set(row.runId, (point = { runId: row.runId, startedAt: row.startedAt, failingRows: {} }));
    if (row.checkName !== null) point.failingRows[row.checkName] = row.failingRows ?? 0;
  }
  return [...points.values()];
}

export interface JobRunView {
  id: number;
  job: string;
  trigger: string;
  startedAt: string;
  finishedAt: string | null;
  status: string;
  error: string | null;
  season: number | null;
  week: number | null;
}

/** The last run of every job in sync_runs, by job name. */
export async function lastJobRuns(db: QualityDb): Promise<JobRunView[]> {
  return rows<JobRunView>(
    db,
    db.prepare(
      `SELECT id, job, trigger, started_at AS startedAt, finished_at AS finishedAt, status, error, season, week
       FROM sync_runs WHERE id IN (SELECT max(id) FROM sync_runs GROUP BY job) ORDER BY job`,
    ),
  );
}
