import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, api, type ApiResponse, createUserWithToken, makePick, seedMatchup, seedTeams, type TestUser } from "../helpers/api";

/**
 * The auth matrix over every operation of /openapi.json, so that a route added later is covered without anyone
 * remembering it: a new operation without a sample below fails "every operation has a sample request".
 */
interface Operation {
  method: string;
  /** As in the document: /v1/picks/{id} */
  path: string;
}

const SEASON = 2045;
const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const isAdminPath = (path: string) => /^\/v1\/(users|admin)(\/|$)/.test(path);

let operations: Operation[];
let alice: TestUser; // a plain user, owner of `alicePick`
let bob: TestUser; // another plain user
let admin: TestUser; // a user with is_admin = 1
let revoked: TestUser; // a user whose only token is revoked
let gameId: string;
let alicePickId: number;
let bobPickId: number;
let playerId: string;

/** A concrete URL and a valid body for each operation, with ids of real rows. */
interface Sample {
  url: string;
  body?: unknown;
  /** What an authorized caller gets, when not a 2xx (e.g. a job that must not really run here). */
  authorizedStatus?: number;
  /** The body an authorized caller sends instead of `body` (e.g. one that fails validation, so nothing runs). */
  authorizedBody?: unknown;
}

function sample(op: Operation, as: { pickId: number; tokenId: number }): Sample | undefined {
  const key = `${op.method} ${op.path}`;
  const samples: Record<string, Sample> = {
    "GET /v1/me": { url: "/v1/me" },
    "GET /v1/me/tokens": { url: "/v1/me/tokens" },
    "DELETE /v1/me/tokens/{id}": { url: `/v1/me/tokens/${as.tokenId}` },
    "GET /v1/me/picks": { url: `/v1/me/picks?season=${SEASON}` },
    "POST /v1/users": { url: "/v1/users", body: { name: `matrix-${crypto.randomUUID()}` } },
    "GET /v1/users/{id}": { url: `/v1/users/${bob.id}` },
    "POST /v1/users/{id}/tokens": { url: `/v1/users/${bob.id}/tokens`, body: { name: "matrix" } },
    "GET /v1/games": { url: `/v1/games?season=${SEASON}` },
    "GET /v1/games/{id}": { url: `/v1/games/${gameId}` },
    "GET /v1/games/{id}/picks": { url: `/v1/games/${gameId}/picks` },
    "GET /v1/games/{id}/markets": { url: `/v1/games/${gameId}/markets` },
    "GET /v1/players": { url: `/v1/players?season=${SEASON}` },
    "GET /v1/players/{id}": { url: `/v1/players/${playerId}` },
    "GET /v1/player-stats": { url: `/v1/player-stats?season=${SEASON}` },
    "POST /v1/picks": { url: "/v1/picks", body: { gameId, playerId } },
    "GET /v1/picks/{id}": { url: `/v1/picks/${as.pickId}` },
    "PATCH /v1/picks/{id}": { url: `/v1/picks/${as.pickId}`, body: { playerId } },
    "DELETE /v1/picks/{id}": { url: `/v1/picks/${as.pickId}` },
    "GET /v1/leaderboards/{season}": { url: `/v1/leaderboards/${SEASON}` },
    "GET /v1/leaderboards/{season}/weeks/{week}": { url: `/v1/leaderboards/${SEASON}/weeks/1` },
    "PUT /v1/admin/games/{id}/first-td": { url: `/v1/admin/games/${gameId}/first-td`, body: { type: "clear" } },
    "PUT /v1/admin/games/{id}/void": { url: `/v1/admin/games/${gameId}/void`, body: { voided: false } },
    // An unknown job: authorization is checked without running an ingestion job (which would fetch upstream).
    "POST /v1/admin/jobs/{job}/run": { url: "/v1/admin/jobs/no-such-job/run", body: {}, authorizedStatus: 404 },
    "GET /v1/admin/sync-runs": { url: "/v1/admin/sync-runs" },
    "GET /v1/admin/quality": { url: "/v1/admin/quality" },
    "GET /v1/admin/quality/runs": { url: "/v1/admin/quality/runs" },
    // Authorized callers send an invalid season: past authorization, before any check runs.
    "POST /v1/admin/quality/run": { url: "/v1/admin/quality/run", body: {}, authorizedBody: { season: 1800 }, authorizedStatus: 400 },
  };
  return samples[key];
}

