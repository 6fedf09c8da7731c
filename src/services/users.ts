import { and, desc, eq, isNull } from "drizzle-orm";
import { apiTokens, users } from "../db/schema";
import type { Database } from "../env";
import { ApiError } from "../http/errors";
import { nowIso } from "../lib/clock";
import { generateToken, sha256Hex } from "../lib/crypto";
import { databaseErrorMessage } from "./db-errors";

export interface UserView {
  id: number;
  name: string;
  email: string | null;
  isAdmin: boolean;
  createdAt: string | null;
}

function toUserView(row: typeof users.$inferSelect): UserView {
  return { id: row.id, name: row.name, email: row.email, isAdmin: row.isAdmin === 1, createdAt: row.createdAt };
}

export async function getUser(db: Database, userId: number): Promise<UserView> {
  const row = await db.query.users.findFirst({ where: eq(users.id, userId) });
  if (!row) throw new ApiError("user_not_found", `No user ${userId}.`);
  return toUserView(row);
}

export async function createUser(db: Database, input: { name: string; email?: string | null; isAdmin?: boolean }, now: Date) {
  try {
    const [row] = await db
      .insert(users)
      .values({ name: input.name, email: input.email ?? null, isAdmin: input.isAdmin ? 1 : 0, createdAt: nowIso(now) })
      .returning();
    return toUserView(row!);
  } catch (error) {
    const message = databaseErrorMessage(error);
    if (message.includes("users.name")) throw new ApiError("user_name_taken", `The name '${input.name}' is taken.`);
    if (message.includes("users.email")) throw new ApiError("user_email_taken", "That email belongs to another user.");
    throw error;
  }
}

export interface TokenView {
  id: number;
  userId: number;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const tokenColumns = {
  id: apiTokens.id,
  userId: apiTokens.userId,
  name: apiTokens.name,
  prefix: apiTokens.tokenPrefix,
  createdAt: apiTokens.createdAt,
  lastUsedAt: apiTokens.lastUsedAt,
  revokedAt: apiTokens.revokedAt,
};

/** Issues a token; the returned `token` is the only time it is ever shown. */
export async function issueToken(db: Database, input: { userId: number; name: string; createdBy: string }, now: Date) {
  await getUser(db, input.userId);
  const token = generateToken();
  const [row] = await db
    .insert(apiTokens)
    .values({
      userId: input.userId,
      name: input.name,
      tokenHash: await sha256Hex(token),
      tokenPrefix: token.slice(0, 10),
      createdAt: nowIso(now),
      createdBy: input.createdBy,
    })
    .returning(tokenColumns);
  return { ...row!, token };
}

export async function listTokens(db: Database, userId: number): Promise<TokenView[]> {
  return db.select(tokenColumns).from(apiTokens).where(eq(apiTokens.userId, userId)).orderBy(desc(apiTokens.id));
}

/** Revokes one of the user's tokens; revoking twice is harmless. */
export async function revokeToken(db: Database, input: { userId: number; tokenId: number }, now: Date): Promise<TokenView> {
  const [existing] = await db
    .select(tokenColumns)
    .from(apiTokens)
    .where(and(eq(apiTokens.id, input.tokenId), eq(apiTokens.userId, input.userId)));
  if (!existing) throw new ApiError("token_not_found", `No token ${input.tokenId} of yours.`);
  const [revoked] = await db
    .update(apiTokens)
    .set({ revokedAt: nowIso(now) })
    .where(and(eq(apiTokens.id, input.tokenId), isNull(apiTokens.revokedAt)))
    .returning(tokenColumns);
  return revoked ?? existing;
}
