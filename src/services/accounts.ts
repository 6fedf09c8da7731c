/**
 * Accounts people make themselves, with no admin in the loop: by an invite link (./invites.ts acceptInvite) or, where
 * the operator opened sign-up (the SIGN_UP var is "open"), by POST /v1/accounts. An account is a user, whose name is
 * their display name (unique), and a personal API token, shown once. And what a user decides about their own account
 * (the profile: whether they appear on the global leaderboard).
 */
import { eq, sql, type SQL } from "drizzle-orm";
import { d1Statement, readTogether } from "../db/client";
import { users } from "../db/schema";
import type { Database } from "../env";
import { ApiError } from "../http/errors";
import { nowIso } from "../lib/clock";
import { generateToken, sha256Hex } from "../lib/crypto";
import { databaseErrorMessage } from "./db-errors";
import type { TokenView, UserView } from "./users";

/** The SIGN_UP var: "open" lets anyone create an account; anything else (the default "invite-only") needs an invite. */
export type SignUpMode = "invite-only" | "open";

export function signUpMode(setting: string | undefined): SignUpMode {
  return setting?.trim().toLowerCase() === "open" ? "open" : "invite-only";
}

/** The name a personal token gets when its account is made. */
export const PERSONAL_TOKEN_NAME = "personal";

export interface NewAccount {
  user: UserView;
  /** The personal API token; `token` is the only time it is ever shown. */
  token: TokenView & { token: string };
}

interface UserRow {
  id: number;
  name: string;
  email: string | null;
  isAdmin: number | null;
  createdAt: string | null;
}

/**
 * The statements that make an account, for one D1 batch: the user, then their personal token. `onlyIf` holds both to
 * a condition the rest of the batch shares (an invite still open): when it is false neither writes anything, and
 * `readAccount` finds no account. A taken name fails the batch (UNIQUE users.name), whatever else it holds.
 */
export async function accountStatements(db: Database, input: { name: string; createdBy: string; onlyIf?: SQL }, now: Date) {
  const onlyIf = input.onlyIf ?? sql`1`;
  const at = nowIso(now);
  const token = generateToken();
  const tokenHash = await sha256Hex(token);
  const user = d1Statement(
    db,
    sql`INSERT INTO users (name, created_at) SELECT ${input.name}, ${at} WHERE ${onlyIf}
      RETURNING id, name, email, is_admin AS isAdmin, created_at AS createdAt`,
  );
  // The user is found by name: the statement before made it (else the batch failed, or onlyIf is false here too).
  const personalToken = d1Statement(
    db,
    sql`INSERT INTO api_tokens (user_id, name, token_hash, token_prefix, created_at, created_by)
      SELECT u.id, ${PERSONAL_TOKEN_NAME}, ${tokenHash}, ${token.slice(0, 10)}, ${at}, ${input.createdBy} FROM users u
      WHERE u.name = ${input.name} AND ${onlyIf}
      RETURNING id, user_id AS userId, name, token_prefix AS prefix, created_at AS createdAt, last_used_at AS lastUsedAt,
        expires_at AS expiresAt, revoked_at AS revokedAt, revoked_by AS revokedBy`,
  );
  return {
    user,
    personalToken,
    /** The account from the batch's results of the two statements, or null when `onlyIf` held them back. */
    readAccount(userResult: D1Result, tokenResult: D1Result): NewAccount | null {
      const row = userResult.results[0] as UserRow | undefined;
      const tokenRow = tokenResult.results[0] as TokenView | undefined;
      if (!row || !tokenRow) return null;
      return { user: { ...row, isAdmin: row.isAdmin === 1 }, token: { ...tokenRow, token } };
    },
  };
}

/** A taken display name is the caller's to fix: 409 user_name_taken; any other failure is rethrown. */
export function nameTakenOr(error: unknown, name: string): never {
  if (databaseErrorMessage(error).includes("users.name")) {
    throw new ApiError("user_name_taken", `The name '${name}' is taken: choose another.`, { field: "body.name" });
  }
  throw error;
}

/** Open sign-up (POST /v1/accounts): 403 sign_up_closed unless the operator set SIGN_UP to "open". */
export async function createAccount(db: Database, input: { name: string; signUp: SignUpMode }, now: Date): Promise<NewAccount> {
  if (input.signUp !== "open") {
    throw new ApiError("sign_up_closed", "Accounts are made by invitation here: open an invite link (POST /v1/invites/{code}/accept).");
  }
  const account = await accountStatements(db, { name: input.name, createdBy: "sign_up" }, now);
  const [userResult, tokenResult] = await db.$client
    .batch([account.user, account.personalToken])
    .catch((error: unknown) => nameTakenOr(error, input.name));
  const made = account.readAccount(userResult!, tokenResult!);
  if (!made) throw new Error(`account ${input.name} was not created`);
  return made;
}

export interface ProfileView {
  id: number;
  name: string;
  /** Whether the user appears on the public global leaderboard (off by default; their own global rank is theirs either way). */
  onGlobalBoard: boolean;
}

export async function getProfile(db: Database, userId: number): Promise<ProfileView> {
  const [row] = (await readTogether(db, { user: db.select({ id: users.id, name: users.name, onGlobalBoard: users.onGlobalBoard }).from(users).where(eq(users.id, userId)) })).user;
  if (!row) throw new ApiError("user_not_found", `No user ${userId}.`);
  return { ...row, onGlobalBoard: row.onGlobalBoard === 1 };
}

/** Joins or leaves the global board; the users_global_board trigger (v23) adds or removes their rows of it at once. */
export async function updateProfile(db: Database, userId: number, change: { onGlobalBoard?: boolean }): Promise<ProfileView> {
  if (change.onGlobalBoard !== undefined) {
    await db.update(users).set({ onGlobalBoard: change.onGlobalBoard ? 1 : 0 }).where(eq(users.id, userId));
  }
  return getProfile(db, userId);
}
