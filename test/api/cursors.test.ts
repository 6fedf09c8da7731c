import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../src/index";
import type { AppEnv } from "../../src/env";
import { api, createUsers, createUserWithToken, expectError, makePick, setFirstTd, seedMatchup, seedTeams, type ApiResponse, type TestUser } from "../helpers/api";
import { showOnGlobalBoard } from "../helpers/boards";

/**
 * Cursors are signed by the API and good only for the list they page (security). One small season:
 *
 *   user  picks                          season wins  rank   week 1 wins
 *   A     G1 KC WR (W), G2 PHI RB (W)    2            1      2
 *   B     G1 KC WR (W)                   1            2      1
 *   C     G2 PHI RB (W)                  1            2      1
 *   D     G1 BUF QB (L)                  0            4      0
 *
 * First TDs: G1 KC WR, G2 PHI RB (player stats: both 1, ranked 1, 1).
 */
const SEASON = 2085;
let users: Record<"A" | "B" | "C" | "D", TestUser>;
let teams: Awaited<ReturnType<typeof seedTeams>>;

beforeAll(async () => {
  teams = await seedTeams(SEASON, ["KC", "BUF", "DAL", "PHI"]);
  const g1 = await seedMatchup(SEASON, 1, "KC", "BUF");
  const g2 = await seedMatchup(SEASON, 1, "DAL", "PHI");
  const [A, B, C, D] = await createUsers("cursor", 4);
  await showOnGlobalBoard([A!, B!, C!, D!]);
  users = { A: A!, B: B!, C: C!, D: D! };
  const admin = await createUserWithToken("cursor-admin", true);
  await makePick(users.A, g1, teams.KC!.WR);
  await makePick(users.A, g2, teams.PHI!.RB);
  await makePick(users.B, g1, teams.KC!.WR);
  await makePick(users.C, g2, teams.PHI!.RB);
  await makePick(users.D, g1, teams.BUF!.QB);
  await setFirstTd(g1, { type: "player", playerId: teams.KC!.WR, kind: "reception" }, admin.token);
  await setFirstTd(g2, { type: "player", playerId: teams.PHI!.RB, kind: "rush" }, admin.token);
});

async function ok(path: string) {
  const response = await api(path, { token: users.A.token });
  expect(response.status, JSON.stringify(response.json)).toBe(200);
  return response.json as { entries: { userId?: number; playerId?: string; rank: number }[]; nextCursor: string | null };
}

function withCursor(path: string, cursor: string) {
  return `${path}${path.includes("?") ? "&" : "?"}cursor=${encodeURIComponent(cursor)}`;
}

/** 400 invalid_cursor naming query.cursor: the answer to any cursor the API did not issue for this list. */
async function expectRefused(path: string, cursor: string, problem?: RegExp) {
  const response = await api(withCursor(path, cursor), { token: users.A.token });
  expectError(response, 400, "invalid_cursor");
  expect(response.json.error.details).toEqual([{ field: "query.cursor", problem: expect.any(String) }]);
  if (problem) expect(response.json.error.details[0].problem).toMatch(problem);
}

const base64url = (text: string) => btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const fromBase64url = (text: string) => atob(text.replace(/-/g, "+").replace(/_/g, "/"));

/** What a client could do to an issued cursor: decode its payload (base64url JSON before the dot), edit it, keep the signature. */
function edited(cursor: string, edit: (payload: [unknown[], unknown[]]) => unknown): string {
  const dot = cursor.lastIndexOf(".");
  const payload = JSON.parse(fromBase64url(cursor.slice(0, dot))) as [unknown[], unknown[]];
  return `${base64url(JSON.stringify(edit(payload)))}${cursor.slice(dot)}`;
}

