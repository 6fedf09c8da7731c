import { and, eq, sql, type SQL } from "drizzle-orm";
import { games, picks, players, results, rosters, weeks } from "../db/schema";
import type { PriceBasis } from "../domain/market-prices";
import { freezeOdds, snapshotReadRange, type OddsReason, type PricingSnapshot } from "../domain/odds-freeze";
import { isLocked, rosterProblem, type RosterProblem } from "../domain/picks";
import type { Database } from "../env";
import { ApiError } from "../http/errors";
import { nowIso } from "../lib/clock";
import { rawRows, readTogether } from "../db/client";
import { GAME_OPEN_SQL } from "../db/sql-rules";
import { databaseErrorMessage } from "./db-errors";

const ROSTER_ERRORS: Record<RosterProblem, ApiError> = {
  not_on_roster: new ApiError("player_not_on_roster", "The player is not on the current roster of either team in this game."),
  not_pickable: new ApiError(
    "player_not_pickable",
    "The player cannot be picked: only active QB, RB, WR, TE, K and team defenses (DEF) are pickable.",
  ),
};

type GameRow = typeof games.$inferSelect;

function lockedError(game: GameRow): ApiError {
  // A game that began and was then postponed keeps its lock although its (new) kickoff lies ahead.
  const when = game.lockedAt ? `when it began (${game.lockedAt}); a game that has begun stays locked` : `at kickoff (${game.kickoffAt ?? "unknown"})`;
  return new ApiError("game_locked", `Picks for ${game.id} locked ${when}.`, {
    kickoffAt: game.kickoffAt,
    lockedAt: game.lockedAt,
    status: game.status,
  });
}

/** A clear refusal before any work; the write itself decides (stillOpen), by the database's clock. */
function assertOpen(game: GameRow, now: Date) {
  if (isLocked(game, now)) throw lockedError(game);
}

interface PickablePlayer {
  id: string;
  fullName: string;
  team: string;
}

type PlayerOnRoster = { id: string; fullName: string; team: string | null; position: string | null; status: string | null };

/** The player with his current roster row in the game's season (the season read from the game in the same statement). */
function playerOnRosterQuery(db: Database, gameId: string | SQL, playerId: string) {
  return db
    .select({
      id: players.id,
      fullName: players.fullName,
      team: rosters.team,
      position: rosters.position,
      status: rosters.status,
    })
    .from(players)
    .leftJoin(
      rosters,
      and(eq(rosters.playerId, players.id), eq(rosters.season, sql`(SELECT season FROM ${games} WHERE id = ${gameId})`), eq(rosters.isCurrent, 1)),
    )
    .where(eq(players.id, playerId))
    .limit(1);
}

/** The player, checked against the game's current rosters: 404 when unknown, 422 when not pickable here. */
function pickablePlayer(game: GameRow, playerId: string, row: PlayerOnRoster | undefined): PickablePlayer {
  if (!row) throw new ApiError("player_not_found", `No player ${playerId}.`);
  const roster = row.team === null ? null : { team: row.team, position: row.position, status: row.status ?? "" };
  const problem = rosterProblem(game, roster);
  if (problem) throw ROSTER_ERRORS[problem];
  return { id: row.id, fullName: row.fullName, team: row.team! };
}

/** What a pick stores of the price it froze (or of the reason it has none). */
export interface FrozenPrice {
  impliedProbability: number | null;
  americanOdds: number | null;
  decimalOdds: number | null;
  oddsSource: string | null;
  oddsSnapshotAt: string | null;
  oddsReason: OddsReason | null;
  /** JSON array of the market_odds ids whose median priced the pick; null when unpriced. */
  oddsSnapshotIds: string | null;
}

/**
 * The read of a pick's price (exported for its plan test): the player's first-TD snapshots that can count for a pick
 * made at `pickAt` (snapshotReadRange: a few buckets per venue), an index range on market_odds_game_player_idx
 * (game_id, player_id, snapshot_time), plus whether he has any snapshot in the game at all (no_market vs stale). The
 * (SELECT 1) LEFT JOIN answers one row even when the range is empty.
 */
