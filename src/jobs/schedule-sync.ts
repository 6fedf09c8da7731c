import { nowIso } from "../lib/clock";
import { fetchGamesCsv } from "../sources/nflverse/client";
import { parseSchedule, type ScheduledGame } from "../sources/nflverse/schedule";
import { chunk, rowsPerStatement, type MeteredD1 } from "./d1-meter";
import { firstFew, upstreamOptions, type JobContext, type JobOutcome } from "./job";

const DEFAULT_NFLVERSE_BASE_URL = "https://github.com/nflverse";
/** A file that suddenly lists far fewer games than D1 holds is not trusted to cancel the rest. */
const MIN_SHARE_OF_KNOWN_GAMES = 0.9;

interface StoredGame {
  id: string;
  week: number;
  gameType: string;
  kickoffAt: string | null;
  homeTeam: string;
  awayTeam: string;
  homeScore: number | null;
  awayScore: number | null;
  status: string;
  espnEventId: string | null;
  isPlaceholder: number;
}

export class ScheduleNotTrusted extends Error {
  override readonly name = "ScheduleNotTrusted";
}

/** The columns of a stored game that the file should change, or null when it already agrees. */
export function gameChanges(stored: StoredGame, incoming: ScheduledGame, now: Date): Partial<StoredGame> | null {
  const changes: Partial<StoredGame> = {};
  const notStarted = stored.status === "scheduled" || stored.status === "postponed" || stored.status === "canceled";
  if (notStarted && stored.kickoffAt !== incoming.kickoffAt) changes.kickoffAt = incoming.kickoffAt;
  if (stored.week !== incoming.week) changes.week = incoming.week;
  if (stored.gameType !== incoming.gameType) changes.gameType = incoming.gameType;
  if (incoming.espnEventId && stored.espnEventId !== incoming.espnEventId) changes.espnEventId = incoming.espnEventId;
  // Blank scores in the file mean "not final yet": they never overwrite what the live sync recorded.
  if (incoming.homeScore !== null && incoming.awayScore !== null) {
    if (stored.homeScore !== incoming.homeScore) changes.homeScore = incoming.homeScore;
    if (stored.awayScore !== incoming.awayScore) changes.awayScore = incoming.awayScore;
    if (stored.status !== "final") changes.status = "final";
  } else if (stored.status === "canceled" && Date.parse(incoming.kickoffAt) > now.getTime()) {
    changes.status = "scheduled";
  }
  if (stored.isPlaceholder === 1) changes.isPlaceholder = 0;
  return Object.keys(changes).length === 0 ? null : changes;
}

const COLUMN_OF: Record<keyof StoredGame, string> = {
  id: "id",
  week: "week",
  gameType: "game_type",
  kickoffAt: "kickoff_at",
  homeTeam: "home_team",
  awayTeam: "away_team",
  homeScore: "home_score",
  awayScore: "away_score",
  status: "status",
  espnEventId: "espn_event_id",
  isPlaceholder: "is_placeholder",
};

export const SCHEDULE_SYNC_RECORDER = "job:schedule-sync";

function updateGame(db: MeteredD1, id: string, changes: Partial<StoredGame>, now: string) {
  const entries = Object.entries(changes) as [keyof StoredGame, unknown][];
  return db
    .prepare(`UPDATE games SET ${entries.map(([key]) => `${COLUMN_OF[key]} = ?`).join(", ")}, updated_at = ?, updated_by = ? WHERE id = ?`)
    .bind(...entries.map(([, value]) => value), now, SCHEDULE_SYNC_RECORDER, id);
}

// Bound parameters per inserted game (the status flag included): 11, so 9 games per statement stay under D1's 100.
const INSERT_COLUMNS = 11;

