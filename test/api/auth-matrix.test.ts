import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { nowIso } from "../../src/lib/clock";
import { generateToken, sha256Hex } from "../../src/lib/crypto";
import { ADMIN_TOKEN, api, type ApiResponse, countRows, createUserWithToken, makePick, seedMatchup, seedTeams, type TestUser } from "../helpers/api";

/**
 * The auth matrix: every operation of /openapi.json, each through one or more doors (a concrete request), with who may
 * pass each door: anonymous, a user, a disabled user, an expired token, a revoked token, an admin user, the operator
 * (ADMIN_TOKEN). A route added later without a door here fails "every operation has a door".
 */

const SEASON = 2045;
const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const isAdminPath = (path: string) => /^\/v1\/(users|admin)(\/|$)/.test(path);

type Who = "anonymous" | "user" | "disabled user" | "expired token" | "revoked token" | "admin user" | "operator";
const EVERYONE: Who[] = ["anonymous", "user", "disabled user", "expired token", "revoked token", "admin user", "operator"];

/** What a caller who is let in gets: a 2xx ("ok"), or an exact status for a door that must not really run. */
type Outcome = "ok" | "forbidden" | number;

/** Who is calling, and the rows a door may act on in their name (fresh for each caller and door where it matters). */
interface Ctx {
  who: Who;
  token: string | null;
  /** The calling user (null: anonymous, operator). */
  self: TestUser | null;
}

interface Sample {
  url: string;
  body?: unknown;
}

interface Door {
  /** "METHOD /v1/path" as in the document. */
  op: string;
  /** What this door tries, when an operation has several. */
  name?: string;
  build: (ctx: Ctx) => Promise<Sample> | Sample;
  user: Outcome;
  admin: Outcome;
  operator: Outcome;
  /** The body an admin or the operator sends instead (e.g. one that fails validation, so that nothing runs). */
  authorizedBody?: unknown;
}

let alice: TestUser; // a plain user with a pick in `gameId`
let bob: TestUser; // another plain user with a pick in `gameId`
let disabled: TestUser;
let expired: TestUser;
let revoked: TestUser;
let gameId: string; // before kickoff: picks hidden
let pickGameId: string; // before kickoff: each caller's own pick is made here
let lockedGameId: string; // final: picks visible
let alicePickId: number;
let bobPickId: number;
let teams: Awaited<ReturnType<typeof seedTeams>>;

/** A second token for a user, written as POST /v1/me/tokens writes it. */
async function spareToken(user: TestUser): Promise<number> {
  const token = generateToken();
  const row = await env.DB.prepare(
    "INSERT INTO api_tokens (user_id, name, token_hash, token_prefix, created_at, created_by) VALUES (?, 'spare', ?, ?, ?, 'test') RETURNING id",
  )
    .bind(user.id, await sha256Hex(token), token.slice(0, 10), nowIso())
    .first<{ id: number }>();
  return row!.id;
}

const actsForThemselves = (ctx: Ctx) => ctx.self !== null && (ctx.who === "user" || ctx.who === "admin user");

/** The caller's own pick, made for this door (alice's for callers turned away before they could have one). */
async function ownPick(ctx: Ctx): Promise<number> {
  return actsForThemselves(ctx) ? (await makePick(ctx.self!, pickGameId, teams.KC!.QB)).id : alicePickId;
}

/** A spare token of the caller's, so that revoking it leaves the one they call with. */
const ownTokenId = async (ctx: Ctx) => (actsForThemselves(ctx) ? spareToken(ctx.self!) : (ctx.self ?? alice).tokenId);
const freshPlayer = () => createUserWithToken(`matrix-target-${crypto.randomUUID().slice(0, 8)}`);
const freshAdmin = () => createUserWithToken(`matrix-target-admin-${crypto.randomUUID().slice(0, 8)}`, true);
const newName = () => `matrix-new-${crypto.randomUUID()}`;

