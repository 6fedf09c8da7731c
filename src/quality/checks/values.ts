/**
 * Values outside their allowed sets: statuses, positions, kinds, outcomes and 0/1 flags. Most columns have a CHECK
 * constraint since their migration, but rows written before it, columns added by ALTER TABLE without one (picks),
 * and constraints lost in a table rebuild are not covered. One check per table; one failing row per row, whatever
 * the number of bad columns in it (all are named in its key).
 */
import {
  FIRST_TD_KINDS,
  GAME_STATUSES,
  GAME_TYPES,
  JOB_TRIGGERS,
  MARKET_KINDS,
  MARKET_SOURCES,
  QUALITY_SEVERITIES,
  QUALITY_STATUSES,
  QUARANTINE_REASONS,
  RUN_STATUSES,
} from "../../db/schema";
import { PRICE_BASES } from "../../domain/market-prices";
import { ODDS_REASONS } from "../../domain/odds-freeze";
import { POSITIONS } from "../../domain/positions";
import { sqlCheck, sqlList, type QualityCheck } from "../types";

const FLAG = [0, 1] as const;

interface AllowedSet {
  column: string;
  allowed: readonly (string | number)[];
}

interface ValueRule {
  table: string;
  /** Expression identifying a row in sample keys. */
  rowKey: string;
  sets: AllowedSet[];
  /** Name suffix when one table has two rule sets. */
  name?: string;
}

export const VALUE_RULES: readonly ValueRule[] = [
  {
    table: "games",
    rowKey: "id",
    sets: [
      { column: "status", allowed: GAME_STATUSES },
      { column: "game_type", allowed: GAME_TYPES },
      { column: "first_td_kind", allowed: FIRST_TD_KINDS },
      { column: "no_td", allowed: FLAG },
      { column: "is_voided", allowed: FLAG },
      { column: "is_placeholder", allowed: FLAG },
    ],
  },
  {
    table: "rosters",
    rowKey: "id",
    sets: [
      { column: "position", allowed: POSITIONS },
      { column: "is_current", allowed: FLAG },
    ],
  },
  {
    table: "picks",
    rowKey: "id",
    sets: [
      { column: "position", allowed: POSITIONS },
      // A median over both venues' snapshots names both (src/domain/odds-freeze.ts).
      { column: "odds_source", allowed: ["kalshi", "polymarket", "kalshi+polymarket", "odds_api", "legacy"] },
      { column: "odds_reason", allowed: ODDS_REASONS },
    ],
  },
  {
    table: "results",
    rowKey: "id",
    sets: [
      { column: "outcome", allowed: ["win", "loss", "void"] },
      { column: "is_correct", allowed: FLAG },
    ],
  },
  {
    table: "players",
    rowKey: "id",
    sets: [{ column: "is_fallback_id", allowed: FLAG }],
  },
  {
    table: "users",
    rowKey: "id",
    sets: [{ column: "is_admin", allowed: FLAG }],
  },
  {
    table: "market_odds",
    rowKey: "id",
    sets: [
      { column: "source", allowed: MARKET_SOURCES },
      { column: "kind", allowed: MARKET_KINDS },
      { column: "price_basis", allowed: PRICE_BASES },
    ],
  },
  {
    table: "picks_quarantine",
    rowKey: "id",
    sets: [{ column: "reason", allowed: QUARANTINE_REASONS }],
  },
  {
    table: "sync_runs",
    rowKey: "id",
    sets: [
      { column: "trigger", allowed: JOB_TRIGGERS },
      { column: "status", allowed: RUN_STATUSES },
    ],
  },
  {
    table: "quality_runs",
    rowKey: "id",
    sets: [
      { column: "trigger", allowed: JOB_TRIGGERS },
      { column: "status", allowed: ["running", ...QUALITY_STATUSES] },
    ],
  },
  {
    table: "quality_results",
    rowKey: "id",
    sets: [
      { column: "severity", allowed: QUALITY_SEVERITIES },
      { column: "status", allowed: QUALITY_STATUSES },
    ],
  },
];

/** `x NOT IN (...)` is NULL for a NULL x, so NULLs pass: a NOT NULL column keeps them out by itself. */
function bad(set: AllowedSet): string {
  return `"${set.column}" NOT IN ${sqlList(set.allowed)}`;
}

function valuesSql(rule: ValueRule): string {
  // Key: "games#2025_01_KC_BUF status='bogus' no_td=2".
  const problems = rule.sets
    .map((set) => `CASE WHEN ${bad(set)} THEN ' ${set.column}=' || quote("${set.column}") ELSE '' END`)
    .join(" || ");
  return `SELECT '${rule.table}#' || ${rule.rowKey} || ${problems} AS key
          FROM ${rule.table}
          WHERE ${rule.sets.map(bad).join(" OR ")}`;
}

export const valueChecks: QualityCheck[] = VALUE_RULES.map((rule) =>
  sqlCheck({
    name: `values_${rule.name ?? rule.table}`,
    table: rule.table,
    severity: "fail",
    description: `A ${rule.table} row with ${rule.sets.map((s) => s.column).join(", ")} outside the allowed values.`,
    sql: valuesSql(rule),
  }),
);
