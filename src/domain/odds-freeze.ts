import { oddsOfProbability, PRICE_BASES, roundPrice, type PriceBasis } from "./market-prices";

/**
 * The price a pick freezes: the median of the snapshots of its player in its game taken just before the pick, each
 * priced by the per-snapshot rule (legPriceOf, src/domain/market-prices.ts, stored by the market sync).
 *
 * One snapshot is one sample: a quote that stood for a few minutes, or an order posted just before the pick, moves
 * the latest snapshot but not the median of several. Both venues' snapshots are samples of the same price: two venues
 * in one bucket both count when neither or both know their depth (see below). With an even number the median is the
 * mean of the middle two.
 *
 * - PRICE_WINDOW_MS: the snapshots considered are those of the 2 hours before the pick (the issue's "median of the
 *   snapshots of the last 2 hours before the pick rather than the latest alone").
 * - MAX_SNAPSHOT_AGE_MS: within it, a snapshot older than 30 minutes at the pick's time does not count (news moves
 *   first-TD prices: an injury, a depth-chart change; a pick made after it must not carry a price from before it). So
 *   the effective window is 30 minutes: the sync snapshots every 10 minutes within two hours of kickoff (a median over
 *   ~3 snapshots per venue) and at :00/:30 otherwise (1 per venue, 2 with both venues). Both bounds are kept: the
 *   2 hours say which snapshots a median may take at most, the 30 minutes which are still news-proof; a longer
 *   age bound would make the 2 hours bind.
 * - The pick reads only the snapshots that can count (snapshotReadRange): an index range on market_odds (game_id,
 *   player_id, snapshot_time) of at most a few buckets per venue.
 *
 * A quote whose resting size is unknown (Polymarket) cannot tell one cheap order posted minutes ago from a real book, so
 * it never prices alone: when a snapshot with a known resting size counts (Kalshi), only those count; without one, the
 * size-less snapshots count only if at least MIN_UNVERIFIED_SNAPSHOTS of them do (an order caught by one snapshot is
 * not caught by the next one ten minutes later unless it stood).
 *
 * When no price survives the pick carries none, with the reason: `no_market` (no snapshot of the player in the game at
 * all), `stale` (snapshots, none taken in the 30 minutes before the pick), `too_thin` (fresh snapshots, none with a
 * usable quote). An unpriced pick is graded at even money (decimal 2.0, a win is +1 unit: EVEN_MONEY_DECIMAL_ODDS in
 * src/domain/grading.ts, coalesce(decimal_odds, 2.0) in the triggers and src/db/recompute.ts), as every pick without odds.
 */
export const PRICE_WINDOW_MS = 2 * 3_600_000;
export const MAX_SNAPSHOT_AGE_MS = 30 * 60_000;

/**
 * Snapshots are keyed by the start of their 10-minute bucket (market_odds.snapshot_time; captured_at is when the
 * snapshot was taken, within that bucket). The market sync's bucket (src/jobs/market-sync.ts).
 */
export const SNAPSHOT_BUCKET_MS = 10 * 60_000;

/** Snapshots without a known resting size it takes to price a pick (none with a known size counting). */
export const MIN_UNVERIFIED_SNAPSHOTS = 2;

export const ODDS_REASONS = ["no_market", "stale", "too_thin"] as const;
export type OddsReason = (typeof ODDS_REASONS)[number];

/** One market_odds row of the player in the game, as stored by the market sync. */
export interface PricingSnapshot {
  id: number;
  source: string;
  /** When it was taken (captured_at; the start of its bucket for rows without one). */
  capturedAt: string;
  /** implied_probability as the per-snapshot rule set it; null: too thin. */
  probability: number | null;
  /** price_basis; anything but mid/ask (null, or a basis of an older rule) does not price. */
  basis: string | null;
  /**
   * Whether the venue said how many contracts rest at the quote (Kalshi does; Polymarket's listing does not, so its
   * quotes are judged by the market's traded volume only, which says nothing about one order posted just now).
   */
  depthKnown: boolean;
}

