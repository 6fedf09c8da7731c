import { z } from "zod";
import type { FirstTdKind, GameStatus } from "../../domain/grading";
import { normalizePlayerName } from "../../domain/names";
import { normalizeUtcIso } from "../../domain/utc";
import { EspnFormatError, issuePath } from "./format-error";
import { toGameStatus } from "./game-status";
import { parseEspnScore } from "./scores";
import { teamCodeFromEspn } from "./team";

/**
 * ESPN site API game summary (`/summary?event={id}`): the scoring plays in time order (no athlete ids; the
 * text starts with the scorer's name, the receiver's on passing TDs) and the box score players (with ids).
 */

export interface ScoringPlay {
  id: string;
  /** ESPN scoringType.name: 'touchdown', 'field-goal', 'safety', ... */
  scoringType: string;
  isTouchdown: boolean;
  /** ESPN play type text: 'Passing Touchdown', 'Fumble Return Touchdown', ... */
  playType: string | null;
  team: string | null;
  text: string;
  period: number;
  /** Game clock as shown ('8:11'); it counts down within the period. */
  clock: string | null;
  clockSeconds: number | null;
  awayScore: number | null;
  homeScore: number | null;
}

export interface BoxscorePlayer {
  espnId: string;
  name: string;
  nameKey: string;
  team: string;
}

export interface GameSummary {
  espnEventId: string;
  status: GameStatus;
  kickoffAt: string | null;
  homeTeam: string | null;
  awayTeam: string | null;
  /** The header's score: the final score once the game is final; null when absent or not a number. */
  homeScore: number | null;
  awayScore: number | null;
  scoringPlays: ScoringPlay[];
  players: BoxscorePlayer[];
}

/** What the score check and the first-TD search read of a summary. */
export type SummaryScoring = Pick<GameSummary, "status" | "homeTeam" | "awayTeam" | "homeScore" | "awayScore" | "scoringPlays">;

export type FirstTouchdown =
  | { outcome: "touchdown"; play: ScoringPlay; scorerName: string | null; team: string | null; kind: FirstTdKind }
  | { outcome: "no_touchdown" }
  | { outcome: "inconsistent"; reason: string }
  | { outcome: "not_yet" };

const teamSchema = z.object({ id: z.string().optional(), abbreviation: z.string().optional() });

const headerSchema = z.object({
  id: z.string(),
  competitions: z
    .array(
      z.object({
        date: z.string().optional(),
        status: z.object({
          type: z.object({ name: z.string().optional(), state: z.string().optional(), completed: z.boolean().optional() }),
        }),
        competitors: z.array(
          z.object({ homeAway: z.string(), team: teamSchema, score: z.union([z.string(), z.number()]).optional() }),
        ),
      }),
    )
    .min(1),
});

const scoringPlaySchema = z.object({
  id: z.string(),
  type: z.object({ text: z.string().optional() }).optional(),
  text: z.string(),
  awayScore: z.number().optional(),
  homeScore: z.number().optional(),
  period: z.object({ number: z.number() }),
  clock: z.object({ value: z.number().optional(), displayValue: z.string().optional() }).optional(),
  scoringType: z.object({ name: z.string() }),
  team: teamSchema.optional(),
});

const boxscoreTeamSchema = z.object({
  team: teamSchema,
  statistics: z.array(
    z.object({ athletes: z.array(z.object({ athlete: z.object({ id: z.string(), displayName: z.string() }) })) }),
  ),
});

const summarySchema = z.object({
  header: headerSchema,
  // A scoring play that cannot be read might be the first TD, so it fails the whole summary instead of being skipped.
  scoringPlays: z.array(scoringPlaySchema).optional(),
  boxscore: z.object({ players: z.array(boxscoreTeamSchema).optional() }).optional(),
});

type EspnScoringPlay = z.infer<typeof scoringPlaySchema>;
type EspnBoxscoreTeam = z.infer<typeof boxscoreTeamSchema>;