export function pricingSnapshotsQuery(gameId: string | SQL, playerId: string, pickAt: Date) {
  const range = snapshotReadRange(pickAt);
  return sql`
    SELECT m.id AS id, m.source AS source, coalesce(m.captured_at, m.snapshot_time) AS capturedAt,
      m.implied_probability AS probability, m.price_basis AS basis, m.ask_size IS NOT NULL AS depthKnown,
      EXISTS (SELECT 1 FROM market_odds e WHERE e.game_id = ${gameId} AND e.player_id = ${playerId} AND e.kind = 'first_td') AS hasAnySnapshot
    FROM (SELECT 1) AS one
    LEFT JOIN market_odds m ON m.game_id = ${gameId} AND m.player_id = ${playerId} AND m.kind = 'first_td'
      AND m.snapshot_time >= ${nowIso(range.from)} AND m.snapshot_time <= ${nowIso(range.to)}`;
}

interface PricingSnapshotRow {
  id: number | null;
  source: string | null;
  capturedAt: string | null;
  probability: number | null;
  basis: string | null;
  depthKnown: number;
  hasAnySnapshot: number;
}

/** The frozen price (or the reason there is none) from the rows of pricingSnapshotsQuery. */
function priceOf(rows: PricingSnapshotRow[], pickAt: Date): FrozenPrice {
  const snapshots = rows
    .filter((row): row is typeof row & { id: number; source: string; capturedAt: string } => row.id !== null)
    .map(
      (row): PricingSnapshot => ({
        id: row.id,
        source: row.source,
        capturedAt: row.capturedAt,
        probability: row.probability,
        basis: row.basis,
        depthKnown: row.depthKnown === 1,
      }),
    );
  const freeze = freezeOdds(snapshots, rows[0]?.hasAnySnapshot === 1, pickAt);
  if (freeze.priced === null) {
    return {
      impliedProbability: null,
      americanOdds: null,
      decimalOdds: null,
      oddsSource: null,
      oddsSnapshotAt: null,
      oddsReason: freeze.reason,
      oddsSnapshotIds: null,
    };
  }
  const { snapshotIds, ...price } = freeze.priced;
  return { ...price, oddsReason: null, oddsSnapshotIds: JSON.stringify(snapshotIds) };
}

/** A UNIQUE violation on picks, told apart by the index it hit. */
function uniqueViolation(error: unknown): ApiError | null {
  const message = databaseErrorMessage(error);
  if (!message.includes("UNIQUE constraint failed")) return null;
  if (message.includes("picks.game_id")) {
    return new ApiError("duplicate_pick_in_game", "You already have a pick in this game; change or delete it instead.");
  }
  return new ApiError("duplicate_player_in_week", "You already picked this player this week.");
}

async function runPickWrite<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    throw uniqueViolation(error) ?? error;
  }
}

/**
 * The lock inside the write itself, by the database's own clock (GAME_OPEN_SQL): however late a request arrives or
 * however long it took to get here, no pick is made, changed or deleted once its game has begun. Reads that show
 * others' picks only once the game is locked use the same condition, so picks show exactly when they stop changing.
 */
export function stillOpen(gameId: string) {
  return sql`EXISTS (SELECT 1 FROM ${games} g WHERE g.id = ${gameId} AND ${sql.raw(GAME_OPEN_SQL)})`;
}

export interface PickInput {
  userId: number;
  gameId: string;
  playerId: string;
  now: Date;
  /** The credential the request came with (credentialLabel: 'token:<id>', ...), recorded in picks.changed_by. */
  changedBy: string;
}

/** What a new pick is made of, read before it is written. */
export interface NewPickReads {
  game: GameRow;
  player: PickablePlayer;
  price: FrozenPrice;
}

/**
 * The reads of a new pick in one round trip (the request's authentication rides in it): the game, the player with his
 * roster row of the game's season, and his snapshots for the price. Refused in the order the checks always ran: no
 * game (404), locked (409), no player (404), not pickable here (422).
 */
export async function readNewPick(db: Database, input: { gameId: string; playerId: string; now: Date }): Promise<NewPickReads> {
  const read = await readTogether(db, {
    game: db.select().from(games).where(eq(games.id, input.gameId)).limit(1),
    player: playerOnRosterQuery(db, input.gameId, input.playerId),
    snapshots: rawRows<PricingSnapshotRow>(pricingSnapshotsQuery(input.gameId, input.playerId, input.now)),
  });
  const game = read.game[0];
  if (!game) throw new ApiError("game_not_found", `No game ${input.gameId}.`);
  assertOpen(game, input.now);
  const player = pickablePlayer(game, input.playerId, read.player[0]);
  return { game, player, price: priceOf(read.snapshots, input.now) };
}

/**
 * The pick written in one round trip: its week (if new), the pick itself, held to the game being still open by the
 * database's clock (stillOpen), and the pick as the API shows it (with what the triggers derived), read back by its
 * unique (user, game). No row back: the game locked in between (409).
 */
