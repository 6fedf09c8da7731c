/**
 * Positions: a roster row whose position the sync did not recognize (NULL) cannot be picked and hides a player
 * from the position filters. A few are normal (new raw codes, rookies); more than 5% means a format change.
 */
import { functionCheck, queryRows, SAMPLE_KEYS, type QualityCheck } from "../types";

export const UNKNOWN_POSITION_MAX_PERCENT = 5;

export const positionChecks: QualityCheck[] = [
  functionCheck({
    name: "rosters_unknown_position",
    table: "rosters",
    severity: "warn",
    description: `Active (ACT, current) roster rows of the season with an unknown position, when they are ${UNKNOWN_POSITION_MAX_PERCENT}% or more of the active skill players (QB, RB, WR, TE, K) and unknowns.`,
    run: async (ctx) => {
      const [row] = await queryRows<{ unknown: number; total: number; samples: string }>(
        ctx,
        ctx.db
        .prepare(
          `SELECT (SELECT count(*) FROM rosters WHERE season = ?1 AND is_current = 1 AND status = 'ACT' AND position IS NULL) AS unknown,
             (SELECT count(*) FROM rosters WHERE season = ?1 AND is_current = 1 AND status = 'ACT'
                AND (position IS NULL OR position IN ('QB', 'RB', 'WR', 'TE', 'K'))) AS total,
             (SELECT json_group_array(key) FROM (
                SELECT 'rosters#' || id || ' ' || player_id || ' ' || team || ' raw=' || coalesce(raw_position, 'NULL') AS key
                FROM rosters WHERE season = ?1 AND is_current = 1 AND status = 'ACT' AND position IS NULL
                ORDER BY key LIMIT ?2)) AS samples`,
        )
          .bind(ctx.season, SAMPLE_KEYS),
      );
      if (!row) throw new Error("no row");
      const percent = row.total === 0 ? 0 : Math.round((1000 * row.unknown) / row.total) / 10;
      const details = { season: ctx.season, unknown: row.unknown, activeSkillAndUnknown: row.total, percent, maxPercent: UNKNOWN_POSITION_MAX_PERCENT };
      if (row.unknown === 0 || percent < UNKNOWN_POSITION_MAX_PERCENT) return { failingRows: 0, sampleKeys: [], details };
      return { failingRows: row.unknown, sampleKeys: JSON.parse(row.samples) as string[], details };
    },
  }),
];
