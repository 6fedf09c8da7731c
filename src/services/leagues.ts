/**
 * Leagues: any user makes one (and is its commissioner and first member); people join by invite link
 * (./invites.ts). Members see the league, its members, its picks once a game has kicked off, and its boards; the
 * operator (ADMIN_TOKEN) sees every league. The commissioner renames it, sets its ranking and whether members may
 * invite, removes members, hands the role on, and manages its invites. A user's picks are one per game, the same in
 * every league: a league only chooses whose picks it shows.
 */
import { and, asc, desc, eq, gt, isNull, sql, type SQL } from "drizzle-orm";
import { d1Statement, rawRows, readTogether } from "../db/client";
import { games, invites, leagueMembers, leagues, picks, results, users, type LEAGUE_RANKINGS } from "../db/schema";
import { stillOpen } from "./picks";
import type { Database } from "../env";
import { ApiError } from "../http/errors";
import { nowIso } from "../lib/clock";
import {
  inviteIsOpen,
  leagueSummaries,
  leagueSummariesOf,
  leagueSummariesQuery,
  newInviteValues,
  toInviteView,
  type InviteOptions,
  type InviteRow,
  type InviteView,
  type LeagueSummary,
} from "./invites";

export type LeagueRanking = (typeof LEAGUE_RANKINGS)[number];
export type LeagueRow = typeof leagues.$inferSelect;

/** Who reads a league: a user (by id, or as SQL naming the caller: src/http/auth.ts callerUserIdSql), or the operator. */
export type LeagueReader = { kind: "user"; userId: number | SQL } | { kind: "admin_secret" };

export interface ReadableLeague extends LeagueRow {
  readerIsMember: boolean;
  readerIsCommissioner: boolean;
}

/** The other measure breaks ties (wins -> units, units -> wins); members still level share a rank. */
export function tiebreakOf(ranking: LeagueRanking): LeagueRanking {
  return ranking === "wins" ? "units" : "wins";
}

/**
 * The league, for a reader allowed to see its members, picks and boards: its members and the operator. 404
 * league_not_found for an unknown league, 403 for anyone else (an admin user who is no member included: admins play too).
 */
export async function leagueForReader(db: Database, leagueId: number, reader: LeagueReader): Promise<ReadableLeague> {
  const read = await readTogether(db, { league: leagueForReaderQuery(db, leagueId, reader) });
  return readableLeague(read.league, leagueId, reader);
}

function leagueForReaderQuery(db: Database, leagueId: number, reader: LeagueReader) {
  const userId = reader.kind === "user" ? reader.userId : -1;
  return db
    .select({ league: leagues, memberId: leagueMembers.userId, readerIsCommissioner: sql<number>`${leagues.commissionerId} = ${userId}` })
    .from(leagues)
    .leftJoin(leagueMembers, and(eq(leagueMembers.leagueId, leagues.id), eq(leagueMembers.userId, userId)))
    .where(eq(leagues.id, leagueId));
}

function readableLeague(rows: Awaited<ReturnType<typeof leagueForReaderQuery>>, leagueId: number, reader: LeagueReader): ReadableLeague {
  const [row] = rows;
  if (!row) throw new ApiError("league_not_found", `No league ${leagueId}.`);
  const readerIsMember = row.memberId !== null;
  if (!readerIsMember && reader.kind !== "admin_secret") throw new ApiError("forbidden", "Only the league's members can see it.");
  return { ...row.league, readerIsMember, readerIsCommissioner: row.readerIsCommissioner === 1 };
}

/** What a board needs of its league: its ranking and whether its board is mirrored. */
export interface LeagueBoardShape {
  ranking: LeagueRanking;
  boardMaterialized: boolean;
}

/**
 * leagueForReader for a board, as a statement for the request's first read (the caller's authentication rides in the
 * same batch): the league and whether the reader, the user that SQL names (src/http/auth.ts callerUserIdSql; null for
 * the operator), is a member. leagueOfBoardReader says 404 or 403 from its result.
 */
export function leagueBoardReaderStatement(d1: D1Database, leagueId: number, readerUserSql: string | null): D1PreparedStatement {
  return d1
    .prepare(
      `SELECT l.id, l.ranking, l.board_materialized AS boardMaterialized, m.user_id AS memberId
       FROM leagues l LEFT JOIN league_members m ON m.league_id = l.id AND m.user_id = ${readerUserSql ?? "NULL"}
       WHERE l.id = ?1`,
    )
    .bind(leagueId);
}

