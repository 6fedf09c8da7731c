import { and, desc, eq, isNull, sql, type SQL } from "drizzle-orm";
import { readTogether } from "../db/client";
import { apiTokens, users } from "../db/schema";
import type { Database } from "../env";
import { ApiError } from "../http/errors";
import { nowIso } from "../lib/clock";
import { generateToken, sha256Hex } from "../lib/crypto";
import { auditStatement, type AuditActor } from "./audit";
import { databaseErrorMessage } from "./db-errors";
import { revokeUserSessionsStatement } from "./sessions";

export interface UserView {
  id: number;
  name: string;
  email: string | null;
  isAdmin: boolean;
  createdAt: string | null;
}

/** What admins see of a user: also whether and by whom they were disabled. */
export interface AdminUserView extends UserView {
  disabledAt: string | null;
  disabledBy: string | null;
}

function toUserView(row: typeof users.$inferSelect): UserView {
  return { id: row.id, name: row.name, email: row.email, isAdmin: row.isAdmin === 1, createdAt: row.createdAt };
}

function toAdminUserView(row: typeof users.$inferSelect): AdminUserView {
  return { ...toUserView(row), disabledAt: row.disabledAt, disabledBy: row.disabledBy };
}

/** A user by id, or as SQL naming the caller (src/http/auth.ts callerUserSql), in one read. */
async function findUserRow(db: Database, user: number | SQL) {
  const [row] = (await readTogether(db, { user: db.select().from(users).where(eq(users.id, user)).limit(1) })).user;
  if (!row) throw new ApiError("user_not_found", typeof user === "number" ? `No user ${user}.` : "No such user.");
  return row;
}

export async function getUser(db: Database, user: number | SQL): Promise<UserView> {
  return toUserView(await findUserRow(db, user));
}

export async function getUserForAdmin(db: Database, userId: number): Promise<AdminUserView> {
  return toAdminUserView(await findUserRow(db, userId));
}

export async function createUser(
  db: Database,
  input: { name: string; email?: string | null; isAdmin?: boolean },
  by: AuditActor,
  now: Date,
): Promise<AdminUserView> {
  try {
    const [[row]] = await db.batch([
      db
        .insert(users)
        .values({ name: input.name, email: input.email ?? null, isAdmin: input.isAdmin ? 1 : 0, createdAt: nowIso(now) })
        .returning(),
      auditStatement(
        db,
        by,
        {
          action: "user.created",
          targetUserId: sql`(SELECT ${users.id} FROM ${users} WHERE ${users.name} = ${input.name})`,
          detail: { name: input.name, isAdmin: input.isAdmin === true },
        },
        now,
      ),
    ]);
    return toAdminUserView(row!);
  } catch (error) {
    const message = databaseErrorMessage(error);
    if (message.includes("users.name")) throw new ApiError("user_name_taken", `The name '${input.name}' is taken.`);
    if (message.includes("users.email")) throw new ApiError("user_email_taken", "That email belongs to another user.");
    throw error;
  }
}

/**
 * Grants or revokes admin, disables or enables a user; one audit row per field that changed, in the same batch.
 * Disabling ends the user's sessions (their tokens are refused while disabled, and work again once enabled; their
 * picks stay); losing admin ends their status-page sessions.
 */
export async function updateUser(
  db: Database,
  userId: number,
  change: { isAdmin?: boolean; disabled?: boolean },
  by: AuditActor,
  now: Date,
): Promise<AdminUserView> {
  const before = await findUserRow(db, userId);
  const wasAdmin = before.isAdmin === 1;
  const wasDisabled = before.disabledAt !== null;
  const adminChanges = change.isAdmin !== undefined && change.isAdmin !== wasAdmin;
  const disabledChanges = change.disabled !== undefined && change.disabled !== wasDisabled;
  if (!adminChanges && !disabledChanges) return toAdminUserView(before);

  const set: Partial<typeof users.$inferInsert> = {};
  const statements = [];
  if (adminChanges) {
    set.isAdmin = change.isAdmin ? 1 : 0;
    statements.push(auditStatement(db, by, { action: change.isAdmin ? "user.admin_granted" : "user.admin_revoked", targetUserId: userId }, now));
    if (!change.isAdmin) statements.push(revokeUserSessionsStatement(db, userId, now, "status"));
  }
  if (disabledChanges) {
    set.disabledAt = change.disabled ? nowIso(now) : null;
    set.disabledBy = change.disabled ? by.actor : null;
    statements.push(auditStatement(db, by, { action: change.disabled ? "user.disabled" : "user.enabled", targetUserId: userId }, now));
    if (change.disabled) statements.push(revokeUserSessionsStatement(db, userId, now));
  }
  const [[row]] = await db.batch([db.update(users).set(set).where(eq(users.id, userId)).returning(), ...statements]);
  return toAdminUserView(row!);
}

