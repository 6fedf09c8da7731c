import { SEASON_SCOPE } from "../db/schema";
import { invalidCursor, type CursorScope, type CursorSigner } from "./keyset";

export type LeaderboardSort = "wins" | "units";

/** Standings columns per metric; never built from user input. */
const SCORE_COLUMN: Record<LeaderboardSort, "wins" | "units_cu"> = { wins: "wins", units: "units_cu" };
const OTHER_METRIC: Record<LeaderboardSort, LeaderboardSort> = { wins: "units", units: "wins" };
/** The index of league_standings that serves each order (v23: (league, season, week, metric DESC, other DESC, user, picks)). */
const BOARD_INDEX: Record<LeaderboardSort, string> = { wins: "league_standings_by_wins_idx", units: "league_standings_by_units_idx" };

/** The public global board: the users who chose to appear on it (league_standings league 0, kept by the v23 triggers). */
export const PUBLIC_BOARD = 0;
/** From this many members a league's board is kept sorted in league_standings (the v23 trigger says 50 too). */
export const LARGE_LEAGUE_MEMBERS = 50;

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
  /** The caller: a user id, or SQL naming one (src/http/auth.ts callerUserIdSql, their token checked in the same batch); null: no "me". */
  callerUserId: number | string | null;
}

/**
 * How a board orders and ranks its rows: by one metric, then the other (then user id, for a stable order). The global
 * board ranks by its sort metric alone (equal wins share a rank, whatever their units); a league ranks by its ranking and
 * its declared tiebreak (wins -> units, units -> wins), and only rows equal on both share a rank.
 */
