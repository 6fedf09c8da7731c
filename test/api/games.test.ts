import { env } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  api,
  createUserWithToken,
  defaultKickoff,
  expectError,
  makePick,
  problemFields,
  seedMarketOdds,
  seedMatchup,
  seedTeams,
  type TeamRoster,
  type TestUser,
} from "../helpers/api";

const SEASON = 2080;
let user: TestUser;
let teams: Record<string, TeamRoster>;
let g1: string; // week 1 KC@BUF, 17:00Z
let g2: string; // week 1 DAL@PHI, 20:25Z
let g3: string; // week 2 BUF@KC, final
let g4: string; // week 2 SF@SEA, postponed

beforeAll(async () => {
  teams = await seedTeams(SEASON, ["KC", "BUF", "DAL", "PHI", "SF", "SEA"]);
  g1 = await seedMatchup(SEASON, 1, "KC", "BUF");
  g2 = await seedMatchup(SEASON, 1, "DAL", "PHI", { kickoffAt: defaultKickoff(1).replace("17:00", "20:25") });
  g3 = await seedMatchup(SEASON, 2, "BUF", "KC", { status: "final" });
  g4 = await seedMatchup(SEASON, 2, "SF", "SEA", { status: "postponed" });
  user = await createUserWithToken("games-user");
});

afterEach(() => {
  vi.useRealTimers();
});

async function list(query: string) {
  const response = await api(`/v1/games?${query}`, { token: user.token });
  expect(response.status).toBe(200);
  return (response.json.games as { id: string }[]).map((g) => g.id);
}

describe("GET /v1/games: happy path", () => {
  it("lists a season's games in kickoff order with their state", async () => {
    const response = await api(`/v1/games?season=${SEASON}`, { token: user.token });
    expect(response.status).toBe(200);
    expect(response.json.games.map((g: { id: string }) => g.id)).toEqual([g1, g2, g3, g4]);
    expect(response.json.games[0]).toEqual({
      id: g1,
      season: SEASON,
      week: 1,
      gameType: "REG",
      kickoffAt: defaultKickoff(1),
      homeTeam: "BUF",
      awayTeam: "KC",
      homeScore: null,
      awayScore: null,
      status: "scheduled",
      isVoided: false,
      isPlaceholder: false,
      espnEventId: null,
      locked: false,
      noTd: false,
      firstTd: null,
    });
    expect(response.json.games.map((g: { locked: boolean }) => g.locked)).toEqual([false, false, true, false]);
  });

  it("filters by week, team (any alias) and status", async () => {
    expect(await list(`season=${SEASON}&week=1`)).toEqual([g1, g2]);
    expect(await list(`season=${SEASON}&team=KC`)).toEqual([g1, g3]);
    expect(await list(`season=${SEASON}&team=KAN`)).toEqual([g1, g3]);
    expect(await list(`season=${SEASON}&team=chiefs`)).toEqual([g1, g3]);
    expect(await list(`season=${SEASON}&status=final`)).toEqual([g3]);
    expect(await list(`season=${SEASON}&week=2&team=SEA&status=postponed`)).toEqual([g4]);
    expect(await list(`season=${SEASON}&week=3`)).toEqual([]);
  });
});

describe("GET /v1/games: errors", () => {
  it("400 validation_failed naming each bad parameter", async () => {
    const bad = await api("/v1/games?season=abc&week=0&team=Atlantis&status=halftime", { token: user.token });
    expectError(bad, 400, "validation_failed");
    expect(problemFields(bad)).toEqual(["query.season", "query.status", "query.team", "query.week"]);
  });
});