/** Throws EspnFormatError when the body is not a game summary we can read in full. */
export function parseSummary(body: unknown): GameSummary {
  const parsed = summarySchema.safeParse(body);
  if (!parsed.success) {
    throw new EspnFormatError(`not a readable ESPN game summary: unexpected shape at ${issuePath(parsed.error.issues[0])}`);
  }
  const { header, scoringPlays = [], boxscore } = parsed.data;
  const competition = header.competitions[0]!;
  const home = competition.competitors.find((c) => c.homeAway === "home");
  const away = competition.competitors.find((c) => c.homeAway === "away");
  return {
    espnEventId: header.id,
    status: toGameStatus(competition.status.type),
    kickoffAt: competition.date ? normalizeUtcIso(competition.date) : null,
    homeTeam: home ? teamCodeFromEspn(home.team) : null,
    awayTeam: away ? teamCodeFromEspn(away.team) : null,
    homeScore: parseEspnScore(home?.score),
    awayScore: parseEspnScore(away?.score),
    scoringPlays: scoringPlays.map(readScoringPlay),
    players: (boxscore?.players ?? []).flatMap(readBoxscoreTeam),
  };
}

function readScoringPlay(play: EspnScoringPlay): ScoringPlay {
  const scoringType = play.scoringType.name.toLowerCase();
  return {
    id: play.id,
    scoringType,
    isTouchdown: scoringType === "touchdown",
    playType: play.type?.text ?? null,
    team: play.team ? teamCodeFromEspn(play.team) : null,
    text: play.text.trim(),
    period: play.period.number,
    clock: play.clock?.displayValue ?? null,
    clockSeconds: play.clock?.value ?? null,
    awayScore: play.awayScore ?? null,
    homeScore: play.homeScore ?? null,
  };
}

/** One entry per athlete of the team (an athlete appears under every stat category he has a line in). */
function readBoxscoreTeam(teamStats: EspnBoxscoreTeam): BoxscorePlayer[] {
  const team = teamCodeFromEspn(teamStats.team);
  if (team === null) return [];
  const byId = new Map<string, BoxscorePlayer>();
  for (const category of teamStats.statistics) {
    for (const { athlete } of category.athletes) {
      if (!byId.has(athlete.id)) {
        byId.set(athlete.id, { espnId: athlete.id, name: athlete.displayName, nameKey: normalizePlayerName(athlete.displayName), team });
      }
    }
  }
  return [...byId.values()];
}

/**
 * The first touchdown of the game: the earliest TD scoring play in game order, or no_touchdown once the game is
 * final without one, or not_yet; inconsistent when the scoring plays do not explain the score (see scoringProblem).
 */
export function findFirstTouchdown(summary: SummaryScoring): FirstTouchdown {
  const problem = scoringProblem(summary);
  if (problem !== null) return { outcome: "inconsistent", reason: problem };
  const first = inGameOrder(summary.scoringPlays).find((play) => play.isTouchdown);
  if (first) {
    return {
      outcome: "touchdown",
      play: first,
      scorerName: scorerNameFromText(first.text),
      team: first.team,
      kind: touchdownKindOf(first.playType, first.text),
    };
  }
  return summary.status === "final" ? { outcome: "no_touchdown" } : { outcome: "not_yet" };
}

/**
 * Why the scoring plays cannot be trusted, or null when they explain the score. A feed can arrive truncated (a
 * play missing, `scoringPlays` dropped altogether) or mid-correction, and then its earliest touchdown need not
 * be the game's first, nor a game without one a game with no TD. So every play must carry the running score,
 * and each step must be what its scoring type can add. A final game must account for its final score with all
 * its plays; a game still going only for the plays up to its first TD, as later ones may still be arriving.
 */
export function scoringProblem(summary: SummaryScoring): string | null {
  const plays = inGameOrder(summary.scoringPlays);
  const isFinal = summary.status === "final";
  const firstTouchdown = plays.findIndex((play) => play.isTouchdown);
  const checked = isFinal || firstTouchdown === -1 ? plays : plays.slice(0, firstTouchdown + 1);
  let score: Score = { away: 0, home: 0 };
  for (const play of checked) {
    if (play.awayScore === null || play.homeScore === null) return `play ${play.id}: no running score`;
    const side = sideOf(play.team, summary);
    if (side === null) return `play ${play.id}: scored by ${play.team ?? "no team"}, not a team of this game`;
    const other = side === "home" ? "away" : "home";
    const next: Score = { away: play.awayScore, home: play.homeScore };
    if (!addsUp(play, next[side] - score[side], next[other] - score[other])) {
      return `play ${play.id}: ${describePlay(play)} takes the score from ${scoreLine(summary, score)} to ${scoreLine(summary, next)}`;
    }
    score = next;
  }
  if (!isFinal) return null;
  if (summary.awayScore === null || summary.homeScore === null) return "the final score is missing";
  const final: Score = { away: summary.awayScore, home: summary.homeScore };
  if (score.away === final.away && score.home === final.home) return null;
  if (plays.length === 0) return `no scoring plays, but the final score is ${scoreLine(summary, final)}`;
  return `scoring plays add up to ${scoreLine(summary, score)} but the final score is ${scoreLine(summary, final)}`;
}

