/**
 * Orphans: a row that names a parent row that does not exist. Foreign keys prevent most of them on D1, but not
 * all relationships have one (games.first_td_player_id, market_odds.game_id, picks_quarantine, market_outcomes),
 * and a table rebuild, a hand-run fix or a restore can leave orphans behind. One check per relationship.
 */
import { sqlCheck, type QualityCheck } from "../types";

interface Relationship {
  child: string;
  /** The child's columns that name the parent (several: one check for all, e.g. games' three team columns). */
  columns: string[];
  parent: string;
  parentColumn: string;
  /** SQL expression (over alias `c`) that identifies a child row in sample keys. */
  childKey: string;
  /** Check name suffix when the parent table's name is not enough (two relationships to one parent). */
  suffix?: string;
}

export const RELATIONSHIPS: readonly Relationship[] = [
  { child: "picks", columns: ["user_id"], parent: "users", parentColumn: "id", childKey: "c.id" },
  { child: "picks", columns: ["week_id"], parent: "weeks", parentColumn: "id", childKey: "c.id" },
  { child: "picks", columns: ["game_id"], parent: "games", parentColumn: "id", childKey: "c.id" },
  { child: "picks", columns: ["player_id"], parent: "players", parentColumn: "id", childKey: "c.id" },
  { child: "results", columns: ["pick_id"], parent: "picks", parentColumn: "id", childKey: "c.id" },
  { child: "rosters", columns: ["player_id"], parent: "players", parentColumn: "id", childKey: "c.id" },
  { child: "rosters", columns: ["team"], parent: "teams", parentColumn: "code", childKey: "c.id" },
  { child: "standings", columns: ["user_id"], parent: "users", parentColumn: "id", childKey: "c.season || '/' || c.week || '/' || c.user_id" },
  { child: "player_stats", columns: ["player_id"], parent: "players", parentColumn: "id", childKey: "c.id" },
  { child: "games", columns: ["home_team", "away_team", "first_td_team"], parent: "teams", parentColumn: "code", childKey: "c.id" },
  // No foreign key (games predates players); triggers guard it on write.
  { child: "games", columns: ["first_td_player_id"], parent: "players", parentColumn: "id", childKey: "c.id", suffix: "first_td_player" },
  // No foreign key: a snapshot names the game it prices.
  { child: "market_odds", columns: ["game_id"], parent: "games", parentColumn: "id", childKey: "c.id" },
  { child: "market_odds", columns: ["player_id"], parent: "players", parentColumn: "id", childKey: "c.id" },
  { child: "market_outcomes", columns: ["game_id"], parent: "games", parentColumn: "id", childKey: "c.id" },
  { child: "market_outcomes", columns: ["player_id"], parent: "players", parentColumn: "id", childKey: "c.id" },
  { child: "api_tokens", columns: ["user_id"], parent: "users", parentColumn: "id", childKey: "c.id" },
  // No foreign keys: quarantined picks keep the v8 user and week they had.
  { child: "picks_quarantine", columns: ["user_id"], parent: "users", parentColumn: "id", childKey: "c.id" },
  { child: "picks_quarantine", columns: ["week_id"], parent: "weeks", parentColumn: "id", childKey: "c.id" },
  { child: "quality_results", columns: ["run_id"], parent: "quality_runs", parentColumn: "id", childKey: "c.id" },
  { child: "players", columns: ["defense_team"], parent: "teams", parentColumn: "code", childKey: "c.id" },
  { child: "team_aliases", columns: ["team_code"], parent: "teams", parentColumn: "code", childKey: "c.alias" },
  { child: "game_fact_changes", columns: ["game_id"], parent: "games", parentColumn: "id", childKey: "c.id" },
];

export function orphanCheckName(r: Relationship): string {
  return `orphan_${r.child}_${r.suffix ?? r.parent}`;
}

function orphanSql(r: Relationship): string {
  // Key: "picks#12 user_id=99". One row per child row and column (a game with two unknown teams counts twice).
  return r.columns
    .map(
      (column) => `SELECT '${r.child}#' || ${r.childKey} || ' ${column}=' || c.${column} AS key
        FROM ${r.child} c
        WHERE c.${column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${r.parent} p WHERE p.${r.parentColumn} = c.${column})`,
    )
    .join("\n        UNION ALL\n        ");
}

export const orphanChecks: QualityCheck[] = RELATIONSHIPS.map((r) =>
  sqlCheck({
    name: orphanCheckName(r),
    table: r.child,
    severity: "fail",
    description: `${r.child}.${r.columns.join(" / ")} names a ${r.parent} row that does not exist.`,
    sql: orphanSql(r),
  }),
);
