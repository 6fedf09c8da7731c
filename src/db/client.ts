/**
 * The one way a request reaches D1 (docs/architecture.md, decision 0014). A request opens one D1 session
 * (`withSession`: the Sessions API, read replicas) and every statement of the request goes through it, as Drizzle
 * (`c.var.db`) or as raw SQL on the same handle (`db.$client`). The round-trip rule lives here:
 *
 * - a batch of reads carries the statements a middleware left for it (authentication: the token or session lookup and
 *   the failed-authentication throttle, src/http/auth.ts), so a request that reads once makes one round trip in all;
 *   they are settled (the caller known, or the request refused) before the batch's own results are handed back;
 * - batches of reads asked for together (a page's Promise.all of its services' readTogether) go out as one batch,
 *   each given back its own results: reads that do not depend on each other cost one round trip however many
 *   services make them;
 * - nothing else runs while such statements wait: a write, or a statement run on its own, first settles them in a
 *   round trip of their own (a write never rides with them: it would commit whatever they decide);
 * - the session's latest bookmark is the request's answer header (BOOKMARK_HEADER), so that a client's next request,
 *   sending it back, reads its own writes from any replica.
 */
import type { SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { DrizzleD1Database, SQLiteD1Session } from "drizzle-orm/d1";
import { createTableRelationsHelpers, extractTablesRelationalConfig, type ExtractTablesWithRelations } from "drizzle-orm/relations";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import type { Database } from "../env";
import * as schema from "./schema";

/** The header that carries a D1 session bookmark both ways (requests: where to read from; answers: the latest). */
export const BOOKMARK_HEADER = "x-d1-bookmark";

/** What a D1 bookmark looks like (hex fields joined by dashes); anything else is ignored, never sent to D1. */
const BOOKMARK_SHAPE = /^[0-9a-f]+(-[0-9a-f]+){1,8}$/i;

export function validBookmark(text: string | undefined | null): string | null {
  const trimmed = text?.trim();
  return trimmed && trimmed.length <= 200 && BOOKMARK_SHAPE.test(trimmed) ? trimmed : null;
}

/** Statements a middleware leaves for the request's first read batch, and what their results decide. */
export interface RidingReads {
  statements: D1PreparedStatement[];
  /** Gets the statements' results in order; throws to refuse the request (the batch's own results are then dropped). */
  settle(results: D1Result[], db: Database): Promise<void>;
}

/** SQL that only reads (anything else, or anything unsure, counts as a write). */
function onlyReads(text: string | undefined): boolean {
  if (text === undefined) return false;
  if (/^\s*select\b/i.test(text)) return true;
  return /^\s*with\b/i.test(text) && !/\b(insert|update|delete|replace)\s/i.test(text);
}

/** A request's way to D1: one session, the reads that ride along, the bookmark. */
export class RequestDatabase {
  /** Drizzle over the session: the handle routes and services use (`c.var.db`); `db.$client` for raw SQL. */
  readonly db: Database;
  /** The same session without the wait for riding reads: for what their own decision writes (a failure counted). */
  private readonly direct: Database;
  private riding: RidingReads | null = null;
  /** The SQL of each statement prepared here (a binding may wrap statements: the text is kept apart from them). */
  private readonly sqlOf = new WeakMap<D1PreparedStatement, string>();
  /** The decision on the riding reads, once they have run: everything after waits for it, and fails with it. */
  private decided: Promise<void> | null = null;
  /** Read batches asked for in this turn of the event loop, sent together when it ends (or before anything else). */
  private gathering: { statements: D1PreparedStatement[]; resolve(results: D1Result[]): void; reject(error: unknown): void }[] = [];

  constructor(private readonly session: D1DatabaseSession) {
    const client = {
      prepare: (query: string) => this.guard(session.prepare(query), query),
      batch: <T>(statements: D1PreparedStatement[]) => this.batch<T>(statements),
    };
    this.db = createDatabase(client as unknown as D1Database);
    this.direct = createDatabase(session as unknown as D1Database);
  }

  /** Leaves statements for the next read batch (authentication); they are settled by it, or before anything else runs. */
  ride(reads: RidingReads) {
    this.riding = reads;
  }

  /**
   * Settles the riding reads in a round trip of their own, when no read batch has taken them (a write comes next, a
   * statement runs on its own, or the request ends without reading); throws what their decision throws.
   */
  async settle(): Promise<void> {
    this.sendGathered();
    const riding = this.riding;
    if (riding) {
      this.riding = null;
      this.decided = this.session.batch(riding.statements).then((results) => riding.settle(results, this.direct));
    }
    await this.decided;
  }

  /** The session's latest bookmark: null until the session has been to the database. */
  bookmark(): string | null {
    return this.session.getBookmark();
  }

  private async batch<T>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]> {
    if (statements.length === 0 || !statements.every((statement) => onlyReads(this.sqlOf.get(statement)))) {
      this.sendGathered();
      await this.settle();
      return this.session.batch<T>(statements);
    }
    if (this.gathering.length === 0) setTimeout(() => this.sendGathered(), 0);
    return new Promise<D1Result<T>[]>((resolve, reject) => {
      this.gathering.push({ statements, resolve: resolve as (results: D1Result[]) => void, reject });
    });
  }

  /** Sends the gathered read batches as one, with the riding reads in front; each gets its own results back. */
  private sendGathered(): void {
    const gathered = this.gathering;
    if (gathered.length === 0) return;
    this.gathering = [];
    const riding = this.riding;
    this.riding = null;
    const ridingCount = riding?.statements.length ?? 0;
    const answer = this.session.batch([...(riding?.statements ?? []), ...gathered.flatMap((g) => g.statements)]);
    if (riding) this.decided = answer.then((results) => riding.settle(results.slice(0, ridingCount), this.direct));
    // Each gets its results once the riding reads are decided (or the decision's refusal).
    void Promise.all([answer, this.decided]).then(
      ([results]) => {
        let next = ridingCount;
        for (const g of gathered) g.resolve(results.slice(next, (next += g.statements.length)));
      },
      (error: unknown) => gathered.forEach((g) => g.reject(error)),
    );
  }

  /** A statement that, run on its own, waits for the riding reads to be settled first. */
  private guard(statement: D1PreparedStatement, query: string): D1PreparedStatement {
    this.sqlOf.set(statement, query);
    // The runtime's own methods, called with the statement itself (its batch() reads only .statement and .params).
    const own = statement as unknown as Record<"bind" | "first" | "all" | "run" | "raw", (...args: unknown[]) => unknown>;
    const { bind, first, all, run, raw } = own;
    const settled = () => this.settle();
    return Object.assign(statement, {
      bind: (...values: unknown[]) => this.guard(bind.apply(statement, values) as D1PreparedStatement, query),
      first: async (...args: unknown[]) => (await settled(), first.apply(statement, args)),
      all: async () => (await settled(), all.call(statement)),
      run: async () => (await settled(), run.call(statement)),
      raw: async (...args: unknown[]) => (await settled(), raw.apply(statement, args)),
    }) as D1PreparedStatement;
  }
}

