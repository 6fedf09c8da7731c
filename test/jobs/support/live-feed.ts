/**
 * Fixtures of the live-sync tests: players with ESPN ids on a season's rosters, games as the schedule sync stores
 * them, what ESPN says about a game at one moment (scoreboard, summary, core plays), and the game's facts and
 * grading as the database has them afterwards.
 */
import { env } from "cloudflare:test";
import { expect } from "vitest";
import { findDifferences } from "../../../src/db/recompute";
import { easternDateOf } from "../../../src/domain/eastern-time";
import { normalizePlayerName } from "../../../src/domain/names";
import { addWeek } from "../../helpers/league";
import { row, rows } from "./db";
import { corePlay, scoreboard, summary, type BoxAthlete, type GameState, type PlaySpec } from "./espn";
import { json, status, urls, type FakeUpstream } from "./upstream";

export interface SeedPlayer {
  id: string;
  name: string;
  team: string;
  position: string;
  espnId: string | null;
}

/** The players (once) and their roster rows of `season`, as the roster sync leaves them. */
export async function seedRoster(season: number, players: SeedPlayer[]) {
  await env.DB.batch(
    players.flatMap((p) => [
      env.DB.prepare("INSERT INTO players (id, full_name, name_key, espn_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING").bind(
        p.id,
        p.name,
        normalizePlayerName(p.name),
        p.espnId,
      ),
      env.DB.prepare(
        "INSERT INTO rosters (season, player_id, player_name, team, position, raw_position, status) VALUES (?, ?, ?, ?, ?, ?, 'ACT')",
      ).bind(season, p.id, p.name, p.team, p.position, p.position),
    ]),
  );
}

export interface LiveGame {
  id: string;
  season: number;
  week: number;
  away: string;
  home: string;
  kickoffAt: string;
  /** ESPN event id; null: the schedule has none, and the game is found on the scoreboard by teams and date. */
  eventId: string | null;
}

/**
 * The game as the schedule sync stores it: scheduled, or (`final`) final with its score and no first-TD facts, as an
 * old season's games are when the schedule is loaded after they were played. Its week is created if needed.
 */
export async function seedLiveGame(game: LiveGame, final?: { away: number; home: number }) {
  await env.DB.prepare(
    `INSERT INTO games (id, season, week, game_type, kickoff_at, home_team, away_team, status, espn_event_id, away_score, home_score)
     VALUES (?, ?, ?, 'REG', ?, ?, ?, ?, ?, ?, ?)`,
  )
    .bind(game.id, game.season, game.week, game.kickoffAt, game.home, game.away, final ? "final" : "scheduled", game.eventId, final?.away ?? null, final?.home ?? null)
    .run();
  const week = await row("SELECT id FROM weeks WHERE season = ? AND week = ?", game.season, game.week);
  if (!week) await addWeek(env.DB, game.season, game.week);
}

export function play(id: string, type: string, text: string, team: string, period: number, clock: string, awayScore: number, homeScore: number): PlaySpec {
  return { id, type, text, team, period, clock, awayScore, homeScore };
}

export interface FeedOptions {
  score?: [away: number, home: number];
  plays?: PlaySpec[];
  box?: Record<string, BoxAthlete[]>;
  /** playId -> participants of the core play, or an HTTP status the core API answers with (404 when left out). */
  core?: Record<string, [string, string][] | number>;
}

/** The event of `game` in ESPN's own terms, at `state`. */
export function eventOf(game: LiveGame, state: GameState, score: [away: number, home: number] = [0, 0]) {
  if (game.eventId === null) throw new Error(`${game.id} has no ESPN event id`);
  return { eventId: game.eventId, kickoffAt: game.kickoffAt, away: game.away, home: game.home, state, awayScore: score[0], homeScore: score[1], season: game.season, week: game.week };
}

/** The summary body of `game` at `state` (to be altered before it is served, for the faulty ones). */
export function summaryOf(game: LiveGame, state: GameState, options: FeedOptions = {}) {
  return summary({ ...eventOf(game, state, options.score), plays: options.plays ?? [], box: options.box });
}

/** What ESPN says about a game right now: its day's scoreboard, its summary and, per scoring play, the core API play. */
export function feed(upstream: FakeUpstream, game: LiveGame, state: GameState, options: FeedOptions = {}) {
  const event = eventOf(game, state, options.score);
  upstream.on(urls.scoreboard(easternDateOf(game.kickoffAt)!), json(scoreboard([event], game.week, game.season)));
  upstream.on(urls.summary(event.eventId), json(summaryOf(game, state, options)));
  for (const scoring of options.plays ?? []) {
    const core = options.core?.[scoring.id] ?? 404;
    upstream.on(
      urls.corePlay(event.eventId, scoring.id),
      typeof core === "number" ? status(core) : json(corePlay({ eventId: event.eventId, play: scoring, season: game.season, participants: core })),
    );
  }
}

export interface Facts {
  status: string;
  away_score: number | null;
  home_score: number | null;
  first_td_player_id: string | null;
  first_td_player_name: string | null;
  first_td_team: string | null;
  first_td_kind: string | null;
  no_td: number;
  first_td_recorded_by: string | null;
}

export async function facts(gameId: string): Promise<Facts> {
  return (await row<Facts>(
    `SELECT status, away_score, home_score, first_td_player_id, first_td_player_name, first_td_team, first_td_kind, no_td,
       first_td_recorded_by FROM games WHERE id = ?`,
    gameId,
  ))!;
}

/** Each pick of the game by its player: [outcome, profit in hundredths of a unit], [null, null] while ungraded. */
export async function outcomes(gameId: string): Promise<Record<string, [string | null, number | null]>> {
  const graded = await rows<{ player_id: string; outcome: string | null; profit_cu: number | null }>(
    "SELECT p.player_id, r.outcome, r.profit_cu FROM picks p LEFT JOIN results r ON r.pick_id = p.id WHERE p.game_id = ? ORDER BY p.id",
    gameId,
  );
  return Object.fromEntries(graded.map((g) => [g.player_id, [g.outcome, g.profit_cu]]));
}

export interface FeedCheck {
  problem: string | null;
  detail: string | null;
  problem_since: string | null;
  attempts: number;
  checked_at: string;
  next_check_at: string | null;
}

/** The live sync's last look at the game (game_feed_checks), null once the game is settled. */
export async function feedCheck(gameId: string): Promise<FeedCheck | null> {
  return row<FeedCheck>("SELECT problem, detail, problem_since, attempts, checked_at, next_check_at FROM game_feed_checks WHERE game_id = ?", gameId);
}

/** Results, standings and player stats of the season are exactly what a full recompute from the facts gives. */
export async function expectExactGrading(season: number) {
  expect(await findDifferences(env.DB, { season })).toEqual({ results: [], standings: [], playerStats: [] });
}
