import { describe, expect, it } from "vitest";
import type { Fetcher } from "../../../src/sources/http";
import { PolymarketClient } from "../../../src/sources/polymarket/client";
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
    expect(result.truncated).toBe(false);
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

  it("stops at the page cap and says so", async () => {
    const { fetcher, urls } = fakeGamma(() => json(page1Json));
    const result = await new PolymarketClient(BASE, { fetcher, maxPages: 1 }).openNflTouchdownEvents();
    expect(urls).toHaveLength(1);
    expect(result.truncated).toBe(true);
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