export async function writeNewPick(db: Database, { game, player, price }: NewPickReads, author: { userId: number; changedBy: string; now: Date }): Promise<PickView> {
  const createdAt = nowIso(author.now);
  const [, , written] = await runPickWrite(() =>
    db.batch([
      db.insert(weeks).values({ season: game.season, week: game.week }).onConflictDoNothing(),
      db.insert(picks).select(
        db
          .select({
            id: sql`NULL`.as("id"),
            userId: sql`${author.userId}`.as("user_id"),
            weekId: weeks.id,
            team: sql`${player.team}`.as("team"),
            playerName: sql`${player.fullName}`.as("player_name"),
            odds: sql`${price.americanOdds}`.as("odds"),
            theoreticalReturn: sql`${price.decimalOdds}`.as("theoretical_return"),
            gameId: sql`${game.id}`.as("game_id"),
            createdAt: sql`${createdAt}`.as("created_at"),
            playerId: sql`${player.id}`.as("player_id"),
            position: sql`NULL`.as("position"),
            updatedAt: sql`${createdAt}`.as("updated_at"),
            impliedProbability: sql`${price.impliedProbability}`.as("implied_probability"),
            americanOdds: sql`${price.americanOdds}`.as("american_odds"),
            decimalOdds: sql`${price.decimalOdds}`.as("decimal_odds"),
            oddsSource: sql`${price.oddsSource}`.as("odds_source"),
            oddsSnapshotAt: sql`${price.oddsSnapshotAt}`.as("odds_snapshot_at"),
            // v22 columns (an INSERT ... SELECT names every column of the table, in order).
            oddsReason: sql`${price.oddsReason}`.as("odds_reason"),
            oddsSnapshotIds: sql`${price.oddsSnapshotIds}`.as("odds_snapshot_ids"),
            changedBy: sql`${author.changedBy}`.as("changed_by"),
          })
          .from(weeks)
          .where(and(eq(weeks.season, game.season), eq(weeks.week, game.week), stillOpen(game.id))),
      ),
      pickViewQuery(db).where(and(eq(picks.userId, author.userId), eq(picks.gameId, game.id))),
    ]),
  );
  const row = written[0];
  if (!row) throw lockedError(game);
  return toPickView(row);
}

export async function createPick(db: Database, input: PickInput): Promise<PickView> {
  return writeNewPick(db, await readNewPick(db, input), input);
}

/** The pick's own view, or 404 / 403 (another user's pick is forbidden, not missing). */
function ownPick(row: PickRow | undefined, userId: number, pickId: number): PickView {
  if (!row) throw new ApiError("pick_not_found", `No pick ${pickId}.`);
  if (row.userId !== userId) throw new ApiError("forbidden", "This pick belongs to another user.");
  return toPickView(row);
}

/** The game of a pick, as SQL (the reads of a change know the pick's id, not yet its game). */
const gameOfPick = (pickId: number) => sql`(SELECT game_id FROM ${picks} WHERE id = ${pickId})`;

/** What a change of player reads, in one round trip: the pick, its game, the new player on its rosters, his snapshots. */
export async function readPickChange(db: Database, input: { pickId: number; playerId: string; now: Date }) {
  const game = gameOfPick(input.pickId);
  return readTogether(db, {
    pick: pickViewQuery(db).where(eq(picks.id, input.pickId)),
    game: db.select().from(games).where(eq(games.id, game)).limit(1),
    player: playerOnRosterQuery(db, game, input.playerId),
    snapshots: rawRows<PricingSnapshotRow>(pricingSnapshotsQuery(game, input.playerId, input.now)),
  });
}

/**
 * The change written in one round trip (held to the game being still open, by the database's clock) with the pick read
 * back. Refusals in the order they always came: no pick (404), another's (403), locked (409), then the player (404,
 * 422); the same player again changes nothing.
 */