export function leagueOfBoardReader(result: D1Result, leagueId: number, readerUserSql: string | null): LeagueBoardShape & { id: number } {
  const row = (result.results as { id: number; ranking: LeagueRanking; boardMaterialized: number; memberId: number | null }[])[0];
  if (!row) throw new ApiError("league_not_found", `No league ${leagueId}.`);
  if (row.memberId === null && readerUserSql !== null) throw new ApiError("forbidden", "Only the league's members can see it.");
  return { id: row.id, ranking: row.ranking, boardMaterialized: row.boardMaterialized === 1 };
}

/** The league, for its commissioner only (404 unknown, 403 anyone else). */
async function leagueForCommissioner(db: Database, leagueId: number, userId: number, what: string): Promise<ReadableLeague> {
  const league = await leagueForReader(db, leagueId, { kind: "user", userId });
  if (!league.readerIsCommissioner) throw new ApiError("forbidden", `Only the league's commissioner can ${what}.`);
  return league;
}

/** Who makes invites: the commissioner, and every member while members may invite. */
function mayInvite(league: ReadableLeague): boolean {
  return league.readerIsCommissioner || (league.readerIsMember && league.membersMayInvite === 1);
}

export interface LeagueView {
  id: number;
  name: string;
  commissioner: { id: number; name: string };
  ranking: LeagueRanking;
  tiebreak: LeagueRanking;
  membersMayInvite: boolean;
  memberCount: number;
  createdAt: string;
  updatedAt: string | null;
  /** What the reader may do here. */
  you: { isMember: boolean; isCommissioner: boolean; mayInvite: boolean };
  /** The newest open invite, for a reader who may invite (and the operator); null otherwise (or when none is open). */
  invite: InviteView | null;
}

/** Where links point and how codes are derived: the route's part of a view with invites. */
export interface InviteLinks {
  secret: string | undefined;
  origin: string;
}

async function toLeagueView(
  league: ReadableLeague,
  summary: LeagueSummary,
  openInvite: InviteRow | undefined,
  reader: LeagueReader,
  links: InviteLinks,
  now: Date,
): Promise<LeagueView> {
  const allowedToInvite = mayInvite(league);
  const invite = allowedToInvite || reader.kind === "admin_secret" ? openInvite : undefined;
  return {
    id: league.id,
    name: league.name,
    commissioner: summary.commissioner,
    ranking: league.ranking as LeagueRanking,
    tiebreak: tiebreakOf(league.ranking as LeagueRanking),
    membersMayInvite: league.membersMayInvite === 1,
    memberCount: summary.memberCount,
    createdAt: league.createdAt,
    updatedAt: league.updatedAt,
    you: { isMember: league.readerIsMember, isCommissioner: league.readerIsCommissioner, mayInvite: allowedToInvite },
    invite: invite ? await toInviteView(invite, links.secret, links.origin, now) : null,
  };
}

/**
 * Makes a league, its commissioner its first member, and its first invite (no limit, no expiry), in one batch. The
 * league's id is known only inside the batch: the invite takes last_insert_rowid() right after the league's INSERT, and
 * the membership reads it from the invite (found by its unique code hash).
 */
export async function createLeague(
  db: Database,
  input: { userId: number; name: string; ranking: LeagueRanking; membersMayInvite: boolean; links: InviteLinks },
  now: Date,
): Promise<LeagueView> {
  const invite = await newInviteValues(input.links.secret, { leagueId: null, createdBy: `user:${input.userId}` }, now);
  const at = nowIso(now);
  const [created] = await db.$client.batch<{ id: number }>([
    d1Statement(
      db,
      sql`INSERT INTO leagues (name, commissioner_id, ranking, members_may_invite, created_at)
        VALUES (${input.name}, ${input.userId}, ${input.ranking}, ${input.membersMayInvite ? 1 : 0}, ${at}) RETURNING id`,
    ),
    d1Statement(
      db,
      sql`INSERT INTO invites (league_id, code_hash, nonce, created_by, created_at, expires_at, max_uses)
        VALUES (last_insert_rowid(), ${invite.codeHash}, ${invite.nonce}, ${invite.createdBy}, ${invite.createdAt}, NULL, NULL)`,
    ),
    d1Statement(
      db,
      sql`INSERT INTO league_members (league_id, user_id, joined_at)
        SELECT league_id, ${input.userId}, ${at} FROM invites WHERE code_hash = ${invite.codeHash}`,
    ),
  ]);
  return getLeague(db, created!.results[0]!.id, { kind: "user", userId: input.userId }, input.links, now);
}

