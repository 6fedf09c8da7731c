import type { Context, MiddlewareHandler } from "hono";
import type { AppBindings } from "../env";
import { nowIso } from "../lib/clock";
import { sha256Hex, timingSafeEqualText } from "../lib/crypto";
import { ApiError } from "./errors";

/** Who is calling: a user through one of their tokens, or automation through the ADMIN_TOKEN secret. */
export type Caller =
  | { kind: "user"; userId: number; isAdmin: boolean; tokenId: number }
  | { kind: "admin_secret"; isAdmin: true };

/** last_used_at is written at most this often per token, to keep reads cheap. */
const LAST_USED_RESOLUTION_MS = 5 * 60 * 1000;

export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match?.[1] ?? null;
}

export const authenticate: MiddlewareHandler<AppBindings> = async (c, next) => {
  const token = bearerToken(c.req.header("authorization"));
  if (!token) throw new ApiError("unauthorized", "Send an API token: 'Authorization: Bearer <token>'.");

  const adminSecret = c.env.ADMIN_TOKEN;
  if (adminSecret && timingSafeEqualText(token, adminSecret)) {
    c.set("caller", { kind: "admin_secret", isAdmin: true });
    return next();
  }

  const row = await c.env.DB.prepare(
    `SELECT t.id AS tokenId, t.user_id AS userId, t.last_used_at AS lastUsedAt, u.is_admin AS isAdmin
     FROM api_tokens t JOIN users u ON u.id = t.user_id
     WHERE t.token_hash = ? AND t.revoked_at IS NULL`,
  )
    .bind(await sha256Hex(token))
    .first<{ tokenId: number; userId: number; lastUsedAt: string | null; isAdmin: number | null }>();
  if (!row) throw new ApiError("unauthorized", "The API token is unknown or revoked.");

  c.set("caller", { kind: "user", userId: row.userId, isAdmin: row.isAdmin === 1, tokenId: row.tokenId });
  recordTokenUse(c, row.tokenId, row.lastUsedAt);
  return next();
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

/** The calling user's id; the ADMIN_TOKEN secret acts for no user and cannot use user endpoints. */
export function requireUserId(c: Context<AppBindings>): number {
  const caller = c.get("caller");
  if (caller.kind !== "user") throw new ApiError("forbidden", "This endpoint acts for a user: use a user's API token.");
  return caller.userId;
}

/** The credential a request came with, as picks record it (picks.changed_by): 'token:<id>' or 'operator'. */
export function credentialLabel(caller: Caller): string {
  return caller.kind === "user" ? `token:${caller.tokenId}` : "operator";
}

/** How the caller is named in audit columns (first_td_recorded_by, created_by). */
export function callerLabel(caller: Caller): string {
  return caller.kind === "user" ? `user:${caller.userId}` : "admin_token";
}
