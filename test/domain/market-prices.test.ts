import { describe, expect, it } from "vitest";
import {
  legPriceOf,
  MAX_MID_SPREAD,
  MAX_MID_SPREAD_SHARE,
  MIN_PROBABILITY,
  MIN_RESTING_SIZE,
  MIN_TRADED_VOLUME,
  normalizeGameLegs,
  type Quote,
} from "../../src/domain/market-prices";
import { parseKalshiEventsPage } from "../../src/sources/kalshi/events";
import page1Json from "../fixtures/kalshi/firsttd_events_page1.json?raw";

/** A Kalshi-shaped quote: sizes given, 300 contracts on a quoted bid, 100,000 on the ask (as in the real sample). */
function kalshi(yesBid: number, yesAsk: number, lastPrice = 0, sizes: { bid?: number; ask?: number } = {}): Quote {
  return {
    yesBid,
    yesAsk,
    lastPrice,
    yesBidSize: sizes.bid ?? (yesBid > 0 ? 300 : 0),
    yesAskSize: sizes.ask ?? (yesAsk < 1 ? 100_000 : 0),
    volume: 0,
  };
}

/** A Polymarket-shaped quote: no sizes, only the market's volume. */
function polymarket(yesBid: number, yesAsk: number, volume: number | null, lastPrice = 0): Quote {
  return { yesBid, yesAsk, lastPrice, yesBidSize: null, yesAskSize: null, volume };
}

