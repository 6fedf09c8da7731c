import { SEASON_SCOPE } from "../db/schema";
import { issueRankCursor, rankPage, readRankCursor, type CursorScope, type CursorSigner, type RankCursor } from "./keyset";

export type LeaderboardSort = "wins" | "units";

/** Standings columns per sort; never built from user input. */
const SCORE_COLUMN: Record<LeaderboardSort, "wins" | "units_cu"> = { wins: "wins", units: "units_cu" };
/** The index that serves each sort (v13, v19: (season, week, score DESC, user_id, picks)). */
const SCORE_INDEX: Record<LeaderboardSort, string> = { wins: "standings_by_wins_idx", units: "standings_by_units_idx" };

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
function pageStatement(d1: D1Database, q: LeaderboardQuery, after: RankCursor | null): D1PreparedStatement {
  const week = q.week ?? SEASON_SCOPE;
  const score = SCORE_COLUMN[q.sort];
  if (!after) {
    return d1
      .prepare(
        `SELECT ${STANDING_COLUMNS} FROM standings s JOIN users u ON u.id = s.user_id
         WHERE s.season = ?1 AND s.week = ?2 AND s.picks > 0 ORDER BY s.${score} DESC, s.user_id LIMIT ?3`,
      )
      .bind(q.season, week, q.limit);
  }
  // INDEXED BY: the rest of a tie group is a range of the score index (score = ?, user_id > ?). Since v19 standings
  // is WITHOUT ROWID and its primary key (season, week, user_id) also serves `user_id > ?` without a lookup, so
  // SQLite would walk every later user of the scope looking for the tie score (measured: hundreds to thousands of
  // rows read at the end of a tie group, against the page size here).
  const index = SCORE_INDEX[q.sort];
  return d1
    .prepare(
      `SELECT ${STANDING_COLUMNS} FROM (
         SELECT * FROM (SELECT * FROM standings INDEXED BY ${index}
                        WHERE season = ?1 AND week = ?2 AND ${score} = ?3 AND user_id > ?4 AND picks > 0
                        ORDER BY user_id LIMIT ?5)
         UNION ALL
         SELECT * FROM (SELECT * FROM standings INDEXED BY ${index} WHERE season = ?1 AND week = ?2 AND ${score} < ?3 AND picks > 0
                        ORDER BY ${score} DESC, user_id LIMIT ?5)
       ) s JOIN users u ON u.id = s.user_id
       ORDER BY s.${score} DESC, s.user_id LIMIT ?5`,
    )
    .bind(q.season, week, after.score, after.key, q.limit);
}

/** floor(units_cu / band) in SQL (SQLite's integer division truncates toward zero). */
function bandSql(column: string, band: number): string {
  return `(CASE WHEN ${column} >= 0 THEN ${column} / ${band} ELSE -((${band - 1} - ${column}) / ${band}) END)`;
}

/**
 * How many users have a strictly better score than the standings row `s`, from the score histogram
 * (standings_score_counts, migration 0011) rather than by counting standings rows: for wins one range of at most
 * ~23 counts; for units the 10-unit bands above s, the 1-unit bands above s inside its 10-unit band (<= 9) and the
 * exact values above s inside its 1-unit band (<= 99).
 */
function betterUsersSql(sort: LeaderboardSort): string {
  const counts = (metric: string, condition: string) =>
    `(SELECT coalesce(sum(c.users), 0) FROM standings_score_counts c
      WHERE c.season = s.season AND c.week = s.week AND c.metric = '${metric}' AND ${condition})`;
  if (sort === "wins") return counts("wins", "c.score > s.wins");
  const unit = bandSql("s.units_cu", 100);
  const tenUnits = bandSql("s.units_cu", 1000);
  return [
    counts("units_1000", `c.score > ${tenUnits}`),
    counts("units_100", `c.score > ${unit} AND c.score <= ${tenUnits} * 10 + 9`),
    counts("units", `c.score > s.units_cu AND c.score <= ${unit} * 100 + 99`),
  ].join(" + ");
}

/** The caller's own row and rank (1 + the users with a strictly better score), in one statement. */
function myRankStatement(d1: D1Database, q: LeaderboardQuery, userId: number): D1PreparedStatement {
  return d1
    .prepare(
      `SELECT ${STANDING_COLUMNS}, 1 + ${betterUsersSql(q.sort)} AS rank
       FROM standings s JOIN users u ON u.id = s.user_id
       WHERE s.season = ?1 AND s.week = ?2 AND s.user_id = ?3 AND s.picks > 0`,
    )
    .bind(q.season, q.week ?? SEASON_SCOPE, userId);
}

