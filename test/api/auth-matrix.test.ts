import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { createDatabase } from "../../src/db/client";
import type { AppEnv } from "../../src/env";
import worker from "../../src/index";
import { nowIso } from "../../src/lib/clock";
import { generateToken, sha256Hex } from "../../src/lib/crypto";
import { createSignUpInvite } from "../../src/services/invites";
import { ADMIN_TOKEN, type ApiResponse, countRows, createUserWithToken, makePick, randomClientAddress, seedMatchup, seedTeams, type TestUser } from "../helpers/api";
import { SoftwareAuthenticator } from "../helpers/webauthn";
import { seedSignInLink, signInAs } from "../helpers/web-session";

/**
 * The auth matrix: every operation of /openapi.json, each through one or more doors (a concrete request), with who may
 * pass each door: anonymous, a user in no league, a league member, a league's commissioner, a disabled user, an
 * expired token, a revoked token, an admin user, the operator (ADMIN_TOKEN). A route added later without a door here
 * fails "every operation has a door". Statuses only: what the answers look like is test/api/contract.test.ts's.
 */

const SEASON = 2045;
const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const isAdminPath = (path: string) => /^\/v1\/(users|admin)(\/|$)/.test(path);

type Who = "anonymous" | "user" | "member" | "commissioner" | "disabled user" | "expired token" | "revoked token" | "admin user" | "operator";
const EVERYONE: Who[] = ["anonymous", "user", "member", "commissioner", "disabled user", "expired token", "revoked token", "admin user", "operator"];
/** Callers who hold a working user credential: they can also sign in and act for themselves. */
const PLAYERS: Who[] = ["user", "member", "commissioner", "admin user"];
const BAD_CREDENTIALS: Who[] = ["disabled user", "expired token", "revoked token"];

/** What a caller who is let in gets: a 2xx ("ok"), 403 forbidden, or an exact status (a door that must not really run). */
type Outcome = "ok" | "forbidden" | number;

/** A league a door acts on: its id, its commissioner and its open invite's code. */
interface LeagueCtx {
  id: number;
  commissioner: TestUser;
  code: string;
}

/** Who is calling, and the rows a door may act on in their name (fresh for each caller and door where it matters). */
interface Ctx {
  who: Who;
  token: string | null;
  /** The calling user (null: anonymous, operator). */
  self: TestUser | null;
  /** The league the door is about: the member's (shared) league, the commissioner's own, else the shared league. */
  league: () => Promise<LeagueCtx>;
}

interface Sample {
  url: string;
  body?: unknown;
  /** Sent instead of the caller's bearer token (a web session's cookie and CSRF token). */
  headers?: Record<string, string>;
  /** Vars of another deployment (SIGN_UP=open). */
  vars?: Partial<Record<keyof AppEnv, string>>;
}

interface Door {
  /** "METHOD /v1/path" as in the document. */
  op: string;
  /** What this door tries, when an operation has several. */
  name?: string;
  build: (ctx: Ctx) => Promise<Sample> | Sample;
  /** Without credentials; default 401. */
  anonymous?: Outcome;
  /** A user in no league. */
  user: Outcome;
  /** A member of the league (default: as a user). */
  member?: Outcome;
  /** The league's commissioner (default: as a member). */
  commissioner?: Outcome;
  admin: Outcome;
  operator: Outcome;
  /** Signing in reads no credential: a disabled user's, an expired or a revoked token meets the anonymous door. */
  credentialsIgnored?: true;
  /** The body an admin or the operator sends instead (e.g. one that fails validation, so that nothing runs). */
  authorizedBody?: unknown;
}

let alice: TestUser; // a plain user with a pick in `gameId`
let bob: TestUser; // another plain user with a pick in `gameId`
let carl: TestUser; // commissioner of `shared` and `closed`
let disabled: TestUser;
let expired: TestUser;
let revoked: TestUser;
let gameId: string; // before kickoff: picks hidden
let pickGameId: string; // before kickoff: each caller's own pick is made here
let lockedGameId: string; // final: picks visible
let alicePickId: number;
let bobPickId: number;
let teams: Awaited<ReturnType<typeof seedTeams>>;
let shared: LeagueCtx; // members may invite
let closed: LeagueCtx; // members may not invite

