/**
 * Who may see the status page: an admin (the operator's ADMIN_TOKEN, or an admin user's API token), proven by
 *   1. `Authorization: Bearer <token>` (scripts, curl), under the same rules and failed-authentication throttle as
 *      the API (src/services/credentials.ts);
 *   2. a session cookie from the sign-in form (POST /status/login): a server-side `sessions` row of purpose 'status'
 *      (user_id NULL for the operator) whose credential is a random token and its HMAC under SESSION_SECRET; the
 *      database holds only the token's SHA-256 (src/services/sessions.ts). It expires after 12 hours, ends when its
 *      owner signs out, and is ended by revoking any of an admin user's tokens, disabling them or taking their admin
 *      away; an operator's session needs ADMIN_TOKEN to be set still.
 * A token is never taken from the URL: addresses end up in history, logs and Referer headers.
 */
import type { AppEnv, Database } from "../env";
import type { SessionCookie } from "../http/session-cookie";
import { checkBearerToken } from "../services/credentials";
import { createSession, revokeSessionByCredential, verifySession } from "../services/sessions";

export const SESSION_SECONDS = 12 * 60 * 60;
export const STATUS_COOKIE: SessionCookie = { name: "ftd_status", path: "/status", maxAgeSeconds: SESSION_SECONDS };

/** An admin who may see the page, or why not (429: the address is throttled; 500: sessions are not configured). */
export type Access =
  | { ok: true }
  | { ok: false; status: 401 | 403 | 500; reason: string }
  | { ok: false; status: 429; reason: string; retryAfterSeconds: number };

const NOT_ADMIN: Access = { ok: false, status: 403, reason: "This page is for admins; the token is not an admin's." };
const NO_SECRET: Access = { ok: false, status: 500, reason: "Signing in is not configured: the SESSION_SECRET secret is not set." };

/** A bearer token (header or sign-in form), judged for the page; `userId` null: the operator. */
async function judgeToken(db: Database, env: AppEnv, token: string, client: string, now: Date): Promise<Access & { userId?: number | null }> {
  const check = await checkBearerToken(db, { token: token.trim(), client, adminSecret: env.ADMIN_TOKEN }, now);
  if (!check.ok) return check;
  if (check.identity.kind === "operator") return { ok: true, userId: null };
  return check.identity.isAdmin ? { ok: true, userId: check.identity.userId } : NOT_ADMIN;
}

export async function accessByToken(db: Database, env: AppEnv, token: string, client: string, now: Date): Promise<Access> {
  const access = await judgeToken(db, env, token, client, now);
  return access.ok ? { ok: true } : access;
}

/** Checks a token from the sign-in form and, for an admin, opens a session: its credential goes into the cookie. */
export async function signIn(
  db: Database,
  env: AppEnv,
  input: { token: string; client: string; userAgent: string | undefined },
  now: Date,
): Promise<Access & { credential?: string }> {
  if (!env.SESSION_SECRET) return NO_SECRET;
  const access = await judgeToken(db, env, input.token, input.client, now);
  if (!access.ok) return access;
  const session = await createSession(
    db,
    env.SESSION_SECRET,
    { userId: access.userId ?? null, purpose: "status", lifetimeSeconds: SESSION_SECONDS, userAgent: input.userAgent },
    now,
  );
  return { ok: true, credential: session.credential };
}

const SESSION_REFUSALS = {
  invalid: "The session is not valid: sign in again.",
  expired: "The session expired: sign in again.",
  revoked: "The session has ended: sign in again.",
  disabled: "The session has ended: the account is disabled.",
} as const;

export async function accessBySession(db: Database, env: AppEnv, credential: string, now: Date): Promise<Access> {
  if (!env.SESSION_SECRET) return NO_SECRET;
  const check = await verifySession(db, env.SESSION_SECRET, "status", credential, now);
  if (!check.ok) return { ok: false, status: 401, reason: SESSION_REFUSALS[check.reason] };
  if (check.session.userId === null) return env.ADMIN_TOKEN ? { ok: true } : { ok: false, status: 401, reason: SESSION_REFUSALS.revoked };
  return check.session.userIsAdmin ? { ok: true } : NOT_ADMIN;
}

export async function signOut(db: Database, env: AppEnv, credential: string, now: Date): Promise<void> {
  if (env.SESSION_SECRET) await revokeSessionByCredential(db, env.SESSION_SECRET, credential, now);
}
