/**
 * Drift: the tables the v14 triggers maintain against a full recompute (src/db/recompute.ts). player_stats must
 * equal a recount of the games; standings must equal a recount of the picks and their results. Both come from one
 * findDifferences call (one batch, one snapshot), for the run's season only: a nightly recompute of every season
 * would read every pick ever made, and corrections only touch the current season.
 */
import { findDifferences, leagueBoardDifferences, type Differences } from "../../db/recompute";
import { functionCheck, SAMPLE_KEYS, type CheckContext, type QualityCheck } from "../types";

/** Differences listed per table at most (counts above it are reported as this many). */
export const DRIFT_LIMIT = 1000;

function differences(ctx: CheckContext): Promise<Differences> {
  // findDifferences only prepares statements and runs one batch, which the job's metered handle provides too.
  return ctx.memo("recompute", () => findDifferences(ctx.db as unknown as D1Database, { season: ctx.season, limit: DRIFT_LIMIT }));
}

/** "wins 1 != 2, unitsCu 100 != -100", "missing row", "row should not count anything". */
function describe(maintained: Record<string, unknown> | null, expected: Record<string, unknown> | null): string {
  if (maintained === null) return "missing row";
  if (expected === null) return `counts ${JSON.stringify(maintained)}, expected nothing`;
  return Object.keys(expected)
    .filter((field) => maintained[field] !== expected[field])
    .map((field) => `${field} ${String(maintained[field])} != ${String(expected[field])}`)
    .join(", ");
}

export const driftChecks: QualityCheck[] = [
  functionCheck({
    name: "drift_player_stats",
    table: "player_stats",
    severity: "warn",
    description: "player_stats first_td_count / last_td_week differ from a recount of the season's games (or a row is missing).",
    run: async (ctx) => {
      const diffs = (await differences(ctx)).playerStats;
      return {
        failingRows: diffs.length,
        sampleKeys: diffs
          .slice(0, SAMPLE_KEYS)
          .map((d) => `${d.playerId ?? d.playerName} ${d.season} ${d.team}: ${describe(d.maintained, d.expected)}`),
        details: { season: ctx.season, capped: diffs.length >= DRIFT_LIMIT },
      };
    },
  }),
  functionCheck({
    name: "drift_standings",
    table: "standings",
    severity: "warn",
    description: "A standings row (season or week) differs from a recount of the picks and their results (or is missing).",
    run: async (ctx) => {
      const diffs = (await differences(ctx)).standings;
      return {
        failingRows: diffs.length,
        sampleKeys: diffs
          .slice(0, SAMPLE_KEYS)
          .map((d) => `${d.season}/${d.week}/user ${d.userId}: ${describe(d.maintained, d.expected)}`),
        details: { season: ctx.season, capped: diffs.length >= DRIFT_LIMIT },
      };
    },
  }),
  functionCheck({
    name: "drift_league_boards",
    table: "league_standings",
    severity: "warn",
    description:
      "A row of a sorted board (a large league's or the public board's, league_standings) differs from the member's standings row, is missing, or belongs to no member.",
    run: async (ctx) => {
      const diffs = await leagueBoardDifferences(ctx.db as unknown as D1Database, { season: ctx.season, limit: DRIFT_LIMIT });
      return {
        failingRows: diffs.length,
        sampleKeys: diffs
          .slice(0, SAMPLE_KEYS)
          .map((d) => `league ${d.leagueId} ${d.season}/${d.week}/user ${d.userId}: ${describe(d.maintained, d.expected)}`),
        details: { season: ctx.season, capped: diffs.length >= DRIFT_LIMIT },
      };
    },
  }),
];
