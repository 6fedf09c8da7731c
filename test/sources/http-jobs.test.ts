import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_MAX_BODY_BYTES } from "../../src/sources/http";
import aliases from "../fixtures/nflverse/clean_player_names_excerpt.csv?raw";
import { expectRun, run, snapshot } from "../jobs/support/db";
import { csv, FakeUpstream, urls, type Reply } from "../jobs/support/upstream";

/**
 * An upstream body over the cap of src/sources/http.ts fails the job's run with the UpstreamError, and the run writes
 * nothing (test/sources/http.test.ts has the cap's unit tests). Next to test/jobs/faults.test.ts's other faults.
 */

const upstream = new FakeUpstream();
const CHUNK = 64 * 1024;

/** 200 OK, a CSV-looking body of `total` bytes made on demand, no Content-Length; `pulled()`: bytes read so far. */
function endlessCsv(total: number): { reply: Reply; pulled: () => number } {
  let produced = 0;
  const line = "gsis_id,full_name,team,position\n";
  const block = new TextEncoder().encode(line.repeat(Math.ceil(CHUNK / line.length)).slice(0, CHUNK));
  const reply: Reply = () =>
    new Response(
      new ReadableStream<Uint8Array>({
        pull(controller) {
          if (produced >= total) return controller.close();
          produced += block.byteLength;
          controller.enqueue(block.slice());
        },
      }),
      { headers: { "content-type": "text/plain; charset=utf-8" } },
    );
  return { reply, pulled: () => produced };
}

/** 200 OK whose Content-Length announces `declared` bytes (the few bytes actually sent are never read). */
function announced(declared: number): Reply {
  return () => new Response("season,game_id\n", { headers: { "content-type": "text/plain; charset=utf-8", "content-length": String(declared) } });
}

beforeAll(() => upstream.install());
afterAll(() => upstream.restore());
beforeEach(() => {
  upstream.reset();
  upstream.on(urls.playerAliases(), csv(aliases));
});
afterEach(() => expect(upstream.unrouted).toEqual([]));

describe("an upstream body over the size cap", () => {
  it("roster-sync, streamed without Content-Length: reading stops past 8 MiB, the run fails, nothing written", async () => {
    const body = endlessCsv(64 * 1024 * 1024);
    upstream.on(urls.roster(2025), body.reply);
    const before = await snapshot();
    const report = await run("roster-sync", { season: 2025, now: "2025-08-20T09:00:00Z" });
    const logged = await expectRun(report, { job: "roster-sync", status: "failed", inserted_count: 0, updated_count: 0, d1_rows_written: 0 });
    expect(logged.error).toMatch(
      new RegExp(`^UpstreamError: Upstream body is larger than the ${DEFAULT_MAX_BODY_BYTES}-byte limit \\(stopped reading after \\d+ bytes\\) \\(https://`),
    );
    expect(logged.error).toContain(urls.roster(2025));
    expect(body.pulled()).toBeLessThan(DEFAULT_MAX_BODY_BYTES + 4 * CHUNK);
    expect(await snapshot()).toEqual(before);
    // A fault of the body, not of the transport: not retried.
    expect(upstream.callsTo(urls.roster(2025))).toHaveLength(1);
  });

  it("schedule-sync, Content-Length over the cap: refused before reading, the run fails, nothing written", async () => {
    upstream.on(urls.games(), announced(50_000_000));
    const before = await snapshot();
    const report = await run("schedule-sync", { season: 2025, now: "2025-08-20T09:30:00Z" });
    const logged = await expectRun(report, { job: "schedule-sync", status: "failed", inserted_count: 0, updated_count: 0, d1_rows_written: 0 });
    expect(logged.error).toBe(
      `UpstreamError: Upstream body is larger than the ${DEFAULT_MAX_BODY_BYTES}-byte limit (Content-Length says 50000000) (${urls.games()})`,
    );
    expect(await snapshot()).toEqual(before);
    expect(upstream.callsTo(urls.games())).toHaveLength(1);
  });
});
