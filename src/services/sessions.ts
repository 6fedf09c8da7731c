/**
 * Server-side sessions (table `sessions`) of every browser sign-in: the status page (purpose 'status') and the players'
 * web sessions (purpose 'web', src/http/web-session.ts).
 *
 * A session's credential is `<random token>.<HMAC-SHA256 of it under SESSION_SECRET>` (lib/crypto signValue, purpose
 * "session"); the database keeps only the token's SHA-256. So reading the database gives neither a credential (the
 * hash cannot be turned back into the token) nor a way to make one (that needs SESSION_SECRET), and a row revoked or
 * expired ends its session whoever holds the credential. Rotating SESSION_SECRET ends every session at once.
 */
import { and, desc, eq, gt, isNull, type SQL } from "drizzle-orm";
import { readTogether } from "../db/client";
import { sessions, users, type SESSION_PURPOSES } from "../db/schema";
import type { Database } from "../env";
import { nowIso } from "../lib/clock";
import { randomSecret, sha256Hex, signValue, verifySigned } from "../lib/crypto";

export type SessionPurpose = (typeof SESSION_PURPOSES)[number];

const SIGNING_PURPOSE = "session";
/** last_seen_at is written at most this often per session. */
const LAST_SEEN_RESOLUTION_MS = 5 * 60 * 1000;
const USER_AGENT_MAX = 200;

export interface SessionView {
  id: number;
  /** null: the operator (ADMIN_TOKEN). */
  userId: number | null;
  purpose: SessionPurpose;
  createdAt: string;
  expiresAt: string;
  /** The user's is_admin now (false for the operator, who is not a user). */
  userIsAdmin: boolean;
  /** The user's name now (null for the operator): a page's header, read with the session. */
  userName: string | null;
}

export type SessionCheck = { ok: true; session: SessionView } | { ok: false; reason: "invalid" | "expired" | "revoked" | "disabled" };

/** Opens a session; the returned credential is the only time it exists outside the client. */
export async function createSession(
  db: Database,
  secret: string,
  input: { userId: number | null; purpose: SessionPurpose; lifetimeSeconds: number; userAgent?: string | null },
  now: Date,
): Promise<{ id: number; credential: string; expiresAt: string }> {
  const token = randomSecret();
  const expiresAt = nowIso(new Date(now.getTime() + input.lifetimeSeconds * 1000));
  const [row] = await db
    .insert(sessions)
    .values({
      tokenHash: await sha256Hex(token),
      userId: input.userId,
      purpose: input.purpose,
      createdAt: nowIso(now),
      expiresAt,
      lastSeenAt: nowIso(now),
      userAgent: input.userAgent ? input.userAgent.slice(0, USER_AGENT_MAX) : null,
    })
    .returning({ id: sessions.id });
  return { id: row!.id, credential: await signValue(secret, SIGNING_PURPOSE, token), expiresAt };
}

/** The SHA-256 of the credential's token, or null when the credential was not signed with this secret. */
async function tokenHashOf(secret: string, credential: string): Promise<string | null> {
  const token = await verifySigned(secret, SIGNING_PURPOSE, credential);
  return token ? sha256Hex(token) : null;
}

/** A live session of this purpose: signed with this secret, known, not revoked, not expired, its user not disabled. */
export async function verifySession(db: Database, secret: string, purpose: SessionPurpose, credential: string, now: Date): Promise<SessionCheck> {
  const hash = await tokenHashOf(secret, credential);
  if (!hash) return { ok: false, reason: "invalid" };
  const [row] = await db
    .select({
      id: sessions.id,
      userId: sessions.userId,
      purpose: sessions.purpose,
      createdAt: sessions.createdAt,
      expiresAt: sessions.expiresAt,
      lastSeenAt: sessions.lastSeenAt,
      revokedAt: sessions.revokedAt,
      isAdmin: users.isAdmin,
      userName: users.name,
      disabledAt: users.disabledAt,
    })
    .from(sessions)
    .leftJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, hash), eq(sessions.purpose, purpose)));
  if (!row) return { ok: false, reason: "invalid" };
  if (row.revokedAt !== null) return { ok: false, reason: "revoked" };
  if (row.expiresAt <= nowIso(now)) return { ok: false, reason: "expired" };
  if (row.disabledAt !== null) return { ok: false, reason: "disabled" };

  if (!row.lastSeenAt || now.getTime() - Date.parse(row.lastSeenAt) >= LAST_SEEN_RESOLUTION_MS) {
    await db.update(sessions).set({ lastSeenAt: nowIso(now) }).where(eq(sessions.id, row.id));
  }
  return {
    ok: true,
    session: {
      id: row.id,
      userId: row.userId,
      purpose: row.purpose as SessionPurpose,
      createdAt: row.createdAt,
      expiresAt: row.expiresAt,
      userIsAdmin: row.isAdmin === 1,
      userName: row.userName,
    },
  };
}

/** Ends the session the credential names (signing out); an unknown, forged or already ended one is left alone. */
export async function revokeSessionByCredential(db: Database, secret: string, credential: string, now: Date): Promise<boolean> {
  const hash = await tokenHashOf(secret, credential);
  if (!hash) return false;
  const ended = await db
    .update(sessions)
    .set({ revokedAt: nowIso(now) })
    .where(and(eq(sessions.tokenHash, hash), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  return ended.length > 0;
}

/** Ends a user's live sessions (of one purpose, or all): a statement for the batch of the change that requires it. */
export function revokeUserSessionsStatement(db: Database, userId: number, now: Date, purpose?: SessionPurpose) {
  return db
    .update(sessions)
    .set({ revokedAt: nowIso(now) })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), purpose ? eq(sessions.purpose, purpose) : undefined));
}

/** A user's live session as its owner sees it (never the credential). */
export interface OwnSessionView {
  id: number;
  purpose: SessionPurpose;
  createdAt: string;
  expiresAt: string;
  lastSeenAt: string | null;
  userAgent: string | null;
}

/** The user's sessions that still work (not revoked, not expired), newest first. */
export async function listUserSessions(db: Database, userId: number | SQL, now: Date): Promise<OwnSessionView[]> {
  const { rows } = await readTogether(db, {
    rows: db
      .select({
        id: sessions.id,
        purpose: sessions.purpose,
        createdAt: sessions.createdAt,
        expiresAt: sessions.expiresAt,
        lastSeenAt: sessions.lastSeenAt,
        userAgent: sessions.userAgent,
      })
      .from(sessions)
      .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, nowIso(now))))
      .orderBy(desc(sessions.id)),
  });
  return rows.map((row) => ({ ...row, purpose: row.purpose as SessionPurpose }));
}

/** Ends one of the user's live sessions; false when they have no such live session (another user's included). */
export async function revokeUserSession(db: Database, userId: number, sessionId: number, now: Date): Promise<boolean> {
  const ended = await db
    .update(sessions)
    .set({ revokedAt: nowIso(now) })
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, nowIso(now))))
    .returning({ id: sessions.id });
  return ended.length > 0;
}