interface Score {
  away: number;
  home: number;
}

// A touchdown is 6 plus its try: 1 for a kick, 2 for a conversion, nothing when the try fails or is blocked, or
// when none follows (an overtime walk-off). Any other type (a try listed as a play of its own) is worth 1 or 2.
const POINTS_BY_SCORING_TYPE = new Map<string, readonly number[]>([
  ["touchdown", [6, 7, 8]],
  ["field-goal", [3]],
  ["safety", [2]],
]);
const POINTS_OF_OTHER_TYPES: readonly number[] = [1, 2];

/** Whether the points a play gave its team, and the other team, fit its scoring type. */
function addsUp(play: ScoringPlay, gained: number, conceded: number): boolean {
  const points = POINTS_BY_SCORING_TYPE.get(play.scoringType) ?? POINTS_OF_OTHER_TYPES;
  // A failed try that the defense returns scores 2 for the other team, which the touchdown's line may include.
  const defensiveConversion = play.isTouchdown && gained === 6 && conceded === 2;
  return points.includes(gained) && (conceded === 0 || defensiveConversion);
}

function sideOf(team: string | null, summary: SummaryScoring): keyof Score | null {
  if (team === null) return null;
  if (team === summary.homeTeam) return "home";
  return team === summary.awayTeam ? "away" : null;
}

/** 'a field goal by JAX', 'an extra point by LA'. */
function describePlay(play: ScoringPlay): string {
  const type = play.scoringType.replace(/-/g, " ");
  return `${/^[aeiou]/.test(type) ? "an" : "a"} ${type} by ${play.team}`;
}

function scoreLine(summary: SummaryScoring, score: Score): string {
  return `${summary.awayTeam ?? "away"} ${score.away}-${score.home} ${summary.homeTeam ?? "home"}`;
}

/** Scoring plays in game order: by period, then game clock, then feed order. */
function inGameOrder(plays: readonly ScoringPlay[]): ScoringPlay[] {
  return plays
    .map((play, index) => ({ play, index }))
    .sort((a, b) => compareGameTime(a.play, b.play) || a.index - b.index)
    .map(({ play }) => play);
}

function compareGameTime(a: ScoringPlay, b: ScoringPlay): number {
  if (a.period !== b.period) return a.period - b.period;
  if (a.clockSeconds === null || b.clockSeconds === null) return 0;
  return b.clockSeconds - a.clockSeconds;
}

/**
 * Where the scorer's name ends in ESPN play texts: at the yardage or at a phrase no name contains.
 * 'Parker Washington 30 Yd pass from Trevor Lawrence (Cam Little Kick)', 'Mark Ingram II 30 Yd Run (...)',
 * 'Patrick Ricard Pass From Lamar Jackson for 1 Yard ...', 'L.J. Fort 22 Yd Fumble Return (...)',
 * 'X Fumble Recovery in End Zone'. Single words such as 'Run' are not enough: Cooper Rush is a quarterback.
 */
const AFTER_SCORER_NAME =
  /(?:^|\s+)(?:-?\d+\s*(?:yd|yds|yrd|yrds|yard|yards)\b|pass from\b|(?:fumble|interception|punt|kickoff|kick) (?:return|recovery)\b|return of\b|blocked (?:punt|kick|field goal|fg)\b|(?:run|rush) for\b)/i;