function insertGames(db: MeteredD1, games: ScheduledGame[], now: string) {
  return chunk(games, rowsPerStatement(INSERT_COLUMNS)).map((part) =>
    db
      .prepare(
        `INSERT INTO games (id, season, week, game_type, kickoff_at, home_team, away_team, home_score, away_score, status, espn_event_id, updated_at)
         VALUES ${part.map(() => `(?, ?, ?, ?, ?, ?, ?, ?, ?, CASE WHEN ? THEN 'final' ELSE 'scheduled' END, ?, '${now}')`).join(", ")}`,
      )
      .bind(
        ...part.flatMap((g) => [
          g.id,
          g.season,
          g.week,
          g.gameType,
          g.kickoffAt,
          g.homeTeam,
          g.awayTeam,
          g.homeScore,
          g.awayScore,
          g.homeScore !== null && g.awayScore !== null ? 1 : 0,
          g.espnEventId,
        ]),
      ),
  );
}

/**
 * Picks quarantined by migration v12 because no game matched them come back when the schedule now has
 * their game (by its id, or by the pick's week and team); a pick that would break a rule stays quarantined.
 */
function restoreQuarantinedPicks(db: MeteredD1, season: number, now: string) {
  const matchingGame = `coalesce(
    (SELECT g.id FROM games g WHERE g.id = q.game_id AND g.season = w.season AND g.week = w.week),
    (SELECT g.id FROM games g JOIN team_aliases a ON a.alias = upper(trim(q.team))
     WHERE g.season = w.season AND g.week = w.week AND a.team_code IN (g.home_team, g.away_team)))`;
  const waiting = `q.reason = 'no_matching_game' AND q.restored_at IS NULL AND w.season = ?1`;
  // Legacy odds as migration v14 reads them: |odds| >= 100 American, 1 < odds < 100 decimal.
  const decimalOdds = `CASE WHEN q.odds >= 100 THEN 1 + q.odds / 100.0 WHEN q.odds <= -100 THEN 1 + 100.0 / -q.odds
    WHEN q.odds > 1 AND q.odds < 100 THEN q.odds END`;
  return [
    db
      .prepare(
        `INSERT INTO picks (id, user_id, week_id, team, player_name, odds, theoretical_return, game_id, created_at,
           decimal_odds, implied_probability, odds_source)
         SELECT q.id, q.user_id, q.week_id, q.team, q.player_name, q.odds, q.theoretical_return, ${matchingGame}, q.created_at,
           ${decimalOdds}, 1.0 / (${decimalOdds}), CASE WHEN (${decimalOdds}) IS NOT NULL THEN 'legacy' END
         FROM picks_quarantine q JOIN weeks w ON w.id = q.week_id
         WHERE ${waiting} AND ${matchingGame} IS NOT NULL
         ON CONFLICT DO NOTHING`,
      )
      .bind(season),
    // Their legacy result comes back too, unless the game is graded now (the triggers then graded them).
    db
      .prepare(
        `INSERT INTO results (pick_id, actual_scorer, is_correct, actual_return, outcome, profit_cu)
         SELECT q.id, q.result_actual_scorer, q.result_is_correct, q.result_actual_return,
           CASE q.result_is_correct WHEN 1 THEN 'win' WHEN 0 THEN 'loss' END,
           CASE q.result_is_correct WHEN 0 THEN -100 WHEN 1 THEN CAST(round((coalesce(p.decimal_odds, 2.0) - 1) * 100) AS INTEGER) END
         FROM picks_quarantine q JOIN weeks w ON w.id = q.week_id JOIN picks p ON p.id = q.id
         WHERE ${waiting} AND q.result_is_correct IS NOT NULL
         ON CONFLICT (pick_id) DO NOTHING`,
      )
      .bind(season),
    db
      .prepare(
        `UPDATE picks_quarantine SET restored_at = ?2
         WHERE id IN (SELECT q.id FROM picks_quarantine q JOIN weeks w ON w.id = q.week_id WHERE ${waiting})
           AND id IN (SELECT id FROM picks)
         RETURNING id, user_id AS userId, (SELECT p.game_id FROM picks p WHERE p.id = picks_quarantine.id) AS gameId`,
      )
      .bind(season, now),
  ];
}

