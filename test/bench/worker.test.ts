import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { emptyUsage, isWriteSql, meterD1 } from "../../bench/d1-meter";
import benchWorker from "../../bench/worker";
import { ADMIN_TOKEN, api, createUserWithToken, expectError, type ApiResponse } from "../helpers/api";

/** A request to the bench Worker (bench/worker.ts) as `npm run bench` makes it, with the test environment's bindings. */
async function bench(
  path: string,
  init: { method?: string; token?: string | null; body?: unknown; vars?: Record<string, string> } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = {};
  if (init.token !== null) headers.authorization = `Bearer ${init.token ?? ADMIN_TOKEN}`;
  if (init.body !== undefined) headers["content-type"] = "application/json";
  const request = new Request<unknown, IncomingRequestCfProperties>(`http://localhost${path}`, {
    method: init.method ?? "GET",
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const ctx = createExecutionContext();
  const response = await benchWorker.fetch(request, { ...env, ...init.vars }, ctx);
  await waitOnExecutionContext(ctx);
  const text = await response.text();
  let json: any = text;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: kept as text
  }
  return { status: response.status, headers: response.headers, json };
}

function usage(response: ApiResponse) {
  const header = response.headers.get("x-bench-d1");
  expect(header).not.toBeNull();
  return JSON.parse(header!) as {
    statements: number;
    calls: number;
    readCalls: number;
    writeCalls: number;
    sessions: number;
    rowsRead: number;
    rowsWritten: number;
    unmetered: number;
    sqlMs: number;
  };
}

describe("the bench Worker wraps the production Worker", () => {
  it("answers the API exactly as production does, plus the D1 cost of the request", async () => {
    const viaBench = await bench("/v1/leaderboards/2025?limit=5");
    const viaProduction = await api("/v1/leaderboards/2025?limit=5");
    expect(viaBench.status).toBe(200);
    expect(viaBench.json).toEqual(viaProduction.json);
    expect(viaBench.headers.get("x-request-id")).not.toBeNull();
    expect(viaProduction.headers.get("x-bench-d1")).toBeNull();
    const cost = usage(viaBench);
    expect(cost.statements).toBeGreaterThanOrEqual(1);
    expect(cost.calls).toBeGreaterThanOrEqual(1);
    expect(cost.unmetered).toBe(0);
  });

  it("meters a user's request: authentication reads the token and its user", async () => {
    const user = await createUserWithToken();
    // The first use of a token also writes its last_used_at (at most once per 5 minutes), as the bench knows.
    await bench("/__bench/select1", { token: user.token });
    const response = await bench("/__bench/select1", { token: user.token });
    expect(response.json).toEqual({ one: 1 });
    // One batch of the throttle's row for the address (none: 0 rows) and the token lookup (token and user: 2 rows),
    // then SELECT 1 (0 rows).
    expect(usage(response)).toMatchObject({ statements: 3, calls: 2, readCalls: 2, writeCalls: 0, rowsRead: 2, unmetered: 0 });
  });

  it("errors keep the production envelope and still carry the header", async () => {
    const response = await bench("/v1/me", { token: null });
    expectError(response, 401, "unauthorized");
    expect(usage(response).statements).toBe(0);
  });
});

describe("the D1 meter tells read round trips from write round trips", () => {
  it("classifies statements by their verb, past comments and WITH clauses", () => {
    for (const sql of [
      "INSERT INTO t VALUES (1)",
      "  -- a comment\n update t SET x = 1",
      "/* c */ DELETE FROM t",
      "replace into t values (1)",
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3) INSERT INTO t SELECT i FROM n",
      "WITH a AS (SELECT 1), b AS NOT MATERIALIZED (SELECT ')') UPDATE t SET x = (SELECT 1 FROM a)",
    ]) {
      expect(isWriteSql(sql), sql).toBe(true);
    }
    for (const sql of [
      "SELECT 1",
      "select * from picks where note = 'insert'",
      "WITH d AS (SELECT 'delete' AS x) SELECT x FROM d",
      "WITH u(update_count) AS (SELECT 1) SELECT update_count FROM u",
      "PRAGMA table_info(picks)",
      "VALUES (1)",
    ]) {
      expect(isWriteSql(sql), sql).toBe(false);
    }
  });

  it("counts a batch with a write as one write call, reads as read calls, and meters sessions", async () => {
    const spent = emptyUsage();
    const db = meterD1(env.DB, spent);
    await db.batch([db.prepare("SELECT 1"), db.prepare("SELECT 2")]);
    await db.prepare("SELECT ?1 AS x").bind(1).first();
    expect(spent).toMatchObject({ calls: 2, readCalls: 2, writeCalls: 0, statements: 3 });
    // A conditional write that writes nothing is still a write round trip (its verb says so).
    await db.batch([db.prepare("SELECT 1"), db.prepare("UPDATE users SET name = name WHERE id = -1")]);
    expect(spent).toMatchObject({ calls: 3, readCalls: 2, writeCalls: 1, statements: 5 });
    // A failed call went to the database too.
    await expect(db.prepare("INSERT INTO no_such_table VALUES (1)").run()).rejects.toThrow();
    expect(spent).toMatchObject({ calls: 4, writeCalls: 2 });

    const session = db.withSession("first-primary");
    const rows = await session.prepare("SELECT 1 AS one").raw();
    expect(rows).toEqual([[1]]);
    await session.batch([session.prepare("SELECT 1")]);
    expect(spent).toMatchObject({ sessions: 1, calls: 6, readCalls: 4, writeCalls: 2, unmetered: 0 });
    expect(session.getBookmark()).not.toBeUndefined();
  });
});

