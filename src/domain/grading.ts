/**
 * Grading rules of the game (DESIGN.md, "Grading"), as plain functions. The v14 triggers implement the
 * same rules in SQL; test/domain/grading.test.ts holds the cases and test/db/grading-triggers.test.ts
 * proves the triggers agree.
 */
export type GameStatus = "scheduled" | "in_progress" | "final" | "postponed" | "canceled";
export type FirstTdKind = "rush" | "reception" | "return" | "defense" | "other";
export type PickOutcome = "win" | "loss" | "void";

/** What grading needs to know about a game. */
export interface GradableGame {
  status: GameStatus;
  isVoided: boolean;
  noTd: boolean;
  firstTdPlayerId: string | null;
  firstTdTeam: string | null;
  firstTdKind: FirstTdKind | null;
}

/** Kinds of touchdown that a team's defense / special teams (the DEF pick) is credited with. */
export const DEFENSE_TD_KINDS: readonly FirstTdKind[] = ["return", "defense"];

/** A game can be graded once it is void, or its first TD (or the lack of one) is known. */
export function isGradable(game: GradableGame): boolean {
  return game.status === "canceled" || game.isVoided || game.noTd || game.firstTdPlayerId !== null;
}

/** Outcome of a pick on `pickedPlayerId` (a gsis id or DEF-<TEAM>), or null while the game is not gradable. */
export function gradePick(game: GradableGame, pickedPlayerId: string | null): PickOutcome | null {
  if (!isGradable(game)) return null;
  if (game.status === "canceled" || game.isVoided) return "void";
  if (game.noTd) return "loss";
  if (pickedPlayerId === null) return "loss";
  if (pickedPlayerId === game.firstTdPlayerId) return "win";
  const defenseScored = game.firstTdKind !== null && DEFENSE_TD_KINDS.includes(game.firstTdKind);
  if (defenseScored && pickedPlayerId === `DEF-${game.firstTdTeam}`) return "win";
  return "loss";
}

/** Even money for a pick without a frozen price (decimal odds 2.0). */
export const EVEN_MONEY_DECIMAL_ODDS = 2;

/**
 * Profit of a graded pick in hundredths of a unit (integers, so that sums never drift): a win returns the
 * frozen decimal odds minus the 1-unit stake, a loss costs the stake, a void returns it.
 */
export function profitCentiUnits(outcome: PickOutcome, decimalOdds: number | null): number {
  if (outcome === "win") return Math.round(((decimalOdds ?? EVEN_MONEY_DECIMAL_ODDS) - 1) * 100);
  if (outcome === "loss") return -100;
  return 0;
}
