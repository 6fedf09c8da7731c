import { beforeAll, describe, expect, it } from "vitest";
import {
  api,
  createUserWithToken,
  createUsers,
  expectError,
  makePick,
  minutesAgo,
  problemFields,
  seedMarketOdds,
  seedMatchup,
  seedTeams,
  setFirstTd,
  type TestUser,
} from "../helpers/api";
import { showOnGlobalBoard } from "../helpers/boards";

/**
 * One season built through the API: picks by seven users (A..G, ids ascending), four games graded by an admin
 * user through PUT /v1/admin/games/{id}/first-td and /void.
 *
 *   G1 KC@BUF  wk1  first TD: KC WR (priced +400 -> a win pays 4 units)
 *   G2 DAL@PHI wk1  first TD: PHI RB (no price -> even money, a win pays 1)
 *   G3 SF@SEA  wk2  first TD: SEA TE (priced -150 -> a win pays 0.67)
 *   G4 NYJ@NE  wk1  voided
 *
 *   user  picks                                  wins  units   week 1          week 2
 *   A     G1 KC WR (W), G2 PHI RB (W)            2     5       2 W, 5
 *   B     G1 KC WR (W), G2 DAL QB (L), G3 SEA TE (W)  2  3.67  1 W, 3          1 W, 0.67
 *   C     G2 PHI RB (W), G1 BUF QB (L)           1     0       1 W, 0
 *   D     G3 SEA TE (W)                          1     0.67                    1 W, 0.67
 *   E     G1 BUF RB (L), G2 PHI RB (W)           1     0       1 W, 0
 *   F     G1 BUF WR (L)                          0     -1      0 W, -1
 *   G     G4 NYJ QB (void)                       0     0       0 W, 0 (1 void)
 */
const SEASON = 2050;
let users: Record<"A" | "B" | "C" | "D" | "E" | "F" | "G", TestUser>;
let outsider: TestUser;

beforeAll(async () => {
  const teams = await seedTeams(SEASON, ["KC", "BUF", "DAL", "PHI", "SF", "SEA", "NYJ", "NE"]);
  const g1 = await seedMatchup(SEASON, 1, "KC", "BUF");
  const g2 = await seedMatchup(SEASON, 1, "DAL", "PHI");
  const g3 = await seedMatchup(SEASON, 2, "SF", "SEA");
  const g4 = await seedMatchup(SEASON, 1, "NYJ", "NE");
  // Taken minutes before the picks: a pick freezes the snapshots of the 30 minutes before it.
  await seedMarketOdds([
    { gameId: g1, playerId: teams.KC!.WR, playerName: "KC WR", impliedProbability: 0.2, americanOdds: 400, snapshotTime: minutesAgo(10) },
    { gameId: g3, playerId: teams.SEA!.TE, playerName: "SEA TE", impliedProbability: 0.6, americanOdds: -150, snapshotTime: minutesAgo(10) },
  ]);
  const [A, B, C, D, E, F, G] = await createUsers("board", 7);
  users = { A: A!, B: B!, C: C!, D: D!, E: E!, F: F!, G: G! };
  // They chose to appear on the global board (off by default); the outsider did not.
  await showOnGlobalBoard(Object.values(users));
  outsider = await createUserWithToken("board-outsider");
  const admin = await createUserWithToken("board-admin", true);

  const picks: [TestUser, string, string][] = [
    [users.A, g1, teams.KC!.WR],
    [users.A, g2, teams.PHI!.RB],
    [users.B, g1, teams.KC!.WR],
    [users.B, g2, teams.DAL!.QB],
    [users.B, g3, teams.SEA!.TE],
    [users.C, g2, teams.PHI!.RB],
    [users.C, g1, teams.BUF!.QB],
    [users.D, g3, teams.SEA!.TE],
    [users.E, g1, teams.BUF!.RB],
    [users.E, g2, teams.PHI!.RB],
    [users.F, g1, teams.BUF!.WR],
    [users.G, g4, teams.NYJ!.QB],
  ];
  for (const [user, game, player] of picks) await makePick(user, game, player);

  await setFirstTd(g1, { type: "player", playerId: teams.KC!.WR, kind: "reception" }, admin.token);
  await setFirstTd(g2, { type: "player", playerId: teams.PHI!.RB, kind: "rush" }, admin.token);
  await setFirstTd(g3, { type: "player", playerId: teams.SEA!.TE, kind: "reception" }, admin.token);
  const voided = await api(`/v1/admin/games/${g4}/void`, { method: "PUT", token: admin.token, body: { voided: true } });
  expect(voided.status).toBe(200);
});

type Entry = { rank: number; userId: number; name: string; picks: number; wins: number; losses: number; voids: number; hitRate: number | null; units: number };

async function board(path: string, token = users.A.token) {
  const response = await api(path, { token });
  expect(response.status).toBe(200);
  return response.json as { season: number; week: number | null; sort: string; entries: Entry[]; nextCursor: string | null; me: Entry | null };
}