export interface TokenView {
  id: number;
  userId: number;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  /** When it stops working by itself; null: never. */
  expiresAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
}

const tokenColumns = {
  id: apiTokens.id,
  userId: apiTokens.userId,
  name: apiTokens.name,
  prefix: apiTokens.tokenPrefix,
  createdAt: apiTokens.createdAt,
  lastUsedAt: apiTokens.lastUsedAt,
  expiresAt: apiTokens.expiresAt,
  revokedAt: apiTokens.revokedAt,
  revokedBy: apiTokens.revokedBy,
};

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Issues a token; the returned `token` is the only time it is ever shown. `audit`: issued by the operator for a user
 * (a user's own tokens are not an admin action; `createdBy` names who made them).
 */
export async function issueToken(
  db: Database,
  input: { userId: number; name: string; createdBy: string; expiresInDays?: number; audit?: AuditActor },
  now: Date,
) {
  await findUserRow(db, input.userId);
  const token = generateToken();
  const tokenHash = await sha256Hex(token);
  const expiresAt = input.expiresInDays === undefined ? null : nowIso(new Date(now.getTime() + input.expiresInDays * DAY_MS));
  const insert = db
    .insert(apiTokens)
    .values({
      userId: input.userId,
      name: input.name,
      tokenHash,
      tokenPrefix: token.slice(0, 10),
      createdAt: nowIso(now),
      createdBy: input.createdBy,
      expiresAt,
    })
    .returning(tokenColumns);
  const [[row]] = input.audit
    ? await db.batch([
        insert,
        auditStatement(
          db,
          input.audit,
          {
            action: "token.issued",
            targetUserId: input.userId,
            targetTokenId: sql`(SELECT ${apiTokens.id} FROM ${apiTokens} WHERE ${apiTokens.tokenHash} = ${tokenHash})`,
            detail: { name: input.name, expiresAt },
          },
          now,
        ),
      ])
    : [await insert];
  return { ...row!, token };
}

/** A user's tokens, newest first, in one read (the user as an id, or as SQL naming the caller: src/http/auth.ts). */
export async function listTokens(db: Database, user: number | SQL): Promise<TokenView[]> {
  const read = await readTogether(db, { tokens: db.select(tokenColumns).from(apiTokens).where(eq(apiTokens.userId, user)).orderBy(desc(apiTokens.id)) });
  return read.tokens;
}

/**
 * Revokes one of a user's tokens (by the user, or by an admin: then audited) and ends the user's status-page
 * sessions, which the session row does not tie to the token that opened them. Revoking twice is harmless and keeps
 * the first revocation.
 */
export async function revokeToken(
  db: Database,
  input: { userId: number; tokenId: number; revokedBy: string; audit?: AuditActor },
  now: Date,
): Promise<TokenView> {
  const [existing] = await db
    .select(tokenColumns)
    .from(apiTokens)
    .where(and(eq(apiTokens.id, input.tokenId), eq(apiTokens.userId, input.userId)));
  if (!existing) {
    throw new ApiError("token_not_found", input.audit ? `No token ${input.tokenId} of user ${input.userId}.` : `No token ${input.tokenId} of yours.`);
  }
  if (existing.revokedAt !== null) return existing;
  const [[revoked]] = await db.batch([
    db
      .update(apiTokens)
      .set({ revokedAt: nowIso(now), revokedBy: input.revokedBy })
      .where(and(eq(apiTokens.id, input.tokenId), isNull(apiTokens.revokedAt)))
      .returning(tokenColumns),
    revokeUserSessionsStatement(db, input.userId, now, "status"),
    ...(input.audit
      ? [auditStatement(db, input.audit, { action: "token.revoked", targetUserId: input.userId, targetTokenId: input.tokenId, detail: { name: existing.name } }, now)]
      : []),
  ]);
  return revoked ?? existing;
}
