import { decimalToAmericanOdds, probabilityToDecimalOdds } from "./odds";

/**
 * The price rule: which number of a prediction-market quote stands for a leg's probability.
 *
 * First-TD books are thin (a bid of 0 and an ask of 0.02-0.20 is the norm), so no single field is right for
 * every leg:
 * 1. `mid`: both sides quoted (0 < bid, ask < 1) and the spread narrow (ask - bid <= NARROW_SPREAD, 5 cents,
 *    five ticks of Kalshi's 1-cent grid): the mid of bid and ask. A narrow two-sided book is the best estimate.
 * 2. `last`: otherwise the last trade, when there is one (> 0). A trade is a price someone paid; a wide spread
 *    says little. The last trade is clamped into [bid, ask] where those sides exist: a stale trade above the
 *    current ask overstates the chance (anyone can buy cheaper now), one below the bid understates it.
 * 3. `ask_upper_bound`: otherwise the ask, flagged as an upper bound: with no bid and no trade the ask only
 *    says the chance is at most that.
 * 4. No ask either: no price (null), never a zero.
 *
 * An empty side is sent as 0 (bid) or 1 (ask) by Kalshi; both count as absent here.
 */
export const NARROW_SPREAD = 0.05;

/** Float slack so that 0.11 - 0.06 (= 0.04999...) and 0.10 - 0.05 count as the 5 cents they are. */
const EPSILON = 1e-9;

export type PriceBasis = "mid" | "last" | "ask_upper_bound";

export interface Quote {
  yesBid: number | null;
  yesAsk: number | null;
  lastPrice: number | null;
}

export interface LegPrice {
  /** In (0, 1). */
  probability: number;
  basis: PriceBasis;
  /** True when the probability is only an upper bound (basis ask_upper_bound). */
  isUpperBound: boolean;
  decimalOdds: number;
  americanOdds: number;
}

const isQuoted = (price: number | null): price is number =>
  price !== null && Number.isFinite(price) && price > 0 && price < 1;

/** Rounds away the float noise of averaging two prices (0.065000000001) without losing sub-cent precision. */
function roundPrice(price: number): number {
  return Math.round(price * 1e6) / 1e6;
}

function priced(probability: number, basis: PriceBasis): LegPrice {
  const rounded = roundPrice(probability);
  const decimalOdds = probabilityToDecimalOdds(rounded);
  return {
    probability: rounded,
    basis,
    isUpperBound: basis === "ask_upper_bound",
    decimalOdds,
    americanOdds: decimalToAmericanOdds(decimalOdds),
  };
}

/** The leg's probability under the price rule above, or null when the quote has no usable price. */
export function legPriceOf(quote: Quote): LegPrice | null {
  const bid = isQuoted(quote.yesBid) ? quote.yesBid : null;
  const ask = isQuoted(quote.yesAsk) ? quote.yesAsk : null;

  if (bid !== null && ask !== null && ask >= bid && ask - bid <= NARROW_SPREAD + EPSILON) {
    return priced((bid + ask) / 2, "mid");
  }
  if (isQuoted(quote.lastPrice)) {
    let last = quote.lastPrice;
    if (ask !== null && last > ask) last = ask;
    if (bid !== null && last < bid) last = bid;
    return priced(last, "last");
  }
  if (ask !== null) return priced(ask, "ask_upper_bound");
  return null;
}

export interface NormalizedLeg<T> {
  leg: T;
  /** The leg's probability divided by the sum over the game's legs. */
  normalizedProbability: number;
}

export interface NormalizedBook<T> {
  legs: NormalizedLeg<T>[];
  /** The sum of the legs' probabilities before normalizing (about 1.2 on Kalshi first-TD books: the overround). */
  total: number;
}

/**
 * One game's legs (players, D/ST, No Touchdown) normalized to sum to 1: each leg's probability divided by the
 * sum of all legs' probabilities. Pass the legs of one game only, deduplicated, each once.
 */
export function normalizeGameLegs<T>(legs: readonly T[], probabilityOf: (leg: T) => number): NormalizedBook<T> {
  const total = legs.reduce((sum, leg) => sum + probabilityOf(leg), 0);
  return {
    legs: legs.map((leg) => ({
      leg,
      normalizedProbability: total > 0 ? roundPrice(probabilityOf(leg) / total) : 0,
    })),
    total: roundPrice(total),
  };
}
