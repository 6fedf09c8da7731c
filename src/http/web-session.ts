/**
 * The players' web sessions: a `sessions` row of purpose 'web' (src/services/sessions.ts) whose credential is the
 * `ftd_session` cookie: HttpOnly, Secure over https, SameSite=Lax, Path=/, for a fixed 30 days from sign-in (no
 * sliding: a stolen cookie dies on a known date whatever its thief does; signing in again is one passkey touch).
 *
 * SameSite=Lax lets a link from a mail or a chat open the app signed in, and so does not keep other sites from sending
 * the cookie along with a top-level navigation. Every change made with the cookie (POST, PUT, PATCH, DELETE) must
 * therefore carry the session's CSRF token, in the `x-csrf-token` header or a `_csrf` form field: an HMAC of the
 * session's id under SESSION_SECRET (purpose 'csrf'), which another site can neither compute nor read (CORS never
 * allows credentials here). A bearer token needs none: no browser sends it by itself.
 */
import type { Context } from "hono";
import type { AppBindings } from "../env";
import { signValue, timingSafeEqualText } from "../lib/crypto";
import { createSession, revokeSessionByCredential, verifySession, type SessionCheck } from "../services/sessions";
import type { Caller } from "./auth";
import { ApiError } from "./errors";
import { clearSessionCookie, readSessionCookie, writeSessionCookie, type SessionCookie } from "./session-cookie";

export const WEB_SESSION_SECONDS = 30 * 24 * 60 * 60;
export const WEB_SESSION_COOKIE: SessionCookie = { name: "ftd_session", path: "/", maxAgeSeconds: WEB_SESSION_SECONDS, sameSite: "Lax" };
export const CSRF_HEADER = "x-csrf-token";
export const CSRF_FORM_FIELD = "_csrf";

const CSRF_PURPOSE = "csrf";
const MUTATING_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** What a client needs after signing in: the session (the cookie carries its credential) and its CSRF token. */
export interface StartedWebSession {
  sessionId: number;
  expiresAt: string;
  csrfToken: string;
}

function sessionSecret(c: Context<AppBindings>): string {
  const secret = c.env.SESSION_SECRET;
  if (!secret) throw new ApiError("server_misconfigured", "Signing in is not configured: the SESSION_SECRET secret is not set.");
  return secret;
}

/** The CSRF token of a web session: the same for the session's whole life, useless for any other session. */
export function csrfTokenFor(secret: string, sessionId: number): Promise<string> {
  return signValue(secret, CSRF_PURPOSE, String(sessionId));
}

/**
 * Signs a user in on this browser: opens a web session, sets its cookie on the response and answers its CSRF token.
 * For every sign-in (passkey, one-time link, invite acceptance). A web session the browser already held is ended: one
 * browser, one session.
 */
export async function startWebSession(c: Context<AppBindings>, userId: number): Promise<StartedWebSession> {
  const secret = sessionSecret(c);
  const now = new Date();
  const previous = readSessionCookie(c, WEB_SESSION_COOKIE);
  if (previous) await revokeSessionByCredential(c.get("db"), secret, previous, now);
  const session = await createSession(
    c.get("db"),
    secret,
    { userId, purpose: "web", lifetimeSeconds: WEB_SESSION_SECONDS, userAgent: c.req.header("user-agent") },
    now,
  );
  writeSessionCookie(c, WEB_SESSION_COOKIE, session.credential);
  return { sessionId: session.id, expiresAt: session.expiresAt, csrfToken: await csrfTokenFor(secret, session.id) };
}

/** Ends the web session the request's cookie names, if any, and clears the cookie. */
export async function endWebSession(c: Context<AppBindings>): Promise<void> {
  const credential = readSessionCookie(c, WEB_SESSION_COOKIE);
  if (credential && c.env.SESSION_SECRET) await revokeSessionByCredential(c.get("db"), c.env.SESSION_SECRET, credential, new Date());
  clearSessionCookie(c, WEB_SESSION_COOKIE);
}

export function webSessionCredential(c: Context<AppBindings>): string | undefined {
  return readSessionCookie(c, WEB_SESSION_COOKIE);
}

const SESSION_REFUSALS: Record<Extract<SessionCheck, { ok: false }>["reason"], string> = {
  invalid: "The session is not valid: sign in again.",
  expired: "The session expired: sign in again.",
  revoked: "The session has ended: sign in again.",
  disabled: "The session has ended: the account is disabled.",
};

/**
 * The caller a web session cookie stands for (src/http/auth.ts authenticate), or 401 with the cookie cleared. A change
 * also needs the session's CSRF token (403 csrf_token_invalid).
 */
export async function callerOfWebSession(c: Context<AppBindings>, credential: string): Promise<Caller> {
  return (await webSessionUser(c, credential)).caller;
}

/** callerOfWebSession, with the user's name (the web app's header): one read. */
export async function webSessionUser(c: Context<AppBindings>, credential: string): Promise<{ caller: Caller & { kind: "user" }; name: string }> {
  const secret = c.env.SESSION_SECRET;
  if (!secret) {
    clearSessionCookie(c, WEB_SESSION_COOKIE);
    throw new ApiError("unauthorized", SESSION_REFUSALS.invalid);
  }
  const check = await verifySession(c.get("db"), secret, "web", credential, new Date());
  if (!check.ok || check.session.userId === null) {
    clearSessionCookie(c, WEB_SESSION_COOKIE);
    throw new ApiError("unauthorized", SESSION_REFUSALS[check.ok ? "invalid" : check.reason]);
  }
  if (MUTATING_METHODS.has(c.req.method)) await requireCsrfToken(c, secret, check.session.id);
  return {
    caller: { kind: "user", userId: check.session.userId, isAdmin: check.session.userIsAdmin, sessionId: check.session.id },
    name: check.session.userName ?? "",
  };
}

async function sentCsrfToken(c: Context<AppBindings>): Promise<string | undefined> {
  const header = c.req.header(CSRF_HEADER);
  if (header) return header;
  const type = c.req.header("content-type") ?? "";
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type)) return undefined;
  // Hono caches the parsed body, so the route's own validator can read it again.
  const field = (await c.req.parseBody())[CSRF_FORM_FIELD];
  return typeof field === "string" ? field : undefined;
}

async function requireCsrfToken(c: Context<AppBindings>, secret: string, sessionId: number): Promise<void> {
  const sent = await sentCsrfToken(c);
  if (sent === undefined) {
    throw new ApiError("csrf_token_invalid", `A change made with a session cookie needs its CSRF token: send it in the ${CSRF_HEADER} header or a ${CSRF_FORM_FIELD} form field.`);
  }
  if (!timingSafeEqualText(sent, await csrfTokenFor(secret, sessionId))) {
    throw new ApiError("csrf_token_invalid", "The CSRF token is not this session's: use the csrfToken answered at sign-in (or by GET /v1/me/sessions/current).");
  }
}
