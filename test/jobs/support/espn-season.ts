/**
 * A whole real season as ESPN would serve it, for replaying it to the live sync (a backfill): one scoreboard per
 * US-Eastern kickoff date, one game summary per game and one core API play per touchdown, all built with the
 * builders of ./espn from the truth file (../shared/data/truth/first_td_2023_2025.csv) and the nflverse files.
 *
 * Only the truth's facts are real: final score, overtime, and the first touchdown (team, quarter, clock, scorer,
 * kind, extra point). The other scoring plays are invented, but consistent: each team's plays add up to its
 * final score, every increase fits its play type (TD +6/+7/+8, FG +3, safety +2), nothing before the first TD
 * is a touchdown, and an overtime game is tied after regulation whenever a one- or two-play overtime can
 * produce its final margin.
 *
 * Determinism: no Math.random; every choice comes from prng(seed ^ hash(game id or gsis id)), so a game's feed
 * does not change when another game is added or removed.
 *
 * Resolution paths (which way the live sync has to go to name the scorer), chosen per game:
 *  - core_play (about half): the core API play of the first TD names the scorer by ESPN athlete id;
 *  - boxscore (about a quarter): every core play of the game answers 404, the box score lists the scorer (id + name);
 *  - roster_name (about a quarter): core plays 404 and the scorer is missing from the box score, so only his name
 *    (possibly through nflverse's alias list) matched against the season roster can find him.
 * Forced regardless of the draw: a scorer without any known ESPN id gets roster_name; a scorer whose feed name only
 * an alias can match gets roster_name (the one path where the alias matters); roster_name falls back to boxscore
 * when the name would not be unique on his team's roster.
 */
import type { FirstTdKind } from "../../../src/domain/grading";
import { easternDateOf, easternWallClockToUtc } from "../../../src/domain/eastern-time";
import { normalizePlayerName } from "../../../src/domain/names";
import { cell, parseCsv } from "../../../src/sources/csv";
import { prng } from "../../helpers/prng";
import { corePlay, scoreboard, summary, type BoxAthlete, type EventSpec, type PlaySpec } from "./espn";


// ---------------------------------------------------------------------------------------------------------------
// Public API

export type TruthTdKind =
  | "rush"
  | "receiving"
  | "interception_return"
  | "punt_return"
  | "kickoff_return"
  | "opp_fumble_recovery"
  | "own_fumble_recovery"
  | "misc_return";

export type ResolutionPath = "core_play" | "boxscore" | "roster_name";

/** How the scorer's name in the feed differs from his roster_2025.csv full_name (the name key stays equal except for 'alias'). */
export type NameVariant = "as_roster" | "alias" | "suffix" | "punctuation";

export interface ReplayFirstTd {
  /** nflverse code of the scoring team (the scorer's team, also on return TDs). */
  team: string;
  gsisId: string;
  /** first_td_full_name of the truth file. */
  truthName: string;
  kind: TruthTdKind;
  /** What the system should record as first_td_kind. */
  expectedKind: FirstTdKind;
  period: number;
  /** ESPN display clock, 'M:SS' remaining. */
  clock: string;
  espnPlayId: string;
  /** The summary's play text. */
  text: string;
  /** The scorer's name as the feed writes it (play text, box score). */
  feedName: string;
  nameVariant: NameVariant;
  /** The feed name and the roster name have different name keys: only an alias can match them. */
  aliasNeeded: boolean;
  /** The scorer's ESPN athlete id used in the feed (roster_2025.csv, else the db_playerids crosswalk), null if none known. */
  espnId: string | null;
  espnIdSource: "roster" | "crosswalk" | null;
  /** The scorer is on roster_2025.csv (by gsis id); when false, an unresolved scorer is the accepted outcome. */
  onRoster: boolean;
  rosterTeam: string | null;
  rosterName: string | null;
  path: ResolutionPath;
  /** Why the path was forced instead of drawn, or null. */
  pathNote: string | null;
}

export interface ReplayGame {
  /** nflverse game id ('2025_01_DAL_PHI'). */
  gameId: string;
  season: number;
  seasonType: string;
  week: number;
  /** Actual kickoff (truth), 'YYYY-MM-DDTHH:MM:SSZ'. */
  kickoffAt: string;
  /** Kickoff per games.csv (a snapshot: a few late-season games were moved afterwards), null if absent. */
  scheduledKickoffAt: string | null;
  /** US-Eastern date of the actual kickoff: the scoreboard that lists the game. */
  easternDate: string;
  espnEventId: string;
  awayTeam: string;
  homeTeam: string;
  awayScore: number;
  homeScore: number;
  overtime: boolean;
  noTd: boolean;
  firstTd: ReplayFirstTd | null;
  scoreboardUrl: string;
  summaryUrl: string;
  /** Core play URLs of every TD of the game (bodies, or NOT_FOUND on the boxscore and roster_name paths). */
  corePlayUrls: string[];
}

export interface SeasonFeedReport {
  games: number;
  paths: Record<ResolutionPath, number>;
  /** First-TD scorers (distinct players) and their games that roster_2025.csv lacks. */
  scorersMissingFromRoster: { players: number; games: number };
  /** Scorers whose roster row has no ESPN id but the crosswalk has one, and those without any. */
  scorersEspnIdFromCrosswalk: number;
  scorersWithoutEspnId: string[];
  /** Distinct scorers written with the alias list's other spelling, and those of them needing the alias to match. */
  aliasScorers: { players: number; games: number; aliasNeededPlayers: number };
  nameVariants: Record<NameVariant, number>;
  /** Overtime games whose final margin no short overtime can produce: their plays are all in regulation. */
  overtimeInRegulation: string[];
  /** Games played at another time than games.csv says ([game id, scheduled, actual]). */
  movedKickoffs: [string, string | null, string][];
  /** Of those, the games played on another Eastern date: the scoreboard of the games.csv date does not list them. */
  movedToAnotherDate: string[];
  /** Dates only games.csv has (a moved game's old date): served an empty scoreboard. */
  emptyScoreboardDates: string[];
  /** Truth rows left out of the feed, with the reason. */
  unrepresentable: { gameId: string; reason: string }[];
}

export interface SeasonFeed {
  games: ReplayGame[];
  /** Upstream URL -> JSON body, or NOT_FOUND where the upstream answers 404. */
  bodies: Map<string, unknown>;
  report: SeasonFeedReport;
}

export interface SeasonFeedInput {
  truthCsv: string;
  gamesCsv: string;
  rosterCsv: string;
  playerIdsCsv: string;
  aliasesCsv: string;
  season: number;
  seasonType: "REG" | "POST";
  /** Varies every seeded choice (default 2025). */
  seed?: number;
  /** Where the URLs point. */
  bases: EspnBases;
}

/** The body of a URL that answers HTTP 404: compare by identity, or with isNotFound. */
export const NOT_FOUND: { readonly status: 404 } = Object.freeze({ status: 404 as const });

export function isNotFound(body: unknown): body is typeof NOT_FOUND {
  return body === NOT_FOUND;
}

