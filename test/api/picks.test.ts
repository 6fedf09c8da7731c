import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  api,
  countRows,
  createUserWithToken,
  defaultKickoff,
  expectError,
  makePick,
  minutesAgo,
  problemFields,
  seedMatchup,
  seedMarketOdds,
  seedPlayers,
  seedTeams,
  setFirstTd,
} from "../helpers/api";

// Storage is per file: every test takes its own season, so games, rosters and standings never collide.
let nextSeason = 2040;
const freshSeason = () => nextSeason++;

/** A season with KC@BUF (week 1), DAL@PHI (week 1) and KC@DAL (week 2), rosters for the four teams. */
async function league() {
  const season = freshSeason();
  const teams = await seedTeams(season, ["KC", "BUF", "DAL", "PHI"]);
  const game = await seedMatchup(season, 1, "KC", "BUF");
  const otherGame = await seedMatchup(season, 1, "DAL", "PHI");
  const nextWeekGame = await seedMatchup(season, 2, "KC", "DAL");
  return { season, teams, game, otherGame, nextWeekGame, kickoff: defaultKickoff(1) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("POST /v1/picks: happy path", () => {
  it("creates a pick with the player's name, team and position from the roster and no price without a market", async () => {
    const { season, teams, game, kickoff } = await league();
    const user = await createUserWithToken();
    const response = await api("/v1/picks", { method: "POST", token: user.token, body: { gameId: game, playerId: teams.KC!.WR } });
    expect(response.status).toBe(201);
    expect(response.json).toMatchObject({
      userId: user.id,
      gameId: game,
      season,
      week: 1,
      kickoffAt: kickoff,
      playerId: teams.KC!.WR,
      playerName: `KC WR ${season}`,
      team: "KC",
      position: "WR",
      impliedProbability: null,
      americanOdds: null,
      decimalOdds: null,
      oddsSource: null,
      oddsSnapshotAt: null,
      oddsReason: "no_market",
      oddsSnapshots: [],
      outcome: null,
      units: null,
      actualScorer: null,
      gradedAt: null,
    });
    expect(response.json.id).toEqual(expect.any(Number));
    const row = await env.DB.prepare("SELECT user_id, game_id, player_id, position, team FROM picks WHERE id = ?")
      .bind(response.json.id)
      .first();
    expect(row).toEqual({ user_id: user.id, game_id: game, player_id: teams.KC!.WR, position: "WR", team: "KC" });
  });

  it("takes every pickable position (QB, RB, WR, TE, K, DEF) of either team", async () => {
    const { teams, game } = await league();
    const picked: [string, string, string][] = [];
    for (const [team, slot] of [["BUF", "QB"], ["KC", "RB"], ["BUF", "WR"], ["KC", "TE"], ["BUF", "K"], ["KC", "DEF"]] as const) {
      const pick = await makePick(await createUserWithToken(), game, teams[team]![slot]);
      picked.push([pick.playerId, pick.team, pick.position]);
    }
    expect(picked).toEqual([
      [teams.BUF!.QB, "BUF", "QB"],
      [teams.KC!.RB, "KC", "RB"],
      [teams.BUF!.WR, "BUF", "WR"],
      [teams.KC!.TE, "KC", "TE"],
      [teams.BUF!.K, "BUF", "K"],
      ["DEF-KC", "KC", "DEF"],
    ]);
  });

  it("lets a user pick in several games of a week, and the same player again in another week", async () => {
    const { teams, game, otherGame, nextWeekGame } = await league();
    const user = await createUserWithToken();
    await makePick(user, game, teams.KC!.QB);
    await makePick(user, otherGame, teams.PHI!.RB);
    await makePick(user, nextWeekGame, teams.KC!.QB);
    expect(await countRows("SELECT count(*) AS n FROM picks WHERE user_id = ?", user.id)).toBe(3);
  });

  it("freezes the median of the player's first-TD snapshots of the last 30 minutes; later snapshots never change the pick", async () => {
    const { teams, game } = await league();
    const player = teams.KC!.RB;
    const base = { gameId: game, playerId: player, playerName: "KC RB" };
    const ago = (minutes: number) => ({ snapshotTime: minutesAgo(minutes) });
    const newest = minutesAgo(5);
    await seedMarketOdds([
      // Older than 30 minutes at the pick's time: does not count.
      { ...base, ...ago(45), impliedProbability: 0.5, americanOdds: 100 },
      { ...base, ...ago(25), impliedProbability: 0.2, americanOdds: 400 },
      { ...base, ...ago(15), impliedProbability: 0.2, americanOdds: 400 },
      { ...base, snapshotTime: newest, impliedProbability: 0.25, americanOdds: 300 },
      // An anytime-TD price is not a first-TD price.
      { ...base, ...ago(4), kind: "anytime_td", impliedProbability: 0.45, americanOdds: 122 },
      // Another player's price in the same game is not this player's.
      { ...base, ...ago(1), playerId: teams.BUF!.WR, playerName: "BUF WR", impliedProbability: 0.05, americanOdds: 1900 },
    ]);
    const user = await createUserWithToken();
    const pick = await makePick(user, game, player);
    expect(pick).toMatchObject({
      impliedProbability: 0.2,
      americanOdds: 400,
      decimalOdds: 5,
      oddsSource: "kalshi",
      oddsSnapshotAt: newest,
      oddsReason: null,
    });
    expect(pick.oddsSnapshots.map((s: { probability: number }) => s.probability)).toEqual([0.2, 0.2, 0.25]);

    await seedMarketOdds([3, 2, 1].map((minutes) => ({ ...base, ...ago(minutes), impliedProbability: 0.05, americanOdds: 1900 })));
    const again = await api(`/v1/picks/${pick.id}`, { token: user.token });
    expect(again.status).toBe(200);
    expect(again.json).toEqual(pick);
    // ...while a pick made now takes the median with the newer prices: 0.05, 0.05, 0.05, 0.2, 0.2, 0.25 -> 0.125.
    const later = await createUserWithToken();
    expect(await makePick(later, game, player)).toMatchObject({ americanOdds: 700, decimalOdds: 8, impliedProbability: 0.125 });
  });

  it("within one snapshot bucket priced by both venues, freezes the one that shows its resting size (Kalshi), whatever the insertion order", async () => {
    const { teams, game } = await league();
    const player = teams.BUF!.RB;
    const base = { gameId: game, playerId: player, playerName: "BUF RB", snapshotTime: minutesAgo(10) };
    const kalshi = { ...base, source: "kalshi" as const, impliedProbability: 0.125, americanOdds: 700 };
    const polymarket = { ...base, source: "polymarket" as const, impliedProbability: 0.1, americanOdds: 900 };
    await seedMarketOdds([polymarket, kalshi]);
    const first = await createUserWithToken();
    const expected = { oddsSource: "kalshi", impliedProbability: 0.125, americanOdds: 700 };
    expect(await makePick(first, game, player)).toMatchObject(expected);

    await env.DB.prepare("DELETE FROM market_odds WHERE game_id = ? AND player_id = ?").bind(game, player).run();
    await seedMarketOdds([kalshi, polymarket]);
    const second = await createUserWithToken();
    expect(await makePick(second, game, player)).toMatchObject(expected);
  });

  it("derives decimal and American odds from a probability-only price", async () => {
    const { teams, game } = await league();
    await seedMarketOdds([
      { gameId: game, playerId: teams.BUF!.TE, playerName: "BUF TE", impliedProbability: 0.125, americanOdds: null, snapshotTime: minutesAgo(10) },
    ]);
    const user = await createUserWithToken();
    const pick = await makePick(user, game, teams.BUF!.TE);
    expect(pick.impliedProbability).toBe(0.125);
    expect(pick.decimalOdds).toBeCloseTo(8, 10);
    expect(pick.americanOdds).toBe(700);
  });
});

describe("POST /v1/picks: errors", () => {
  it("404 game_not_found for an unknown game and 404 player_not_found for an unknown player", async () => {
    const { teams, game } = await league();
    const user = await createUserWithToken();
    expectError(await api("/v1/picks", { method: "POST", token: user.token, body: { gameId: "1999_01_XX_YY", playerId: teams.KC!.QB } }), 404, "game_not_found");
    expectError(await api("/v1/picks", { method: "POST", token: user.token, body: { gameId: game, playerId: "00-NOBODY" } }), 404, "player_not_found");
    expect(await countRows("SELECT count(*) AS n FROM picks WHERE user_id = ?", user.id)).toBe(0);
  });

  it("422 player_not_on_roster for a player of a team not in the game", async () => {
    const { teams, game } = await league();
    const user = await createUserWithToken();
    expectError(await api("/v1/picks", { method: "POST", token: user.token, body: { gameId: game, playerId: teams.DAL!.WR } }), 422, "player_not_on_roster");
    expectError(await api("/v1/picks", { method: "POST", token: user.token, body: { gameId: game, playerId: "DEF-PHI" } }), 422, "player_not_on_roster");
  });

  it("422 player_not_on_roster for a player rostered only in another season", async () => {
    const { season, game } = await league();
    await seedPlayers(season - 1, [{ id: `${season}-OLD-KC`, name: "Last Year Chief", team: "KC", position: "WR" }]);
    const user = await createUserWithToken();
    expectError(await api("/v1/picks", { method: "POST", token: user.token, body: { gameId: game, playerId: `${season}-OLD-KC` } }), 422, "player_not_on_roster");
  });

  it("422 player_not_pickable for an offensive lineman and for an inactive receiver", async () => {
    const { teams, game } = await league();
    const user = await createUserWithToken();
    const ol = await api("/v1/picks", { method: "POST", token: user.token, body: { gameId: game, playerId: teams.KC!.OL } });
    expectError(ol, 422, "player_not_pickable");
    const inactive = await api("/v1/picks", { method: "POST", token: user.token, body: { gameId: game, playerId: teams.BUF!.INA } });
    expectError(inactive, 422, "player_not_pickable");
    expect(await countRows("SELECT count(*) AS n FROM picks WHERE user_id = ?", user.id)).toBe(0);
  });

  it("409 duplicate_pick_in_game for a second pick in the same game, the first pick unchanged", async () => {
    const { teams, game } = await league();
    const user = await createUserWithToken();
    const first = await makePick(user, game, teams.KC!.QB);
    expectError(await api("/v1/picks", { method: "POST", token: user.token, body: { gameId: game, playerId: teams.BUF!.QB } }), 409, "duplicate_pick_in_game");
    // The very same pick again is a second pick in the game, too.
    expectError(await api("/v1/picks", { method: "POST", token: user.token, body: { gameId: game, playerId: teams.KC!.QB } }), 409, "duplicate_pick_in_game");
    const rows = await env.DB.prepare("SELECT id, player_id FROM picks WHERE user_id = ?").bind(user.id).all();
    expect(rows.results).toEqual([{ id: first.id, player_id: teams.KC!.QB }]);
    // Another user may still pick that game.
    await makePick(await createUserWithToken(), game, teams.BUF!.QB);
  });

  it("409 duplicate_player_in_week for the same player name in two games of one week (the v11 rule)", async () => {
    const { season, game, otherGame } = await league();
    // Two different receivers named Mike Williams, one in each week-1 game (as with LAC and NYJ in 2023).
    await seedPlayers(season, [
      { id: `${season}-MW-KC`, name: "Mike Williams", team: "KC", position: "WR" },
      { id: `${season}-MW-PHI`, name: "Mike Williams", team: "PHI", position: "WR" },
    ]);
    const user = await createUserWithToken();
    await makePick(user, game, `${season}-MW-KC`);
    const second = await api("/v1/picks", { method: "POST", token: user.token, body: { gameId: otherGame, playerId: `${season}-MW-PHI` } });
    expectError(second, 409, "duplicate_player_in_week");
    expect(await countRows("SELECT count(*) AS n FROM picks WHERE user_id = ?", user.id)).toBe(1);
  });

  it("409 game_locked for a game under way, over or canceled, even before its listed kickoff", async () => {
    const season = freshSeason();
    const teams = await seedTeams(season, ["NYJ", "NE"]);
    const user = await createUserWithToken();
    for (const [week, status] of [[1, "in_progress"], [2, "final"], [3, "canceled"]] as const) {
      const game = await seedMatchup(season, week, "NYJ", "NE", { status });
      const response = await api("/v1/picks", { method: "POST", token: user.token, body: { gameId: game, playerId: teams.NE!.QB } });
      expectError(response, 409, "game_locked");
    }
    // A postponed game stays open until its new kickoff.
    const postponed = await seedMatchup(season, 4, "NYJ", "NE", { status: "postponed" });
    await makePick(user, postponed, teams.NE!.QB);
    expect(await countRows("SELECT count(*) AS n FROM picks WHERE user_id = ?", user.id)).toBe(1);
  });

  it("400 validation_failed naming each bad field of the body", async () => {
    const user = await createUserWithToken();
    const wrongTypes = await api("/v1/picks", { method: "POST", token: user.token, body: { gameId: 42, playerId: "" } });
    expectError(wrongTypes, 400, "validation_failed");
    expect(problemFields(wrongTypes)).toEqual(["body.gameId", "body.playerId"]);
    for (const detail of wrongTypes.json.error.details) expect(detail.problem).toEqual(expect.any(String));

    const missing = await api("/v1/picks", { method: "POST", token: user.token, body: {} });
    expectError(missing, 400, "validation_failed");
    expect(problemFields(missing)).toEqual(["body.gameId", "body.playerId"]);

    const tooLong = await api("/v1/picks", { method: "POST", token: user.token, body: { gameId: "x".repeat(41), playerId: "00-1" } });
    expect(problemFields(tooLong)).toEqual(["body.gameId"]);
  });

  it("400 with the JSON envelope for a body that is not JSON", async () => {
    const user = await createUserWithToken();
    const response = await api("/v1/picks", { method: "POST", token: user.token, body: "{ not json" });
    expectError(response, 400, "validation_failed");
    expect(response.json.error.details).toEqual([{ field: "body", problem: expect.any(String) }]);
  });

  it("400 for a JSON array or a body sent as text/plain", async () => {
    const user = await createUserWithToken();
    expectError(await api("/v1/picks", { method: "POST", token: user.token, body: "[1, 2]" }), 400, "validation_failed");
    const plain = await api("/v1/picks", {
      method: "POST",
      token: user.token,
      body: JSON.stringify({ gameId: "x", playerId: "y" }),
      headers: { "content-type": "text/plain" },
    });
    expectError(plain, 400, "validation_failed");
  });

  it("403 for the ADMIN_TOKEN, which acts for no user", async () => {
    const { teams, game } = await league();
    expectError(await api("/v1/picks", { method: "POST", body: { gameId: game, playerId: teams.KC!.QB } }), 403, "forbidden");
    expect(await countRows("SELECT count(*) AS n FROM picks WHERE game_id = ?", game)).toBe(0);
  });
});

describe("POST /v1/picks: concurrency", () => {
  it("50 identical pick creations at once give exactly one 201, 49 409s and one row", async () => {
    const { teams, game } = await league();
    const user = await createUserWithToken();
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => api("/v1/picks", { method: "POST", token: user.token, body: { gameId: game, playerId: teams.KC!.WR } })),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    for (const r of responses.filter((r) => r.status === 409)) expectError(r, 409, "duplicate_pick_in_game");
    expect(await countRows("SELECT count(*) AS n FROM picks WHERE user_id = ? AND game_id = ?", user.id, game)).toBe(1);
    // The standings count the pick once.
    const standing = await env.DB.prepare("SELECT picks FROM standings WHERE user_id = ? AND week = 1").bind(user.id).first<{ picks: number }>();
    expect(standing?.picks).toBe(1);
  });
});

describe("GET, PATCH and DELETE /v1/picks/{id}", () => {
  it("GET returns the caller's pick; 404 pick_not_found for an unknown id; 400 for a non-numeric id", async () => {
    const { teams, game } = await league();
    const user = await createUserWithToken();
    const pick = await makePick(user, game, teams.KC!.TE);
    const got = await api(`/v1/picks/${pick.id}`, { token: user.token });
    expect(got.status).toBe(200);
    expect(got.json).toEqual(pick);
    expectError(await api("/v1/picks/99999999", { token: user.token }), 404, "pick_not_found");
    const bad = await api("/v1/picks/abc", { token: user.token });
    expectError(bad, 400, "validation_failed");
    expect(problemFields(bad)).toEqual(["param.id"]);
  });

  it("PATCH changes the player: new position, team and frozen price, same id", async () => {
    const { teams, game } = await league();
    await seedMarketOdds([
      { gameId: game, playerId: teams.BUF!.K, playerName: "BUF K", impliedProbability: 0.04, americanOdds: 2400, snapshotTime: minutesAgo(10) },
    ]);
    const user = await createUserWithToken();
    const pick = await makePick(user, game, teams.KC!.QB);
    const changed = await api(`/v1/picks/${pick.id}`, { method: "PATCH", token: user.token, body: { playerId: teams.BUF!.K } });
    expect(changed.status).toBe(200);
    expect(changed.json).toMatchObject({
      id: pick.id,
      playerId: teams.BUF!.K,
      team: "BUF",
      position: "K",
      americanOdds: 2400,
      decimalOdds: 25,
      impliedProbability: 0.04,
      oddsSource: "kalshi",
    });
    // And back to a player without a price: the old price does not stick.
    const back = await api(`/v1/picks/${pick.id}`, { method: "PATCH", token: user.token, body: { playerId: "DEF-KC" } });
    expect(back.json).toMatchObject({
      playerId: "DEF-KC",
      position: "DEF",
      team: "KC",
      americanOdds: null,
      decimalOdds: null,
      impliedProbability: null,
      oddsReason: "no_market",
      oddsSnapshots: [],
    });
    expect(await countRows("SELECT count(*) AS n FROM picks WHERE user_id = ?", user.id)).toBe(1);
  });

  it("PATCH errors: 404 player_not_found, 422 not on roster / not pickable, 409 duplicate_player_in_week, 400 body", async () => {
    const { season, teams, game, otherGame } = await league();
    await seedPlayers(season, [
      { id: `${season}-JW-KC`, name: "Jameson Williams", team: "KC", position: "WR" },
      { id: `${season}-JW-DAL`, name: "Jameson Williams", team: "DAL", position: "WR" },
    ]);
    const user = await createUserWithToken();
    const pick = await makePick(user, game, teams.KC!.QB);
    await makePick(user, otherGame, `${season}-JW-DAL`);
    const patch = (body: unknown) => api(`/v1/picks/${pick.id}`, { method: "PATCH", token: user.token, body });

    expectError(await patch({ playerId: "00-NOBODY" }), 404, "player_not_found");
    expectError(await patch({ playerId: teams.PHI!.WR }), 422, "player_not_on_roster");
    expectError(await patch({ playerId: teams.BUF!.OL }), 422, "player_not_pickable");
    expectError(await patch({ playerId: teams.KC!.INA }), 422, "player_not_pickable");
    expectError(await patch({ playerId: `${season}-JW-KC` }), 409, "duplicate_player_in_week");
    const bad = await patch({ playerId: 7 });
    expectError(bad, 400, "validation_failed");
    expect(problemFields(bad)).toEqual(["body.playerId"]);
    expectError(await api("/v1/picks/99999999", { method: "PATCH", token: user.token, body: { playerId: teams.KC!.RB } }), 404, "pick_not_found");

    const after = await api(`/v1/picks/${pick.id}`, { token: user.token });
    expect(after.json).toEqual(pick);
  });

  it("DELETE removes the pick (204, then 404) and frees the game for a new pick", async () => {
    const { teams, game } = await league();
    const user = await createUserWithToken();
    const pick = await makePick(user, game, teams.KC!.RB);
    const deleted = await api(`/v1/picks/${pick.id}`, { method: "DELETE", token: user.token });
    expect(deleted.status).toBe(204);
    expect(deleted.json).toBeNull();
    expectError(await api(`/v1/picks/${pick.id}`, { token: user.token }), 404, "pick_not_found");
    expectError(await api(`/v1/picks/${pick.id}`, { method: "DELETE", token: user.token }), 404, "pick_not_found");
    expect(await countRows("SELECT count(*) AS n FROM picks WHERE id = ?", pick.id)).toBe(0);
    const again = await makePick(user, game, teams.BUF!.RB);
    expect(again.id).not.toBe(pick.id);
    const standing = await env.DB.prepare("SELECT picks FROM standings WHERE user_id = ? AND week = 0").bind(user.id).first<{ picks: number }>();
    expect(standing?.picks).toBe(1);
  });
});

describe("picks lock at kickoff (server clock)", () => {
  it("refuses create, change and delete with 409 game_locked from kickoff on, and changes nothing", async () => {
    const { teams, game, kickoff } = await league();
    const alice = await createUserWithToken();
    const bob = await createUserWithToken();
    vi.useFakeTimers({ toFake: ["Date"] });

    vi.setSystemTime(new Date(Date.parse(kickoff) - 1000));
    const alicePick = await makePick(alice, game, teams.KC!.WR);
    const snapshot = async () => ({
      picks: (await env.DB.prepare("SELECT * FROM picks WHERE game_id = ? ORDER BY id").bind(game).all()).results,
      standings: (await env.DB.prepare("SELECT season, week, user_id, picks FROM standings WHERE user_id IN (?, ?) ORDER BY week, user_id").bind(alice.id, bob.id).all()).results,
    });
    const before = await snapshot();
    expect(before.picks).toHaveLength(1);

    vi.setSystemTime(new Date(kickoff));
    const game1 = await api(`/v1/games/${game}`, { token: bob.token });
    expect(game1.json.locked).toBe(true);
    const create = await api("/v1/picks", { method: "POST", token: bob.token, body: { gameId: game, playerId: teams.BUF!.WR } });
    expectError(create, 409, "game_locked");
    expect(create.json.error.details).toMatchObject({ kickoffAt: kickoff });
    expectError(await api(`/v1/picks/${alicePick.id}`, { method: "PATCH", token: alice.token, body: { playerId: teams.BUF!.WR } }), 409, "game_locked");
    expectError(await api(`/v1/picks/${alicePick.id}`, { method: "DELETE", token: alice.token }), 409, "game_locked");

    vi.setSystemTime(new Date(Date.parse(kickoff) + 3 * 3600 * 1000));
    expectError(await api(`/v1/picks/${alicePick.id}`, { method: "PATCH", token: alice.token, body: { playerId: teams.KC!.QB } }), 409, "game_locked");
    expectError(await api(`/v1/picks/${alicePick.id}`, { method: "DELETE", token: alice.token }), 409, "game_locked");
    expect(await snapshot()).toEqual(before);
    // Reading one's own pick still works after the lock.
    expect((await api(`/v1/picks/${alicePick.id}`, { token: alice.token })).json).toEqual(alicePick);
  });

  it("other users' picks of a game are 403 until the database locks the game, then visible to everyone", async () => {
    const { teams, game, kickoff } = await league();
    const alice = await createUserWithToken();
    const bob = await createUserWithToken();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date(Date.parse(kickoff) - 3600 * 1000));
    const a = await makePick(alice, game, teams.KC!.QB);
    const b = await makePick(bob, game, "DEF-BUF");

    const hidden = await api(`/v1/games/${game}/picks`, { token: alice.token });
    expectError(hidden, 403, "forbidden");
    expect(hidden.json.error.details).toEqual({ kickoffAt: kickoff });
    expect(JSON.stringify(hidden.json)).not.toContain("DEF-BUF");
    expectError(await api(`/v1/games/${game}/picks`, { token: bob.token }), 403, "forbidden");

    // The Worker's clock past kickoff does not show them: the database's clock decides, as it decides the lock (a pick
    // can still be changed while the database says the game is open).
    vi.setSystemTime(new Date(Date.parse(kickoff) + 60_000));
    expectError(await api(`/v1/games/${game}/picks`, { token: alice.token }), 403, "forbidden");
    await env.DB.prepare("UPDATE games SET status = 'in_progress' WHERE id = ?").bind(game).run();
    const visible = await api(`/v1/games/${game}/picks`, { token: alice.token });
    expect(visible.status).toBe(200);
    expect(visible.json.picks.map((p: { id: number; userId: number; playerId: string }) => [p.id, p.userId, p.playerId])).toEqual([
      [a.id, alice.id, teams.KC!.QB],
      [b.id, bob.id, "DEF-BUF"],
    ]);
  });
});