export interface MyLeagueView extends LeagueSummary {
  ranking: LeagueRanking;
  isCommissioner: boolean;
  joinedAt: string;
}

/** The leagues a user belongs to, in the order they joined them (the user as an id, or SQL naming the caller), in one read. */
export async function listMyLeagues(db: Database, user: number | SQL): Promise<MyLeagueView[]> {
  const read = await readTogether(db, {
    memberships: db
      .select({
        leagueId: leagueMembers.leagueId,
        joinedAt: leagueMembers.joinedAt,
        ranking: leagues.ranking,
        isCommissioner: sql<number>`${leagues.commissionerId} = ${leagueMembers.userId}`,
      })
      .from(leagueMembers)
      .innerJoin(leagues, eq(leagues.id, leagueMembers.leagueId))
      .where(eq(leagueMembers.userId, user))
      .orderBy(asc(leagueMembers.joinedAt), asc(leagueMembers.leagueId)),
    summaries: leagueSummariesQuery(db, sql`${leagues.id} IN (SELECT league_id FROM ${leagueMembers} WHERE user_id = ${user})`),
  });
  const summaries = leagueSummariesOf(read.summaries);
  return read.memberships.map((m) => ({
    ...summaries.get(m.leagueId)!,
    ranking: m.ranking as LeagueRanking,
    isCommissioner: m.isCommissioner === 1,
    joinedAt: m.joinedAt,
  }));
}

export async function getLeague(db: Database, leagueId: number, reader: LeagueReader, links: InviteLinks, now: Date): Promise<LeagueView> {
  // One read: the league for this reader, its summary and its open invite (shown only to those who may invite).
  const read = await readTogether(db, {
    league: leagueForReaderQuery(db, leagueId, reader),
    summary: leagueSummariesQuery(db, eq(leagues.id, leagueId)),
    invite: db
      .select()
      .from(invites)
      .where(and(eq(invites.leagueId, leagueId), inviteIsOpen(now)))
      .orderBy(desc(invites.id))
      .limit(1),
  });
  const league = readableLeague(read.league, leagueId, reader);
  return toLeagueView(league, leagueSummariesOf(read.summary).get(leagueId)!, read.invite[0], reader, links, now);
}

/** The commissioner renames the league, sets its ranking, or whether members may invite. */
export async function updateLeague(
  db: Database,
  input: { leagueId: number; userId: number; name?: string; ranking?: LeagueRanking; membersMayInvite?: boolean; links: InviteLinks },
  now: Date,
): Promise<LeagueView> {
  await leagueForCommissioner(db, input.leagueId, input.userId, "change its settings");
  const [updated] = await db
    .update(leagues)
    .set({
      ...(input.name === undefined ? {} : { name: input.name }),
      ...(input.ranking === undefined ? {} : { ranking: input.ranking }),
      ...(input.membersMayInvite === undefined ? {} : { membersMayInvite: input.membersMayInvite ? 1 : 0 }),
      updatedAt: nowIso(now),
    })
    // Still the commissioner when the change lands (not handed on in between).
    .where(and(eq(leagues.id, input.leagueId), eq(leagues.commissionerId, input.userId)))
    .returning();
  if (!updated) throw new ApiError("forbidden", "Only the league's commissioner can change its settings.");
  return getLeague(db, input.leagueId, { kind: "user", userId: input.userId }, input.links, now);
}

export interface MemberView {
  userId: number;
  name: string;
  joinedAt: string;
  isCommissioner: boolean;
}

