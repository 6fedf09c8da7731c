/**
 * One-time sign-in links, for a person who lost their passkeys: issued by the operator (POST /v1/users/{id}/sign-in-link)
 * or by a league's commissioner for a member (the leagues routes call issueSignInLink after checking the commissioner).
 *
 * The link carries 32 random bytes in its fragment (`<web origin>/sign-in/link#token=...`: a fragment never reaches a
 * server log or a Referer header); only their SHA-256 is stored. It works once (used_at is set by the same conditional
 * statement that accepts it, so two racing requests cannot both sign in) and for 24 hours, and starts a web session.
 * Every link issued is written to admin_audit in the same batch as the link.
 */
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { signInLinks, users } from "../db/schema";
import type { AppEnv, Database } from "../env";
import { ApiError } from "../http/errors";
import { nowIso } from "../lib/clock";
import { randomSecret, sha256Hex } from "../lib/crypto";
import { auditStatement, type AuditActor } from "./audit";
import { authFailuresQuery, blockedForSeconds, recordAuthFailure } from "./auth-throttle";
import { throttledReason } from "./credentials";

export const SIGN_IN_LINK_SECONDS = 24 * 60 * 60;
export const SIGN_IN_LINK_PATH = "/sign-in/link";

export interface IssuedSignInLink {
  userId: number;
  /** The link to hand to the person (by a channel you trust): it signs them in once, until expiresAt. */
  url: string;
  expiresAt: string;
}

/**
 * Issues a link that signs `userId` in once within 24 hours. `createdBy` is who asked (auditActor(caller)); `origin`
 * the request's origin (webOrigin(c) of src/http/relying-party.ts), used when the WEB_ORIGIN var is not set.
 */
export async function issueSignInLink(
  db: Database,
  env: Pick<AppEnv, "WEB_ORIGIN">,
  input: { userId: number; createdBy: AuditActor; origin?: string },
  now: Date = new Date(),
): Promise<IssuedSignInLink> {
  const user = await db.query.users.findFirst({ columns: { id: true, disabledAt: true }, where: eq(users.id, input.userId) });
  if (!user) throw new ApiError("user_not_found", `No user ${input.userId}.`);
  if (user.disabledAt !== null) throw new ApiError("forbidden", "The account is disabled: a sign-in link would not work.");

  const token = randomSecret();
  const tokenHash = await sha256Hex(token);
  const expiresAt = nowIso(new Date(now.getTime() + SIGN_IN_LINK_SECONDS * 1000));
  await db.batch([
    db.insert(signInLinks).values({ userId: input.userId, tokenHash, createdBy: input.createdBy.actor, createdAt: nowIso(now), expiresAt }),
    auditStatement(db, input.createdBy, { action: "sign_in_link.issued", targetUserId: input.userId, detail: { expiresAt } }, now),
  ]);
  const base = (env.WEB_ORIGIN?.trim() || input.origin || "").replace(/\/+$/, "");
  return { userId: input.userId, url: `${base}${SIGN_IN_LINK_PATH}#token=${token}`, expiresAt };
}

export type SignInLinkUse =
  | { ok: true; userId: number }
  | { ok: false; status: 429; reason: string; retryAfterSeconds: number };

/**
 * Uses a link: its user, once. An unknown token is 404 (and counts as a failed authentication, like a bad bearer
 * token), a used or expired one 410, one of a disabled account 403.
 */
export async function useSignInLink(db: Database, input: { token: string; client: string }, now: Date): Promise<SignInLinkUse> {
  const [throttle] = await authFailuresQuery(db, input.client);
  const wait = blockedForSeconds(throttle, now);
  if (wait !== null) return { ok: false, status: 429, reason: throttledReason(wait), retryAfterSeconds: wait };

  const tokenHash = await sha256Hex(input.token);
  const [used] = await db
    .update(signInLinks)
    .set({ usedAt: nowIso(now) })
    .where(
      and(
        eq(signInLinks.tokenHash, tokenHash),
        isNull(signInLinks.usedAt),
        gt(signInLinks.expiresAt, nowIso(now)),
        sql`${signInLinks.userId} IN (SELECT ${users.id} FROM ${users} WHERE ${users.disabledAt} IS NULL)`,
      ),
    )
    .returning({ userId: signInLinks.userId });
  if (used) return { ok: true, userId: used.userId };

  const [link] = await db
    .select({ usedAt: signInLinks.usedAt, expiresAt: signInLinks.expiresAt, disabledAt: users.disabledAt })
    .from(signInLinks)
    .innerJoin(users, eq(users.id, signInLinks.userId))
    .where(eq(signInLinks.tokenHash, tokenHash));
  if (!link) {
    await recordAuthFailure(db, input.client, now);
    throw new ApiError("sign_in_link_not_found", "This sign-in link is unknown: check that it was copied whole.");
  }
  if (link.usedAt !== null) throw new ApiError("sign_in_link_gone", "This sign-in link was used already: ask for a new one.");
  if (link.expiresAt <= nowIso(now)) throw new ApiError("sign_in_link_gone", `This sign-in link expired at ${link.expiresAt}: ask for a new one.`);
  throw new ApiError("forbidden", "The account this link belongs to is disabled.");
}
