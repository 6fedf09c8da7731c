/**
 * The game's rules as SQL fragments, each spelled once for every query that needs it (the triggers of the migrations
 * carry their own copies: SQLite triggers can call no function). src/domain/grading.ts and src/domain/picks.ts are
 * the reference; the tests hold the fragments, the triggers and the reference equal.
 */

/**
 * Outcome of pick `p` in game `g` (gradePick): 'win', 'loss', 'void', or NULL while it cannot be known (nothing known
 * yet, or only the scoring team is, the scorer unresolved, and the pick is one of that team's players).
 */
export const PICK_OUTCOME_SQL = `CASE
      WHEN g.status = 'canceled' OR g.is_voided = 1 THEN 'void'
      WHEN g.no_td = 1 THEN 'loss'
      WHEN g.first_td_team IS NULL THEN NULL
      WHEN p.player_id = g.first_td_player_id THEN 'win'
      WHEN g.first_td_kind IN ('return', 'defense') AND p.player_id = 'DEF-' || g.first_td_team THEN 'win'
      WHEN g.first_td_player_id IS NOT NULL THEN 'loss'
      WHEN p.player_id = 'DEF-' || g.first_td_team THEN CASE WHEN g.first_td_kind IS NULL THEN NULL ELSE 'loss' END
      WHEN p.team IN (g.home_team, g.away_team) AND p.team <> g.first_td_team THEN 'loss'
      END`;

/** The database's clock in the format of games.kickoff_at. */
export const DB_NOW_SQL = `strftime('%Y-%m-%dT%H:%M:%SZ', 'now')`;

/**
 * Game `g` still takes picks (isOpenForPicks), judged by the database's own clock in the statement that writes: before
 * its kickoff, never locked for good, not under way or over, with no score and no first-TD fact.
 */
export const GAME_OPEN_SQL = `(g.kickoff_at > ${DB_NOW_SQL} AND g.locked_at IS NULL AND g.status IN ('scheduled', 'postponed')
      AND g.home_score IS NULL AND g.away_score IS NULL AND g.first_td_player_id IS NULL AND g.first_td_team IS NULL
      AND g.no_td = 0)`;
