/**
 * The market sync reads each venue's listing to its end, however small the pages an upstream serves, and never takes
 * part of a listing for the whole: a listing stopped by the page bound, by a cursor that comes back or by a later page
 * that fails after its retries lands what it read and makes the run partial, with the reason, the pages read and the
 * cursor not followed in details.listingIncomplete.
 *
 * The week (test/fixtures/market-sync/full-week.ts): 16 games, each with 18 first-TD markets at Kalshi and at
 * Polymarket. Kalshi serves its 16 events 3 to a page (6 pages); Gamma's NFL listing, a game event and a first-TD
 * event per game then futures, 3 to a page (11 pages). The other venue answers one empty page.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { marketSync } from "../../src/jobs/market-sync";
import { JOBS } from "../../src/jobs/registry";
import {
  FULL_WEEK_GAMES,
  FULL_WEEK_ROSTER,
  FULL_WEEK_TEAMS,
  gammaFullWeekPages,
  kalshiFullWeekPages,
  MARKETS_PER_GAME,
  type Page,
} from "../fixtures/market-sync/full-week";
import { seedDefenseRosters, seedGame, seedPlayers } from "../helpers/api";
import { FAST, loggedRun, rows, runSync, urls } from "./market-sync-support";
import { FakeUpstream, json, status, type Reply } from "./support/upstream";

const upstream = new FakeUpstream();
const KALSHI_PAGES = kalshiFullWeekPages(3);
const GAMMA_PAGES = gammaFullWeekPages(3);
const ALL_GAMES = FULL_WEEK_GAMES.map((g) => g.id).sort();

/** Each page of a venue at the URL the job asks for it with; `replace` answers some pages otherwise (by index). */
function serve(venue: "kalshi" | "gamma", pages: Page[], replace: Record<number, Reply> = {}) {
  pages.forEach((page, index) => upstream.on(urls[venue](page.cursor ?? undefined), replace[index] ?? json(page.body)));
}
const emptyKalshi = () => upstream.on(urls.kalshi(), json({ cursor: "", events: [] }));
const emptyGamma = () => upstream.on(urls.gamma(), json({ events: [] }));

const kalshiCalls = () => upstream.calls.filter((c) => c.url.startsWith(urls.kalshi().split("?")[0]!)).map((c) => c.url);
const gammaCalls = () => upstream.calls.filter((c) => c.url.startsWith(urls.gamma().split("?")[0]!)).map((c) => c.url);

/** The games that got first-TD snapshots from `source` in the bucket, each with its number of markets. */
async function snapshotted(source: string, bucket: string): Promise<Record<string, number>> {
  const found = await rows<{ game_id: string; n: number }>(
    `SELECT game_id, count(*) AS n FROM market_odds WHERE source = ? AND kind = 'first_td' AND snapshot_time = ? GROUP BY game_id ORDER BY game_id`,
    source,
    bucket,
  );
  return Object.fromEntries(found.map((r) => [r.game_id, r.n]));
}
/** The first `count` games of the week, as a map game -> 18 markets. */
const fullGames = (games: string[]) => Object.fromEntries(games.sort().map((id) => [id, MARKETS_PER_GAME]));
const firstGames = (count: number) => FULL_WEEK_GAMES.slice(0, count).map((g) => g.id);

let bound: MockInstance | null = null;
/** The market-sync job as the runner runs it, with its listing page bound lowered. */
function lowerPageBound(maxListingPages: number) {
  bound = vi.spyOn(JOBS, "market-sync").mockImplementation((ctx) => marketSync(ctx, { maxListingPages }));
}

let warnings: MockInstance<typeof console.warn>;
const listingWarnings = () =>
  warnings.mock.calls.map((call) => String(call[0])).filter((line) => line.includes('"msg":"listing incomplete"')).map((line) => JSON.parse(line));

beforeAll(async () => {
  upstream.install();
  for (const game of FULL_WEEK_GAMES) {
    await seedGame({ id: game.id, season: game.season, week: game.week, home: game.home, away: game.away, kickoffAt: game.kickoffAt });
  }
  await seedPlayers(2026, FULL_WEEK_ROSTER);
  await seedDefenseRosters(2026, FULL_WEEK_TEAMS);
});
afterAll(() => upstream.restore());
beforeEach(() => {
  upstream.reset();
  warnings = vi.spyOn(console, "warn");
});
afterEach(() => {
  bound?.mockRestore();
  bound = null;
  warnings.mockRestore();
  expect(upstream.unrouted).toEqual([]);
});

