import { z } from "zod";
import { EspnFormatError, issuePath } from "./format-error";
import { teamCodeFromEspnId } from "./team";

/**
 * One play from ESPN's core API (`.../competitions/{id}/plays/{playId}`). Unlike the summary it names the
 * scorer by athlete id: `participants[type=scorer].athlete.$ref`. On a fumble-return TD the play's
 * participants include the passer and receiver who lost the ball; only the scorer counts.
 */

export interface CorePlay {
  playId: string;
  text: string;
  isScoringPlay: boolean;
  /** ESPN scoringType.name ('touchdown', 'field-goal', ...), null on plays that score nothing. */
  scoringType: string | null;
  /** ESPN play type text ('Fumble Return Touchdown', ...). */
  playType: string | null;
  teamEspnId: string | null;
  team: string | null;
  scorerEspnId: string | null;
}

const refSchema = z.object({ $ref: z.string() });

const corePlaySchema = z.object({
  id: z.string(),
  text: z.string().optional(),
  scoringPlay: z.boolean().optional(),
  type: z.object({ text: z.string().optional() }).optional(),
  scoringType: z.object({ name: z.string() }).optional(),
  team: refSchema.optional(),
  participants: z.array(z.object({ type: z.string(), athlete: refSchema.optional() })).optional(),
});

/** The last path segment of an ESPN `$ref` before any query string ('.../athletes/15264?lang=en' -> '15264'). */
export function idFromRef(ref: string): string | null {
  const path = ref.split(/[?#]/)[0] ?? "";
  const last = path.split("/").filter(Boolean).pop();
  return last && /^\d+$/.test(last) ? last : null;
}

/** Throws EspnFormatError when the body is not a core API play. */
export function parseCorePlay(body: unknown): CorePlay {
  const parsed = corePlaySchema.safeParse(body);
  if (!parsed.success) {
    throw new EspnFormatError(`not an ESPN core play: unexpected shape at ${issuePath(parsed.error.issues[0])}`);
  }
  const play = parsed.data;
  const teamEspnId = play.team ? idFromRef(play.team.$ref) : null;
  const scorerRef = play.participants?.find((participant) => participant.type === "scorer")?.athlete?.$ref;
  return {
    playId: play.id,
    text: (play.text ?? "").trim(),
    isScoringPlay: play.scoringPlay ?? play.scoringType !== undefined,
    scoringType: play.scoringType?.name.toLowerCase() ?? null,
    playType: play.type?.text ?? null,
    teamEspnId,
    team: teamCodeFromEspnId(teamEspnId),
    scorerEspnId: scorerRef ? idFromRef(scorerRef) : null,
  };
}