const DOORS: Door[] = [
  { op: "GET /v1/me", build: () => ({ url: "/v1/me" }), user: "ok", admin: "ok", operator: "ok" },
  { op: "GET /v1/me/tokens", build: () => ({ url: "/v1/me/tokens" }), user: "ok", admin: "ok", operator: "forbidden" },
  { op: "POST /v1/me/tokens", build: () => ({ url: "/v1/me/tokens", body: { name: "matrix", expiresInDays: 30 } }), user: "ok", admin: "ok", operator: "forbidden" },
  {
    op: "DELETE /v1/me/tokens/{id}",
    build: async (ctx) => ({ url: `/v1/me/tokens/${await ownTokenId(ctx)}` }),
    user: "ok",
    admin: "ok",
    operator: "forbidden",
  },
  { op: "GET /v1/me/picks", build: () => ({ url: `/v1/me/picks?season=${SEASON}` }), user: "ok", admin: "ok", operator: "forbidden" },

  { op: "POST /v1/users", name: "a player", build: () => ({ url: "/v1/users", body: { name: newName() } }), user: "forbidden", admin: "ok", operator: "ok" },
  {
    op: "POST /v1/users",
    name: "an admin",
    build: () => ({ url: "/v1/users", body: { name: newName(), isAdmin: true } }),
    user: "forbidden",
    admin: "forbidden",
    operator: "ok",
  },
  { op: "GET /v1/users/{id}", build: () => ({ url: `/v1/users/${bob.id}` }), user: "forbidden", admin: "ok", operator: "ok" },
  {
    op: "PATCH /v1/users/{id}",
    name: "disable a player",
    build: async () => ({ url: `/v1/users/${(await freshPlayer()).id}`, body: { disabled: true } }),
    user: "forbidden",
    admin: "ok",
    operator: "ok",
  },
  {
    op: "PATCH /v1/users/{id}",
    name: "disable an admin",
    build: async () => ({ url: `/v1/users/${(await freshAdmin()).id}`, body: { disabled: true } }),
    user: "forbidden",
    admin: "forbidden",
    operator: "ok",
  },
  {
    op: "PATCH /v1/users/{id}",
    name: "make an admin",
    build: async () => ({ url: `/v1/users/${(await freshPlayer()).id}`, body: { isAdmin: true } }),
    user: "forbidden",
    admin: "forbidden",
    operator: "ok",
  },
  {
    op: "PATCH /v1/users/{id}",
    name: "unmake an admin",
    build: async () => ({ url: `/v1/users/${(await freshAdmin()).id}`, body: { isAdmin: false } }),
    user: "forbidden",
    admin: "forbidden",
    operator: "ok",
  },
  {
    op: "POST /v1/users/{id}/tokens",
    name: "mint a token for another user",
    build: async () => ({ url: `/v1/users/${(await freshPlayer()).id}/tokens`, body: { name: "matrix" } }),
    user: "forbidden",
    admin: "forbidden",
    operator: "ok",
  },
  {
    op: "DELETE /v1/users/{id}/tokens/{tokenId}",
    name: "revoke any user's token",
    build: async () => {
      const target = await freshPlayer();
      return { url: `/v1/users/${target.id}/tokens/${target.tokenId}` };
    },
    user: "forbidden",
    admin: "ok",
    operator: "ok",
  },

  { op: "GET /v1/games", build: () => ({ url: `/v1/games?season=${SEASON}` }), user: "ok", admin: "ok", operator: "ok" },
  { op: "GET /v1/games/{id}", build: () => ({ url: `/v1/games/${gameId}` }), user: "ok", admin: "ok", operator: "ok" },
  {
    op: "GET /v1/games/{id}/picks",
    name: "before kickoff: the operator only, never a player (admins play too)",
    build: () => ({ url: `/v1/games/${gameId}/picks` }),
    user: "forbidden",
    admin: "forbidden",
    operator: "ok",
  },
  { op: "GET /v1/games/{id}/picks", name: "once locked", build: () => ({ url: `/v1/games/${lockedGameId}/picks` }), user: "ok", admin: "ok", operator: "ok" },
  { op: "GET /v1/games/{id}/markets", build: () => ({ url: `/v1/games/${gameId}/markets` }), user: "ok", admin: "ok", operator: "ok" },
  { op: "GET /v1/players", build: () => ({ url: `/v1/players?season=${SEASON}` }), user: "ok", admin: "ok", operator: "ok" },
  { op: "GET /v1/players/{id}", build: () => ({ url: `/v1/players/${teams.KC!.WR}` }), user: "ok", admin: "ok", operator: "ok" },
  { op: "GET /v1/player-stats", build: () => ({ url: `/v1/player-stats?season=${SEASON}` }), user: "ok", admin: "ok", operator: "ok" },

  { op: "POST /v1/picks", build: () => ({ url: "/v1/picks", body: { gameId, playerId: teams.KC!.WR } }), user: "ok", admin: "ok", operator: "forbidden" },
  { op: "GET /v1/picks/{id}", build: async (ctx) => ({ url: `/v1/picks/${await ownPick(ctx)}` }), user: "ok", admin: "ok", operator: "forbidden" },
  {
    op: "PATCH /v1/picks/{id}",
    build: async (ctx) => ({ url: `/v1/picks/${await ownPick(ctx)}`, body: { playerId: teams.KC!.WR } }),
    user: "ok",
    admin: "ok",
    operator: "forbidden",
  },
  { op: "DELETE /v1/picks/{id}", build: async (ctx) => ({ url: `/v1/picks/${await ownPick(ctx)}` }), user: "ok", admin: "ok", operator: "forbidden" },

  { op: "GET /v1/leaderboards/{season}", build: () => ({ url: `/v1/leaderboards/${SEASON}` }), user: "ok", admin: "ok", operator: "ok" },
  { op: "GET /v1/leaderboards/{season}/weeks/{week}", build: () => ({ url: `/v1/leaderboards/${SEASON}/weeks/1` }), user: "ok", admin: "ok", operator: "ok" },

  {
    op: "PUT /v1/admin/games/{id}/first-td",
    build: () => ({ url: `/v1/admin/games/${gameId}/first-td`, body: { type: "clear" } }),
    user: "forbidden",
    admin: "ok",
    operator: "ok",
  },
  {
    op: "PUT /v1/admin/games/{id}/void",
    build: () => ({ url: `/v1/admin/games/${gameId}/void`, body: { voided: false } }),
    user: "forbidden",
    admin: "ok",
    operator: "ok",
  },
  // An unknown job: authorization is checked without running an ingestion job (which would fetch upstream).
  { op: "POST /v1/admin/jobs/{job}/run", build: () => ({ url: "/v1/admin/jobs/no-such-job/run", body: {} }), user: "forbidden", admin: 404, operator: 404 },
  { op: "GET /v1/admin/sync-runs", build: () => ({ url: "/v1/admin/sync-runs" }), user: "forbidden", admin: "ok", operator: "ok" },
  { op: "GET /v1/admin/quality", build: () => ({ url: "/v1/admin/quality" }), user: "forbidden", admin: "ok", operator: "ok" },
  { op: "GET /v1/admin/quality/runs", build: () => ({ url: "/v1/admin/quality/runs" }), user: "forbidden", admin: "ok", operator: "ok" },
  // Admins send an invalid season: past authorization, before any check runs.
  {
    op: "POST /v1/admin/quality/run",
    build: () => ({ url: "/v1/admin/quality/run", body: {} }),
    authorizedBody: { season: 1800 },
    user: "forbidden",
    admin: 400,
    operator: 400,
  },
  { op: "GET /v1/admin/audit", build: () => ({ url: "/v1/admin/audit?limit=5" }), user: "forbidden", admin: "ok", operator: "ok" },
];

