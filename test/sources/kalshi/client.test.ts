import { describe, expect, it } from "vitest";
import { MAX_LISTING_PAGES } from "../../../src/sources/cursor-listing";
import { UpstreamError, type Fetcher } from "../../../src/sources/http";
import { KalshiClient, kalshiEventsUrl } from "../../../src/sources/kalshi/client";
import { KalshiDriftError } from "../../../src/sources/kalshi/events";
import centsOnlyJson from "../../fixtures/kalshi/firsttd_events_cents_only.json?raw";
import page1Json from "../../fixtures/kalshi/firsttd_events_page1.json?raw";
import page2Json from "../../fixtures/kalshi/firsttd_events_page2.json?raw";
import page3Json from "../../fixtures/kalshi/firsttd_events_page3.json?raw";
import { FULL_WEEK_GAMES, kalshiEventTicker, kalshiFullWeekPages } from "../../fixtures/market-sync/full-week";

const BASE = "https://kalshi.test/trade-api/v2";
const CURSOR_2 = (JSON.parse(page1Json) as { cursor: string }).cursor;
const CURSOR_3 = (JSON.parse(page2Json) as { cursor: string }).cursor;

/** Serves the fixture pages by cursor and records every URL asked for. */
function fakeKalshi(pages: Record<string, string | (() => Response)>) {
  const urls: URL[] = [];
  const fetcher: Fetcher = async (input) => {
    const url = new URL(String(input));
    urls.push(url);
    const page = pages[url.searchParams.get("cursor") ?? ""];
    if (page === undefined) return new Response("no such cursor", { status: 400 });
    if (typeof page === "function") return page();
    return new Response(page, { headers: { "content-type": "application/json" } });
  };
  return { fetcher, urls };
}

