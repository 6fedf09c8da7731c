/**
 * From-scratch recompute of everything the v14 triggers maintain (drizzle/0006_v14_triggers.sql), and the
 * differences between the maintained tables and that recompute. Used by the tests that prove the triggers,
 * and meant for the nightly data-quality check ("verify them against a full recompute", DESIGN.md).
 *
 * Every function is a handful of set-based SQL statements (no per-row loops, no per-row round trips); the
 * difference check runs its three queries in one `db.batch`, i.e. one D1 transaction on one snapshot.
 *
 * The rules are those of src/domain/grading.ts (the reference):
 * - canceled or voided: void; no TD: loss; nothing known about the first TD: no result; the picked player scored: win;
 *   the first TD was a 'return' or 'defense' TD and the pick is DEF-<scoring team>: win; the scorer is known: loss
 *   (a pick without a player too); the scorer is unresolved but his team is known: the scoring team's DEF loses (once
 *   the kind is known), the other team's picks lose, the scoring team's players get no result yet;
 * - profit in hundredths of a unit: win = round((decimal odds, 2.0 without odds) - 1) * 100), loss -100, void 0.
 *
 * Legacy results: a result that no trigger wrote (graded_at IS NULL: kept from a v8 database by the v14
 * migration) on a pick the rules cannot grade is expected to stay exactly as it is, and counts in the
 * standings like any other result (the migration counted it). Once the rules grade the pick they replace it, and if
 * the pick then becomes ungradable again no result is expected at all.
 *
 * Standings: one row per (season, week, user) with that user's picks in that week (the pick's `week_id`),
 * and one row per (season, 0, user) for the whole season (SEASON_SCOPE). A maintained row that counts
 * nothing (all zero, e.g. after the user's only pick was deleted) equals a missing row.
 *
 * Player stats: first_td_count per (player_id, season, team) = number of non-canceled games of that season
 * whose first TD was scored by that player for that team, plus, for DEF-<team>, the games whose first TD was a
 * 'return' or 'defense' TD of <team>; one per game however many users picked the scorer. last_td_week is the
 * latest such game's week. A maintained row without player_id (a v8 row of a player who never scored since
 * v14) must count 0.
 *
 * All functions take an optional season, to check one season at a time (the nightly job checks the current one).
 */
import type { PickOutcome } from "../domain/grading";
import { PICK_OUTCOME_SQL } from "./sql-rules";

export interface RecomputeOptions {
  /** Only this season (default: every season). */
  season?: number;
  /** At most this many differences per table are returned by findDifferences (default 1000). */
  limit?: number;
}

export interface ExpectedResult {
  pickId: number;
  outcome: PickOutcome | null;
  profitCu: number | null;
  isCorrect: number | null;
  actualScorer: string | null;
  /** 'rules': the pick's game is gradable; 'legacy': a v8 result kept as is on an ungradable game. */
  source: "rules" | "legacy";
}

export interface StandingRow {
  season: number;
  /** 0 for the whole season. */
  week: number;
  userId: number;
  picks: number;
  wins: number;
  losses: number;
  voids: number;
  unitsCu: number;
}

export interface PlayerStatRow {
  playerId: string;
  season: number;
  team: string;
  firstTdCount: number;
  lastTdWeek: number | null;
}

export interface ResultValues {
  outcome: PickOutcome | null;
  profitCu: number | null;
  isCorrect: number | null;
  actualScorer: string | null;
}

export interface ResultDifference {
  pickId: number;
  /** null: the pick has no result row. */
  maintained: ResultValues | null;
  /** null: the pick should have no result (its game is not gradable). */
  expected: ResultValues | null;
}

export interface StandingDifference {
  season: number;
  week: number;
  userId: number;
  /** null: no standings row. */
  maintained: Omit<StandingRow, "season" | "week" | "userId"> | null;
  /** null: nothing to count (the row should be absent or all zero). */
  expected: Omit<StandingRow, "season" | "week" | "userId"> | null;
}

export interface PlayerStatDifference {
  /** player_stats.id of the maintained row, null when the row is missing. */
  statId: number | null;
  playerId: string | null;
  playerName: string | null;
  season: number;
  team: string | null;
  maintained: { firstTdCount: number | null; lastTdWeek: number | null } | null;
  expected: { firstTdCount: number; lastTdWeek: number | null };
}

export interface Differences {
  results: ResultDifference[];
  standings: StandingDifference[];
  playerStats: PlayerStatDifference[];
}

