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
 *
 * Each call (a statement's all/run/first/raw, or a batch) is one round trip, counted as a read call or a write call
 * (isWriteSql, or rows written), so that the bench can judge "at most one read and one write round trip per request".
 */

export interface D1Usage {
  /** Statements executed (each statement of a batch counts). */
  statements: number;
  /** D1 calls (round trips to the database): a batch is one. */
  calls: number;
  /** Calls that wrote nothing: no statement of the call is a write by its SQL verb, and none wrote a row. */
  readCalls: number;
  /** Calls with a writing statement (INSERT / UPDATE / DELETE / REPLACE, or any statement that wrote rows). */
  writeCalls: number;
  /** Sessions opened with withSession() (D1 read replication); their statements are metered like the others. */
  sessions: number;
  rowsRead: number;
  rowsWritten: number;
  /** Statements whose meta D1 does not return (exec(); raw() where the workerd internal is missing): not in the sums. */
  unmetered: number;
  /** Time spent executing SQL inside the database (sum of meta.duration), ms. */
  sqlMs: number;
  /** The longest single statement's meta.duration, ms (D1 stops a query after 30 s). */
  sqlMsMax: number;
}

export function emptyUsage(): D1Usage {
  return { statements: 0, calls: 0, readCalls: 0, writeCalls: 0, sessions: 0, rowsRead: 0, rowsWritten: 0, unmetered: 0, sqlMs: 0, sqlMsMax: 0 };
}

/** The response header the bench reads (JSON of D1Usage). */
export const D1_USAGE_HEADER = "x-bench-d1";

const INNER = Symbol("inner statement");
const SQL = Symbol("statement text");

/**
 * A statement writes when its first keyword (after comments and a WITH clause) is INSERT, UPDATE, DELETE or REPLACE.
 * A WITH clause is skipped by matching its parentheses, so that "WITH x AS (SELECT ...) INSERT ..." counts as a write
 * and "WITH x AS (... 'delete' ...) SELECT ..." does not. Exported for the bench Worker's tests.
 */
export function isWriteSql(sql: string): boolean {
  const text = sql.replace(/--[^\n]*\n?/g, " ").replace(/\/\*[\s\S]*?\*\//g, " ");
  let i = text.search(/\S|$/);
  if (/^with\b/i.test(text.slice(i))) {
    // WITH [RECURSIVE] name [(columns)] AS [NOT] [MATERIALIZED] (body) [, ...] statement: the statement is the first
    // keyword at depth 0 after a closed parenthesis (string literals and quoted names skipped).
    let depth = 0;
    let closed = false;
    for (i += 4; i < text.length; i++) {
      const ch = text[i]!;
      if (ch === "'" || ch === '"' || ch === "`") {
        const end = text.indexOf(ch, i + 1);
        i = end < 0 ? text.length : end;
      } else if (ch === "(") depth++;
      else if (ch === ")") closed = --depth === 0;
      else if (depth === 0 && ch === ",") closed = false;
      else if (depth === 0 && closed && /[a-z]/i.test(ch)) {
        const word = /^[a-z]+/i.exec(text.slice(i))![0].toLowerCase();
        if (["select", "insert", "update", "delete", "replace", "values"].includes(word)) break;
        i += word.length - 1;
      }
    }
  }
  return /^(insert|update|delete|replace)\b/i.test(text.slice(i));
}

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
      span: { setAttribute(name: string, value: unknown): void },
    ) => Promise<RawAnswer | RawAnswer[]>;
  };
}

interface RawAnswer {
  results: { columns: string[]; rows: unknown[][] };
  meta: D1Meta;
}

type Wrapped = D1PreparedStatement & { [INNER]: D1PreparedStatement; [SQL]: string };

/** The runtime's own statement behind a metered one (for the bench's self-check). */
export function unwrap(statement: D1PreparedStatement): D1PreparedStatement {
  return (statement as Partial<Wrapped>)[INNER] ?? statement;
}

function sqlOf(statement: D1PreparedStatement): string {
  return (statement as Partial<Wrapped>)[SQL] ?? (statement as unknown as Partial<RawCapable>).statement ?? "";
}

/** workerd's _sendOrThrow records errors on a tracing span; the meter has none. */
const NO_SPAN = { setAttribute() {} };

