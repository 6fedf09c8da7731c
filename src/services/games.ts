import { and, asc, desc, eq, gte, or, type SQL } from "drizzle-orm";
import { rawRows, readTogether } from "../db/client";
import { games, type GAME_STATUSES, type MarketKind } from "../db/schema";
import { isLocked } from "../domain/picks";
import type { Database } from "../env";
import { ApiError } from "../http/errors";
import { nowIso } from "../lib/clock";
import { latestMarketPricesQuery, withAge, type LatestPriceRow } from "./markets";

type GameRow = typeof games.$inferSelect;

export interface GameView {
  id: string;
  season: number;
  week: number;
  gameType: string;
  kickoffAt: string | null;
  homeTeam: string;
  awayTeam: string;
  homeScore: number | null;
  awayScore: number | null;
  status: (typeof GAME_STATUSES)[number];
  isVoided: boolean;
  isPlaceholder: boolean;
  espnEventId: string | null;
  locked: boolean;
  noTd: boolean;
  firstTd: {
    playerId: string | null;
    playerName: string | null;
    team: string | null;
    kind: string | null;
    playText: string | null;
    recordedAt: string | null;
  } | null;
}

export function toGameView(row: GameRow, now: Date): GameView {
  const hasFirstTd = row.firstTdPlayerId !== null || row.firstTdPlayerName !== null;
  return {
    id: row.id,
    season: row.season,
    week: row.week,
    gameType: row.gameType,
    kickoffAt: row.kickoffAt,
    homeTeam: row.homeTeam,
    awayTeam: row.awayTeam,
    homeScore: row.homeScore,
    awayScore: row.awayScore,
    status: row.status as GameView["status"],
    isVoided: row.isVoided === 1,
    isPlaceholder: row.isPlaceholder === 1,
    espnEventId: row.espnEventId,
    locked: isLocked(row, now),
    noTd: row.noTd === 1,
    firstTd: hasFirstTd
      ? {
          playerId: row.firstTdPlayerId,
          playerName: row.firstTdPlayerName,
          team: row.firstTdTeam,
          kind: row.firstTdKind,
          playText: row.firstTdPlayText,
          recordedAt: row.firstTdRecordedAt,
        }
      : null,
  };
}

export interface GameFilter {
  season?: number;
  week?: number;
  team?: string;
  status?: string;
}

/** The "week's schedule" query (index games_schedule_idx); exported so that a test can check its plan. */
export function gamesQuery(db: Database, filter: GameFilter) {
  const conditions: (SQL | undefined)[] = [
    filter.season === undefined ? undefined : eq(games.season, filter.season),
    filter.week === undefined ? undefined : eq(games.week, filter.week),
    filter.team === undefined ? undefined : or(eq(games.homeTeam, filter.team), eq(games.awayTeam, filter.team)),
    filter.status === undefined ? undefined : eq(games.status, filter.status),
  ];
  return db
    .select()
    .from(games)
    .where(and(...conditions))
    .orderBy(asc(games.season), asc(games.week), asc(games.kickoffAt), asc(games.id))
    .limit(400);
}

export async function listGames(db: Database, filter: GameFilter, now: Date): Promise<GameView[]> {
  const read = await readTogether(db, { games: gamesQuery(db, filter) });
  return read.games.map((row) => toGameView(row, now));
}

function gameQuery(db: Database, gameId: string) {
  return db.select().from(games).where(eq(games.id, gameId)).limit(1);
}

function foundGame(rows: GameRow[], gameId: string): GameRow {
  if (!rows[0]) throw new ApiError("game_not_found", `No game ${gameId}.`);
  return rows[0];
}

export async function getGameRow(db: Database, gameId: string): Promise<GameRow> {
  return foundGame((await readTogether(db, { game: gameQuery(db, gameId) })).game, gameId);
}

/** A game with the latest price of each of its markets (of one kind, or all), in one read. */
export async function getGameWithMarkets(db: Database, gameId: string, now: Date, kind?: MarketKind) {
  const read = await readTogether(db, {
    game: gameQuery(db, gameId),
    markets: rawRows<LatestPriceRow>(latestMarketPricesQuery(gameId, kind)),
  });
  return { ...toGameView(foundGame(read.game, gameId), now), markets: withAge(read.markets, now) };
}

/** How long a week's last game stays "this week" after its kickoff: through the night after Monday's game. */
const WEEK_LINGERS_MS = 36 * 60 * 60 * 1000;

/**
 * The week a player is about at `now` (the web app's home page): the week of the first game that kicked off less
 * than 36 hours ago or is still ahead, so that a week's results stay in view until the day after its last game; once
 * no game is ahead, the last week that has games. null when there are no games at all.
 */
export async function currentWeek(db: Database, now: Date): Promise<{ season: number; week: number } | null> {
  const scope = { season: games.season, week: games.week };
  const read = await readTogether(db, {
    next: db
      .select(scope)
      .from(games)
      // The season bound keeps the read on games_schedule_idx to this season and the last (a season starts in one
      // year and ends in the next): the page is read often, the games of past seasons never change its answer.
      .where(and(gte(games.season, now.getUTCFullYear() - 1), gte(games.kickoffAt, nowIso(new Date(now.getTime() - WEEK_LINGERS_MS)))))
      .orderBy(asc(games.kickoffAt))
      .limit(1),
    last: db.select(scope).from(games).orderBy(desc(games.season), desc(games.week)).limit(1),
  });
  return read.next[0] ?? read.last[0] ?? null;
}
