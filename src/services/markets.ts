export interface MarketPrice {
  source: string;
  kind: string;
  marketId: string | null;
  playerId: string | null;
  playerName: string | null;
  impliedProbability: number | null;
  americanOdds: number | null;
  snapshotTime: string;
  ageSeconds: number;
}

/** The latest snapshot per (source, player) of a game's first-TD markets. */
export async function latestMarketPrices(d1: D1Database, gameId: string, now: Date): Promise<MarketPrice[]> {
  const { results } = await d1
    .prepare(
      `SELECT source, kind, market_id AS marketId, player_id AS playerId, player_name AS playerName,
         implied_probability AS impliedProbability, american_odds AS americanOdds, snapshot_time AS snapshotTime
       FROM (
         SELECT m.*, row_number() OVER (PARTITION BY m.source, m.kind, coalesce(m.player_id, m.player_name) ORDER BY m.snapshot_time DESC) AS recency
         FROM market_odds m WHERE m.game_id = ?1
       )
       WHERE recency = 1
       ORDER BY implied_probability DESC, player_name`,
    )
    .bind(gameId)
    .all<Omit<MarketPrice, "ageSeconds">>();
  return results.map((row) => ({ ...row, ageSeconds: Math.max(0, Math.round((now.getTime() - Date.parse(row.snapshotTime)) / 1000)) }));
}