/** Sends one operation; collects "METHOD path -> status code" for every answer that is not the expected one. */
async function expectEverywhere(
  ops: Operation[],
  send: (op: Operation) => Promise<ApiResponse>,
  expected: { status: number; code: string },
): Promise<string[]> {
  const wrong: string[] = [];
  for (const op of ops) {
    const response = await send(op);
    const envelopeOk =
      response.json !== null &&
      typeof response.json === "object" &&
      Object.keys(response.json).join() === "error" &&
      typeof response.json.error.message === "string" &&
      response.json.error.message.length > 0;
    if (response.status !== expected.status || response.json?.error?.code !== expected.code || !envelopeOk) {
      wrong.push(`${op.method} ${op.path} -> ${response.status} ${JSON.stringify(response.json)}`);
    }
  }
  return wrong;
}

function send(op: Operation, token: string | null, as = { pickId: alicePickId, tokenId: alice.tokenId }, headers?: Record<string, string>) {
  const s = sample(op, as)!;
  return api(s.url, { method: op.method, token, body: s.body, headers });
}

beforeAll(async () => {
  const spec = (await api("/openapi.json", { token: null })).json;
  operations = Object.entries(spec.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((m) => ["get", "post", "put", "patch", "delete"].includes(m))
      .map((m) => ({ method: m.toUpperCase(), path })),
  );

  const teams = await seedTeams(SEASON, ["KC", "BUF"]);
  gameId = await seedMatchup(SEASON, 1, "KC", "BUF");
  playerId = teams.KC!.WR;
  alice = await createUserWithToken("matrix-alice");
  bob = await createUserWithToken("matrix-bob");
  admin = await createUserWithToken("matrix-admin", true);
  revoked = await createUserWithToken("matrix-revoked");
  alicePickId = (await makePick(alice, gameId, teams.KC!.QB)).id;
  bobPickId = (await makePick(bob, gameId, teams.BUF!.QB)).id;
  const revoke = await api(`/v1/me/tokens/${revoked.tokenId}`, { method: "DELETE", token: revoked.token });
  expect(revoke.status).toBe(200);
});

describe("the route list", () => {
  it("every operation of /openapi.json is under /v1, declares the bearer scheme, and has a sample request here", () => {
    expect(operations.length).toBeGreaterThanOrEqual(21);
    const missing = operations.filter((op) => sample(op, { pickId: 1, tokenId: 1 }) === undefined).map((op) => `${op.method} ${op.path}`);
    expect(missing).toEqual([]);
    expect(operations.filter((op) => !op.path.startsWith("/v1/")).map((op) => op.path)).toEqual([]);
    expect(operations.filter((op) => isAdminPath(op.path)).length).toBeGreaterThanOrEqual(5);
  });

  it("every operation documents bearer security and a 401 answer", async () => {
    const spec = (await api("/openapi.json", { token: null })).json;
    const undocumented = operations.filter((op) => {
      const operation = spec.paths[op.path][op.method.toLowerCase()];
      return !JSON.stringify(operation.security ?? []).includes("bearerAuth") || operation.responses["401"] === undefined;
    });
    expect(undocumented).toEqual([]);
  });
});

describe("security: 401 on every /v1 route", () => {
  it("without a token", async () => {
    expect(await expectEverywhere(operations, (op) => send(op, null), { status: 401, code: "unauthorized" })).toEqual([]);
  });

  it("with an unknown token, an empty bearer and another scheme", async () => {
    expect(await expectEverywhere(operations, (op) => send(op, "ftd_not-a-real-token"), { status: 401, code: "unauthorized" })).toEqual([]);
    expect(await expectEverywhere(operations, (op) => send(op, null, undefined, { authorization: "Bearer " }), { status: 401, code: "unauthorized" })).toEqual([]);
    expect(
      await expectEverywhere(operations, (op) => send(op, null, undefined, { authorization: `Basic ${btoa(`x:${alice.token}`)}` }), {
        status: 401,
        code: "unauthorized",
      }),
    ).toEqual([]);
    // The admin secret with one character changed is just an unknown token.
    expect(await expectEverywhere(operations, (op) => send(op, `${ADMIN_TOKEN.slice(0, -1)}X`), { status: 401, code: "unauthorized" })).toEqual([]);
  });

  it("with a revoked token", async () => {
    expect(await expectEverywhere(operations, (op) => send(op, revoked.token), { status: 401, code: "unauthorized" })).toEqual([]);
  });

  it("and the 401s changed nothing", async () => {
    const row = await env.DB.prepare("SELECT count(*) AS n FROM picks WHERE game_id = ?").bind(gameId).first<{ n: number }>();
    expect(row!.n).toBe(2);
    const users = await env.DB.prepare("SELECT count(*) AS n FROM users WHERE name LIKE 'matrix-%'").first<{ n: number }>();
    expect(users!.n).toBe(4);
  });
});

