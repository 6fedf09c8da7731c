/**
 * The market sync when an upstream misbehaves: Kalshi's old cent format (drift: the run fails and writes nothing),
 * a venue down or answering HTML (the other venue still lands; the failed venue's earlier snapshots stay), 429 with
 * Retry-After, and endless cursors (the page bound stops each listing, and the run says so: partial).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import {
  allOdds,
  count,
  FAST,
  GAMMA_PREFIX,
  gammaPages,
  html,
  json,
  KALSHI_CURSOR_2,
  KALSHI_PREFIX,
  kalshiCentsOnlyPage,
  kalshiPages,
  loggedRun,
  rows,
  runSync,
  seedWeek,
  status,
  Upstreams,
  urls,
} from "./market-sync-support";

const upstreams = new Upstreams();

/** Every row of the two tables the job writes, to compare before and after a run. */
async function written() {
  return { odds: await allOdds(), unmapped: await rows("SELECT * FROM market_unmapped ORDER BY id") };
}

const bucketCount = (source: string, bucket: string) =>
  count("SELECT count(*) AS n FROM market_odds WHERE source = ? AND snapshot_time = ?", source, bucket);

beforeAll(async () => {
  upstreams.install();
  await seedWeek();
  // A first, clean run: the snapshots a failing venue must leave alone.
  upstreams.week();
  const first = await runSync("2026-09-10T12:00:00Z");
  expect(first.status).toBe("ok");
  expect(await count("SELECT count(*) AS n FROM market_odds")).toBe(27);
});
afterAll(() => upstreams.restore());
beforeEach(() => upstreams.reset());
afterEach(() => {
  waitSpy?.mockRestore();
  waitSpy = null;
  expect(upstreams.unrouted).toEqual([]);
});

let waitSpy: MockInstance<typeof setTimeout> | null = null;

describe("Kalshi format drift", () => {
  it("a page with the old cent fields only fails the run, names the drift, and writes nothing", async () => {
    const before = await written();
    upstreams.on(urls.kalshi(), json(kalshiCentsOnlyPage())).gamma();
    const report = await runSync("2026-09-10T12:10:00Z");
    expect(report.status).toBe("failed");
    expect(report.error).toMatch(/^KalshiDriftError: .*old integer cent fields/);
    expect(await loggedRun(report.runId)).toMatchObject({ status: "failed", error: report.error, inserted_count: 0 });
    expect(await written()).toEqual(before);
  });

  it("drift on a later page fails the run too: the pages read before it and Polymarket are not written", async () => {
    const before = await written();
    const [page1] = kalshiPages();
    upstreams.on(urls.kalshi(), json(page1)).on(urls.kalshi(KALSHI_CURSOR_2), json(kalshiCentsOnlyPage())).gamma();
    const report = await runSync("2026-09-10T12:20:00Z");
    expect(report.status).toBe("failed");
    expect(report.error).toMatch(/KalshiDriftError/);
    expect(await written()).toEqual(before);
  });
});

describe("a venue that fails", () => {
  it("Polymarket 5xx after its retries: Kalshi lands, Polymarket's earlier snapshots stay, the run is partial", async () => {
    const polymarketBefore = await rows("SELECT * FROM market_odds WHERE source = 'polymarket' ORDER BY id");
    expect(polymarketBefore).toHaveLength(8);
    upstreams.kalshi().on(urls.gamma(), status(503));
    const report = await runSync("2026-09-10T12:30:00Z");
    expect(report.status).toBe("partial");
    // Three attempts in all (FAST.attempts), then the venue is given up for this run.
    expect(upstreams.callsTo(GAMMA_PREFIX())).toHaveLength(FAST.attempts!);
    const logged = await loggedRun(report.runId);
    expect(logged).toMatchObject({ status: "partial", rejected_count: 1, inserted_count: 19, error: null });
    expect(logged.details.venueErrors).toEqual([{ source: "polymarket", error: expect.stringMatching(/Upstream answered 503/) }]);
    expect(await bucketCount("kalshi", "2026-09-10T12:30:00Z")).toBe(19);
    expect(await bucketCount("polymarket", "2026-09-10T12:30:00Z")).toBe(0);
    expect(await rows("SELECT * FROM market_odds WHERE source = 'polymarket' ORDER BY id")).toEqual(polymarketBefore);
  });

  it("Kalshi answering an HTML page: Polymarket lands, Kalshi's earlier snapshots stay, the run is partial", async () => {
    const kalshiBefore = await rows("SELECT * FROM market_odds WHERE source = 'kalshi' ORDER BY id");
    upstreams.on(urls.kalshi(), html()).gamma();
    const report = await runSync("2026-09-10T12:40:00Z");
    expect(report.status).toBe("partial");
    const logged = await loggedRun(report.runId);
    expect(logged).toMatchObject({ rejected_count: 1, inserted_count: 8 });
    expect(logged.details.venueErrors).toEqual([{ source: "kalshi", error: expect.stringMatching(/HTML/) }]);
    expect(await bucketCount("polymarket", "2026-09-10T12:40:00Z")).toBe(8);
    expect(await bucketCount("kalshi", "2026-09-10T12:40:00Z")).toBe(0);
    expect(await rows("SELECT * FROM market_odds WHERE source = 'kalshi' ORDER BY id")).toEqual(kalshiBefore);
  });

  it("a 5xx that recovers within the retries is no error", async () => {
    const pages = kalshiPages();
    upstreams.kalshi(pages).on(urls.kalshi(), status(502), json(pages[0])).gamma();
    const report = await runSync("2026-09-10T12:50:00Z");
    expect(report.status).toBe("ok");
    expect(upstreams.callsOf(urls.kalshi())).toEqual([urls.kalshi(), urls.kalshi()]);
    expect(await loggedRun(report.runId)).toMatchObject({ inserted_count: 27, rejected_count: 0, details: expect.objectContaining({ venueErrors: [] }) });
  });

  it("both venues down: the run fails and writes nothing", async () => {
    const before = await written();
    upstreams.on(urls.kalshi(), status(500)).on(urls.gamma(), html());
    const report = await runSync("2026-09-10T13:00:00Z");
    expect(report.status).toBe("failed");
    expect(report.error).toMatch(/every venue failed: kalshi: .*500.*; polymarket: .*HTML/);
    expect(await written()).toEqual(before);
  });
});

