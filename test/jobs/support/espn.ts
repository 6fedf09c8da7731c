/**
 * ESPN bodies in the shape of the real samples in ../shared/data/espn (scoreboard_2022_week11.json,
 * summary_2026wk1_CLE_at_JAX_401872922.json, core_plays_401220181_all.json), trimmed to the fields the
 * upstream sends that matter here plus a few around them. Team ids and abbreviations are ESPN's (LAR, WSH).
 */
import { TEAMS } from "../../../src/domain/teams";

export type GameState = "pre" | "in" | "post" | "postponed";

function espnTeam(code: string) {
  const team = TEAMS.find((t) => t.code === code);
  if (!team) throw new Error(`no team ${code}`);
  return {
    id: String(team.espnTeamId),
    uid: `s:20~l:28~t:${team.espnTeamId}`,
    abbreviation: team.espnCode,
    displayName: team.name,
  };
}

function statusOf(state: GameState, period = 0, clock = "0:00") {
  const type =
    state === "pre"
      ? { id: "1", name: "STATUS_SCHEDULED", state: "pre", completed: false, description: "Scheduled" }
      : state === "in"
        ? { id: "2", name: "STATUS_IN_PROGRESS", state: "in", completed: false, description: "In Progress" }
        : state === "post"
          ? { id: "3", name: "STATUS_FINAL", state: "post", completed: true, description: "Final" }
          : { id: "6", name: "STATUS_POSTPONED", state: "post", completed: false, description: "Postponed" };
  return { clock: 0, displayClock: clock, period, type: { ...type, detail: type.description, shortDetail: type.description } };
}

/** ESPN writes instants without seconds: '2025-09-05T00:20Z'. */
function espnDate(utc: string): string {
  return utc.replace(/:00Z$/, "Z").replace(/:00\.000Z$/, "Z");
}

export interface EventSpec {
  eventId: string;
  kickoffAt: string;
  away: string;
  home: string;
  state: GameState;
  awayScore?: number;
  homeScore?: number;
  season?: number;
  week?: number;
}

export function scoreboardEvent(spec: EventSpec) {
  const status = statusOf(spec.state, spec.state === "in" ? 2 : spec.state === "post" ? 4 : 0);
  const competitor = (side: "home" | "away", code: string, score: number | undefined, order: number) => ({
    id: espnTeam(code).id,
    uid: espnTeam(code).uid,
    type: "team",
    order,
    homeAway: side,
    team: { ...espnTeam(code), location: espnTeam(code).displayName.split(" ").slice(0, -1).join(" "), isActive: true },
    // ESPN sends scores as strings, "0" before kickoff.
    score: String(score ?? 0),
  });
  return {
    id: spec.eventId,
    uid: `s:20~l:28~e:${spec.eventId}`,
    date: espnDate(spec.kickoffAt),
    name: `${espnTeam(spec.away).displayName} at ${espnTeam(spec.home).displayName}`,
    shortName: `${espnTeam(spec.away).abbreviation} @ ${espnTeam(spec.home).abbreviation}`,
    season: { year: spec.season ?? 2025, type: 2, slug: "regular-season" },
    week: { number: spec.week ?? 1 },
    competitions: [
      {
        id: spec.eventId,
        uid: `s:20~l:28~e:${spec.eventId}~c:${spec.eventId}`,
        date: espnDate(spec.kickoffAt),
        type: { id: "1", abbreviation: "STD" },
        timeValid: true,
        neutralSite: false,
        status,
        startDate: espnDate(spec.kickoffAt),
        competitors: [competitor("home", spec.home, spec.homeScore, 0), competitor("away", spec.away, spec.awayScore, 1)],
      },
    ],
    status,
  };
}

export function scoreboard(events: EventSpec[], week = 1, season = 2025) {
  return {
    leagues: [{ id: "28", uid: "s:20~l:28", name: "National Football League", abbreviation: "NFL", slug: "nfl" }],
    season: { type: 2, year: season },
    week: { number: week },
    events: events.map(scoreboardEvent),
  };
}

export interface PlaySpec {
  id: string;
  /** ESPN play type text: 'Passing Touchdown', 'Rushing Touchdown', 'Interception Return Touchdown', 'Field Goal Good'. */
  type: string;
  text: string;
  /** nflverse code of the scoring team. */
  team: string;
  period: number;
  /** Game clock 'M:SS', counting down. */
  clock: string;
  awayScore: number;
  homeScore: number;
}

