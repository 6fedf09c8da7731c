/**
 * Boards and player lists from the edge cache (src/http/edge-cache.ts), keyed by the standings version that every
 * grading bumps (src/services/standings-version.ts, KV CACHE_VERSIONS). The Cache API and KV are Miniflare's here,
 * real ones: a second read is answered from the cache (the counted D1 calls show no board statement), and a grading
 * through the real admin route makes the next read compute the board again, with the new standings.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, createUserWithToken, makePick, seedMatchup, seedTeams, setFirstTd } from "../helpers/api";
import { requestCounted, type D1Call } from "../helpers/d1-calls";

let nextSeason = 2080;

const readsTable = (calls: D1Call[], table: string) => calls.some((call) => call.sql.some((text) => text.includes(table)));

async function scene() {
  const season = nextSeason++;
  const teams = await seedTeams(season, ["KC", "BUF"]);
  const game = await seedMatchup(season, 1, "KC", "BUF");
  const user = await createUserWithToken();
  await env.DB.prepare("UPDATE users SET on_global_board = 1 WHERE id = ?").bind(user.id).run();
  await api("/v1/me", { token: user.token });
  await makePick(user, game, teams.KC!.WR);
  return { season, teams, game, user };
}

describe("edge cache of boards and player lists", () => {
  it("a board read twice reads its page once; a grading makes the next read show the new standings", async () => {
    const { season, teams, game, user } = await scene();
    const path = `/v1/leaderboards/${season}?limit=10`;

    const first = await requestCounted(path, { token: user.token });
    expect(first.status).toBe(200);
    expect(first.json.entries).toEqual([expect.objectContaining({ userId: user.id, wins: 0, picks: 1 })]);
    expect(readsTable(first.calls, "league_standings")).toBe(true);

    const second = await requestCounted(path, { token: user.token });
    expect(second.json).toEqual(first.json);
    // Still one call (the token's check and "me"), without the page's statement.
    expect(second.calls).toHaveLength(1);
    expect(readsTable(second.calls, "league_standings")).toBe(false);
    expect(second.json.me).toMatchObject({ userId: user.id, picks: 1 });

    await setFirstTd(game, { type: "player", playerId: teams.KC!.WR, kind: "reception" });

    const graded = await requestCounted(path, { token: user.token });
    expect(readsTable(graded.calls, "league_standings")).toBe(true);
    expect(graded.json.entries).toEqual([expect.objectContaining({ userId: user.id, wins: 1, losses: 0 })]);
    expect(graded.json.me).toMatchObject({ wins: 1, rank: 1 });
  });

  it("the cache key holds the query: another sort, limit or week is another entry", async () => {
    const { season, user } = await scene();
    await requestCounted(`/v1/leaderboards/${season}?limit=10`, { token: user.token });
    const units = await requestCounted(`/v1/leaderboards/${season}?limit=10&sort=units`, { token: user.token });
    expect(readsTable(units.calls, "league_standings")).toBe(true);
    const week = await requestCounted(`/v1/leaderboards/${season}/weeks/1?limit=10`, { token: user.token });
    expect(readsTable(week.calls, "league_standings")).toBe(true);
  });

  it("player stats: the second read is the token's check alone; a grading shows the new first-TD count", async () => {
    const { season, teams, game, user } = await scene();
    const path = `/v1/player-stats?season=${season}&position=WR&limit=10`;
    const before = await requestCounted(path, { token: user.token });
    expect(before.json.entries).toEqual([]);
    const again = await requestCounted(path, { token: user.token });
    expect(again.json).toEqual(before.json);
    expect(readsTable(again.calls, "player_stats")).toBe(false);

    await setFirstTd(game, { type: "player", playerId: teams.KC!.WR, kind: "reception" });
    const after = await requestCounted(path, { token: user.token });
    expect(after.json.entries).toEqual([expect.objectContaining({ playerId: teams.KC!.WR, firstTdCount: 1, rank: 1 })]);
  });

  it("another user's 'me' is theirs, whatever the cached page", async () => {
    const { season, user } = await scene();
    const other = await createUserWithToken();
    await api("/v1/me", { token: other.token });
    await requestCounted(`/v1/leaderboards/${season}?limit=10`, { token: user.token });
    const theirs = await requestCounted(`/v1/leaderboards/${season}?limit=10`, { token: other.token });
    expect(theirs.json.me).toBeNull();
    expect(theirs.json.entries.map((entry: { userId: number }) => entry.userId)).toEqual([user.id]);
  });
});