/** A request to the Worker (its fetch handler with the test bindings; a fresh client address unless given). */
async function call(
  method: string,
  url: string,
  init: { token?: string | null; body?: unknown; headers?: Record<string, string>; vars?: Sample["vars"] } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { "cf-connecting-ip": randomClientAddress(), ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers["content-type"] = "application/json";
  const ctx = createExecutionContext();
  const request = new Request<unknown, IncomingRequestCfProperties>(`http://localhost${url}`, {
    method,
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const response = await worker.fetch(request, { ...(env as AppEnv), ...init.vars } as AppEnv, ctx);
  const text = await response.text();
  await waitOnExecutionContext(ctx);
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: response.status, headers: response.headers, json };
}

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

/** Whether the caller holds a working user credential (and so has rows of their own to act on). */
const signsIn = (ctx: Ctx) => ctx.self !== null && PLAYERS.includes(ctx.who);

/** The caller's own pick, made for this door (alice's for callers turned away before they could have one). */
async function ownPick(ctx: Ctx): Promise<number> {
  return signsIn(ctx) ? (await makePick(ctx.self!, pickGameId, teams.KC!.QB)).id : alicePickId;
}

/** A spare token of the caller's, so that revoking it leaves the one they call with. */
const ownTokenId = async (ctx: Ctx) => (signsIn(ctx) ? spareToken(ctx.self!) : (ctx.self ?? alice).tokenId);
const freshPlayer = () => createUserWithToken(`matrix-target-${crypto.randomUUID().slice(0, 8)}`);
const freshAdmin = () => createUserWithToken(`matrix-target-admin-${crypto.randomUUID().slice(0, 8)}`, true);
const newName = () => `matrix-new-${crypto.randomUUID()}`;
/** The name of an account a door makes (not counted as a caller's doing). */
const targetName = () => `matrix-target-${crypto.randomUUID().slice(0, 8)}`;

/** Joins a league through its invite link, as a signed-in user does. */
async function join(league: LeagueCtx, user: TestUser): Promise<void> {
  const joined = await call("POST", `/v1/invites/${league.code}/accept`, { token: user.token, body: {} });
  expect(joined.status, JSON.stringify(joined.json)).toBe(201);
}

/** A fresh member of the league (an admin user when asked). */
async function memberOf(league: LeagueCtx, isAdmin = false): Promise<TestUser> {
  const member = isAdmin ? await freshAdmin() : await freshPlayer();
  await join(league, member);
  return member;
}

/** A league made through the API by `commissioner`. */
async function makeLeague(commissioner: TestUser, membersMayInvite = true): Promise<LeagueCtx> {
  const made = await call("POST", "/v1/leagues", { token: commissioner.token, body: { name: `Matrix ${crypto.randomUUID().slice(0, 6)}`, membersMayInvite } });
  expect(made.status, JSON.stringify(made.json)).toBe(201);
  return { id: made.json.id, commissioner, code: made.json.invite.code };
}

/** The operator's sign-up invite, made as POST /v1/invites makes it (not through the operator's rate budget). */
async function signUpInviteNow() {
  const audit = { actor: "admin_token", credential: "operator" };
  return createSignUpInvite(createDatabase(env.DB), (env as AppEnv).SESSION_SECRET, { createdBy: "admin_token", audit, origin: "http://localhost" }, new Date());
}

/** An authenticator's answer to a user's passkey registration options. */
async function registration(user: TestUser) {
  const options = await call("POST", "/v1/me/passkeys/options", { token: user.token });
  expect(options.status, JSON.stringify(options.json)).toBe(200);
  return new SoftwareAuthenticator().register(options.json);
}

/** A passkey of the user's, registered through the API: its id. */
async function registeredPasskey(user: TestUser): Promise<string> {
  const registered = await call("POST", "/v1/me/passkeys", { token: user.token, body: { response: await registration(user) } });
  expect(registered.status, JSON.stringify(registered.json)).toBe(201);
  return registered.json.id;
}

/** A signed assertion of a fresh user's passkey, answering fresh sign-in options: it signs that user in once. */
async function passkeyAssertion() {
  const user = await freshPlayer();
  const authenticator = new SoftwareAuthenticator();
  const options = await call("POST", "/v1/me/passkeys/options", { token: user.token });
  const registered = await call("POST", "/v1/me/passkeys", { token: user.token, body: { response: await authenticator.register(options.json) } });
  expect(registered.status, JSON.stringify(registered.json)).toBe(201);
  const signInOptions = await call("POST", "/v1/sign-in/passkey/options");
  return authenticator.signIn(signInOptions.json);
}

/** The door sent with the caller's web session (cookie and CSRF token) instead of a bearer token, for a player. */
async function withSession(ctx: Ctx, sample: Sample): Promise<Sample> {
  if (!signsIn(ctx)) return sample;
  const session = await signInAs(ctx.self!.id);
  return { ...sample, headers: { cookie: session.cookie, "x-csrf-token": session.csrfToken } };
}

/** Reading a league: its members and the operator (an admin user in no league is refused: admins play too). */
function leagueReads(op: string, url: (leagueId: number) => string): Door[] {
  return [{ op, build: async (ctx) => ({ url: url((await ctx.league()).id) }), user: "forbidden", member: "ok", commissioner: "ok", admin: "forbidden", operator: "ok" }];
}

/** A push subscription of the caller's (alice's for callers turned away before they could have one): its id. */
async function ownPushSubscription(ctx: Ctx): Promise<number> {
  const owner = signsIn(ctx) ? ctx.self! : alice;
  const row = await env.DB.prepare(
    "INSERT INTO push_subscriptions (user_id, endpoint, p256dh, auth, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
  )
    .bind(owner.id, `https://fcm.googleapis.com/fcm/send/matrix-${crypto.randomUUID()}`, `B${"A".repeat(86)}`, "AAAAAAAAAAAAAAAAAAAAAA", nowIso())
    .first<{ id: number }>();
  return row!.id;
}

const PUSH_KEYS = { p256dh: `B${"A".repeat(86)}`, auth: "AAAAAAAAAAAAAAAAAAAAAA" };

/** Running a league: its commissioner alone (the operator acts for no user). */
const commissionerOnly = { user: "forbidden", member: "forbidden", commissioner: "ok", admin: "forbidden", operator: "forbidden" } as const;

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

  // Profile: every user's own; the operator is no user.
  { op: "GET /v1/me/profile", build: () => ({ url: "/v1/me/profile" }), user: "ok", admin: "ok", operator: "forbidden" },
  { op: "PATCH /v1/me/profile", build: () => ({ url: "/v1/me/profile", body: { onGlobalBoard: false } }), user: "ok", admin: "ok", operator: "forbidden" },

  // Web sessions: a bearer token has none (403 where the route needs the request's own session).
  { op: "GET /v1/me/sessions", build: () => ({ url: "/v1/me/sessions" }), user: "ok", admin: "ok", operator: "forbidden" },
  {
    op: "GET /v1/me/sessions/current",
    name: "with a bearer token",
    build: () => ({ url: "/v1/me/sessions/current" }),
    user: "forbidden",
    admin: "forbidden",
    operator: "forbidden",
  },
  { op: "GET /v1/me/sessions/current", name: "with its web session", build: (ctx) => withSession(ctx, { url: "/v1/me/sessions/current" }), user: "ok", admin: "ok", operator: "forbidden" },
  {
    op: "DELETE /v1/me/sessions/{id}",
    name: "one of the caller's sessions",
    build: async (ctx) => ({ url: `/v1/me/sessions/${signsIn(ctx) ? (await signInAs(ctx.self!.id)).sessionId : 1}` }),
    user: "ok",
    admin: "ok",
    operator: "forbidden",
  },
  { op: "POST /v1/me/sign-out", name: "with a bearer token", build: () => ({ url: "/v1/me/sign-out" }), user: "forbidden", admin: "forbidden", operator: "forbidden" },
  { op: "POST /v1/me/sign-out", name: "with its web session", build: (ctx) => withSession(ctx, { url: "/v1/me/sign-out" }), user: "ok", admin: "ok", operator: "forbidden" },

  // Passkeys: every user's own.
  { op: "POST /v1/me/passkeys/options", build: () => ({ url: "/v1/me/passkeys/options" }), user: "ok", admin: "ok", operator: "forbidden" },
  {
    op: "POST /v1/me/passkeys",
    build: async (ctx) => ({ url: "/v1/me/passkeys", body: { name: "matrix", response: await registration(signsIn(ctx) ? ctx.self! : await freshPlayer()) } }),
    user: "ok",
    admin: "ok",
    operator: "forbidden",
  },
  { op: "GET /v1/me/passkeys", build: () => ({ url: "/v1/me/passkeys" }), user: "ok", admin: "ok", operator: "forbidden" },
  {
    op: "DELETE /v1/me/passkeys/{id}",
    build: async (ctx) => ({ url: `/v1/me/passkeys/${signsIn(ctx) ? await registeredPasskey(ctx.self!) : "AAAA"}` }),
    user: "ok",
    admin: "ok",
    operator: "forbidden",
  },

  // Signing in: no caller at all; whatever credentials come along are not read.
  { op: "POST /v1/sign-in/passkey/options", build: () => ({ url: "/v1/sign-in/passkey/options" }), anonymous: "ok", credentialsIgnored: true, user: "ok", admin: "ok", operator: "ok" },
  {
    op: "POST /v1/sign-in/passkey",
    build: async () => ({ url: "/v1/sign-in/passkey", body: { response: await passkeyAssertion() } }),
    anonymous: "ok",
    credentialsIgnored: true,
    user: "ok",
    admin: "ok",
    operator: "ok",
  },
  {
    op: "POST /v1/sign-in/link",
    build: async () => ({ url: "/v1/sign-in/link", body: { token: await seedSignInLink((await freshPlayer()).id) } }),
    anonymous: "ok",
    credentialsIgnored: true,
    user: "ok",
    admin: "ok",
    operator: "ok",
  },
  {
    op: "POST /v1/users/{id}/sign-in-link",
    name: "a link that signs in as another user",
    build: async () => ({ url: `/v1/users/${(await freshPlayer()).id}/sign-in-link` }),
    user: "forbidden",
    admin: "forbidden",
    operator: "ok",
  },

  // Accounts and invites: open to people without an account; a credential sent along is checked all the same.
  {
    op: "POST /v1/accounts",
    name: "sign-up invite-only (wrangler.toml)",
    build: () => ({ url: "/v1/accounts", body: { name: targetName() } }),
    anonymous: 403,
    user: 403,
    admin: 403,
    operator: 403,
  },
  {
    op: "POST /v1/accounts",
    name: "sign-up open (SIGN_UP=open)",
    build: () => ({ url: "/v1/accounts", body: { name: targetName() }, vars: { SIGN_UP: "open" } }),
    anonymous: "ok",
    user: "ok",
    admin: "ok",
    operator: "ok",
  },
  { op: "GET /v1/invites/{code}", build: async (ctx) => ({ url: `/v1/invites/${(await ctx.league()).code}` }), anonymous: "ok", user: "ok", admin: "ok", operator: "ok" },
  {
    op: "POST /v1/invites/{code}/accept",
    name: "a league's link: an account for a newcomer, the league for a user, 409 for its members",
    build: async (ctx) => ({ url: `/v1/invites/${(await ctx.league()).code}/accept`, body: { name: targetName() } }),
    anonymous: "ok",
    user: "ok",
    member: 409,
    commissioner: 409,
    admin: "ok",
    operator: "forbidden",
  },
  {
    op: "POST /v1/invites/{code}/accept",
    name: "the operator's sign-up invite: accounts only",
    build: async () => ({ url: `/v1/invites/${(await signUpInviteNow()).code}/accept`, body: { name: targetName() } }),
    anonymous: "ok",
    user: 409,
    admin: 409,
    operator: "forbidden",
  },
  { op: "POST /v1/invites", build: () => ({ url: "/v1/invites", body: { maxUses: 1 } }), user: "forbidden", admin: "forbidden", operator: "ok" },
  { op: "GET /v1/invites", build: () => ({ url: "/v1/invites" }), user: "forbidden", admin: "forbidden", operator: "ok" },
  {
    op: "DELETE /v1/invites/{code}",
    build: async () => ({ url: `/v1/invites/${(await signUpInviteNow()).code}` }),
    user: "forbidden",
    admin: "forbidden",
    operator: "ok",
  },

  // Leagues. "user" and "admin user" are in no league; "member" belongs to the shared league, whose commissioner is
  // someone else; "commissioner" commissions a league of their own (with one other member), made for each door.
  { op: "POST /v1/leagues", build: () => ({ url: "/v1/leagues", body: { name: "Matrix League" } }), user: "ok", admin: "ok", operator: "forbidden" },
  { op: "GET /v1/leagues", build: () => ({ url: "/v1/leagues" }), user: "ok", admin: "ok", operator: "forbidden" },
  ...leagueReads("GET /v1/leagues/{id}", (id) => `/v1/leagues/${id}`),
  ...leagueReads("GET /v1/leagues/{id}/members", (id) => `/v1/leagues/${id}/members`),
  ...leagueReads("GET /v1/leagues/{id}/games/{gameId}/picks", (id) => `/v1/leagues/${id}/games/${gameId}/picks`),
  ...leagueReads("GET /v1/leagues/{id}/leaderboards/{season}", (id) => `/v1/leagues/${id}/leaderboards/${SEASON}`),
  ...leagueReads("GET /v1/leagues/{id}/leaderboards/{season}/weeks/{week}", (id) => `/v1/leagues/${id}/leaderboards/${SEASON}/weeks/1`),
  {
    op: "PATCH /v1/leagues/{id}",
    build: async (ctx) => ({ url: `/v1/leagues/${(await ctx.league()).id}`, body: { ranking: "units" } }),
    ...commissionerOnly,
  },
  {
    op: "DELETE /v1/leagues/{id}/members/me",
    build: async (ctx) => ({ url: `/v1/leagues/${(await ctx.league()).id}/members/me` }),
    user: "forbidden",
    member: "ok",
    commissioner: 409,
    admin: "forbidden",
    operator: "forbidden",
  },
  {
    op: "DELETE /v1/leagues/{id}/members/{userId}",
    build: async (ctx) => {
      const league = await ctx.league();
      return { url: `/v1/leagues/${league.id}/members/${(await memberOf(league)).id}` };
    },
    ...commissionerOnly,
  },
  {
    op: "POST /v1/leagues/{id}/members/{userId}/sign-in-link",
    name: "for a player",
    build: async (ctx) => {
      const league = await ctx.league();
      return { url: `/v1/leagues/${league.id}/members/${(await memberOf(league)).id}/sign-in-link` };
    },
    ...commissionerOnly,
  },
  {
    op: "POST /v1/leagues/{id}/members/{userId}/sign-in-link",
    name: "for an admin who is a member: the operator's alone",
    build: async (ctx) => {
      const league = await ctx.league();
      return { url: `/v1/leagues/${league.id}/members/${(await memberOf(league, true)).id}/sign-in-link` };
    },
    ...commissionerOnly,
    commissioner: "forbidden",
  },
  {
    op: "POST /v1/leagues/{id}/commissioner",
    build: async (ctx) => {
      const league = await ctx.league();
      return { url: `/v1/leagues/${league.id}/commissioner`, body: { userId: (await memberOf(league)).id } };
    },
    ...commissionerOnly,
  },
  {
    op: "POST /v1/leagues/{id}/invites",
    name: "while members may invite",
    build: async (ctx) => ({ url: `/v1/leagues/${(await ctx.league()).id}/invites`, body: { maxUses: 1 } }),
    user: "forbidden",
    member: "ok",
    commissioner: "ok",
    admin: "forbidden",
    operator: "forbidden",
  },
  {
    op: "POST /v1/leagues/{id}/invites",
    name: "in a league whose members may not invite",
    build: async () => ({ url: `/v1/leagues/${closed.id}/invites`, body: { maxUses: 1 } }),
    user: "forbidden",
    member: "forbidden",
    admin: "forbidden",
    operator: "forbidden",
  },
  {
    op: "GET /v1/leagues/{id}/invites",
    build: async (ctx) => ({ url: `/v1/leagues/${(await ctx.league()).id}/invites` }),
    ...commissionerOnly,
    operator: "ok",
  },
  {
    op: "POST /v1/leagues/{id}/invites/rotate",
    build: async (ctx) => ({ url: `/v1/leagues/${(await ctx.league()).id}/invites/rotate` }),
    ...commissionerOnly,
  },
  {
    op: "DELETE /v1/leagues/{id}/invites/{inviteId}",
    name: "an invite its commissioner made",
    build: async (ctx) => {
      const league = await ctx.league();
      const invite = await call("POST", `/v1/leagues/${league.id}/invites`, { token: league.commissioner.token, body: {} });
      expect(invite.status, JSON.stringify(invite.json)).toBe(201);
      return { url: `/v1/leagues/${league.id}/invites/${invite.json.id}` };
    },
    ...commissionerOnly,
  },

  // Notifications: a user's own settings and devices (the operator is no user), a league's webhook.
  { op: "GET /v1/me/notifications", build: () => ({ url: "/v1/me/notifications" }), user: "ok", admin: "ok", operator: "forbidden" },
  {
    op: "PATCH /v1/me/notifications/preferences",
    build: () => ({ url: "/v1/me/notifications/preferences", body: { push: { reminders: true } } }),
    user: "ok",
    admin: "ok",
    operator: "forbidden",
  },
  {
    op: "POST /v1/me/push-subscriptions",
    build: () => ({ url: "/v1/me/push-subscriptions", body: { endpoint: `https://fcm.googleapis.com/fcm/send/matrix-${crypto.randomUUID()}`, keys: PUSH_KEYS } }),
    user: "ok",
    admin: "ok",
    operator: "forbidden",
  },
  {
    op: "DELETE /v1/me/push-subscriptions/{id}",
    build: async (ctx) => ({ url: `/v1/me/push-subscriptions/${await ownPushSubscription(ctx)}` }),
    user: "ok",
    admin: "ok",
    operator: "forbidden",
  },
  {
    op: "POST /v1/me/notifications/test",
    build: async (ctx) => {
      await ownPushSubscription(ctx);
      return { url: "/v1/me/notifications/test" };
    },
    user: "ok",
    admin: "ok",
    operator: "forbidden",
  },
  ...leagueReads("GET /v1/leagues/{id}/webhook", (id) => `/v1/leagues/${id}/webhook`),
  {
    op: "PUT /v1/leagues/{id}/webhook",
    build: async (ctx) => ({ url: `/v1/leagues/${(await ctx.league()).id}/webhook`, body: { url: "https://discord.com/api/webhooks/123456789/matrix-token" } }),
    ...commissionerOnly,
  },
  {
    op: "DELETE /v1/leagues/{id}/webhook",
    build: async (ctx) => ({ url: `/v1/leagues/${(await ctx.league()).id}/webhook` }),
    ...commissionerOnly,
  },
];

/** The outcome a door gives a caller who is let in (or, for anonymous doors, who comes without credentials). */
function outcomeFor(door: Door, who: Who): Outcome | undefined {
  switch (who) {
    case "anonymous":
      return door.anonymous;
    case "user":
      return door.user;
    case "member":
      return door.member ?? door.user;
    case "commissioner":
      return door.commissioner ?? door.member ?? door.user;
    case "admin user":
      return door.admin;
    case "operator":
      return door.operator;
    default:
      return door.credentialsIgnored ? door.anonymous : undefined;
  }
}

/** What each caller must get at a door: 401 for everyone who is not let in at all. */
function expected(door: Door, who: Who): { status?: number; code?: string; message?: RegExp; passes?: boolean } {
  const outcome = outcomeFor(door, who);
  if (outcome === undefined) {
    switch (who) {
      case "disabled user":
        return { status: 401, code: "unauthorized", message: /disabled/ };
      case "expired token":
        return { status: 401, code: "unauthorized", message: /expired at \d{4}-/ };
      case "revoked token":
        return { status: 401, code: "unauthorized", message: /unknown or revoked/ };
      default:
        return { status: 401, code: "unauthorized", message: /Authorization: Bearer/ };
    }
  }
  if (outcome === "ok") return { passes: true };
  if (outcome === "forbidden") return { status: 403, code: "forbidden" };
  return { status: outcome };
}

async function callerFor(who: Who): Promise<Ctx> {
  const inShared = async () => shared;
  switch (who) {
    case "anonymous":
      return { who, token: null, self: null, league: inShared };
    case "user": {
      const self = await createUserWithToken(`matrix-user-${crypto.randomUUID().slice(0, 8)}`);
      return { who, token: self.token, self, league: inShared };
    }
    case "member": {
      const self = await createUserWithToken(`matrix-member-${crypto.randomUUID().slice(0, 8)}`);
      let joined = false;
      const league = async () => {
        if (!joined) await join(shared, self);
        joined = true;
        return shared;
      };
      return { who, token: self.token, self, league };
    }
    case "commissioner": {
      const self = await createUserWithToken(`matrix-commissioner-${crypto.randomUUID().slice(0, 8)}`);
      let own: LeagueCtx | undefined;
      const league = async () => (own ??= await makeLeague(self));
      return { who, token: self.token, self, league };
    }
    case "admin user": {
      const self = await createUserWithToken(`matrix-admin-${crypto.randomUUID().slice(0, 8)}`, true);
      return { who, token: self.token, self, league: inShared };
    }
    case "disabled user":
      return { who, token: disabled.token, self: disabled, league: inShared };
    case "expired token":
      return { who, token: expired.token, self: expired, league: inShared };
    case "revoked token":
      return { who, token: revoked.token, self: revoked, league: inShared };
    case "operator":
      return { who, token: ADMIN_TOKEN, self: null, league: inShared };
  }
}

function describeAnswer(door: Door, who: Who, response: ApiResponse) {
  return `${door.op}${door.name ? ` (${door.name})` : ""} as ${who} -> ${response.status} ${JSON.stringify(response.json)}`;
}

/** Rows a refused request must leave as they were (live tokens, sessions, invites and links counted as live). */
const STATE_SQL = `SELECT (SELECT count(*) FROM users) || ',' || (SELECT count(*) FROM api_tokens WHERE revoked_at IS NULL) || ',' ||
  (SELECT count(*) FROM admin_audit) || ',' || (SELECT count(*) FROM picks) || ',' || (SELECT count(*) FROM leagues) || ',' ||
  (SELECT count(*) FROM league_members) || ',' || (SELECT count(*) FROM invites WHERE revoked_at IS NULL) || ',' ||
  (SELECT count(*) FROM sessions WHERE revoked_at IS NULL) || ',' || (SELECT count(*) FROM passkeys) || ',' ||
  (SELECT count(*) FROM sign_in_links WHERE used_at IS NULL) AS state`;
const state = async () => (await env.DB.prepare(STATE_SQL).first<{ state: string }>())!.state;

/** Sends every door as `who`; lists the answers that are not what the door says, and refusals that changed rows. */
async function walk(doors: Door[], who: Who): Promise<string[]> {
  const wrong: string[] = [];
  for (const door of doors) {
    const ctx = await callerFor(who);
    const sample = await door.build(ctx);
    const [method] = door.op.split(" ") as [string];
    const authorized = (who === "admin user" || who === "operator") && door.authorizedBody !== undefined;
    const want = expected(door, who);
    const before = want.passes ? "" : await state();
    const response = await call(method, sample.url, {
      token: sample.headers ? null : ctx.token,
      headers: sample.headers,
      body: authorized ? door.authorizedBody : sample.body,
      vars: sample.vars,
    });
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
    else if ((await state()) !== before) wrong.push(`${describeAnswer(door, who, response)}: refused, yet rows changed`);
  }
  return wrong;
}

let operations: string[];
let spec: any;

beforeAll(async () => {
  spec = (await call("GET", "/openapi.json")).json;
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
  carl = await createUserWithToken("matrix-carl");
  disabled = await createUserWithToken("matrix-disabled");
  expired = await createUserWithToken("matrix-expired");
  revoked = await createUserWithToken("matrix-revoked");
  alicePickId = (await makePick(alice, gameId, teams.KC!.QB)).id;
  bobPickId = (await makePick(bob, gameId, teams.BUF!.QB)).id;
  await makePick(disabled, gameId, teams.BUF!.RB);
  shared = await makeLeague(carl);
  closed = await makeLeague(carl, false);
  // Disabled by the operator, through the API; the expired token by its date (an hour ago).
  expect((await call("PATCH", `/v1/users/${disabled.id}`, { token: ADMIN_TOKEN, body: { disabled: true } })).status).toBe(200);
  await env.DB.prepare("UPDATE api_tokens SET expires_at = ? WHERE id = ?").bind(nowIso(new Date(Date.now() - 3600_000)), expired.tokenId).run();
  expect((await call("DELETE", `/v1/me/tokens/${revoked.tokenId}`, { token: revoked.token })).status).toBe(200);
});

const statusOf = (outcome: Outcome) => (outcome === "ok" ? null : outcome === "forbidden" ? 403 : outcome);

describe("the route list", () => {
  it("every operation of /openapi.json is under /v1 and has a door here; every door is an operation of the document", () => {
    expect(operations.length).toBeGreaterThanOrEqual(67);
    const doorOps = new Set(DOORS.map((d) => d.op));
    expect(operations.filter((op) => !doorOps.has(op))).toEqual([]);
    expect([...doorOps].filter((op) => !operations.includes(op))).toEqual([]);
    expect(operations.filter((op) => !op.split(" ")[1]!.startsWith("/v1/"))).toEqual([]);
  });

  it("every operation documents a 401 answer, and the bearer scheme unless it signs in (no credentials read)", () => {
    const signingIn = new Set(DOORS.filter((d) => d.credentialsIgnored).map((d) => d.op));
    const undocumented = operations.filter((op) => {
      const [method, path] = op.split(" ") as [string, string];
      const operation = spec.paths[path][method.toLowerCase()];
      return (!signingIn.has(op) && !JSON.stringify(operation.security ?? []).includes("bearerAuth")) || operation.responses["401"] === undefined;
    });
    expect(undocumented).toEqual([]);
    expect([...signingIn].map((op) => spec.paths[op.split(" ")[1]!][op.split(" ")[0]!.toLowerCase()].security)).toEqual([...signingIn].map(() => []));
  });

  it("documents every status a door gives: a 403 wherever some caller is refused, and each exact status", () => {
    const missing = DOORS.flatMap((d) => {
      const [method, path] = d.op.split(" ") as [string, string];
      const responses = spec.paths[path][method.toLowerCase()].responses;
      const statuses = EVERYONE.map((who) => outcomeFor(d, who)).flatMap((o) => (o === undefined || statusOf(o) === null ? [] : [statusOf(o)!]));
      return [...new Set(statuses)].filter((status) => responses[String(status)] === undefined).map((status) => `${d.op} ${status}`);
    });
    expect(missing).toEqual([]);
  });
});

describe("every door, for every caller", () => {
  // One test per caller, so that a failure names who got the wrong answer where. A refused request changes no row.
  for (const who of EVERYONE) {
    it(`as ${who}`, async () => {
      expect(await walk(DOORS, who)).toEqual([]);
    });
  }

  it("a disabled user's picks stay", async () => {
    expect(await countRows("SELECT count(*) AS n FROM picks WHERE user_id = ?", disabled.id)).toBe(1);
  });

  it("the member and commissioner doors really ran as such: the shared league gained members, commissioners made leagues", async () => {
    expect(await countRows("SELECT count(*) AS n FROM league_members WHERE league_id = ?", shared.id)).toBeGreaterThan(10);
    expect(await countRows("SELECT count(*) AS n FROM leagues l JOIN users u ON u.id = l.commissioner_id WHERE u.name LIKE 'matrix-commissioner-%'")).toBeGreaterThan(10);
  });
});

describe("security: 401 for credentials that are not one", () => {
  const opsOf = (doors: Door[]) => doors.filter((d, i) => !d.credentialsIgnored && doors.findIndex((e) => e.op === d.op) === i);
  const anonymous = (): Ctx => ({ who: "anonymous", token: null, self: null, league: async () => shared });

  async function everywhere(send: (door: Door, sample: Sample) => Promise<ApiResponse>): Promise<string[]> {
    const wrong: string[] = [];
    for (const door of opsOf(DOORS)) {
      const sample = await door.build(anonymous());
      const response = await send(door, sample);
      if (response.status !== 401 || response.json?.error?.code !== "unauthorized") wrong.push(describeAnswer(door, "anonymous", response));
    }
    return wrong;
  }

  it("an unknown token, an empty bearer, another scheme, the admin secret with one character changed", async () => {
    const method = (door: Door) => door.op.split(" ")[0]!;
    expect(await everywhere((door, s) => call(method(door), s.url, { token: "ftd_not-a-real-token", body: s.body }))).toEqual([]);
    expect(await everywhere((door, s) => call(method(door), s.url, { body: s.body, headers: { authorization: "Bearer " } }))).toEqual([]);
    expect(await everywhere((door, s) => call(method(door), s.url, { body: s.body, headers: { authorization: `Basic ${btoa(`x:${alice.token}`)}` } }))).toEqual([]);
    expect(await everywhere((door, s) => call(method(door), s.url, { token: `${ADMIN_TOKEN.slice(0, -1)}X`, body: s.body }))).toEqual([]);
  });
});

describe("security: 403 comes before validation", () => {
  it("a plain user gets 403 on every admin route (/v1/users*, /v1/admin/*) whatever the body, and changes nothing", async () => {
    const adminDoors = DOORS.filter((d) => isAdminPath(d.op.split(" ")[1]!));
    expect(adminDoors.length).toBeGreaterThanOrEqual(11);
    const wrong: string[] = [];
    for (const door of adminDoors.filter((d) => MUTATING.has(d.op.split(" ")[0]!))) {
      const sample = await door.build({ who: "user", token: alice.token, self: alice, league: async () => shared });
      const before = await state();
      const response = await call(door.op.split(" ")[0]!, sample.url, { token: alice.token, body: { nonsense: true } });
      if (response.status !== 403 || response.json?.error?.code !== "forbidden") wrong.push(describeAnswer(door, "user", response));
      else if ((await state()) !== before) wrong.push(`${describeAnswer(door, "user", response)}: rows changed`);
    }
    expect(wrong).toEqual([]);
    const notANumber = await call("GET", "/v1/users/not-a-number", { token: bob.token });
    expect([notANumber.status, notANumber.json.error.code]).toEqual([403, "forbidden"]);
  });

  it("another user's pick: GET, PATCH and DELETE /v1/picks/{id} are 403 and the pick is unchanged", async () => {
    const before = await env.DB.prepare("SELECT * FROM picks WHERE id = ?").bind(bobPickId).first();
    for (const [method, body] of [["GET"], ["PATCH", { playerId: teams.KC!.WR }], ["DELETE"]] as const) {
      const response = await call(method, `/v1/picks/${bobPickId}`, { token: alice.token, body });
      expect([method, response.status, response.json.error.code]).toEqual([method, 403, "forbidden"]);
    }
    expect(await env.DB.prepare("SELECT * FROM picks WHERE id = ?").bind(bobPickId).first()).toEqual(before);
    expect(alicePickId).not.toBe(bobPickId);
  });
});
