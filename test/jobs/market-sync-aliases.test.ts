/**
 * The market sync with nflverse's alias list in player_name_aliases (roster-sync keeps it): a leg spelled another
 * way than the roster maps to the roster's player, and is stored under the roster's name. The week of
 * market-sync-support.ts, with Davante Adams (LA) spelled 'Tae Adams' in our roster and a made-up link between the
 * two spellings.
 */
import { env } from "cloudflare:test";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GAMES, loggedRun, P, rows, runSync, seedWeek, Upstreams } from "./market-sync-support";

const upstreams = new Upstreams();
const ADAMS_MARKET = "KXNFLFIRSTTD-26SEP10SFLAR-LARDADAMS17";

const adamsRows = (bucket: string) =>
  rows("SELECT player_id, player_name, team FROM market_odds WHERE market_id = ? AND snapshot_time = ?", ADAMS_MARKET, bucket);

beforeAll(async () => {
  upstreams.install();
  await seedWeek();
  await env.DB.batch([
    env.DB.prepare("UPDATE players SET full_name = 'Tae Adams', name_key = 'tae adams' WHERE id = ?").bind(P.adams),
    env.DB.prepare("UPDATE rosters SET player_name = 'Tae Adams' WHERE player_id = ?").bind(P.adams),
  ]);
});
afterAll(() => upstreams.restore());
beforeEach(() => upstreams.reset());
afterEach(() => expect(upstreams.unrouted).toEqual([]));

describe("market-sync and player name aliases", () => {
  it("without a link, the market's 'Davante Adams' fits nobody on the roster", async () => {
    upstreams.week();
    const report = await runSync("2026-09-10T12:03:00Z");
    const logged = await loggedRun(report.runId);
    expect(logged).toMatchObject({ status: "ok", inserted_count: 26 });
    expect(logged.details).toMatchObject({ mapped: 26, mappedByAlias: 0, unmappedByReason: { no_player: 3 } });
    expect(logged.details.unmappedSample).toContainEqual(expect.objectContaining({ marketId: ADAMS_MARKET, gameId: GAMES.sfLa.id, reason: "no_player: no 'Davante Adams' on LA (#17)" }));
    expect(await adamsRows("2026-09-10T12:00:00Z")).toEqual([]);
  });

  it("with the link, it maps to the roster's Tae Adams, stored under the roster's name", async () => {
    await env.DB.prepare(
      "INSERT INTO player_name_aliases (alias_key, canonical_key, alias_name, canonical_name, updated_at) VALUES ('tae adams', 'davante adams', 'Tae Adams', 'Davante Adams', '2026-09-01T09:00:00Z')",
    ).run();
    upstreams.week();
    const report = await runSync("2026-09-10T12:33:00Z");
    const logged = await loggedRun(report.runId);
    expect(logged).toMatchObject({ status: "ok", inserted_count: 27 });
    expect(logged.details).toMatchObject({ mapped: 27, mappedByAlias: 1, unmappedByReason: { no_player: 2 } });
    expect(await adamsRows("2026-09-10T12:30:00Z")).toEqual([{ player_id: P.adams, player_name: "Tae Adams", team: "LA" }]);
  });
});
