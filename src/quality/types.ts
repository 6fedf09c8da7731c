/**
 * The data-quality checks (src/quality/checks.ts) and what one evaluation of a check produces.
 *
 * A check counts "failing rows": rows (or keys, for duplicates and groups) that break one rule, and shows a few
 * of their keys so that a person can look them up. Most checks are one SQL query returning one row per failing
 * row with a `key` column; the few that need arithmetic, a threshold or the recompute are functions.
 */
import type { QUALITY_SEVERITIES, QUALITY_STATUSES } from "../db/schema";

export type Severity = (typeof QUALITY_SEVERITIES)[number];
export type CheckStatus = (typeof QUALITY_STATUSES)[number];

/** What a check may read: D1 itself or the job's metered D1 (both prepare statements and run batches). */
export interface QualityDb {
  prepare(query: string): D1PreparedStatement;
  batch<T = unknown>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]>;
}

export interface CheckContext {
  db: QualityDb;
  /** The clock of the run (tests pin it). */
  now: Date;
  /** The season the season-scoped checks look at (drift, positions, freshness): the run's season. */
  season: number;
  /** Shares one expensive read between checks of the same run (the recompute feeds two checks). */
  memo<T>(key: string, compute: () => Promise<T>): Promise<T>;
}

/** What a function check found; `failingRows` 0 means pass. */
export interface CheckFinding {
  failingRows: number;
  sampleKeys: string[];
  /** Check-specific numbers for a person (percentages, thresholds, why the check did not apply). */
  details?: Record<string, unknown>;
}

interface CheckBase {
  /** Stable, snake_case: stored in quality_results.check_name and used for the trend. */
  name: string;
  /** The table the failing rows are in (quality_results.table_name). */
  table: string;
  severity: Severity;
  /** One sentence: what a failing row is. */
  description: string;
}

/** `sql` returns one row per failing row, with a text column `key`; `params` binds ?1, ?2, ... */
export interface SqlCheck extends CheckBase {
  kind: "sql";
  sql: string;
  params?: (ctx: CheckContext) => unknown[];
}

export interface FunctionCheck extends CheckBase {
  kind: "function";
  run: (ctx: CheckContext) => Promise<CheckFinding>;
}

export type QualityCheck = SqlCheck | FunctionCheck;

export interface CheckResult {
  name: string;
  table: string;
  severity: Severity;
  status: CheckStatus;
  failingRows: number;
  sampleKeys: string[];
  details: Record<string, unknown> | null;
}

/** At most this many sample keys are kept per check. */
export const SAMPLE_KEYS = 5;

export function sqlCheck(check: Omit<SqlCheck, "kind">): SqlCheck {
  return { kind: "sql", ...check };
}

export function functionCheck(check: Omit<FunctionCheck, "kind">): FunctionCheck {
  return { kind: "function", ...check };
}

/** `?1` bound to the run's clock, as ISO-8601 UTC (the format of games.kickoff_at). */
export function nowParam(ctx: CheckContext): string {
  return ctx.now.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** SQL string literal list: ('a', 'b'). Only ever used with the constant lists of the schema. */
export function sqlList(values: readonly (string | number)[]): string {
  return `(${values.map((v) => (typeof v === "number" ? String(v) : `'${v.replace(/'/g, "''")}'`)).join(", ")})`;
}

/** Runs one statement through the run's D1 handle (so that the job's meter counts it) and returns its rows. */
export async function queryRows<T>(ctx: CheckContext, statement: D1PreparedStatement): Promise<T[]> {
  const [result] = await ctx.db.batch<T>([statement]);
  return result?.results ?? [];
}
