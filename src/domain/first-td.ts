import type { FirstTdKind } from "./grading";

/**
 * nflverse touchdown kinds (as in first_td_2023_2025.csv) to our first-TD kind. A recovery of the
 * opponent's fumble in the end zone is a defensive TD; a recovery of one's own fumble is an offensive one.
 */
const KIND_BY_NFLVERSE_TD_KIND: Record<string, FirstTdKind> = {
  rush: "rush",
  receiving: "reception",
  punt_return: "return",
  kickoff_return: "return",
  interception_return: "defense",
  opp_fumble_recovery: "defense",
  misc_return: "defense",
  own_fumble_recovery: "other",
};

export function firstTdKindFromNflverse(tdKind: string): FirstTdKind {
  const key = tdKind.trim().toLowerCase();
  // Own keys only: a plain-object lookup would return Object.prototype members for "__proto__" or "constructor".
  return Object.hasOwn(KIND_BY_NFLVERSE_TD_KIND, key) ? KIND_BY_NFLVERSE_TD_KIND[key]! : "other";
}