/**
 * Where a request's session starts: from the bookmark the client sent (it reads at least what it last saw written),
 * else at the primary for a change (it writes there anyway, and reads what it checks before writing from there) and
 * for a signed-in browser (the web pages: a page after a form post shows the post; decision 0014), else at the
 * nearest replica.
 */
export function sessionStart(request: { method: string; bookmark: string | null; signedInBrowser: boolean }): string {
  if (request.bookmark) return request.bookmark;
  if (request.method !== "GET" && request.method !== "HEAD") return "first-primary";
  return request.signedInBrowser ? "first-primary" : "first-unconstrained";
}

export function openRequestDatabase(d1: D1Database, start: string): RequestDatabase {
  return new RequestDatabase(d1.withSession(start));
}

/** Drizzle over a D1 handle (a request's session, or the binding itself for jobs and scripts). */
const dialect = new SQLiteAsyncDialect();

/**
 * Drizzle's relational view of the schema, made once per isolate: `drizzle(d1, { schema })` extracts it from all the
 * tables on every call, the largest allocation of every request (bench/README.md, "Memory: what the heap holds").
 */
const relations = (() => {
  const tables = extractTablesRelationalConfig<ExtractTablesWithRelations<typeof schema>>(schema, createTableRelationsHelpers);
  return { fullSchema: schema, schema: tables.tables, tableNamesMap: tables.tableNamesMap };
})();

