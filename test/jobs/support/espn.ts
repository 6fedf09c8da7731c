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

function statusOf(state: GameState, period = 0, clock = "0:00", overtime = false) {
  const type =
    state === "pre"
      ? { id: "1", name: "STATUS_SCHEDULED", state: "pre", completed: false, description: "Scheduled" }
      : state === "in"
        ? { id: "2", name: "STATUS_IN_PROGRESS", state: "in", completed: false, description: "In Progress" }
        : state === "post"
          ? { id: "3", name: "STATUS_FINAL", state: "post", completed: true, description: "Final" }
          : { id: "6", name: "STATUS_POSTPONED", state: "post", completed: false, description: "Postponed" };
  // A game decided in overtime is 'Final/OT' (altDetail 'OT'), as in summary_401671702_SEA_at_NE_2024wk2.json.
  if (state === "post" && overtime) {
    return { clock: 0, displayClock: clock, period, type: { ...type, altDetail: "OT", detail: "Final/OT", shortDetail: "Final/OT" } };
  }
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
  /** ESPN season type: 2 regular season (the default), 3 postseason. */
  seasonType?: number;
  /** A final game that went to overtime: period 5 and 'Final/OT'. */
  overtime?: boolean;
}

export function scoreboardEvent(spec: EventSpec) {
  const status = statusOf(spec.state, spec.state === "in" ? 2 : spec.state === "post" ? (spec.overtime ? 5 : 4) : 0, "0:00", spec.overtime);
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
    season: { year: spec.season ?? 2025, type: spec.seasonType ?? 2, slug: (spec.seasonType ?? 2) === 3 ? "post-season" : "regular-season" },
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

export function scoreboard(events: EventSpec[], week = 1, season = 2025, seasonType = 2) {
  return {
    leagues: [{ id: "28", uid: "s:20~l:28", name: "National Football League", abbreviation: "NFL", slug: "nfl" }],
    season: { type: seasonType, year: season },
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
  /**
   * ESPN play type id and abbreviation when the defaults (67 pass, 68 run, else 59; TD or FG) are wrong for the
   * type: 36 interception return TD, 39 fumble return TD, 38 blocked field goal TD, 20 safety ('SF'), ...
   */
  typeId?: string;
  typeAbbreviation?: string;
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
    type: {
      id: play.typeId ?? (/pass/i.test(play.type) ? "67" : /rush/i.test(play.type) ? "68" : "59"),
      text: play.type,
      abbreviation: play.typeAbbreviation ?? (/touchdown/i.test(play.type) ? "TD" : "FG"),
    },
    text: play.text,
    awayScore: play.awayScore,
    homeScore: play.homeScore,
    period: { number: play.period },
    clock: { value: clockValue(play.clock), displayValue: play.clock },
    team: { id: team.id, uid: team.uid, displayName: team.displayName, abbreviation: team.abbreviation },
    scoringType: scoringTypeOf(play.type),
  };
}

/**
 * A box score athlete: [ESPN athlete id, display name], optionally with the stat category he is listed under
 * ('passing', 'rushing', 'receiving', 'fumbles', 'defensive', 'interceptions', 'kickReturns', 'puntReturns', 'kicking';
 * 'receiving' when left out). An athlete may be listed under several categories, as in the real box scores.
 */
export type BoxAthlete = [id: string, displayName: string] | [id: string, displayName: string, category: string];

export interface SummarySpec extends EventSpec {
  plays: PlaySpec[];
  /** Box score athletes per team code. */
  box?: Record<string, BoxAthlete[]>;
}

/** Keys, labels and a filler stat line of the box score categories, as in the real summaries. */
const BOX_CATEGORIES: Record<string, { keys: string[]; labels: string[]; stats: string[] }> = {
  passing: {
    keys: ["completions/passingAttempts", "passingYards", "yardsPerPassAttempt", "passingTouchdowns", "interceptions", "sacks-sackYardsLost", "adjQBR", "QBRating"],
    labels: ["C/ATT", "YDS", "AVG", "TD", "INT", "SACKS", "QBR", "RTG"],
    stats: ["20/30", "220", "7.3", "1", "0", "2-10", "55.0", "95.0"],
  },
  rushing: {
    keys: ["rushingAttempts", "rushingYards", "yardsPerRushAttempt", "rushingTouchdowns", "longRushing"],
    labels: ["CAR", "YDS", "AVG", "TD", "LONG"],
    stats: ["10", "45", "4.5", "0", "12"],
  },
  receiving: {
    keys: ["receptions", "receivingYards", "yardsPerReception", "receivingTouchdowns", "longReception", "receivingTargets"],
    labels: ["REC", "YDS", "AVG", "TD", "LONG", "TGTS"],
    stats: ["1", "10", "10.0", "0", "10", "1"],
  },
  defensive: {
    keys: ["totalTackles", "soloTackles", "sacks", "tacklesForLoss", "passesDefended", "QBHits", "defensiveTouchdowns"],
    labels: ["TOT", "SOLO", "SACKS", "TFL", "PD", "QB HTS", "TD"],
    stats: ["5", "4", "0", "0", "1", "0", "0"],
  },
  fumbles: { keys: ["fumbles", "fumblesLost", "fumblesRecovered"], labels: ["FUM", "LOST", "REC"], stats: ["1", "0", "1"] },
  interceptions: { keys: ["interceptions", "interceptionYards", "interceptionTouchdowns"], labels: ["INT", "YDS", "TD"], stats: ["1", "20", "0"] },
  kickReturns: {
    keys: ["kickReturns", "kickReturnYards", "yardsPerKickReturn", "longKickReturn", "kickReturnTouchdowns"],
    labels: ["NO", "YDS", "AVG", "LONG", "TD"],
    stats: ["2", "44", "22.0", "25", "0"],
  },
  puntReturns: {
    keys: ["puntReturns", "puntReturnYards", "yardsPerPuntReturn", "longPuntReturn", "puntReturnTouchdowns"],
    labels: ["NO", "YDS", "AVG", "LONG", "TD"],
    stats: ["2", "6", "3.0", "8", "0"],
  },
  kicking: {
    keys: ["fieldGoalsMade/fieldGoalAttempts", "fieldGoalPct", "longFieldGoalMade", "extraPointsMade/extraPointAttempts", "totalKickingPoints"],
    labels: ["FG", "PCT", "LONG", "XP", "PTS"],
    stats: ["1/1", "100.0", "40", "1/1", "4"],
  },
};

function boxCategories(athletes: BoxAthlete[]) {
  // 'receiving' first, and kept even when empty unless other categories exist (a team without athletes has it).
  const byCategory = new Map<string, BoxAthlete[]>([["receiving", []]]);
  for (const athlete of athletes) {
    const category = athlete[2] ?? "receiving";
    byCategory.set(category, [...(byCategory.get(category) ?? []), athlete]);
  }
  if (byCategory.size > 1 && byCategory.get("receiving")!.length === 0) byCategory.delete("receiving");
  return [...byCategory].map(([name, listed]) => {
    const known = BOX_CATEGORIES[name] ?? BOX_CATEGORIES.receiving!;
    return {
      name,
      keys: known.keys,
      labels: known.labels,
      athletes: listed.map(([id, displayName]) => ({
        athlete: { id, firstName: displayName.split(" ")[0], lastName: displayName.split(" ").slice(1).join(" "), displayName },
        stats: known.stats,
      })),
    };
  });
}

export function summary(spec: SummarySpec) {
  const event = scoreboardEvent(spec);
  const competition = event.competitions[0]!;
  return {
    boxscore: {
      players: Object.entries(spec.box ?? {}).map(([code, athletes]) => ({
        team: { ...espnTeam(code), slug: espnTeam(code).displayName.toLowerCase().replace(/ /g, "-") },
        statistics: boxCategories(athletes),
      })),
    },
    scoringPlays: spec.plays.map(scoringPlay),
    header: {
      id: spec.eventId,
      uid: event.uid,
      season: { year: spec.season ?? 2025, current: true, type: spec.seasonType ?? 2 },
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
