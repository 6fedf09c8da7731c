/**
 * Markets: prices are frozen into picks, so the snapshots must be there before kickoff and must be possible
 * prices; and the share of markets the sync could not map must stay small (a format or naming change upstream).
 * The snapshot check applies only once a market sync has run at all (a database without one has no markets).
 */
import { functionCheck, nowParam, queryRows, SAMPLE_KEYS, sqlCheck, type QualityCheck } from "../types";

/** Games kicking off within this many hours need a recent snapshot... */
export const SNAPSHOT_HORIZON_HOURS = 24;
/** ...taken within this many hours. */
export const SNAPSHOT_MAX_AGE_HOURS = 2;
export const UNMAPPED_MAX_SHARE = 0.2;
/** A market sync is any job whose name says market, kalshi or polymarket. */
const MARKET_SYNC_RAN = `EXISTS (SELECT 1 FROM sync_runs WHERE job LIKE '%market%' OR job LIKE '%kalshi%' OR job LIKE '%polymarket%')`;
/** When a snapshot was taken (captured_at since v17; before that the bucket start). */
const TAKEN_AT = `coalesce(m.captured_at, m.snapshot_time)`;

export const marketChecks: QualityCheck[] = [
  sqlCheck({
    name: "markets_snapshot_missing",
    table: "market_odds",
    severity: "warn",
    description: `A scheduled game kicking off within ${SNAPSHOT_HORIZON_HOURS} h has no market snapshot from the last ${SNAPSHOT_MAX_AGE_HOURS} h (once a market sync has run).`,
    sql: `SELECT 'games#' || g.id || ' kickoff ' || g.kickoff_at AS key FROM games g
          WHERE ${MARKET_SYNC_RAN}
            AND g.status IN ('scheduled', 'postponed')
            AND julianday(g.kickoff_at) > julianday(?1) AND julianday(g.kickoff_at) <= julianday(?1) + ${SNAPSHOT_HORIZON_HOURS} / 24.0
            AND NOT EXISTS (SELECT 1 FROM market_odds m WHERE m.game_id = g.id
                              AND julianday(${TAKEN_AT}) >= julianday(?1) - ${SNAPSHOT_MAX_AGE_HOURS} / 24.0)`,
    params: (ctx) => [nowParam(ctx)],
  }),
  sqlCheck({
    name: "markets_impossible_price",
    table: "market_odds",
    severity: "warn",
    description: "A snapshot with implied_probability outside (0, 1), ask below bid, or normalized_probability above 1.",
    sql: `SELECT 'market_odds#' || m.id || ' ' || m.source || ' ' || coalesce(m.market_id, '-') || ':' ||
                 CASE WHEN m.implied_probability <= 0 OR m.implied_probability >= 1 THEN ' implied_probability=' || m.implied_probability ELSE '' END ||
                 CASE WHEN m.ask < m.bid THEN ' ask<bid' ELSE '' END ||
                 CASE WHEN m.normalized_probability > 1 THEN ' normalized_probability=' || m.normalized_probability ELSE '' END AS key
          FROM market_odds m
          WHERE m.implied_probability <= 0 OR m.implied_probability >= 1 OR m.ask < m.bid OR m.normalized_probability > 1`,
  }),
  functionCheck({
    name: "markets_unmapped_share",
    table: "market_unmapped",
    severity: "warn",
    description: `Markets seen in the last day that the sync could not map are more than ${UNMAPPED_MAX_SHARE * 100}% of all markets seen in the last day.`,
    run: async (ctx) => {
      const [row] = await queryRows<{ unmapped: number; mapped: number; samples: string }>(
        ctx,
        ctx.db
          .prepare(
            `SELECT (SELECT count(*) FROM market_unmapped WHERE julianday(last_seen_at) >= julianday(?1) - 1) AS unmapped,
               (SELECT count(*) FROM (SELECT DISTINCT m.source, m.market_id FROM market_odds m
                  WHERE julianday(${TAKEN_AT}) >= julianday(?1) - 1)) AS mapped,
               (SELECT json_group_array(key) FROM (
                  SELECT source || ' ' || market_id || ': ' || reason AS key FROM market_unmapped
                  WHERE julianday(last_seen_at) >= julianday(?1) - 1 ORDER BY key LIMIT ?2)) AS samples`,
          )
          .bind(nowParam(ctx), SAMPLE_KEYS),
      );
      if (!row) throw new Error("no row");
      const total = row.unmapped + row.mapped;
      const share = total === 0 ? 0 : row.unmapped / total;
      const details = { unmapped: row.unmapped, mapped: row.mapped, percent: Math.round(share * 1000) / 10, maxPercent: UNMAPPED_MAX_SHARE * 100 };
      if (share <= UNMAPPED_MAX_SHARE) return { failingRows: 0, sampleKeys: [], details };
      return { failingRows: row.unmapped, sampleKeys: JSON.parse(row.samples) as string[], details };
    },
  }),
];
