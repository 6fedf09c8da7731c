/**
 * Evaluates checks against D1: every SQL check in one batch (one D1 transaction, so one consistent snapshot, and
 * one round trip), then the function checks. A check that throws is reported with status `error` and its message;
 * it never stops the others (when the batch fails, the SQL checks are rerun one by one to find the culprit).
 */
import { CHECKS } from "./checks";
import {
  SAMPLE_KEYS,
  type CheckContext,
  type CheckFinding,
  type CheckResult,
  type CheckStatus,
  type QualityCheck,
  type QualityDb,
  type SqlCheck,
} from "./types";

export interface EvaluateOptions {
  now: Date;
  season: number;
  /** Default: every check (CHECKS). */
  checks?: readonly QualityCheck[];
}

function wrapped(ctx: CheckContext, check: SqlCheck): D1PreparedStatement {
  const statement = ctx.db.prepare(
    `WITH failing AS (${check.sql})
     SELECT (SELECT count(*) FROM failing) AS failing_rows,
       (SELECT json_group_array(key) FROM (SELECT key FROM failing ORDER BY key LIMIT ${SAMPLE_KEYS})) AS sample_keys`,
  );
  const params = check.params?.(ctx) ?? [];
  return params.length > 0 ? statement.bind(...params) : statement;
}

interface CountRow {
  failing_rows: number;
  sample_keys: string | null;
}

function finding(row: CountRow | undefined): CheckFinding {
  if (!row) throw new Error("the check's query returned no row");
  return { failingRows: row.failing_rows, sampleKeys: row.sample_keys ? (JSON.parse(row.sample_keys) as string[]) : [] };
}

function result(check: QualityCheck, outcome: CheckFinding | { error: string }): CheckResult {
  const base = { name: check.name, table: check.table, severity: check.severity };
  if ("error" in outcome) return { ...base, status: "error", failingRows: 0, sampleKeys: [], details: { error: outcome.error } };
  return {
    ...base,
    status: outcome.failingRows > 0 ? check.severity : "pass",
    failingRows: outcome.failingRows,
    sampleKeys: outcome.sampleKeys.slice(0, SAMPLE_KEYS),
    details: outcome.details ?? null,
  };
}

function message(error: unknown): string {
  return (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 500);
}

async function evaluateSqlChecks(ctx: CheckContext, checks: SqlCheck[]): Promise<Map<string, CheckResult>> {
  const results = new Map<string, CheckResult>();
  if (checks.length === 0) return results;
  try {
    const batch = await ctx.db.batch<CountRow>(checks.map((check) => wrapped(ctx, check)));
    checks.forEach((check, i) => results.set(check.name, result(check, finding(batch[i]?.results[0]))));
  } catch {
    // One bad statement fails the whole batch: rerun each alone, so that only the broken check reports an error.
    for (const check of checks) {
      try {
        const [single] = await ctx.db.batch<CountRow>([wrapped(ctx, check)]);
        results.set(check.name, result(check, finding(single?.results[0])));
      } catch (error) {
        results.set(check.name, result(check, { error: message(error) }));
      }
    }
  }
  return results;
}

export async function evaluateChecks(db: QualityDb, options: EvaluateOptions): Promise<CheckResult[]> {
  const checks = options.checks ?? CHECKS;
  const memo = new Map<string, Promise<unknown>>();
  const ctx: CheckContext = {
    db,
    now: options.now,
    season: options.season,
    memo: <T>(key: string, compute: () => Promise<T>) => {
      if (!memo.has(key)) memo.set(key, compute());
      return memo.get(key) as Promise<T>;
    },
  };
  const sqlResults = await evaluateSqlChecks(ctx, checks.filter((check): check is SqlCheck => check.kind === "sql"));
  const results: CheckResult[] = [];
  for (const check of checks) {
    if (check.kind === "sql") {
      results.push(sqlResults.get(check.name)!);
      continue;
    }
    try {
      results.push(result(check, await check.run(ctx)));
    } catch (error) {
      results.push(result(check, { error: message(error) }));
    }
  }
  return results;
}

/** Statuses from best to worst; a run's status is its worst check's. An error (a check that could not tell) ranks
 *  above a warning and below a failure (a confirmed problem). */
export const STATUS_RANK: Record<CheckStatus, number> = { pass: 0, warn: 1, error: 2, fail: 3 };

export function worstStatus(results: readonly CheckResult[]): CheckStatus {
  return results.reduce<CheckStatus>((worst, r) => (STATUS_RANK[r.status] > STATUS_RANK[worst] ? r.status : worst), "pass");
}