describe("the bench Worker's /__bench routes", () => {
  it("the metered raw() gives exactly the runtime's rows (GET /__bench/selfcheck)", async () => {
    const response = await bench("/__bench/selfcheck");
    expect(response.status).toBe(200);
    expect(response.json.identical).toBe(true);
    expect(usage(response).unmetered).toBe(0);
  });

  it("POST /__bench/sql runs statements as one batch for the admin token only", async () => {
    const ok = await bench("/__bench/sql", { method: "POST", body: { statements: [{ sql: "SELECT ?1 + 1 AS two", params: [1] }] } });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ ok: true, results: [{ results: [{ two: 2 }] }] });
    // The throttle's row for the address (the operator's token is checked too), then the batch.
    expect(usage(ok)).toMatchObject({ statements: 2, calls: 2, readCalls: 2, writeCalls: 0 });

    const user = await createUserWithToken();
    const body = { statements: [{ sql: "DELETE FROM users" }] };
    expectError(await bench("/__bench/sql", { method: "POST", token: user.token, body }), 403, "forbidden");
    expectError(await bench("/__bench/sql", { method: "POST", token: null, body }), 401, "unauthorized");
    expect((await api(`/v1/users/${user.id}`)).status).toBe(200);
  });

  it("GET /__bench/leaderboard-cursor signs a deep page's cursor as the API does: the season board by wins takes it", async () => {
    const query = "board=global&sort=wins&season=2044&primary=3&secondary=0&key=7&position=10&rank=9";
    expectError(await bench(`/__bench/leaderboard-cursor?${query}`, { token: (await createUserWithToken()).token }), 403, "forbidden");
    const { cursor } = (await bench(`/__bench/leaderboard-cursor?${query}`)).json as { cursor: string };
    expect((await bench(`/v1/leaderboards/2044?limit=5&cursor=${encodeURIComponent(cursor)}`)).status).toBe(200);
    expectError(await bench(`/v1/leaderboards/2044?sort=units&cursor=${encodeURIComponent(cursor)}`), 400, "invalid_cursor");
  });

  it("refuses to serve anything with production's vars (ENVIRONMENT = production)", async () => {
    for (const path of ["/__bench/select1", "/v1/me"]) {
      const response = await bench(path, { vars: { ENVIRONMENT: "production" } });
      expect(response.status).toBe(503);
      expect(response.headers.get("x-bench-d1")).toBeNull();
    }
  });
});