interface BoardOrder {
  metric: LeaderboardSort;
  tiebreakRanks: boolean;
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

const metricOf = (row: StandingRow, metric: LeaderboardSort) => (metric === "wins" ? row.wins : row.unitsCu);

/** Where a board's page ends: the last row's two metrics and user, its position and rank (a signed cursor carries it). */
interface BoardPosition {
  primary: number;
  secondary: number;
  userId: number;
  position: number;
  rank: number;
}

function rankKey(row: StandingRow, order: BoardOrder): string {
  const primary = metricOf(row, order.metric);
  return order.tiebreakRanks ? `${primary}:${metricOf(row, OTHER_METRIC[order.metric])}` : String(primary);
}

/** Standard competition ranks (1, 1, 3) for rows in board order, continuing from the previous page. */
function rankRows(rows: StandingRow[], order: BoardOrder, after: BoardPosition | null, afterKey: string | null) {
  let position = after?.position ?? 0;
  let rank = after?.rank ?? 0;
  let previous = afterKey;
  return rows.map((row) => {
    position += 1;
    const key = rankKey(row, order);
    if (key !== previous) rank = position;
    previous = key;
    return { ...row, rank };
  });
}

function compareRows(a: StandingRow, b: StandingRow, order: BoardOrder): number {
  const other = OTHER_METRIC[order.metric];
  return metricOf(b, order.metric) - metricOf(a, order.metric) || metricOf(b, other) - metricOf(a, other) || a.userId - b.userId;
}

/** What a board's cursors page: the same position on another board, week or sort would continue a false rank. */
export function boardScope(board: number | "global", q: Pick<LeaderboardQuery, "season" | "week" | "sort">): CursorScope {
  return ["board", board, q.season, q.week ?? null, q.sort];
}

async function readPosition(cursors: CursorSigner, scope: CursorScope, text: string): Promise<BoardPosition> {
  const [primary, secondary, userId, position, rank] = await cursors.read(scope, text);
  const valid =
    [primary, secondary, userId, position, rank].every((n) => Number.isInteger(n)) && (position as number) >= 1 && (rank as number) >= 1 && (rank as number) <= (position as number);
  if (!valid) throw invalidCursor("not a cursor of a leaderboard");
  return { primary, secondary, userId, position, rank } as BoardPosition;
}

/**
 * A page of a sorted board of league_standings (a large league, or the public board) in one index range, or after a
 * cursor three (the rest of the last row's tie on both metrics, then on the first, then the lower scores), each forced
 * onto the board's index: the primary key (league, season, week, user) would otherwise serve `user_id > ?`.
 */
/** A sorted board's page (exported so that a test can check its plan). */
export function sortedPageStatement(
  d1: D1Database,
  board: number,
  q: LeaderboardQuery,
  order: { metric: LeaderboardSort },
  after: Pick<BoardPosition, "primary" | "secondary" | "userId"> | null,
) {
  const week = q.week ?? SEASON_SCOPE;
  const p = SCORE_COLUMN[order.metric];
  const s2 = SCORE_COLUMN[OTHER_METRIC[order.metric]];
  const scope = `league_id = ?1 AND season = ?2 AND week = ?3 AND picks > 0`;
  if (!after) {
    return d1
      .prepare(
        `SELECT ${STANDING_COLUMNS} FROM league_standings s INDEXED BY ${BOARD_INDEX[order.metric]} JOIN users u ON u.id = s.user_id
         WHERE s.league_id = ?1 AND s.season = ?2 AND s.week = ?3 AND s.picks > 0 ORDER BY s.${p} DESC, s.${s2} DESC, s.user_id LIMIT ?4`,
      )
      .bind(board, q.season, week, q.limit);
  }
  // The three index ranges after the cursor, each in index order: the compound's ORDER BY merges them lazily (SQLite's
  // MERGE (UNION ALL)), reading about a page in all; each range limited on its own read up to three pages.
  const from = `league_standings INDEXED BY ${BOARD_INDEX[order.metric]}`;
  return d1
    .prepare(
      `SELECT ${STANDING_COLUMNS} FROM (
         SELECT * FROM ${from} WHERE ${scope} AND ${p} = ?5 AND ${s2} = ?6 AND user_id > ?7
         UNION ALL
         SELECT * FROM ${from} WHERE ${scope} AND ${p} = ?5 AND ${s2} < ?6
         UNION ALL
         SELECT * FROM ${from} WHERE ${scope} AND ${p} < ?5
         ORDER BY ${p} DESC, ${s2} DESC, user_id LIMIT ?4
       ) s JOIN users u ON u.id = s.user_id
       ORDER BY s.${p} DESC, s.${s2} DESC, s.user_id LIMIT ?4`,
    )
    .bind(board, q.season, week, q.limit, after.primary, after.secondary, after.userId);
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

/** The caller's own row and global rank among every player (1 + the users with a strictly better score), one statement. */
function globalRankStatement(d1: D1Database, q: LeaderboardQuery, user: number | string): D1PreparedStatement {
  return d1
    .prepare(
      `SELECT ${STANDING_COLUMNS}, 1 + ${betterUsersSql(q.sort)} AS rank
       FROM standings s JOIN users u ON u.id = s.user_id
       WHERE s.season = ?1 AND s.week = ?2 AND s.user_id = ${userSql(user)} AND s.picks > 0`,
    )
    .bind(q.season, q.week ?? SEASON_SCOPE);
}

/** A user id as SQL: an integer literal, or the SQL that names the caller (callerUserIdSql). */
function userSql(user: number | string): string {
  if (typeof user === "number") {
    if (!Number.isSafeInteger(user)) throw new Error("not a user id");
    return String(user);
  }
  return user;
}

async function nextCursorOf(cursors: CursorSigner, scope: CursorScope, ranked: (StandingRow & { rank: number })[], q: LeaderboardQuery, order: BoardOrder, after: BoardPosition | null) {
  const last = ranked.at(-1);
  if (!last || ranked.length < q.limit) return null;
  const fields = [metricOf(last, order.metric), metricOf(last, OTHER_METRIC[order.metric]), last.userId, (after?.position ?? 0) + ranked.length, last.rank];
  return cursors.issue(scope, fields);
}

function afterKeyOf(after: BoardPosition | null, order: BoardOrder): string | null {
  if (!after) return null;
  return order.tiebreakRanks ? `${after.primary}:${after.secondary}` : String(after.primary);
}

/** The shared part of a board's page (the same for every reader): what the edge cache keeps. */
export interface BoardPage {
  entries: LeaderboardEntry[];
  nextCursor: string | null;
}

/** Where a page may come from and go to (src/http/edge-cache.ts), when it is cached. */
export interface PageStore<T> {
  get(): Promise<T | null>;
  put(value: T): void;
}

/**
 * The global leaderboard: the users who chose to appear on it (the public board), ranked among themselves by the sort
 * metric; `me` is the caller's rank among every player, on the board or not, from the score histogram. The page may
 * come from the edge cache; `me` is read every time, in the same call as the page when the page is read.
 */
export async function getLeaderboard(d1: D1Database, q: LeaderboardQuery, cursors: CursorSigner, pages: PageStore<BoardPage> | null = null) {
  const order: BoardOrder = { metric: q.sort, tiebreakRanks: false };
  const scope = boardScope("global", q);
  const after = q.cursor ? await readPosition(cursors, scope, q.cursor) : null;
  const cached = pages ? await pages.get() : null;
  const statements: D1PreparedStatement[] = [];
  if (!cached) statements.push(sortedPageStatement(d1, PUBLIC_BOARD, q, order, after));
  if (q.callerUserId !== null) statements.push(globalRankStatement(d1, q, q.callerUserId));
  // One round trip, one snapshot: the page and the caller's rank agree (a cached page is at most one grading old).
  const results = statements.length === 0 ? [] : await d1.batch(statements);
  let page = cached;
  if (!page) {
    const ranked = rankRows(results.shift()!.results as StandingRow[], order, after, afterKeyOf(after, order));
    page = { entries: ranked.map(toEntry), nextCursor: await nextCursorOf(cursors, scope, ranked, q, order, after) };
    pages?.put(page);
  }
  const mine = ((results[0]?.results ?? []) as (StandingRow & { rank: number })[])[0] ?? null;
  return {
    season: q.season,
    week: q.week ?? null,
    sort: q.sort,
    entries: page.entries,
    nextCursor: page.nextCursor,
    me: mine && toEntry(mine),
  };
}

export interface LeagueBoardLeague {
  id: number;
  ranking: LeaderboardSort;
  boardMaterialized: boolean;
}

/** A league's board query: its ranking decides the order (the sort of the query is the league's). */
export type LeagueBoardQuery = Omit<LeaderboardQuery, "sort" | "callerUserId"> & { callerUserId: number | null };

/**
 * The members of a small league, with their standings of the scope: at most LARGE_LEAGUE_MEMBERS of each. CROSS JOIN
 * keeps the members outermost (SQLite never reorders it): with standings outside, the plan scanned the whole scope.
 */
function smallLeagueStatement(d1: D1Database, leagueId: number, q: Pick<LeagueBoardQuery, "season" | "week">) {
  return d1
    .prepare(
      `SELECT ${STANDING_COLUMNS} FROM league_members m CROSS JOIN standings s ON s.season = ?2 AND s.week = ?3 AND s.user_id = m.user_id
       JOIN users u ON u.id = m.user_id WHERE m.league_id = ?1 AND s.picks > 0`,
    )
    .bind(leagueId, q.season, q.week ?? SEASON_SCOPE);
}

/** The caller's row in a sorted league board and the members ahead of them (two index ranges of the board). */
function sortedLeagueRankStatement(d1: D1Database, leagueId: number, q: Pick<LeagueBoardQuery, "season" | "week">, order: BoardOrder, user: number | string) {
  const p = SCORE_COLUMN[order.metric];
  const s2 = SCORE_COLUMN[OTHER_METRIC[order.metric]];
  const from = `league_standings b INDEXED BY ${BOARD_INDEX[order.metric]}`;
  const scope = `b.league_id = s.league_id AND b.season = s.season AND b.week = s.week AND b.picks > 0`;
  return d1
    .prepare(
      `SELECT ${STANDING_COLUMNS}, 1 + (SELECT count(*) FROM ${from} WHERE ${scope} AND b.${p} > s.${p})
         + (SELECT count(*) FROM ${from} WHERE ${scope} AND b.${p} = s.${p} AND b.${s2} > s.${s2}) AS rank
       FROM league_standings s JOIN users u ON u.id = s.user_id
       WHERE s.league_id = ?1 AND s.season = ?2 AND s.week = ?3 AND s.user_id = ${userSql(user)} AND s.picks > 0`,
    )
    .bind(leagueId, q.season, q.week ?? SEASON_SCOPE);
}

/** The week's winners of a sorted board: every member tied at the top, once the week has graded picks. */
function sortedWinnersStatement(d1: D1Database, leagueId: number, q: Pick<LeagueBoardQuery, "season" | "week">, order: BoardOrder) {
  const p = SCORE_COLUMN[order.metric];
  const s2 = SCORE_COLUMN[OTHER_METRIC[order.metric]];
  const from = `league_standings INDEXED BY ${BOARD_INDEX[order.metric]}`;
  return d1
    .prepare(
      `SELECT ${STANDING_COLUMNS} FROM league_standings s INDEXED BY ${BOARD_INDEX[order.metric]} JOIN users u ON u.id = s.user_id
       WHERE s.league_id = ?1 AND s.season = ?2 AND s.week = ?3 AND s.picks > 0
         AND (s.${p}, s.${s2}) = (SELECT ${p}, ${s2} FROM ${from} WHERE league_id = ?1 AND season = ?2 AND week = ?3 AND picks > 0
                                  ORDER BY ${p} DESC, ${s2} DESC LIMIT 1)
       ORDER BY s.user_id LIMIT 50`,
    )
    .bind(leagueId, q.season, q.week ?? SEASON_SCOPE);
}

/** Winners of a week: the top rank group, provided one of its picks has been graded (a week not played has none). */
function winnersOf(rows: StandingRow[]): { userId: number; name: string }[] {
  const graded = rows.some((row) => row.wins + row.losses + row.voids > 0);
  return graded ? rows.map((row) => ({ userId: row.userId, name: row.name })) : [];
}

export type LeagueBoard = Awaited<ReturnType<LeagueBoardPlan["finish"]>>;

/** A league board's statements, for a batch of the caller's choosing, and the board from their results. */
export interface LeagueBoardPlan {
  statements: D1PreparedStatement[];
  /**
   * The board of `league` as the batch read it (its row, read in the same batch, is the authority; see planFits); the
   * caller's user id is known by then (the batch settled their authentication).
   */
  finish(results: D1Result[], callerUserId: number | null, league: LeagueBoardLeague): Promise<ReturnType<typeof leagueBoardOf>>;
}

/** Whether a plan made for `guess` read what `league`'s board needs: a small league's read is the same whatever its ranking. */
export function planFits(guess: Omit<LeagueBoardLeague, "id">, league: LeagueBoardLeague): boolean {
  return guess.boardMaterialized === league.boardMaterialized && (!league.boardMaterialized || guess.ranking === league.ranking);
}

function leagueBoardOf(
  league: LeagueBoardLeague,
  q: Pick<LeagueBoardQuery, "season" | "week">,
  page: { ranked: (StandingRow & { rank: number })[]; nextCursor: string | null; mine: (StandingRow & { rank: number }) | null; winners: { userId: number; name: string }[] },
) {
  return {
    leagueId: league.id,
    season: q.season,
    week: q.week ?? null,
    ranking: league.ranking,
    tiebreak: OTHER_METRIC[league.ranking],
    entries: page.ranked.map(toEntry),
    nextCursor: page.nextCursor,
    me: page.mine && toEntry(page.mine),
    winners: page.winners,
  };
}

/**
 * A league's board, season or week, ranked by the league's ranking and its tiebreak. A small league's members are read
 * whole (fewer rows than a page's budget) and ranked here; a large league's board is read in index order from
 * league_standings. A week's board names its winners. `caller` names the caller for "me": a user id, or SQL naming one
 * (src/http/auth.ts callerUserIdSql); a small league finds them among its rows by the id given to finish.
 */
export async function leagueBoardPlan(
  d1: D1Database,
  league: LeagueBoardLeague,
  q: Omit<LeagueBoardQuery, "callerUserId"> & { caller: number | string | null },
  cursors: CursorSigner,
): Promise<LeagueBoardPlan> {
  const isWeek = q.week !== undefined;
  const sortedQueryOf = (ranking: LeaderboardSort) => ({ ...q, sort: ranking, callerUserId: null });
  if (!league.boardMaterialized) {
    return {
      statements: [smallLeagueStatement(d1, league.id, q)],
      async finish([rows], callerUserId, actual) {
        const order: BoardOrder = { metric: actual.ranking, tiebreakRanks: true };
        const scope = boardScope(actual.id, { ...q, sort: actual.ranking });
        const after = q.cursor ? await readPosition(cursors, scope, q.cursor) : null;
        const all = rankRows((rows!.results as StandingRow[]).sort((a, b) => compareRows(a, b, order)), order, null, null);
        const start = after ? all.findIndex((row) => row.userId === after.userId) + 1 : 0;
        if (after && start === 0) throw invalidCursor("the row this cursor continues from is no longer on the board");
        const ranked = all.slice(start, start + q.limit);
        return leagueBoardOf(actual, q, {
          ranked,
          nextCursor: await nextCursorOf(cursors, scope, ranked, sortedQueryOf(actual.ranking), order, after),
          mine: all.find((row) => row.userId === callerUserId) ?? null,
          winners: isWeek ? winnersOf(all.filter((row) => row.rank === 1)) : [],
        });
      },
    };
  }
  const order: BoardOrder = { metric: league.ranking, tiebreakRanks: true };
  const scope = boardScope(league.id, { ...q, sort: league.ranking });
  const after = q.cursor ? await readPosition(cursors, scope, q.cursor) : null;
  const afterKey = afterKeyOf(after, order);
  const sortedQuery = sortedQueryOf(league.ranking);
  const statements = [sortedPageStatement(d1, league.id, sortedQuery, order, after)];
  if (q.caller !== null) statements.push(sortedLeagueRankStatement(d1, league.id, q, order, q.caller));
  if (isWeek) statements.push(sortedWinnersStatement(d1, league.id, q, order));
  return {
    statements,
    async finish([page, ...rest], _callerUserId, actual) {
      const ranked = rankRows(page!.results as StandingRow[], order, after, afterKey);
      const mine = q.caller === null ? null : (((rest.shift()!.results ?? []) as (StandingRow & { rank: number })[])[0] ?? null);
      return leagueBoardOf(actual, q, {
        ranked,
        nextCursor: await nextCursorOf(cursors, scope, ranked, sortedQuery, order, after),
        mine,
        winners: isWeek ? winnersOf(rest.shift()!.results as StandingRow[]) : [],
      });
    },
  };
}

/** A league's board in one call (the web app's league page; the API folds the plan into its first read). */
export async function getLeagueBoard(d1: D1Database, league: LeagueBoardLeague, q: LeagueBoardQuery, cursors: CursorSigner) {
  const plan = await leagueBoardPlan(d1, league, { ...q, caller: q.callerUserId }, cursors);
  return plan.finish(await d1.batch(plan.statements), q.callerUserId, league);
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
