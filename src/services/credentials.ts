/**
 * What a bearer token is worth: the operator's ADMIN_TOKEN, a user's API token (not revoked, not expired, its user
 * not disabled), or nothing. Shared by the API (src/http/auth.ts) and the status page's sign-in, and by both under the
 * failed-authentication throttle (./auth-throttle.ts): a failure is counted, and an address over the limit is refused
 * whatever token it sends, the right one included.
 */
import { eq } from "drizzle-orm";
import { apiTokens, users } from "../db/schema";
import type { Database } from "../env";
import { nowIso } from "../lib/clock";
import { sha256Hex, timingSafeEqualText } from "../lib/crypto";
import { authFailuresQuery, blockedForSeconds, recordAuthFailure, type AuthFailureRow } from "./auth-throttle";

export type BearerIdentity =
  | { kind: "operator" }
  | { kind: "user"; userId: number; isAdmin: boolean; tokenId: number; lastUsedAt: string | null };

export type BearerCheck =
  | { ok: true; identity: BearerIdentity }
  | { ok: false; status: 401; reason: string }
  | { ok: false; status: 429; reason: string; retryAfterSeconds: number };

export const UNKNOWN_TOKEN_REASON = "The API token is unknown or revoked.";

export function throttledReason(retryAfterSeconds: number): string {
  return `Too many failed authentications from this address; try again in ${retryAfterSeconds} seconds.`;
}

/** Why a user's token row does not authenticate, or null when it does. */
function tokenRefusal(row: { revokedAt: string | null; expiresAt: string | null; disabledAt: string | null }, now: Date): string | null {
  if (row.revokedAt !== null) return UNKNOWN_TOKEN_REASON;
  if (row.expiresAt !== null && row.expiresAt <= nowIso(now)) return `The API token expired at ${row.expiresAt}; ask for a new one.`;
  if (row.disabledAt !== null) return "The account this token belongs to is disabled.";
  return null;
}

export async function checkBearerToken(
  db: Database,
  input: { token: string; client: string; adminSecret: string | undefined },
  now: Date,
): Promise<BearerCheck> {
  if (input.adminSecret && timingSafeEqualText(input.token, input.adminSecret)) {
    // Even the right secret is refused from a throttled address: a guesser must not be able to tell it apart.
    const [throttle] = await authFailuresQuery(db, input.client);
    return throttledCheck(throttle, now) ?? { ok: true, identity: { kind: "operator" } };
  }
  const [throttle, tokens] = await db.batch([
    authFailuresQuery(db, input.client),
    db
      .select({
        tokenId: apiTokens.id,
        userId: apiTokens.userId,
        lastUsedAt: apiTokens.lastUsedAt,
        revokedAt: apiTokens.revokedAt,
        expiresAt: apiTokens.expiresAt,
        isAdmin: users.isAdmin,
        disabledAt: users.disabledAt,
      })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .where(eq(apiTokens.tokenHash, await sha256Hex(input.token))),
  ]);
  const throttled = throttledCheck(throttle[0], now);
  if (throttled) return throttled;

  const row = tokens[0];
  const refusal = row ? tokenRefusal(row, now) : UNKNOWN_TOKEN_REASON;
  if (refusal === null && row) {
    return { ok: true, identity: { kind: "user", userId: row.userId, isAdmin: row.isAdmin === 1, tokenId: row.tokenId, lastUsedAt: row.lastUsedAt } };
  }
  await recordAuthFailure(db, input.client, now);
  return { ok: false, status: 401, reason: refusal ?? UNKNOWN_TOKEN_REASON };
}

function throttledCheck(row: AuthFailureRow | undefined, now: Date): BearerCheck | null {
  const wait = blockedForSeconds(row, now);
  return wait === null ? null : { ok: false, status: 429, reason: throttledReason(wait), retryAfterSeconds: wait };
}