describe("Kalshi: 16 first-TD events served 3 to a page", () => {
  it("the cursor is followed to its end: six pages, every game mapped with its 18 markets, the run ok", async () => {
    serve("kalshi", KALSHI_PAGES);
    emptyGamma();
    const report = await runSync("2026-09-16T12:00:00Z");
    expect(report.status).toBe("ok");
    expect(kalshiCalls()).toHaveLength(6);
    expect(await snapshotted("kalshi", "2026-09-16T12:00:00Z")).toEqual(fullGames(ALL_GAMES));
    expect(await rows("SELECT * FROM market_unmapped WHERE source = 'kalshi'")).toEqual([]);
    const logged = await loggedRun(report.runId);
    expect(logged).toMatchObject({ status: "ok", inserted_count: 16 * MARKETS_PER_GAME, rejected_count: 0 });
    expect(logged.details).toMatchObject({ listingIncomplete: [], listingPages: { kalshi: 6, polymarket: 1 }, venueErrors: [] });
    expect(listingWarnings()).toEqual([]);
  });

  it("the page bound hit (lowered to 4): partial with the reason, the pages read land, the bound is logged", async () => {
    lowerPageBound(4);
    serve("kalshi", KALSHI_PAGES);
    emptyGamma();
    const report = await runSync("2026-09-16T12:10:00Z");
    expect(report.status).toBe("partial");
    expect(kalshiCalls()).toHaveLength(4);
    // Pages 1-4 hold the first 12 games; the last four are left for the next run.
    expect(await snapshotted("kalshi", "2026-09-16T12:10:00Z")).toEqual(fullGames(firstGames(12)));
    const logged = await loggedRun(report.runId);
    expect(logged).toMatchObject({ status: "partial", rejected_count: 0, inserted_count: 12 * MARKETS_PER_GAME });
    const incomplete = { source: "kalshi", reason: "page_limit", pagesRead: 4, lastCursor: KALSHI_PAGES[4]!.cursor, maxPages: 4 };
    expect(logged.details.listingIncomplete).toEqual([incomplete]);
    expect(logged.details.venueErrors).toEqual([]);
    expect(listingWarnings()).toEqual([{ job: "market-sync", msg: "listing incomplete", ...incomplete }]);
  });

  it("a cursor that comes back: the listing stops there instead of looping, partial, what was read lands", async () => {
    // Page 3 points back at page 2.
    const looping = { ...KALSHI_PAGES[2]!.body, cursor: KALSHI_PAGES[1]!.cursor };
    serve("kalshi", KALSHI_PAGES, { 2: json(looping) });
    emptyGamma();
    const report = await runSync("2026-09-16T12:20:00Z");
    expect(report.status).toBe("partial");
    expect(kalshiCalls()).toEqual(KALSHI_PAGES.slice(0, 3).map((p) => urls.kalshi(p.cursor ?? undefined)));
    expect(await snapshotted("kalshi", "2026-09-16T12:20:00Z")).toEqual(fullGames(firstGames(9)));
    expect((await loggedRun(report.runId)).details.listingIncomplete).toEqual([
      { source: "kalshi", reason: "cursor_repeated", pagesRead: 3, lastCursor: KALSHI_PAGES[1]!.cursor },
    ]);
    expect(listingWarnings()).toHaveLength(1);
  });

  it("a later page failing after its retries: partial, names the page and the error, the pages before it land", async () => {
    serve("kalshi", KALSHI_PAGES, { 3: status(503) });
    emptyGamma();
    const report = await runSync("2026-09-16T12:30:00Z");
    expect(report.status).toBe("partial");
    expect(upstream.callsTo(urls.kalshi(KALSHI_PAGES[3]!.cursor!))).toHaveLength(FAST.attempts!);
    expect(kalshiCalls()).toHaveLength(3 + FAST.attempts!);
    expect(await snapshotted("kalshi", "2026-09-16T12:30:00Z")).toEqual(fullGames(firstGames(9)));
    const logged = await loggedRun(report.runId);
    // Not a venue failure: Kalshi answered, only its listing is incomplete.
    expect(logged).toMatchObject({ status: "partial", rejected_count: 0, error: null });
    expect(logged.details.venueErrors).toEqual([]);
    expect(logged.details.listingIncomplete).toEqual([
      { source: "kalshi", reason: "page_failed", pagesRead: 3, lastCursor: KALSHI_PAGES[3]!.cursor, error: expect.stringMatching(/Upstream answered 503/) },
    ]);
  });
});

