import { describe, expect, it } from "vitest";
import {
  PolymarketFormatError,
  parseGammaInstant,
  parseJsonList,
  parseNflSlug,
  parsePolymarketEvents,
  polymarketEventKey,
  polymarketMarketLegs,
  polymarketQuote,
} from "../../../src/sources/polymarket/events";
import page1Json from "../../fixtures/polymarket/gamma_events_keyset_page1.json?raw";
import page2Json from "../../fixtures/polymarket/gamma_events_keyset_page2.json?raw";

const page1 = parsePolymarketEvents(JSON.parse(page1Json));
const page2 = parsePolymarketEvents(JSON.parse(page2Json));

describe("parseNflSlug", () => {
  it("reads away, home, the UTC date and the kind of event", () => {
    expect(parseNflSlug("nfl-atl-gb-2026-09-25-first-td-scorer")).toEqual({
      awayCode: "ATL",
      homeCode: "GB",
      utcDate: "2026-09-25",
      suffix: "first-td-scorer",
    });
    expect(parseNflSlug("nfl-phi-chi-2026-09-29")).toEqual({ awayCode: "PHI", homeCode: "CHI", utcDate: "2026-09-29", suffix: null });
    expect(parseNflSlug("nfl-sf-lar-2026-09-11-player-props")).toMatchObject({ awayCode: "SF", homeCode: "LA" });
    expect(parseNflSlug("nfl-jac-was-2026-10-04")).toMatchObject({ awayCode: "JAX", homeCode: "WAS" });
  });

  it("refuses slugs that are not an NFL game's", () => {
    expect(parseNflSlug("super-bowl-champion-2027")).toBeNull();
    expect(parseNflSlug("nfl-xxx-gb-2026-09-25")).toBeNull();
    expect(parseNflSlug("fifwc-esp-aut-2026-07-02")).toBeNull();
  });
});

describe("parseJsonList and parseGammaInstant", () => {
  it("decodes the JSON strings Gamma sends, and accepts already-decoded arrays", () => {
    expect(parseJsonList('["Yes","No"]')).toEqual(["Yes", "No"]);
    expect(parseJsonList('["0.18","0.82"]')).toEqual(["0.18", "0.82"]);
    expect(parseJsonList(["Yes", "No"])).toEqual(["Yes", "No"]);
    expect(parseJsonList("[0.06, oops")).toBeNull();
    expect(parseJsonList('{"a":1}')).toBeNull();
    expect(parseJsonList(null)).toBeNull();
  });

  it("reads gameStartTime's 'YYYY-MM-DD HH:MM:SS+00' as a UTC instant", () => {
    expect(parseGammaInstant("2026-09-25 00:15:00+00")).toBe("2026-09-25T00:15:00Z");
    expect(parseGammaInstant("2026-09-25T00:15:00Z")).toBe("2026-09-25T00:15:00Z");
    expect(parseGammaInstant("2026-09-25 00:15:00")).toBeNull();
  });
});

