import { z } from "zod";
import type { GameStatus } from "../../domain/grading";
import { normalizeUtcIso } from "../../domain/utc";
import { EspnFormatError, issuePath } from "./format-error";
import { toGameStatus } from "./game-status";
import { parseEspnScore } from "./scores";
import { teamCodeFromEspn } from "./team";

/** ESPN site API scoreboard (`/scoreboard?dates=YYYYMMDD`): every game of a day or week with its live status. */

export interface ScoreboardEvent {
  espnEventId: string;
  kickoffAt: string;
  status: GameStatus;
  homeTeam: string;
  awayTeam: string;
  /** Null until the game is under way: ESPN sends "0" for games that have not started. */
  homeScore: number | null;
  awayScore: number | null;
  season: number | null;
  /** ESPN season type: 1 preseason, 2 regular season, 3 postseason. */
  seasonType: number | null;
  week: number | null;
}

export interface RejectedScoreboardEvent {
  espnEventId?: string;
  reason: string;
}

export interface ParsedScoreboard {
  events: ScoreboardEvent[];
  rejected: RejectedScoreboardEvent[];
}

const statusSchema = z.object({
  type: z.object({ name: z.string().optional(), state: z.string().optional(), completed: z.boolean().optional() }),
});

const competitorSchema = z.object({
  homeAway: z.string(),
  score: z.union([z.string(), z.number()]).optional(),
  team: z.object({ id: z.string().optional(), abbreviation: z.string().optional() }),
});

const eventSchema = z.object({
  id: z.string(),
  date: z.string(),
  season: z.object({ year: z.number(), type: z.number().optional() }).optional(),
  week: z.object({ number: z.number() }).optional(),
  status: statusSchema.optional(),
  competitions: z
    .array(z.object({ date: z.string().optional(), status: statusSchema.optional(), competitors: z.array(competitorSchema) }))
    .min(1),
});

const scoreboardSchema = z.object({ events: z.array(z.unknown()) });

type EspnEvent = z.infer<typeof eventSchema>;

const SCORED_STATUSES: readonly GameStatus[] = ["in_progress", "final"];

/** Throws EspnFormatError when the body has no `events` list; events that cannot be read are returned in `rejected`. */
export function parseScoreboard(body: unknown): ParsedScoreboard {
  const scoreboard = scoreboardSchema.safeParse(body);
  if (!scoreboard.success) throw new EspnFormatError("not an ESPN scoreboard: no events list");

  const events: ScoreboardEvent[] = [];
  const rejected: RejectedScoreboardEvent[] = [];
  for (const rawEvent of scoreboard.data.events) {
    const parsed = eventSchema.safeParse(rawEvent);
    if (!parsed.success) {
      rejected.push({ ...eventIdOf(rawEvent), reason: `unexpected shape at ${issuePath(parsed.error.issues[0])}` });
      continue;
    }
    const result = readEvent(parsed.data);
    if (typeof result === "string") rejected.push({ espnEventId: parsed.data.id, reason: result });
    else events.push(result);
  }
  return { events, rejected };
}

/** The event, or why it cannot be used. */
function readEvent(event: EspnEvent): ScoreboardEvent | string {
  const competition = event.competitions[0]!;
  const home = competition.competitors.find((competitor) => competitor.homeAway === "home");
  const away = competition.competitors.find((competitor) => competitor.homeAway === "away");
  if (!home || !away) return "no home or no away competitor";
  const homeTeam = teamCodeFromEspn(home.team);
  const awayTeam = teamCodeFromEspn(away.team);
  if (homeTeam === null || awayTeam === null) {
    return `not two NFL teams: ${away.team.abbreviation ?? "?"} at ${home.team.abbreviation ?? "?"}`;
  }
  const kickoffAt = normalizeUtcIso(competition.date ?? event.date);
  if (kickoffAt === null) return `bad date '${competition.date ?? event.date}'`;
  const statusType = (competition.status ?? event.status)?.type;
  if (!statusType) return "no status";
  const status = toGameStatus(statusType);
  const isScored = SCORED_STATUSES.includes(status);
  return {
    espnEventId: event.id,
    kickoffAt,
    status,
    homeTeam,
    awayTeam,
    homeScore: isScored ? parseEspnScore(home.score) : null,
    awayScore: isScored ? parseEspnScore(away.score) : null,
    season: event.season?.year ?? null,
    seasonType: event.season?.type ?? null,
    week: event.week?.number ?? null,
  };
}

function eventIdOf(rawEvent: unknown): { espnEventId?: string } {
  const id = typeof rawEvent === "object" && rawEvent !== null ? (rawEvent as { id?: unknown }).id : undefined;
  return typeof id === "string" ? { espnEventId: id } : {};
}
