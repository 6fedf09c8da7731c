/**
 * Invites (table `invites`): to a league, or the operator's invite to create an account (league_id NULL).
 *
 * A code is never stored. It is derived: the first 22 base64url characters (132 bits) of an HMAC-SHA256 under
 * SESSION_SECRET (purpose 'invite', so no other signed value is one) over the row's random nonce; the row keeps the
 * code's SHA-256 to be found by. So reading the database is not enough to join, the league page can show its link again,
 * and accepting needs no secret at all. Rotating SESSION_SECRET leaves the links given out working, but the API can no
 * longer show them (code null): rotate the league's invite for a new one. The nonce, not the row id, is what is signed:
 * the code's hash is written by the INSERT that makes the row, before the id exists.
 *
 * Accepting is one atomic batch whose every statement carries the same condition, "this invite is still open" (not
 * revoked, not expired, uses < max_uses), judged before the last statement counts the use: either the account, the
 * membership, the token and the counted use are all written, or nothing is. D1 runs batches one at a time, so two
 * accepts racing for the last use are one 201 and one 410.
 */
import { and, desc, eq, isNull, sql, type SQL } from "drizzle-orm";
import { d1Statement } from "../db/client";
import { adminAudit, invites, leagueMembers, leagues, users } from "../db/schema";
import type { Database } from "../env";
import { ApiError } from "../http/errors";
import { nowIso } from "../lib/clock";
import { randomSecret, sha256Hex, signValue } from "../lib/crypto";
import { accountStatements, nameTakenOr, type NewAccount } from "./accounts";
import type { AuditActor } from "./audit";
import { databaseErrorMessage } from "./db-errors";
import { getUser, type UserView } from "./users";

const INVITE_SIGNING_PURPOSE = "invite";
/** 22 base64url characters: 132 bits of the HMAC, far beyond guessing (the issue asks for at least 64). */
const CODE_LENGTH = 22;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Invites listed at most (newest first); a league or an operator with more has rotated a great many times. */
const INVITE_LIST_LIMIT = 200;

export const INVITE_STATUSES = ["open", "expired", "used_up", "revoked"] as const;
export type InviteStatus = (typeof INVITE_STATUSES)[number];

export type InviteRow = typeof invites.$inferSelect;

export interface InviteView {
  id: number;
  /** null: the operator's invite to create an account. */
  leagueId: number | null;
  /** null when it can no longer be shown (SESSION_SECRET rotated since it was made): rotate for a new one. */
  code: string | null;
  url: string | null;
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  maxUses: number | null;
  uses: number;
  revokedAt: string | null;
  status: InviteStatus;
}

/** What a person about to accept sees: the league they join (null: the invite only creates an account). */
export interface InviteDescription {
  league: LeagueSummary | null;
  expiresAt: string | null;
  /** null: no use limit. */
  usesLeft: number | null;
}

export interface LeagueSummary {
  id: number;
  name: string;
  commissioner: { id: number; name: string };
  memberCount: number;
}

export interface AcceptedInvite {
  user: UserView;
  /** The new account's personal token; null when a signed-in user joined. */
  token: NewAccount["token"] | null;
  league: LeagueSummary | null;
}

export interface InviteOptions {
  expiresInDays?: number;
  maxUses?: number;
}

function signingSecret(secret: string | undefined): string {
  if (!secret) throw new ApiError("server_misconfigured", "Invite links cannot be made: the server's SESSION_SECRET is not set (docs/runbook.md).");
  return secret;
}

/** The code of the invite with this nonce, under this secret. */
export async function inviteCodeOf(secret: string, nonce: string): Promise<string> {
  const signed = await signValue(secret, INVITE_SIGNING_PURPOSE, nonce);
  return signed.slice(signed.lastIndexOf(".") + 1).slice(0, CODE_LENGTH);
}

/** The link a person opens: the web app's join page. */
export function inviteUrl(origin: string, code: string): string {
  return `${origin}/join/${code}`;
}