describe("parsePolymarketEvents", () => {
  it("keeps the NFL events with open TD markets and says why the others were left out", () => {
    expect(page1.events.map((e) => e.slug)).toEqual([
      "nfl-atl-gb-2026-09-25-first-td-scorer",
      "nfl-atl-gb-2026-09-25-player-props",
    ]);
    expect(page1.nextCursor).toBe("eyJpZCI6OTEwMDN9");
    expect(page1.skipped).toEqual([
      { slug: "nfl-atl-gb-2026-09-25-first-td-scorer", marketId: "3100107", reason: "closed" },
      { slug: "nfl-atl-gb-2026-09-25-first-td-scorer", marketId: "3100108", reason: "outcomes/outcomePrices unreadable" },
      { slug: "nfl-atl-gb-2026-09-25", reason: "no open touchdown market" },
      { slug: "super-bowl-champion-2027", reason: "not an NFL game slug" },
    ]);
  });

  it("reads a first-TD market: the Yes price from the JSON-string outcomePrices, the Yes token id, the book", () => {
    const event = page1.events[0]!;
    expect(event).toMatchObject({
      eventId: "91001",
      awayCode: "ATL",
      homeCode: "GB",
      utcDate: "2026-09-25",
      startsAt: "2026-09-25T00:15:00Z",
    });
    const bijan = event.markets[0]!;
    expect(bijan).toMatchObject({
      marketId: "3100101",
      kind: "first_td",
      label: "Bijan Robinson",
      yesPrice: 0.18,
      yesBid: 0.17,
      yesAsk: 0.19,
      lastPrice: 0.18,
      volume: 5230.4,
      gameStartTime: "2026-09-25T00:15:00Z",
    });
    const tokens = JSON.parse((JSON.parse(page1Json) as { events: Array<{ markets: Array<{ clobTokenIds: string }> }> }).events[0]!.markets[0]!.clobTokenIds) as string[];
    expect(bijan.yesTokenId).toBe(tokens[0]);
    expect(bijan.noTokenId).toBe(tokens[1]);
    expect(event.markets.map((m) => m.label)).toEqual([
      "Bijan Robinson",
      "Josh Jacobs",
      "Drake London",
      "Kyle Pitts Sr.",
      "Packers D/ST",
      "No Touchdown",
    ]);
  });

  it("reads anytime-TD markets as the secondary kind, named by the question, and ignores other props", () => {
    const props = page1.events[1]!;
    expect(props.markets.map((m) => [m.kind, m.label])).toEqual([
      ["anytime_td", "Bijan Robinson"],
      ["anytime_td", "Josh Jacobs"],
    ]);
  });

  it("accepts decoded arrays in place of JSON strings, and drops closed events", () => {
    expect(page2.nextCursor).toBeNull();
    expect(page2.events).toHaveLength(1);
    expect(page2.events[0]!.markets[1]).toMatchObject({ label: "Puka Nacua", yesPrice: 0.13 });
    expect(page2.skipped).toEqual([{ slug: "nfl-sf-lar-2026-09-11-player-props", reason: "closed" }]);
  });

  it("reads an /events list and a single /events/slug event too", () => {
    const raw = JSON.parse(page1Json) as { events: unknown[] };
    expect(parsePolymarketEvents(raw.events).events).toHaveLength(2);
    const single = parsePolymarketEvents(raw.events[0]);
    expect(single.events.map((e) => e.slug)).toEqual(["nfl-atl-gb-2026-09-25-first-td-scorer"]);
    expect(single.nextCursor).toBeNull();
  });

  it("skips an event whose teams disagree with its slug", () => {
    const raw = JSON.parse(page1Json) as { events: Array<{ teams: Array<{ abbreviation: string }> }> };
    raw.events[0]!.teams[1]!.abbreviation = "chi";
    const parsed = parsePolymarketEvents({ events: [raw.events[0]] });
    expect(parsed.events).toEqual([]);
    expect(parsed.skipped).toContainEqual({ slug: "nfl-atl-gb-2026-09-25-first-td-scorer", reason: "event.teams disagree with the slug" });
  });

  it("throws PolymarketFormatError on a body that holds no events", () => {
    expect(() => parsePolymarketEvents({ type: "validation error", error: "offset is not allowed" })).toThrow(PolymarketFormatError);
    expect(() => parsePolymarketEvents("<html>")).toThrow(PolymarketFormatError);
  });

  it("gives the mapping its key (UTC date and start instant), legs and quotes", () => {
    const event = page1.events[0]!;
    expect(polymarketEventKey(event)).toEqual({
      awayCode: "ATL",
      homeCode: "GB",
      date: "2026-09-25",
      dateZone: "utc",
      startsAt: "2026-09-25T00:15:00Z",
    });
    expect(polymarketMarketLegs(event, "first_td")).toHaveLength(6);
    expect(polymarketMarketLegs(event, "anytime_td")).toHaveLength(0);
    // Gamma gives no sizes: the market's volume stands in for depth.
    expect(polymarketQuote(event.markets[0]!)).toEqual({ yesBid: 0.17, yesAsk: 0.19, lastPrice: 0.18, yesBidSize: null, yesAskSize: null, volume: 5230.4 });
    // No trade at all (lastTradePrice 0, no volume): the quote keeps 0; the price rule finds the book too thin.
    expect(polymarketQuote(event.markets[2]!)).toEqual({ yesBid: 0, yesAsk: 0.08, lastPrice: 0, yesBidSize: null, yesAskSize: null, volume: 0 });
  });
});