describe("security: 403", () => {
  it("a non-admin user gets 403 on every admin route (/v1/users*, /v1/admin/*), valid body or not", async () => {
    const adminOps = operations.filter((op) => isAdminPath(op.path));
    expect(adminOps.length).toBeGreaterThanOrEqual(5);
    expect(await expectEverywhere(adminOps, (op) => send(op, alice.token), { status: 403, code: "forbidden" })).toEqual([]);
    // An invalid body must not turn the 403 into a 400 that describes the admin API.
    expect(
      await expectEverywhere(
        adminOps.filter((op) => MUTATING.has(op.method)),
        (op) => api(sample(op, { pickId: 1, tokenId: 1 })!.url, { method: op.method, token: alice.token, body: { nonsense: true } }),
        { status: 403, code: "forbidden" },
      ),
    ).toEqual([]);
    expect(await expectEverywhere([{ method: "GET", path: "/v1/users/{id}" }], () => api("/v1/users/not-a-number", { token: bob.token }), { status: 403, code: "forbidden" })).toEqual([]);
    const users = await env.DB.prepare("SELECT count(*) AS n FROM users WHERE name LIKE 'matrix-%'").first<{ n: number }>();
    expect(users!.n).toBe(4);
  });

  it("another user's pick: GET, PATCH and DELETE /v1/picks/{id} are 403 and the pick is unchanged", async () => {
    const before = await env.DB.prepare("SELECT * FROM picks WHERE id = ?").bind(bobPickId).first();
    const pickOps = operations.filter((op) => op.path === "/v1/picks/{id}");
    expect(pickOps.map((op) => op.method).sort()).toEqual(["DELETE", "GET", "PATCH"]);
    expect(
      await expectEverywhere(pickOps, (op) => send(op, alice.token, { pickId: bobPickId, tokenId: alice.tokenId }), { status: 403, code: "forbidden" }),
    ).toEqual([]);
    expect(await env.DB.prepare("SELECT * FROM picks WHERE id = ?").bind(bobPickId).first()).toEqual(before);
  });

  it("the ADMIN_TOKEN acts for no user: 403 on the routes that act for the caller", async () => {
    const userOnly = operations.filter(
      (op) => op.path.startsWith("/v1/picks") || (op.path.startsWith("/v1/me/") && op.path !== "/v1/me"),
    );
    expect(userOnly.length).toBe(7);
    expect(await expectEverywhere(userOnly, (op) => send(op, ADMIN_TOKEN), { status: 403, code: "forbidden" })).toEqual([]);
  });
});

describe("happy path: the right token passes", () => {
  it("a plain user passes authentication and authorization on every non-admin route", async () => {
    const userOps = operations.filter((op) => !isAdminPath(op.path) && op.path !== "/v1/games/{id}/picks");
    const answers: string[] = [];
    // DELETE last, so that the pick still exists for GET/PATCH; the token revoked last of all.
    const order = (op: Operation) => (op.path === "/v1/me/tokens/{id}" ? 2 : op.method === "DELETE" ? 1 : 0);
    const ownPick = (await makePick(await createUserWithToken(), gameId, "DEF-KC")).id;
    const carol = await createUserWithToken("matrix-carol");
    const carolPick = (await makePick(carol, gameId, "DEF-KC")).id;
    expect(ownPick).not.toBe(carolPick);
    for (const op of [...userOps].sort((a, b) => order(a) - order(b))) {
      const s = sample(op, { pickId: carolPick, tokenId: carol.tokenId })!;
      const body = op.method === "POST" && op.path === "/v1/picks" ? { gameId: await seedMatchup(SEASON, 2, "KC", "BUF"), playerId } : s.body;
      const response = await api(s.url, { method: op.method, token: carol.token, body });
      if (response.status >= 400) answers.push(`${op.method} ${op.path} -> ${response.status} ${JSON.stringify(response.json)}`);
    }
    expect(answers).toEqual([]);
  });

  it("an admin user and the ADMIN_TOKEN pass on every admin route", async () => {
    const adminOps = operations.filter((op) => isAdminPath(op.path));
    for (const token of [admin.token, ADMIN_TOKEN]) {
      const answers: string[] = [];
      for (const op of adminOps) {
        const s = sample(op, { pickId: alicePickId, tokenId: alice.tokenId })!;
        const response = await api(s.url, { method: op.method, token, body: s.authorizedBody ?? s.body });
        const ok = s.authorizedStatus === undefined ? response.status < 400 : response.status === s.authorizedStatus;
        if (!ok) answers.push(`${op.method} ${op.path} -> ${response.status} ${JSON.stringify(response.json)}`);
      }
      expect(answers).toEqual([]);
    }
  });
});
