/**
 * What a bearer token is worth: the operator's ADMIN_TOKEN, a user's API token (not revoked, not expired, its user
 * not disabled), or nothing. Shared by the API (src/http/auth.ts) and the status page's sign-in, and by both under the
 * failed-authentication throttle (./auth-throttle.ts): a failure is counted, and an address over the limit is refused
 * whatever token it sends, the right one included.
 */
import type { Database } from "../env";
import { nowIso } from "../lib/clock";
import { sha256Hex, timingSafeEqualText } from "../lib/crypto";
import { blockedForSeconds, recordAuthFailure, type AuthFailureRow } from "./auth-throttle";

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

/** A user's token row as the bearer check reads it. */
interface TokenRow {
  tokenId: number;
  userId: number;
  lastUsedAt: string | null;
  revokedAt: string | null;
  expiresAt: string | null;
  isAdmin: number;
  disabledAt: string | null;
}

/**
 * What decides a bearer token, split so that the reads can ride in a batch of the caller's choosing (the request's
 * first read batch, src/db/client.ts): the statements (the address's throttle row; for a user token also the token and
 * its user), and the decision on their results. A failure is counted by the decision itself (a write, on the failure
 * path only).
 */
export interface BearerTokenReads {
  statements: D1PreparedStatement[];
  decide(results: D1Result[], db: Database): Promise<BearerCheck>;
  /** The token's SHA-256 (null for the operator's secret): the caller's user id is `viewerUserIdSql` of it. */
  tokenHash: string | null;
}

export async function bearerTokenReads(d1: D1Database, input: { token: string; client: string; adminSecret: string | undefined }, now: Date): Promise<BearerTokenReads> {
  const throttle = d1
    .prepare("SELECT client, window_started_at AS windowStartedAt, failures, last_failure_at AS lastFailureAt FROM auth_failures WHERE client = ?")
    .bind(input.client);
  if (input.adminSecret && timingSafeEqualText(input.token, input.adminSecret)) {
    // Even the right secret is refused from a throttled address: a guesser must not be able to tell it apart.
    return {
      statements: [throttle],
      tokenHash: null,
      decide: async ([rows]) => throttledCheck((rows?.results as AuthFailureRow[] | undefined)?.[0], now) ?? { ok: true, identity: { kind: "operator" } },
    };
  }
  const tokenHash = await sha256Hex(input.token);
  const token = d1
    .prepare(
      `SELECT t.id AS tokenId, t.user_id AS userId, t.last_used_at AS lastUsedAt, t.revoked_at AS revokedAt, t.expires_at AS expiresAt,
         u.is_admin AS isAdmin, u.disabled_at AS disabledAt
       FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?`,
    )
    .bind(tokenHash);
  return {
    statements: [throttle, token],
    tokenHash,
    decide: async ([throttleRows, tokenRows], db) => {
      const throttled = throttledCheck((throttleRows?.results as AuthFailureRow[] | undefined)?.[0], now);
      if (throttled) return throttled;
      const row = (tokenRows?.results as TokenRow[] | undefined)?.[0];
      const refusal = row ? tokenRefusal(row, now) : UNKNOWN_TOKEN_REASON;
      if (refusal === null && row) {
        return { ok: true, identity: { kind: "user", userId: row.userId, isAdmin: row.isAdmin === 1, tokenId: row.tokenId, lastUsedAt: row.lastUsedAt } };
      }
      await recordAuthFailure(db, input.client, now);
      return { ok: false, status: 401, reason: refusal ?? UNKNOWN_TOKEN_REASON };
    },
  };
}

/** A bearer token checked in a round trip of its own (the status page's sign-in). */
export async function checkBearerToken(
  db: Database,
  input: { token: string; client: string; adminSecret: string | undefined },
  now: Date,
): Promise<BearerCheck> {
  const reads = await bearerTokenReads(db.$client, input, now);
  return reads.decide(await db.$client.batch(reads.statements), db);
}

/**
 * The user id a token hash names, as SQL, for the statements that read for the caller in the same batch as the
 * authentication (a leaderboard's "me", "my picks"): the batch's answer is used only once the token has passed. The
 * hash is hex (sha256Hex), so it is written into the SQL as a literal.
 */
export function tokenUserIdSql(tokenHash: string): string {
  if (!/^[0-9a-f]{64}$/.test(tokenHash)) throw new Error("not a token hash");
  return `(SELECT user_id FROM api_tokens WHERE token_hash = '${tokenHash}')`;
}

function throttledCheck(row: AuthFailureRow | undefined, now: Date): BearerCheck | null {
  const wait = blockedForSeconds(row, now);
  return wait === null ? null : { ok: false, status: 429, reason: throttledReason(wait), retryAfterSeconds: wait };
}