/**
 * A D1Database that behaves exactly like `d1` and adds every statement's meta to `usage`; sessions opened with
 * withSession() (read replication, bookmarks) are metered the same way and keep their bookmark.
 */
export function meterD1(d1: D1Database, usage: D1Usage): D1Database {
  const count = (meta: D1Meta | undefined) => {
    usage.statements += 1;
    usage.rowsRead += meta?.rows_read ?? 0;
    usage.rowsWritten += meta?.rows_written ?? 0;
    usage.sqlMs += meta?.duration ?? 0;
    usage.sqlMsMax = Math.max(usage.sqlMsMax, meta?.duration ?? 0);
  };
  /** One round trip: a write call when any of its statements writes by verb or wrote rows. */
  const call = (sqls: string[], metas: (D1Meta | undefined)[]) => {
    usage.calls += 1;
    const writes = sqls.some(isWriteSql) || metas.some((m) => (m?.rows_written ?? 0) > 0);
    if (writes) usage.writeCalls += 1;
    else usage.readCalls += 1;
  };
  /** A call that failed still went to the database: classified by its SQL alone. */
  const failed = (sqls: string[]) => call(sqls, []);
  const guarded = async <T>(sqls: string[], run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      failed(sqls);
      throw error;
    }
  };

  const wrap = (inner: D1PreparedStatement, query: string): D1PreparedStatement => {
    const statement = {
      [INNER]: inner,
      [SQL]: query,
      bind: (...values: unknown[]) => wrap(inner.bind(...values), query),
      async first(column?: string) {
        const result = await guarded([query], () => inner.all<Record<string, unknown>>());
        call([query], [result.meta]);
        count(result.meta);
        const row = result.results[0];
        if (row === undefined) return null;
        if (column === undefined) return row;
        if (!(column in row)) throw new Error(`D1_COLUMN_NOTFOUND: Column not found (${column})`);
        return row[column];
      },
      async all() {
        const result = await guarded([query], () => inner.all());
        call([query], [result.meta]);
        count(result.meta);
        return result;
      },
      async run() {
        const result = await guarded([query], () => inner.run());
        call([query], [result.meta]);
        count(result.meta);
        return result;
      },
      async raw(options?: { columnNames?: boolean }) {
        const internal = inner as unknown as RawCapable;
        if (typeof internal.dbSession?._sendOrThrow !== "function") {
          call([query], []);
          usage.statements += 1;
          usage.unmetered += 1;
          return inner.raw(options as { columnNames: true });
        }
        const session = internal.dbSession;
        const answer = await guarded([query], () => session._sendOrThrow!("/query", internal.statement, internal.params, "ROWS_AND_COLUMNS", NO_SPAN));
        const result = Array.isArray(answer) ? answer[0]! : answer;
        call([query], [result.meta]);
        count(result.meta);
        const rows: unknown[][] = [...result.results.rows];
        if (options?.columnNames) rows.unshift(result.results.columns);
        return rows;
      },
    };
    return statement as unknown as D1PreparedStatement;
  };

  const batchOf =
    (target: { batch: D1Database["batch"] }) =>
    async <T = unknown>(statements: D1PreparedStatement[]) => {
      const sqls = statements.map(sqlOf);
      const results = await guarded(sqls, () => target.batch<T>(statements.map(unwrap)));
      call(sqls, results.map((r) => r.meta));
      for (const result of results) count(result.meta);
      return results;
    };

  const metered = {
    prepare: (query: string) => wrap(d1.prepare(query), query),
    batch: batchOf(d1),
    exec(query: string) {
      call([query], []);
      usage.statements += 1;
      usage.unmetered += 1;
      return d1.exec(query);
    },
    withSession(constraintOrBookmark?: D1SessionBookmark | D1SessionConstraint) {
      usage.sessions += 1;
      const session = d1.withSession(constraintOrBookmark);
      return {
        prepare: (query: string) => wrap(session.prepare(query), query),
        batch: batchOf(session),
        getBookmark: () => session.getBookmark(),
      } as unknown as D1DatabaseSession;
    },
    dump: () => d1.dump(),
  };
  return metered as unknown as D1Database;
}

export function usageHeader(usage: D1Usage): string {
  return JSON.stringify({ ...usage, sqlMs: Math.round(usage.sqlMs * 1000) / 1000, sqlMsMax: Math.round(usage.sqlMsMax * 1000) / 1000 });
}
