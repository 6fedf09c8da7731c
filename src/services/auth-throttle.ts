/**
 * The failed-authentication throttle, shared by the API's bearer tokens and the status page's sign-in: per client
 * address (src/lib/client-address.ts), the first failure opens a window of AUTH_FAILURE_WINDOW_SECONDS; after
 * AUTH_FAILURE_LIMIT failures in it, every credential from that address gets 429 until the window ends, a right one
 * included (otherwise a guesser would just ignore the 429s and wait for the one 200).
 *
 * A D1 row rather than a Workers rate-limit binding: the binding's only operation, limit(), counts as it reads, so it
 * cannot tell whether an address is blocked without charging it an attempt (checking every request would limit
 * requests, not failures), and its count is per Cloudflare location and resets on the clock's minute boundaries. The
 * row is read in the same round trip as the token (src/services/credentials.ts) and written only on a failure, at most
 * AUTH_FAILURE_LIMIT times per address and window.
 */
import { eq, lt, sql } from "drizzle-orm";
import { authFailures } from "../db/schema";
import type { Database } from "../env";
import { nowIso } from "../lib/clock";

export const AUTH_FAILURE_LIMIT = 10;
export const AUTH_FAILURE_WINDOW_SECONDS = 15 * 60;

export type AuthFailureRow = typeof authFailures.$inferSelect;

/** The address's row, for a batch with the credential lookup. */
export function authFailuresQuery(db: Database, client: string) {
  return db.select().from(authFailures).where(eq(authFailures.client, client));
}

function windowEndMs(row: Pick<AuthFailureRow, "windowStartedAt">): number {
  return Date.parse(row.windowStartedAt) + AUTH_FAILURE_WINDOW_SECONDS * 1000;
}

/** Seconds until the address may try again, or null when it is not blocked. */
export function blockedForSeconds(row: AuthFailureRow | undefined, now: Date): number | null {
  if (!row || row.failures < AUTH_FAILURE_LIMIT) return null;
  const left = windowEndMs(row) - now.getTime();
  return left > 0 ? Math.ceil(left / 1000) : null;
}

/**
 * Counts one failure (a window that has ended starts over at 1) and drops the rows of windows that have ended, in one
 * batch. Returns the failures counted in the current window.
 */
export async function recordAuthFailure(db: Database, client: string, now: Date): Promise<number> {
  const at = nowIso(now);
  const windowOpenSince = nowIso(new Date(now.getTime() - AUTH_FAILURE_WINDOW_SECONDS * 1000));
  const ended = sql`${authFailures.windowStartedAt} <= ${windowOpenSince}`;
  const [, counted] = await db.batch([
    db.delete(authFailures).where(lt(authFailures.windowStartedAt, windowOpenSince)),
    db
      .insert(authFailures)
      .values({ client, windowStartedAt: at, failures: 1, lastFailureAt: at })
      .onConflictDoUpdate({
        target: authFailures.client,
        // Both CASEs read the row as it was (SQLite evaluates every SET against the old row).
        set: {
          failures: sql`CASE WHEN ${ended} THEN 1 ELSE ${authFailures.failures} + 1 END`,
          windowStartedAt: sql`CASE WHEN ${ended} THEN excluded.window_started_at ELSE ${authFailures.windowStartedAt} END`,
          lastFailureAt: at,
        },
      })
      .returning({ failures: authFailures.failures }),
  ]);
  return counted[0]?.failures ?? 1;
}
