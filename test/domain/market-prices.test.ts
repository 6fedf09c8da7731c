import { describe, expect, it } from "vitest";
import { legPriceOf, NARROW_SPREAD, normalizeGameLegs } from "../../src/domain/market-prices";
import { parseKalshiEventsPage } from "../../src/sources/kalshi/events";
import page1Json from "../fixtures/kalshi/firsttd_events_page1.json?raw";

describe("legPriceOf: the price rule", () => {
  it("uses the mid when both sides are quoted and the spread is narrow (<= 5 cents)", () => {
    expect(NARROW_SPREAD).toBe(0.05);
    expect(legPriceOf({ yesBid: 0.16, yesAsk: 0.18, lastPrice: 0.3 })).toMatchObject({ probability: 0.17, basis: "mid", isUpperBound: false });
    // Exactly five cents is narrow, float noise notwithstanding.
    expect(legPriceOf({ yesBid: 0.06, yesAsk: 0.11, lastPrice: 0 })).toMatchObject({ probability: 0.085, basis: "mid" });
  });

  it("uses the last trade when the spread is wide", () => {
    expect(legPriceOf({ yesBid: 0.05, yesAsk: 0.15, lastPrice: 0.12 })).toMatchObject({ probability: 0.12, basis: "last" });
  });

  it("keeps a stale last trade within the current bid and ask", () => {
    expect(legPriceOf({ yesBid: 0.02, yesAsk: 0.11, lastPrice: 0.2 })).toMatchObject({ probability: 0.11, basis: "last" });
    expect(legPriceOf({ yesBid: 0.08, yesAsk: 0.3, lastPrice: 0.03 })).toMatchObject({ probability: 0.08, basis: "last" });
  });

  it("uses the last trade when the bid is 0 (an empty side), however near the ask", () => {
    expect(legPriceOf({ yesBid: 0, yesAsk: 0.02, lastPrice: 0.02 })).toMatchObject({ probability: 0.02, basis: "last" });
    expect(legPriceOf({ yesBid: 0, yesAsk: 0.07, lastPrice: 0.05 })).toMatchObject({ probability: 0.05, basis: "last" });
  });

  it("falls back to the ask, flagged as an upper bound, with no trade", () => {
    expect(legPriceOf({ yesBid: 0, yesAsk: 0.06, lastPrice: 0 })).toMatchObject({
      probability: 0.06,
      basis: "ask_upper_bound",
      isUpperBound: true,
    });
    // A bid with a wide spread and no trade: still only the ask bounds the chance.
    expect(legPriceOf({ yesBid: 0.07, yesAsk: 0.13, lastPrice: null })).toMatchObject({ probability: 0.13, basis: "ask_upper_bound" });
  });

  it("gives no price, never a zero, when there is no ask and no trade", () => {
    expect(legPriceOf({ yesBid: 0, yesAsk: 1, lastPrice: 0 })).toBeNull();
    expect(legPriceOf({ yesBid: null, yesAsk: null, lastPrice: null })).toBeNull();
  });

  it("derives decimal and American odds from the probability", () => {
    expect(legPriceOf({ yesBid: 0, yesAsk: 0.2, lastPrice: 0.2 })).toMatchObject({ decimalOdds: 5, americanOdds: 400 });
    expect(legPriceOf({ yesBid: 0.59, yesAsk: 0.61, lastPrice: 0 })).toMatchObject({ probability: 0.6, americanOdds: -150 });
    expect(legPriceOf({ yesBid: 0, yesAsk: 0.04, lastPrice: 0 })).toMatchObject({ decimalOdds: 25, americanOdds: 2400 });
  });
});

describe("normalizeGameLegs", () => {
  it("divides each leg by the sum of the game's legs", () => {
    const book = normalizeGameLegs([{ p: 0.6 }, { p: 0.3 }, { p: 0.3 }], (leg) => leg.p);
    expect(book.total).toBe(1.2);
    expect(book.legs.map((leg) => leg.normalizedProbability)).toEqual([0.5, 0.25, 0.25]);
  });

  it("normalizes a real-shaped book of asks that sums above 1", () => {
    const event = parseKalshiEventsPage(JSON.parse(page1Json)).events[0]!;
    const priced = event.markets.map((market) => legPriceOf(market)!);
    const book = normalizeGameLegs(priced, (price) => price.probability);
    expect(book.total).toBeCloseTo(0.17 + 0.12 + 0.14 + 0.05 + 0.11 + 0.04 + 0.04, 6);
    expect(book.legs.reduce((sum, leg) => sum + leg.normalizedProbability, 0)).toBeCloseTo(1, 5);
  });

  it("gives zeros rather than dividing by zero on an empty book", () => {
    expect(normalizeGameLegs([{ p: 0 }], (leg) => leg.p)).toEqual({ legs: [{ leg: { p: 0 }, normalizedProbability: 0 }], total: 0 });
  });
});