/**
 * Daily: nflverse games.csv -> the season's games. New games are inserted, changed ones (flexed kickoffs,
 * final scores, ESPN ids, placeholders) updated, games that vanished (before or after kickoff, unless final) canceled
 * (their picks become void), and quarantined picks whose game now exists restored. One atomic batch. A kickoff moved
 * later never reopens a game that had begun: its picks locked for good (games.locked_at).
 */
export async function scheduleSync(ctx: JobContext): Promise<JobOutcome> {
  const base = ctx.env.NFLVERSE_BASE_URL || DEFAULT_NFLVERSE_BASE_URL;
  ctx.progress(`schedule-sync ${ctx.season}: downloading games.csv`);
  const parsed = parseSchedule(await fetchGamesCsv(base, upstreamOptions(ctx)), ctx.season);
  const stored = await ctx.db.all<StoredGame>(
    ctx.db
      .prepare(
        `SELECT id, week, game_type AS gameType, kickoff_at AS kickoffAt, home_team AS homeTeam, away_team AS awayTeam,
           home_score AS homeScore, away_score AS awayScore, status, espn_event_id AS espnEventId, is_placeholder AS isPlaceholder
         FROM games WHERE season = ?`,
      )
      .bind(ctx.season),
  );
  const known = stored.filter((g) => g.isPlaceholder === 0).length;
  if (parsed.games.length === 0) throw new ScheduleNotTrusted(`games.csv has no games of season ${ctx.season}`);
  if (parsed.games.length < known * MIN_SHARE_OF_KNOWN_GAMES) {
    throw new ScheduleNotTrusted(
      `games.csv lists ${parsed.games.length} games of ${ctx.season} but ${known} are known: refusing to cancel the difference`,
    );
  }
  ctx.progress(`schedule-sync ${ctx.season}: ${parsed.games.length} games parsed, ${parsed.rejected.length} rows rejected`);

  const now = nowIso(ctx.now);
  const storedById = new Map(stored.map((g) => [g.id, g]));
  const incomingIds = new Set(parsed.games.map((g) => g.id));
  const newGames = parsed.games.filter((g) => !storedById.has(g.id));
  const changed = parsed.games
    .map((g) => ({ game: g, changes: storedById.has(g.id) ? gameChanges(storedById.get(g.id)!, g, ctx.now) : null }))
    .filter((c): c is { game: ScheduledGame; changes: Partial<StoredGame> } => c.changes !== null);
  // nflverse drops a canceled game from the file, before its kickoff or after it (2022_17_BUF_CIN was stopped in the
  // first quarter and never completed): either way it is canceled and its picks are void. A final game that vanished
  // is a broken file, not a cancellation, and keeps its result.
  const vanished = stored.filter(
    (g) => !incomingIds.has(g.id) && g.isPlaceholder === 0 && g.status !== "final" && g.status !== "canceled",
  );

  const results = await ctx.db.batch([
    ...insertGames(ctx.db, newGames, now),
    ...changed.map((c) => updateGame(ctx.db, c.game.id, c.changes, now)),
    ...vanished.map((g) => updateGame(ctx.db, g.id, { status: "canceled" }, now)),
    ...restoreQuarantinedPicks(ctx.db, ctx.season, now),
  ]);
  const restored = (results.at(-1)?.results ?? []) as { id: number; userId: number; gameId: string }[];
  const flexed = changed.filter((c) => c.changes.kickoffAt !== undefined).map((c) => ({ id: c.game.id, kickoffAt: c.game.kickoffAt }));

  return {
    read: parsed.games.length + parsed.rejected.length,
    inserted: newGames.length,
    updated: changed.length + vanished.length,
    unchanged: parsed.games.length - newGames.length - changed.length,
    rejected: parsed.rejected.length,
    details: {
      rejectedRows: firstFew(parsed.rejected),
      kickoffsChanged: firstFew(flexed, 20),
      canceled: vanished.map((g) => g.id),
      placeholdersCompleted: changed.filter((c) => c.changes.isPlaceholder === 0).map((c) => c.game.id),
      quarantinedPicksRestored: restored.length,
      restoredPicks: firstFew(restored, 20),
    },
  };
}
