import { sql, type SQL } from "drizzle-orm";
import type { Context, MiddlewareHandler } from "hono";
import { except } from "hono/combine";
import type { AppBindings, Database } from "../env";
import { nowIso } from "../lib/clock";
import { clientAddressKey } from "../lib/client-address";
import type { AuditActor } from "../services/audit";
import type { LeagueReader } from "../services/leagues";
import { bearerTokenReads, tokenUserIdSql, type BearerCheck } from "../services/credentials";
import { ApiError } from "./errors";
import { callerOfWebSession, webSessionCredential } from "./web-session";

/**
 * Who is calling: a user through one of their tokens or their web session (the `ftd_session` cookie), or automation
 * through the ADMIN_TOKEN secret.
 */
export type Caller =
  | { kind: "user"; userId: number; isAdmin: boolean; tokenId: number; sessionId?: undefined }
  | { kind: "user"; userId: number; isAdmin: boolean; sessionId: number; tokenId?: undefined }
  | { kind: "admin_secret"; isAdmin: true };

/** Paths under /v1 that answer without a caller: signing in (src/routes/sign-in.ts). */
export const ANONYMOUS_PATHS = ["/v1/sign-in/*"];

/** last_used_at is written at most this often per token, to keep reads cheap. */
const LAST_USED_RESOLUTION_MS = 5 * 60 * 1000;

export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match?.[1] ?? null;
}

/**
 * Routes whose handlers read the database before they ask who is calling (making, changing, deleting a pick; boards;
 * games, a game, its markets and picks; players and their stats; me, my picks, tokens, sessions, passkeys, notification
 * settings and leagues; a league's view, members, invites, webhook and picks in a game), and name the caller in SQL
 * where their reads need them (callerUserIdSql, callerUserSql, leagueReaderOf): a bearer token's check rides in their
 * first read batch (src/db/client.ts), one round trip for both. Every other route has its caller settled before its
 * handler runs. A route listed here must not read c.var.caller before its first read batch
 * (test/api/round-trips.test.ts counts the calls of each).
 */
const AUTHENTICATED_BY_FIRST_READ: readonly (readonly [method: string, path: RegExp])[] = [
  ["POST", /^\/v1\/picks$/],
  ["PATCH", /^\/v1\/picks\/[^/]+$/],
  ["DELETE", /^\/v1\/picks\/[^/]+$/],
  ["GET", /^\/v1\/leaderboards\/[^/]+(\/weeks\/[^/]+)?$/],
  ["GET", /^\/v1\/leagues(\/[^/]+(\/members|\/invites|\/webhook|\/games\/[^/]+\/picks|\/leaderboards\/[^/]+(\/weeks\/[^/]+)?)?)?$/],
  ["GET", /^\/v1\/games(\/[^/]+(\/markets|\/picks)?)?$/],
  ["GET", /^\/v1\/player-stats$/],
  ["GET", /^\/v1\/players(\/[^/]+)?$/],
  ["GET", /^\/v1\/me(\/picks|\/tokens|\/sessions|\/passkeys|\/notifications)?$/],
];

function authenticatedByFirstRead(c: Context<AppBindings>): boolean {
  return AUTHENTICATED_BY_FIRST_READ.some(([method, path]) => method === c.req.method && path.test(c.req.path));
}

/**
 * A bearer token (a user's API token or the ADMIN_TOKEN secret), else a player's web session cookie (whose changes
 * need its CSRF token: src/http/web-session.ts). A bearer header wins over a cookie.
 *
 * A bearer token's reads are left to ride in the request's first read batch (src/db/client.ts RequestDatabase.ride):
 * settled there for the routes of AUTHENTICATED_BY_FIRST_READ, in a round trip of their own before the handler for the
 * others, and in any case before the answer leaves (a refusal replaces whatever the handler answered, so a bad token is
 * 401 as before, ahead of a validation error).
 */
const authenticateCaller: MiddlewareHandler<AppBindings> = async (c, next) => {
  const token = bearerToken(c.req.header("authorization"));
  if (!token) {
    const session = webSessionCredential(c);
    if (!session) throw new ApiError("unauthorized", "Send an API token ('Authorization: Bearer <token>') or sign in (the ftd_session cookie).");
    c.set("caller", await callerOfWebSession(c, session));
    return next();
  }

  const database = c.get("database");
  const reads = await bearerTokenReads(c.get("db").$client, { token, client: clientAddressKey(c.req.raw.headers), adminSecret: c.env.ADMIN_TOKEN }, new Date());
  c.set("bearer", reads.tokenHash === null ? { kind: "operator" } : { kind: "user", tokenHash: reads.tokenHash });
  database.ride({ statements: reads.statements, settle: async (results, db) => acceptBearer(c, await reads.decide(results, db), db) });
  if (!authenticatedByFirstRead(c)) await database.settle();
  await next();
  await database.settle();
};

function acceptBearer(c: Context<AppBindings>, check: BearerCheck, db: Database) {
  if (!check.ok) {
    if (check.status === 429) {
      c.header("Retry-After", String(check.retryAfterSeconds));
      throw new ApiError("too_many_failed_attempts", check.reason);
    }
    throw new ApiError("unauthorized", check.reason);
  }
  const { identity } = check;
  if (identity.kind === "operator") {
    c.set("caller", { kind: "admin_secret", isAdmin: true });
    return;
  }
  c.set("caller", { kind: "user", userId: identity.userId, isAdmin: identity.isAdmin, tokenId: identity.tokenId });
  recordTokenUse(c, db, identity.tokenId, identity.lastUsedAt);
}

