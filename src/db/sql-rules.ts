/**
 * The game's rules as SQL fragments, each spelled once for every query that needs it (the triggers of the migrations
 * carry their own copies: SQLite triggers can call no function). src/domain/grading.ts and src/domain/picks.ts are
 * the reference; the tests hold the fragments, the triggers and the reference equal.
 */

/**
 * Outcome of pick `p` in game `g` (gradePick): 'win', 'loss', 'void', or NULL while it cannot be known (nothing known
 * yet, or only the scoring team is, the scorer unresolved, and the pick is one of that team's players).
 */
/** Game `g` counts for nothing: canceled, or voided by an admin (every pick on it is void). */
export const GAME_VOID_SQL = `(g.status = 'canceled' OR g.is_voided = 1)`;

/**
 * Game `g`'s first-TD market can be settled: void, no TD, or the scorer resolved (a market names a player; a team's DEF
 * leg is settled by the scorer's kind and team, known with him).
 */
export const FIRST_TD_MARKET_SETTLED_SQL = `(${GAME_VOID_SQL} OR g.no_td = 1 OR g.first_td_player_id IS NOT NULL)`;

/** Game `g` carries a first-TD fact: a scorer, at least the scoring team, or no TD. */
export const FIRST_TD_FACTS_SQL = `(g.first_td_team IS NOT NULL OR g.first_td_player_id IS NOT NULL OR g.no_td = 1)`;

export const PICK_OUTCOME_SQL = `CASE
      WHEN ${GAME_VOID_SQL} THEN 'void'
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

/** Who the live sync records first-TD facts as. Facts recorded by anyone else are a person's. */
export const FEED_RECORDER = "job:live-sync";

/**
 * A person (an admin, the demo, a legacy import) recorded game `g`'s first-TD facts: the live sync never overwrites
 * them, until that person clears them (cleared facts belong to nobody) and so hands the game back to the feed.
 */
export const PERSON_OWNS_FACTS_SQL = `(g.first_td_recorded_by IS NOT NULL AND g.first_td_recorded_by <> '${FEED_RECORDER}'
      AND ${FIRST_TD_FACTS_SQL})`;

/**
 * Game `g` needs nothing more from the feed: canceled, or final with both scores and its first TD known (the scorer
 * resolved, or no TD, or facts a person owns). Anything else past kickoff is retried until it is (the catch-up).
 */
export const GAME_SETTLED_SQL = `(g.status = 'canceled' OR (g.status = 'final' AND g.home_score IS NOT NULL AND g.away_score IS NOT NULL
      AND (g.no_td = 1 OR g.first_td_player_id IS NOT NULL OR ${PERSON_OWNS_FACTS_SQL})))`;