export async function writePickChange(
  db: Database,
  read: Awaited<ReturnType<typeof readPickChange>>,
  input: { userId: number; pickId: number; playerId: string; now: Date; changedBy: string },
): Promise<PickView> {
  const pick = ownPick(read.pick[0], input.userId, input.pickId);
  const game = read.game[0]!;
  assertOpen(game, input.now);
  if (pick.playerId === input.playerId) return pick;
  const player = pickablePlayer(game, input.playerId, read.player[0]);
  const price = priceOf(read.snapshots, input.now);

  const [updated, written] = await runPickWrite(() =>
    db.batch([
      db
        .update(picks)
        .set({
          playerId: player.id,
          playerName: player.fullName,
          team: player.team,
          odds: price.americanOdds,
          theoreticalReturn: price.decimalOdds,
          ...price,
          changedBy: input.changedBy,
          updatedAt: nowIso(input.now),
        })
        .where(and(eq(picks.id, pick.id), eq(picks.userId, input.userId), stillOpen(game.id)))
        .returning({ id: picks.id }),
      pickViewQuery(db).where(eq(picks.id, pick.id)),
    ]),
  );
  if (updated.length === 0) throw lockedError(game);
  return toPickView(written[0]!);
}

export async function changePickPlayer(
  db: Database,
  input: { userId: number; pickId: number; playerId: string; now: Date; changedBy: string },
): Promise<PickView> {
  return writePickChange(db, await readPickChange(db, input), input);
}

/** What a deletion reads, in one round trip: the pick and its game. */
export async function readPickDeletion(db: Database, pickId: number) {
  return readTogether(db, {
    pick: pickViewQuery(db).where(eq(picks.id, pickId)),
    game: db.select().from(games).where(eq(games.id, gameOfPick(pickId))).limit(1),
  });
}

/** The deletion, held to the game being still open: 404, 403, 409 as always. */
export async function writePickDeletion(
  db: Database,
  read: Awaited<ReturnType<typeof readPickDeletion>>,
  input: { userId: number; pickId: number; now: Date },
): Promise<void> {
  const pick = ownPick(read.pick[0], input.userId, input.pickId);
  const game = read.game[0]!;
  assertOpen(game, input.now);
  const deleted = await db
    .delete(picks)
    .where(and(eq(picks.id, pick.id), eq(picks.userId, input.userId), stillOpen(game.id)))
    .returning({ id: picks.id });
  if (deleted.length === 0) throw lockedError(game);
}

export async function deletePick(db: Database, input: { userId: number; pickId: number; now: Date }): Promise<void> {
  return writePickDeletion(db, await readPickDeletion(db, input.pickId), input);
}

export const pickViewColumns = {
  id: picks.id,
  userId: picks.userId,
  gameId: picks.gameId,
  season: games.season,
  week: games.week,
  kickoffAt: games.kickoffAt,
  playerId: picks.playerId,
  playerName: picks.playerName,
  team: picks.team,
  position: picks.position,
  impliedProbability: picks.impliedProbability,
  americanOdds: picks.americanOdds,
  decimalOdds: picks.decimalOdds,
  oddsSource: picks.oddsSource,
  oddsSnapshotAt: picks.oddsSnapshotAt,
  oddsReason: picks.oddsReason,
  // The snapshots that priced the pick, read in the same statement (json_each over the stored ids, each a primary-key
  // lookup); a snapshot no longer stored keeps its id with nulls.
  oddsSnapshotsJson: sql<string>`(SELECT json_group_array(json_object('id', j.value, 'source', m.source,
      'capturedAt', coalesce(m.captured_at, m.snapshot_time), 'probability', m.implied_probability, 'basis', m.price_basis))
    FROM json_each(coalesce(${picks.oddsSnapshotIds}, '[]')) j LEFT JOIN market_odds m ON m.id = j.value)`.as("odds_snapshots_json"),
  createdAt: picks.createdAt,
  updatedAt: picks.updatedAt,
  outcome: results.outcome,
  profitCu: results.profitCu,
  actualScorer: results.actualScorer,
  gradedAt: results.gradedAt,
};

export interface PickView {
  id: number;
  userId: number;
  gameId: string;
  season: number;
  week: number;
  kickoffAt: string | null;
  playerId: string | null;
  playerName: string;
  team: string | null;
  position: string | null;
  impliedProbability: number | null;
  americanOdds: number | null;
  decimalOdds: number | null;
  oddsSource: string | null;
  oddsSnapshotAt: string | null;
  oddsReason: OddsReason | null;
  oddsSnapshots: PickOddsSnapshot[];
  createdAt: string | null;
  updatedAt: string | null;
  outcome: "win" | "loss" | "void" | null;
  units: number | null;
  actualScorer: string | null;
  gradedAt: string | null;
}

/** A snapshot that priced a pick, as the pick lists it. */
export interface PickOddsSnapshot {
  id: number;
  source: string | null;
  capturedAt: string | null;
  probability: number | null;
  basis: PriceBasis | null;
}

