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
});
