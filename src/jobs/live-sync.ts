import type { FirstTdKind, GameStatus } from "../domain/grading";
import { easternDateOf } from "../domain/eastern-time";
import { normalizePlayerName } from "../domain/names";
import { nowIso } from "../lib/clock";
import { firstTdFactsStatement, CLEARED_FACTS, type GameFactColumns } from "../services/game-facts";
import { EspnClient } from "../sources/espn/client";
import type { ScoreboardEvent } from "../sources/espn/scoreboard";
import { findFirstTouchdown, resolveScorerFromBoxscore, type GameSummary } from "../sources/espn/summary";
import type { MeteredD1 } from "./d1-meter";
import { firstFew, upstreamOptions, type JobContext, type JobOutcome } from "./job";
import { currentSeason } from "./season";

/** Who the live sync records facts as; facts recorded by anyone else (an admin) are never overwritten. */
export const LIVE_SYNC_RECORDER = "job:live-sync";
const HOUR_MS = 3_600_000;
/** A game is watched from shortly before kickoff ... */
const WATCH_BEFORE_KICKOFF_MS = 15 * 60_000;
/** ... until its first TD (or none) is known, and for a while after that, to catch stat corrections. */
const CORRECTION_WINDOW_MS = 6 * HOUR_MS;
/** Games that never reported final are given up after this long (the nightly checks report them). */
const GIVE_UP_AFTER_KICKOFF_MS = 36 * HOUR_MS;
/** Upstream calls one run may make, far below the Workers subrequest limit. */
const MAX_UPSTREAM_CALLS = 40;

interface WatchedGame {
  id: string;
  season: number;
  kickoffAt: string;
  homeTeam: string;
  awayTeam: string;
  homeScore: number | null;
  awayScore: number | null;
  status: GameStatus;
  espnEventId: string | null;
  firstTdPlayerId: string | null;
  firstTdPlayerName: string | null;
  firstTdTeam: string | null;
  firstTdKind: string | null;
  firstTdPlayText: string | null;
  noTd: number;
  firstTdRecordedBy: string | null;
}

/**
 * The games worth asking ESPN about now; usually none, and then the run costs one query. No index leads with
 * kickoff_at, so the seasons of the window (from the dates, whatever season the run is for) bound it through
 * games_schedule_idx: the query reads one season's games instead of every game ever stored.
 */
async function watchedGames(db: MeteredD1, now: Date): Promise<WatchedGame[]> {
  const from = new Date(now.getTime() - GIVE_UP_AFTER_KICKOFF_MS);
  const to = new Date(now.getTime() + WATCH_BEFORE_KICKOFF_MS);
  return db.all<WatchedGame>(
    db
      .prepare(
        `SELECT id, season, kickoff_at AS kickoffAt, home_team AS homeTeam, away_team AS awayTeam, home_score AS homeScore,
           away_score AS awayScore, status, espn_event_id AS espnEventId, first_td_player_id AS firstTdPlayerId,
           first_td_player_name AS firstTdPlayerName, first_td_team AS firstTdTeam, first_td_kind AS firstTdKind,
           first_td_play_text AS firstTdPlayText, no_td AS noTd, first_td_recorded_by AS firstTdRecordedBy
         FROM games
         WHERE season IN (?5, ?6) AND kickoff_at BETWEEN ?1 AND ?2 AND is_placeholder = 0 AND is_voided = 0 AND status <> 'canceled'
           AND (status <> 'final'
             OR (first_td_player_id IS NULL AND no_td = 0)
             OR (first_td_recorded_by = ?3 AND first_td_recorded_at > ?4))
         ORDER BY kickoff_at`,
      )
      .bind(
        nowIso(from),
        nowIso(to),
        LIVE_SYNC_RECORDER,
        nowIso(new Date(now.getTime() - CORRECTION_WINDOW_MS)),
        currentSeason(from),
        currentSeason(to),
      ),
  );
}

function matchEvent(game: WatchedGame, events: ScoreboardEvent[]): ScoreboardEvent | undefined {
  return (
    events.find((e) => game.espnEventId !== null && e.espnEventId === game.espnEventId) ??
    events.find((e) => e.homeTeam === game.homeTeam && e.awayTeam === game.awayTeam && easternDateOf(e.kickoffAt) === easternDateOf(game.kickoffAt))
  );
}