type PickRow = Omit<PickView, "units" | "outcome" | "oddsReason" | "oddsSnapshots"> & {
  outcome: string | null;
  profitCu: number | null;
  oddsReason: string | null;
  oddsSnapshotsJson: string;
};

export function toPickView({ profitCu, outcome, oddsReason, oddsSnapshotsJson, ...rest }: PickRow): PickView {
  return {
    ...rest,
    oddsReason: oddsReason as OddsReason | null,
    oddsSnapshots: JSON.parse(oddsSnapshotsJson) as PickOddsSnapshot[],
    outcome: outcome as PickView["outcome"],
    units: profitCu === null ? null : profitCu / 100,
  };
}

/** Picks as the API shows them (with their game's season, week and kickoff, and their result): add the where. */
function pickViewQuery(db: Database) {
  return db.select(pickViewColumns).from(picks).innerJoin(games, eq(games.id, picks.gameId)).leftJoin(results, eq(results.pickId, picks.id));
}

export async function getPick(db: Database, userId: number, pickId: number): Promise<PickView> {
  const [row] = await pickViewQuery(db).where(eq(picks.id, pickId));
  if (!row) throw new ApiError("pick_not_found", `No pick ${pickId}.`);
  // Same answer as PATCH and DELETE (findOwnPick): another user's pick is forbidden, not missing.
  if (row.userId !== userId) throw new ApiError("forbidden", "This pick belongs to another user.");
  return toPickView(row);
}

/** The "user's picks" query (served by the v11 unique index on (user_id, week_id, player_name)); exported for its plan test. */
export function userPicksQuery(db: Database, userId: number | SQL, filter: { season?: number; week?: number }) {
  return db
    .select(pickViewColumns)
    .from(picks)
    .innerJoin(weeks, eq(weeks.id, picks.weekId))
    .innerJoin(games, eq(games.id, picks.gameId))
    .leftJoin(results, eq(results.pickId, picks.id))
    .where(
      and(
        eq(picks.userId, userId),
        filter.season === undefined ? undefined : eq(weeks.season, filter.season),
        filter.week === undefined ? undefined : eq(weeks.week, filter.week),
      ),
    )
    .orderBy(games.kickoffAt, picks.id);
}

/** The user's picks; the user may be given as SQL (the caller named by their token, src/http/auth.ts callerUserIdSql). */
export async function listUserPicks(db: Database, userId: number | SQL, filter: { season?: number; week?: number }) {
  // As a batch: the request's authentication rides in it (src/db/client.ts).
  const { rows } = await readTogether(db, { rows: userPicksQuery(db, userId, filter) });
  return rows.map((row) => toPickView(row));
}

/** The user's pick in a game (the unique index on (user_id, game_id)), or null. */
export async function findUserPickInGame(db: Database, userId: number, gameId: string): Promise<PickView | null> {
  const read = await readTogether(db, {
    pick: db
      .select(pickViewColumns)
      .from(picks)
      .innerJoin(games, eq(games.id, picks.gameId))
      .leftJoin(results, eq(results.pickId, picks.id))
      .where(and(eq(picks.userId, userId), eq(picks.gameId, gameId))),
  });
  const [row] = read.pick;
  return row ? toPickView(row) : null;
}

/**
 * Every pick of a game once it has locked (before: the operator only), in one read. The lock is the database's (its
 * clock, in the statement that reads the game): the picks are read only when it holds, a refusal reads none of them.
 */
export async function listGamePicks(db: Database, gameId: string, callerIsOperator = false) {
  const open = stillOpen(gameId);
  const read = await readTogether(db, {
    game: db.select({ kickoffAt: games.kickoffAt, open: sql<number>`${open}` }).from(games).where(eq(games.id, gameId)).limit(1),
    picks: db
      .select(pickViewColumns)
      .from(picks)
      .innerJoin(games, eq(games.id, picks.gameId))
      .leftJoin(results, eq(results.pickId, picks.id))
      .where(and(eq(picks.gameId, gameId), callerIsOperator ? undefined : sql`NOT ${open}`))
      .orderBy(picks.id),
  });
  const [game] = read.game;
  if (!game) throw new ApiError("game_not_found", `No game ${gameId}.`);
  if (game.open && !callerIsOperator) {
    throw new ApiError("forbidden", "Other users' picks stay hidden until the game locks at kickoff.", { kickoffAt: game.kickoffAt });
  }
  return read.picks.map((row) => toPickView(row));
}
