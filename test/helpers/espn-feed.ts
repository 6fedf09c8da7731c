/**
 * What ESPN says about one game at one moment, served by a FakeUpstream (test/jobs/support/upstream.ts): the game's
 * scoreboard (its US-Eastern date), its summary, and the core API play of each scoring play (404 unless its
 * participants are given, as when the core API has not caught up).
 */
import { easternDateOf } from "../../src/domain/eastern-time";
import { corePlay, scoreboard, summary, type GameState, type PlaySpec } from "../jobs/support/espn";
import { json, status, urls, type FakeUpstream } from "../jobs/support/upstream";

export interface FeedGame {
  espnEventId?: string | undefined;
  season: number;
  week: number;
  away: string;
  home: string;
  kickoffAt: string;
}

export function espnSays(
  upstream: FakeUpstream,
  game: FeedGame,
  state: GameState,
  [awayScore, homeScore]: [number, number],
  plays: PlaySpec[] = [],
  participants: Record<string, [string, string][]> = {},
) {
  const eventId = game.espnEventId;
  if (!eventId) throw new Error("a game ESPN knows has an ESPN event id");
  const event = { eventId, kickoffAt: game.kickoffAt, away: game.away, home: game.home, state, awayScore, homeScore, season: game.season, week: game.week };
  upstream.on(urls.scoreboard(easternDateOf(game.kickoffAt)!), json(scoreboard([event], game.week, game.season)));
  upstream.on(urls.summary(eventId), json(summary({ ...event, plays })));
  for (const play of plays) {
    const scorer = participants[play.id];
    upstream.on(urls.corePlay(eventId, play.id), scorer ? json(corePlay({ eventId, play, season: game.season, participants: scorer })) : status(404));
  }
}

/** A scoring play: `[away, home]` is the score after it. */
export function scoringPlay(id: string, type: string, text: string, team: string, period: number, clock: string, [awayScore, homeScore]: [number, number]): PlaySpec {
  return { id, type, text, team, period, clock, awayScore, homeScore };
}
