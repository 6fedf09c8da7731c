/**
 * A D1 binding that counts the round trips a request makes (test/api/round-trips.test.ts): each batch is one, each
 * statement run on its own (all, first, run, raw) is one, whether made on the binding or on a session of it
 * (withSession, which the Worker opens per request). Each call is recorded with its statements' SQL, so that a test can
 * tell reads from writes.
 */
import { env, createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import worker from "../../src/index";
import { randomClientAddress } from "./api";

export interface D1Call {
  kind: "batch" | "all" | "first" | "run" | "raw";
  sql: string[];
}

const SQL_OF = (statement: D1PreparedStatement) => (statement as unknown as { statement: string }).statement;

export function isWrite(call: D1Call): boolean {
  return call.sql.some((text) => !/^\s*select\b/i.test(text) && !(/^\s*with\b/i.test(text) && !/\b(insert|update|delete|replace)\s/i.test(text)));
}

function counted(statement: D1PreparedStatement, calls: D1Call[]): D1PreparedStatement {
  const own = statement as unknown as Record<string, (...args: unknown[]) => unknown>;
  const { bind, all, first, run, raw } = own;
  const once = (kind: D1Call["kind"], method: (...args: unknown[]) => unknown) => (...args: unknown[]) => {
    calls.push({ kind, sql: [SQL_OF(statement)] });
    return method.apply(statement, args);
  };
  return Object.assign(statement, {
    bind: (...values: unknown[]) => counted(bind!.apply(statement, values) as D1PreparedStatement, calls),
    all: once("all", all!),
    first: once("first", first!),
    run: once("run", run!),
    raw: once("raw", raw!),
  }) as D1PreparedStatement;
}

function countedSession<T extends D1Database | D1DatabaseSession>(d1: T, calls: D1Call[]) {
  return {
    prepare: (query: string) => counted(d1.prepare(query), calls),
    batch: (statements: D1PreparedStatement[]) => {
      calls.push({ kind: "batch", sql: statements.map(SQL_OF) });
      return d1.batch(statements);
    },
    getBookmark: () => ("getBookmark" in d1 ? d1.getBookmark() : null),
  };
}

export function countingD1(calls: D1Call[]): D1Database {
  return {
    ...countedSession(env.DB, calls),
    withSession: (start?: string) => countedSession(env.DB.withSession(start), calls),
    exec: (query: string) => env.DB.exec(query),
    dump: () => env.DB.dump(),
  } as unknown as D1Database;
}

/** A request to the production Worker with a counting D1; the calls of work left to waitUntil are included. */
export async function requestCounted(
  path: string,
  init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; json: any; headers: Headers; calls: D1Call[] }> {
  const calls: D1Call[] = [];
  const headers: Record<string, string> = { "cf-connecting-ip": randomClientAddress(), ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers["content-type"] = "application/json";
  const ctx = createExecutionContext();
  const response = await worker.fetch!(
    new Request(`http://localhost${path}`, { method: init.method ?? "GET", headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) }) as any,
    { ...env, DB: countingD1(calls) } as any,
    ctx,
  );
  const text = await response.text();
  await waitOnExecutionContext(ctx);
  const json = text && (response.headers.get("content-type") ?? "").includes("json") ? JSON.parse(text) : text || null;
  return { status: response.status, json, headers: response.headers, calls };
}