describe("GET /v1/games/{id}", () => {
  it("returns the game with the latest price per source and player, and the price's age by the server clock", async () => {
    const kickoff = defaultKickoff(1);
    const at = (minutesBefore: number) => new Date(Date.parse(kickoff) - minutesBefore * 60_000).toISOString().replace(".000Z", "Z");
    await seedMarketOdds([
      { gameId: g1, playerId: teams.KC!.WR, playerName: "KC WR", impliedProbability: 0.1, americanOdds: 900, snapshotTime: at(120) },
      { gameId: g1, playerId: teams.KC!.WR, playerName: "KC WR", impliedProbability: 0.125, americanOdds: 700, snapshotTime: at(60) },
      { gameId: g1, playerId: teams.BUF!.RB, playerName: "BUF RB", impliedProbability: 0.2, americanOdds: 400, snapshotTime: at(90) },
      { gameId: g1, playerId: teams.KC!.WR, playerName: "KC WR", impliedProbability: 0.11, americanOdds: 809, snapshotTime: at(30), source: "polymarket" },
      { gameId: g2, playerId: teams.PHI!.QB, playerName: "PHI QB", impliedProbability: 0.05, americanOdds: 1900, snapshotTime: at(30) },
    ]);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date(Date.parse(kickoff) - 10 * 60_000));
    const response = await api(`/v1/games/${g1}`, { token: user.token });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ id: g1, homeTeam: "BUF", awayTeam: "KC", locked: false });
    expect(response.json.markets.map((m: any) => [m.source, m.playerId, m.impliedProbability, m.americanOdds, m.ageSeconds])).toEqual([
      ["kalshi", teams.BUF!.RB, 0.2, 400, 80 * 60],
      ["kalshi", teams.KC!.WR, 0.125, 700, 50 * 60],
      ["polymarket", teams.KC!.WR, 0.11, 809, 20 * 60],
    ]);
    expect(response.json.markets[0]).toMatchObject({
      source: "kalshi",
      marketId: `KXNFLFIRSTTD-${g1}-${teams.BUF!.RB}`,
      playerId: teams.BUF!.RB,
      playerName: "BUF RB",
      impliedProbability: 0.2,
      americanOdds: 400,
      snapshotTime: at(90),
      ageSeconds: 80 * 60,
    });
    expect((await api(`/v1/games/${g3}`, { token: user.token })).json.markets).toEqual([]);
  });

  it("locked follows the server clock: false before kickoff, true from kickoff on", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date(Date.parse(defaultKickoff(1)) - 1000));
    expect((await api(`/v1/games/${g1}`, { token: user.token })).json.locked).toBe(false);
    vi.setSystemTime(new Date(defaultKickoff(1)));
    expect((await api(`/v1/games/${g1}`, { token: user.token })).json.locked).toBe(true);
    expect((await api(`/v1/games/${g2}`, { token: user.token })).json.locked).toBe(false);
  });

  it("404 game_not_found; 400 for an id over 40 characters", async () => {
    expectError(await api("/v1/games/1999_01_XX_YY", { token: user.token }), 404, "game_not_found");
    const long = await api(`/v1/games/${"g".repeat(41)}`, { token: user.token });
    expectError(long, 400, "validation_failed");
    expect(problemFields(long)).toEqual(["param.id"]);
  });
});

describe("GET /v1/games/{id}/picks", () => {
  it("403 before kickoff, for an admin user too (they play); the operator sees them; after kickoff every user's pick with its result; 404 game_not_found", async () => {
    const other = await createUserWithToken("games-other");
    const adminPlayer = await createUserWithToken("games-admin-player", true);
    const mine = await makePick(user, g4, teams.SEA!.WR);
    const theirs = await makePick(other, g4, "DEF-SF");
    expectError(await api(`/v1/games/${g4}/picks`, { token: user.token }), 403, "forbidden");
    const forAdminUser = await api(`/v1/games/${g4}/picks`, { token: adminPlayer.token });
    expectError(forAdminUser, 403, "forbidden");
    expect(JSON.stringify(forAdminUser.json)).not.toContain("DEF-SF");
    const forOperator = await api(`/v1/games/${g4}/picks`);
    expect(forOperator.status).toBe(200);
    expect(forOperator.json.picks).toEqual([mine, theirs]);

    // Locked by the database (its clock, or here the game under way): as the lock on changes decides.
    await env.DB.prepare("UPDATE games SET status = 'in_progress' WHERE id = ?").bind(g4).run();
    const visible = await api(`/v1/games/${g4}/picks`, { token: user.token });
    expect(visible.status).toBe(200);
    expect(visible.json.picks).toEqual([mine, theirs]);
    expect((await api(`/v1/games/${g4}/picks`, { token: adminPlayer.token })).json.picks).toEqual([mine, theirs]);
    expectError(await api("/v1/games/1999_01_XX_YY/picks", { token: user.token }), 404, "game_not_found");
  });

  it("a final game's picks are visible whatever its listed kickoff", async () => {
    const response = await api(`/v1/games/${g3}/picks`, { token: user.token });
    expect(response.status).toBe(200);
    expect(response.json.picks).toEqual([]);
  });
});