/** [letter, rank] pairs of a page, for readable expectations. */
function ranks(entries: Entry[]): [string, number][] {
  const letterOf = new Map(Object.entries(users).map(([letter, u]) => [u.id, letter]));
  return entries.map((e) => [letterOf.get(e.userId) ?? `?${e.userId}`, e.rank]);
}

/** Follows nextCursor from the first page to the end. */
async function allPages(path: string, limit: number) {
  const pages: Entry[][] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 50; i++) {
    const sep = path.includes("?") ? "&" : "?";
    const page = await board(`${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    pages.push(page.entries);
    expect(page.entries.length).toBeLessThanOrEqual(limit);
    cursor = page.nextCursor;
    if (!cursor) return pages;
  }
  throw new Error("pagination did not end");
}

describe("happy path", () => {
  it("season leaderboard by wins: standard competition ranking (1, 1, 3); a tie shares its rank, listed by units then user", async () => {
    const page = await board(`/v1/leaderboards/${SEASON}`);
    expect(page).toMatchObject({ season: SEASON, week: null, sort: "wins", nextCursor: null });
    expect(ranks(page.entries)).toEqual([["A", 1], ["B", 1], ["D", 3], ["C", 3], ["E", 3], ["G", 6], ["F", 6]]);
    const byUser = Object.fromEntries(page.entries.map((e) => [e.userId, e]));
    expect(byUser[users.A.id]).toEqual({ rank: 1, userId: users.A.id, name: users.A.name, picks: 2, wins: 2, losses: 0, voids: 0, hitRate: 1, units: 5 });
    expect(byUser[users.B.id]).toMatchObject({ picks: 3, wins: 2, losses: 1, voids: 0, units: 3.67 });
    expect(byUser[users.B.id]!.hitRate).toBeCloseTo(2 / 3, 10);
    expect(byUser[users.F.id]).toMatchObject({ picks: 1, wins: 0, losses: 1, hitRate: 0, units: -1 });
    expect(byUser[users.G.id]).toMatchObject({ picks: 1, wins: 0, losses: 0, voids: 1, hitRate: null, units: 0 });
  });

  it("season leaderboard by units", async () => {
    const page = await board(`/v1/leaderboards/${SEASON}?sort=units`);
    expect(page.sort).toBe("units");
    expect(ranks(page.entries)).toEqual([["A", 1], ["B", 2], ["D", 3], ["C", 4], ["E", 4], ["G", 4], ["F", 7]]);
    expect(page.entries.map((e) => e.units)).toEqual([5, 3.67, 0.67, 0, 0, 0, -1]);
  });

  it("week leaderboards count only that week's picks", async () => {
    const week1 = await board(`/v1/leaderboards/${SEASON}/weeks/1`);
    expect(week1).toMatchObject({ season: SEASON, week: 1, sort: "wins" });
    expect(ranks(week1.entries)).toEqual([["A", 1], ["B", 2], ["C", 2], ["E", 2], ["G", 5], ["F", 5]]);
    expect(week1.entries.find((e) => e.userId === users.B.id)).toMatchObject({ picks: 2, wins: 1, losses: 1, units: 3 });

    const week1Units = await board(`/v1/leaderboards/${SEASON}/weeks/1?sort=units`);
    expect(ranks(week1Units.entries)).toEqual([["A", 1], ["B", 2], ["C", 3], ["E", 3], ["G", 3], ["F", 6]]);

    const week2 = await board(`/v1/leaderboards/${SEASON}/weeks/2?sort=units`);
    expect(ranks(week2.entries)).toEqual([["B", 1], ["D", 1]]);
    expect(week2.entries.map((e) => e.units)).toEqual([0.67, 0.67]);

    const empty = await board(`/v1/leaderboards/${SEASON}/weeks/3`);
    expect(empty).toMatchObject({ entries: [], nextCursor: null, me: null });
  });

  it("a season nobody played is empty", async () => {
    expect(await board(`/v1/leaderboards/${SEASON + 1}`)).toMatchObject({ season: SEASON + 1, entries: [], nextCursor: null, me: null });
  });

  it("'me' is the caller's row and rank, whatever the page; null without picks or for the ADMIN_TOKEN", async () => {
    const wins = await board(`/v1/leaderboards/${SEASON}?limit=1`, users.E.token);
    expect(ranks(wins.entries)).toEqual([["A", 1]]);
    expect(wins.me).toMatchObject({ rank: 3, userId: users.E.id, name: users.E.name, picks: 2, wins: 1, losses: 1, units: 0 });
    const units = await board(`/v1/leaderboards/${SEASON}?sort=units`, users.E.token);
    expect(units.me).toMatchObject({ rank: 4, userId: users.E.id });
    const week2 = await board(`/v1/leaderboards/${SEASON}/weeks/2`, users.D.token);
    expect(week2.me).toMatchObject({ rank: 1, userId: users.D.id, units: 0.67 });
    expect((await board(`/v1/leaderboards/${SEASON}/weeks/1`, users.D.token)).me).toBeNull();
    expect((await board(`/v1/leaderboards/${SEASON}`, outsider.token)).me).toBeNull();
    const asAdmin = await api(`/v1/leaderboards/${SEASON}`);
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.json.me).toBeNull();
    expect(asAdmin.json.entries).toHaveLength(7);
  });
});

describe("users without picks", () => {
  it("a user whose only pick was deleted is on no leaderboard and shifts no rank", async () => {
    const season = SEASON + 2;
    const teams = await seedTeams(season, ["KC", "BUF"]);
    const game = await seedMatchup(season, 1, "KC", "BUF");
    const [stays, leaves, loses] = await createUsers(`deleted-${season}`, 3);
    await showOnGlobalBoard([stays!, leaves!, loses!]);
    await makePick(stays!, game, teams.KC!.QB);
    const pick = await makePick(leaves!, game, teams.KC!.RB);
    await makePick(loses!, game, teams.BUF!.QB);
    expect((await api(`/v1/picks/${pick.id}`, { method: "DELETE", token: leaves!.token })).status).toBe(204);
    await setFirstTd(game, { type: "player", playerId: teams.KC!.QB, kind: "rush" });

    for (const path of [`/v1/leaderboards/${season}`, `/v1/leaderboards/${season}/weeks/1`, `/v1/leaderboards/${season}?sort=units`]) {
      const page = await board(path, leaves!.token);
      expect(page.entries.map((e) => [e.userId, e.rank])).toEqual([
        [stays!.id, 1],
        [loses!.id, 2],
      ]);
      expect(page.me).toBeNull();
    }
    // Paging walks the same two rows.
    const first = await board(`/v1/leaderboards/${season}?limit=1`, loses!.token);
    expect(first.me).toMatchObject({ userId: loses!.id, rank: 2 });
    const second = await board(`/v1/leaderboards/${season}?limit=1&cursor=${encodeURIComponent(first.nextCursor!)}`);
    expect(second.entries.map((e) => [e.userId, e.rank])).toEqual([[loses!.id, 2]]);
    const third = await board(`/v1/leaderboards/${season}?limit=1&cursor=${encodeURIComponent(second.nextCursor!)}`);
    expect(third.entries).toEqual([]);
  });
});

describe("keyset pagination", () => {
  for (const [label, path] of [
    ["season by wins", `/v1/leaderboards/${SEASON}`],
    ["season by units", `/v1/leaderboards/${SEASON}?sort=units`],
    ["week 1 by wins", `/v1/leaderboards/${SEASON}/weeks/1`],
  ] as const) {
    it(`${label}: every page size walks the full ordered list with continuous ranks`, async () => {
      const full = (await board(`${path}${path.includes("?") ? "&" : "?"}limit=200`)).entries;
      expect(full.length).toBeGreaterThanOrEqual(6);
      for (const limit of [1, 2, 3, 4, full.length]) {
        const pages = await allPages(path, limit);
        expect(pages.flat()).toEqual(full);
        for (const page of pages.slice(0, -1)) expect(page).toHaveLength(limit);
      }
    });
  }

  it("a tie group split across pages keeps its rank on the next page", async () => {
    const pages = await allPages(`/v1/leaderboards/${SEASON}`, 2);
    expect(pages.map(ranks)).toEqual([
      [["A", 1], ["B", 1]],
      [["D", 3], ["C", 3]],
      [["E", 3], ["G", 6]],
      [["F", 6]],
    ]);
    const unitPages = await allPages(`/v1/leaderboards/${SEASON}?sort=units`, 4);
    expect(unitPages.map(ranks)).toEqual([
      [["A", 1], ["B", 2], ["D", 3], ["C", 4]],
      [["E", 4], ["G", 4], ["F", 7]],
    ]);
  });
});

describe("errors", () => {
  it("400 invalid_cursor for a cursor this API did not return", async () => {
    const forged = (value: unknown) => btoa(JSON.stringify(value)).replace(/=+$/, "");
    for (const cursor of ["not-a-cursor", "!!!", forged({ a: 1 }), forged([1, 2, 0, 1]), forged([1, 2, 3, 4]), forged(["x", 2, 3, 1])]) {
      const response = await api(`/v1/leaderboards/${SEASON}?cursor=${encodeURIComponent(cursor)}`, { token: users.A.token });
      expectError(response, 400, "invalid_cursor");
      expect(response.json.error.details).toEqual([{ field: "query.cursor", problem: expect.any(String) }]);
    }
    expectError(await api(`/v1/leaderboards/${SEASON}/weeks/1?cursor=zzz`, { token: users.A.token }), 400, "invalid_cursor");
  });

  it("400 validation_failed naming each bad parameter", async () => {
    const query = await api(`/v1/leaderboards/${SEASON}?sort=luck&limit=0`, { token: users.A.token });
    expectError(query, 400, "validation_failed");
    expect(problemFields(query)).toEqual(["query.limit", "query.sort"]);
    expect(problemFields(await api(`/v1/leaderboards/${SEASON}?limit=201`, { token: users.A.token }))).toEqual(["query.limit"]);
    const params = await api("/v1/leaderboards/abc/weeks/23", { token: users.A.token });
    expectError(params, 400, "validation_failed");
    expect(problemFields(params)).toEqual(["param.season", "param.week"]);
  });
});