function statusStatement(db: MeteredD1, game: WatchedGame, event: ScoreboardEvent, now: Date): D1PreparedStatement | null {
  const homeScore = event.homeScore ?? game.homeScore;
  const awayScore = event.awayScore ?? game.awayScore;
  const unchanged =
    event.status === game.status && homeScore === game.homeScore && awayScore === game.awayScore && event.espnEventId === game.espnEventId;
  if (unchanged) return null;
  return db
    .prepare(`UPDATE games SET status = ?, home_score = ?, away_score = ?, espn_event_id = ?, updated_at = ? WHERE id = ?`)
    .bind(event.status, homeScore, awayScore, event.espnEventId, nowIso(now), game.id);
}

interface ScorerResolution {
  playerId: string | null;
  playerName: string | null;
  via: "core_play" | "boxscore" | "roster_name" | "unresolved";
}

/**
 * The scorer as one of our players: by the ESPN athlete id of the core API play, else by the box score
 * name among his team's players, else by normalized name among his team's roster, and only when unique.
 * An id is taken only for a player on the scoring team's roster that season (nflverse has swapped two players'
 * ESPN ids before); without a scoring team nothing can be checked, so the scorer stays unresolved.
 */
async function resolveScorer(
  db: MeteredD1,
  espn: EspnClient,
  game: WatchedGame,
  summary: GameSummary,
  play: { id: string },
  scorerName: string | null,
  team: string | null,
  budget: { calls: number },
): Promise<ScorerResolution> {
  if (team === null) return { playerId: null, playerName: scorerName, via: "unresolved" };
  let espnId: string | null = null;
  if (game.espnEventId && budget.calls < MAX_UPSTREAM_CALLS) {
    budget.calls++;
    espnId = (await espn.play(game.espnEventId, play.id).catch(() => null))?.scorerEspnId ?? null;
  }
  let via: ScorerResolution["via"] = "core_play";
  if (!espnId && scorerName) {
    espnId = resolveScorerFromBoxscore(scorerName, team, summary.players);
    via = "boxscore";
  }
  if (espnId) {
    const player = await db.first<{ id: string; fullName: string }>(
      db
        .prepare(
          `SELECT p.id, p.full_name AS fullName FROM players p
           WHERE p.espn_id = ? AND EXISTS (SELECT 1 FROM rosters r WHERE r.player_id = p.id AND r.season = ? AND r.team = ?)`,
        )
        .bind(espnId, game.season, team),
    );
    if (player) return { playerId: player.id, playerName: player.fullName, via };
  }
  if (scorerName) {
    const matches = await db.all<{ id: string; fullName: string }>(
      db
        .prepare(
          `SELECT DISTINCT p.id, p.full_name AS fullName FROM players p JOIN rosters r ON r.player_id = p.id
           WHERE p.name_key = ? AND r.season = ? AND r.team = ?`,
        )
        .bind(normalizePlayerName(scorerName), game.season, team),
    );
    if (matches.length === 1) return { playerId: matches[0]!.id, playerName: matches[0]!.fullName, via: "roster_name" };
  }
  return { playerId: null, playerName: scorerName, via: "unresolved" };
}

function sameFacts(game: WatchedGame, facts: GameFactColumns): boolean {
  return (
    game.firstTdPlayerId === facts.firstTdPlayerId &&
    game.firstTdPlayerName === facts.firstTdPlayerName &&
    game.firstTdTeam === facts.firstTdTeam &&
    game.firstTdKind === facts.firstTdKind &&
    game.noTd === facts.noTd
  );
}

/**
 * Every few minutes: ESPN's scoreboard for the days of the games near kickoff -> status and scores; for games
 * under way or over, the first TD from the game summary -> the first-TD facts (which grade the game through
 * the triggers). A scorer who cannot be identified is recorded by name as unresolved, never guessed.
 */
