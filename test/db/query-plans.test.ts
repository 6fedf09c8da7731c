import { env } from "cloudflare:test";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import { createDatabase } from "../../src/db/client";
import { gamesQuery } from "../../src/services/games";
import { sortedPageStatement } from "../../src/services/leaderboards";
import { latestMarketPricesQuery } from "../../src/services/markets";
import { pricingSnapshotsQuery, userPicksQuery } from "../../src/services/picks";

/**
 * Each v13 index serves a named query: EXPLAIN QUERY PLAN of the query the code runs shows the index. (SQLite
 * plans from the schema and statistics; on an empty table it still picks an index for an indexed equality.)
 */
async function plan(sql: string, params: unknown[] = []): Promise<string> {
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind(...params)
    .all<{ detail: string }>();
  return results.map((r) => r.detail).join("\n");
}

const db = createDatabase(env.DB);

describe("named queries use their indexes", () => {
  it("a week's schedule: games_schedule_idx", async () => {
    const query = gamesQuery(db, { season: 2025, week: 13 }).toSQL();
    const detail = await plan(query.sql, query.params);
    expect(detail).toContain("USING INDEX games_schedule_idx (season=? AND week=?)");
    expect(detail).not.toContain("SCAN games");
  });

  it("a user's picks: the v11 unique index (user_id, week_id, player_name)", async () => {
    const query = userPicksQuery(db, 7, { season: 2025, week: 13 }).toSQL();
    const detail = await plan(query.sql, query.params);
    expect(detail).toMatch(/SEARCH picks USING (COVERING )?INDEX picks_user_week_player_unique \(user_id=\?/);
    expect(detail).not.toContain("SCAN picks");
  });

  it("grading a game: picks_game_grading_idx covers every pick of the game in user order (the grading trigger's lookup)", async () => {
    const detail = await plan(
      "SELECT p.id, p.user_id, p.week_id, p.player_id, p.decimal_odds FROM picks p WHERE p.game_id = ? ORDER BY p.user_id",
      ["2025_13_KC_DAL"],
    );
    expect(detail).toMatch(/SEARCH p USING COVERING INDEX picks_game_grading_idx \(game_id=\?\)/);
    expect(detail).not.toContain("TEMP B-TREE");
  });

  it("a pick's price: the player's snapshots of the window, an index range on market_odds_game_player_idx", async () => {
    const query = new SQLiteAsyncDialect().sqlToQuery(pricingSnapshotsQuery("2025_13_KC_DAL", "00-0036389", new Date("2025-11-27T20:00:00Z")));
    const detail = await plan(query.sql, query.params);
    expect(detail).toMatch(/SEARCH m USING INDEX market_odds_game_player_idx \(game_id=\? AND player_id=\? AND snapshot_time>\? AND snapshot_time<\?\)/);
    expect(detail).toMatch(/SEARCH e USING INDEX market_odds_game_player_idx \(game_id=\? AND player_id=\?\)/);
    expect(detail).not.toContain("SCAN m");
  });

  it("a game's latest prices (v25): one seek of market_odds_latest_idx per source, kind and player", async () => {
    const query = new SQLiteAsyncDialect().sqlToQuery(latestMarketPricesQuery("2025_13_KC_DAL"));
    const detail = await plan(query.sql, query.params);
    expect(detail).toContain("USING INDEX market_odds_latest_idx (game_id=? AND source=? AND kind=? AND <expr>>?)");
    expect(detail).not.toMatch(/SCAN (m|n|market_odds)\b/);
  });

  it("a sorted board's page after a cursor: its three index ranges merged in order, not each read to a page and sorted", async () => {
    const statement = sortedPageStatement(env.DB, 0, { season: 2025, sort: "wins", limit: 50, callerUserId: null }, { metric: "wins" }, { primary: 3, secondary: 120, userId: 77 });
    const { statement: text, params } = statement as unknown as { statement: string; params: unknown[] };
    const detail = await plan(text, params);
    expect(detail).toContain("MERGE (UNION ALL)");
    expect(detail.match(/SEARCH league_standings USING INDEX league_standings_by_wins_idx/g)).toHaveLength(3);
  });

  it("player stats of one player (the grading trigger's player_stats refresh): player_stats_player_idx", async () => {
    const detail = await plan("SELECT first_td_count FROM player_stats WHERE player_id = ? AND season = ?", ["00-0036389", 2025]);
    expect(detail).toContain("USING INDEX player_stats_player_idx (player_id=? AND season=?)");
  });
});
