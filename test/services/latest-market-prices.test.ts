/**
 * A game's latest price per source, kind and player (src/services/markets.ts, v25): the loose index scan gives what
 * "each group's newest snapshot" means, checked against that definition written as a window query, and reads a few rows
 * per price instead of every snapshot of the game.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import { latestMarketPricesQuery } from "../../src/services/markets";
import { api, createUserWithToken, minutesAgo, seedMarketOdds, seedMatchup, seedTeams, type SeedMarketOdds } from "../helpers/api";

const SNAPSHOTS_PER_PLAYER = 12;

/** The definition: per source, kind and player (or the venue's name when unmapped), the newest snapshot. */
async function newestByDefinition(gameId: string, kind: string | null) {
  const { results } = await env.DB.prepare(
    `SELECT source, kind, player_id AS playerId, player_name AS playerName, snapshot_time AS snapshotTime FROM (
       SELECT m.*, row_number() OVER (PARTITION BY source, kind, coalesce(player_id, player_name) ORDER BY snapshot_time DESC) AS recency
       FROM market_odds m WHERE game_id = ?1 AND (?2 IS NULL OR kind = ?2))
     WHERE recency = 1 ORDER BY source, kind, playerName`,
  )
    .bind(gameId, kind)
    .all();
  return results;
}

const sorted = (rows: { source: string; kind: string; playerName: string | null }[]) =>
  rows
    .map(({ source, kind, playerId, playerName, snapshotTime }: any) => ({ source, kind, playerId, playerName, snapshotTime }))
    .sort((a, b) => `${a.source} ${a.kind} ${a.playerName}`.localeCompare(`${b.source} ${b.kind} ${b.playerName}`));

describe("a game's latest market prices", async () => {
  const season = 2071;
  const teams = await seedTeams(season, ["KC", "BUF"]);
  const game = await seedMatchup(season, 1, "KC", "BUF");
  const mapped = [teams.KC!.WR, teams.KC!.RB, teams.KC!.TE, teams.BUF!.WR, teams.BUF!.QB, teams.BUF!.DEF];
  const rows: SeedMarketOdds[] = [];
  for (const source of ["kalshi", "polymarket"] as const) {
    for (const kind of ["first_td", "anytime_td"] as const) {
      for (let s = 0; s < SNAPSHOTS_PER_PLAYER; s++) {
        const at = minutesAgo(15 * (SNAPSHOTS_PER_PLAYER - s) + (source === "kalshi" ? 0 : 3));
        const price = (i: number) => 0.04 + 0.01 * ((i + s) % 7);
        mapped.forEach((playerId, i) => rows.push({ source, kind, gameId: game, playerId, playerName: `Mapped ${i}`, impliedProbability: price(i), americanOdds: 1000 + i, snapshotTime: at }));
        // Names the mapping did not resolve (and the "No Touchdown" leg): their group is the name.
        for (const name of ["No Touchdown", "Unmapped Receiver", "Unmapped Back"]) {
          rows.push({ source, kind, gameId: game, playerId: null, playerName: name, impliedProbability: 0.05, americanOdds: 1900, snapshotTime: at });
        }
      }
    }
  }
  // A player the venue spells two ways, mapped to one id: one group, its newest snapshot under either name.
  rows.push({ source: "kalshi", kind: "first_td", gameId: game, playerId: teams.KC!.WR, playerName: "Alias of Mapped 0", impliedProbability: 0.2, americanOdds: 400, snapshotTime: minutesAgo(1) });
  // Another game's price does not leak into this one.
  const other = await seedMatchup(season, 2, "BUF", "KC");
  rows.push({ source: "kalshi", kind: "first_td", gameId: other, playerId: teams.KC!.WR, playerName: "Other game", impliedProbability: 0.3, americanOdds: 233, snapshotTime: minutesAgo(0) });
  for (let i = 0; i < rows.length; i += 40) await seedMarketOdds(rows.slice(i, i + 40));
  const user = await createUserWithToken();

  it("is each group's newest snapshot, for every kind and for one", async () => {
    const all = await api(`/v1/games/${game}/markets`, { token: user.token });
    expect(all.status).toBe(200);
    expect(all.json.markets).toHaveLength(2 * 2 * (mapped.length + 3));
    expect(sorted(all.json.markets)).toEqual(sorted((await newestByDefinition(game, null)) as any));
    expect(all.json.markets.find((m: any) => m.playerId === teams.KC!.WR && m.source === "kalshi" && m.kind === "first_td")).toMatchObject({
      playerName: "Alias of Mapped 0",
      americanOdds: 400,
    });
    // Most likely first within a kind, as before.
    const firstTd = all.json.markets.filter((m: any) => m.kind === "first_td").map((m: any) => m.impliedProbability);
    expect(firstTd).toEqual([...firstTd].sort((a: number, b: number) => b - a));

    const anytime = await api(`/v1/games/${game}/markets?kind=anytime_td`, { token: user.token });
    expect(sorted(anytime.json.markets)).toEqual(sorted((await newestByDefinition(game, "anytime_td")) as any));
    expect(anytime.json.markets.every((m: any) => m.kind === "anytime_td")).toBe(true);
  });

  it("reads a few rows per price, not every snapshot of the game", async () => {
    const { sql: text, params } = new SQLiteAsyncDialect().sqlToQuery(latestMarketPricesQuery(game));
    const result = await env.DB.prepare(text).bind(...params).all();
    const prices = result.results.length;
    const snapshots = rows.filter((r) => r.gameId === game).length;
    expect(prices).toBe(36);
    expect(snapshots).toBeGreaterThan(400);
    // About five rows per price (the seek, the row it continues from, the recursion's queue, the answer's row), whatever
    // the number of snapshots per player: 12 here, ~26 in a day of market syncs.
    expect(result.meta.rows_read).toBeLessThanOrEqual(6 * prices);
    expect(result.meta.rows_read).toBeLessThan(snapshots / 2);
  });
});