describe("Polymarket: the NFL keyset listing (a game event and a first-TD event per game, then futures) served 3 to a page", () => {
  it("next_cursor is followed to its end: eleven pages, every game mapped with its 18 markets, the run ok", async () => {
    emptyKalshi();
    serve("gamma", GAMMA_PAGES);
    const report = await runSync("2026-09-16T13:00:00Z");
    expect(report.status).toBe("ok");
    expect(GAMMA_PAGES).toHaveLength(11);
    expect(gammaCalls()).toHaveLength(11);
    expect(await snapshotted("polymarket", "2026-09-16T13:00:00Z")).toEqual(fullGames(ALL_GAMES));
    expect(await rows("SELECT * FROM market_unmapped WHERE source = 'polymarket'")).toEqual([]);
    const logged = await loggedRun(report.runId);
    expect(logged).toMatchObject({ status: "ok", inserted_count: 16 * MARKETS_PER_GAME });
    expect(logged.details).toMatchObject({ listingIncomplete: [], listingPages: { kalshi: 1, polymarket: 11 } });
  });

  it("the page bound hit (lowered to 4): partial with the reason, the pages read land, the bound is logged", async () => {
    lowerPageBound(4);
    emptyKalshi();
    serve("gamma", GAMMA_PAGES);
    const report = await runSync("2026-09-16T13:10:00Z");
    expect(report.status).toBe("partial");
    expect(gammaCalls()).toHaveLength(4);
    // 12 events read: the game and first-TD events of the first 6 games.
    expect(await snapshotted("polymarket", "2026-09-16T13:10:00Z")).toEqual(fullGames(firstGames(6)));
    const incomplete = { source: "polymarket", reason: "page_limit", pagesRead: 4, lastCursor: GAMMA_PAGES[4]!.cursor, maxPages: 4 };
    expect((await loggedRun(report.runId)).details.listingIncomplete).toEqual([incomplete]);
    expect(listingWarnings()).toEqual([{ job: "market-sync", msg: "listing incomplete", ...incomplete }]);
  });

  it("a next_cursor that comes back: the listing stops there instead of looping, partial, what was read lands", async () => {
    const looping = { ...GAMMA_PAGES[4]!.body, next_cursor: GAMMA_PAGES[1]!.cursor };
    emptyKalshi();
    serve("gamma", GAMMA_PAGES, { 4: json(looping) });
    const report = await runSync("2026-09-16T13:20:00Z");
    expect(report.status).toBe("partial");
    expect(gammaCalls()).toHaveLength(5);
    // 15 events read: the first-TD events of the first 7 games (the 8th game's is the 16th event).
    expect(await snapshotted("polymarket", "2026-09-16T13:20:00Z")).toEqual(fullGames(firstGames(7)));
    expect((await loggedRun(report.runId)).details.listingIncomplete).toEqual([
      { source: "polymarket", reason: "cursor_repeated", pagesRead: 5, lastCursor: GAMMA_PAGES[1]!.cursor },
    ]);
  });

  it("a later page failing after its retries: partial, names the page and the error, the pages before it land", async () => {
    emptyKalshi();
    serve("gamma", GAMMA_PAGES, { 5: status(502) });
    const report = await runSync("2026-09-16T13:30:00Z");
    expect(report.status).toBe("partial");
    expect(upstream.callsTo(urls.gamma(GAMMA_PAGES[5]!.cursor!))).toHaveLength(FAST.attempts!);
    expect(await snapshotted("polymarket", "2026-09-16T13:30:00Z")).toEqual(fullGames(firstGames(7)));
    const logged = await loggedRun(report.runId);
    expect(logged).toMatchObject({ status: "partial", rejected_count: 0, error: null });
    expect(logged.details.venueErrors).toEqual([]);
    expect(logged.details.listingIncomplete).toEqual([
      { source: "polymarket", reason: "page_failed", pagesRead: 5, lastCursor: GAMMA_PAGES[5]!.cursor, error: expect.stringMatching(/Upstream answered 502/) },
    ]);
  });
});