// ---------------------------------------------------------------------------------------------
// SQL building blocks. SEASON(column) marks the season filter; withSeason() turns it into `column = ?1` when a
// season is given (so that indexes on season can be used) and into `?1 IS NULL` (always true) when not.
// ---------------------------------------------------------------------------------------------

/**
 * expected_results(pick_id, user_id, week_id, outcome, profit_cu, is_correct, actual_scorer, source):
 * one row per pick that should have a result.
 */
const EXPECTED_RESULTS_CTE = `
  pick_outcomes AS (
    SELECT p.id AS pick_id, p.user_id, p.week_id, p.decimal_odds, ${PICK_OUTCOME_SQL} AS outcome,
      CASE WHEN g.no_td = 1 THEN 'No touchdown' ELSE g.first_td_player_name END AS actual_scorer
    FROM picks p
    JOIN games g ON g.id = p.game_id
    WHERE SEASON(g.season)
  ),
  expected_results AS (
    SELECT pick_id, user_id, week_id, outcome,
      CASE outcome WHEN 'win' THEN CAST(round((coalesce(decimal_odds, 2.0) - 1) * 100) AS INTEGER)
                   WHEN 'loss' THEN -100 ELSE 0 END AS profit_cu,
      CASE outcome WHEN 'win' THEN 1 WHEN 'loss' THEN 0 END AS is_correct,
      actual_scorer, 'rules' AS source
    FROM pick_outcomes
    WHERE outcome IS NOT NULL
    UNION ALL
    SELECT r.pick_id, o.user_id, o.week_id, r.outcome, r.profit_cu, r.is_correct, r.actual_scorer, 'legacy'
    FROM results r
    JOIN pick_outcomes o ON o.pick_id = r.pick_id
    WHERE r.graded_at IS NULL AND o.outcome IS NULL
  )`;

/** expected_standings(season, week, user_id, picks, wins, losses, voids, units_cu), week 0 = season. */
const EXPECTED_STANDINGS_CTE = `${EXPECTED_RESULTS_CTE},
  weekly AS (
    SELECT w.season, w.week, p.user_id,
      count(*) AS picks,
      count(*) FILTER (WHERE er.outcome = 'win') AS wins,
      count(*) FILTER (WHERE er.outcome = 'loss') AS losses,
      count(*) FILTER (WHERE er.outcome = 'void') AS voids,
      coalesce(sum(er.profit_cu) FILTER (WHERE er.outcome IS NOT NULL), 0) AS units_cu
    FROM picks p
    JOIN weeks w ON w.id = p.week_id
    LEFT JOIN expected_results er ON er.pick_id = p.id
    WHERE SEASON(w.season)
    GROUP BY w.season, w.week, p.user_id
  ),
  expected_standings AS (
    SELECT season, week, user_id, picks, wins, losses, voids, units_cu FROM weekly
    UNION ALL
    SELECT season, 0, user_id, sum(picks), sum(wins), sum(losses), sum(voids), sum(units_cu)
    FROM weekly GROUP BY season, user_id
  )`;

/** expected_player_stats(player_id, season, team, first_td_count, last_td_week). */
const EXPECTED_PLAYER_STATS_CTE = `
  first_tds AS (
    -- UNION (not UNION ALL): one row per game and credited player, so a game counts once per player.
    SELECT g.id AS game_id, g.season, g.week, g.first_td_player_id AS player_id, g.first_td_team AS team
    FROM games g
    WHERE g.status <> 'canceled' AND g.first_td_player_id IS NOT NULL AND g.first_td_team IS NOT NULL
      AND SEASON(g.season)
    UNION
    SELECT g.id, g.season, g.week, 'DEF-' || g.first_td_team, g.first_td_team
    FROM games g
    WHERE g.status <> 'canceled' AND g.first_td_kind IN ('return', 'defense') AND g.first_td_team IS NOT NULL
      AND SEASON(g.season)
  ),
  expected_player_stats AS (
    SELECT player_id, season, team, count(*) AS first_td_count, max(week) AS last_td_week
    FROM first_tds
    GROUP BY player_id, season, team
  )`;

// ---------------------------------------------------------------------------------------------
// Expected values
// ---------------------------------------------------------------------------------------------

function seasonParam(options: RecomputeOptions | undefined): number | null {
  return options?.season ?? null;
}

function withSeason(sql: string, season: number | null): string {
  return sql.replace(/SEASON\(([\w.]+)\)/g, (_, column: string) => (season === null ? "?1 IS NULL" : `${column} = ?1`));
}