function splitScorerName(text: string): { name: string | null; rest: string } {
  const trimmed = text.trim();
  const end = AFTER_SCORER_NAME.exec(trimmed)?.index;
  if (end === undefined || end === 0) return { name: null, rest: trimmed };
  // A period that ends "Jr." or an initial belongs to the name; any other trailing one does not.
  const name = trimmed
    .slice(0, end)
    .replace(/[\s,]+$/, "")
    .replace(/(?<!\b(?:Jr|Sr|[A-Z]))\.+$/, "");
  return { name: name === "" ? null : name, rest: trimmed.slice(end) };
}

/** The scorer's name at the start of an ESPN scoring play text, without trailing spaces or periods; null if none. */
export function scorerNameFromText(text: string): string | null {
  return splitScorerName(text).name;
}

/**
 * Touchdown kinds by the words of ESPN's play type, first match wins (case-insensitive):
 *   'Fumble Recovery (Own)'                                         -> other (the offense recovers its own fumble)
 *   'Interception Return Touchdown', 'Fumble Return Touchdown', 'Fumble Recovery (Opponent)',
 *   'Blocked Punt Touchdown', 'Blocked Field Goal Touchdown', 'Missed Field Goal Return Touchdown',
 *   'Defensive 2pt Conversion'                                      -> defense
 *   'Punt Return Touchdown', 'Kickoff Return Touchdown'              -> return
 *   'Passing Touchdown'                                             -> reception
 *   'Rushing Touchdown'                                             -> rush
 *   any other return                                                -> defense (nflverse's 'misc_return')
 * Words rather than a list of types, so that a type ESPN words a little differently still lands. Blocked and
 * missed kicks come before punts: a blocked punt returned for a TD is the defense's, not a punt return. The
 * same words read the play text when the type says nothing.
 */
const KIND_BY_WORDS: readonly (readonly [RegExp, FirstTdKind])[] = [
  [/\bown\b/i, "other"],
  [/\b(?:interception|fumble|blocked|missed|defensive)\b/i, "defense"],
  [/\b(?:punt|kickoff)\b/i, "return"],
  [/\b(?:pass|passing|reception)\b/i, "reception"],
  [/\b(?:run|rush|rushing)\b/i, "rush"],
  [/\breturn\b/i, "defense"],
];

function kindByWords(words: string): FirstTdKind | null {
  return KIND_BY_WORDS.find(([pattern]) => pattern.test(words))?.[1] ?? null;
}

/**
 * Where the play description ends and the try begins: at a '(' or ',' ('(Jason Myers PAT blocked)',
 * ', Center-M.Cox'), after the core API's 'for 1 Yard', or at the try's own words when nothing sets it apart
 * ('J.Tucker extra point is GOOD', 'Two-Point Pass Conversion Failed'). The try says 'blocked' or 'pass' about
 * the kick or conversion, never about the touchdown. 'PAT' in capitals only, as Pat is a first name.
 */
const DESCRIPTION_ENDS: readonly RegExp[] = [
  /[(,]/,
  /(?<=\bfor -?\d+ (?:yd|yds|yrd|yrds|yard|yards)\b)/i,
  /\bextra point\b/i,
  /\bPAT\b/,
  /\b(?:two|2)-point\b/i,
];

/** The play text after the scorer's name, up to the end of the play description (without the try). */
function scorerClause(text: string): string {
  const { rest } = splitScorerName(text);
  const end = Math.min(...DESCRIPTION_ENDS.map((pattern) => pattern.exec(rest)?.index ?? rest.length));
  return rest.slice(0, end);
}

/**
 * The kind of a touchdown. ESPN's play type decides whenever it names one; only a missing or unrecognised type
 * lets the text speak, and then only the scorer's clause, not the try after it.
 */
export function touchdownKindOf(playType: string | null, text: string): FirstTdKind {
  return kindByWords(playType ?? "") ?? kindByWords(scorerClause(text)) ?? "other";
}

/**
 * The ESPN athlete id of the scorer named `name` among the box score players of `team`: only when exactly one
 * player of that team has that normalized name, never across teams.
 */
export function resolveScorerFromBoxscore(name: string, team: string, players: readonly BoxscorePlayer[]): string | null {
  const nameKey = normalizePlayerName(name);
  const ids = new Set(players.filter((p) => p.team === team && p.nameKey === nameKey).map((p) => p.espnId));
  return ids.size === 1 ? ([...ids][0] ?? null) : null;
}
