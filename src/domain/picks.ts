import { isPickablePosition } from "./positions";

export interface PickableGame {
  kickoffAt: string | null;
  status: string;
  /** When the game locked for good (a kickoff moved later after it had passed does not reopen it). */
  lockedAt: string | null;
  homeScore: number | null;
  awayScore: number | null;
  firstTdPlayerId: string | null;
  firstTdTeam: string | null;
  noTd: number | boolean;
}

/**
 * Picks lock at kickoff (server clock), one way: a game that has begun (its kickoff passed once, it is under way or
 * over, it has a score or a first-TD fact) never takes a pick again, even when it is postponed and its kickoff moves
 * later. A postponed game that had not begun stays open until its new kickoff; a placeholder without kickoff is locked.
 * The writes check the same rule with the database's clock (GAME_OPEN_SQL in src/db/sql-rules.ts).
 */
export function isLocked(game: PickableGame, now: Date): boolean {
  if (game.status !== "scheduled" && game.status !== "postponed") return true;
  if (game.kickoffAt === null || game.lockedAt !== null) return true;
  if (game.homeScore !== null || game.awayScore !== null) return true;
  if (game.firstTdPlayerId !== null || game.firstTdTeam !== null || Boolean(game.noTd)) return true;
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
