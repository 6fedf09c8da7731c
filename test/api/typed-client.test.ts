import { SELF } from "cloudflare:test";
import { hc } from "hono/client";
import { describe, expect, it } from "vitest";
import type { App } from "../../src/app";
import { ADMIN_TOKEN, createUserWithToken, seedDefenseRosters, seedMatchup } from "../helpers/api";

/** The README's typed client: `hc<App>` gets typed routes, inputs and outputs from the exported app type. */
describe("typed client (hc<App>)", () => {
  const client = (token: string) =>
    hc<App>("http://localhost", { fetch: (input: RequestInfo | URL, init?: RequestInit) => SELF.fetch(input, init), headers: { authorization: `Bearer ${token}` } });

  it("calls routes with typed inputs and reads typed outputs", async () => {
    const gameId = await seedMatchup(2031, 1, "KC", "DAL");
    await seedDefenseRosters(2031, ["KC", "DAL"]);
    const user = await createUserWithToken("typed-client-user");

    const me = await client(ADMIN_TOKEN).v1.me.$get();
    expect(me.status).toBe(200);
    if (me.status === 200) expect((await me.json()).via).toBe("admin_token");

    const created = await client(user.token).v1.picks.$post({ json: { gameId, playerId: "DEF-KC" } });
    expect(created.status).toBe(201);
    if (created.status === 201) {
      const pick = await created.json();
      expect(pick.position).toBe("DEF");
      expect(pick.gameId).toBe(gameId);
    }

    const board = await client(user.token).v1.leaderboards[":season"].$get({ param: { season: "2031" }, query: { sort: "wins" } });
    expect(board.status).toBe(200);
  });

  it("a league: made (createLeague), then its board read (getLeagueSeasonLeaderboard), typed both ways", async () => {
    const commissioner = await createUserWithToken("typed-client-commissioner");
    const made = await client(commissioner.token).v1.leagues.$post({ json: { name: "Typed Crew", ranking: "units" } });
    expect(made.status).toBe(201);
    if (made.status !== 201) return;
    const league = await made.json();
    // Typed: the league's fields, and its invite (null for a reader who may not invite) narrowed before use.
    const link: string | null = league.invite === null ? null : league.invite.url;
    expect([league.name, league.ranking, league.you.isCommissioner, typeof link]).toEqual(["Typed Crew", "units", true, "string"]);

    const board = await client(commissioner.token).v1.leagues[":id"].leaderboards[":season"].$get({
      param: { id: String(league.id), season: "2031" },
      query: { limit: "10" },
    });
    expect(board.status).toBe(200);
    if (board.status !== 200) return;
    const page = await board.json();
    const me: number | null = page.me === null ? null : page.me.rank;
    expect([page.leagueId, page.ranking, page.entries, me]).toEqual([league.id, "units", [], null]);

    // An error keeps its envelope's type: 403 for a user who is no member.
    const outsider = await createUserWithToken("typed-client-outsider");
    const refused = await client(outsider.token).v1.leagues[":id"].$get({ param: { id: String(league.id) } });
    expect(refused.status).toBe(403);
    if (refused.status === 403) expect((await refused.json()).error.code).toBe("forbidden");
  });
});
