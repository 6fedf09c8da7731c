/**
 * The admin API of the quality checks (GET /v1/admin/quality, GET /v1/admin/quality/runs, POST /v1/admin/quality/run)
 * and the server-rendered status page GET /status with its ways in (bearer header, the sign-in form's session; its
 * sessions in detail: test/status/session.test.ts), all through the Worker's fetch handler.
 */
import { env, SELF } from "cloudflare:test";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { CHECKS } from "../../src/quality/checks";
import { ADMIN_TOKEN, api, createUserWithToken, expectError, type TestUser } from "../helpers/api";
import { WEEK1, onUndo, run, seedFixture, undoAll, type Fixture } from "./helpers/fixture";

let f: Fixture;
let plain: TestUser;
let adminUser: TestUser;

beforeAll(async () => {
  f = await seedFixture();
  plain = await createUserWithToken("q-plain");
  adminUser = await createUserWithToken("q-admin", true);
});

beforeEach(() => {
  // Nothing here may call out (no webhook is configured in tests; a stray call would fail the test).
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input) => {
    throw new Error(`unexpected fetch ${String(input)}`);
  });
});

afterEach(async () => {
  expect(vi.mocked(globalThis.fetch)).not.toHaveBeenCalled();
  vi.restoreAllMocks();
  await undoAll();
});

/** Pairs of legacy picks sharing a player name in one week: picks_duplicate_player_in_week fails with `count` keys. */
async function duplicatePicks(count: number, name = "Dup Licate") {
  const index = await env.DB.prepare("SELECT sql FROM sqlite_master WHERE name = 'picks_user_week_player_unique'").first<{ sql: string }>();
  await env.DB.prepare("DROP INDEX picks_user_week_player_unique").run();
  const ids: number[] = [];
  onUndo(async () => {
    await env.DB.batch(ids.map((id) => env.DB.prepare("DELETE FROM picks WHERE id = ?").bind(id)));
    await env.DB.prepare(index!.sql).run();
  });
  for (let i = 0; i < count; i++) {
    for (const game of [WEEK1[4 + 2 * i]!, WEEK1[5 + 2 * i]!]) {
      ids.push(
        (await env.DB.prepare("INSERT INTO picks (user_id, week_id, game_id, player_name, created_at) VALUES (?, ?, ?, ?, '2025-09-06T12:00:00Z') RETURNING id")
          .bind(f.users.bob, f.weeks.w1, game.id, `${name} ${i}`)
          .first<{ id: number }>())!.id,
      );
    }
  }
}

async function page(path = "/status", init: RequestInit = {}) {
  const response = await SELF.fetch(`http://localhost${path}`, { redirect: "manual", ...init });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe("the admin API", () => {
  it("GET /v1/admin/quality before any run: no run, no checks", async () => {
    const response = await api("/v1/admin/quality");
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ run: null, checks: [] });
  });

  it("is for admins only: 401 without a token, 403 for a plain user, on all three routes", async () => {
    for (const [method, path] of [["GET", "/v1/admin/quality"], ["GET", "/v1/admin/quality/runs"], ["POST", "/v1/admin/quality/run"]] as const) {
      expectError(await api(path, { method, token: null }), 401, "unauthorized");
      expectError(await api(path, { method, token: plain.token }), 403, "forbidden");
    }
    expect((await api("/v1/admin/quality/runs")).json.runs).toEqual([]);
  });

  it("POST /v1/admin/quality/run runs every check now and returns the run; GET /v1/admin/quality returns the same", async () => {
    await duplicatePicks(1);
    const response = await api("/v1/admin/quality/run", { method: "POST", body: { season: 2025 } });
    expect(response.status).toBe(200);
    const { run: qualityRun, checks } = response.json;
    expect(qualityRun).toMatchObject({ trigger: "admin", status: "fail", checksTotal: CHECKS.length, checksFailed: 1, alertSentAt: null, alertError: null });
    expect(checks.map((c: { name: string }) => c.name)).toEqual(CHECKS.map((c) => c.name));
    expect(checks.find((c: { name: string }) => c.name === "picks_duplicate_player_in_week")).toMatchObject({
      table: "picks",
      severity: "fail",
      status: "fail",
      failingRows: 1,
      sampleKeys: [expect.stringMatching(new RegExp(`^user ${f.users.bob} week#${f.weeks.w1} Dup Licate 0: picks#\\d+,#\\d+$`))],
    });
    expect((await api("/v1/admin/quality")).json).toEqual(response.json);
    // Logged like every job, with the season asked for.
    const syncRun = await env.DB.prepare("SELECT job, trigger, season, status FROM sync_runs WHERE job = 'quality' ORDER BY id DESC LIMIT 1").first();
    expect(syncRun).toEqual({ job: "quality", trigger: "admin", season: 2025, status: "ok" });
    // The body is optional, and validated when given.
    expect((await api("/v1/admin/quality/run", { method: "POST", token: adminUser.token })).status).toBe(200);
    expectError(await api("/v1/admin/quality/run", { method: "POST", body: { season: 1800 } }), 400, "validation_failed");
  });

  it("GET /v1/admin/quality/runs pages newest first with nextBefore", async () => {
    await api("/v1/admin/quality/run", { method: "POST" });
    const all = (await api("/v1/admin/quality/runs")).json;
    expect(all.runs.length).toBe(3);
    expect(all.nextBefore).toBeNull();
    const ids = all.runs.map((r: { id: number }) => r.id);
    expect(ids).toEqual([...ids].sort((a: number, b: number) => b - a));
    const first = (await api("/v1/admin/quality/runs?limit=2")).json;
    expect(first.runs.map((r: { id: number }) => r.id)).toEqual(ids.slice(0, 2));
    expect(first.nextBefore).toBe(ids[1]);
    const second = (await api(`/v1/admin/quality/runs?limit=2&before=${first.nextBefore}`)).json;
    expect(second).toEqual({ runs: [all.runs[2]], nextBefore: null });
    expectError(await api("/v1/admin/quality/runs?limit=0"), 400, "validation_failed");
  });

  it("is in the OpenAPI document with the bearer scheme and its schemas", async () => {
    const spec = (await api("/openapi.json", { token: null })).json;
    for (const [path, method] of [["/v1/admin/quality", "get"], ["/v1/admin/quality/runs", "get"], ["/v1/admin/quality/run", "post"]]) {
      const operation = spec.paths[path!]?.[method!];
      expect(operation, `${method} ${path}`).toBeDefined();
      expect(JSON.stringify(operation.security)).toContain("bearerAuth");
      expect(operation.responses["401"]).toBeDefined();
      expect(operation.responses["403"]).toBeDefined();
    }
    expect(Object.keys(spec.components.schemas)).toEqual(expect.arrayContaining(["QualityRun", "QualityCheckResult", "QualityReport"]));
  });
});