/** A page of members by user id (`after`: the previous page's nextAfter). */
export async function listMembers(
  db: Database,
  input: { leagueId: number; reader: LeagueReader; after?: number; limit: number },
): Promise<{ members: MemberView[]; nextAfter: number | null }> {
  const read = await readTogether(db, {
    league: leagueForReaderQuery(db, input.leagueId, input.reader),
    members: db
      .select({ userId: leagueMembers.userId, name: users.name, joinedAt: leagueMembers.joinedAt })
      .from(leagueMembers)
      .innerJoin(users, eq(users.id, leagueMembers.userId))
      .where(and(eq(leagueMembers.leagueId, input.leagueId), input.after === undefined ? undefined : gt(leagueMembers.userId, input.after)))
      .orderBy(asc(leagueMembers.userId))
      .limit(input.limit + 1),
  });
  // The members are kept only for a reader allowed to see them.
  const league = readableLeague(read.league, input.leagueId, input.reader);
  const rows = read.members;
  const page = rows.slice(0, input.limit);
  return {
    members: page.map((row) => ({ ...row, isCommissioner: row.userId === league.commissionerId })),
    nextAfter: rows.length > input.limit ? page[page.length - 1]!.userId : null,
  };
}

function commissionerMustTransfer(): ApiError {
  return new ApiError("commissioner_must_transfer", "The commissioner cannot leave the league: hand the role to another member first (POST /v1/leagues/{id}/commissioner).");
}

/** A member leaves; the commissioner first hands the role on (409). Their picks stay theirs; the league stops showing them. */
export async function leaveLeague(db: Database, leagueId: number, userId: number): Promise<void> {
  const league = await leagueForReader(db, leagueId, { kind: "user", userId });
  if (league.readerIsCommissioner) throw commissionerMustTransfer();
  const left = await db
    .delete(leagueMembers)
    .where(
      and(
        eq(leagueMembers.leagueId, leagueId),
        eq(leagueMembers.userId, userId),
        // Not made commissioner in the meantime: a league always keeps its commissioner as a member.
        sql`NOT EXISTS (SELECT 1 FROM ${leagues} WHERE ${leagues.id} = ${leagueId} AND ${leagues.commissionerId} = ${userId})`,
      ),
    )
    .returning({ userId: leagueMembers.userId });
  if (left.length === 0) throw commissionerMustTransfer();
}

/** The commissioner removes a member. Invite links they hold still work: rotate the league's invite to end them. */
export async function removeMember(db: Database, input: { leagueId: number; userId: number; memberId: number }): Promise<void> {
  await leagueForCommissioner(db, input.leagueId, input.userId, "remove members");
  if (input.memberId === input.userId) throw commissionerMustTransfer();
  const removed = await db
    .delete(leagueMembers)
    .where(
      and(
        eq(leagueMembers.leagueId, input.leagueId),
        eq(leagueMembers.userId, input.memberId),
        sql`EXISTS (SELECT 1 FROM ${leagues} WHERE ${leagues.id} = ${input.leagueId} AND ${leagues.commissionerId} = ${input.userId})`,
      ),
    )
    .returning({ userId: leagueMembers.userId });
  if (removed.length === 0) throw new ApiError("member_not_found", `User ${input.memberId} is not a member of this league.`);
}

/** The commissioner hands the role to another member (who must be one: 404 member_not_found). */
export async function transferCommissioner(
  db: Database,
  input: { leagueId: number; userId: number; newCommissionerId: number; links: InviteLinks },
  now: Date,
): Promise<LeagueView> {
  await leagueForCommissioner(db, input.leagueId, input.userId, "hand the role on");
  const [moved] = await db
    .update(leagues)
    .set({ commissionerId: input.newCommissionerId, updatedAt: nowIso(now) })
    .where(
      and(
        eq(leagues.id, input.leagueId),
        eq(leagues.commissionerId, input.userId),
        sql`EXISTS (SELECT 1 FROM ${leagueMembers} m WHERE m.league_id = ${input.leagueId} AND m.user_id = ${input.newCommissionerId})`,
      ),
    )
    .returning({ id: leagues.id });
  if (!moved) throw new ApiError("member_not_found", `User ${input.newCommissionerId} is not a member of this league.`);
  return getLeague(db, input.leagueId, { kind: "user", userId: input.userId }, input.links, now);
}

