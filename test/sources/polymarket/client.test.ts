import { describe, expect, it } from "vitest";
import { UpstreamError, type Fetcher } from "../../../src/sources/http";
import { PolymarketClient } from "../../../src/sources/polymarket/client";
import { FULL_WEEK_GAMES, gammaFirstTdSlug, gammaFullWeekPages } from "../../fixtures/market-sync/full-week";
import page1Json from "../../fixtures/polymarket/gamma_events_keyset_page1.json?raw";
import page2Json from "../../fixtures/polymarket/gamma_events_keyset_page2.json?raw";

const BASE = "https://gamma.test";
const CURSOR_2 = (JSON.parse(page1Json) as { next_cursor: string }).next_cursor;

function fakeGamma(route: (url: URL) => Response) {
  const urls: URL[] = [];
  const fetcher: Fetcher = async (input) => {
    const url = new URL(String(input));
    urls.push(url);
    return route(url);
  };
  return { fetcher, urls };
}

const json = (body: string) => new Response(body, { headers: { "content-type": "application/json" } });

describe("PolymarketClient", () => {
  it("pages through /events/keyset with closed=false on every request", async () => {
    const { fetcher, urls } = fakeGamma((url) => (url.searchParams.get("after_cursor") === CURSOR_2 ? json(page2Json) : json(page1Json)));
    const result = await new PolymarketClient(BASE, { fetcher }).openNflTouchdownEvents();
    expect(result.pages).toBe(2);
    expect(result.incomplete).toBeNull();
    expect(result.events.map((e) => e.slug)).toEqual([
      "nfl-atl-gb-2026-09-25-first-td-scorer",
      "nfl-atl-gb-2026-09-25-player-props",
      "nfl-sf-lar-2026-09-11-first-td-scorer",
    ]);
    expect(urls.map((url) => url.pathname)).toEqual(["/events/keyset", "/events/keyset"]);
    expect(urls.every((url) => url.searchParams.get("closed") === "false")).toBe(true);
    expect(urls.map((url) => url.searchParams.get("after_cursor"))).toEqual([null, CURSOR_2]);
    expect(urls[0]!.searchParams.get("tag_id")).toBe("450");
    expect(urls[0]!.searchParams.has("offset")).toBe(false);
  });

  it("reads the NFL listing served 3 to a page to its end: eleven pages, every game's first-TD event", async () => {
    const pages = gammaFullWeekPages(3);
    const byCursor = new Map(pages.map((page) => [page.cursor, JSON.stringify(page.body)]));
    const { fetcher, urls } = fakeGamma((url) => json(byCursor.get(url.searchParams.get("after_cursor")) ?? "{}"));
    const result = await new PolymarketClient(BASE, { fetcher }).openNflTouchdownEvents();
    expect(pages).toHaveLength(11);
    expect(result.pages).toBe(11);
    expect(result.incomplete).toBeNull();
    expect(result.events.map((e) => e.slug)).toEqual(FULL_WEEK_GAMES.map(gammaFirstTdSlug));
    expect(urls.map((url) => url.searchParams.get("after_cursor"))).toEqual(pages.map((page) => page.cursor));
  });

  it("stops at the page bound and says where", async () => {
    const { fetcher, urls } = fakeGamma(() => json(page1Json));
    const result = await new PolymarketClient(BASE, { fetcher, maxPages: 1 }).openNflTouchdownEvents();
    expect(urls).toHaveLength(1);
    expect(result.incomplete).toEqual({ reason: "page_limit", pagesRead: 1, lastCursor: CURSOR_2, maxPages: 1 });
  });

  it("stops when next_cursor comes back again, and says the listing is incomplete", async () => {
    const looping = JSON.stringify({ ...JSON.parse(page2Json), next_cursor: CURSOR_2 });
    const { fetcher, urls } = fakeGamma((url) => (url.searchParams.get("after_cursor") === CURSOR_2 ? json(looping) : json(page1Json)));
    const result = await new PolymarketClient(BASE, { fetcher }).openNflTouchdownEvents();
    expect(urls).toHaveLength(2);
    expect(result.incomplete).toEqual({ reason: "cursor_repeated", pagesRead: 2, lastCursor: CURSOR_2 });
    expect(result.events).toHaveLength(3);
  });

  it("a later page that fails after its retries, or is not a Gamma page, keeps the pages before it", async () => {
    for (const failing of [() => new Response("down", { status: 502 }), () => json(JSON.stringify({ error: "invalid cursor" }))]) {
      const { fetcher } = fakeGamma((url) => (url.searchParams.get("after_cursor") === CURSOR_2 ? failing() : json(page1Json)));
      const result = await new PolymarketClient(BASE, { fetcher, attempts: 1 }).openNflTouchdownEvents();
      expect(result.pages).toBe(1);
      expect(result.incomplete).toMatchObject({ reason: "page_failed", pagesRead: 1, lastCursor: CURSOR_2, error: expect.any(String) });
      expect(result.events.map((e) => e.slug)).toEqual(["nfl-atl-gb-2026-09-25-first-td-scorer", "nfl-atl-gb-2026-09-25-player-props"]);
    }
  });

  it("a first page that fails is the listing's failure", async () => {
    const { fetcher } = fakeGamma(() => new Response("down", { status: 503 }));
    await expect(new PolymarketClient(BASE, { fetcher, attempts: 1 }).openNflTouchdownEvents()).rejects.toBeInstanceOf(UpstreamError);
  });

  it("fetches one event by slug, and answers null for an unknown slug", async () => {
    const event = (JSON.parse(page1Json) as { events: unknown[] }).events[0];
    const { fetcher, urls } = fakeGamma((url) =>
      url.pathname.endsWith("/nfl-atl-gb-2026-09-25-first-td-scorer") ? json(JSON.stringify(event)) : new Response("{}", { status: 404 }),
    );
    const client = new PolymarketClient(BASE, { fetcher });
    expect((await client.eventBySlug("nfl-atl-gb-2026-09-25-first-td-scorer"))?.eventId).toBe("91001");
    expect(await client.eventBySlug("nfl-atl-gb-2026-10-25-first-td-scorer")).toBeNull();
    expect(urls[0]!.pathname).toBe("/events/slug/nfl-atl-gb-2026-09-25-first-td-scorer");
  });
});