describe("429 and Retry-After", () => {
  /** The waits the upstream client asked for (setTimeout delays), recorded while the run goes on. */
  function recordWaits() {
    const spy = vi.spyOn(globalThis, "setTimeout");
    waitSpy = spy;
    return () => spy.mock.calls.map((call) => call[1]);
  }

  it("waits what Retry-After says, then reads the page", async () => {
    const [p1] = kalshiPages();
    upstreams.kalshi().on(urls.kalshi(), status(429, { "retry-after": "1" }), json(p1)).gamma();
    const waits = recordWaits();
    const report = await runSync("2026-09-10T13:10:00Z", { retryPolicy: { ...FAST, backoffMs: 5, maxWaitMs: 5_000 } });
    expect(report.status).toBe("ok");
    expect(upstreams.callsOf(urls.kalshi())).toHaveLength(2);
    // One second as asked, not the 5 ms backoff of the policy.
    expect(waits()).toContain(1_000);
    expect(await bucketCount("kalshi", "2026-09-10T13:10:00Z")).toBe(19);
  });

  it("without Retry-After the policy's backoff applies (the control of the test above)", async () => {
    const [p1] = kalshiPages();
    upstreams.kalshi().on(urls.kalshi(), status(429), json(p1)).gamma();
    const waits = recordWaits();
    const report = await runSync("2026-09-10T13:20:00Z", { retryPolicy: { ...FAST, backoffMs: 7, maxWaitMs: 5_000 } });
    expect(report.status).toBe("ok");
    expect(upstreams.callsOf(urls.kalshi())).toHaveLength(2);
    expect(waits()).toContain(7);
    expect(waits()).not.toContain(1_000);
  });

  it("a Retry-After longer than the policy's longest wait is cut to it; a 429 that persists is the venue's error", async () => {
    upstreams.on(urls.kalshi(), status(429, { "retry-after": "3600" })).gamma();
    const waits = recordWaits();
    const report = await runSync("2026-09-10T13:30:00Z", { retryPolicy: { ...FAST, maxWaitMs: 20 } });
    expect(report.status).toBe("partial");
    expect(waits()).toContain(20);
    expect(waits()).not.toContain(3_600_000);
    expect(upstreams.callsOf(urls.kalshi())).toHaveLength(FAST.attempts!);
    expect((await loggedRun(report.runId)).details.venueErrors).toEqual([{ source: "kalshi", error: expect.stringMatching(/429/) }]);
  });
});

describe("subrequests per run", () => {
  it("endless cursors stop at the page bound (100 per venue): the run is partial, names both listings, lands what it read", async () => {
    const [page1] = kalshiPages();
    const [gamma1] = gammaPages();
    let kalshiPage = 0;
    let gammaPage = 0;
    // Every page names a new cursor: without a bound the run would page until the platform killed it.
    upstreams.onPrefix(KALSHI_PREFIX(), () => new Response(JSON.stringify({ ...page1, cursor: `kalshi-${++kalshiPage}` }), { headers: { "content-type": "application/json" } }));
    upstreams.onPrefix(GAMMA_PREFIX(), () => new Response(JSON.stringify({ ...gamma1, next_cursor: `gamma-${++gammaPage}` }), { headers: { "content-type": "application/json" } }));
    const report = await runSync("2026-09-10T13:40:00Z");
    expect(report.status).toBe("partial");
    expect(upstreams.callsTo(KALSHI_PREFIX())).toHaveLength(100);
    expect(upstreams.callsTo(GAMMA_PREFIX())).toHaveLength(100);
    expect(upstreams.calls).toHaveLength(200);
    expect((await loggedRun(report.runId)).details.listingIncomplete).toEqual([
      { source: "kalshi", reason: "page_limit", pagesRead: 100, lastCursor: "kalshi-100", maxPages: 100 },
      { source: "polymarket", reason: "page_limit", pagesRead: 100, lastCursor: "gamma-100", maxPages: 100 },
    ]);
    // The pages read still land (the first Kalshi page: SF @ LA, seven legs; the first Gamma page has no game of the week).
    expect(await bucketCount("kalshi", "2026-09-10T13:40:00Z")).toBe(7);
  });
});
