import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createUsers, createUserWithToken, expectError, makePick, seedMatchup, seedTeams, setFirstTd, type TestUser } from "../helpers/api";

/**
 * League boards (GET /v1/leagues/{id}/leaderboards/{season}[/weeks/{week}]) and the global board's opt-in: a league ranks
 * by its ranking and tiebreak (wins -> units, units -> wins; members level on both share a rank), keyset-paged, with the
 * caller's rank and a week's winners; members and the operator read it, nobody else. A small league's board is read
 * whole, a large one's (50 members and more) from its sorted mirror: both give the same board.
 */
const SEASON = 2025 + 40;
let crew: TestUser[];
let outsider: TestUser;
let small: number;
let large: number;
let unitsLeague: number;

async function createLeague(owner: TestUser, name: string, ranking: "wins" | "units" = "wins"): Promise<number> {
  const response = await api("/v1/leagues", { method: "POST", token: owner.token, body: { name, ranking } });
  expect(response.status).toBe(201);
  return response.json.id as number;
}

async function addMembers(leagueId: number, userIds: number[]) {
  await env.DB.batch(
    userIds.map((id) => env.DB.prepare("INSERT OR IGNORE INTO league_members (league_id, user_id, joined_at) VALUES (?, ?, '2045-01-01T00:00:00Z')").bind(leagueId, id)),
  );
}

type Board = { entries: { userId: number; rank: number; wins: number; units: number }[]; nextCursor: string | null; me: { rank: number } | null; winners: { userId: number }[] };

async function board(path: string, token: string): Promise<Board> {
  const response = await api(path, { token });
  expect(response.status, JSON.stringify(response.json)).toBe(200);
  return response.json as Board;
}

const named = (entries: { userId: number; rank: number }[]) =>
  entries.map((e) => [crew.findIndex((u) => u.id === e.userId), e.rank] as const).map(([i, rank]) => [String.fromCharCode(65 + i), rank]);

beforeAll(async () => {
  const teams = await seedTeams(SEASON, ["KC", "BUF", "DAL", "PHI"]);
  const g1 = await seedMatchup(SEASON, 1, "KC", "BUF");
  const g2 = await seedMatchup(SEASON, 1, "DAL", "PHI");
  crew = await createUsers(`lb-${SEASON}`, 6);
  outsider = await createUserWithToken();
  const [A, B, C, D, E, F] = crew as [TestUser, TestUser, TestUser, TestUser, TestUser, TestUser];
  // Week 1: KC WR scores first in g1, PHI RB in g2. Unpriced picks: a win is +1 unit, a loss -1.
  await makePick(A, g1, teams.KC!.WR); // win
  await makePick(A, g2, teams.PHI!.RB); // win       A: 2 wins, +2
  await makePick(B, g1, teams.KC!.WR); // win
  await makePick(B, g2, teams.DAL!.QB); // loss      B: 1 win, 0
  await makePick(C, g1, teams.KC!.WR); // win       C: 1 win, +1
  await makePick(D, g1, teams.BUF!.WR); // loss
  await makePick(D, g2, teams.PHI!.RB); // win      D: 1 win, 0  (level with B on both: shared rank)
  await makePick(E, g2, teams.DAL!.QB); // loss      E: 0 wins, -1
  // F has no pick: on no board.
  await setFirstTd(g1, { type: "player", playerId: teams.KC!.WR, kind: "reception" });
  await setFirstTd(g2, { type: "player", playerId: teams.PHI!.RB, kind: "rush" });

  small = await createLeague(A, "Small crew");
  await addMembers(small, [B.id, C.id, D.id, E.id, F.id]);
  unitsLeague = await createLeague(B, "Units crew", "units");
  await addMembers(unitsLeague, [A.id, C.id, D.id, E.id]);
  // The same crew plus 45 members who never picked: 51 members, so its board is kept sorted.
  large = await createLeague(A, "Large crew");
  const fillers = await createUsers(`lb-fill-${SEASON}`, 45);
  await addMembers(large, [...crew.slice(1), ...fillers].map((u) => u.id));
});