/** A new invite to the league: by its commissioner, or by any member while members may invite. */
export async function createLeagueInvite(
  db: Database,
  input: InviteOptions & { leagueId: number; userId: number; links: InviteLinks },
  now: Date,
): Promise<InviteView> {
  const reader: LeagueReader = { kind: "user", userId: input.userId };
  const league = await leagueForReader(db, input.leagueId, reader);
  if (!mayInvite(league)) throw new ApiError("forbidden", "Only the commissioner invites to this league (members may not).");
  const values = await newInviteValues(input.links.secret, { ...input, createdBy: `user:${input.userId}` }, now);
  const [row] = await db.insert(invites).values(values).returning();
  return toInviteView(row!, input.links.secret, input.links.origin, now);
}

/** Every invite of the league, newest first (its commissioner, or the operator). */
export async function listLeagueInvites(db: Database, input: { leagueId: number; reader: LeagueReader; links: InviteLinks }, now: Date): Promise<InviteView[]> {
  const read = await readTogether(db, {
    league: leagueForReaderQuery(db, input.leagueId, input.reader),
    invites: db.select().from(invites).where(eq(invites.leagueId, input.leagueId)).orderBy(desc(invites.id)).limit(200),
  });
  const league = readableLeague(read.league, input.leagueId, input.reader);
  if (input.reader.kind !== "admin_secret" && !league.readerIsCommissioner) throw new ApiError("forbidden", "Only the league's commissioner can list its invites.");
  const rows = read.invites;
  return Promise.all(rows.map((row) => toInviteView(row, input.links.secret, input.links.origin, now)));
}

/** The commissioner ends every open invite of the league (old links answer 410) and gets a new one, in one batch. */
export async function rotateLeagueInvite(
  db: Database,
  input: InviteOptions & { leagueId: number; userId: number; links: InviteLinks },
  now: Date,
): Promise<InviteView> {
  await leagueForCommissioner(db, input.leagueId, input.userId, "rotate its invite");
  const values = await newInviteValues(input.links.secret, { ...input, createdBy: `user:${input.userId}` }, now);
  const [, [row]] = await db.batch([
    db
      .update(invites)
      .set({ revokedAt: nowIso(now) })
      .where(and(eq(invites.leagueId, input.leagueId), inviteIsOpen(now))),
    db.insert(invites).values(values).returning(),
  ]);
  return toInviteView(row!, input.links.secret, input.links.origin, now);
}

/** Revokes one invite of the league: its commissioner, or the member who made it. Revoking twice keeps the first. */
export async function revokeLeagueInvite(
  db: Database,
  input: { leagueId: number; inviteId: number; userId: number; links: InviteLinks },
  now: Date,
): Promise<InviteView> {
  const league = await leagueForReader(db, input.leagueId, { kind: "user", userId: input.userId });
  const [row] = await db
    .select()
    .from(invites)
    .where(and(eq(invites.id, input.inviteId), eq(invites.leagueId, league.id)));
  if (!row) throw new ApiError("invite_not_found", `No invite ${input.inviteId} in this league.`);
  if (!league.readerIsCommissioner && row.createdBy !== `user:${input.userId}`) {
    throw new ApiError("forbidden", "Only the league's commissioner, or the member who made it, can revoke an invite.");
  }
  if (row.revokedAt !== null) return toInviteView(row, input.links.secret, input.links.origin, now);
  const [revoked] = await db
    .update(invites)
    .set({ revokedAt: nowIso(now) })
    .where(and(eq(invites.id, row.id), isNull(invites.revokedAt)))
    .returning();
  return toInviteView(revoked ?? row, input.links.secret, input.links.origin, now);
}

export interface LeaguePickView {
  userId: number;
  name: string;
  playerId: string | null;
  playerName: string;
  team: string | null;
  position: string | null;
  americanOdds: number | null;
  decimalOdds: number | null;
  outcome: "win" | "loss" | "void" | null;
  units: number | null;
}

export interface LeagueGamePicks {
  gameId: string;
  kickoffAt: string | null;
  /** true from kickoff on: then `picks` lists every member's pick; before, only how many members have picked. */
  locked: boolean;
  memberCount: number;
  pickedCount: number;
  picks: LeaguePickView[] | null;
}

/**
 * The league's picks in a game. Before kickoff, who picked what stays private (a member could otherwise copy or fade
 * another's pick): only how many members have picked. From kickoff on, every member's pick with its result.
 */
