import { env } from "cloudflare:test";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { JobName } from "../../src/jobs/registry";
import gamesV1 from "../fixtures/jobs/games_2025.csv?raw";
import rosterV1 from "../fixtures/jobs/roster_2025.csv?raw";
import aliases from "../fixtures/nflverse/clean_player_names_excerpt.csv?raw";
import { expectRun, row, rows, run, snapshot, type SyncRunRow } from "./support/db";
import { scoreboard } from "./support/espn";
import { csv, FakeUpstream, html, json, noAnswer, stalledBody, status, urls, type Reply } from "./support/upstream";

/**
 * Each upstream fault, for each job: the run log says what happened (failed with a clear error, or partial with
 * the rejected rows counted and named) and the database is unchanged, or only the good rows landed.
 * Retries and timeouts use the short policy of support/db.ts (FAST: 3 attempts, 5 ms backoff, 200 ms timeout).
 */

const upstream = new FakeUpstream();

const OPENER = { id: "2025_01_DAL_PHI", eventId: "401772510", kickoffAt: "2025-09-05T00:20:00Z" };
const openerEvent = { eventId: OPENER.eventId, kickoffAt: OPENER.kickoffAt, away: "DAL", home: "PHI", state: "pre" as const };

interface JobCase {
  job: JobName;
  /** The one upstream the job starts with. */
  url: () => string;
  /** A good answer of that upstream. */
  good: Reply;
  /** The good body cut short. */
  truncated: Reply;
  now: string;
  /** The season asked for; none: the job takes it from the clock, as the cron does. */
  season?: number;
  /** What the run's error says before the upstream's own error (a job that asks many calls sums them up). */
  errorPrefix: string;
}

const JOB_CASES: JobCase[] = [
  {
    job: "roster-sync",
    url: () => urls.roster(2025),
    good: csv(rosterV1),
    truncated: csv(rosterV1.slice(0, rosterV1.indexOf("Jake Ferguson"))),
    now: "2025-08-20T09:00:00Z",
    season: 2025,
    errorPrefix: "",
  },
  {
    job: "schedule-sync",
    url: () => urls.games(),
    good: csv(gamesV1),
    truncated: csv(gamesV1.slice(0, gamesV1.indexOf("2025_09_KC_BUF") + 40)),
    now: "2025-08-20T09:30:00Z",
    season: 2025,
    errorPrefix: "",
  },
  {
    job: "live-sync",
    url: () => urls.scoreboard("2025-09-04"),
    good: json(scoreboard([openerEvent])),
    truncated: () => new Response(JSON.stringify(scoreboard([openerEvent])).slice(0, 700), { headers: { "content-type": "application/json" } }),
    // Ten minutes before the opener, a cron run (no season asked: a backfill would look at games past kickoff only):
    // the live sync watches the opener through its scoreboard, the one call it makes. When no call gives a usable
    // answer the run fails, its error naming the first failed call.
    now: "2025-09-05T00:10:00Z",
    errorPrefix: "Error: no usable answer from ESPN \\(1 call failed\\), first: scoreboard 2025-09-04: ",
  },
];

/** `error` matches the upstream's own error; the job's prefix (errorPrefix) goes in front of it. */
async function expectFailure(c: Pick<JobCase, "job" | "now" | "season" | "errorPrefix">, error: RegExp): Promise<SyncRunRow> {
  const before = await snapshot();
  const report = await run(c.job, { season: c.season, now: c.now });
  const logged = await expectRun(report, {
    job: c.job,
    status: "failed",
    inserted_count: 0,
    updated_count: 0,
    d1_rows_written: 0,
    details: null,
  });
  expect(logged.error).toMatch(new RegExp(`^${c.errorPrefix}${error.source.replace(/^\^/, "")}`));
  expect(await snapshot()).toEqual(before);
  return logged;
}

