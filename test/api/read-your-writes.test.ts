/**
 * Read replicas (D1 Sessions API, src/db/client.ts): every answer that went to the database carries the session's
 * latest bookmark in x-d1-bookmark; a request that sends it back starts its session there, so it reads at least what
 * that answer had written, from whichever replica. Locally there is one database (Miniflare keeps real bookmarks but
 * no replicas): these tests prove the contract of the header, and the reads made from it.
 */
import { describe, expect, it } from "vitest";
import { api, createUserWithToken, seedMatchup, seedTeams } from "../helpers/api";
import { BOOKMARK_HEADER, validBookmark } from "../../src/db/client";

let nextSeason = 2070;

describe("x-d1-bookmark", () => {
  it("a pick's answer carries a bookmark; a read sent with it sees the pick", async () => {
    const season = nextSeason++;
    const teams = await seedTeams(season, ["KC", "BUF"]);
    const game = await seedMatchup(season, 1, "KC", "BUF");
    const user = await createUserWithToken();

    const made = await api("/v1/picks", { method: "POST", token: user.token, body: { gameId: game, playerId: teams.KC!.WR } });
    expect(made.status).toBe(201);
    const bookmark = made.headers.get(BOOKMARK_HEADER);
    expect(validBookmark(bookmark)).toBe(bookmark);

    const mine = await api(`/v1/me/picks?season=${season}`, { token: user.token, headers: { [BOOKMARK_HEADER]: bookmark! } });
    expect(mine.status).toBe(200);
    expect(mine.json.picks.map((pick: { id: number }) => pick.id)).toEqual([made.json.id]);
    // The read's own bookmark is at least the write's: bookmarks order as strings.
    const after = mine.headers.get(BOOKMARK_HEADER)!;
    expect(validBookmark(after)).toBe(after);
    expect(after >= bookmark!).toBe(true);

    // A change after the pick moves the bookmark on.
    const changed = await api(`/v1/picks/${made.json.id}`, { method: "PATCH", token: user.token, body: { playerId: teams.KC!.RB }, headers: { [BOOKMARK_HEADER]: after } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get(BOOKMARK_HEADER)! > bookmark!).toBe(true);
    const again = await api(`/v1/picks/${made.json.id}`, { token: user.token, headers: { [BOOKMARK_HEADER]: changed.headers.get(BOOKMARK_HEADER)! } });
    expect(again.json.playerId).toBe(teams.KC!.RB);
  });

  it("reads without a bookmark, and with one that is not a bookmark, answer as always (the header is ignored)", async () => {
    const plain = await api("/v1/leaderboards/2025?limit=1", { token: null, headers: {} });
    expect(plain.status).toBe(401);
    const health = await api("/health", { token: null, headers: { [BOOKMARK_HEADER]: "'; DROP TABLE picks; --" } });
    expect(health.status).toBe(200);
    const user = await createUserWithToken();
    const board = await api("/v1/leaderboards/2025?limit=1", { token: user.token, headers: { [BOOKMARK_HEADER]: "not a bookmark" } });
    expect(board.status).toBe(200);
    expect(validBookmark(board.headers.get(BOOKMARK_HEADER))).not.toBeNull();
  });

  it("CORS lets a browser script read the bookmark", async () => {
    const response = await api("/health", { token: null, headers: { origin: "https://app.example" } });
    expect(response.headers.get("access-control-expose-headers")).toContain(BOOKMARK_HEADER);
  });
});
