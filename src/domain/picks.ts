import { isPickablePosition } from "./positions";

export interface PickableGame {
  kickoffAt: string | null;
  status: string;
}

/**
 * Picks lock at kickoff (server clock). A game already under way or over is locked whatever its listed
 * kickoff says; a postponed game stays open until its new kickoff; a placeholder without kickoff is locked.
 */
export function isLocked(game: PickableGame, now: Date): boolean {
  if (game.status !== "scheduled" && game.status !== "postponed") return true;
  if (game.kickoffAt === null) return true;
  return now.getTime() >= Date.parse(game.kickoffAt);
}

export interface RosterEntry {
  team: string;
  position: string | null;
  status: string;
}

export type RosterProblem = "not_on_roster" | "not_pickable";

/** Why a player cannot be picked for a game, or null when he can: on either team's current roster, pickable, active. */
export function rosterProblem(game: { homeTeam: string; awayTeam: string }, roster: RosterEntry | null): RosterProblem | null {
  if (!roster || (roster.team !== game.homeTeam && roster.team !== game.awayTeam)) return "not_on_roster";
  if (!isPickablePosition(roster.position) || roster.status !== "ACT") return "not_pickable";
  return null;
}