/** Drizzle over a D1 handle (a binding, a session, or the request's guarded client), sharing the schema's relations. */
export function createDatabase(d1: D1Database): Database {
  const database = new DrizzleD1Database("async", dialect, new SQLiteD1Session(d1, dialect, relations, {}), relations) as Database;
  database.$client = d1;
  return database;
}

/**
 * A statement written as raw SQL (drizzle's `sql`, so that conditions compose with their parameters), prepared on the
 * database handle's D1 for a `db.$client.batch`: drizzle's own batch cannot bind the parameters of raw SQL (`db.run`).
 * For the batches whose every statement carries the same condition, where SQL says it better than a query builder.
 */
export function d1Statement(db: Database, query: SQL): D1PreparedStatement {
  const { sql, params } = dialect.sqlToQuery(query);
  return db.$client.prepare(sql).bind(...params);
}

/** Raw SQL for readTogether: its rows as the SQL names their columns. */
export class RawRows<T> {
  declare readonly row: T;
  constructor(readonly query: SQL) {}
}

export function rawRows<T>(query: SQL): RawRows<T> {
  return new RawRows<T>(query);
}

/** What Drizzle's own batch does with a query (drizzle-orm/d1 session.batch): its prepared statement and its mapper. */
interface DrizzlePrepared {
  stmt: D1PreparedStatement;
  /** A select's fields, in the order of its columns. */
  fields?: unknown[];
  getQuery(): { params: unknown[] };
  mapResult(result: unknown, isFromBatch: boolean): unknown;
}
type DrizzleRead = BatchItem<"sqlite">;

type Reads = Record<string, DrizzleRead | RawRows<unknown>>;
export type ReadResults<R extends Reads> = { [K in keyof R]: R[K] extends RawRows<infer T> ? T[] : Awaited<R[K]> };

/**
 * Several reads in one round trip (one D1 batch: one snapshot, and the authentication that rides along), named:
 * Drizzle queries (select builders, relational queries) answer as Drizzle maps them, raw SQL (rawRows) as its rows.
 * Drizzle's own batch would take the builders but not raw SQL with parameters.
 */
export async function readTogether<R extends Reads>(db: Database, reads: R): Promise<ReadResults<R>> {
  const names = Object.keys(reads);
  const prepared = names.map((name) => {
    const read = reads[name]!;
    if (read instanceof RawRows) return { statement: d1Statement(db, read.query), map: (result: D1Result) => result.results };
    const query = (read as unknown as { _prepare(): DrizzlePrepared })._prepare();
    const map = (result: D1Result) => {
      // A batch answers rows as objects, which Drizzle turns back into columns by their names: two columns of one name
      // (a join's "name" and "name") would collapse and shift every value after them. Alias one of them.
      const first = result.results[0] as Record<string, unknown> | undefined;
      if (query.fields && first && Object.keys(first).length !== query.fields.length) {
        throw new Error(`readTogether: '${name}' selects ${query.fields.length} fields but answers ${Object.keys(first).length} columns (two of one name?)`);
      }
      return query.mapResult(result, true);
    };
    return { statement: query.stmt.bind(...query.getQuery().params), map };
  });
  const results = await db.$client.batch(prepared.map((p) => p.statement));
  return Object.fromEntries(names.map((name, i) => [name, prepared[i]!.map(results[i]!)])) as ReadResults<R>;
}