export async function liveSync(ctx: JobContext): Promise<JobOutcome> {
  const games = await watchedGames(ctx.db, ctx.now);
  if (games.length === 0) {
    return { read: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0, details: { watchedGames: 0 } };
  }
  const espn = new EspnClient(
    ctx.env.ESPN_SITE_API_URL || "https://site.api.espn.com",
    ctx.env.ESPN_CORE_API_URL || "https://sports.core.api.espn.com",
    upstreamOptions(ctx),
  );
  const budget = { calls: 0 };
  const dates = [...new Set(games.map((g) => easternDateOf(g.kickoffAt)).filter((d): d is string => d !== null))];
  const events: ScoreboardEvent[] = [];
  const rejectedEvents: unknown[] = [];
  for (const date of dates) {
    budget.calls++;
    const board = await espn.scoreboard(date);
    events.push(...board.events);
    rejectedEvents.push(...board.rejected);
  }
  ctx.progress(`live-sync: ${games.length} games watched, ${events.length} scoreboard events on ${dates.join(", ")}`);

  const writes: D1PreparedStatement[] = [];
  const recorded: { gameId: string; scorer: string | null; playerId: string | null; via: string }[] = [];
  const unresolved: { gameId: string; scorerName: string | null; team: string | null; text: string }[] = [];
  const skipped: { gameId: string; reason: string }[] = [];
  let updatedGames = 0;

  for (const game of games) {
    const event = matchEvent(game, events);
    if (!event) {
      skipped.push({ gameId: game.id, reason: "not on the ESPN scoreboard" });
      continue;
    }
    const statusWrite = statusStatement(ctx.db, game, event, ctx.now);
    if (statusWrite) writes.push(statusWrite);
    const live = { ...game, status: event.status, espnEventId: event.espnEventId };

    const recordedByAdmin = game.firstTdRecordedBy !== null && game.firstTdRecordedBy !== LIVE_SYNC_RECORDER;
    const needsFacts = (live.status === "in_progress" || live.status === "final") && !recordedByAdmin;
    let factsWrite: D1PreparedStatement | null = null;
    if (needsFacts && budget.calls < MAX_UPSTREAM_CALLS) {
      budget.calls++;
      // One game's unreadable summary must not hold back the others: it is named and retried next run.
      const summary = await espn.summary(event.espnEventId).catch((error: unknown) => {
        skipped.push({ gameId: game.id, reason: `summary: ${error instanceof Error ? error.message : String(error)}` });
        return null;
      });
      if (!summary) continue;
      const first = findFirstTouchdown(summary);
      let facts: GameFactColumns | null = null;
      if (first.outcome === "no_touchdown") facts = { ...CLEARED_FACTS, noTd: 1 };
      if (first.outcome === "touchdown") {
        const scorer = await resolveScorer(ctx.db, espn, live, summary, first.play, first.scorerName, first.team, budget);
        facts = {
          firstTdPlayerId: scorer.playerId,
          firstTdPlayerName: scorer.playerName,
          firstTdTeam: first.team,
          firstTdKind: first.kind as FirstTdKind,
          firstTdPlayText: first.play.text,
          noTd: 0,
        };
        if (scorer.playerId === null) unresolved.push({ gameId: game.id, scorerName: first.scorerName, team: first.team, text: first.play.text });
        else recorded.push({ gameId: game.id, scorer: scorer.playerName, playerId: scorer.playerId, via: scorer.via });
      }
      if (facts && !sameFacts(game, facts)) factsWrite = firstTdFactsStatement(ctx.db.d1, game.id, facts, LIVE_SYNC_RECORDER, ctx.now);
    } else if (needsFacts) {
      skipped.push({ gameId: game.id, reason: "upstream call budget of this run spent" });
    }
    if (factsWrite) writes.push(factsWrite);
    if (statusWrite || factsWrite) updatedGames++;
  }

  await ctx.db.batch(writes);
  return {
    read: events.length,
    inserted: 0,
    updated: updatedGames,
    unchanged: Math.max(0, games.length - updatedGames - skipped.length),
    rejected: rejectedEvents.length + skipped.length,
    details: {
      watchedGames: games.length,
      upstreamCalls: budget.calls,
      firstTdRecorded: recorded,
      unresolvedScorers: unresolved,
      skipped,
      rejectedEvents: firstFew(rejectedEvents),
    },
  };
}