export interface FrozenOdds {
  impliedProbability: number;
  decimalOdds: number;
  americanOdds: number;
  /** The venue, or the venues joined by '+' ('kalshi+polymarket') when both priced. */
  oddsSource: string;
  /** When the newest counted snapshot was taken. */
  oddsSnapshotAt: string;
  /** The market_odds ids whose median this is, oldest first. */
  snapshotIds: number[];
}

export type OddsFreeze = { priced: FrozenOdds; reason: null } | { priced: null; reason: OddsReason };

/** The median of a non-empty list; the mean of the middle two for an even count. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of nothing");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Whether a snapshot counts at the pick's time: taken in the PRICE_WINDOW_MS before it and at most MAX_SNAPSHOT_AGE_MS old. */
export function isFresh(snapshot: Pick<PricingSnapshot, "capturedAt">, pickAt: Date): boolean {
  const age = pickAt.getTime() - Date.parse(snapshot.capturedAt);
  return age >= 0 && age <= PRICE_WINDOW_MS && age <= MAX_SNAPSHOT_AGE_MS;
}

/**
 * The snapshot_time range (bucket starts, ISO) a pick made at `pickAt` must read to see every snapshot that can count:
 * one captured at most MAX_SNAPSHOT_AGE_MS before the pick sits in a bucket that starts at most one bucket earlier.
 */
export function snapshotReadRange(pickAt: Date): { from: Date; to: Date } {
  const reach = Math.min(PRICE_WINDOW_MS, MAX_SNAPSHOT_AGE_MS + SNAPSHOT_BUCKET_MS);
  return { from: new Date(pickAt.getTime() - reach), to: pickAt };
}

const isPricing = (snapshot: PricingSnapshot): snapshot is PricingSnapshot & { probability: number } =>
  snapshot.probability !== null &&
  snapshot.probability > 0 &&
  snapshot.probability < 1 &&
  PRICE_BASES.includes(snapshot.basis as PriceBasis);

/**
 * The price a pick made at `pickAt` freezes, from the player's snapshots read for it (snapshotReadRange: others may be
 * passed too, only the fresh ones count); or the reason there is none. `hasAnySnapshot`: whether the player has any
 * snapshot in the game at all (outside the range too), which tells `no_market` from `stale`.
 */
export function freezeOdds(windowSnapshots: readonly PricingSnapshot[], hasAnySnapshot: boolean, pickAt: Date): OddsFreeze {
  const fresh = windowSnapshots.filter((snapshot) => isFresh(snapshot, pickAt));
  if (fresh.length === 0) return { priced: null, reason: hasAnySnapshot || windowSnapshots.length > 0 ? "stale" : "no_market" };
  const pricing = fresh
    .filter(isPricing)
    .sort((a, b) => Date.parse(a.capturedAt) - Date.parse(b.capturedAt) || a.source.localeCompare(b.source) || a.id - b.id);
  const withDepth = pricing.filter((snapshot) => snapshot.depthKnown);
  const counted = withDepth.length > 0 ? withDepth : pricing.length >= MIN_UNVERIFIED_SNAPSHOTS ? pricing : [];
  if (counted.length === 0) return { priced: null, reason: "too_thin" };

  // Each snapshot's price is already capped; the median of capped prices is capped again only against rows another
  // writer stored below the bound.
  const odds = oddsOfProbability(roundPrice(median(counted.map((snapshot) => snapshot.probability))));
  return {
    priced: {
      impliedProbability: odds.probability,
      decimalOdds: odds.decimalOdds,
      americanOdds: odds.americanOdds,
      oddsSource: [...new Set(counted.map((snapshot) => snapshot.source))].sort().join("+"),
      oddsSnapshotAt: counted[counted.length - 1]!.capturedAt,
      snapshotIds: counted.map((snapshot) => snapshot.id),
    },
    reason: null,
  };
}