/** The base URLs the feed's URLs start with (ESPN_SITE_API_URL, ESPN_CORE_API_URL: a test's, or a local server's). */
export interface EspnBases {
  site: string;
  core: string;
}

/** ESPN's URLs under the given bases, with ESPN's own paths (as src/sources/espn/client.ts asks for them). */
export function espnUrls(bases: EspnBases) {
  const site = bases.site.replace(/\/+$/, "");
  const core = bases.core.replace(/\/+$/, "");
  return {
    /** `date`: the Eastern calendar date, 'YYYY-MM-DD'. */
    scoreboard: (date: string) => `${site}/apis/site/v2/sports/football/nfl/scoreboard?dates=${date.replace(/-/g, "")}`,
    summary: (eventId: string) => `${site}/apis/site/v2/sports/football/nfl/summary?event=${eventId}`,
    corePlay: (eventId: string, playId: string) =>
      `${core}/v2/sports/football/leagues/nfl/events/${eventId}/competitions/${eventId}/plays/${playId}`,
  };
}

type EspnUrls = ReturnType<typeof espnUrls>;

// ---------------------------------------------------------------------------------------------------------------
// Inputs

interface TruthRow {
  gameId: string;
  season: number;
  seasonType: string;
  week: number;
  kickoffAt: string;
  away: string;
  home: string;
  awayScore: number;
  homeScore: number;
  phase: string;
  nTd: number;
  team: string;
  gsisId: string;
  fullName: string;
  kind: string;
  quarter: number;
  /** Seconds remaining in the quarter. */
  clockSeconds: number;
  description: string;
}

interface RosterPlayer {
  gsisId: string;
  espnId: string | null;
  espnIdSource: "roster" | "crosswalk" | null;
  fullName: string;
  firstName: string;
  lastName: string;
  team: string;
  position: string;
  active: boolean;
}

interface Sources {
  roster: RosterPlayer[];
  byGsis: Map<string, RosterPlayer>;
  byTeam: Map<string, RosterPlayer[]>;
  /** Name key -> the alias list's spellings of that player's name (the group of one correct_name). */
  aliasGroups: Map<string, string[]>;
  /** games.csv by game id: ESPN event id and scheduled kickoff. */
  schedule: Map<string, { espnEventId: string; kickoffAt: string | null }>;
  /** db_playerids.csv: gsis id -> ESPN id. */
  crosswalk: Map<string, string>;
  urls: EspnUrls;
}

/** pandas writes integer ids as floats ('4429025.0'). */
function intId(text: string): string | null {
  const match = /^(\d+)(?:\.0+)?$/.exec(text.trim());
  return match ? match[1]! : null;
}

function clockSecondsOf(text: string): number {
  const [minutes, seconds] = text.split(":").map(Number);
  return (minutes ?? 0) * 60 + (seconds ?? 0);
}

function readTruth(text: string, season: number, seasonType: string): TruthRow[] {
  const table = parseCsv(text, ["game_id", "season", "season_type", "kickoff_utc", "away_score", "home_score", "td_kind", "quarter", "clock"]);
  return table.rows
    .filter((row) => Number(cell(row, "season")) === season && cell(row, "season_type") === seasonType)
    .map((row) => ({
      gameId: cell(row, "game_id"),
      season,
      seasonType,
      week: Number(cell(row, "week")),
      kickoffAt: cell(row, "kickoff_utc"),
      away: cell(row, "away_team"),
      home: cell(row, "home_team"),
      awayScore: Number(cell(row, "away_score")),
      homeScore: Number(cell(row, "home_score")),
      phase: cell(row, "phase"),
      nTd: Number(cell(row, "n_td")),
      team: cell(row, "first_td_team"),
      gsisId: cell(row, "first_td_gsis_id"),
      fullName: cell(row, "first_td_full_name"),
      kind: cell(row, "td_kind"),
      quarter: Number(cell(row, "quarter") || 0),
      clockSeconds: clockSecondsOf(cell(row, "clock") || "0:00"),
      description: cell(row, "description"),
    }));
}

function readSources(input: SeasonFeedInput): Sources {
  const crosswalk = new Map<string, string>();
  for (const row of parseCsv(input.playerIdsCsv, ["gsis_id", "espn_id"]).rows) {
    const gsis = cell(row, "gsis_id");
    const espn = intId(cell(row, "espn_id"));
    if (gsis && espn && !crosswalk.has(gsis)) crosswalk.set(gsis, espn);
  }

  const roster: RosterPlayer[] = [];
  for (const row of parseCsv(input.rosterCsv, ["gsis_id", "espn_id", "full_name", "team", "position"]).rows) {
    const gsisId = cell(row, "gsis_id");
    if (!gsisId) continue;
    const own = intId(cell(row, "espn_id"));
    const fromCrosswalk = own ? null : (crosswalk.get(gsisId) ?? null);
    roster.push({
      gsisId,
      espnId: own ?? fromCrosswalk,
      espnIdSource: own ? "roster" : fromCrosswalk ? "crosswalk" : null,
      fullName: cell(row, "full_name"),
      firstName: cell(row, "first_name"),
      lastName: cell(row, "last_name"),
      team: cell(row, "team"),
      position: cell(row, "position"),
      active: cell(row, "status") === "ACT",
    });
  }
  const byTeam = new Map<string, RosterPlayer[]>();
  for (const player of roster) byTeam.set(player.team, [...(byTeam.get(player.team) ?? []), player]);

  // One group per correct_name: the correct spelling first, then its alternatives.
  const groups = new Map<string, string[]>();
  for (const row of parseCsv(input.aliasesCsv, ["correct_name", "alt_name"]).rows) {
    const correct = cell(row, "correct_name");
    groups.set(correct, [...(groups.get(correct) ?? [correct]), cell(row, "alt_name")]);
  }
  const aliasGroups = new Map<string, string[]>();
  for (const group of groups.values()) for (const name of group) aliasGroups.set(normalizePlayerName(name), group);

  const schedule = new Map<string, { espnEventId: string; kickoffAt: string | null }>();
  for (const row of parseCsv(input.gamesCsv, ["game_id", "season", "gameday", "gametime", "espn"]).rows) {
    if (Number(cell(row, "season")) !== input.season) continue;
    schedule.set(cell(row, "game_id"), {
      espnEventId: intId(cell(row, "espn")) ?? "",
      kickoffAt: easternWallClockToUtc(cell(row, "gameday"), cell(row, "gametime")),
    });
  }
  return { roster, byGsis: new Map(roster.map((p) => [p.gsisId, p])), byTeam, aliasGroups, schedule, crosswalk, urls: espnUrls(input.bases) };
}

// ---------------------------------------------------------------------------------------------------------------
// Names

