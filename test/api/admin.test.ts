import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
  api,
  createUserWithToken,
  expectError,
  makePick,
  problemFields,
  seedMatchup,
  seedTeams,
  setFirstTd,
} from "../helpers/api";
import { showOnGlobalBoard } from "../helpers/boards";
import { kickoffPassesNow } from "../helpers/real-clock";

let nextSeason = 2070;

/**
 * A fresh season with KC@BUF (week 1) and rosters for KC, BUF and DAL; four users pick:
 * kc -> KC WR, buf -> BUF WR, defBuf -> DEF-BUF, defKc -> DEF-KC. An admin user grades.
 */
async function gradedGameSetup() {
  const season = nextSeason++;
  const teams = await seedTeams(season, ["KC", "BUF", "DAL"]);
  const game = await seedMatchup(season, 1, "KC", "BUF");
  const [kc, buf, defBuf, defKc] = [await createUserWithToken(), await createUserWithToken(), await createUserWithToken(), await createUserWithToken()];
  const admin = await createUserWithToken(undefined, true);
  await makePick(kc!, game, teams.KC!.WR);
  await makePick(buf!, game, teams.BUF!.WR);
  await makePick(defBuf!, game, "DEF-BUF");
  await makePick(defKc!, game, "DEF-KC");
  // The game kicks off (facts of a game not begun are refused); the picks were made before. The players show on the
  // global board, which the checks below read.
  await kickoffPassesNow(game);
  await showOnGlobalBoard([kc!, buf!, defBuf!, defKc!]);
  return { season, teams, game, admin, users: { kc: kc!, buf: buf!, defBuf: defBuf!, defKc: defKc! } };
}

type Users = Awaited<ReturnType<typeof gradedGameSetup>>["users"];

/** Each user's outcome and units in the game, read through GET /v1/me/picks. */
async function outcomes(users: Users, season: number) {
  const result: Record<string, [string | null, number | null]> = {};
  for (const [key, user] of Object.entries(users)) {
    const response = await api(`/v1/me/picks?season=${season}&week=1`, { token: user.token });
    expect(response.status).toBe(200);
    expect(response.json.picks).toHaveLength(1);
    result[key] = [response.json.picks[0].outcome, response.json.picks[0].units];
  }
  return result;
}

/** Each user's week-1 standing [wins, losses, voids, units], read through the leaderboard. */
async function standings(users: Users, season: number) {
  const response = await api(`/v1/leaderboards/${season}/weeks/1?limit=200`);
  expect(response.status).toBe(200);
  const byId = new Map(response.json.entries.map((e: { userId: number }) => [e.userId, e]));
  return Object.fromEntries(
    Object.entries(users).map(([key, user]) => {
      const e = byId.get(user.id) as { picks: number; wins: number; losses: number; voids: number; units: number };
      return [key, [e.picks, e.wins, e.losses, e.voids, e.units]];
    }),
  );
}

async function factChanges(gameId: string) {
  const { results } = await env.DB.prepare("SELECT changed_at, changed_by, before, after FROM game_fact_changes WHERE game_id = ? ORDER BY id")
    .bind(gameId)
    .all<{ changed_at: string; changed_by: string; before: string; after: string }>();
  return results.map((r) => ({ ...r, before: JSON.parse(r.before), after: JSON.parse(r.after) }));
}