/** What each caller must get at a door: 401 for everyone who is not let in at all. */
function expected(door: Door, who: Who): { status?: number; code?: string; message?: RegExp; passes?: boolean } {
  switch (who) {
    case "anonymous":
      return { status: 401, code: "unauthorized", message: /Authorization: Bearer/ };
    case "disabled user":
      return { status: 401, code: "unauthorized", message: /disabled/ };
    case "expired token":
      return { status: 401, code: "unauthorized", message: /expired at \d{4}-/ };
    case "revoked token":
      return { status: 401, code: "unauthorized", message: /unknown or revoked/ };
    default: {
      const outcome = who === "user" ? door.user : who === "admin user" ? door.admin : door.operator;
      if (outcome === "ok") return { passes: true };
      if (outcome === "forbidden") return { status: 403, code: "forbidden" };
      return { status: outcome };
    }
  }
}

async function callerFor(who: Who): Promise<Ctx> {
  switch (who) {
    case "anonymous":
      return { who, token: null, self: null };
    case "user": {
      const self = await createUserWithToken(`matrix-user-${crypto.randomUUID().slice(0, 8)}`);
      return { who, token: self.token, self };
    }
    case "admin user": {
      const self = await createUserWithToken(`matrix-admin-${crypto.randomUUID().slice(0, 8)}`, true);
      return { who, token: self.token, self };
    }
    case "disabled user":
      return { who, token: disabled.token, self: disabled };
    case "expired token":
      return { who, token: expired.token, self: expired };
    case "revoked token":
      return { who, token: revoked.token, self: revoked };
    case "operator":
      return { who, token: ADMIN_TOKEN, self: null };
  }
}

function describeAnswer(door: Door, who: Who, response: ApiResponse) {
  return `${door.op}${door.name ? ` (${door.name})` : ""} as ${who} -> ${response.status} ${JSON.stringify(response.json)}`;
}