/** An invite's state at `now`; the SQL twin of "open" is `inviteIsOpen`. */
export function inviteStatus(row: Pick<InviteRow, "revokedAt" | "expiresAt" | "maxUses" | "uses">, now: Date): InviteStatus {
  if (row.revokedAt !== null) return "revoked";
  if (row.maxUses !== null && row.uses >= row.maxUses) return "used_up";
  if (row.expiresAt !== null && row.expiresAt <= nowIso(now)) return "expired";
  return "open";
}

/** The `invites` row in scope is open at `now`: the SQL of inviteStatus(row, now) === "open". */
export function inviteIsOpen(now: Date) {
  return sql`(${invites.revokedAt} IS NULL AND (${invites.expiresAt} IS NULL OR ${invites.expiresAt} > ${nowIso(now)})
    AND (${invites.maxUses} IS NULL OR ${invites.uses} < ${invites.maxUses}))`;
}

/** Invite `inviteId` is still open at `now`, as a condition for every statement of a batch that uses it. */
function inviteStillOpen(inviteId: number, now: Date) {
  return sql`EXISTS (SELECT 1 FROM ${invites} WHERE ${invites.id} = ${inviteId} AND ${inviteIsOpen(now)})`;
}

const GONE_MESSAGES: Record<Exclude<InviteStatus, "open">, string> = {
  expired: "This invite has expired: ask for a new link.",
  used_up: "This invite has been used as many times as it allows: ask for a new link.",
  revoked: "This invite was revoked: ask for a new link.",
};

function goneError(status: Exclude<InviteStatus, "open">): ApiError {
  return new ApiError("invite_gone", GONE_MESSAGES[status], { reason: status });
}

export async function toInviteView(row: InviteRow, secret: string | undefined, origin: string, now: Date): Promise<InviteView> {
  let code: string | null = secret ? await inviteCodeOf(secret, row.nonce) : null;
  if (code !== null && (await sha256Hex(code)) !== row.codeHash) code = null;
  return {
    id: row.id,
    leagueId: row.leagueId,
    code,
    url: code === null ? null : inviteUrl(origin, code),
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    maxUses: row.maxUses,
    uses: row.uses,
    revokedAt: row.revokedAt,
    status: inviteStatus(row, now),
  };
}

/** A new invite's row (its code derived from a fresh nonce), for an INSERT of the caller's batch. */
export async function newInviteValues(
  secret: string | undefined,
  input: InviteOptions & { leagueId: number | null; createdBy: string },
  now: Date,
): Promise<typeof invites.$inferInsert> {
  const nonce = randomSecret(16);
  const code = await inviteCodeOf(signingSecret(secret), nonce);
  return {
    leagueId: input.leagueId,
    codeHash: await sha256Hex(code),
    nonce,
    createdBy: input.createdBy,
    createdAt: nowIso(now),
    expiresAt: input.expiresInDays === undefined ? null : nowIso(new Date(now.getTime() + input.expiresInDays * DAY_MS)),
    maxUses: input.maxUses ?? null,
  };
}

async function findInviteByCode(db: Database, code: string): Promise<InviteRow> {
  const [row] = await db.select().from(invites).where(eq(invites.codeHash, await sha256Hex(code)));
  if (!row) throw new ApiError("invite_not_found", "No invite has this code: check the link.");
  return row;
}

/** The invite of a code, open at `now`: 404 invite_not_found, or 410 invite_gone with details.reason. */
async function findOpenInvite(db: Database, code: string, now: Date): Promise<InviteRow> {
  const row = await findInviteByCode(db, code);
  const status = inviteStatus(row, now);
  if (status !== "open") throw goneError(status);
  return row;
}

/** The summaries of the leagues `which` selects (SQL on `leagues`), as leagueSummariesOf reads them. */
export function leagueSummariesQuery(db: Database, which: SQL) {
  return db
    .select({
      id: leagues.id,
      name: leagues.name,
      commissionerId: leagues.commissionerId,
      // Aliased: a batch reads rows by column name, and the league's is "name" too (src/db/client.ts readTogether).
      commissionerName: sql<string>`${users.name}`.as("commissioner_name"),
      memberCount: sql<number>`(SELECT count(*) FROM ${leagueMembers} m WHERE m.league_id = ${leagues.id})`,
    })
    .from(leagues)
    .innerJoin(users, eq(users.id, leagues.commissionerId))
    .where(which);
}

