/**
 * Games: the schedule and the grading facts. A final game must be graded (first-TD facts or the no-TD flag)
 * once the live sync has had time to find its first TD; a team plays at most once a week; a week of the regular
 * season has a plausible number of games.
 */
import { GAME_SETTLED_SQL } from "../../db/sql-rules";
import { nowParam, sqlCheck, type QualityCheck } from "../types";

/** A game lasts about 3.5 hours; 6 hours covers overtime and delays, plus 4 hours for the feed and the sync. */
export const GRADING_GRACE_HOURS = 6 + 4;
/** The live sync's catch-up retries an unsettled game for a day before a person is asked to look. */
export const FEED_PROBLEM_GRACE_HOURS = 24;
/** A regular-season week has 13 (six byes) to 16 games; fewer than 10 or more than 16 means games are missing or doubled. */
export const REG_WEEK_MIN_GAMES = 10;
export const REG_WEEK_MAX_GAMES = 16;
/** Regular-season weeks are 1-18 (1-17 before 2021); the checks below look only at weeks without playoff games. */
const LAST_REG_WEEK = 18;

export const gameChecks: QualityCheck[] = [
  sqlCheck({
    name: "games_home_equals_away",
    table: "games",
    severity: "fail",
    description: "A game whose home team is its away team.",
    sql: `SELECT 'games#' || id || ' ' || home_team AS key FROM games WHERE home_team = away_team`,
  }),
  sqlCheck({
    name: "games_team_twice_in_week",
    table: "games",
    severity: "fail",
    description: "A team in two (non-canceled) games of the same season and week; one failing row per team and week.",
    sql: `SELECT season || ' week ' || week || ' ' || team || ': ' || group_concat(id, ', ' ORDER BY id) AS key
          FROM (SELECT id, season, week, home_team AS team FROM games WHERE status <> 'canceled'
                UNION SELECT id, season, week, away_team FROM games WHERE status <> 'canceled')
          GROUP BY season, week, team HAVING count(DISTINCT id) > 1`,
  }),
  sqlCheck({
    name: "games_final_without_first_td",
    table: "games",
    severity: "fail",
    description: `A final, not voided game with neither first-TD facts (scorer, name or team) nor the no-TD flag ${GRADING_GRACE_HOURS} hours after kickoff.`,
    sql: `SELECT 'games#' || id AS key FROM games
          WHERE status = 'final' AND is_voided = 0 AND no_td = 0
            AND first_td_player_id IS NULL AND first_td_player_name IS NULL AND first_td_team IS NULL
            AND julianday(kickoff_at) + ${GRADING_GRACE_HOURS} / 24.0 <= julianday(?1)`,
    params: (ctx) => [nowParam(ctx)],
  }),
  sqlCheck({
    name: "games_not_final_after_kickoff",
    table: "games",
    severity: "warn",
    description: `A game still scheduled or in progress ${GRADING_GRACE_HOURS} hours after its kickoff: the live sync did not see it end, or the schedule is stale (a postponed game has a new kickoff and is not judged).`,
    sql: `SELECT 'games#' || id || ' ' || status AS key FROM games
          WHERE status IN ('scheduled', 'in_progress') AND is_placeholder = 0 AND is_voided = 0
            AND julianday(kickoff_at) + ${GRADING_GRACE_HOURS} / 24.0 <= julianday(?1)`,
    params: (ctx) => [nowParam(ctx)],
  }),
  sqlCheck({
    name: "games_feed_problem_after_a_day",
    table: "games",
    severity: "fail",
    description: `A game the live sync still could not settle ${FEED_PROBLEM_GRACE_HOURS} hours after kickoff, with the reason of its last look (feed missing, summary inconsistent, scorer unresolved, upstream error, not on the scoreboard).`,
    sql: `SELECT 'games#' || g.id || ' ' || c.problem || ' since ' || c.problem_since || ': ' || coalesce(c.detail, '') AS key
          FROM games g JOIN game_feed_checks c ON c.game_id = g.id
          WHERE c.problem IS NOT NULL AND c.problem <> 'not_final' AND NOT ${GAME_SETTLED_SQL}
            AND julianday(g.kickoff_at) + ${FEED_PROBLEM_GRACE_HOURS} / 24.0 <= julianday(?1)`,
    params: (ctx) => [nowParam(ctx)],
  }),
  sqlCheck({
    name: "games_first_td_team_not_playing",
    table: "games",
    severity: "fail",
    description: "The first-TD team of a game is neither its home nor its away team.",
    sql: `SELECT 'games#' || id || ' first_td_team=' || first_td_team AS key FROM games
          WHERE first_td_team IS NOT NULL AND first_td_team NOT IN (home_team, away_team)`,
  }),
  sqlCheck({
    name: "games_unresolved_first_td_scorer",
    table: "games",
    severity: "warn",
    description: "The feed named the first-TD scorer (first_td_player_name) but no player was matched (first_td_player_id NULL): the scoring team's players are not graded yet.",
    sql: `SELECT 'games#' || id || ' ' || first_td_player_name AS key FROM games
          WHERE first_td_player_name IS NOT NULL AND first_td_player_id IS NULL AND no_td = 0`,
  }),
  sqlCheck({
    name: "weeks_implausible_game_count",
    table: "games",
    severity: "warn",
    description: `A regular-season week (one with games, or a weeks row of a season that has games) with fewer than ${REG_WEEK_MIN_GAMES} or more than ${REG_WEEK_MAX_GAMES} non-canceled games.`,
    sql: `SELECT season || ' week ' || week || ': ' || games || ' games' AS key FROM (
            SELECT k.season, k.week,
              (SELECT count(*) FROM games g WHERE g.season = k.season AND g.week = k.week AND g.game_type = 'REG'
                 AND g.status <> 'canceled') AS games
            FROM (SELECT season, week FROM games WHERE game_type = 'REG'
                  UNION
                  SELECT w.season, w.week FROM weeks w
                  WHERE w.week <= ${LAST_REG_WEEK} AND w.season IN (SELECT season FROM games)) k
            WHERE NOT EXISTS (SELECT 1 FROM games p WHERE p.season = k.season AND p.week = k.week AND p.game_type <> 'REG'))
          WHERE games < ${REG_WEEK_MIN_GAMES} OR games > ${REG_WEEK_MAX_GAMES}`,
  }),
];
