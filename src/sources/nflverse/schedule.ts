import { easternWallClockToUtc } from "../../domain/eastern-time";
import { toTeamCode } from "../../domain/teams";
import { cell, parseCsv, type CsvRow } from "../csv";
import { parseNumericId, parseWholeNumber } from "./values";

/** nflverse games.csv (one row per game, 1999 to the current season, scores blank until final). */

export const GAME_TYPES = ["REG", "WC", "DIV", "CON", "SB"] as const;
export type GameType = (typeof GAME_TYPES)[number];

export const SCHEDULE_COLUMNS = [
  "game_id",
  "season",
  "game_type",
  "week",
  "gameday",
  "gametime",
  "away_team",
  "away_score",
  "home_team",
  "home_score",
  "espn",
] as const;

export interface ScheduledGame {
  id: string;
  season: number;
  week: number;
  gameType: GameType;
  kickoffAt: string;
  homeTeam: string;
  awayTeam: string;
  homeScore: number | null;
  awayScore: number | null;
  espnEventId: string | null;
}

export interface RejectedGameRow {
  line: number;
  gameId?: string;
  reason: string;
}

export interface ParsedSchedule {
  games: ScheduledGame[];
  rejected: RejectedGameRow[];
}

type RowResult<T> = { ok: true; value: T } | { ok: false; reason: string };

const MAX_WEEK = 22;
const GAME_ID = /^(\d{4})_(\d{2})_([A-Z]{2,3})_([A-Z]{2,3})$/;

/**
 * The games of one season. Throws CsvInputError when the body is not a trustworthy games.csv; rows that
 * cannot be read (of this season, or of any season when their field count is wrong) are returned in `rejected`.
 */
export function parseSchedule(csvText: string, season: number): ParsedSchedule {
  const table = parseCsv(csvText, SCHEDULE_COLUMNS);
  const games: ScheduledGame[] = [];
  const rejected: RejectedGameRow[] = table.badRows.map((bad) => ({ line: bad.line, reason: bad.reason }));
  const lineByGameId = new Map<string, number>();

  for (const row of table.rows) {
    if (!belongsToSeason(row, season)) continue;
    const gameId = cell(row, "game_id");
    const result = readGame(row, season);
    if (!result.ok) {
      rejected.push({ line: row.line, gameId, reason: result.reason });
      continue;
    }
    const firstLine = lineByGameId.get(gameId);
    if (firstLine !== undefined) {
      rejected.push({ line: row.line, gameId, reason: `duplicate game_id (first on line ${firstLine})` });
      continue;
    }
    lineByGameId.set(gameId, row.line);
    games.push(result.value);
  }
  return { games, rejected };
}

function belongsToSeason(row: CsvRow, season: number): boolean {
  return cell(row, "season") === String(season) || cell(row, "game_id").startsWith(`${season}_`);
}

function readGame(row: CsvRow, season: number): RowResult<ScheduledGame> {
  const id = cell(row, "game_id");
  const gameType = cell(row, "game_type");
  if (!isGameType(gameType)) return reject(`unknown game_type '${gameType}'`);

  const week = parseWholeNumber(cell(row, "week"));
  if (week === null || week < 1 || week > MAX_WEEK) return reject(`bad week '${cell(row, "week")}'`);

  const awayTeam = toTeamCode(cell(row, "away_team"));
  const homeTeam = toTeamCode(cell(row, "home_team"));
  if (awayTeam === null) return reject(`unknown away_team '${cell(row, "away_team")}'`);
  if (homeTeam === null) return reject(`unknown home_team '${cell(row, "home_team")}'`);
  if (awayTeam === homeTeam) return reject(`home and away team are both ${homeTeam}`);

  if (!gameIdMatches(id, season, week, awayTeam, homeTeam)) {
    return reject(`game_id does not match season ${season}, week ${week}, ${awayTeam} at ${homeTeam}`);
  }

  const gameday = cell(row, "gameday");
  const gametime = cell(row, "gametime");
  if (gametime === "") return reject("gametime is blank");
  const kickoffAt = easternWallClockToUtc(gameday, gametime);
  if (kickoffAt === null) return reject(`bad gameday/gametime '${gameday} ${gametime}'`);

  const scores = readScores(row);
  if (!scores.ok) return scores;

  const espn = cell(row, "espn");
  const espnEventId = espn === "" ? null : parseNumericId(espn);
  if (espn !== "" && espnEventId === null) return reject(`bad espn id '${espn}'`);

  return {
    ok: true,
    value: { id, season, week, gameType, kickoffAt, homeTeam, awayTeam, ...scores.value, espnEventId },
  };
}

function readScores(row: CsvRow): RowResult<{ homeScore: number | null; awayScore: number | null }> {
  const home = cell(row, "home_score");
  const away = cell(row, "away_score");
  if (home === "" && away === "") return { ok: true, value: { homeScore: null, awayScore: null } };
  const homeScore = parseWholeNumber(home);
  const awayScore = parseWholeNumber(away);
  if (homeScore === null || awayScore === null) return reject(`bad scores '${away}' at '${home}'`);
  return { ok: true, value: { homeScore, awayScore } };
}

/** `{season}_{week:02}_{away}_{home}`; the id keeps the code of its time (OAK, SD, STL), so codes are compared mapped. */
function gameIdMatches(id: string, season: number, week: number, awayTeam: string, homeTeam: string): boolean {
  const parts = GAME_ID.exec(id);
  if (!parts) return false;
  return (
    Number(parts[1]) === season &&
    Number(parts[2]) === week &&
    toTeamCode(parts[3]) === awayTeam &&
    toTeamCode(parts[4]) === homeTeam
  );
}

function isGameType(value: string): value is GameType {
  return (GAME_TYPES as readonly string[]).includes(value);
}

function reject(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}