function scoringTypeOf(type: string) {
  if (/touchdown/i.test(type)) return { name: "touchdown", displayName: "Touchdown", abbreviation: "TD" };
  if (/field goal/i.test(type)) return { name: "field-goal", displayName: "Field Goal", abbreviation: "FG" };
  return { name: "safety", displayName: "Safety", abbreviation: "SF" };
}

function clockValue(clock: string): number {
  const [minutes, seconds] = clock.split(":").map(Number) as [number, number];
  return minutes * 60 + seconds;
}

export function scoringPlay(play: PlaySpec) {
  const team = espnTeam(play.team);
  return {
    id: play.id,
    type: { id: /pass/i.test(play.type) ? "67" : /rush/i.test(play.type) ? "68" : "59", text: play.type, abbreviation: /touchdown/i.test(play.type) ? "TD" : "FG" },
    text: play.text,
    awayScore: play.awayScore,
    homeScore: play.homeScore,
    period: { number: play.period },
    clock: { value: clockValue(play.clock), displayValue: play.clock },
    team: { id: team.id, uid: team.uid, displayName: team.displayName, abbreviation: team.abbreviation },
    scoringType: scoringTypeOf(play.type),
  };
}

export interface SummarySpec extends EventSpec {
  plays: PlaySpec[];
  /** Box score athletes per team code: [ESPN athlete id, display name]. */
  box?: Record<string, [string, string][]>;
}

export function summary(spec: SummarySpec) {
  const event = scoreboardEvent(spec);
  const competition = event.competitions[0]!;
  return {
    boxscore: {
      players: Object.entries(spec.box ?? {}).map(([code, athletes]) => ({
        team: { ...espnTeam(code), slug: espnTeam(code).displayName.toLowerCase().replace(/ /g, "-") },
        statistics: [
          {
            name: "receiving",
            keys: ["receptions", "receivingYards", "yardsPerReception", "receivingTouchdowns", "longReception", "receivingTargets"],
            labels: ["REC", "YDS", "AVG", "TD", "LONG", "TGTS"],
            athletes: athletes.map(([id, displayName]) => ({
              athlete: { id, firstName: displayName.split(" ")[0], lastName: displayName.split(" ").slice(1).join(" "), displayName },
              stats: ["1", "10", "10.0", "0", "10", "1"],
            })),
          },
        ],
      })),
    },
    scoringPlays: spec.plays.map(scoringPlay),
    header: {
      id: spec.eventId,
      uid: event.uid,
      season: { year: spec.season ?? 2025, current: true, type: 2 },
      timeValid: true,
      competitions: [
        {
          id: competition.id,
          uid: competition.uid,
          date: competition.date,
          neutralSite: false,
          boxscoreAvailable: true,
          status: { type: competition.status.type },
          competitors: competition.competitors.map((c) => ({
            id: c.id,
            uid: c.uid,
            order: c.order,
            homeAway: c.homeAway,
            team: c.team,
            score: c.score,
          })),
        },
      ],
      week: spec.week ?? 1,
    },
  };
}

/** One play of the core API, as `/events/{id}/competitions/{id}/plays/{playId}` returns it. */
export function corePlay(spec: {
  eventId: string;
  play: PlaySpec;
  season?: number;
  /** [participant type ('passer', 'receiver', 'rusher', 'scorer', 'patScorer', ...), ESPN athlete id]. */
  participants: [string, string][];
}) {
  const base = "http://sports.core.api.espn.com/v2/sports/football/leagues/nfl";
  const season = spec.season ?? 2025;
  const team = espnTeam(spec.play.team);
  const scoring = scoringPlay(spec.play);
  return {
    $ref: `${base}/events/${spec.eventId}/competitions/${spec.eventId}/plays/${spec.play.id}?lang=en&region=us`,
    id: spec.play.id,
    type: scoring.type,
    text: spec.play.text,
    shortText: spec.play.text,
    awayScore: spec.play.awayScore,
    homeScore: spec.play.homeScore,
    period: scoring.period,
    clock: scoring.clock,
    scoringPlay: true,
    scoreValue: scoring.scoringType.name === "touchdown" ? 6 : 3,
    team: { $ref: `${base}/seasons/${season}/teams/${team.id}?lang=en&region=us` },
    participants: spec.participants.map(([type, athleteId], index) => ({
      athlete: { $ref: `${base}/seasons/${season}/athletes/${athleteId}?lang=en&region=us` },
      order: index + 1,
      type,
    })),
    scoringType: scoring.scoringType,
  };
}