describe("KalshiClient.openEvents", () => {
  it("asks for the open first-TD events with nested markets under the configured base path", () => {
    const url = new URL(kalshiEventsUrl(`${BASE}/`, "KXNFLFIRSTTD", null));
    expect(url.origin + url.pathname).toBe("https://kalshi.test/trade-api/v2/events");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      series_ticker: "KXNFLFIRSTTD",
      status: "open",
      with_nested_markets: "true",
      limit: "200",
    });
  });

  it("follows the cursor page by page until Kalshi sends an empty one", async () => {
    const { fetcher, urls } = fakeKalshi({ "": page1Json, [CURSOR_2]: page2Json, [CURSOR_3]: page3Json });
    const result = await new KalshiClient(BASE, { fetcher }).openEvents();
    expect(result.pages).toBe(3);
    expect(result.incomplete).toBeNull();
    expect(result.events.map((e) => e.eventTicker)).toEqual([
      "KXNFLFIRSTTD-26SEP10SFLAR",
      "KXNFLFIRSTTD-26SEP13CLEJAC",
      "KXNFLFIRSTTD-26SEP14DENKC",
    ]);
    expect(result.rejected).toHaveLength(1);
    expect(urls.map((url) => url.searchParams.get("cursor"))).toEqual([null, CURSOR_2, CURSOR_3]);
    expect(urls.every((url) => url.searchParams.get("series_ticker") === "KXNFLFIRSTTD")).toBe(true);
  });

  it("reads a week of 16 events served 3 to a page to its end: six pages, every event", async () => {
    const pages = kalshiFullWeekPages(3);
    const { fetcher, urls } = fakeKalshi(Object.fromEntries(pages.map((page) => [page.cursor ?? "", JSON.stringify(page.body)])));
    const result = await new KalshiClient(BASE, { fetcher }).openEvents();
    expect(result.pages).toBe(6);
    expect(result.incomplete).toBeNull();
    expect(result.events.map((e) => e.eventTicker)).toEqual(FULL_WEEK_GAMES.map(kalshiEventTicker));
    expect(result.events.every((e) => e.markets.length === 18)).toBe(true);
    expect(urls.map((url) => url.searchParams.get("cursor"))).toEqual(pages.map((page) => page.cursor));
  });

  it("stops at the page bound, keeps what it read and says where it stopped", async () => {
    const { fetcher, urls } = fakeKalshi({ "": page1Json, [CURSOR_2]: page2Json, [CURSOR_3]: page3Json });
    const result = await new KalshiClient(BASE, { fetcher, maxPages: 2 }).openEvents();
    expect(result.pages).toBe(2);
    expect(result.incomplete).toEqual({ reason: "page_limit", pagesRead: 2, lastCursor: CURSOR_3, maxPages: 2 });
    expect(result.events).toHaveLength(2);
    expect(urls).toHaveLength(2);
  });

  it("bounds a cursor that never ends at MAX_LISTING_PAGES (100) by default", async () => {
    let served = 0;
    const page = JSON.parse(page1Json);
    const fetcher: Fetcher = async () => new Response(JSON.stringify({ ...page, cursor: `next-${++served}` }), { headers: { "content-type": "application/json" } });
    const result = await new KalshiClient(BASE, { fetcher }).openEvents();
    expect(MAX_LISTING_PAGES).toBe(100);
    expect(served).toBe(100);
    expect(result.incomplete).toEqual({ reason: "page_limit", pagesRead: 100, lastCursor: "next-100", maxPages: 100 });
    expect(result.events).toHaveLength(1);
  });

  it("stops when a cursor comes back again, keeping each event once, and says the listing is incomplete", async () => {
    const looping = JSON.stringify({ ...JSON.parse(page2Json), cursor: CURSOR_2 });
    const { fetcher, urls } = fakeKalshi({ "": page1Json, [CURSOR_2]: looping });
    const result = await new KalshiClient(BASE, { fetcher }).openEvents();
    expect(urls).toHaveLength(2);
    expect(result.incomplete).toEqual({ reason: "cursor_repeated", pagesRead: 2, lastCursor: CURSOR_2 });
    expect(result.events.map((e) => e.eventTicker)).toEqual(["KXNFLFIRSTTD-26SEP10SFLAR", "KXNFLFIRSTTD-26SEP13CLEJAC"]);
  });

  it("a later page that fails after its retries: the pages before it are kept, the listing names the page", async () => {
    const { fetcher, urls } = fakeKalshi({ "": page1Json, [CURSOR_2]: page2Json, [CURSOR_3]: () => new Response("down", { status: 503 }) });
    const result = await new KalshiClient(BASE, { fetcher, attempts: 2, backoffMs: 1 }).openEvents();
    expect(urls.map((url) => url.searchParams.get("cursor"))).toEqual([null, CURSOR_2, CURSOR_3, CURSOR_3]);
    expect(result.pages).toBe(2);
    expect(result.incomplete).toEqual({ reason: "page_failed", pagesRead: 2, lastCursor: CURSOR_3, error: expect.stringMatching(/Upstream answered 503/) });
    expect(result.events.map((e) => e.eventTicker)).toEqual(["KXNFLFIRSTTD-26SEP10SFLAR", "KXNFLFIRSTTD-26SEP13CLEJAC"]);
  });

  it("a first page that fails is the listing's failure: nothing was read", async () => {
    const { fetcher } = fakeKalshi({ "": () => new Response("down", { status: 503 }) });
    await expect(new KalshiClient(BASE, { fetcher, attempts: 1 }).openEvents()).rejects.toBeInstanceOf(UpstreamError);
  });

  it("retries a 429 with Retry-After, then reads the page", async () => {
    let calls = 0;
    const { fetcher } = fakeKalshi({
      "": () => {
        calls += 1;
        return calls === 1
          ? new Response("slow down", { status: 429, headers: { "retry-after": "0" } })
          : new Response(page3Json, { headers: { "content-type": "application/json" } });
      },
    });
    const result = await new KalshiClient(BASE, { fetcher, backoffMs: 1 }).openEvents();
    expect(calls).toBe(2);
    expect(result.events).toHaveLength(1);
  });

  it("aborts the whole listing on drift in any page", async () => {
    const driftCursor = "drift";
    const firstPage = JSON.stringify({ ...JSON.parse(page1Json), cursor: driftCursor });
    const { fetcher } = fakeKalshi({ "": firstPage, [driftCursor]: centsOnlyJson });
    await expect(new KalshiClient(BASE, { fetcher }).openEvents()).rejects.toBeInstanceOf(KalshiDriftError);
  });
});