/** FNV-1a: a stable 32-bit hash of a text, to seed per-game and per-player choices. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const SUFFIX = /\s+(?:Jr\.?|Sr\.?|II|III|IV|V)$/;

/**
 * The scorer's name as ESPN would display it. Players on nflverse's alias list get the list's other spelling
 * ('Chig Okonkwo' -> 'Chigoziem Okonkwo'). Others may get a variant the name key absorbs (seeded by gsis id, so a
 * player keeps his spelling all season): half of those with a generational suffix lose it ('Derek Stingley Jr.'
 * -> 'Derek Stingley'), half of those with periods, apostrophes or hyphens lose them ('A.J. Brown' -> 'AJ Brown'),
 * and one in twenty-five of the rest gains a ' Jr.' that nflverse leaves out.
 */
function feedNameOf(player: RosterPlayer, sources: Sources, seed: number): { name: string; variant: NameVariant } {
  const group = sources.aliasGroups.get(normalizePlayerName(player.fullName));
  if (group) {
    const other = group.find((name) => name !== player.fullName && normalizePlayerName(name) !== normalizePlayerName(player.fullName));
    const anyOther = other ?? group.find((name) => name !== player.fullName);
    if (anyOther) return { name: anyOther, variant: "alias" };
  }
  const rng = prng(seed ^ hash(player.gsisId));
  const name = player.fullName;
  if (SUFFIX.test(name)) return rng.chance(1 / 2) ? { name: name.replace(SUFFIX, ""), variant: "suffix" } : { name, variant: "as_roster" };
  if (/[.'-]/.test(name)) {
    return rng.chance(1 / 2) ? { name: name.replace(/[.']/g, "").replace(/-/g, " "), variant: "punctuation" } : { name, variant: "as_roster" };
  }
  return rng.chance(1 / 25) ? { name: `${name} Jr.`, variant: "suffix" } : { name, variant: "as_roster" };
}

/** The team's player an nflverse abbreviation ('J.Slye', 'A.St. Brown') names, preferring `position`. */
function playerByAbbreviation(sources: Sources, team: string, abbreviation: string, position: string): RosterPlayer | undefined {
  const match = /^([A-Za-z])[A-Za-z]*\.\s*(.+)$/.exec(abbreviation.trim());
  if (!match) return undefined;
  const initial = match[1]!.toLowerCase();
  const lastKey = normalizePlayerName(match[2]!);
  const candidates = (sources.byTeam.get(team) ?? []).filter(
    (p) => normalizePlayerName(p.lastName || p.fullName.split(" ").slice(1).join(" ")) === lastKey && (p.firstName || p.fullName).toLowerCase().startsWith(initial),
  );
  return candidates.find((p) => p.position === position && p.espnId) ?? candidates.find((p) => p.espnId) ?? candidates[0];
}

// ---------------------------------------------------------------------------------------------------------------
// Teams' usual passer and kicker

interface TeamStaff {
  qb: RosterPlayer | null;
  kicker: RosterPlayer | null;
  /** Active WR/RB/TE with ESPN ids: later TD scorers, fumblers and box score filler. */
  skill: RosterPlayer[];
}

const PASS_FROM = /pass from ([A-Z][A-Za-z]*\.\s?[A-Za-z.' -]+?)(?=\s*\(|$)/;
const KICKER = /\(([A-Z][A-Za-z]*\.\s?[A-Za-z.' -]+?) kick/;

/**
 * Each team's passer and kicker: the ones the season's truth descriptions name most often for that team
 * ('pass from J.Love', '(A.Carlson kick)'), else the first active QB / K of the roster with an ESPN id.
 */
function teamStaff(sources: Sources, truth: TruthRow[]): Map<string, TeamStaff> {
  const counts = new Map<string, Map<RosterPlayer, number>>();
  const count = (team: string, player: RosterPlayer | undefined) => {
    if (!player) return;
    const key = `${team}:${player.position}`;
    const byPlayer = counts.get(key) ?? new Map<RosterPlayer, number>();
    byPlayer.set(player, (byPlayer.get(player) ?? 0) + 1);
    counts.set(key, byPlayer);
  };
  for (const row of truth) {
    const passer = PASS_FROM.exec(row.description)?.[1];
    if (passer) count(row.team, playerByAbbreviation(sources, row.team, passer, "QB"));
    const kicker = KICKER.exec(row.description)?.[1];
    if (kicker) count(row.team, playerByAbbreviation(sources, row.team, kicker, "K"));
  }
  const mostNamed = (team: string, position: string): RosterPlayer | null => {
    const byPlayer = [...(counts.get(`${team}:${position}`) ?? new Map<RosterPlayer, number>())].filter(([p]) => p.espnId);
    byPlayer.sort((a, b) => b[1] - a[1] || a[0].gsisId.localeCompare(b[0].gsisId));
    if (byPlayer[0]) return byPlayer[0][0];
    const roster = sources.byTeam.get(team) ?? [];
    return roster.find((p) => p.position === position && p.active && p.espnId) ?? roster.find((p) => p.position === position && p.espnId) ?? null;
  };
  const staff = new Map<string, TeamStaff>();
  for (const team of sources.byTeam.keys()) {
    const roster = sources.byTeam.get(team)!.filter((p) => p.active && p.espnId);
    staff.set(team, {
      qb: mostNamed(team, "QB"),
      kicker: mostNamed(team, "K"),
      skill: roster.filter((p) => ["WR", "RB", "TE"].includes(p.position)),
    });
  }
  return staff;
}

// ---------------------------------------------------------------------------------------------------------------
// Points: which plays make up each team's score

type Score = { kind: "td"; points: 6 | 7 | 8 } | { kind: "fg"; points: 3 } | { kind: "safety"; points: 2 };

/** The cheapest way to score `points` with exactly `tds` touchdowns: mostly 7-point TDs and field goals. */
function decompose(points: number, tds: number): { scores: Score[]; cost: number } | null {
  let best: { scores: Score[]; cost: number } | null = null;
  for (let sixes = 0; sixes <= tds; sixes++) {
    for (let eights = 0; eights <= tds - sixes; eights++) {
      for (let safeties = 0; safeties <= 2; safeties++) {
        const rest = points - 6 * sixes - 8 * eights - 7 * (tds - sixes - eights) - 2 * safeties;
        if (rest < 0 || rest % 3 !== 0) continue;
        const fgs = rest / 3;
        // Missed extra points, two-point tries and safeties are rare; field goals are cheap but not free.
        const cost = 2 * sixes + 3 * eights + 5 * safeties + 0.5 * fgs;
        if (best && best.cost <= cost) continue;
        const scores: Score[] = [
          ...Array.from({ length: tds - sixes - eights }, (): Score => ({ kind: "td", points: 7 })),
          ...Array.from({ length: sixes }, (): Score => ({ kind: "td", points: 6 })),
          ...Array.from({ length: eights }, (): Score => ({ kind: "td", points: 8 })),
          ...Array.from({ length: fgs }, (): Score => ({ kind: "fg", points: 3 })),
          ...Array.from({ length: safeties }, (): Score => ({ kind: "safety", points: 2 })),
        ];
        best = { scores, cost };
      }
    }
  }
  return best;
}

/**
 * Both teams' remaining regulation scores, aiming at the truth's number of touchdowns (at least two in all, so
 * that a later TD always tests that the earliest one is taken). Null when a score cannot be made (e.g. 1 point).
 */
function splitScores(pointsA: number, pointsB: number, wantedTds: number): [Score[], Score[]] | null {
  let best: { a: Score[]; b: Score[]; cost: number } | null = null;
  for (let tdsA = 0; tdsA * 6 <= pointsA; tdsA++) {
    const a = decompose(pointsA, tdsA);
    if (!a) continue;
    for (let tdsB = 0; tdsB * 6 <= pointsB; tdsB++) {
      const b = decompose(pointsB, tdsB);
      if (!b) continue;
      const cost = a.cost + b.cost + 4 * Math.abs(tdsA + tdsB - wantedTds);
      if (!best || cost < best.cost) best = { a: a.scores, b: b.scores, cost };
    }
  }
  return best ? [best.a, best.b] : null;
}

/** A touchdown's try (extra point or two-point conversion). */
interface Try {
  points: 0 | 1 | 2;
  text: "kick" | "kick_failed" | "kick_blocked" | "pass_failed" | "run_failed" | "two_run" | "two_pass" | "none";
  /** The nflverse abbreviation of a successful two-point try's runner or receiver ('T.Etienne'). */
  who?: string;
}

/** The try of the first TD from the truth description: '(J.Slye kick)' 1, '(kick failed, wl)' 0, '(T.Etienne run)' 2. */
function tryOf(description: string, quarter: number): Try {
  const attempt = /\(([^)]*)\)/.exec(description)?.[1] ?? "";
  const who = /^([A-Z][A-Za-z]*\.\s?[A-Za-z.' -]+?) (?:run|pass)\b/.exec(attempt)?.[1];
  if (/kick blocked/i.test(attempt)) return { points: 0, text: "kick_blocked" };
  if (/kick failed/i.test(attempt)) return { points: 0, text: "kick_failed" };
  if (/pass failed/i.test(attempt)) return { points: 0, text: "pass_failed" };
  if (/run failed/i.test(attempt)) return { points: 0, text: "run_failed" };
  if (/\bkick\b/i.test(attempt)) return { points: 1, text: "kick" };
  if (/\brun\b/i.test(attempt)) return { points: 2, text: "two_run", ...(who ? { who } : {}) };
  if (/\bpass\b/i.test(attempt)) return { points: 2, text: "two_pass", ...(who ? { who } : {}) };
  // No try: an overtime walk-off.
  return quarter >= 5 ? { points: 0, text: "none" } : { points: 1, text: "kick" };
}

// ---------------------------------------------------------------------------------------------------------------
// Game time: seconds since kickoff; a regulation quarter is 900 s, regular-season overtime 600 s.

const REGULATION = 3600;

function gameSecond(period: number, clockSeconds: number): number {
  return period <= 4 ? (period - 1) * 900 + (900 - clockSeconds) : REGULATION + (period - 5) * 600 + (600 - clockSeconds);
}

/** Period and clock of a regulation second (900 is the end of the first quarter, '0:00'). */
function periodClockOf(second: number): { period: number; clockSeconds: number } {
  const period = Math.min(4, Math.max(1, Math.ceil(second / 900)));
  return { period, clockSeconds: period * 900 - second };
}

function displayClock(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

/**
 * n increasing whole seconds strictly between `from` and `to`, about evenly spread (each moved by up to a quarter
 * of the gap, so that clocks do not all end in the same digits); null if they do not fit.
 */
function spread(n: number, from: number, to: number, rng: ReturnType<typeof prng>): number[] | null {
  if (n === 0) return [];
  if (to - from - 1 < n) return null;
  const gap = (to - from) / (n + 1);
  const seconds: number[] = [];
  for (let i = 1; i <= n; i++) {
    const wanted = from + Math.round(i * gap + (rng.next() - 0.5) * (gap / 2));
    const at = Math.max(wanted, (seconds[i - 2] ?? from) + 1);
    seconds.push(Math.min(at, to - 1 - (n - i)));
  }
  return seconds;
}

/** ESPN play ids are the event id followed by a number that grows through the game ('401671680' + '613'). */
function playIdOf(eventId: string, second: number): string {
  return `${eventId}${40 + Math.floor(second * 1.1)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// One game

interface TimedScore {
  team: string;
  score: Score;
  second: number;
  /** The truth's first TD. */
  first?: boolean;
  /** Overtime plays carry their own period and clock. */
  period?: number;
  clockSeconds?: number;
}

/** ESPN play type (text, id) of each truth kind; misc_return is refined from the description. */
const TD_TYPES: Record<TruthTdKind, [string, string]> = {
  receiving: ["Passing Touchdown", "67"],
  rush: ["Rushing Touchdown", "68"],
  interception_return: ["Interception Return Touchdown", "36"],
  opp_fumble_recovery: ["Fumble Return Touchdown", "39"],
  own_fumble_recovery: ["Fumble Recovery (Own)", "9"],
  punt_return: ["Punt Return Touchdown", "34"],
  kickoff_return: ["Kickoff Return Touchdown", "32"],
  misc_return: ["Missed Field Goal Return Touchdown", "40"],
};

/** The box score category that lists a TD's scorer. */
const BOX_CATEGORY: Record<TruthTdKind, string> = {
  receiving: "receiving",
  rush: "rushing",
  interception_return: "interceptions",
  opp_fumble_recovery: "defensive",
  own_fumble_recovery: "fumbles",
  misc_return: "defensive",
  punt_return: "puntReturns",
  kickoff_return: "kickReturns",
};

const EXPECTED_KIND: Record<TruthTdKind, FirstTdKind> = {
  receiving: "reception",
  rush: "rush",
  interception_return: "defense",
  opp_fumble_recovery: "defense",
  misc_return: "defense",
  punt_return: "return",
  kickoff_return: "return",
  own_fumble_recovery: "other",
};

function isTruthTdKind(kind: string): kind is TruthTdKind {
  return kind in TD_TYPES;
}

/** The play type and the words after the yardage, ESPN style ('Yd Fumble Return', 'Yd Return of Blocked Punt'). */
function tdWording(kind: TruthTdKind, description: string): { type: [string, string]; words: string } {
  switch (kind) {
    case "receiving":
      return { type: TD_TYPES[kind], words: "Yd pass from" };
    case "rush":
      return { type: TD_TYPES[kind], words: "Yd Run" };
    case "interception_return":
      return { type: TD_TYPES[kind], words: "Yd Interception Return" };
    case "opp_fumble_recovery":
      return { type: TD_TYPES[kind], words: "Yd Fumble Return" };
    case "own_fumble_recovery":
      return { type: TD_TYPES[kind], words: "Yd Fumble Recovery in End Zone" };
    case "punt_return":
      return { type: TD_TYPES[kind], words: "Yd Punt Return" };
    case "kickoff_return":
      return { type: TD_TYPES[kind], words: "Yd Kickoff Return" };
    case "misc_return":
      if (/blocked punt/i.test(description)) return { type: ["Blocked Punt Touchdown", "37"], words: "Yd Return of Blocked Punt" };
      if (/blocked (?:field goal|fg)/i.test(description)) return { type: ["Blocked Field Goal Touchdown", "38"], words: "Yd Return of Blocked Field Goal" };
      return { type: TD_TYPES[kind], words: "Yd Missed Field Goal Return" };
  }
}

/** Who a feed play credits, for the texts, the core play participants and the box score. */
interface Credited {
  scorer: RosterPlayer | null;
  /** The scorer's name in the feed (the first TD's may differ from his roster name). */
  scorerName: string;
  passer: RosterPlayer | null;
  kicker: RosterPlayer | null;
  /** Players of the other team a core play lists too (the passer picked off, the fumbler). */
  opponents: [string, RosterPlayer][];
}

interface BuiltGame {
  game: ReplayGame;
  summary: unknown;
  /** Event spec for the scoreboard. */
  event: EventSpec;
  core: [string, unknown][];
  /** An overtime game whose plays are all in regulation (no short overtime gives its margin). */
  overtimeInRegulation?: boolean;
}

type Unrepresentable = { reason: string };

/** Chooses which OT plays (winner and loser, in order) give the final margin, with regulation tied. */
function overtimePlays(margin: number, winner: string, loser: string): { team: string; score: Score }[] | null {
  const td = (points: 6 | 7 | 8): Score => ({ kind: "td", points });
  const fg: Score = { kind: "fg", points: 3 };
  if (margin === 0) return [];
  if (margin === 3) return [{ team: winner, score: fg }];
  // A walk-off TD needs no try.
  if (margin === 6) return [{ team: winner, score: td(6) }];
  if (margin === 4 || margin === 5) return [{ team: loser, score: fg }, { team: winner, score: td(margin === 4 ? 7 : 8) }];
  // Both score a TD; the loser's try fails (margin 1) or the winner's two-point try succeeds (2).
  if (margin === 1) return [{ team: winner, score: td(7) }, { team: loser, score: td(6) }];
  if (margin === 2) return [{ team: winner, score: td(8) }, { team: loser, score: td(6) }];
  if (margin === 7 || margin === 8) return [{ team: winner, score: td(margin) }];
  return null;
}

function buildGame(row: TruthRow, sources: Sources, staff: Map<string, TeamStaff>, seed: number): BuiltGame | Unrepresentable {
  const scheduled = sources.schedule.get(row.gameId);
  if (!scheduled?.espnEventId) return { reason: "no ESPN event id in games.csv" };
  if (!row.phase.startsWith("FINAL")) return { reason: `not final (${row.phase})` };
  const easternDate = easternDateOf(row.kickoffAt);
  if (!easternDate) return { reason: `unreadable kickoff ${row.kickoffAt}` };
  const noTd = row.kind === "NO_TD";
  if (!noTd && !isTruthTdKind(row.kind)) return { reason: `unknown td_kind ${row.kind}` };
  if (!noTd && row.team !== row.away && row.team !== row.home) return { reason: `first TD team ${row.team} not in the game` };
  const kind = noTd ? null : (row.kind as TruthTdKind);
  const attempt = tryOf(row.description, row.quarter);
  const overtime = row.phase === "FINAL_OVERTIME";

  // Overtime plays first, so that regulation ends tied; when no short overtime fits, all plays go in regulation.
  const rng = prng(seed ^ hash(row.gameId));
  let overtimeInRegulation = false;
  let timed = planScores(row, attempt, overtime ? overtimePlan(row, attempt) : [], rng);
  if ("reason" in timed && overtime && row.quarter < 5) {
    overtimeInRegulation = true;
    timed = planScores(row, attempt, [], prng(seed ^ hash(row.gameId)));
  }
  if ("reason" in timed) return timed;
  const frame = { eventId: scheduled.espnEventId, easternDate, scheduled, overtime, kind, attempt, timed: timed.timed };
  const built = assemble(row, frame, sources, staff, seed, rng);
  return "reason" in built ? built : { ...built, overtimeInRegulation };
}

/** The overtime scoring plays of the truth's final margin (the first TD itself when the truth puts it in OT). */
function overtimePlan(row: TruthRow, attempt: Try): { team: string; score: Score; first?: boolean }[] | null {
  if (row.kind !== "NO_TD" && row.quarter >= 5) return [{ team: row.team, score: { kind: "td", points: (6 + attempt.points) as 6 | 7 | 8 }, first: true }];
  const winner = row.awayScore > row.homeScore ? row.away : row.home;
  const loser = winner === row.away ? row.home : row.away;
  return overtimePlays(Math.abs(row.awayScore - row.homeScore), winner, loser);
}

/**
 * Every scoring play of the game with its second of game time: the overtime plays, the first TD at the truth's
 * time, and the other points (split into TDs, FGs and safeties) before it (kicks only) and after it.
 */
function planScores(
  row: TruthRow,
  attempt: Try,
  otPlays: { team: string; score: Score; first?: boolean }[] | null,
  rng: ReturnType<typeof prng>,
): { timed: TimedScore[] } | Unrepresentable {
  if (otPlays === null) return { reason: "no short overtime gives the final margin" };
  const noTd = row.kind === "NO_TD";
  const firstInOvertime = !noTd && row.quarter >= 5;
  const firstScore: Score = { kind: "td", points: (6 + attempt.points) as 6 | 7 | 8 };
  const firstSecond = noTd ? Number.POSITIVE_INFINITY : gameSecond(row.quarter, row.clockSeconds);

  const pointsBesides = (team: string) =>
    (team === row.away ? row.awayScore : row.homeScore) -
    otPlays.filter((p) => p.team === team).reduce((sum, p) => sum + p.score.points, 0) -
    (!noTd && !firstInOvertime && row.team === team ? firstScore.points : 0);
  const awayPoints = pointsBesides(row.away);
  const homePoints = pointsBesides(row.home);
  if (awayPoints < 0 || homePoints < 0) return { reason: `the first TD or overtime plays exceed the final score ${row.awayScore}-${row.homeScore}` };
  if (firstInOvertime && awayPoints !== homePoints) return { reason: "the first TD is in overtime, but regulation would not end tied" };

  // Without a TD before them (no TD at all, or the first one in OT) the points are field goals and safeties only.
  const kicksOnly = noTd || firstInOvertime;
  const otTds = otPlays.filter((p) => p.score.kind === "td" && !p.first).length;
  const split = kicksOnly ? splitNoTd(awayPoints, homePoints) : splitScores(awayPoints, homePoints, Math.max(0, Math.max(row.nTd, 2) - 1 - otTds));
  if (!split) return { reason: `${awayPoints}-${homePoints} (besides the first TD and overtime) cannot be made of TDs, FGs and safeties` };
  const others = shuffled(rng, [...split[0].map((score) => ({ team: row.away, score })), ...split[1].map((score) => ({ team: row.home, score }))]);

  // Field goals before a late first TD: one per seven minutes of game before it, as far as the kicks go.
  const kicks = others.filter((p) => p.score.kind !== "td");
  const tds = others.filter((p) => p.score.kind === "td");
  const beforeCount = kicksOnly ? kicks.length : Math.min(kicks.length, Math.floor(firstSecond / 420));
  const before = kicks.slice(0, beforeCount);
  // After it: a TD first when there is one, so that a later TD always follows the first, then the rest in any order.
  const after = [...tds.slice(0, 1), ...shuffled(rng, [...tds.slice(1), ...kicks.slice(beforeCount)])];
  const endOfRegulation = REGULATION + 1;
  const beforeSeconds = spread(before.length, 0, kicksOnly ? endOfRegulation : firstSecond, rng);
  const afterSeconds = kicksOnly ? [] : spread(after.length, firstSecond, endOfRegulation, rng);
  if (!beforeSeconds || !afterSeconds) return { reason: "too many scoring plays for the game time left" };

  const timed: TimedScore[] = [
    ...before.map((p, i) => ({ ...p, second: beforeSeconds[i]! })),
    ...(kicksOnly ? [] : [{ team: row.team, score: firstScore, second: firstSecond, first: true }]),
    ...after.map((p, i) => ({ ...p, second: afterSeconds[i]! })),
  ];
  // Overtime: the truth's clock for an OT first TD, else a few minutes in and near the end.
  otPlays.forEach((p, i) => {
    const clockSeconds = p.first ? row.clockSeconds : ([412, 108][i] ?? 30);
    timed.push({ ...p, second: gameSecond(5, clockSeconds), period: 5, clockSeconds });
  });
  return { timed };
}

/** Fisher-Yates with the seeded generator. */
function shuffled<T>(rng: ReturnType<typeof prng>, items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/** A game without touchdowns (or before an OT first TD): field goals and safeties only. */
function splitNoTd(pointsA: number, pointsB: number): [Score[], Score[]] | null {
  const a = decompose(pointsA, 0);
  const b = decompose(pointsB, 0);
  return a && b ? [a.scores, b.scores] : null;
}

interface GameFrame {
  eventId: string;
  easternDate: string;
  scheduled: { espnEventId: string; kickoffAt: string | null };
  overtime: boolean;
  kind: TruthTdKind | null;
  attempt: Try;
  timed: TimedScore[];
}

/** Turns the timed scores into the summary, core plays and the ReplayGame. */
function assemble(
  row: TruthRow,
  frame: GameFrame,
  sources: Sources,
  staff: Map<string, TeamStaff>,
  seed: number,
  rng: ReturnType<typeof prng>,
): BuiltGame | Unrepresentable {
  const { eventId, kind } = frame;
  const staffOf = (team: string): TeamStaff => staff.get(team) ?? { qb: null, kicker: null, skill: [] };
  const opponentOf = (team: string) => (team === row.away ? row.home : row.away);

  // The first TD's scorer and how the live sync is to find him.
  let firstTd: ReplayFirstTd | null = null;
  let scorer: RosterPlayer | null = null;
  if (kind) {
    const rostered = sources.byGsis.get(row.gsisId) ?? null;
    // A scorer the roster file lacks is still known to ESPN: by his truth name, and his crosswalk id if any.
    scorer = rostered ?? offRosterScorer(row, sources);
    const feedName = rostered ? feedNameOf(rostered, sources, seed) : { name: row.fullName, variant: "as_roster" as const };
    const aliasNeeded = rostered ? normalizePlayerName(feedName.name) !== normalizePlayerName(rostered.fullName) : false;
    // A generator of its own, so that the path of a game does not change with the rest of its feed.
    const pathRng = prng(seed ^ hash(`${row.gameId}:path`));
    const { path, note } = choosePath(pathRng, scorer, rostered !== null, row.team, feedName.name, aliasNeeded, sources);
    firstTd = {
      team: row.team,
      gsisId: row.gsisId,
      truthName: row.fullName,
      kind,
      expectedKind: EXPECTED_KIND[kind],
      period: row.quarter,
      clock: displayClock(row.clockSeconds),
      espnPlayId: "",
      text: "",
      feedName: feedName.name,
      nameVariant: feedName.variant,
      aliasNeeded,
      espnId: scorer?.espnId ?? null,
      espnIdSource: scorer?.espnIdSource ?? null,
      onRoster: rostered !== null,
      rosterTeam: rostered?.team ?? null,
      rosterName: rostered?.fullName ?? null,
      path,
      pathNote: note,
    };
  }

  // Scores in game order, with running totals.
  const timed = [...frame.timed].sort((a, b) => a.second - b.second);
  let away = 0;
  let home = 0;
  const plays: PlaySpec[] = [];
  const core: [string, unknown][] = [];
  const box = new Map<string, Map<string, BoxAthlete>>([
    [row.away, new Map()],
    [row.home, new Map()],
  ]);
  const list = (team: string, player: RosterPlayer | null, category: string, name?: string) => {
    if (!player?.espnId) return;
    // On the roster_name path the first TD's scorer is in no category at all (a QB who also passed included).
    if (firstTd?.path === "roster_name" && player.gsisId === firstTd.gsisId) return;
    const listed = box.get(team)!;
    const key = `${player.espnId}:${category}`;
    const displayName = player.gsisId === firstTd?.gsisId ? firstTd.feedName : (name ?? player.fullName);
    if (!listed.has(key)) listed.set(key, [player.espnId, displayName, category]);
  };

  for (const [index, entry] of timed.entries()) {
    if (entry.team === row.away) away += entry.score.points;
    else home += entry.score.points;
    const { period, clockSeconds } = entry.period ? { period: entry.period, clockSeconds: entry.clockSeconds! } : periodClockOf(entry.second);
    const team = staffOf(entry.team);
    const id = playIdOf(eventId, entry.second);
    const base = { id, team: entry.team, period, clock: displayClock(clockSeconds), awayScore: away, homeScore: home };

    if (entry.score.kind === "fg") {
      list(entry.team, team.kicker, "kicking");
      plays.push({ ...base, type: "Field Goal Good", typeId: "59", text: `${team.kicker?.fullName ?? "Team"} ${20 + rng.int(36)} Yd Field Goal` });
      continue;
    }
    if (entry.score.kind === "safety") {
      const victim = staffOf(opponentOf(entry.team)).qb;
      plays.push({ ...base, type: "Safety", typeId: "20", typeAbbreviation: "SF", text: `${victim?.fullName ?? "Team"} Sacked in End Zone for a SAFETY` });
      continue;
    }

    // A touchdown: the truth's first, or an invented later one (a pass or run by a skill player of the team).
    const tdKind: TruthTdKind = entry.first ? kind! : rng.chance(0.6) ? "receiving" : "rush";
    const description = entry.first ? row.description : "";
    const credited: Credited = entry.first
      ? { scorer, scorerName: firstTd!.feedName, passer: null, kicker: null, opponents: [] }
      : laterScorer(team, firstTd?.team === entry.team ? firstTd.gsisId : null, rng);
    if (tdKind === "receiving") {
      // The passer the truth names ('pass from J.Love'), else the team's usual one; never the receiver himself.
      const named = PASS_FROM.exec(description)?.[1];
      const passer = (named ? playerByAbbreviation(sources, entry.team, named, "QB") : undefined) ?? team.qb;
      credited.passer = passer && passer.gsisId !== credited.scorer?.gsisId ? passer : null;
    }
    const namedKicker = KICKER.exec(description)?.[1];
    credited.kicker = (namedKicker ? playerByAbbreviation(sources, entry.team, namedKicker, "K") : undefined) ?? team.kicker;
    const opponent = staffOf(opponentOf(entry.team));
    if (tdKind === "interception_return" && opponent.qb) credited.opponents.push(["passer", opponent.qb]);
    if (tdKind === "opp_fumble_recovery" && opponent.skill[0]) credited.opponents.push(["fumbler", opponent.skill[0]]);
    if (tdKind === "kickoff_return" && opponent.kicker) credited.opponents.push(["kicker", opponent.kicker]);

    const wording = tdWording(tdKind, description);
    const yards = Number(/(\d+) yd\./i.exec(description)?.[1] ?? (/end zone/i.test(description) ? 0 : 1 + rng.int(40)));
    // Only an overtime TD that ends the game goes without a try; a 6-point TD before it missed its try.
    const walkOff = entry.period === 5 && index === timed.length - 1;
    const attempt = entry.first ? frame.attempt : laterAttempt(entry.score.points, walkOff);
    const passPart = tdKind === "receiving" ? ` ${credited.passer?.fullName ?? "Team"}` : "";
    const tryer = attempt.who ? playerByAbbreviation(sources, entry.team, attempt.who, "") : undefined;
    const text = `${credited.scorerName} ${yards} ${wording.words}${passPart}${tryText(attempt.text, credited, team, tryer)}`;
    const play: PlaySpec = { ...base, type: wording.type[0], typeId: wording.type[1], text };
    plays.push(play);

    // Box score: the scorer under his category (`list` leaves out the first TD's scorer on the roster_name path).
    list(entry.team, credited.scorer, BOX_CATEGORY[tdKind], credited.scorerName);
    if (credited.passer) list(entry.team, credited.passer, "passing");
    if (attempt.text === "kick") list(entry.team, credited.kicker, "kicking");

    // Core play: the scorer by id, unless the game's core plays are not found.
    const url = sources.urls.corePlay(eventId, id);
    const coreAvailable = firstTd === null || firstTd.path === "core_play";
    if (!coreAvailable || !credited.scorer?.espnId) {
      core.push([url, NOT_FOUND]);
    } else {
      core.push([url, corePlay({ eventId, play, season: row.season, participants: participantsOf(tdKind, credited, attempt.text) })]);
    }
    if (entry.first) {
      firstTd!.espnPlayId = id;
      firstTd!.text = text;
    }
  }

  // Box score filler: a few more skill players per team, none sharing the first scorer's name key on his team.
  const firstKeys = firstTd ? new Set([normalizePlayerName(firstTd.feedName), normalizePlayerName(firstTd.rosterName ?? firstTd.feedName)]) : new Set<string>();
  for (const team of [row.away, row.home]) {
    const candidates = staffOf(team).skill.filter((p) => !(firstTd?.team === team && (p.gsisId === firstTd.gsisId || firstKeys.has(normalizePlayerName(p.fullName)))));
    for (const player of shuffled(rng, candidates).slice(0, 3)) list(team, player, player.position === "RB" ? "rushing" : "receiving");
    list(team, staffOf(team).qb, "passing");
  }

  const event: EventSpec = {
    eventId,
    kickoffAt: row.kickoffAt,
    away: row.away,
    home: row.home,
    state: "post",
    awayScore: row.awayScore,
    homeScore: row.homeScore,
    season: row.season,
    week: row.week,
    seasonType: row.seasonType === "POST" ? 3 : 2,
    overtime: frame.overtime,
  };
  if (away !== row.awayScore || home !== row.homeScore) return { reason: `plays add up to ${away}-${home}, not ${row.awayScore}-${row.homeScore}` };
  const boxSpec = Object.fromEntries([...box].map(([team, listed]) => [team, [...listed.values()]]));
  const body = summary({ ...event, plays, box: boxSpec });
  const game: ReplayGame = {
    gameId: row.gameId,
    season: row.season,
    seasonType: row.seasonType,
    week: row.week,
    kickoffAt: row.kickoffAt,
    scheduledKickoffAt: frame.scheduled.kickoffAt,
    easternDate: frame.easternDate,
    espnEventId: eventId,
    awayTeam: row.away,
    homeTeam: row.home,
    awayScore: row.awayScore,
    homeScore: row.homeScore,
    overtime: frame.overtime,
    noTd: kind === null,
    firstTd,
    scoreboardUrl: sources.urls.scoreboard(frame.easternDate),
    summaryUrl: sources.urls.summary(eventId),
    corePlayUrls: core.map(([url]) => url),
  };
  return { game, summary: body, event, core };
}

function offRosterScorer(row: TruthRow, sources: Sources): RosterPlayer {
  const espnId = sources.crosswalk.get(row.gsisId) ?? null;
  const [firstName = "", ...rest] = row.fullName.split(" ");
  return {
    gsisId: row.gsisId,
    espnId,
    espnIdSource: espnId ? "crosswalk" : null,
    fullName: row.fullName,
    firstName,
    lastName: rest.join(" "),
    team: row.team,
    position: "",
    active: false,
  };
}

/** A later TD's scorer: a skill player of the team other than the first TD's scorer. */
function laterScorer(team: TeamStaff, exclude: string | null, rng: ReturnType<typeof prng>): Credited {
  const candidates = team.skill.filter((p) => p.gsisId !== exclude);
  const scorer = candidates.length > 0 ? rng.pickOne(candidates) : null;
  return { scorer, scorerName: scorer?.fullName ?? "Team", passer: null, kicker: null, opponents: [] };
}

function laterAttempt(points: number, walkOff: boolean): Try {
  if (points === 8) return { points: 2, text: "two_pass" };
  if (points === 7) return { points: 1, text: "kick" };
  return walkOff ? { points: 0, text: "none" } : { points: 0, text: "pass_failed" };
}

/** The try in ESPN's words: '(Jason Myers Kick)', '(Jason Myers PAT blocked)', '(Two-Point Run Conversion Failed)'. */
function tryText(attempt: Try["text"], credited: Credited, team: TeamStaff, tryer: RosterPlayer | undefined): string {
  const kicker = credited.kicker?.fullName ?? "Team";
  switch (attempt) {
    case "kick":
      return ` (${kicker} Kick)`;
    case "kick_failed":
      return ` (${kicker} PAT failed)`;
    case "kick_blocked":
      return ` (${kicker} PAT blocked)`;
    case "pass_failed":
      return " (Two-Point Pass Conversion Failed)";
    case "run_failed":
      return " (Two-Point Run Conversion Failed)";
    case "two_run":
      return ` (${tryer?.fullName ?? team.qb?.fullName ?? "Team"} Run for Two-Point Conversion)`;
    case "two_pass":
      return ` (${tryer?.fullName ?? credited.scorerName} Pass From ${credited.passer?.fullName ?? team.qb?.fullName ?? "Team"} for Two-Point Conversion)`;
    case "none":
      return "";
  }
}

/** Core play participants as in core_scoring_plays_401220181.json: the scorer, and around him passer, rusher, kicker. */
function participantsOf(kind: TruthTdKind, credited: Credited, attempt: Try["text"]): [string, string][] {
  const scorerId = credited.scorer!.espnId!;
  const list: [string, string][] = credited.opponents.filter(([, p]) => p.espnId).map(([type, p]) => [type, p.espnId!]);
  if (kind === "receiving") {
    if (credited.passer?.espnId) list.push(["passer", credited.passer.espnId]);
    list.push(["receiver", scorerId]);
  }
  if (kind === "rush") list.push(["rusher", scorerId]);
  if (kind === "opp_fumble_recovery" || kind === "own_fumble_recovery") list.push(["recoverer", scorerId]);
  list.push(["scorer", scorerId]);
  if (attempt === "kick" && credited.kicker?.espnId) list.push(["patScorer", credited.kicker.espnId]);
  return list;
}

/**
 * The seeded path (half core_play, a quarter each boxscore and roster_name), then the forced cases: no ESPN id
 * known -> roster_name; a feed name only an alias matches -> roster_name; a name not unique on the team's roster
 * cannot take roster_name -> boxscore.
 */
function choosePath(
  rng: ReturnType<typeof prng>,
  scorer: RosterPlayer,
  onRoster: boolean,
  team: string,
  feedName: string,
  aliasNeeded: boolean,
  sources: Sources,
): { path: ResolutionPath; note: string | null } {
  const draw = rng.next();
  const drawn: ResolutionPath = draw < 0.5 ? "core_play" : draw < 0.75 ? "boxscore" : "roster_name";
  if (!scorer.espnId) return { path: "roster_name", note: onRoster ? "no ESPN id known for the scorer" : "scorer not on the roster file, no ESPN id known" };
  if (!onRoster) return { path: drawn, note: "scorer not on the roster file" };
  if (aliasNeeded) return { path: "roster_name", note: "feed name matches the roster only through an alias" };
  if (drawn === "roster_name") {
    const keys = new Set([normalizePlayerName(feedName), normalizePlayerName(scorer.fullName)]);
    const namesakes = (sources.byTeam.get(team) ?? []).filter((p) => p.gsisId !== scorer.gsisId && keys.has(normalizePlayerName(p.fullName)));
    if (namesakes.length > 0 || scorer.team !== team) return { path: "boxscore", note: "name not unique (or not on this team) in the roster" };
  }
  return { path: drawn, note: null };
}

// ---------------------------------------------------------------------------------------------------------------
// The season

/** Builds the feed of every truth game of the season and type; see the file comment. */
export function buildSeasonFeed(input: SeasonFeedInput): SeasonFeed {
  const seed = input.seed ?? 2025;
  const sources = readSources(input);
  const truth = readTruth(input.truthCsv, input.season, input.seasonType).sort(
    (a, b) => a.kickoffAt.localeCompare(b.kickoffAt) || a.gameId.localeCompare(b.gameId),
  );
  const staff = teamStaff(sources, truth);

  const games: ReplayGame[] = [];
  const bodies = new Map<string, unknown>();
  const events = new Map<string, EventSpec[]>();
  const unrepresentable: SeasonFeedReport["unrepresentable"] = [];
  const overtimeInRegulation: string[] = [];
  for (const row of truth) {
    const built = buildGame(row, sources, staff, seed);
    if ("reason" in built) {
      unrepresentable.push({ gameId: row.gameId, reason: built.reason });
      continue;
    }
    games.push(built.game);
    if (built.overtimeInRegulation) overtimeInRegulation.push(row.gameId);
    bodies.set(built.game.summaryUrl, built.summary);
    for (const [url, body] of built.core) bodies.set(url, body);
    events.set(built.game.easternDate, [...(events.get(built.game.easternDate) ?? []), built.event]);
  }

  for (const [date, dayEvents] of events) {
    bodies.set(sources.urls.scoreboard(date), scoreboard(dayEvents, dayEvents[0]!.week, input.season, input.seasonType === "POST" ? 3 : 2));
  }
  // A game moved after the games.csv snapshot leaves its old date empty: ESPN answers that date with no events.
  const emptyScoreboardDates: string[] = [];
  for (const game of games) {
    const date = game.scheduledKickoffAt ? easternDateOf(game.scheduledKickoffAt) : null;
    if (date && !events.has(date) && !emptyScoreboardDates.includes(date)) {
      emptyScoreboardDates.push(date);
      bodies.set(sources.urls.scoreboard(date), scoreboard([], game.week, input.season, input.seasonType === "POST" ? 3 : 2));
    }
  }

  return { games, bodies, report: reportOf(games, unrepresentable, overtimeInRegulation, emptyScoreboardDates) };
}

function reportOf(
  games: ReplayGame[],
  unrepresentable: SeasonFeedReport["unrepresentable"],
  overtimeInRegulation: string[],
  emptyScoreboardDates: string[],
): SeasonFeedReport {
  const firsts = games.flatMap((g) => (g.firstTd ? [g.firstTd] : []));
  const distinct = (tds: ReplayFirstTd[]) => new Map(tds.map((td) => [td.gsisId, td]));
  const paths: Record<ResolutionPath, number> = { core_play: 0, boxscore: 0, roster_name: 0 };
  const nameVariants: Record<NameVariant, number> = { as_roster: 0, alias: 0, suffix: 0, punctuation: 0 };
  for (const td of firsts) paths[td.path]++;
  for (const td of distinct(firsts).values()) nameVariants[td.nameVariant]++;
  const missing = firsts.filter((td) => !td.onRoster);
  const aliased = firsts.filter((td) => td.nameVariant === "alias");
  return {
    games: games.length,
    paths,
    scorersMissingFromRoster: { players: distinct(missing).size, games: missing.length },
    scorersEspnIdFromCrosswalk: [...distinct(firsts).values()].filter((td) => td.espnIdSource === "crosswalk").length,
    scorersWithoutEspnId: [...distinct(firsts).values()].filter((td) => td.onRoster && !td.espnId).map((td) => `${td.truthName} (${td.gsisId})`),
    aliasScorers: {
      players: distinct(aliased).size,
      games: aliased.length,
      aliasNeededPlayers: [...distinct(aliased).values()].filter((td) => td.aliasNeeded).length,
    },
    nameVariants,
    overtimeInRegulation,
    movedKickoffs: games.filter((g) => g.scheduledKickoffAt !== g.kickoffAt).map((g) => [g.gameId, g.scheduledKickoffAt, g.kickoffAt]),
    movedToAnotherDate: games.filter((g) => g.scheduledKickoffAt && easternDateOf(g.scheduledKickoffAt) !== g.easternDate).map((g) => g.gameId),
    emptyScoreboardDates,
    unrepresentable,
  };
}
