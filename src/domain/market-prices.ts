import { decimalToAmericanOdds, probabilityToDecimalOdds } from "./odds";

/**
 * The price rule for one snapshot of one leg: which number of a prediction-market quote stands for the leg's
 * probability, if any. The sync stores what this rule says (market_odds.implied_probability, price_basis), the game
 * page shows it, and a pick freezes the median of what it said over the last snapshots (src/domain/odds-freeze.ts).
 *
 * A pool ranks people by units won at these prices, so the rule must be one that a single cheap trade or order
 * cannot move. First-TD books are thin (a bid of 0 and an ask of 0.02-0.20 is the norm; the Kalshi sample has bids
 * of 200-800 contracts where there are bids at all, and ~100,000 contracts resting on every ask):
 *
 * - The last trade never prices a leg. Where nobody bids, anyone can buy one contract at 1 cent and print a last
 *   trade of 0.01 (+9900). It is stored for display only.
 * - A side of the book counts only with depth behind it: at least MIN_RESTING_SIZE contracts at the best price
 *   where the venue gives sizes (Kalshi), else a venue volume of at least MIN_TRADED_VOLUME (Polymarket's Gamma
 *   gives no sizes). A 1-contract ask posted under the real one is not a price.
 * - `ask`: the ask (what backing the player costs) when there is no usable bid, or when the spread is wider than
 *   the mid allows. It is the conservative side for the picker: never more payout than the market actually offers.
 * - `mid`: the mid of a two-sided book whose spread is at most MAX_MID_SPREAD and at most MAX_MID_SPREAD_SHARE of
 *   the ask. Bids are the cheap side to fake: a bid below the fair price is never filled, so it costs nothing to
 *   leave resting. A bid may therefore pull the price below the ask by at most half the allowed spread (2.5 cents,
 *   and a quarter of the ask: the payout grows by at most a third over the ask's); a bid further down says nothing
 *   the ask does not.
 * - No usable ask: no price (null), never a zero; a bid alone is only a lower bound (it overstates the payout).
 * - Extreme odds are capped: the probability is at least MIN_PROBABILITY (1/51, i.e. at most +5000 American).
 *
 * An empty side is sent as 0 (bid) or 1 (ask) by Kalshi, with a size of 0; both count as absent here.
 */

/**
 * Contracts that must rest at the best bid or ask for that side to count (where the venue gives sizes). 100
 * contracts at first-TD prices (2-20 cents) are a liability of $80-98 to whoever posts a fake low ask (anyone can
 * take it at once); the real books of the Kalshi sample rest 200+ contracts on their bids and ~100,000 on their asks.
 */
export const MIN_RESTING_SIZE = 100;

/**
 * Where the venue gives no sizes (Polymarket's Gamma: bestBid/bestAsk and the market's volume in USDC), the
 * quotes count only in a market where at least this much has traded: a book nobody trades can carry any quote.
 */
export const MIN_TRADED_VOLUME = 500;

/**
 * The widest spread whose mid is used: 5 cents (five ticks of the 1-cent grid) and half the ask (a 2-cent ask
 * allows a 1-cent spread); wider books are priced at the ask. The absolute bound binds above a 10-cent ask, the
 * relative one below it, where a cent is a large share of the price and of the payout.
 */
export const MAX_MID_SPREAD = 0.05;
export const MAX_MID_SPREAD_SHARE = 0.5;

/**
 * The lowest probability a price may carry: 1/51 (decimal 51, American +5000). The 1-cent tick makes a 1-cent quote
 * a floor artifact rather than an estimate (one tick up halves the payout), the least likely real legs of the Kalshi
 * sample ask 2 cents (+4900), and a single pick can then win at most 50 units: one lucky long shot on a 1-cent leg
 * (+99 units) would otherwise outweigh a whole season of good picks in a pool.
 */
export const MIN_PROBABILITY = 1 / 51;

/** Float slack so that 0.11 - 0.06 (= 0.04999...) and 0.10 - 0.05 count as the 5 cents they are. */
const EPSILON = 1e-9;

/** How a leg's probability was chosen: the mid of a narrow two-sided book, or the ask. */
export type PriceBasis = "mid" | "ask";
export const PRICE_BASES: readonly PriceBasis[] = ["mid", "ask"];

export interface Quote {
  yesBid: number | null;
  yesAsk: number | null;
  /** Stored and shown; never a price by itself. */
  lastPrice: number | null;
  /** Contracts resting at the best bid / ask; null (not 0) where the venue gives no sizes. */
  yesBidSize?: number | null;
  yesAskSize?: number | null;
  /** What the market has traded (Kalshi: contracts; Polymarket: USDC); decides depth only where sizes are null. */
  volume?: number | null;
}

export interface LegPrice {
  /** In [MIN_PROBABILITY, 1): the capped price. */
  probability: number;
  /** The price before the cap (the mid or the ask as quoted). */
  rawProbability: number;
  basis: PriceBasis;
  /** True when the cap raised the price to MIN_PROBABILITY. */
  isCapped: boolean;
  decimalOdds: number;
  americanOdds: number;
}

const isQuoted = (price: number | null | undefined): price is number =>
  price !== null && price !== undefined && Number.isFinite(price) && price > 0 && price < 1;

/** Rounds away the float noise of averaging two prices (0.065000000001) without losing sub-cent precision. */
export function roundPrice(price: number): number {
  return Math.round(price * 1e6) / 1e6;
}

/** A probability with its odds, capped at MIN_PROBABILITY. */
export function oddsOfProbability(probability: number): { probability: number; isCapped: boolean; decimalOdds: number; americanOdds: number } {
  const isCapped = probability < MIN_PROBABILITY;
  const capped = roundPrice(isCapped ? MIN_PROBABILITY : probability);
  const decimalOdds = probabilityToDecimalOdds(capped);
  return { probability: capped, isCapped, decimalOdds, americanOdds: decimalToAmericanOdds(decimalOdds) };
}

function priced(rawProbability: number, basis: PriceBasis): LegPrice {
  const raw = roundPrice(rawProbability);
  return { ...oddsOfProbability(raw), rawProbability: raw, basis };
}

/** Whether a side has depth behind it: its resting size where the venue gives one, else the market's volume. */
function hasDepth(size: number | null | undefined, volume: number | null | undefined): boolean {
  if (size !== null && size !== undefined) return size >= MIN_RESTING_SIZE;
  return volume !== null && volume !== undefined && volume >= MIN_TRADED_VOLUME;
}

/** The leg's probability under the price rule above, or null when the quote has no usable price (too thin). */
export function legPriceOf(quote: Quote): LegPrice | null {
  const ask = isQuoted(quote.yesAsk) && hasDepth(quote.yesAskSize, quote.volume) ? quote.yesAsk : null;
  if (ask === null) return null;
  const bid = isQuoted(quote.yesBid) && quote.yesBid <= ask && hasDepth(quote.yesBidSize, quote.volume) ? quote.yesBid : null;
  if (bid !== null && ask - bid <= Math.min(MAX_MID_SPREAD, ask * MAX_MID_SPREAD_SHARE) + EPSILON) return priced((bid + ask) / 2, "mid");
  return priced(ask, "ask");
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
