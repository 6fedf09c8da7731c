import { z } from "zod";
import type { FirstTdKind, GameStatus } from "../../domain/grading";
import { normalizePlayerName } from "../../domain/names";
import { normalizeUtcIso } from "../../domain/utc";
import { EspnFormatError, issuePath } from "./format-error";
import { toGameStatus } from "./game-status";
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
  scoringPlays: ScoringPlay[];
  players: BoxscorePlayer[];
}

export type FirstTouchdown =
  | { outcome: "touchdown"; play: ScoringPlay; scorerName: string | null; team: string | null; kind: FirstTdKind }
  | { outcome: "no_touchdown" }
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
        competitors: z.array(z.object({ homeAway: z.string(), team: teamSchema })),
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
  const teamOf = (side: string) => {
    const competitor = competition.competitors.find((c) => c.homeAway === side);
    return competitor ? teamCodeFromEspn(competitor.team) : null;
  };
  return {
    espnEventId: header.id,
    status: toGameStatus(competition.status.type),
    kickoffAt: competition.date ? normalizeUtcIso(competition.date) : null,
    homeTeam: teamOf("home"),
    awayTeam: teamOf("away"),
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
 * The first touchdown of the game: the earliest TD scoring play (by period, then game clock, then feed order),
 * or no_touchdown once the game is final without one, or not_yet.
 */
export function findFirstTouchdown(summary: Pick<GameSummary, "status" | "scoringPlays">): FirstTouchdown {
  const touchdowns = summary.scoringPlays
    .map((play, index) => ({ play, index }))
    .filter(({ play }) => play.isTouchdown)
    .sort((a, b) => compareGameTime(a.play, b.play) || a.index - b.index);
  const first = touchdowns[0]?.play;
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
 * The kind of a touchdown from ESPN's play type and the play text after the scorer's name (and before the
 * extra-point part in parentheses, which can say 'Run' or 'Pass'). In this order: a blocked kick, interception
 * or fumble return is the defense's; a recovery of one's own fumble is 'other'; punt and kickoff returns are
 * 'return'; then passes and runs.
 */
export function touchdownKindOf(playType: string | null, text: string): FirstTdKind {
  const described = `${playType ?? ""} ${splitScorerName(text).rest.split("(")[0] ?? ""}`.toLowerCase();
  if (/\bblocked\b/.test(described)) return "defense";
  if (/\binterception\b/.test(described)) return "defense";
  if (/\bfumble recovery \(own\)|\bown fumble\b/.test(described)) return "other";
  if (/\bfumble\b/.test(described)) return "defense";
  if (/\b(?:punt|kickoff|kick) return\b/.test(described)) return "return";
  if (/\bpass(?:ing)? (?:from|touchdown)\b|\bpass reception\b/.test(described)) return "reception";
  if (/\b(?:run|rush|rushing touchdown)\b/.test(described)) return "rush";
  // Missed field goal returns and other returns by the team without the ball (nflverse 'misc_return').
  if (/\breturn\b/.test(described)) return "defense";
  return "other";
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