/** The result every pick should have (picks whose game is not gradable and that keep no legacy result: none). */
export async function expectedResults(db: D1Database, options?: RecomputeOptions): Promise<ExpectedResult[]> {
  const season = seasonParam(options);
  const { results } = await db
    .prepare(
      withSeason(`WITH ${EXPECTED_RESULTS_CTE}
       SELECT pick_id AS pickId, outcome, profit_cu AS profitCu, is_correct AS isCorrect,
         actual_scorer AS actualScorer, source
       FROM expected_results ORDER BY pick_id`, season),
    )
    .bind(season)
    .all<ExpectedResult>();
  return results;
}

/** Standings recomputed from picks and expected results: per week, and per season (week 0). */
export async function expectedStandings(db: D1Database, options?: RecomputeOptions): Promise<StandingRow[]> {
  const season = seasonParam(options);
  const { results } = await db
    .prepare(
      withSeason(`WITH ${EXPECTED_STANDINGS_CTE}
       SELECT season, week, user_id AS userId, picks, wins, losses, voids, units_cu AS unitsCu
       FROM expected_standings ORDER BY season, week, user_id`, season),
    )
    .bind(season)
    .all<StandingRow>();
  return results;
}

/** First-TD counts recomputed from the games (only players with at least one). */
export async function expectedPlayerStats(db: D1Database, options?: RecomputeOptions): Promise<PlayerStatRow[]> {
  const season = seasonParam(options);
  const { results } = await db
    .prepare(
      withSeason(`WITH ${EXPECTED_PLAYER_STATS_CTE}
       SELECT player_id AS playerId, season, team, first_td_count AS firstTdCount, last_td_week AS lastTdWeek
       FROM expected_player_stats ORDER BY season, player_id, team`, season),
    )
    .bind(season)
    .all<PlayerStatRow>();
  return results;
}

// ---------------------------------------------------------------------------------------------
// Differences between the maintained tables and the recompute
// ---------------------------------------------------------------------------------------------

const RESULT_DIFFERENCES_SQL = `WITH ${EXPECTED_RESULTS_CTE},
  maintained AS (
    SELECT r.pick_id, r.outcome, r.profit_cu, r.is_correct, r.actual_scorer
    FROM results r
    JOIN picks p ON p.id = r.pick_id
    JOIN games g ON g.id = p.game_id
    WHERE SEASON(g.season)
  )
  SELECT e.pick_id AS pick_id,
    m.pick_id IS NOT NULL AS has_maintained, m.outcome AS m_outcome, m.profit_cu AS m_profit_cu,
    m.is_correct AS m_is_correct, m.actual_scorer AS m_actual_scorer,
    1 AS has_expected, e.outcome AS e_outcome, e.profit_cu AS e_profit_cu,
    e.is_correct AS e_is_correct, e.actual_scorer AS e_actual_scorer
  FROM expected_results e
  LEFT JOIN maintained m ON m.pick_id = e.pick_id
  WHERE m.pick_id IS NULL OR m.outcome IS NOT e.outcome OR m.profit_cu IS NOT e.profit_cu
     OR m.is_correct IS NOT e.is_correct OR m.actual_scorer IS NOT e.actual_scorer
  UNION ALL
  SELECT m.pick_id, 1, m.outcome, m.profit_cu, m.is_correct, m.actual_scorer, 0, NULL, NULL, NULL, NULL
  FROM maintained m
  WHERE NOT EXISTS (SELECT 1 FROM expected_results e WHERE e.pick_id = m.pick_id)
  ORDER BY 1
  LIMIT ?2`;

const STANDING_DIFFERENCES_SQL = `WITH ${EXPECTED_STANDINGS_CTE},
  maintained AS (
    SELECT season, week, user_id, picks, wins, losses, voids, units_cu FROM standings
    WHERE SEASON(season)
  )
  SELECT m.season, m.week, m.user_id,
    1 AS has_maintained, m.picks AS m_picks, m.wins AS m_wins, m.losses AS m_losses, m.voids AS m_voids,
    m.units_cu AS m_units_cu,
    e.user_id IS NOT NULL AS has_expected, e.picks AS e_picks, e.wins AS e_wins, e.losses AS e_losses,
    e.voids AS e_voids, e.units_cu AS e_units_cu
  FROM maintained m
  LEFT JOIN expected_standings e ON e.season = m.season AND e.week = m.week AND e.user_id = m.user_id
  WHERE CASE WHEN e.user_id IS NULL
    THEN m.picks <> 0 OR m.wins <> 0 OR m.losses <> 0 OR m.voids <> 0 OR m.units_cu <> 0
    ELSE m.picks IS NOT e.picks OR m.wins IS NOT e.wins OR m.losses IS NOT e.losses OR m.voids IS NOT e.voids
      OR m.units_cu IS NOT e.units_cu END
  UNION ALL
  SELECT e.season, e.week, e.user_id, 0, NULL, NULL, NULL, NULL, NULL, 1, e.picks, e.wins, e.losses, e.voids, e.units_cu
  FROM expected_standings e
  WHERE NOT EXISTS (
    SELECT 1 FROM maintained m WHERE m.season = e.season AND m.week = e.week AND m.user_id = e.user_id)
  ORDER BY 1, 2, 3
  LIMIT ?2`;

