/**
 * Who may see the status page: an admin, proven by one of
 *   1. `Authorization: Bearer <token>` (scripts, curl): the same tokens as the API (ADMIN_TOKEN or an admin
 *      user's API token);
 *   2. a session cookie, which a browser gets from the login form (POST /status/login) or from `?token=` once
 *      (the page then redirects to itself without the token, so that it leaves the address bar and the history).
 *
 * The cookie never holds the token. It is `<subject>.<expiry>.<hmac>`: subject `a` (ADMIN_TOKEN) or `u<token id>`,
 * expiry in Unix seconds, and an HMAC-SHA256 of both keyed with the SHA-256 of the token. So it is useless for the
 * API, expires by itself (12 hours), and dies with its token: a revoked token, a user who lost admin, or a rotated
 * ADMIN_TOKEN all make the check fail. It is HttpOnly, SameSite=Strict, Path=/status, and Secure over https.
 */
import type { AppEnv } from "../env";
import { bearerToken } from "../http/auth";
import { sha256Hex, timingSafeEqualText } from "../lib/crypto";

export const SESSION_COOKIE = "ftd_status";
export const SESSION_SECONDS = 12 * 60 * 60;

/** An admin who may see the page, or why not. */
export type Access = { ok: true } | { ok: false; status: 401 | 403; reason: string };

interface TokenOwner {
  subject: string;
  /** SHA-256 hex of the token: the HMAC key of the session. */
  keyHex: string;
  isAdmin: boolean;
}

async function ownerOfToken(env: AppEnv, token: string): Promise<TokenOwner | null> {
  if (env.ADMIN_TOKEN && timingSafeEqualText(token, env.ADMIN_TOKEN)) return { subject: "a", keyHex: await sha256Hex(token), isAdmin: true };
  const hash = await sha256Hex(token);
  const row = await env.DB.prepare(
    `SELECT t.id AS tokenId, u.is_admin AS isAdmin FROM api_tokens t JOIN users u ON u.id = t.user_id
     WHERE t.token_hash = ? AND t.revoked_at IS NULL`,
  )
    .bind(hash)
    .first<{ tokenId: number; isAdmin: number | null }>();
  return row ? { subject: `u${row.tokenId}`, keyHex: hash, isAdmin: row.isAdmin === 1 } : null;
}

async function ownerOfSubject(env: AppEnv, subject: string): Promise<TokenOwner | null> {
  if (subject === "a") return env.ADMIN_TOKEN ? { subject, keyHex: await sha256Hex(env.ADMIN_TOKEN), isAdmin: true } : null;
  const match = /^u(\d{1,15})$/.exec(subject);
  if (!match) return null;
  const row = await env.DB.prepare(
    `SELECT t.token_hash AS hash, u.is_admin AS isAdmin FROM api_tokens t JOIN users u ON u.id = t.user_id
     WHERE t.id = ? AND t.revoked_at IS NULL`,
  )
    .bind(Number(match[1]))
    .first<{ hash: string; isAdmin: number | null }>();
  return row ? { subject, keyHex: row.hash, isAdmin: row.isAdmin === 1 } : null;
}

async function hmacHex(keyHex: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(keyHex), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const signature = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message));
  return [...new Uint8Array(signature)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function judge(owner: TokenOwner | null): Access {
  if (!owner) return { ok: false, status: 401, reason: "The token is unknown or revoked." };
  if (!owner.isAdmin) return { ok: false, status: 403, reason: "This page is for admins; the token is not an admin's." };
  return { ok: true };
}

/** Checks a token (bearer header, form or query) and, for an admin, makes the session cookie's value. */
export async function accessByToken(env: AppEnv, token: string, now: Date): Promise<Access & { session?: string }> {
  const owner = await ownerOfToken(env, token.trim());
  const access = judge(owner);
  if (!access.ok || !owner) return access;
  const expires = Math.floor(now.getTime() / 1000) + SESSION_SECONDS;
  const payload = `${owner.subject}.${expires}`;
  return { ok: true, session: `${payload}.${await hmacHex(owner.keyHex, payload)}` };
}

export async function accessBySession(env: AppEnv, value: string, now: Date): Promise<Access> {
  const match = /^([a-z]\d*)\.(\d{1,12})\.([0-9a-f]{64})$/.exec(value);
  if (!match) return { ok: false, status: 401, reason: "The session is not valid: sign in again." };
  const [, subject, expires, mac] = match as unknown as [string, string, string, string];
  if (Number(expires) * 1000 <= now.getTime()) return { ok: false, status: 401, reason: "The session expired: sign in again." };
  const owner = await ownerOfSubject(env, subject);
  if (!owner || !timingSafeEqualText(await hmacHex(owner.keyHex, `${subject}.${expires}`), mac)) {
    return { ok: false, status: 401, reason: "The session is not valid any more: sign in again." };
  }
  return judge(owner);
}

export { bearerToken };
