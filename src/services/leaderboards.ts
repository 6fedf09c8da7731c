import { SEASON_SCOPE } from "../db/schema";
import { decodeCursor, encodeCursor, rankPage, type RankCursor } from "./keyset";

export type LeaderboardSort = "wins" | "units";

/** Standings columns per sort; never built from user input. */
const SCORE_COLUMN: Record<LeaderboardSort, "wins" | "units_cu"> = { wins: "wins", units: "units_cu" };

interface StandingRow {
  userId: number;
  name: string;
  picks: number;
  wins: number;
  losses: number;
  voids: number;
  unitsCu: number;
}

export interface LeaderboardEntry {
  rank: number;
  userId: number;
  name: string;
  picks: number;
  wins: number;
  losses: number;
  voids: number;
  hitRate: number | null;
  units: number;
}

export interface LeaderboardQuery {
  season: number;
  /** Omitted for the season leaderboard. */
  week?: number;
  sort: LeaderboardSort;
  limit: number;
  cursor?: string;
  callerUserId: number | null;
}

const STANDING_COLUMNS = `s.user_id AS userId, u.name AS name, s.picks AS picks, s.wins AS wins, s.losses AS losses,
  s.voids AS voids, s.units_cu AS unitsCu`;

function toEntry(row: StandingRow & { rank: number }): LeaderboardEntry {
  const decided = row.wins + row.losses;
  return {
    rank: row.rank,
    userId: row.userId,
    name: row.name,
    picks: row.picks,
    wins: row.wins,
    losses: row.losses,
    voids: row.voids,
    hitRate: decided === 0 ? null : row.wins / decided,
    units: row.unitsCu / 100,
  };
}

/**
 * One page of a leaderboard, read from the maintained standings (never by aggregating picks). A standings row
 * with no picks left (the user deleted them) counts nothing and equals a missing row (src/db/recompute.ts): it is
 * on no leaderboard and shifts no rank. After a
 * cursor the page is two index ranges: the rest of the last score's tie group, then the lower scores.
 */
async function readPage(d1: D1Database, q: LeaderboardQuery, after: RankCursor | null): Promise<StandingRow[]> {
  const week = q.week ?? SEASON_SCOPE;
  const score = SCORE_COLUMN[q.sort];
  if (!after) {
    const { results } = await d1
      .prepare(
        `SELECT ${STANDING_COLUMNS} FROM standings s JOIN users u ON u.id = s.user_id
         WHERE s.season = ?1 AND s.week = ?2 AND s.picks > 0 ORDER BY s.${score} DESC, s.user_id LIMIT ?3`,
      )
      .bind(q.season, week, q.limit)
      .all<StandingRow>();
    return results;
  }
  const { results } = await d1
    .prepare(
      `SELECT ${STANDING_COLUMNS} FROM (
         SELECT * FROM (SELECT * FROM standings WHERE season = ?1 AND week = ?2 AND ${score} = ?3 AND user_id > ?4 AND picks > 0
                        ORDER BY user_id LIMIT ?5)
         UNION ALL
         SELECT * FROM (SELECT * FROM standings WHERE season = ?1 AND week = ?2 AND ${score} < ?3 AND picks > 0
                        ORDER BY ${score} DESC, user_id LIMIT ?5)
       ) s JOIN users u ON u.id = s.user_id
       ORDER BY s.${score} DESC, s.user_id LIMIT ?5`,
    )
    .bind(q.season, week, after.score, after.key, q.limit)
    .all<StandingRow>();
  return results;
}

/** The caller's own row and rank: 1 + the number of users with a strictly better score. */
async function readMyRank(d1: D1Database, q: LeaderboardQuery): Promise<LeaderboardEntry | null> {
  if (q.callerUserId === null) return null;
  const week = q.week ?? SEASON_SCOPE;
  const score = SCORE_COLUMN[q.sort];
  const mine = await d1
    .prepare(`SELECT ${STANDING_COLUMNS} FROM standings s JOIN users u ON u.id = s.user_id WHERE s.season = ?1 AND s.week = ?2 AND s.user_id = ?3 AND s.picks > 0`)
    .bind(q.season, week, q.callerUserId)
    .first<StandingRow>();
  if (!mine) return null;
  const better = await d1
    .prepare(`SELECT count(*) AS n FROM standings WHERE season = ?1 AND week = ?2 AND ${score} > ?3 AND picks > 0`)
    .bind(q.season, week, q.sort === "wins" ? mine.wins : mine.unitsCu)
    .first<{ n: number }>();
  return toEntry({ ...mine, rank: (better?.n ?? 0) + 1 });
}

export async function getLeaderboard(d1: D1Database, q: LeaderboardQuery) {
  const after = q.cursor ? decodeCursor(q.cursor) : null;
  const scoreOf = (row: StandingRow) => (q.sort === "wins" ? row.wins : row.unitsCu);
  const [rows, me] = await Promise.all([readPage(d1, q, after), readMyRank(d1, q)]);
  const ranked = rankPage(rows, scoreOf, after);
  const last = ranked.at(-1);
  const nextCursor =
    last && ranked.length === q.limit
      ? encodeCursor({ score: scoreOf(last), key: last.userId, position: (after?.position ?? 0) + ranked.length, rank: last.rank })
      : null;
  return { season: q.season, week: q.week ?? null, sort: q.sort, entries: ranked.map(toEntry), nextCursor, me };
}
