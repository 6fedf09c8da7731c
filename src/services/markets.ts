import { sql, type SQL } from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import type { PriceBasis } from "../domain/market-prices";
import { MARKET_KINDS, MARKET_SOURCES, type MarketKind } from "../db/schema";
import { nowIso } from "../lib/clock";

export interface MarketPrice {
  source: string;
  kind: "first_td" | "anytime_td";
  gameId: string;
  marketId: string | null;
  playerId: string | null;
  playerName: string | null;
  impliedProbability: number | null;
  normalizedProbability: number | null;
  americanOdds: number | null;
  bid: number | null;
  ask: number | null;
  bidSize: number | null;
  askSize: number | null;
  lastPrice: number | null;
  priceBasis: PriceBasis | null;
  snapshotTime: string;
  capturedAt: string | null;
  ageSeconds: number;
}

const LATEST_COLUMNS = `source, kind, game_id AS gameId, market_id AS marketId, player_id AS playerId, player_name AS playerName,
  implied_probability AS impliedProbability, normalized_probability AS normalizedProbability, american_odds AS americanOdds,
  bid, ask, bid_size AS bidSize, ask_size AS askSize, last_price AS lastPrice, price_basis AS priceBasis, snapshot_time AS snapshotTime, captured_at AS capturedAt`;

export function withAge(rows: Omit<MarketPrice, "ageSeconds">[], now: Date): MarketPrice[] {
  return rows.map((row) => ({
    ...row,
    ageSeconds: Math.max(0, Math.round((now.getTime() - Date.parse(row.capturedAt ?? row.snapshotTime)) / 1000)),
  }));
}

/**
 * The latest snapshot per source, kind and player of a game's markets, most likely first (rows for withAge).
 * A loose index scan of market_odds_latest_idx (v25): for each source and kind, the newest snapshot of the first player,
 * then of the next player after it, one seek each; reading the game's every snapshot and keeping each group's newest
 * read ~1,800 rows for ~70 prices.
 */
export function latestMarketPricesQuery(gameId: string, kind?: MarketKind) {
  const groups = MARKET_SOURCES.flatMap((source) => (kind ? [kind] : MARKET_KINDS).map((k) => sql`(${source}, ${k})`));
  const key = (alias: string) => sql.raw(`coalesce(${alias}.player_id, ${alias}.player_name)`);
  const newestOfNextPlayer = (after: SQL | null) => sql`(SELECT n.id FROM market_odds n INDEXED BY market_odds_latest_idx
      WHERE n.game_id = ${gameId} AND n.source = g.source AND n.kind = g.kind AND ${key("n")} ${after ? sql`> ${after}` : sql`IS NOT NULL`}
      ORDER BY ${key("n")}, n.snapshot_time DESC LIMIT 1)`;
  return sql`WITH RECURSIVE kinds(source, kind) AS (VALUES ${sql.join(groups, sql`, `)}),
    latest(id) AS (
      SELECT ${newestOfNextPlayer(null)} FROM kinds g
      UNION ALL
      SELECT ${newestOfNextPlayer(key("g"))} FROM latest l JOIN market_odds g ON g.id = l.id
    )
    SELECT ${sql.raw(LATEST_COLUMNS)} FROM latest l JOIN market_odds m ON m.id = l.id
    ORDER BY kind, implied_probability DESC, player_name`;
}

export type LatestPriceRow = Omit<MarketPrice, "ageSeconds">;

/** The latest snapshot per source, kind and player of a game's markets, most likely first. */
export async function latestMarketPrices(d1: D1Database, gameId: string, now: Date, kind?: MarketKind): Promise<MarketPrice[]> {
  const { sql: text, params } = new SQLiteAsyncDialect().sqlToQuery(latestMarketPricesQuery(gameId, kind));
  const [{ results }] = (await d1.batch<LatestPriceRow>([d1.prepare(text).bind(...params)])) as [D1Result<LatestPriceRow>];
  return withAge(results, now);
}

/** A player's latest first-TD prices in the games that have not kicked off yet (rows for withAge). */
export function upcomingPricesOfPlayerStatement(d1: D1Database, playerId: string, now: Date): D1PreparedStatement {
  return d1
    .prepare(
      `SELECT ${LATEST_COLUMNS} FROM (
         SELECT m.*, row_number() OVER (PARTITION BY m.source, m.game_id ORDER BY m.snapshot_time DESC) AS recency
         FROM market_odds m JOIN games g ON g.id = m.game_id
         WHERE m.player_id = ?1 AND m.kind = 'first_td' AND g.kickoff_at > ?2
       )
       WHERE recency = 1
       ORDER BY gameId, source`,
    )
    // kickoff_at is stored without milliseconds: compare in the same format, or a game stays "upcoming" for the
    // whole second of its kickoff ('...:00Z' sorts after '...:00.000Z').
    .bind(playerId, nowIso(now));
}
