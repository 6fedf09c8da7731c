import type { Context, MiddlewareHandler } from "hono";
import { except } from "hono/combine";
import type { AppBindings } from "../env";
import { nowIso } from "../lib/clock";
import { clientAddressKey } from "../lib/client-address";
import type { AuditActor } from "../services/audit";
import { checkBearerToken } from "../services/credentials";
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
 * A bearer token (a user's API token or the ADMIN_TOKEN secret), else a player's web session cookie (whose changes
 * need its CSRF token: src/http/web-session.ts). A bearer header wins over a cookie.
 */
const authenticateCaller: MiddlewareHandler<AppBindings> = async (c, next) => {
  const token = bearerToken(c.req.header("authorization"));
  if (!token) {
    const session = webSessionCredential(c);
    if (!session) throw new ApiError("unauthorized", "Send an API token ('Authorization: Bearer <token>') or sign in (the ftd_session cookie).");
    c.set("caller", await callerOfWebSession(c, session));
    return next();
  }

  const check = await checkBearerToken(c.get("db"), { token, client: clientAddressKey(c.req.raw.headers), adminSecret: c.env.ADMIN_TOKEN }, new Date());
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
    return next();
  }
  c.set("caller", { kind: "user", userId: identity.userId, isAdmin: identity.isAdmin, tokenId: identity.tokenId });
  recordTokenUse(c, identity.tokenId, identity.lastUsedAt);
  return next();
};

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

function recordTokenUse(c: Context<AppBindings>, tokenId: number, lastUsedAt: string | null) {
  const now = new Date();
  if (lastUsedAt && now.getTime() - Date.parse(lastUsedAt) < LAST_USED_RESOLUTION_MS) return;
  const update = c.env.DB.prepare("UPDATE api_tokens SET last_used_at = ? WHERE id = ?").bind(nowIso(now), tokenId).run();
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