const PLAYER_STAT_DIFFERENCES_SQL = `WITH ${EXPECTED_PLAYER_STATS_CTE},
  maintained AS (
    SELECT id, player_id, player_name, season, team, first_td_count, last_td_week FROM player_stats
    WHERE SEASON(season)
  )
  SELECT m.id AS stat_id, m.player_id, m.player_name, m.season, m.team,
    1 AS has_maintained, m.first_td_count AS m_count, m.last_td_week AS m_week,
    coalesce(e.first_td_count, 0) AS e_count, e.last_td_week AS e_week
  FROM maintained m
  LEFT JOIN expected_player_stats e ON e.player_id = m.player_id AND e.season = m.season AND e.team = m.team
  WHERE CASE WHEN m.player_id IS NULL
    THEN coalesce(m.first_td_count, 0) <> 0
    ELSE m.first_td_count IS NOT coalesce(e.first_td_count, 0) OR m.last_td_week IS NOT e.last_td_week END
  UNION ALL
  SELECT NULL, e.player_id, NULL, e.season, e.team, 0, NULL, NULL, e.first_td_count, e.last_td_week
  FROM expected_player_stats e
  WHERE NOT EXISTS (
    SELECT 1 FROM maintained m WHERE m.player_id = e.player_id AND m.season = e.season AND m.team = e.team)
  ORDER BY 4, 2, 5
  LIMIT ?2`;

interface ResultDiffRow {
  pick_id: number;
  has_maintained: number;
  m_outcome: PickOutcome | null;
  m_profit_cu: number | null;
  m_is_correct: number | null;
  m_actual_scorer: string | null;
  has_expected: number;
  e_outcome: PickOutcome | null;
  e_profit_cu: number | null;
  e_is_correct: number | null;
  e_actual_scorer: string | null;
}

interface StandingDiffRow {
  season: number;
  week: number;
  user_id: number;
  has_maintained: number;
  m_picks: number;
  m_wins: number;
  m_losses: number;
  m_voids: number;
  m_units_cu: number;
  has_expected: number;
  e_picks: number;
  e_wins: number;
  e_losses: number;
  e_voids: number;
  e_units_cu: number;
}

interface PlayerStatDiffRow {
  stat_id: number | null;
  player_id: string | null;
  player_name: string | null;
  season: number;
  team: string | null;
  has_maintained: number;
  m_count: number | null;
  m_week: number | null;
  e_count: number;
  e_week: number | null;
}

/**
 * Every difference between results / standings / player_stats and the recompute (empty arrays when exact).
 * Three queries in one batch (one D1 transaction, so one consistent snapshot).
 */
export async function findDifferences(db: D1Database, options?: RecomputeOptions): Promise<Differences> {
  const season = seasonParam(options);
  const limit = options?.limit ?? 1000;
  const [results, standings, playerStats] = await db.batch([
    db.prepare(withSeason(RESULT_DIFFERENCES_SQL, season)).bind(season, limit),
    db.prepare(withSeason(STANDING_DIFFERENCES_SQL, season)).bind(season, limit),
    db.prepare(withSeason(PLAYER_STAT_DIFFERENCES_SQL, season)).bind(season, limit),
  ]);
  return {
    results: (results!.results as ResultDiffRow[]).map((r) => ({
      pickId: r.pick_id,
      maintained: r.has_maintained
        ? { outcome: r.m_outcome, profitCu: r.m_profit_cu, isCorrect: r.m_is_correct, actualScorer: r.m_actual_scorer }
        : null,
      expected: r.has_expected
        ? { outcome: r.e_outcome, profitCu: r.e_profit_cu, isCorrect: r.e_is_correct, actualScorer: r.e_actual_scorer }
        : null,
    })),
    standings: (standings!.results as StandingDiffRow[]).map((r) => ({
      season: r.season,
      week: r.week,
      userId: r.user_id,
      maintained: r.has_maintained
        ? { picks: r.m_picks, wins: r.m_wins, losses: r.m_losses, voids: r.m_voids, unitsCu: r.m_units_cu }
        : null,
      expected: r.has_expected
        ? { picks: r.e_picks, wins: r.e_wins, losses: r.e_losses, voids: r.e_voids, unitsCu: r.e_units_cu }
        : null,
    })),
    playerStats: (playerStats!.results as PlayerStatDiffRow[]).map((r) => ({
      statId: r.stat_id,
      playerId: r.player_id,
      playerName: r.player_name,
      season: r.season,
      team: r.team,
      maintained: r.has_maintained ? { firstTdCount: r.m_count, lastTdWeek: r.m_week } : null,
      expected: { firstTdCount: r.e_count, lastTdWeek: r.e_week },
    })),
  };
}