describe("leaderboard cursors", () => {
  const board = `/v1/leaderboards/${SEASON}`;

  it("an issued cursor continues its board with the true ranks", async () => {
    const first = await ok(`${board}?limit=2`);
    expect(first.entries.map((e) => [e.userId, e.rank])).toEqual([
      [users.A.id, 1],
      [users.B.id, 2],
    ]);
    const second = await ok(withCursor(`${board}?limit=2`, first.nextCursor!));
    expect(second.entries.map((e) => [e.userId, e.rank])).toEqual([
      [users.C.id, 2],
      [users.D.id, 4],
    ]);
  });

  it("a cursor as this API used to issue them (unsigned [score, key, position, rank]) is refused, not served with a false rank", async () => {
    // Accepted before cursors were signed: "after B, at position 1 with rank 1" put C (truly 2nd) at rank 1.
    const forged = base64url(JSON.stringify([1, users.B.id, 1, 1]));
    await expectRefused(`${board}?limit=2`, forged, /not a cursor this API issued/);
  });

  it("an issued cursor with its rank, position, score or key edited, or its signature changed, is refused", async () => {
    const path = `${board}?limit=2`;
    // After B: [score 1, key B, position 2, rank 2]. Rank 1 would put C (truly 2nd, tied with B) at rank 1.
    const cursor = (await ok(path)).nextCursor!;
    for (const forged of [
      edited(cursor, ([scope, [score, key, position]]) => [scope, [score, key, position, 1]]),
      edited(cursor, ([scope, [score, key]]) => [scope, [score, key, 1, 1]]),
      edited(cursor, ([scope, [score, key]]) => [scope, [score, key, 9, 9]]),
      edited(cursor, ([scope, [, key, position, rank]]) => [scope, [99, key, position, rank]]),
      edited(cursor, ([scope, [score, , position, rank]]) => [scope, [score, users.A.id, position, rank]]),
      edited(cursor, ([, fields]) => [["leaderboard", SEASON, 1, "wins"], fields]),
      `${cursor.slice(0, -2)}${cursor.endsWith("AA") ? "BB" : "AA"}`,
      cursor.slice(0, cursor.lastIndexOf(".")),
      `${cursor}.${cursor}`,
    ]) {
      await expectRefused(path, forged);
    }
    // The same cursor, untouched, is served with the true ranks.
    expect((await ok(withCursor(path, cursor))).entries.map((e) => [e.userId, e.rank])).toEqual([
      [users.C.id, 2],
      [users.D.id, 4],
    ]);
  });

  it("a cursor pages only the board it came from: not another sort, week, season or list", async () => {
    const cursor = (await ok(`${board}?limit=1`)).nextCursor!;
    await expectRefused(`${board}?limit=1&sort=units`, cursor, /another list/);
    await expectRefused(`${board}/weeks/1?limit=1`, cursor, /another list/);
    await expectRefused(`/v1/leaderboards/${SEASON + 1}?limit=1`, cursor, /another list/);
    await expectRefused(`/v1/player-stats?season=${SEASON}&limit=1`, cursor, /another list/);
    const weekCursor = (await ok(`${board}/weeks/1?limit=1`)).nextCursor!;
    await expectRefused(`${board}?limit=1`, weekCursor, /another list/);
    await expectRefused(`${board}/weeks/2?limit=1`, weekCursor, /another list/);
  });

  it("a cursor signed under another SESSION_SECRET (issued before a rotation) is refused", async () => {
    const old = await viaWorker(`${board}?limit=1`, { SESSION_SECRET: "an-earlier-session-secret-0123456789" });
    expect(old.status).toBe(200);
    await expectRefused(`${board}?limit=1`, old.json.nextCursor, /not a cursor this API issued/);
  });
});

describe("player cursors", () => {
  it("player-stats: ranked like a board, so bound to its season and filters and refused when edited", async () => {
    const path = `/v1/player-stats?season=${SEASON}&limit=1`;
    const first = await ok(path);
    expect(first.entries[0]!.rank).toBe(1);
    const cursor = first.nextCursor!;
    expect((await ok(withCursor(path, cursor))).entries[0]!.rank).toBe(1);
    await expectRefused(`${path}&position=WR`, cursor, /another list/);
    await expectRefused(`${path}&team=KC`, cursor, /another list/);
    await expectRefused(`/v1/player-stats?season=${SEASON - 1}&limit=1`, cursor, /another list/);
    await expectRefused(path, edited(cursor, ([scope, [score, key, position]]) => [scope, [score, key, position, 1 + 1]]));
    await expectRefused(path, base64url(JSON.stringify([1, 999999, 1, 1])));
  });

  it("players: the name cursor is signed and bound to its filters too", async () => {
    const path = `/v1/players?season=${SEASON}&team=KC&limit=2`;
    const cursor = (await ok(path)).nextCursor!;
    const next = await api(withCursor(path, cursor), { token: users.A.token });
    expect(next.status).toBe(200);
    expect(next.json.players.length).toBeGreaterThan(0);
    await expectRefused(`/v1/players?season=${SEASON}&team=BUF&limit=2`, cursor, /another list/);
    await expectRefused(`${path}&q=kc`, cursor, /another list/);
    // The format before signing: base64 of the URI-encoded [nameKey, id].
    await expectRefused(path, btoa(encodeURIComponent(JSON.stringify(["kc qb", teams.KC!.QB]))));
  });
});

/** A request to the Worker with the test bindings, some replaced (a deployment configured otherwise). */
async function viaWorker(path: string, vars: Partial<Record<keyof AppEnv, string | undefined>>, token = users.A.token): Promise<ApiResponse> {
  const ctx = createExecutionContext();
  const request = new Request<unknown, IncomingRequestCfProperties>(`http://localhost${path}`, { headers: { authorization: `Bearer ${token}` } });
  const response = await worker.fetch(request, { ...(env as AppEnv), ...vars } as AppEnv, ctx);
  const text = await response.text();
  await waitOnExecutionContext(ctx);
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : null };
}

describe("without SESSION_SECRET", () => {
  it("a paged list is 500 server_misconfigured naming the secret, rather than a page with an unsigned cursor; other routes serve", async () => {
    for (const path of [`/v1/leaderboards/${SEASON}?limit=1`, `/v1/leaderboards/${SEASON}/weeks/1`, `/v1/player-stats?season=${SEASON}`, `/v1/players?season=${SEASON}`]) {
      for (const secret of [undefined, ""]) {
        const response = await viaWorker(path, { SESSION_SECRET: secret });
        expectError(response, 500, "server_misconfigured");
        expect(response.json.error.message).toContain("SESSION_SECRET");
      }
    }
    expect((await viaWorker("/v1/me", { SESSION_SECRET: undefined })).status).toBe(200);
  });
});
