/**
 * Positions as the game knows them: the pickable ones (DEF is a team's defense / special teams pseudo-player)
 * and the raw nflverse groups kept as they are. The same list is in the rosters.position CHECK (migration v10).
 */
export const PICKABLE_POSITIONS = ["QB", "RB", "WR", "TE", "K", "DEF"] as const;
export const NON_PICKABLE_POSITIONS = ["OL", "DL", "LB", "DB", "P", "LS"] as const;

/** Every normalized position a roster row may hold: the pickable ones, then the raw positions kept as is. */
export const POSITIONS = [...PICKABLE_POSITIONS, ...NON_PICKABLE_POSITIONS] as const;

export type PickablePosition = (typeof PICKABLE_POSITIONS)[number];
export type Position = PickablePosition | (typeof NON_PICKABLE_POSITIONS)[number];

/**
 * nflverse rosters use the groups above (a fullback is RB with depth_chart_position FB), but older seasons and
 * the depth-chart column use the detailed positions, so those map to their group.
 */
const POSITION_BY_CODE: Readonly<Record<string, Position>> = {
  QB: "QB",
  RB: "RB",
  HB: "RB",
  FB: "RB",
  WR: "WR",
  TE: "TE",
  K: "K",
  PK: "K",
  DEF: "DEF",
  DST: "DEF",
  "D/ST": "DEF",
  OL: "OL",
  T: "OL",
  OT: "OL",
  G: "OL",
  OG: "OL",
  C: "OL",
  DL: "DL",
  DE: "DL",
  DT: "DL",
  NT: "DL",
  LB: "LB",
  ILB: "LB",
  OLB: "LB",
  MLB: "LB",
  DB: "DB",
  CB: "DB",
  S: "DB",
  SS: "DB",
  FS: "DB",
  SAF: "DB",
  P: "P",
  LS: "LS",
};

function positionOf(code: string | null | undefined): Position | null {
  if (!code) return null;
  return POSITION_BY_CODE[code.trim().toUpperCase()] ?? null;
}

/** The position of an nflverse roster row; the depth-chart position is used only when `position` says nothing we know. */
export function normalizePosition(position: string | null | undefined, depthChartPosition?: string | null): Position | null {
  return positionOf(position) ?? positionOf(depthChartPosition);
}

export function isPickablePosition(position: string | null | undefined): position is PickablePosition {
  return position !== null && position !== undefined && (PICKABLE_POSITIONS as readonly string[]).includes(position);
}
