/**
 * The round-trip rule (issue 15, src/db/client.ts): a user-facing request makes at most one D1 read round trip and at
 * most one write round trip, its authentication included. Each request goes to the production Worker with a D1 binding
 * that counts its calls (test/helpers/d1-calls.ts); work left to waitUntil counts too.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, api, createUserWithToken, makePick, minutesAgo, seedMarketOdds, seedMatchup, seedTeams } from "../helpers/api";
import { isWrite, requestCounted, type D1Call } from "../helpers/d1-calls";
import { signInAs } from "../helpers/web-session";

let nextSeason = 2060;

async function scene() {
  const season = nextSeason++;
  const teams = await seedTeams(season, ["KC", "BUF"]);
  const game = await seedMatchup(season, 1, "KC", "BUF");
  const user = await createUserWithToken();
  // The token's first use is written once (last_used_at, every 5 minutes at most): out of the way of the counts.
  await api("/v1/me", { token: user.token });
  return { season, teams, game, user };
}

function summary(calls: D1Call[]) {
  return { reads: calls.filter((call) => !isWrite(call)).length, writes: calls.filter(isWrite).length };
}

describe("one read round trip, one write round trip", () => {
  it("POST /v1/picks: one read (authentication, game, player, price) and one write (week, pick, the pick read back)", async () => {
    const { teams, game, user } = await scene();
    await seedMarketOdds([{ gameId: game, playerId: teams.KC!.WR, playerName: "x", impliedProbability: 0.1, americanOdds: 900, snapshotTime: minutesAgo(5) }]);
    const made = await requestCounted("/v1/picks", { method: "POST", token: user.token, body: { gameId: game, playerId: teams.KC!.WR } });
    expect(made.status).toBe(201);
    expect(made.json).toMatchObject({ playerId: teams.KC!.WR, position: "WR", americanOdds: 900 });
    expect(made.calls.map((call) => call.kind)).toEqual(["batch", "batch"]);
    expect(summary(made.calls)).toEqual({ reads: 1, writes: 1 });
    // The token's lookup is in the read, not a round trip of its own.
    expect(made.calls[0]!.sql.some((text) => text.includes("api_tokens"))).toBe(true);
  });

  it("PATCH and DELETE /v1/picks/{id}: one read (token, pick, game, player, price) and one write each", async () => {
    const { teams, game, user } = await scene();
    const pick = await makePick(user, game, teams.KC!.WR);
    const changed = await requestCounted(`/v1/picks/${pick.id}`, { method: "PATCH", token: user.token, body: { playerId: teams.KC!.RB } });
    expect(changed.status).toBe(200);
    expect(changed.json).toMatchObject({ id: pick.id, playerId: teams.KC!.RB, position: "RB" });
    expect(changed.calls.map((call) => call.kind)).toEqual(["batch", "batch"]);
    expect(summary(changed.calls)).toEqual({ reads: 1, writes: 1 });
    const same = await requestCounted(`/v1/picks/${pick.id}`, { method: "PATCH", token: user.token, body: { playerId: teams.KC!.RB } });
    expect(same.status).toBe(200);
    expect(summary(same.calls)).toEqual({ reads: 1, writes: 0 });
    const other = await createUserWithToken();
    const forbidden = await requestCounted(`/v1/picks/${pick.id}`, { method: "DELETE", token: other.token });
    expect(forbidden.status).toBe(403);
    const deleted = await requestCounted(`/v1/picks/${pick.id}`, { method: "DELETE", token: user.token });
    expect(deleted.status).toBe(204);
    expect(summary(deleted.calls)).toEqual({ reads: 1, writes: 1 });
  });

  it("a refused pick (locked, unknown player) still makes one read and no write", async () => {
    const { game, user } = await scene();
    const refused = await requestCounted("/v1/picks", { method: "POST", token: user.token, body: { gameId: game, playerId: "00-nobody" } });
    expect(refused.status).toBe(404);
    expect(summary(refused.calls)).toEqual({ reads: 1, writes: 0 });
  });

  it.each([
    ["the season board with my rank", (s: number) => `/v1/leaderboards/${s}?limit=50`],
    ["the week board with my rank, by units", (s: number) => `/v1/leaderboards/${s}/weeks/1?sort=units&limit=50`],
    ["a game with its markets", (_s: number, game: string) => `/v1/games/${game}`],
    ["player stats by position", (s: number) => `/v1/player-stats?season=${s}&position=WR&limit=50`],
    ["my picks", (s: number) => `/v1/me/picks?season=${s}`],
    ["the players of a team", (s: number) => `/v1/players?season=${s}&team=KC&limit=50`],
    ["the week's games", (s: number) => `/v1/games?season=${s}&week=1`],
    ["a player with rosters, stats and upcoming prices", (s: number) => `/v1/players/${s}-KC-WR`],
    ["a game's markets", (_s: number, game: string) => `/v1/games/${game}/markets`],
    ["me", () => "/v1/me"],
    ["my tokens", () => "/v1/me/tokens"],
    ["my sessions", () => "/v1/me/sessions"],
    ["my passkeys", () => "/v1/me/passkeys"],
    ["my notification settings", () => "/v1/me/notifications"],
    ["my leagues", () => "/v1/leagues"],
  ])("GET %s: one call, the token's check in it", async (_name, path) => {
    const { season, teams, game, user } = await scene();
    await makePick(user, game, teams.KC!.RB);
    const read = await requestCounted(path(season, game), { token: user.token });
    expect(read.status).toBe(200);
    expect(read.calls).toHaveLength(1);
    expect(read.calls[0]!.kind).toBe("batch");
    expect(read.calls[0]!.sql.some((text) => text.includes("api_tokens"))).toBe(true);
  });

  it("a league's board: one call, its shape guessed (small, whatever its ranking) or as this location last saw it", async () => {
    const { season, teams, game, user } = await scene();
    await makePick(user, game, teams.KC!.RB);
    const made = await api("/v1/leagues", { method: "POST", token: user.token, body: { name: `Round trips ${season}` } });
    expect(made.status).toBe(201);
    const path = `/v1/leagues/${made.json.id}/leaderboards/${season}?limit=10`;
    // A small league's first visit: the league (and the token's check) and its members' standings, in one call.
    const first = await requestCounted(path, { token: user.token });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ ranking: "wins", me: { userId: user.id, rank: 1 } });
    expect(first.calls).toHaveLength(1);
    expect(first.calls[0]!.sql.some((text) => text.includes("api_tokens"))).toBe(true);
    // Another ranking reads the same rows: still one call, ranked the league's way.
    const ranked = await api(`/v1/leagues/${made.json.id}`, { method: "PATCH", token: user.token, body: { ranking: "units" } });
    expect(ranked.status).toBe(200);
    const units = await requestCounted(path, { token: user.token });
    expect(units.json).toMatchObject({ ranking: "units", tiebreak: "wins", me: { userId: user.id } });
    expect(units.calls).toHaveLength(1);
    // A mirrored board (a league that reached 50 members): the guess is caught by the league's row, the board read in
    // a second call, the shape kept; then one call.
    await env.DB.prepare("UPDATE leagues SET board_materialized = 1 WHERE id = ?").bind(made.json.id).run();
    const mirrored = await requestCounted(path, { token: user.token });
    expect(mirrored.json).toEqual(units.json);
    expect(mirrored.calls).toHaveLength(2);
    expect((await requestCounted(path, { token: user.token })).calls).toHaveLength(1);
    // Its ranking changed: caught again, once.
    await api(`/v1/leagues/${made.json.id}`, { method: "PATCH", token: user.token, body: { ranking: "wins" } });
    const back = await requestCounted(path, { token: user.token });
    expect(back.json).toEqual(first.json);
    expect(back.calls).toHaveLength(2);
    expect((await requestCounted(path, { token: user.token })).calls).toHaveLength(1);
    // A stranger is refused, whatever the guess.
    const stranger = await createUserWithToken();
    const refused = await requestCounted(path, { token: stranger.token });
    expect(refused.status).toBe(403);
    expect(refused.json.me).toBeUndefined();
  });

  it("a league, its members, invites, webhook and picks in a game: one call each, the reader's check in it", async () => {
    const { season, teams, game, user } = await scene();
    await makePick(user, game, teams.KC!.RB);
    const made = await api("/v1/leagues", { method: "POST", token: user.token, body: { name: `Reads ${season}` } });
    const id = made.json.id;
    for (const path of [`/v1/leagues/${id}`, `/v1/leagues/${id}/members`, `/v1/leagues/${id}/invites`, `/v1/leagues/${id}/webhook`, `/v1/leagues/${id}/games/${game}/picks`]) {
      const read = await requestCounted(path, { token: user.token });
      expect(read.status, path).toBe(200);
      expect(read.calls, path).toHaveLength(1);
      expect(read.calls[0]!.sql.some((text) => text.includes("api_tokens")), path).toBe(true);
    }
    expect((await requestCounted(`/v1/leagues/${id}`, { token: user.token })).json).toMatchObject({ you: { isMember: true, isCommissioner: true } });
    // Another user: refused in the same one call; the operator reads it.
    const stranger = await createUserWithToken();
    const refused = await requestCounted(`/v1/leagues/${id}/members`, { token: stranger.token });
    expect(refused.status).toBe(403);
    // One read (a first use of the token may add its last_used_at write after the answer).
    expect(summary(refused.calls).reads).toBe(1);
    const operator = await requestCounted(`/v1/leagues/${id}`, { token: ADMIN_TOKEN });
    expect(operator.status).toBe(200);
    expect(operator.json.you).toMatchObject({ isMember: false, isCommissioner: false });
  });

  it("a game's picks: one call, refused before kickoff (none of them read) and shown to the operator", async () => {
    const { game, teams, user } = await scene();
    await makePick(user, game, teams.KC!.RB);
    const refused = await requestCounted(`/v1/games/${game}/picks`, { token: user.token });
    expect(refused.status).toBe(403);
    expect(refused.calls).toHaveLength(1);
    const operator = await requestCounted(`/v1/games/${game}/picks`, { token: ADMIN_TOKEN });
    expect(operator.status).toBe(200);
    expect(operator.json.picks).toHaveLength(1);
    expect(operator.calls).toHaveLength(1);
  });

  it("the web app's pages: the session's check, then one read per step that depends on the one before", async () => {
    const { season, teams, game, user } = await scene();
    await makePick(user, game, teams.KC!.RB);
    const league = await api("/v1/leagues", { method: "POST", token: user.token, body: { name: `Pages ${season}` } });
    const session = await signInAs(user.id);
    // The home page: the week (and my leagues), then its games, my picks and my leagues' counts. A game: the game (my
    // pick, my leagues), then its players and each league's picks. A league: the league (the week), then its boards,
    // members and webhook. Me: the week, then everything else. Before reads were gathered: 8, 11, 13 and 12 reads.
    for (const path of ["/", `/games/${game}`, `/leagues/${league.json.id}`, "/me"]) {
      const page = await requestCounted(path, { headers: { cookie: session.cookie } });
      expect(page.status, path).toBe(200);
      expect(summary(page.calls), path).toEqual({ reads: 3, writes: 0 });
    }
  });

  it("my rank is the caller's, read in the same call as the page", async () => {
    const { season, teams, game, user } = await scene();
    await makePick(user, game, teams.KC!.RB);
    const board = await requestCounted(`/v1/leaderboards/${season}?limit=5`, { token: user.token });
    expect(board.json.me).toMatchObject({ userId: user.id, picks: 1, rank: 1 });
    expect(board.calls).toHaveLength(1);
  });

  it("a bad token on a route whose authentication rides in its read is 401, ahead of a validation error", async () => {
    const bad = await requestCounted("/v1/picks", { method: "POST", token: "ftd_not-a-token", body: { gameId: 7 } });
    expect(bad.status).toBe(401);
    expect(bad.json.error.code).toBe("unauthorized");
    const badRead = await requestCounted("/v1/leaderboards/2025?limit=5", { token: "ftd_not-a-token" });
    expect(badRead.status).toBe(401);
    expect(badRead.json.me).toBeUndefined();
  });
});
