import { describe, expect, it } from "vitest";
import { MIN_PROBABILITY } from "../../src/domain/market-prices";
import {
  freezeOdds,
  isFresh,
  MAX_SNAPSHOT_AGE_MS,
  median,
  PRICE_WINDOW_MS,
  SNAPSHOT_BUCKET_MS,
  snapshotReadRange,
  type PricingSnapshot,
} from "../../src/domain/odds-freeze";

const PICK_AT = new Date("2026-09-13T16:45:00Z");

/** A snapshot taken `minutesBefore` the pick. */
function snap(
  id: number,
  minutesBefore: number,
  probability: number | null,
  options: { source?: string; basis?: string | null; depthKnown?: boolean } = {},
): PricingSnapshot {
  const source = options.source ?? "kalshi";
  return {
    id,
    source,
    capturedAt: new Date(PICK_AT.getTime() - minutesBefore * 60_000).toISOString().replace(".000Z", "Z"),
    probability,
    basis: options.basis === undefined ? (probability === null ? null : "ask") : options.basis,
    // Kalshi says how many contracts rest at its quotes; Polymarket's listing does not.
    depthKnown: options.depthKnown ?? source === "kalshi",
  };
}

describe("median", () => {
  it("takes the middle value, or the mean of the middle two", () => {
    expect(median([0.1])).toBe(0.1);
    expect(median([0.12, 0.01, 0.1])).toBe(0.1);
    expect(median([0.1, 0.14])).toBeCloseTo(0.12, 12);
    expect(median([0.3, 0.1, 0.2, 0.4])).toBeCloseTo(0.25, 12);
    expect(() => median([])).toThrow();
  });
});

describe("freezeOdds: the price a pick freezes", () => {
  it("has the documented windows: 2 hours read, 30 minutes the oldest snapshot that counts", () => {
    expect(PRICE_WINDOW_MS).toBe(2 * 3_600_000);
    expect(MAX_SNAPSHOT_AGE_MS).toBe(30 * 60_000);
  });

  it("takes the median of the fresh snapshots, so one outlier does not move it", () => {
    const freeze = freezeOdds([snap(1, 25, 0.1), snap(2, 15, 0.11), snap(3, 5, 0.02)], true, PICK_AT);
    expect(freeze).toEqual({
      priced: {
        impliedProbability: 0.1,
        decimalOdds: 10,
        americanOdds: 900,
        oddsSource: "kalshi",
        oddsSnapshotAt: "2026-09-13T16:40:00Z",
        snapshotIds: [1, 2, 3],
      },
      reason: null,
    });
  });

  it("counts both venues' snapshots when both show their depth (or neither): two venues in one bucket give the mean of both", () => {
    const both = freezeOdds([snap(7, 4, 0.1, { source: "polymarket", depthKnown: true }), snap(6, 4, 0.14)], true, PICK_AT);
    expect(both.priced).toMatchObject({ impliedProbability: 0.12, oddsSource: "kalshi+polymarket", snapshotIds: [6, 7] });
    const neither = freezeOdds([snap(7, 4, 0.1, { source: "polymarket" }), snap(6, 4, 0.14, { depthKnown: false })], true, PICK_AT);
    expect(neither.priced).toMatchObject({ impliedProbability: 0.12, oddsSource: "kalshi+polymarket" });
  });

  it("leaves out snapshots older than 30 minutes, and those taken after the pick", () => {
    expect(isFresh(snap(1, 30, 0.1), PICK_AT)).toBe(true);
    expect(isFresh(snap(1, 30.1, 0.1), PICK_AT)).toBe(false);
    expect(isFresh(snap(1, -1, 0.1), PICK_AT)).toBe(false);
    const freeze = freezeOdds([snap(1, 90, 0.3), snap(2, 31, 0.3), snap(3, 20, 0.1), snap(4, -2, 0.3)], true, PICK_AT);
    expect(freeze.priced).toMatchObject({ impliedProbability: 0.1, snapshotIds: [3] });
  });

  it("reads only the buckets that can hold a counted snapshot: 30 minutes and one bucket back", () => {
    expect(SNAPSHOT_BUCKET_MS).toBe(10 * 60_000);
    expect(snapshotReadRange(PICK_AT)).toEqual({ from: new Date("2026-09-13T16:05:00Z"), to: PICK_AT });
    // A snapshot captured 30 minutes before the pick, at 16:15, sits in the 16:10 bucket: inside the range.
    expect(isFresh({ capturedAt: "2026-09-13T16:15:00Z" }, PICK_AT)).toBe(true);
  });

  it("says stale when snapshots exist but none is fresh", () => {
    expect(freezeOdds([snap(1, 45, 0.1), snap(2, 35, 0.1)], true, PICK_AT)).toEqual({ priced: null, reason: "stale" });
    expect(freezeOdds([], true, PICK_AT)).toEqual({ priced: null, reason: "stale" });
  });

  it("says no_market when the player has no snapshot at all", () => {
    expect(freezeOdds([], false, PICK_AT)).toEqual({ priced: null, reason: "no_market" });
  });

  it("says too_thin when fresh snapshots carry no usable price; an older rule's basis does not price", () => {
    expect(freezeOdds([snap(1, 10, null), snap(2, 5, null)], true, PICK_AT)).toEqual({ priced: null, reason: "too_thin" });
    expect(freezeOdds([snap(1, 10, 0.01, { basis: "last" }), snap(2, 5, 0.05, { basis: null })], true, PICK_AT)).toEqual({
      priced: null,
      reason: "too_thin",
    });
    // Unpriced snapshots are left out of the median, not counted as zeros.
    expect(freezeOdds([snap(1, 10, null), snap(2, 5, 0.08, { basis: "mid" })], true, PICK_AT).priced).toMatchObject({
      impliedProbability: 0.08,
      snapshotIds: [2],
    });
  });

  it("caps the frozen price at 1/51 (+5000) whatever a snapshot stored", () => {
    const freeze = freezeOdds([snap(1, 10, 0.005), snap(2, 5, 0.01)], true, PICK_AT);
    expect(freeze.priced).toMatchObject({ impliedProbability: 0.019608, americanOdds: 5000 });
    expect(freeze.priced!.impliedProbability).toBeCloseTo(MIN_PROBABILITY, 6);
  });

  it("a quote without a known resting size never prices alone: one such snapshot is too thin, two price at their median", () => {
    // One cheap ask posted on a venue that gives no sizes, caught by one snapshot: no price.
    expect(freezeOdds([snap(1, 5, 1 / 51, { source: "polymarket" })], true, PICK_AT)).toEqual({ priced: null, reason: "too_thin" });
    // Caught by two snapshots ten minutes apart, it stood: their median prices.
    const twice = freezeOdds([snap(1, 15, 0.1, { source: "polymarket" }), snap(2, 5, 0.12, { source: "polymarket" })], true, PICK_AT);
    expect(twice.priced).toMatchObject({ impliedProbability: 0.11, snapshotIds: [1, 2] });
    // Beside a snapshot whose resting size is known, it does not count at all.
    const beside = freezeOdds([snap(1, 5, 0.1), snap(2, 5, 1 / 51, { source: "polymarket" })], true, PICK_AT);
    expect(beside.priced).toMatchObject({ impliedProbability: 0.1, oddsSource: "kalshi", snapshotIds: [1] });
  });
});