/** Sends every door as `who`; lists the answers that are not what the door says. */
async function walk(doors: Door[], who: Who): Promise<string[]> {
  const wrong: string[] = [];
  for (const door of doors) {
    const ctx = await callerFor(who);
    const sample = await door.build(ctx);
    const [method] = door.op.split(" ");
    const authorized = (who === "admin user" || who === "operator") && door.authorizedBody !== undefined;
    const response = await api(sample.url, { method, token: ctx.token, body: authorized ? door.authorizedBody : sample.body });
    const want = expected(door, who);
    if (want.passes) {
      if (response.status >= 400) wrong.push(describeAnswer(door, who, response));
      continue;
    }
    const envelopeOk =
      want.code === undefined ||
      (response.json?.error?.code === want.code &&
        Object.keys(response.json).join() === "error" &&
        typeof response.json.error.message === "string" &&
        (want.message === undefined || want.message.test(response.json.error.message)));
    if (response.status !== want.status || !envelopeOk) wrong.push(describeAnswer(door, who, response));
  }
  return wrong;
}

let operations: string[];

beforeAll(async () => {
  const spec = (await api("/openapi.json", { token: null })).json;
  operations = Object.entries(spec.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((m) => ["get", "post", "put", "patch", "delete"].includes(m))
      .map((m) => `${m.toUpperCase()} ${path}`),
  );

  teams = await seedTeams(SEASON, ["KC", "BUF"]);
  gameId = await seedMatchup(SEASON, 1, "KC", "BUF");
  pickGameId = await seedMatchup(SEASON, 2, "KC", "BUF");
  lockedGameId = await seedMatchup(SEASON, 3, "KC", "BUF", { status: "final" });
  alice = await createUserWithToken("matrix-alice");
  bob = await createUserWithToken("matrix-bob");
  disabled = await createUserWithToken("matrix-disabled");
  expired = await createUserWithToken("matrix-expired");
  revoked = await createUserWithToken("matrix-revoked");
  alicePickId = (await makePick(alice, gameId, teams.KC!.QB)).id;
  bobPickId = (await makePick(bob, gameId, teams.BUF!.QB)).id;
  await makePick(disabled, gameId, teams.BUF!.RB);
  // Disabled by the operator, through the API; the expired token by its date (an hour ago).
  expect((await api(`/v1/users/${disabled.id}`, { method: "PATCH", body: { disabled: true } })).status).toBe(200);
  await env.DB.prepare("UPDATE api_tokens SET expires_at = ? WHERE id = ?").bind(nowIso(new Date(Date.now() - 3600_000)), expired.tokenId).run();
  expect((await api(`/v1/me/tokens/${revoked.tokenId}`, { method: "DELETE", token: revoked.token })).status).toBe(200);
});

describe("the route list", () => {
  it("every operation of /openapi.json is under /v1 and has a door here; every door is an operation of the document", () => {
    expect(operations.length).toBeGreaterThanOrEqual(31);
    const doorOps = new Set(DOORS.map((d) => d.op));
    expect(operations.filter((op) => !doorOps.has(op))).toEqual([]);
    expect([...doorOps].filter((op) => !operations.includes(op))).toEqual([]);
    expect(operations.filter((op) => !op.split(" ")[1]!.startsWith("/v1/"))).toEqual([]);
  });

  it("every operation documents bearer security and a 401 answer", async () => {
    const spec = (await api("/openapi.json", { token: null })).json;
    const undocumented = operations.filter((op) => {
      const [method, path] = op.split(" ") as [string, string];
      const operation = spec.paths[path][method.toLowerCase()];
      return !JSON.stringify(operation.security ?? []).includes("bearerAuth") || operation.responses["401"] === undefined;
    });
    expect(undocumented).toEqual([]);
  });

  it("documents a 403 wherever some authenticated caller is refused", async () => {
    const spec = (await api("/openapi.json", { token: null })).json;
    const missing = DOORS.filter((d) => [d.user, d.admin, d.operator].includes("forbidden")).filter((d) => {
      const [method, path] = d.op.split(" ") as [string, string];
      return spec.paths[path][method.toLowerCase()].responses["403"] === undefined;
    });
    expect(missing.map((d) => d.op)).toEqual([]);
  });
});

