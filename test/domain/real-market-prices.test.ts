import { describe, expect, it } from "vitest";
import { legPriceOf, type LegPrice } from "../../src/domain/market-prices";
import { parseKalshiEventsPage } from "../../src/sources/kalshi/events";
import { parsePolymarketEvents, polymarketQuote } from "../../src/sources/polymarket/events";

/**
 * Measures the price rule on the real market samples in ../shared/data (beside the development checkout and in CI,
 * not in a user's clone; skipped when absent, see test/sources/real-data.test.ts): which share of the legs of real
 * first-TD books the rule prices, and on what basis. The numbers are logged (the issue's report) and pinned.
 */
const REAL_DATA = "../../../shared/data/";
const realFiles = import.meta.glob<string>(["../../../shared/data/kalshi/kalshi_nfl_firsttd_events_sample.json", "../../../shared/data/polymarket/polymarket_samples.json"], {
  query: "?raw",
  import: "default",
});
const loadKalshi = realFiles[`${REAL_DATA}kalshi/kalshi_nfl_firsttd_events_sample.json`];
const loadPolymarket = realFiles[`${REAL_DATA}polymarket/polymarket_samples.json`];
const hasRealData = loadKalshi !== undefined && loadPolymarket !== undefined;

const SKIP_MESSAGE = "real market samples: skipped, ../shared/data is absent (it exists beside the development checkout only)";
if (!hasRealData) console.warn(SKIP_MESSAGE);

interface Share {
  legs: number;
  priced: number;
  share: number | null;
  byBasis: Record<string, number>;
  tooThin: string[];
  capped: number;
}

function shareOf(legs: { label: string; price: LegPrice | null }[]): Share {
  const priced = legs.filter((leg) => leg.price !== null);
  const byBasis: Record<string, number> = {};
  for (const leg of priced) byBasis[leg.price!.basis] = (byBasis[leg.price!.basis] ?? 0) + 1;
  return {
    legs: legs.length,
    priced: priced.length,
    share: legs.length === 0 ? null : Math.round((priced.length / legs.length) * 1000) / 1000,
    byBasis,
    tooThin: legs.filter((leg) => leg.price === null).map((leg) => leg.label),
    capped: priced.filter((leg) => leg.price!.isCapped).length,
  };
}

describe.skipIf(!hasRealData)(hasRealData ? "the price rule on the real market samples (../shared/data)" : SKIP_MESSAGE, () => {
  it("prices every leg of the Kalshi first-TD sample: the ask where nobody bids or the book is wide, the mid of the one narrow book", async () => {
    const page = parseKalshiEventsPage(JSON.parse(await loadKalshi!()));
    const markets = page.events.flatMap((event) => event.markets);
    const legs = markets.map((market) => ({ label: market.label, price: legPriceOf(market) }));
    const share = shareOf(legs);
    console.log("Kalshi first-TD sample, the price rule:", {
      ...share,
      legs: legs.map((leg, i) => {
        const m = markets[i]!;
        return `${leg.label}: bid ${m.yesBid} (${m.yesBidSize}) / ask ${m.yesAsk} (${m.yesAskSize}), last ${m.lastPrice}, volume ${m.volume} -> ${leg.price ? `${leg.price.basis} ${leg.price.probability} (${leg.price.americanOdds > 0 ? "+" : ""}${leg.price.americanOdds})` : "too thin"}`;
      }),
      // Under the old rule the last trade priced a wide or one-sided book: how many legs it would have set.
      lastTradeWouldHavePriced: markets.filter((m) => m.lastPrice > 0 && !(m.yesBid > 0 && m.yesAsk - m.yesBid <= 0.05 + 1e-9)).length,
    });
    expect(page.events.map((event) => event.eventTicker)).toEqual(["KXNFLFIRSTTD-26SEP13ATLPIT"]);
    expect(share).toMatchObject({ legs: 9, priced: 9, share: 1, byBasis: { ask: 8, mid: 1 }, tooThin: [], capped: 0 });
    // The one narrow two-sided book: Drake London, 0.05 (200 contracts) / 0.08.
    expect(legs.filter((leg) => leg.price?.basis === "mid").map((leg) => [leg.label, leg.price!.probability])).toEqual([["Drake London", 0.065]]);
    // Bijan Robinson's 0.06 / 0.20 and Rico Dowdle's 0.07 / 0.13 are too wide for a mid: their asks.
    expect(legs.find((leg) => leg.label === "Bijan Robinson")!.price).toMatchObject({ basis: "ask", probability: 0.2 });
    expect(legs.find((leg) => leg.label === "Rico Dowdle")!.price).toMatchObject({ basis: "ask", probability: 0.13 });
  });

  it("finds no first-TD book in the Polymarket samples (they carry moneyline shapes only)", async () => {
    const samples = JSON.parse(await loadPolymarket!()) as Record<string, { data?: unknown }>;
    const gammaEvents = Object.entries(samples)
      .filter(([key]) => key.startsWith("gamma_"))
      .map(([, sample]) => sample.data)
      .filter((data): data is Record<string, unknown> => typeof data === "object" && data !== null && "slug" in data);
    const legs = gammaEvents.flatMap((event) =>
      parsePolymarketEvents(event).events.flatMap((parsed) =>
        parsed.markets.filter((market) => market.kind === "first_td").map((market) => ({ label: market.label, price: legPriceOf(polymarketQuote(market)) })),
      ),
    );
    const share = shareOf(legs);
    console.log("Polymarket samples, the price rule:", { gammaEvents: gammaEvents.length, ...share });
    expect(share).toMatchObject({ legs: 0, share: null });
  });
});