describe("legPriceOf: the price rule of one snapshot", () => {
  it("has the documented constants", () => {
    expect({ MIN_RESTING_SIZE, MIN_TRADED_VOLUME, MAX_MID_SPREAD, MAX_MID_SPREAD_SHARE, MIN_PROBABILITY }).toEqual({
      MIN_RESTING_SIZE: 100,
      MIN_TRADED_VOLUME: 500,
      MAX_MID_SPREAD: 0.05,
      MAX_MID_SPREAD_SHARE: 0.5,
      MIN_PROBABILITY: 1 / 51,
    });
  });

  it("uses the mid of a narrow two-sided book with depth on both sides", () => {
    expect(legPriceOf(kalshi(0.16, 0.18, 0.3))).toMatchObject({ probability: 0.17, basis: "mid", isCapped: false });
    // Exactly five cents is narrow, float noise notwithstanding.
    expect(legPriceOf(kalshi(0.06, 0.11))).toMatchObject({ probability: 0.085, basis: "mid" });
    // The Kalshi sample's Drake London: 0.05 (200 contracts) / 0.08.
    expect(legPriceOf(kalshi(0.05, 0.08, 0.08, { bid: 200 }))).toMatchObject({ probability: 0.065, basis: "mid" });
  });

  it("uses the ask when the spread is wider than 5 cents or than half the ask: a far bid says nothing", () => {
    expect(legPriceOf(kalshi(0.05, 0.15, 0.12))).toMatchObject({ probability: 0.15, basis: "ask" });
    expect(legPriceOf(kalshi(0.07, 0.13))).toMatchObject({ probability: 0.13, basis: "ask" });
    // A 1-cent bid beside a 4-cent ask (3 cents, but 75% of the ask) would otherwise price the leg at 0.025.
    expect(legPriceOf(kalshi(0.01, 0.04))).toMatchObject({ probability: 0.04, basis: "ask" });
    // Half the ask is the bound: 0.02 / 0.04 is a mid.
    expect(legPriceOf(kalshi(0.02, 0.04))).toMatchObject({ probability: 0.03, basis: "mid" });
  });

  it("never uses the last trade: a 1-cent print with no bid is not a price, the ask is", () => {
    expect(legPriceOf(kalshi(0, 0.1, 0.01))).toMatchObject({ probability: 0.1, basis: "ask", americanOdds: 900 });
    expect(legPriceOf(kalshi(0, 0.07, 0.05))).toMatchObject({ probability: 0.07, basis: "ask" });
    // A stale trade above the ask does not raise the price either.
    expect(legPriceOf(kalshi(0.02, 0.11, 0.2))).toMatchObject({ probability: 0.11, basis: "ask" });
    // ...and no ask at all leaves only the trade: no price.
    expect(legPriceOf(kalshi(0, 1, 0.01))).toBeNull();
  });

  it("ignores a side without MIN_RESTING_SIZE contracts: a tiny ask is no price, a tiny bid no mid", () => {
    expect(legPriceOf(kalshi(0, 0.01, 0, { ask: 1 }))).toBeNull();
    expect(legPriceOf(kalshi(0, 0.1, 0, { ask: MIN_RESTING_SIZE - 1 }))).toBeNull();
    expect(legPriceOf(kalshi(0, 0.1, 0, { ask: MIN_RESTING_SIZE }))).toMatchObject({ probability: 0.1, basis: "ask" });
    expect(legPriceOf(kalshi(0.16, 0.18, 0, { bid: 5 }))).toMatchObject({ probability: 0.18, basis: "ask" });
    // A bid alone overstates the payout: no price.
    expect(legPriceOf(kalshi(0.16, 0.18, 0, { ask: 5 }))).toBeNull();
  });

  it("where the venue gives no sizes, quotes count only in a market that traded MIN_TRADED_VOLUME", () => {
    expect(legPriceOf(polymarket(0.08, 0.1, 1500))).toMatchObject({ probability: 0.09, basis: "mid" });
    expect(legPriceOf(polymarket(0.08, 0.1, MIN_TRADED_VOLUME))).toMatchObject({ basis: "mid" });
    expect(legPriceOf(polymarket(0.08, 0.1, MIN_TRADED_VOLUME - 1))).toBeNull();
    expect(legPriceOf(polymarket(0, 0.04, 0))).toBeNull();
    expect(legPriceOf(polymarket(0, 0.04, null))).toBeNull();
    expect(legPriceOf(polymarket(0.1, 0.22, 2210, 0.15))).toMatchObject({ probability: 0.22, basis: "ask" });
  });

  it("caps extreme odds at 1/51 (+5000), keeping the raw price", () => {
    expect(legPriceOf(kalshi(0, 0.01))).toMatchObject({
      probability: 0.019608,
      rawProbability: 0.01,
      isCapped: true,
      decimalOdds: 1 / 0.019608,
      americanOdds: 5000,
    });
    expect(legPriceOf(kalshi(0, 0.02))).toMatchObject({ probability: 0.02, isCapped: false, americanOdds: 4900 });
    expect(legPriceOf(kalshi(0.01, 0.02))).toMatchObject({ probability: 0.019608, rawProbability: 0.015, basis: "mid", isCapped: true });
  });

  it("gives no price, never a zero, when there is no ask", () => {
    expect(legPriceOf(kalshi(0, 1))).toBeNull();
    expect(legPriceOf({ yesBid: null, yesAsk: null, lastPrice: null })).toBeNull();
    expect(legPriceOf({ yesBid: 0.1, yesAsk: null, lastPrice: 0.1, yesBidSize: 300, yesAskSize: null, volume: 10_000 })).toBeNull();
  });

  it("uses the ask of a crossed book (bid above ask)", () => {
    expect(legPriceOf(kalshi(0.12, 0.1))).toMatchObject({ probability: 0.1, basis: "ask" });
  });

  it("derives decimal and American odds from the probability", () => {
    expect(legPriceOf(kalshi(0, 0.2, 0.2))).toMatchObject({ decimalOdds: 5, americanOdds: 400 });
    expect(legPriceOf(kalshi(0.59, 0.61))).toMatchObject({ probability: 0.6, americanOdds: -150 });
    expect(legPriceOf(kalshi(0, 0.04))).toMatchObject({ decimalOdds: 25, americanOdds: 2400 });
  });

  it("prices the legs of a real-shaped Kalshi page as the rule says", () => {
    const event = parseKalshiEventsPage(JSON.parse(page1Json)).events[0]!;
    expect(event.markets.map((market) => [market.label, legPriceOf(market)?.basis ?? null, legPriceOf(market)?.probability ?? null])).toEqual([
      ["Christian McCaffrey", "mid", 0.17],
      // 0.05 / 0.15: too wide for a mid.
      ["Puka Nacua", "ask", 0.15],
      ["Kyren Williams", "ask", 0.14],
      // A last trade of 0.05 beside an ask of 0.07: the ask.
      ["Brian Robinson Jr.", "ask", 0.07],
      ["Davante Adams", "ask", 0.11],
      ["SF 49ers D/ST", "ask", 0.04],
      ["LAR Rams D/ST", "ask", 0.04],
    ]);
  });
});

describe("normalizeGameLegs", () => {
  it("divides each leg by the sum of the game's legs", () => {
    const book = normalizeGameLegs([{ p: 0.6 }, { p: 0.3 }, { p: 0.3 }], (leg) => leg.p);
    expect(book.total).toBe(1.2);
    expect(book.legs.map((leg) => leg.normalizedProbability)).toEqual([0.5, 0.25, 0.25]);
  });

  it("normalizes a real-shaped book", () => {
    const event = parseKalshiEventsPage(JSON.parse(page1Json)).events[0]!;
    const priced = event.markets.map((market) => legPriceOf(market)!);
    const book = normalizeGameLegs(priced, (price) => price.probability);
    expect(book.total).toBeCloseTo(0.17 + 0.15 + 0.14 + 0.07 + 0.11 + 0.04 + 0.04, 6);
    expect(book.legs.reduce((sum, leg) => sum + leg.normalizedProbability, 0)).toBeCloseTo(1, 5);
  });

  it("gives zeros rather than dividing by zero on an empty book", () => {
    expect(normalizeGameLegs([{ p: 0 }], (leg) => leg.p)).toEqual({ legs: [{ leg: { p: 0 }, normalizedProbability: 0 }], total: 0 });
  });
});