describe("every door, for every caller", () => {
  // One test per caller, so that a failure names who got the wrong answer where.
  for (const who of EVERYONE) {
    it(`as ${who}`, async () => {
      const users = "SELECT count(*) AS n FROM users WHERE name NOT LIKE 'matrix-target-%'"; // doors make their targets first
      const usersBefore = await countRows(users);
      const auditBefore = await countRows("SELECT count(*) AS n FROM admin_audit");
      const picksBefore = await countRows("SELECT count(*) AS n FROM picks");
      expect(await walk(DOORS, who)).toEqual([]);
      if (["anonymous", "disabled user", "expired token", "revoked token"].includes(who)) {
        // Refused at the door: nothing changed, nothing audited.
        expect(await countRows(users)).toBe(usersBefore);
        expect(await countRows("SELECT count(*) AS n FROM admin_audit")).toBe(auditBefore);
        expect(await countRows("SELECT count(*) AS n FROM picks")).toBe(picksBefore);
      }
    });
  }

  it("a disabled user's picks stay", async () => {
    expect(await countRows("SELECT count(*) AS n FROM picks WHERE user_id = ?", disabled.id)).toBe(1);
  });
});

describe("security: 401 for credentials that are not one", () => {
  const opsOf = (doors: Door[]) => doors.filter((d, i) => doors.findIndex((e) => e.op === d.op) === i);

  async function everywhere(send: (door: Door, sample: Sample) => Promise<ApiResponse>): Promise<string[]> {
    const wrong: string[] = [];
    for (const door of opsOf(DOORS)) {
      const sample = await door.build({ who: "anonymous", token: null, self: null });
      const response = await send(door, sample);
      if (response.status !== 401 || response.json?.error?.code !== "unauthorized") wrong.push(describeAnswer(door, "anonymous", response));
    }
    return wrong;
  }

  it("an unknown token, an empty bearer, another scheme, the admin secret with one character changed", async () => {
    const method = (door: Door) => door.op.split(" ")[0];
    expect(await everywhere((door, s) => api(s.url, { method: method(door), token: "ftd_not-a-real-token", body: s.body }))).toEqual([]);
    expect(await everywhere((door, s) => api(s.url, { method: method(door), token: null, body: s.body, headers: { authorization: "Bearer " } }))).toEqual([]);
    expect(
      await everywhere((door, s) => api(s.url, { method: method(door), token: null, body: s.body, headers: { authorization: `Basic ${btoa(`x:${alice.token}`)}` } })),
    ).toEqual([]);
    expect(await everywhere((door, s) => api(s.url, { method: method(door), token: `${ADMIN_TOKEN.slice(0, -1)}X`, body: s.body }))).toEqual([]);
  });
});

describe("security: 403 comes before validation", () => {
  it("a plain user gets 403 on every admin route (/v1/users*, /v1/admin/*) whatever the body, and changes nothing", async () => {
    const adminDoors = DOORS.filter((d) => isAdminPath(d.op.split(" ")[1]!));
    expect(adminDoors.length).toBeGreaterThanOrEqual(10);
    const notTargets = "SELECT count(*) AS n FROM users WHERE name NOT LIKE 'matrix-target-%'";
    const [users, audit] = [await countRows(notTargets), await countRows("SELECT count(*) AS n FROM admin_audit")];
    const wrong: string[] = [];
    for (const door of adminDoors.filter((d) => MUTATING.has(d.op.split(" ")[0]!))) {
      const sample = await door.build({ who: "user", token: alice.token, self: alice });
      const response = await api(sample.url, { method: door.op.split(" ")[0], token: alice.token, body: { nonsense: true } });
      if (response.status !== 403 || response.json?.error?.code !== "forbidden") wrong.push(describeAnswer(door, "user", response));
    }
    expect(wrong).toEqual([]);
    const notANumber = await api("/v1/users/not-a-number", { token: bob.token });
    expect([notANumber.status, notANumber.json.error.code]).toEqual([403, "forbidden"]);
    // The doors made their targets (fresh players) before knocking; nothing else was created, nothing audited.
    expect(await countRows(notTargets)).toBe(users);
    expect(await countRows("SELECT count(*) AS n FROM admin_audit")).toBe(audit);
  });

  it("another user's pick: GET, PATCH and DELETE /v1/picks/{id} are 403 and the pick is unchanged", async () => {
    const before = await env.DB.prepare("SELECT * FROM picks WHERE id = ?").bind(bobPickId).first();
    for (const [method, body] of [["GET"], ["PATCH", { playerId: teams.KC!.WR }], ["DELETE"]] as const) {
      const response = await api(`/v1/picks/${bobPickId}`, { method, token: alice.token, body });
      expect([method, response.status, response.json.error.code]).toEqual([method, 403, "forbidden"]);
    }
    expect(await env.DB.prepare("SELECT * FROM picks WHERE id = ?").bind(bobPickId).first()).toEqual(before);
    expect(alicePickId).not.toBe(bobPickId);
  });
});
