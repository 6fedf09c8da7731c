import type { GameStatus } from "../../domain/grading";

/** ESPN `status.type` (the parts that matter). */
export interface EspnStatusType {
  name?: string | undefined;
  state?: string | undefined;
  completed?: boolean | undefined;
}

// Postponed and canceled games have state 'post' like finished ones, so the name decides first.
const STATUS_BY_NAME: Readonly<Record<string, GameStatus>> = {
  STATUS_POSTPONED: "postponed",
  STATUS_CANCELED: "canceled",
  STATUS_CANCELLED: "canceled",
  STATUS_FINAL: "final",
  STATUS_FINAL_OT: "final",
  STATUS_FINAL_OVERTIME: "final",
};

/**
 * Our game status for an ESPN status. Unknown names fall back to the state; a 'post' state that is not
 * completed and not named (suspended, forfeited, ...) stays in_progress: locked, but never final, so a game
 * without a touchdown is not graded on it.
 */
export function toGameStatus(type: EspnStatusType): GameStatus {
  const byName = type.name ? STATUS_BY_NAME[type.name.toUpperCase()] : undefined;
  if (byName) return byName;
  if (type.state === "pre") return "scheduled";
  if (type.state === "post" && type.completed === true) return "final";
  return type.state === "post" || type.state === "in" ? "in_progress" : "scheduled";
}
