/**
 * Meters what one request costs in D1 (`npm run bench`, bench/README.md). The bench Worker (bench/worker.ts) hands
 * the production Worker a D1 binding wrapped by meterD1() and returns the sums in a header; the production bundle
 * (src/index.ts) never contains this file.
 *
 * D1 reports rows read / written per statement in the `meta` of `all()`, `run()` and `batch()` results. `first()`
 * and `raw()` return no meta:
 * - `first()` is metered by running `all()` and taking the first row, which is what D1's `first()` does (it adds no
 *   LIMIT; a missing column throws D1_COLUMN_NOTFOUND the same way);
 * - `raw()` (drizzle's select builders use it: rows as arrays, so that duplicate column names of a join survive)
 *   cannot be rebuilt from `all()` (objects drop duplicate names). The runtime's own raw() asks the database for
 *   ROWS_AND_COLUMNS and throws the meta away; the meter makes that same request through the statement's session
 *   (`dbSession._sendOrThrow`, a workerd internal, present in the pinned workerd) and keeps the meta. The bench checks
 *   at start that the two give identical rows (GET /__bench/selfcheck). Where the internal is missing, raw() passes
 *   through and counts as `unmetered`, and the bench flags the scenario.
 */

export interface D1Usage {
  /** Statements executed (each statement of a batch counts). */
  statements: number;
  /** D1 calls (round trips to the database): a batch is one. */
  calls: number;
  rowsRead: number;
  rowsWritten: number;
  /** Statements whose meta D1 does not return (raw(), exec(), sessions): their rows are not in the sums. */
  unmetered: number;
  /** Time spent executing SQL inside the database (sum of meta.duration), ms. */
  sqlMs: number;
}

export function emptyUsage(): D1Usage {
  return { statements: 0, calls: 0, rowsRead: 0, rowsWritten: 0, unmetered: 0, sqlMs: 0 };
}

/** The response header the bench reads (JSON of D1Usage). */
export const D1_USAGE_HEADER = "x-bench-d1";

const INNER = Symbol("inner statement");

/** What workerd's D1PreparedStatement holds (internals; checked before use). */
interface RawCapable {
  statement: string;
  params: unknown[];
  dbSession?: {
    _sendOrThrow?: (
      endpoint: string,
      query: string,
      params: unknown[],
      format: "ROWS_AND_COLUMNS",
    ) => Promise<RawAnswer | RawAnswer[]>;
  };
}

interface RawAnswer {
  results: { columns: string[]; rows: unknown[][] };
  meta: D1Meta;
}

type Wrapped = D1PreparedStatement & { [INNER]: D1PreparedStatement };

/** The runtime's own statement behind a metered one (for the bench's self-check). */
export function unwrap(statement: D1PreparedStatement): D1PreparedStatement {
  return (statement as Partial<Wrapped>)[INNER] ?? statement;
}

/** A D1Database that behaves exactly like `d1` and adds every statement's meta to `usage`. */
export function meterD1(d1: D1Database, usage: D1Usage): D1Database {
  const count = (meta: D1Meta | undefined) => {
    usage.statements += 1;
    usage.rowsRead += meta?.rows_read ?? 0;
    usage.rowsWritten += meta?.rows_written ?? 0;
    usage.sqlMs += meta?.duration ?? 0;
  };

  const wrap = (inner: D1PreparedStatement): D1PreparedStatement => {
    const statement = {
      [INNER]: inner,
      bind: (...values: unknown[]) => wrap(inner.bind(...values)),
      async first(column?: string) {
        usage.calls += 1;
        const result = await inner.all<Record<string, unknown>>();
        count(result.meta);
        const row = result.results[0];
        if (row === undefined) return null;
        if (column === undefined) return row;
        if (!(column in row)) throw new Error(`D1_COLUMN_NOTFOUND: Column not found (${column})`);
        return row[column];
      },
      async all() {
        usage.calls += 1;
        const result = await inner.all();
        count(result.meta);
        return result;
      },
      async run() {
        usage.calls += 1;
        const result = await inner.run();
        count(result.meta);
        return result;
      },
      async raw(options?: { columnNames?: boolean }) {
        usage.calls += 1;
        const internal = inner as unknown as RawCapable;
        if (typeof internal.dbSession?._sendOrThrow !== "function") {
          usage.statements += 1;
          usage.unmetered += 1;
          return inner.raw(options as { columnNames: true });
        }
        const answer = await internal.dbSession._sendOrThrow("/query", internal.statement, internal.params, "ROWS_AND_COLUMNS");
        const result = Array.isArray(answer) ? answer[0]! : answer;
        count(result.meta);
        const rows: unknown[][] = [...result.results.rows];
        if (options?.columnNames) rows.unshift(result.results.columns);
        return rows;
      },
    };
    return statement as unknown as D1PreparedStatement;
  };

  const metered = {
    prepare: (query: string) => wrap(d1.prepare(query)),
    async batch<T = unknown>(statements: D1PreparedStatement[]) {
      usage.calls += 1;
      const results = await d1.batch<T>(statements.map(unwrap));
      for (const result of results) count(result.meta);
      return results;
    },
    exec(query: string) {
      usage.calls += 1;
      usage.statements += 1;
      usage.unmetered += 1;
      return d1.exec(query);
    },
    withSession(constraintOrBookmark?: D1SessionBookmark | D1SessionConstraint) {
      usage.unmetered += 1;
      return d1.withSession(constraintOrBookmark);
    },
    dump: () => d1.dump(),
  };
  return metered as unknown as D1Database;
}

export function usageHeader(usage: D1Usage): string {
  return JSON.stringify({ ...usage, sqlMs: Math.round(usage.sqlMs * 1000) / 1000 });
}