/** A board's cursors page that board only: the same rank cursor on another week or sort would continue a false rank. */
export function leaderboardScope(q: Pick<LeaderboardQuery, "season" | "week" | "sort">): CursorScope {
  return ["leaderboard", q.season, q.week ?? null, q.sort];
}

export async function getLeaderboard(d1: D1Database, q: LeaderboardQuery, cursors: CursorSigner) {
  const after = q.cursor ? await readRankCursor(cursors, leaderboardScope(q), q.cursor) : null;
  const scoreOf = (row: StandingRow) => (q.sort === "wins" ? row.wins : row.unitsCu);
  let rows: StandingRow[];
  let mine: (StandingRow & { rank: number }) | null = null;
  if (q.callerUserId === null) {
    rows = (await pageStatement(d1, q, after).all<StandingRow>()).results;
  } else {
    // One round trip, one snapshot: the page and the caller's rank agree.
    const [page, me] = await d1.batch([pageStatement(d1, q, after), myRankStatement(d1, q, q.callerUserId)]);
    rows = page!.results as StandingRow[];
    mine = ((me!.results as (StandingRow & { rank: number })[])[0]) ?? null;
  }
  const ranked = rankPage(rows, scoreOf, after);
  const last = ranked.at(-1);
  const nextCursor =
    last && ranked.length === q.limit
      ? await issueRankCursor(cursors, leaderboardScope(q), { score: scoreOf(last), key: last.userId, position: (after?.position ?? 0) + ranked.length, rank: last.rank })
      : null;
  return { season: q.season, week: q.week ?? null, sort: q.sort, entries: ranked.map(toEntry), nextCursor, me: mine && toEntry(mine) };
}

export interface HistogramDifference {
  season: number;
  week: number;
  metric: string;
  score: number;
  maintained: number | null;
  expected: number;
}

/**
 * The score histogram (standings_score_counts) against a recount of the standings rows it summarizes: every
 * (season, week, metric, score) whose count differs. Empty when exact (or when the schema has no histogram).
 */
export async function histogramDifferences(d1: D1Database, season: number | undefined, limit = 100): Promise<HistogramDifference[]> {
  const exists = await d1
    .prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'standings_score_counts'")
    .first<{ n: number }>();
  if (!exists?.n) return [];
  const { results } = await d1
    .prepare(
      `WITH counted AS (
         SELECT season, week, 'wins' AS metric, wins AS score, count(*) AS users FROM standings
         WHERE picks > 0 AND (?1 IS NULL OR season = ?1) GROUP BY season, week, wins
         UNION ALL
         SELECT season, week, 'units', units_cu, count(*) FROM standings
         WHERE picks > 0 AND (?1 IS NULL OR season = ?1) GROUP BY season, week, units_cu
         UNION ALL
         SELECT season, week, 'units_100', ${bandSql("units_cu", 100)}, count(*) FROM standings
         WHERE picks > 0 AND (?1 IS NULL OR season = ?1) GROUP BY 1, 2, 4
         UNION ALL
         SELECT season, week, 'units_1000', ${bandSql("units_cu", 1000)}, count(*) FROM standings
         WHERE picks > 0 AND (?1 IS NULL OR season = ?1) GROUP BY 1, 2, 4
       ),
       maintained AS (SELECT season, week, metric, score, users FROM standings_score_counts WHERE (?1 IS NULL OR season = ?1))
       SELECT c.season, c.week, c.metric, c.score, m.users AS maintained, c.users AS expected
       FROM counted c LEFT JOIN maintained m ON m.season = c.season AND m.week = c.week AND m.metric = c.metric AND m.score = c.score
       WHERE m.users IS NOT c.users
       UNION ALL
       SELECT m.season, m.week, m.metric, m.score, m.users, 0 FROM maintained m
       WHERE m.users <> 0 AND NOT EXISTS (
         SELECT 1 FROM counted c WHERE c.season = m.season AND c.week = m.week AND c.metric = m.metric AND c.score = m.score)
       LIMIT ?2`,
    )
    .bind(season ?? null, limit)
    .all<HistogramDifference>();
  return results;
}