export function leagueSummariesOf(rows: Awaited<ReturnType<typeof leagueSummariesQuery>>): Map<number, LeagueSummary> {
  return new Map(
    rows.map((r) => [r.id, { id: r.id, name: r.name, commissioner: { id: r.commissionerId, name: r.commissionerName }, memberCount: r.memberCount }]),
  );
}

/** Name, commissioner and member count of a league: what an invitee sees, and what a league's lists show. */
export async function leagueSummaries(db: Database, leagueIds: number[]): Promise<Map<number, LeagueSummary>> {
  if (leagueIds.length === 0) return new Map();
  return leagueSummariesOf(await leagueSummariesQuery(db, sql`${leagues.id} IN (SELECT value FROM json_each(${JSON.stringify(leagueIds)}))`));
}

async function leagueSummary(db: Database, leagueId: number): Promise<LeagueSummary> {
  const summary = (await leagueSummaries(db, [leagueId])).get(leagueId);
  if (!summary) throw new ApiError("league_not_found", `No league ${leagueId}.`);
  return summary;
}

/** GET /v1/invites/{code}: anyone holding the link may see what it leads to. */
export async function describeInvite(db: Database, code: string, now: Date): Promise<InviteDescription> {
  const row = await findOpenInvite(db, code, now);
  return {
    league: row.leagueId === null ? null : await leagueSummary(db, row.leagueId),
    expiresAt: row.expiresAt,
    usesLeft: row.maxUses === null ? null : row.maxUses - row.uses,
  };
}

/**
 * Accepts an invite. Anonymous (`userId` null): creates the account (`name`, its personal token) and, for a league's
 * invite, the membership, and counts the use, in one batch held to the invite still being open. Signed in: joins the
 * league (409 already_member), counting the use in the same batch; the operator's sign-up invite has nothing to give a
 * signed-in user (409 already_has_account).
 */
export async function acceptInvite(
  db: Database,
  input: { code: string; userId: number | null; name?: string },
  now: Date,
): Promise<AcceptedInvite> {
  const invite = await findOpenInvite(db, input.code, now);
  const stillOpen = inviteStillOpen(invite.id, now);
  // Last in every batch: the statements before it are judged by the same state of the invite.
  const countUse = d1Statement(db, sql`UPDATE invites SET uses = uses + 1 WHERE id = ${invite.id} AND ${stillOpen}`);

  if (input.userId !== null) {
    const userId = input.userId;
    if (invite.leagueId === null) {
      throw new ApiError("already_has_account", "You have an account already: this invite only creates accounts.");
    }
    const [member] = await db
      .select({ userId: leagueMembers.userId })
      .from(leagueMembers)
      .where(and(eq(leagueMembers.leagueId, invite.leagueId), eq(leagueMembers.userId, userId)));
    if (member) throw new ApiError("already_member", "You are a member of this league already.");
    const [joined] = await db.$client
      .batch([
        d1Statement(
          db,
          sql`INSERT INTO league_members (league_id, user_id, joined_at) SELECT ${invite.leagueId}, ${userId}, ${nowIso(now)} WHERE ${stillOpen}`,
        ),
        countUse,
      ])
      .catch((error: unknown) => {
        // Two accepts by the same user at once: the second meets the first's row.
        if (databaseErrorMessage(error).includes("league_members.")) throw new ApiError("already_member", "You are a member of this league already.");
        throw error;
      });
    if (joined!.meta.changes === 0) throw await closedSinceRead(db, invite.id, now);
    return { user: await getUser(db, userId), token: null, league: await leagueSummary(db, invite.leagueId) };
  }

  const name = input.name;
  if (name === undefined) {
    throw new ApiError("validation_failed", "Choose a display name to create your account.", [{ field: "body.name", problem: "Required without a token" }]);
  }
  const account = await accountStatements(db, { name, createdBy: `invite:${invite.id}`, onlyIf: stillOpen }, now);
  const membership = d1Statement(
    db,
    sql`INSERT INTO league_members (league_id, user_id, joined_at)
      SELECT i.league_id, u.id, ${nowIso(now)} FROM invites i JOIN users u ON u.name = ${name}
      WHERE i.id = ${invite.id} AND i.league_id IS NOT NULL AND ${stillOpen}`,
  );
  const [userResult, , tokenResult] = await db.$client
    .batch([account.user, membership, account.personalToken, countUse])
    .catch((error: unknown) => nameTakenOr(error, name));
  const made = account.readAccount(userResult!, tokenResult!);
  if (!made) throw await closedSinceRead(db, invite.id, now);
  return { user: made.user, token: made.token, league: invite.leagueId === null ? null : await leagueSummary(db, invite.leagueId) };
}