/**
 * The calling user's id as SQL, for a route of AUTHENTICATED_BY_FIRST_READ whose reads are for the caller ("me" on a
 * board, "my picks"): the id itself once the caller is known, else the user the bearer token names (a subquery by its
 * hash; the batch's answer is used only if the token passes). null: the operator, who is no user.
 */
export function callerUserIdSql(c: Context<AppBindings>): string | null {
  const caller = c.get("caller") as Caller | undefined;
  if (caller) return caller.kind === "user" ? String(caller.userId) : null;
  const bearer = c.get("bearer");
  if (!bearer) throw new Error("callerUserIdSql: the request has no caller");
  return bearer.kind === "user" ? tokenUserIdSql(bearer.tokenHash) : null;
}

/** Every /v1 request but ANONYMOUS_PATHS has a caller, or is refused (401) before any route sees it. */
export const authenticate: MiddlewareHandler<AppBindings> = except(ANONYMOUS_PATHS, authenticateCaller);

/**
 * For the routes that serve people without an account as well as signed-in users (invites, open sign-up; mounted apart
 * from the authenticated /v1 chain): a request that sends credentials (a bearer header or the session cookie) is
 * authenticated as everywhere, a bad one refused (401); one that sends none goes on without a caller.
 */
export const authenticateOptional: MiddlewareHandler<AppBindings> = async (c, next) => {
  if (c.req.header("authorization") === undefined && !webSessionCredential(c)) return next();
  return authenticateCaller(c, next);
};

/** Bookkeeping, not the answer: after the answer (waitUntil), never a round trip of its own on the request's path. */
function recordTokenUse(c: Context<AppBindings>, db: Database, tokenId: number, lastUsedAt: string | null) {
  const now = new Date();
  if (lastUsedAt && now.getTime() - Date.parse(lastUsedAt) < LAST_USED_RESOLUTION_MS) return;
  const update = db.$client.prepare("UPDATE api_tokens SET last_used_at = ? WHERE id = ?").bind(nowIso(now), tokenId).run();
  c.executionCtx.waitUntil(update.catch((error) => console.error(JSON.stringify({ msg: "last_used_at update failed", error: String(error) }))));
}

export function requireAdmin(c: Context<AppBindings>): Caller {
  const caller = c.get("caller");
  if (!caller.isAdmin) throw new ApiError("forbidden", "This endpoint needs an admin token.");
  return caller;
}

/**
 * Guards whole admin path prefixes (/v1/users, /v1/admin) right after authentication, so that a non-admin gets 403
 * before the route validates anything: a validation error would otherwise tell a non-admin the admin API's shape.
 */
export const adminOnly: MiddlewareHandler<AppBindings> = async (c, next) => {
  requireAdmin(c);
  return next();
};

/**
 * Only the operator (the ADMIN_TOKEN secret) may make or unmake admins and act for other users (mint their tokens):
 * an admin user who could do so could make themselves anyone.
 */
export function requireOperator(c: Context<AppBindings>, what: string): Caller {
  const caller = c.get("caller");
  if (caller.kind !== "admin_secret") throw new ApiError("forbidden", `${what} needs the operator's ADMIN_TOKEN; an admin user's token is not enough.`);
  return caller;
}

/**
 * For a route of AUTHENTICATED_BY_FIRST_READ that acts for a user: the operator is refused before anything is read, as
 * when authentication came first (settled first, so that a throttled address still gets 429 rather than 403).
 */
export async function refuseOperatorFirst(c: Context<AppBindings>): Promise<void> {
  if (c.get("bearer")?.kind !== "operator") return;
  await c.get("database").settle();
  requireUserId(c);
}

/**
 * The calling user's id as SQL for a route of AUTHENTICATED_BY_FIRST_READ that acts for a user (its one read names the
 * caller by their token); the operator is refused first, as requireUserId would.
 */
export async function callerUserSql(c: Context<AppBindings>): Promise<SQL> {
  await refuseOperatorFirst(c);
  return sql.raw(callerUserIdSql(c)!);
}

/**
 * Who reads a league, for a route of AUTHENTICATED_BY_FIRST_READ: the operator, or the user the request's credential
 * names (as SQL, settled by the read).
 */
export function leagueReaderOf(c: Context<AppBindings>): LeagueReader {
  return c.get("bearer")?.kind === "operator" ? { kind: "admin_secret" } : { kind: "user", userId: sql.raw(callerUserIdSql(c)!) };
}

/** The calling user's id; the ADMIN_TOKEN secret acts for no user and cannot use user endpoints. */
export function requireUserId(c: Context<AppBindings>): number {
  const caller = c.get("caller");
  if (caller.kind !== "user") throw new ApiError("forbidden", "This endpoint acts for a user: use a user's API token or session.");
  return caller.userId;
}

/** The credential a request came with, as picks record it (picks.changed_by): 'token:<id>', 'session:<id>' or 'operator'. */
export function credentialLabel(caller: Caller): string {
  if (caller.kind !== "user") return "operator";
  return caller.sessionId !== undefined ? `session:${caller.sessionId}` : `token:${caller.tokenId}`;
}

/** How the caller is named in audit columns (first_td_recorded_by, created_by). */
export function callerLabel(caller: Caller): string {
  return caller.kind === "user" ? `user:${caller.userId}` : "admin_token";
}

/** Who an admin action is audited as (admin_audit.actor) and with which credential (its detail). */
export function auditActor(caller: Caller): AuditActor {
  return { actor: callerLabel(caller), credential: credentialLabel(caller) };
}