export async function leagueGamePicks(
  db: Database,
  input: { leagueId: number; gameId: string; reader: LeagueReader },
): Promise<LeagueGamePicks> {
  // The lock is the database's, as for making a pick (its clock, in the statement that reads the game); the picks are
  // read only when it holds, so that a request before kickoff reads none of them.
  const open = stillOpen(input.gameId);
  const read = await readTogether(db, {
    league: leagueForReaderQuery(db, input.leagueId, input.reader),
    game: db.select({ id: games.id, kickoffAt: games.kickoffAt, open: sql<number>`${open}` }).from(games).where(eq(games.id, input.gameId)),
    counts: db
      .select({ memberCount: sql<number>`count(*)`, pickedCount: sql<number>`count(${picks.id})` })
      .from(leagueMembers)
      .leftJoin(picks, and(eq(picks.userId, leagueMembers.userId), eq(picks.gameId, input.gameId)))
      .where(eq(leagueMembers.leagueId, input.leagueId)),
    picks: db
      .select({
        userId: picks.userId,
        name: users.name,
        playerId: picks.playerId,
        playerName: picks.playerName,
        team: picks.team,
        position: picks.position,
        americanOdds: picks.americanOdds,
        decimalOdds: picks.decimalOdds,
        outcome: results.outcome,
        profitCu: results.profitCu,
      })
      .from(leagueMembers)
      .innerJoin(picks, and(eq(picks.userId, leagueMembers.userId), eq(picks.gameId, input.gameId)))
      .innerJoin(users, eq(users.id, picks.userId))
      .leftJoin(results, eq(results.pickId, picks.id))
      .where(and(eq(leagueMembers.leagueId, input.leagueId), sql`NOT ${open}`))
      .orderBy(asc(users.name)),
  });
  readableLeague(read.league, input.leagueId, input.reader);
  const [game] = read.game;
  if (!game) throw new ApiError("game_not_found", `No game ${input.gameId}.`);
  const { memberCount, pickedCount } = read.counts[0]!;
  const base = { gameId: game.id, kickoffAt: game.kickoffAt, locked: !game.open, memberCount, pickedCount };
  if (game.open) return { ...base, picks: null };
  return {
    ...base,
    picks: read.picks.map(({ profitCu, outcome, ...row }) => ({
      ...row,
      outcome: outcome as LeaguePickView["outcome"],
      units: profitCu === null ? null : profitCu / 100,
    })),
  };
}

/**
 * Before a commissioner's sign-in link for a member (src/services/sign-in-links.ts): the caller commissions the league,
 * the user is a member of it, and no admin. A link lets its holder act as the member; an admin's account would give a
 * commissioner the admin's powers, so an admin's link is the operator's alone to issue.
 */
export async function requireCommissionerOfMember(db: Database, input: { leagueId: number; userId: number; memberId: number }): Promise<void> {
  await leagueForCommissioner(db, input.leagueId, input.userId, "issue sign-in links");
  const [member] = await db
    .select({ userId: leagueMembers.userId, isAdmin: users.isAdmin })
    .from(leagueMembers)
    .innerJoin(users, eq(users.id, leagueMembers.userId))
    .where(and(eq(leagueMembers.leagueId, input.leagueId), eq(leagueMembers.userId, input.memberId)));
  if (!member) throw new ApiError("member_not_found", `User ${input.memberId} is not a member of this league.`);
  if (member.isAdmin === 1) throw new ApiError("forbidden", "This member is an admin: only the operator issues their sign-in links.");
}

export interface LeagueWeekPickCount {
  leagueId: number;
  gameId: string;
  /** How many of the league's members have a pick in the game (who picked what stays private until kickoff). */
  pickedCount: number;
}

/** For each league of the user and each game of a week: how many members have picked, in one read. */
export async function leaguePickCountsInWeek(db: Database, userId: number, season: number, week: number): Promise<LeagueWeekPickCount[]> {
  const read = await readTogether(db, {
    counts: rawRows<LeagueWeekPickCount>(sql`
    SELECT mine.league_id AS leagueId, p.game_id AS gameId, count(*) AS pickedCount
    FROM league_members mine
    JOIN league_members m ON m.league_id = mine.league_id
    JOIN weeks w ON w.season = ${season} AND w.week = ${week}
    JOIN picks p ON p.user_id = m.user_id AND p.week_id = w.id
    WHERE mine.user_id = ${userId}
    GROUP BY mine.league_id, p.game_id`),
  });
  return read.counts;
}