/** The invite closed between the read and the batch (the last use taken by another accept, a rotation): why. */
async function closedSinceRead(db: Database, inviteId: number, now: Date): Promise<ApiError> {
  const [row] = await db.select().from(invites).where(eq(invites.id, inviteId));
  if (!row) return new ApiError("invite_not_found", "No invite has this code: check the link.");
  const status = inviteStatus(row, now);
  return goneError(status === "open" ? "used_up" : status);
}

/** The audit row of an operator's change to a sign-up invite (admin_audit), naming the invite by the batch's own row. */
function inviteAuditStatement(
  db: Database,
  by: AuditActor,
  action: "invite.created" | "invite.revoked",
  codeHash: string,
  detail: { expiresAt: string | null; maxUses: number | null; leagueId: number | null },
  now: Date,
) {
  return db.insert(adminAudit).values({
    at: nowIso(now),
    actor: by.actor,
    action,
    targetUserId: null,
    detail: sql`json_object('inviteId', (SELECT id FROM ${invites} WHERE code_hash = ${codeHash}), 'leagueId', ${detail.leagueId},
      'expiresAt', ${detail.expiresAt}, 'maxUses', ${detail.maxUses}, 'credential', ${by.credential})`,
  });
}

/** The operator's invite to create an account (POST /v1/invites), audited in the same batch. */
export async function createSignUpInvite(
  db: Database,
  secret: string | undefined,
  input: InviteOptions & { createdBy: string; audit: AuditActor; origin: string },
  now: Date,
): Promise<InviteView> {
  const values = await newInviteValues(secret, { ...input, leagueId: null }, now);
  const [[row]] = await db.batch([
    db.insert(invites).values(values).returning(),
    inviteAuditStatement(db, input.audit, "invite.created", values.codeHash, { leagueId: null, expiresAt: values.expiresAt ?? null, maxUses: values.maxUses ?? null }, now),
  ]);
  return toInviteView(row!, secret, input.origin, now);
}

/** The operator's sign-up invites, newest first. */
export async function listSignUpInvites(db: Database, secret: string | undefined, origin: string, now: Date): Promise<InviteView[]> {
  const rows = await db.select().from(invites).where(isNull(invites.leagueId)).orderBy(desc(invites.id)).limit(INVITE_LIST_LIMIT);
  return Promise.all(rows.map((row) => toInviteView(row, secret, origin, now)));
}

/** The operator revokes an invite by its code (a sign-up invite, or any league's), audited. Revoking twice keeps the first. */
export async function revokeInviteByCode(
  db: Database,
  secret: string | undefined,
  input: { code: string; audit: AuditActor; origin: string },
  now: Date,
): Promise<InviteView> {
  const row = await findInviteByCode(db, input.code);
  if (row.revokedAt !== null) return toInviteView(row, secret, input.origin, now);
  const [[revoked]] = await db.batch([
    db
      .update(invites)
      .set({ revokedAt: nowIso(now) })
      .where(and(eq(invites.id, row.id), isNull(invites.revokedAt)))
      .returning(),
    inviteAuditStatement(db, input.audit, "invite.revoked", row.codeHash, { leagueId: row.leagueId, expiresAt: row.expiresAt, maxUses: row.maxUses }, now),
  ]);
  return toInviteView(revoked ?? row, secret, input.origin, now);
}
