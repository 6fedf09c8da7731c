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
  homeTeam: string;
  awayTeam: string;
  firstTdPlayerId: string | null;
  firstTdTeam: string | null;
  firstTdKind: FirstTdKind | null;
}

/** Kinds of touchdown that a team's defense / special teams (the DEF pick) is credited with. */
export const DEFENSE_TD_KINDS: readonly FirstTdKind[] = ["return", "defense"];

/** A game can be graded in full once it is void, has no TD, or its first-TD scorer is known. */
export function isGradable(game: GradableGame): boolean {
  return game.status === "canceled" || game.isVoided || game.noTd || game.firstTdPlayerId !== null;
}

/** The team of a DEF-<TEAM> pseudo-player, else null. */
function defenseTeamOf(playerId: string | null): string | null {
  return playerId?.startsWith("DEF-") ? playerId.slice(4) : null;
}

/**
 * Outcome of a pick on `pickedPlayerId` (a gsis id or DEF-<TEAM>) of `pickTeam`, or null while it cannot be known.
 * When the scorer is known every pick is graded. When only the scoring team (and the kind) is known, as when the feed
 * names a scorer no roster holds, the picks that cannot be the scorer are graded anyway: the DEF picks (the scoring
 * team's wins on a return or defensive TD) and every pick of the other team; the scoring team's players wait.
 */
export function gradePick(
  game: GradableGame,
  pickedPlayerId: string | null,
  pickTeam: string | null = defenseTeamOf(pickedPlayerId),
): PickOutcome | null {
  if (game.status === "canceled" || game.isVoided) return "void";
  if (game.noTd) return "loss";
  if (game.firstTdTeam === null) return null;
  if (pickedPlayerId !== null && pickedPlayerId === game.firstTdPlayerId) return "win";
  const defenseScored = game.firstTdKind !== null && DEFENSE_TD_KINDS.includes(game.firstTdKind);
  const scoringDefense = `DEF-${game.firstTdTeam}`;
  if (defenseScored && pickedPlayerId === scoringDefense) return "win";
  if (game.firstTdPlayerId !== null) return "loss";
  if (pickedPlayerId === scoringDefense) return game.firstTdKind === null ? null : "loss";
  const otherTeam = pickTeam !== null && (pickTeam === game.homeTeam || pickTeam === game.awayTeam) && pickTeam !== game.firstTdTeam;
  return otherTeam ? "loss" : null;
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