describe("a league's board", () => {
  it("ranks by wins, then units; members level on both share a rank; members without picks are not on it", async () => {
    const page = await board(`/v1/leagues/${small}/leaderboards/${SEASON}`, crew[0]!.token);
    expect(page).toMatchObject({ leagueId: small, season: SEASON, week: null, ranking: "wins", tiebreak: "units", nextCursor: null, winners: [] });
    expect(named(page.entries)).toEqual([["A", 1], ["C", 2], ["B", 3], ["D", 3], ["E", 5]]);
    expect(page.me).toMatchObject({ rank: 1, wins: 2, units: 2 });
  });

  it("ranks by units, then wins, in a league that ranks by units", async () => {
    const page = await board(`/v1/leagues/${unitsLeague}/leaderboards/${SEASON}`, crew[1]!.token);
    expect(page).toMatchObject({ ranking: "units", tiebreak: "wins" });
    expect(named(page.entries)).toEqual([["A", 1], ["C", 2], ["B", 3], ["D", 3], ["E", 5]]);
    expect(page.me).toMatchObject({ rank: 3 });
  });

  it("a large league (kept sorted) gives the same board, pages and rank as a small one", async () => {
    const materialized = await env.DB.prepare("SELECT board_materialized AS m FROM leagues WHERE id = ?").bind(large).first<{ m: number }>();
    expect(materialized!.m).toBe(1);
    const whole = await board(`/v1/leagues/${large}/leaderboards/${SEASON}`, crew[3]!.token);
    expect(named(whole.entries)).toEqual([["A", 1], ["C", 2], ["B", 3], ["D", 3], ["E", 5]]);
    expect(whole.me).toMatchObject({ rank: 3 });
    for (const leagueId of [small, large]) {
      const pages: Board["entries"][] = [];
      let cursor: string | null = null;
      do {
        const page: Board = await board(`/v1/leagues/${leagueId}/leaderboards/${SEASON}?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, crew[0]!.token);
        pages.push(page.entries);
        cursor = page.nextCursor;
      } while (cursor);
      expect(pages.map(named), `league ${leagueId}`).toEqual([[["A", 1], ["C", 2]], [["B", 3], ["D", 3]], [["E", 5]]]);
    }
  });

  it("a week's board names its winners (every member ranked first)", async () => {
    for (const leagueId of [small, large]) {
      const week = await board(`/v1/leagues/${leagueId}/leaderboards/${SEASON}/weeks/1`, crew[4]!.token);
      expect(week.winners.map((w) => w.userId)).toEqual([crew[0]!.id]);
      expect(week.me).toMatchObject({ rank: 5 });
      const empty = await board(`/v1/leagues/${leagueId}/leaderboards/${SEASON}/weeks/2`, crew[4]!.token);
      expect(empty).toMatchObject({ entries: [], winners: [], me: null });
    }
  });

  it("a cursor of one league's board is refused on another's", async () => {
    const page = await board(`/v1/leagues/${small}/leaderboards/${SEASON}?limit=2`, crew[0]!.token);
    expectError(await api(`/v1/leagues/${large}/leaderboards/${SEASON}?limit=2&cursor=${encodeURIComponent(page.nextCursor!)}`, { token: crew[0]!.token }), 400, "invalid_cursor");
  });

  it("is for members and the operator: a non-member gets 403, an unknown league 404", async () => {
    expectError(await api(`/v1/leagues/${small}/leaderboards/${SEASON}`, { token: outsider.token }), 403, "forbidden");
    expectError(await api(`/v1/leagues/999999/leaderboards/${SEASON}`, { token: outsider.token }), 404, "league_not_found");
    expect((await api(`/v1/leagues/${small}/leaderboards/${SEASON}/weeks/1`)).status).toBe(200);
  });
});

describe("the global board lists only those who chose to appear on it", () => {
  it("off by default; PATCH /v1/me/profile turns it on and off; everyone keeps a global rank of their own", async () => {
    const global = () => board(`/v1/leaderboards/${SEASON}`, crew[2]!.token);
    const before = await global();
    expect(before.entries).toEqual([]);
    expect(before.me).toMatchObject({ rank: 2 });
    for (const user of [crew[0]!, crew[2]!]) {
      expect((await api("/v1/me/profile", { method: "PATCH", token: user.token, body: { onGlobalBoard: true } })).status).toBe(200);
    }
    const listed = await global();
    expect(named(listed.entries)).toEqual([["A", 1], ["C", 2]]);
    expect(listed.me).toMatchObject({ rank: 2 });
    expect((await api("/v1/me/profile", { method: "PATCH", token: crew[0]!.token, body: { onGlobalBoard: false } })).status).toBe(200);
    expect(named((await global()).entries)).toEqual([["C", 1]]);
  });
});
