/**
 * A games.csv in nflverse's columns (the ones the schedule sync reads, and weekday), built from games whose kickoffs
 * are UTC instants: nflverse lists them as US-Eastern wall clocks, so a test can publish kickoffs computed from the
 * real time (test/helpers/real-clock.ts).
 */
import { easternWallClockOf } from "./real-clock";

export interface PublishedGame {
  id: string;
  season: number;
  week: number;
  away: string;
  home: string;
  /** A whole minute, UTC. */
  kickoffAt: string;
  /** Both or neither: a final score. */
  awayScore?: number;
  homeScore?: number;
  espnEventId?: string;
}

const HEADER = "game_id,season,game_type,week,gameday,weekday,gametime,away_team,away_score,home_team,home_score,espn";
const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

export function gamesCsv(games: readonly PublishedGame[]): string {
  const lines = games.map((g) => {
    const { gameday, gametime } = easternWallClockOf(g.kickoffAt);
    const weekday = WEEKDAYS[new Date(`${gameday}T12:00:00Z`).getUTCDay()];
    return [g.id, g.season, "REG", g.week, gameday, weekday, gametime, g.away, g.awayScore ?? "", g.home, g.homeScore ?? "", g.espnEventId ?? ""].join(",");
  });
  return [HEADER, ...lines, ""].join("\n");
}
