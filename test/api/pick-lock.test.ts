import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { api, createUserWithToken, expectError, makePick, seedMatchup, seedTeams, setFirstTd, type TestUser } from "../helpers/api";
import { addMinutes, kickoffPassesNow } from "../helpers/real-clock";

/**
 * The pick lock beyond "kickoff has passed by the Worker's clock": the database decides, in the statement that
 * writes, by its own clock (GAME_OPEN_SQL in src/db/sql-rules.ts), and a game with a score or a first-TD fact is
 * locked whatever its kickoff says. Games kick off in the real future (test/helpers/api.ts defaultKickoff), since
 * the database's clock is the real one.
 */

// Storage is per file: every test takes its own season.
let nextSeason = 2150;

/** KC at BUF with rosters; alice and bob picked before kickoff. */
async function pickedGame() {
  const season = nextSeason++;
  const teams = await seedTeams(season, ["KC", "BUF"]);
  const game = await seedMatchup(season, 1, "KC", "BUF");
  const [alice, bob, carol] = [await createUserWithToken(), await createUserWithToken(), await createUserWithToken()];
  const alicePick = (await makePick(alice, game, teams.KC!.WR)).id as number;
  const bobPick = (await makePick(bob, game, "DEF-BUF")).id as number;
  return { season, teams, game, alice, bob, carol, alicePick, bobPick };
}

type PickedGame = Awaited<ReturnType<typeof pickedGame>>;

/** Everything a pick write could touch, for before/after comparisons. */
async function pickTables(game: string, users: TestUser[]) {
  const all = (sql: string, ...params: unknown[]) => env.DB.prepare(sql).bind(...params).all().then((r) => r.results);
  const ids = users.map((u) => u.id);
  return {
    picks: await all("SELECT * FROM picks WHERE game_id = ? ORDER BY id", game),
    results: await all("SELECT r.* FROM results r JOIN picks p ON p.id = r.pick_id WHERE p.game_id = ? ORDER BY r.id", game),
    standings: await all(`SELECT * FROM standings WHERE user_id IN (${ids.map(() => "?").join(", ")}) ORDER BY season, week, user_id`, ...ids),
  };
}

/** POST (carol), PATCH (alice) and DELETE (bob): each 409 game_locked, and nothing written. */
async function expectEveryWriteRefused(g: PickedGame) {
  const before = await pickTables(g.game, [g.alice, g.bob, g.carol]);
  const create = await api("/v1/picks", { method: "POST", token: g.carol.token, body: { gameId: g.game, playerId: g.teams.BUF!.WR } });
  expectError(create, 409, "game_locked");
  expectError(await api(`/v1/picks/${g.alicePick}`, { method: "PATCH", token: g.alice.token, body: { playerId: g.teams.KC!.QB } }), 409, "game_locked");
  expectError(await api(`/v1/picks/${g.bobPick}`, { method: "DELETE", token: g.bob.token }), 409, "game_locked");
  expect(await pickTables(g.game, [g.alice, g.bob, g.carol])).toEqual(before);
}

afterEach(() => {
  vi.useRealTimers();
});

describe("the lock is checked in the write, by the database's clock", () => {
  it("a request that the Worker's clock puts before kickoff but the database's after it: refused, nothing written", async () => {
    const g = await pickedGame();
    const kickoff = await kickoffPassesNow(g.game);
    // The Worker's clock runs ten minutes late: by its own reckoning the game is still open.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date(addMinutes(kickoff, -10)));
    expect((await api(`/v1/games/${g.game}`, { token: g.carol.token })).json.locked).toBe(false);
    await expectEveryWriteRefused(g);
  });
});

describe("a game with a score or a first-TD fact is locked, whatever its kickoff", () => {
  // Each one with its kickoff still two weeks or more ahead, by every clock.
  const facts: [string, (g: PickedGame) => Promise<unknown>][] = [
    [
      "a score (the feed scored it, then reported it postponed)",
      (g) => env.DB.prepare("UPDATE games SET status = 'postponed', away_score = 3, home_score = 0 WHERE id = ?").bind(g.game).run(),
    ],
    [
      "a first-TD scorer recorded (the API refuses one before kickoff; a legacy import or a hand fix could still write it)",
      (g) =>
        env.DB.prepare("UPDATE games SET first_td_player_id = ?, first_td_player_name = 'BUF RB', first_td_team = 'BUF', first_td_kind = 'rush' WHERE id = ?")
          .bind(g.teams.BUF!.RB, g.game)
          .run(),
    ],
    ["no TD recorded", (g) => env.DB.prepare("UPDATE games SET no_td = 1 WHERE id = ?").bind(g.game).run()],
    [
      "a first-TD team whose scorer the feed could not resolve",
      (g) => env.DB.prepare("UPDATE games SET first_td_team = 'KC', first_td_player_name = 'K. Unknown' WHERE id = ?").bind(g.game).run(),
    ],
  ];

  it.each(facts)("%s: create, change and delete refused with 409 game_locked; the game says locked", async (_, record) => {
    const g = await pickedGame();
    await record(g);
    const view = await api(`/v1/games/${g.game}`, { token: g.carol.token });
    expect(Date.parse(view.json.kickoffAt)).toBeGreaterThan(Date.now() + 7 * 24 * 3_600_000);
    expect(view.json.locked).toBe(true);
    await expectEveryWriteRefused(g);
  });
});

describe("an admin cannot record first-TD facts before kickoff", () => {
  it("409 game_not_started: the game stays open and its picks hidden, so an admin cannot lock a game early to see its picks", async () => {
    const g = await pickedGame();
    const admin = await createUserWithToken(undefined, true);
    for (const fact of [{ type: "player", playerId: g.teams.BUF!.RB, kind: "rush" }, { type: "no_td" }, { type: "defense", team: "KC", kind: "return" }]) {
      expectError(await api(`/v1/admin/games/${g.game}/first-td`, { method: "PUT", token: admin.token, body: fact }), 409, "game_not_started");
    }
    expect((await api(`/v1/games/${g.game}`, { token: g.carol.token })).json.locked).toBe(false);
    expectError(await api(`/v1/games/${g.game}/picks`, { token: admin.token }), 403, "forbidden");
    expect((await api(`/v1/picks/${g.alicePick}`, { method: "PATCH", token: g.alice.token, body: { playerId: g.teams.KC!.QB } })).status).toBe(200);
  });
});