describe("GET /v1/me/picks", () => {
  it("lists the caller's picks by season and week with results and units after grading", async () => {
    const { season, teams, game, otherGame, nextWeekGame } = await league();
    const thirdGame = await seedMatchup(season, 2, "PHI", "BUF");
    await seedMarketOdds([
      { gameId: game, playerId: teams.KC!.WR, playerName: "KC WR", impliedProbability: 0.2, americanOdds: 400, snapshotTime: minutesAgo(10) },
      { gameId: otherGame, playerId: teams.PHI!.RB, playerName: "PHI RB", impliedProbability: 0.6, americanOdds: -150, snapshotTime: minutesAgo(10) },
    ]);
    const user = await createUserWithToken();
    const other = await createUserWithToken();
    const win = await makePick(user, game, teams.KC!.WR); // +400: wins 4 units
    const loss = await makePick(user, otherGame, teams.PHI!.RB); // -150, loses: -1
    const evenWin = await makePick(user, nextWeekGame, teams.DAL!.TE); // no odds (no_market), wins: +1 (even money)
    expect(evenWin).toMatchObject({ decimalOdds: null, oddsReason: "no_market" });
    const voided = await makePick(user, thirdGame, teams.BUF!.QB); // void: 0
    await makePick(other, game, teams.BUF!.WR);

    const ungraded = await api(`/v1/me/picks?season=${season}`, { token: user.token });
    expect(ungraded.json.picks.map((p: { outcome: string | null }) => p.outcome)).toEqual([null, null, null, null]);

    await setFirstTd(game, { type: "player", playerId: teams.KC!.WR, kind: "reception" });
    await setFirstTd(otherGame, { type: "player", playerId: teams.DAL!.RB, kind: "rush" });
    await setFirstTd(nextWeekGame, { type: "player", playerId: teams.DAL!.TE, kind: "reception" });
    expect((await api(`/v1/admin/games/${thirdGame}/void`, { method: "PUT", body: { voided: true } })).status).toBe(200);

    const all = await api(`/v1/me/picks?season=${season}`, { token: user.token });
    expect(all.status).toBe(200);
    const summary = all.json.picks.map((p: any) => ({ id: p.id, week: p.week, outcome: p.outcome, units: p.units, actualScorer: p.actualScorer }));
    expect(summary).toEqual([
      { id: win.id, week: 1, outcome: "win", units: 4, actualScorer: `KC WR ${season}` },
      { id: loss.id, week: 1, outcome: "loss", units: -1, actualScorer: `DAL RB ${season}` },
      { id: evenWin.id, week: 2, outcome: "win", units: 1, actualScorer: `DAL TE ${season}` },
      { id: voided.id, week: 2, outcome: "void", units: 0, actualScorer: null },
    ]);
    for (const p of all.json.picks) expect(p.gradedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const week2 = await api(`/v1/me/picks?season=${season}&week=2`, { token: user.token });
    expect(week2.json.picks.map((p: { id: number }) => p.id)).toEqual([evenWin.id, voided.id]);
    const otherSeason = await api(`/v1/me/picks?season=2100`, { token: user.token });
    expect(otherSeason.json.picks).toEqual([]);
    // Only the caller's picks.
    expect(all.json.picks.every((p: { userId: number }) => p.userId === user.id)).toBe(true);
  });

  it("400 for an invalid season or week; 403 for the ADMIN_TOKEN", async () => {
    const user = await createUserWithToken();
    const bad = await api("/v1/me/picks?season=1800&week=0", { token: user.token });
    expectError(bad, 400, "validation_failed");
    expect(problemFields(bad)).toEqual(["query.season", "query.week"]);
    expectError(await api("/v1/me/picks"), 403, "forbidden");
  });
});