const ISO_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const secondsAgo = (s: number) => new Date(Date.now() - s * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");

describe("PUT /v1/admin/games/{id}/first-td: happy path", () => {
  it("by player: grades every pick, shows the facts on the game, and records who and when", async () => {
    const { season, teams, game, admin, users } = await gradedGameSetup();
    const startedAt = secondsAgo(5);
    const response = await api(`/v1/admin/games/${game}/first-td`, {
      method: "PUT",
      token: admin.token,
      body: { type: "player", playerId: teams.KC!.WR, kind: "reception", playText: "P.Mahomes pass short right to KC WR for 12 yards, TOUCHDOWN." },
    });
    expect(response.status).toBe(200);
    expect(response.json.gameId).toBe(game);
    expect(response.json.grading).toEqual({ picks: 4, wins: 1, losses: 3, voids: 0, ungraded: 0 });
    expect(response.json.lastChange).toMatchObject({ gameId: game, changedBy: `user:${admin.id}` });
    expect(JSON.parse(response.json.lastChange.after)).toMatchObject({ first_td_player_id: teams.KC!.WR, first_td_team: "KC", first_td_kind: "reception" });

    expect(await outcomes(users, season)).toEqual({ kc: ["win", 1], buf: ["loss", -1], defBuf: ["loss", -1], defKc: ["loss", -1] });
    expect(await standings(users, season)).toEqual({ kc: [1, 1, 0, 0, 1], buf: [1, 0, 1, 0, -1], defBuf: [1, 0, 1, 0, -1], defKc: [1, 0, 1, 0, -1] });

    const view = await api(`/v1/games/${game}`);
    expect(view.json).toMatchObject({
      noTd: false,
      firstTd: { playerId: teams.KC!.WR, playerName: `KC WR ${season}`, team: "KC", kind: "reception", playText: expect.stringContaining("TOUCHDOWN") },
    });
    expect(view.json.firstTd.recordedAt).toMatch(ISO_SECONDS);

    const changes = await factChanges(game);
    expect(changes).toHaveLength(1);
    expect(changes[0]!.changed_by).toBe(`user:${admin.id}`);
    expect(changes[0]!.changed_at).toMatch(ISO_SECONDS);
    expect(changes[0]!.changed_at >= startedAt).toBe(true);
    expect(changes[0]!.before).toMatchObject({ first_td_player_id: null, no_td: 0 });
    expect(changes[0]!.after).toMatchObject({ first_td_player_id: teams.KC!.WR });
  });

  it("by a team's defense: the DEF pick of that team wins; changes by the ADMIN_TOKEN are recorded as admin_token", async () => {
    const { season, game, users } = await gradedGameSetup();
    const response = await api(`/v1/admin/games/${game}/first-td`, { method: "PUT", body: { type: "defense", team: "BUF", kind: "return" } });
    expect(response.status).toBe(200);
    expect(response.json.grading).toEqual({ picks: 4, wins: 1, losses: 3, voids: 0, ungraded: 0 });
    expect(await outcomes(users, season)).toEqual({ kc: ["loss", -1], buf: ["loss", -1], defBuf: ["win", 1], defKc: ["loss", -1] });
    const view = await api(`/v1/games/${game}`);
    expect(view.json.firstTd).toMatchObject({ playerId: "DEF-BUF", playerName: "Buffalo Bills Defense", team: "BUF", kind: "return" });
    expect((await factChanges(game)).map((c) => c.changed_by)).toEqual(["admin_token"]);
  });

  it("by a player on a return: his pick and his team's DEF pick both win", async () => {
    const { season, teams, game, users } = await gradedGameSetup();
    await setFirstTd(game, { type: "player", playerId: teams.BUF!.WR, kind: "return" });
    expect(await outcomes(users, season)).toEqual({ kc: ["loss", -1], buf: ["win", 1], defBuf: ["win", 1], defKc: ["loss", -1] });
  });

  it("no TD: every pick loses and the game says so", async () => {
    const { season, game, users } = await gradedGameSetup();
    const response = await setFirstTd(game, { type: "no_td" });
    expect(response.grading).toEqual({ picks: 4, wins: 0, losses: 4, voids: 0, ungraded: 0 });
    expect(await outcomes(users, season)).toEqual({ kc: ["loss", -1], buf: ["loss", -1], defBuf: ["loss", -1], defKc: ["loss", -1] });
    const mine = await api(`/v1/me/picks?season=${season}`, { token: users.kc.token });
    expect(mine.json.picks[0].actualScorer).toBe("No touchdown");
    expect((await api(`/v1/games/${game}`)).json).toMatchObject({ noTd: true, firstTd: null });
  });

  it("clear: the picks are ungraded again and the standings back to zero", async () => {
    const { season, teams, game, users } = await gradedGameSetup();
    await setFirstTd(game, { type: "player", playerId: teams.KC!.WR, kind: "reception" });
    const cleared = await setFirstTd(game, { type: "clear" });
    expect(cleared.grading).toEqual({ picks: 4, wins: 0, losses: 0, voids: 0, ungraded: 4 });
    expect(await outcomes(users, season)).toEqual({ kc: [null, null], buf: [null, null], defBuf: [null, null], defKc: [null, null] });
    expect(await standings(users, season)).toEqual({ kc: [1, 0, 0, 0, 0], buf: [1, 0, 0, 0, 0], defBuf: [1, 0, 0, 0, 0], defKc: [1, 0, 0, 0, 0] });
    expect((await api(`/v1/games/${game}`)).json).toMatchObject({ noTd: false, firstTd: null });
    // And no-TD then clear, too.
    await setFirstTd(game, { type: "no_td" });
    await setFirstTd(game, { type: "clear" });
    expect((await api(`/v1/games/${game}`)).json).toMatchObject({ noTd: false, firstTd: null });
    expect(await standings(users, season)).toEqual({ kc: [1, 0, 0, 0, 0], buf: [1, 0, 0, 0, 0], defBuf: [1, 0, 0, 0, 0], defKc: [1, 0, 0, 0, 0] });
    expect((await factChanges(game)).length).toBe(4);
  });

  it("a correction (scorer changed) regrades exactly: results, standings and player stats as if known from the start", async () => {
    const { season, teams, game, admin, users } = await gradedGameSetup();
    await setFirstTd(game, { type: "player", playerId: teams.KC!.WR, kind: "reception" }, admin.token);
    const stats = async () =>
      (await api(`/v1/player-stats?season=${season}`)).json.entries.map((e: { playerId: string; firstTdCount: number }) => [e.playerId, e.firstTdCount]);
    expect(await stats()).toEqual([[teams.KC!.WR, 1]]);

    const corrected = await setFirstTd(game, { type: "player", playerId: teams.BUF!.WR, kind: "reception" });
    expect(corrected.grading).toEqual({ picks: 4, wins: 1, losses: 3, voids: 0, ungraded: 0 });
    expect(await outcomes(users, season)).toEqual({ kc: ["loss", -1], buf: ["win", 1], defBuf: ["loss", -1], defKc: ["loss", -1] });
    expect(await standings(users, season)).toEqual({ kc: [1, 0, 1, 0, -1], buf: [1, 1, 0, 0, 1], defBuf: [1, 0, 1, 0, -1], defKc: [1, 0, 1, 0, -1] });
    expect(await stats()).toEqual([[teams.BUF!.WR, 1]]);
    const season0 = await api(`/v1/leaderboards/${season}`);
    expect(season0.json.entries[0]).toMatchObject({ userId: users.buf.id, rank: 1, wins: 1 });

    const changes = await factChanges(game);
    expect(changes.map((c) => [c.changed_by, c.before.first_td_player_id, c.after.first_td_player_id])).toEqual([
      [`user:${admin.id}`, null, teams.KC!.WR],
      ["admin_token", teams.KC!.WR, teams.BUF!.WR],
    ]);
  });

  it("the same fact sent twice changes nothing and logs nothing new", async () => {
    const { season, teams, game, users } = await gradedGameSetup();
    const fact = { type: "player", playerId: teams.KC!.RB, kind: "rush" } as const;
    await setFirstTd(game, fact);
    const again = await setFirstTd(game, fact);
    expect(again.grading).toEqual({ picks: 4, wins: 0, losses: 4, voids: 0, ungraded: 0 });
    expect((await factChanges(game)).length).toBe(1);
    expect(await standings(users, season)).toEqual({ kc: [1, 0, 1, 0, -1], buf: [1, 0, 1, 0, -1], defBuf: [1, 0, 1, 0, -1], defKc: [1, 0, 1, 0, -1] });
  });
});

describe("PUT /v1/admin/games/{id}/void: happy path", () => {
  it("void makes every pick void (0 units); un-void restores the grading; both recorded with who", async () => {
    const { season, teams, game, admin, users } = await gradedGameSetup();
    await setFirstTd(game, { type: "player", playerId: teams.KC!.WR, kind: "reception" });
    const voided = await api(`/v1/admin/games/${game}/void`, { method: "PUT", token: admin.token, body: { voided: true } });
    expect(voided.status).toBe(200);
    expect(voided.json.grading).toEqual({ picks: 4, wins: 0, losses: 0, voids: 4, ungraded: 0 });
    expect(voided.json.lastChange.changedBy).toBe(`user:${admin.id}`);
    expect(await outcomes(users, season)).toEqual({ kc: ["void", 0], buf: ["void", 0], defBuf: ["void", 0], defKc: ["void", 0] });
    expect(await standings(users, season)).toEqual({ kc: [1, 0, 0, 1, 0], buf: [1, 0, 0, 1, 0], defBuf: [1, 0, 0, 1, 0], defKc: [1, 0, 0, 1, 0] });
    expect((await api(`/v1/games/${game}`)).json.isVoided).toBe(true);

    const unvoided = await api(`/v1/admin/games/${game}/void`, { method: "PUT", body: { voided: false } });
    expect(unvoided.status).toBe(200);
    expect(unvoided.json.grading).toEqual({ picks: 4, wins: 1, losses: 3, voids: 0, ungraded: 0 });
    expect(await outcomes(users, season)).toEqual({ kc: ["win", 1], buf: ["loss", -1], defBuf: ["loss", -1], defKc: ["loss", -1] });
    expect(await standings(users, season)).toEqual({ kc: [1, 1, 0, 0, 1], buf: [1, 0, 1, 0, -1], defBuf: [1, 0, 1, 0, -1], defKc: [1, 0, 1, 0, -1] });
    expect((await api(`/v1/games/${game}`)).json.isVoided).toBe(false);

    const changes = await factChanges(game);
    expect(changes.map((c) => [c.changed_by, c.before.is_voided, c.after.is_voided])).toEqual([
      ["admin_token", 0, 0],
      [`user:${admin.id}`, 0, 1],
      ["admin_token", 1, 0],
    ]);
  });

  it("an ungraded game voided and un-voided leaves its picks ungraded", async () => {
    const { season, game, users } = await gradedGameSetup();
    await api(`/v1/admin/games/${game}/void`, { method: "PUT", body: { voided: true } });
    const back = await api(`/v1/admin/games/${game}/void`, { method: "PUT", body: { voided: false } });
    expect(back.json.grading).toEqual({ picks: 4, wins: 0, losses: 0, voids: 0, ungraded: 4 });
    expect(await outcomes(users, season)).toEqual({ kc: [null, null], buf: [null, null], defBuf: [null, null], defKc: [null, null] });
  });
});

describe("admin: errors", () => {
  it("422 invalid_first_td for a player on neither team or a defense not in the game; nothing recorded", async () => {
    const { teams, game } = await gradedGameSetup();
    const stranger = await api(`/v1/admin/games/${game}/first-td`, { method: "PUT", body: { type: "player", playerId: teams.DAL!.WR, kind: "reception" } });
    expectError(stranger, 422, "invalid_first_td");
    expect(stranger.json.error.details).toEqual([{ field: "body.playerId", problem: expect.any(String) }]);
    const defense = await api(`/v1/admin/games/${game}/first-td`, { method: "PUT", body: { type: "defense", team: "DAL" } });
    expectError(defense, 422, "invalid_first_td");
    expect(defense.json.error.details).toEqual([{ field: "body.team", problem: expect.any(String) }]);
    expect(await factChanges(game)).toEqual([]);
    expect((await api(`/v1/games/${game}`)).json).toMatchObject({ firstTd: null, noTd: false });
  });

  it("404 game_not_found and player_not_found", async () => {
    const { game } = await gradedGameSetup();
    expectError(await api("/v1/admin/games/1999_01_AA_BB/first-td", { method: "PUT", body: { type: "no_td" } }), 404, "game_not_found");
    expectError(await api("/v1/admin/games/1999_01_AA_BB/void", { method: "PUT", body: { voided: true } }), 404, "game_not_found");
    expectError(
      await api(`/v1/admin/games/${game}/first-td`, { method: "PUT", body: { type: "player", playerId: "00-0000000", kind: "rush" } }),
      404,
      "player_not_found",
    );
    expect(await factChanges(game)).toEqual([]);
  });

  it("400 validation_failed naming each bad field", async () => {
    const { game } = await gradedGameSetup();
    const put = (path: string, body: unknown) => api(`/v1/admin/games/${game}/${path}`, { method: "PUT", body });
    const unknownType = await put("first-td", { type: "safety" });
    expectError(unknownType, 400, "validation_failed");
    expect(problemFields(unknownType)).toEqual(["body.type"]);
    const player = await put("first-td", { type: "player", kind: "touchdown" });
    expect(problemFields(player)).toEqual(["body.kind", "body.playerId"]);
    const defense = await put("first-td", { type: "defense", team: "Nowhere", kind: "rush" });
    expect(problemFields(defense)).toEqual(["body.kind", "body.team"]);
    const voided = await put("void", { voided: "yes" });
    expectError(voided, 400, "validation_failed");
    expect(problemFields(voided)).toEqual(["body.voided"]);
    const notJson = await api(`/v1/admin/games/${game}/void`, { method: "PUT", body: "voided=true" });
    expectError(notJson, 400, "validation_failed");
    expect(await factChanges(game)).toEqual([]);
  });
});