beforeAll(async () => {
  upstream.install();
  await env.DB.prepare(
    "INSERT INTO games (id, season, week, game_type, kickoff_at, home_team, away_team, status, espn_event_id) VALUES (?, 2025, 1, 'REG', ?, 'PHI', 'DAL', 'scheduled', ?)",
  )
    .bind(OPENER.id, OPENER.kickoffAt, OPENER.eventId)
    .run();
});
afterAll(() => upstream.restore());
beforeEach(() => {
  upstream.reset();
  // roster-sync's second upstream, always served: the faults here are the first upstream's.
  upstream.on(urls.playerAliases(), csv(aliases));
});
afterEach(() => expect(upstream.unrouted).toEqual([]));

describe.each(JOB_CASES)("$job: upstream faults", (c) => {
  it("5xx: retried, then failed with the status; nothing written", async () => {
    upstream.on(c.url(), status(503), status(502), status(500));
    const logged = await expectFailure(c, /^UpstreamError: Upstream answered 500 \(https:\/\//);
    expect(logged.error).toContain(c.url());
    expect(upstream.callsTo(c.url())).toHaveLength(3);
  });

  it("a 5xx that clears on retry: the run succeeds", async () => {
    upstream.on(c.url(), status(503), c.good);
    const report = await run(c.job, { season: c.season, now: c.now });
    await expectRun(report, { status: "ok", error: null });
    expect(upstream.callsTo(c.url())).toHaveLength(2);
  });

  it("429 with Retry-After: waits as long as it says, then succeeds", async () => {
    upstream.on(c.url(), status(429, { "retry-after": "1" }), c.good);
    const report = await run(c.job, { season: c.season, now: c.now });
    await expectRun(report, { status: "ok" });
    const [first, second] = upstream.callsTo(c.url());
    // The policy's own backoff is 5 ms: the second second comes from Retry-After.
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1_000);
  });

  it("429 that persists: failed after the retries; nothing written", async () => {
    upstream.on(c.url(), status(429, { "retry-after": "0" }));
    await expectFailure(c, /^UpstreamError: Upstream answered 429 /);
    expect(upstream.callsTo(c.url())).toHaveLength(3);
  });

  it("no answer: each attempt times out, then failed; nothing written", async () => {
    upstream.on(c.url(), noAnswer());
    await expectFailure(c, /^UpstreamError: No answer within 200 ms \(/);
    expect(upstream.callsTo(c.url())).toHaveLength(3);
  });

  it("a body that stalls after the headers: failed as a timeout; nothing written", async () => {
    upstream.on(c.url(), stalledBody(c.job === "live-sync" ? '{"events": [' : rosterV1.slice(0, 500)));
    await expectFailure(c, /^UpstreamError: The body did not arrive within 200 ms \(https:/);
  });

  it("404: failed at once (not retried); nothing written", async () => {
    upstream.on(c.url(), status(404, {}, "Not Found"));
    await expectFailure(c, /^UpstreamError: Upstream answered 404 /);
    expect(upstream.callsTo(c.url())).toHaveLength(1);
  });

  it("an HTML page with status 200 instead of the data: failed; nothing written", async () => {
    upstream.on(c.url(), html(200));
    await expectFailure(c, /^UpstreamError: Upstream sent an HTML page instead of data/);
  });

  it("a truncated body: failed; nothing written", async () => {
    upstream.on(c.url(), c.truncated);
    await expectFailure(c, c.job === "live-sync" ? /^UpstreamError: Upstream sent a body that is not valid JSON/ : /^CsvInputError: .*cut short/);
  });
});

describe("CSV files with a missing column", () => {
  function withoutColumn(text: string, column: string): string {
    const lines = text.trimEnd().split("\n");
    const index = lines[0]!.split(",").indexOf(column);
    expect(index).toBeGreaterThan(-1);
    // Neither file has quoted commas before these columns, so cutting the index-th field is safe.
    return lines.map((line) => line.split(",").filter((_, i) => i !== index).join(",")).join("\n") + "\n";
  }

  it("roster without gsis_id: failed, naming the column; nothing written", async () => {
    upstream.on(urls.roster(2025), csv(withoutColumn(rosterV1, "gsis_id")));
    await expectFailure(JOB_CASES[0]!, /^CsvInputError: missing required column\(s\): gsis_id$/);
  });

  it("games without gametime: failed, naming the column; nothing written", async () => {
    upstream.on(urls.games(), csv(withoutColumn(gamesV1, "gametime")));
    await expectFailure(JOB_CASES[1]!, /^CsvInputError: missing required column\(s\): gametime$/);
  });
});

describe("ESPN bodies of the wrong shape", () => {
  it("a scoreboard without events: failed; nothing written", async () => {
    upstream.on(urls.scoreboard("2025-09-04"), json({ leagues: [], season: { year: 2025 } }));
    await expectFailure(JOB_CASES[2]!, /^EspnFormatError: not an ESPN scoreboard: no events list$/);
  });
});

describe("live-sync: ESPN down while games are played", () => {
  it("every call fails: the run fails, no game is changed, each game's feed check keeps the reason and when to retry", async () => {
    // A game kicking off now (its scoreboard and summary asked for) and one three days ago the catch-up reads again.
    await env.DB.batch([
      env.DB.prepare(
        `INSERT INTO games (id, season, week, kickoff_at, home_team, away_team, status, espn_event_id)
         VALUES ('2041_01_DAL_PHI', 2041, 1, '2041-09-08T17:00:00Z', 'PHI', 'DAL', 'scheduled', '9410001'),
                ('2041_01_KC_BUF', 2041, 1, '2041-09-05T00:20:00Z', 'BUF', 'KC', 'in_progress', '9410002')`,
      ),
    ]);
    for (const url of [urls.scoreboard("2041-09-08"), urls.summary("9410001"), urls.summary("9410002")]) upstream.on(url, status(503));
    const before = await snapshot();
    const report = await run("live-sync", { now: "2041-09-08T17:30:00Z" });
    const logged = await expectRun(report, { job: "live-sync", status: "failed", updated_count: 0, details: null });
    expect(logged.error).toMatch(
      /^Error: no usable answer from ESPN \(3 calls failed\), first: scoreboard 2041-09-08: UpstreamError: Upstream answered 503 \(https:/,
    );
    // Each call was retried, and no more: three calls of three attempts.
    expect(upstream.calls).toHaveLength(9);
    expect(await snapshot()).toEqual(before);
    const retryAt = "2041-09-08T17:35:00Z";
    expect(await rows("SELECT game_id, problem, detail, attempts, next_check_at FROM game_feed_checks WHERE game_id LIKE '2041_%' ORDER BY game_id")).toEqual([
      { game_id: "2041_01_DAL_PHI", problem: "upstream_error", detail: `summary: Upstream answered 503 (${urls.summary("9410001")})`, attempts: 1, next_check_at: retryAt },
      { game_id: "2041_01_KC_BUF", problem: "upstream_error", detail: `summary: Upstream answered 503 (${urls.summary("9410002")})`, attempts: 1, next_check_at: retryAt },
    ]);
  });
});

describe("a schedule that lists far fewer games than known", () => {
  it("is refused: failed, nothing canceled, nothing written", async () => {
    upstream.on(urls.games(), csv(gamesV1));
    await expectRun(await run("schedule-sync", { season: 2025, now: "2025-08-21T09:30:00Z" }), { status: "ok" });
    const known = (await row<{ n: number }>("SELECT count(*) AS n FROM games WHERE season = 2025"))!.n;
    expect(known).toBeGreaterThanOrEqual(14);
    // A file cut at a line boundary: no truncation to see, only far fewer games (the 2024 one and four of 2025).
    const lines = gamesV1.trimEnd().split("\n");
    upstream.on(urls.games(), csv(lines.slice(0, 6).join("\n") + "\n"));
    await expectFailure(
      { job: "schedule-sync", now: "2025-08-22T09:30:00Z", season: 2025, errorPrefix: "" },
      new RegExp(`^ScheduleNotTrusted: games.csv lists 4 games of 2025 but ${known} are known: refusing to cancel the difference$`),
    );
    expect(await row("SELECT count(*) AS n FROM games WHERE status = 'canceled'")).toEqual({ n: 0 });
  });
});