/** True when findDifferences found nothing. */
export function isExact(differences: Differences): boolean {
  return differences.results.length === 0 && differences.standings.length === 0 && differences.playerStats.length === 0;
}

export interface LeagueBoardDifference {
  leagueId: number;
  season: number;
  week: number;
  userId: number;
  /** null: the row is missing from league_standings. */
  maintained: Omit<StandingRow, "season" | "week" | "userId"> | null;
  /** null: the row should not be there (not a member of a sorted board any more). */
  expected: Omit<StandingRow, "season" | "week" | "userId"> | null;
}

/**
 * The sorted boards (league_standings, v23) against what they mirror: every standings row of every member of a large
 * league (board_materialized) and of every user on the public board (league 0). Standings themselves are checked
 * against the picks by findDifferences, so together the two prove the boards exact.
 */
const LEAGUE_BOARD_DIFFERENCES_SQL = `WITH
  board_members AS (
    SELECT m.league_id, m.user_id FROM league_members m JOIN leagues l ON l.id = m.league_id WHERE l.board_materialized = 1
    UNION ALL SELECT 0, id FROM users WHERE on_global_board = 1
  ),
  expected AS (
    SELECT b.league_id, s.season, s.week, s.user_id, s.picks, s.wins, s.losses, s.voids, s.units_cu
    FROM board_members b JOIN standings s ON s.user_id = b.user_id WHERE SEASON(s.season)
  ),
  maintained AS (SELECT * FROM league_standings WHERE SEASON(season))
  SELECT m.league_id, m.season, m.week, m.user_id, 1 AS has_maintained, m.picks AS m_picks, m.wins AS m_wins, m.losses AS m_losses,
    m.voids AS m_voids, m.units_cu AS m_units_cu, e.user_id IS NOT NULL AS has_expected, e.picks AS e_picks, e.wins AS e_wins,
    e.losses AS e_losses, e.voids AS e_voids, e.units_cu AS e_units_cu
  FROM maintained m
  LEFT JOIN expected e ON e.league_id = m.league_id AND e.season = m.season AND e.week = m.week AND e.user_id = m.user_id
  WHERE e.user_id IS NULL OR (m.picks, m.wins, m.losses, m.voids, m.units_cu) IS NOT (e.picks, e.wins, e.losses, e.voids, e.units_cu)
  UNION ALL
  SELECT e.league_id, e.season, e.week, e.user_id, 0, NULL, NULL, NULL, NULL, NULL, 1, e.picks, e.wins, e.losses, e.voids, e.units_cu
  FROM expected e
  WHERE NOT EXISTS (SELECT 1 FROM maintained m WHERE m.league_id = e.league_id AND m.season = e.season AND m.week = e.week AND m.user_id = e.user_id)
  ORDER BY 1, 2, 3, 4
  LIMIT ?2`;

export async function leagueBoardDifferences(db: D1Database, options?: RecomputeOptions): Promise<LeagueBoardDifference[]> {
  const season = seasonParam(options);
  const { results } = await db
    .prepare(withSeason(LEAGUE_BOARD_DIFFERENCES_SQL, season))
    .bind(season, options?.limit ?? 1000)
    .all<StandingDiffRow & { league_id: number }>();
  return results.map((r) => ({
    leagueId: r.league_id,
    season: r.season,
    week: r.week,
    userId: r.user_id,
    maintained: r.has_maintained ? { picks: r.m_picks, wins: r.m_wins, losses: r.m_losses, voids: r.m_voids, unitsCu: r.m_units_cu } : null,
    expected: r.has_expected ? { picks: r.e_picks, wins: r.e_wins, losses: r.e_losses, voids: r.e_voids, unitsCu: r.e_units_cu } : null,
  }));
}