describe("GET /status", () => {
  it("without credentials: 401 with the login form, strict CSP, no caching", async () => {
    const response = await page();
    expect(response.status).toBe(401);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(response.headers.get("content-security-policy")).toBe("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(response.text).toContain('<form method="post" action="/status/login">');
    expect(response.text).not.toContain('id="checks"');
  });

  it("with an admin bearer token: the checks, the trend chart and the jobs", async () => {
    await api("/v1/admin/quality/run", { method: "POST" });
    const latest = (await api("/v1/admin/quality")).json;
    const response = await page("/status", { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(response.status).toBe(200);
    expect(response.text).toContain(`id="run-summary" data-run="${latest.run.id}"`);
    for (const check of CHECKS) expect(response.text).toContain(`<tr data-check="${check.name}"`);
    expect(response.text).toContain('<svg id="trend-chart"');
    expect(response.text).toContain('<tr data-job="quality"'); // sync_runs' quality job
    expect(response.text).toContain('<tr data-job="market-sync"'); // the fixture's sync runs
    expect(response.text).toContain('<tr data-job="quality-run"');
    expect(response.text).not.toMatch(/<script/i);
    // The constant stylesheet is not escaped (inside <style>, &quot; would stay &quot; and break the fonts).
    expect(response.text).toContain('"Segoe UI"');
  });

  it("a plain user's token: 403; an unknown token: 401", async () => {
    expect((await page("/status", { headers: { authorization: `Bearer ${plain.token}` } })).status).toBe(403);
    expect((await page("/status", { headers: { authorization: "Bearer ftd_nope" } })).status).toBe(401);
  });

  it("the login form refuses a plain user's token and an empty one; logout clears the cookie", async () => {
    const post = (body: string) => page("/status/login", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
    expect((await post(`token=${encodeURIComponent(plain.token)}`)).status).toBe(403);
    const empty = await post("token=");
    expect(empty.status).toBe(401);
    expect(empty.text).toContain("Paste a token.");
    const logout = await page("/status/logout", { method: "POST" });
    expect(logout.status).toBe(303);
    expect(logout.headers.get("set-cookie")).toMatch(/^ftd_status=; Max-Age=0; Path=\/status/);
  });

  it("escapes everything: a player name with markup in a sample key is shown as text", async () => {
    await duplicatePicks(1, `<img src=x onerror="alert(1)">`);
    await api("/v1/admin/quality/run", { method: "POST" });
    const response = await page("/status", { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(response.text).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(response.text).not.toContain("<img");
  });

  it("the trend: one line per check that failed in the window, one point per run", async () => {
    await run("DELETE FROM quality_runs");
    for (const count of [1, 2, 0]) {
      if (count > 0) await duplicatePicks(count, `Trend ${count}`);
      await api("/v1/admin/quality/run", { method: "POST", body: { season: 2025 } });
      await undoAll();
    }
    const response = await page("/status", { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(response.text).toMatch(/<svg id="trend-chart"[^>]*data-runs="3"/);
    const series = /<g class="series" data-check="picks_duplicate_player_in_week">\s*<polyline[^>]*points="([^"]+)"/.exec(response.text);
    expect(series).not.toBeNull();
    const ys = series![1]!.split(" ").map((p) => Number(p.split(",")[1]));
    expect(ys).toHaveLength(3);
    // 1, 2, 0 failing rows: the middle point is highest (smallest y), the last sits on the axis.
    expect(ys[1]!).toBeLessThan(ys[0]!);
    expect(ys[2]!).toBeGreaterThan(ys[0]!);
    // The freshness warnings (the fixture's syncs are old by now) are lines too; checks that stayed at 0 are not.
    expect(response.text).not.toContain('data-check="orphan_picks_users"><polyline');
    expect(response.text).not.toMatch(/<g class="series" data-check="orphan_picks_users"/);
  });
});
