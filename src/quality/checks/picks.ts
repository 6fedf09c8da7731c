/**
 * Picks: the rules of the game that the database enforces on the way in (unique indexes, the lock at kickoff in the
 * write, the roster check in the service). A failing row here means one of those guards was bypassed or removed
 * (a legacy import, a hand-made fix, a migration that rebuilt a table).
 */
import { PICK_OUTCOME_SQL } from "../../db/sql-rules";
import { sqlCheck, type QualityCheck } from "../types";

export const pickChecks: QualityCheck[] = [
  sqlCheck({
    name: "picks_duplicate_player_in_week",
    table: "picks",
    severity: "fail",
    description:
      "One user picked the same player twice in one week (the v11 rule UNIQUE(user_id, week_id, player_name)); one failing row per duplicated key.",
    sql: `SELECT 'user ' || user_id || ' week#' || week_id || ' ' || player_name || ': picks#' || group_concat(id, ',#' ORDER BY id) AS key
          FROM picks GROUP BY user_id, week_id, player_name HAVING count(*) > 1`,
  }),
  sqlCheck({
    name: "picks_duplicate_in_game",
    table: "picks",
    severity: "fail",
    description: "One user has more than one pick in one game (UNIQUE(user_id, game_id)); one failing row per duplicated key.",
    sql: `SELECT 'user ' || user_id || ' ' || game_id || ': picks#' || group_concat(id, ',#' ORDER BY id) AS key
          FROM picks GROUP BY user_id, game_id HAVING count(*) > 1`,
  }),
  sqlCheck({
    name: "picks_after_kickoff",
    table: "picks",
    severity: "fail",
    description:
      "A pick created or changed at or after its game's kickoff (created_at / updated_at >= kickoff_at; legacy picks without timestamps are not judged).",
    // julianday() reads both 'YYYY-MM-DDTHH:MM:SSZ' and the v8 CURRENT_TIMESTAMP format 'YYYY-MM-DD HH:MM:SS'
    // (a text comparison would not); NULL timestamps compare as unknown and are skipped.
    sql: `SELECT 'picks#' || p.id || ' ' || p.game_id AS key
          FROM picks p JOIN games g ON g.id = p.game_id
          WHERE g.kickoff_at IS NOT NULL
            AND (julianday(p.created_at) >= julianday(g.kickoff_at) OR julianday(p.updated_at) >= julianday(g.kickoff_at))`,
  }),
  sqlCheck({
    name: "picks_player_not_on_roster",
    table: "picks",
    severity: "fail",
    description:
      "The picked player has no roster row of the game's season with either team of the game (current or former: a player who moved after the pick still counts as on the roster at pick time).",
    sql: `SELECT 'picks#' || p.id || ' ' || p.player_id || ' ' || p.game_id AS key
          FROM picks p JOIN games g ON g.id = p.game_id
          WHERE p.player_id IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM rosters r WHERE r.player_id = p.player_id AND r.season = g.season
                              AND r.team IN (g.home_team, g.away_team))`,
  }),
  sqlCheck({
    name: "picks_graded_game_without_result",
    table: "results",
    severity: "fail",
    description: "A pick whose outcome the rules can tell (its game canceled, voided, without TD, or its first TD known enough) has no result row.",
    sql: `SELECT 'picks#' || p.id || ' ' || g.id AS key
          FROM picks p JOIN games g ON g.id = p.game_id
          WHERE (${PICK_OUTCOME_SQL}) IS NOT NULL AND NOT EXISTS (SELECT 1 FROM results r WHERE r.pick_id = p.id)`,
  }),
];
