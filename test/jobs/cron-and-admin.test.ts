import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { CRON_JOBS, isJobName, JOBS, ON_DEMAND_JOBS } from "../../src/jobs/registry";
import wranglerToml from "../../wrangler.toml?raw";
import gamesV1 from "../fixtures/jobs/games_2025.csv?raw";
import rosterV1 from "../fixtures/jobs/roster_2025.csv?raw";
import aliases from "../fixtures/nflverse/clean_player_names_excerpt.csv?raw";
import { api, createUserWithToken, expectError } from "../helpers/api";
import { lastRun, rows, runScheduled, syncRuns } from "./support/db";
import { summary } from "./support/espn";
import { csv, FakeUpstream, json, status, urls } from "./support/upstream";

/** The crons of wrangler.toml's [triggers] section. */
function wranglerCrons(): string[] {
  const triggers = /^\[triggers\]\s*$([\s\S]*?)(?=^\[)/m.exec(wranglerToml)?.[1] ?? "";
  const list = /^\s*crons\s*=\s*\[([^\]]*)\]/m.exec(triggers)?.[1];
  if (list === undefined) throw new Error("wrangler.toml has no [triggers] crons");
  return [...list.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
}

const upstream = new FakeUpstream();

/** Runs the Worker's scheduled handler at `at` (the handler reads the clock, so Date is faked meanwhile). */
async function scheduled(cron: string, at = "2025-08-20T09:00:00Z") {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date(at));
  try {
    return await runScheduled(cron, new Date(at));
  } finally {
    vi.useRealTimers();
  }
}

beforeAll(() => upstream.install());
afterAll(() => upstream.restore());
beforeEach(() => upstream.reset());
afterEach(() => expect(upstream.unrouted).toEqual([]));

describe("cron dispatch", () => {
  it("maps exactly the crons of wrangler.toml, each to a registered job, every job scheduled but the on-demand ones", () => {
    const crons = wranglerCrons();
    expect(crons.length).toBeGreaterThan(0);
    expect(Object.keys(CRON_JOBS).sort()).toEqual([...crons].sort());
    for (const job of Object.values(CRON_JOBS)) expect(isJobName(job)).toBe(true);
    for (const job of ON_DEMAND_JOBS) expect(Object.values(CRON_JOBS)).not.toContain(job);
    expect([...new Set(Object.values(CRON_JOBS)), ...ON_DEMAND_JOBS].sort()).toEqual(Object.keys(JOBS).sort());
  });

  it.each(Object.entries(CRON_JOBS))("cron '%s' runs %s through the scheduled handler and logs it", async (cron, job) => {
    upstream.on(urls.roster(2025), csv(rosterV1));
    upstream.on(urls.playerAliases(), csv(aliases));
    upstream.on(urls.games(), csv(gamesV1));
    const ingestionCalls: Record<string, string[]> = {
      "roster-sync": [urls.roster(2025), urls.playerAliases()],
      "schedule-sync": [urls.games()],
      "live-sync": [],
    };
    // Another helper's job (quality, markets): only its dispatch is this file's business; its upstreams answer 404.
    if (!(job in ingestionCalls)) upstream.fallback = status(404);
    const before = (await syncRuns()).length;
    const result = await scheduled(cron);
    const runs = await syncRuns();
    expect(runs).toHaveLength(before + 1);
    const run = runs.at(-1)!;
    expect(run).toMatchObject({ job, trigger: "cron", cron, season: 2025, week: null, started_at: "2025-08-20T09:00:00Z" });
    expect(run.finished_at).not.toBeNull();
    // The handler throws exactly when the run failed.
    expect(result.outcome).toBe(run.status === "failed" ? "exception" : "ok");
    // The ingestion jobs, with their upstreams served: each asks its own upstream and succeeds. (The live sync finds
    // no game near, none being stored before the schedule sync, and asks nobody.)
    if (job in ingestionCalls) {
      expect(run).toMatchObject({ status: "ok", error: null });
      expect(upstream.calls.map((c) => c.url)).toEqual(ingestionCalls[job]);
    } else {
      upstream.reset();
    }
  });

  it("records an unknown cron as a failed run of job 'unknown' and throws", async () => {
    const before = (await syncRuns()).length;
    const result = await scheduled("15 3 * * *");
    expect(result.outcome).toBe("exception");
    const runs = await syncRuns();
    expect(runs).toHaveLength(before + 1);
    expect(runs.at(-1)).toMatchObject({
      job: "unknown",
      trigger: "cron",
      cron: "15 3 * * *",
      status: "failed",
      error: "no job is registered for cron '15 3 * * *'",
      season: null,
    });
    expect(runs.at(-1)!.finished_at).not.toBeNull();
    expect(upstream.calls).toEqual([]);
  });

  it("a job that fails under cron is recorded as failed, then the handler throws", async () => {
    upstream.on(urls.roster(2025), status(404, {}, "Not Found"));
    const result = await scheduled("0 9 * * *");
    expect(result.outcome).toBe("exception");
    expect(await lastRun()).toMatchObject({
      job: "roster-sync",
      trigger: "cron",
      cron: "0 9 * * *",
      status: "failed",
      error: `UpstreamError: Upstream answered 404 (${urls.roster(2025)})`,
    });
  });
});

describe("admin endpoints of the jobs", () => {
  it("POST /v1/admin/jobs/{job}/run runs the job for the season asked and answers the logged run", async () => {
    upstream.on(urls.games(), csv(gamesV1));
    const response = await api("/v1/admin/jobs/schedule-sync/run", { method: "POST", body: { season: 2025, week: 1 } });
    expect(response.status).toBe(200);
    const run = await lastRun();
    expect(response.json).toMatchObject({
      id: run.id,
      job: "schedule-sync",
      trigger: "admin",
      cron: null,
      season: 2025,
      week: 1,
      status: "ok",
      readCount: run.read_count,
      insertedCount: run.inserted_count,
      updatedCount: run.updated_count,
      unchangedCount: run.unchanged_count,
      rejectedCount: 0,
      d1RowsWritten: run.d1_rows_written,
      error: null,
    });
    expect(response.json.readCount).toBe(14);
    expect(response.json.details).toEqual(run.details);
  });

  it("POST without a body uses the current season", async () => {
    const now = "2026-01-10T12:00:00Z";
    // January 2026 belongs to the 2025 season: the live sync's catch-up reads that season's games played and not
    // settled yet (every one the schedule sync loaded above), and no other season's (the 2024 Super Bowl).
    const played = await rows<{ eventId: string; away: string; home: string; kickoffAt: string }>(
      `SELECT espn_event_id AS eventId, away_team AS away, home_team AS home, kickoff_at AS kickoffAt FROM games
       WHERE season = 2025 AND kickoff_at <= ? ORDER BY kickoff_at, id`,
      now,
    );
    expect(played.length).toBeGreaterThan(10);
    for (const game of played) {
      const fieldGoal = { id: `${game.eventId}1`, type: "Field Goal Good", text: "A 30 Yd Field Goal", team: game.home, period: 1, clock: "5:00", awayScore: 0, homeScore: 3 };
      upstream.on(urls.summary(game.eventId), json(summary({ ...game, state: "post", awayScore: 0, homeScore: 3, season: 2025, plays: [fieldGoal] })));
    }
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date(now));
    try {
      const response = await api("/v1/admin/jobs/live-sync/run", { method: "POST" });
      expect(response.status).toBe(200);
      expect(response.json).toMatchObject({ job: "live-sync", trigger: "admin", season: 2025, week: null, status: "ok" });
      expect(response.json.details).toMatchObject({ mode: "live", games: played.length, gamesLeft: 0 });
    } finally {
      vi.useRealTimers();
    }
    expect(upstream.calls.map((c) => c.url)).toEqual(played.map((g) => urls.summary(g.eventId)));
  });

  it("POST /v1/admin/jobs/nope/run -> 404 job_not_found, and nothing is logged", async () => {
    const before = (await syncRuns()).length;
    const response = await api("/v1/admin/jobs/nope/run", { method: "POST", body: {} });
    expectError(response, 404, "job_not_found");
    expect((await syncRuns()).length).toBe(before);
  });

  it("refuses non-admins: 403 for running a job and for the run log", async () => {
    const user = await createUserWithToken();
    const before = (await syncRuns()).length;
    expectError(await api("/v1/admin/jobs/roster-sync/run", { method: "POST", token: user.token, body: {} }), 403, "forbidden");
    expectError(await api("/v1/admin/sync-runs", { token: user.token }), 403, "forbidden");
    expect((await syncRuns()).length).toBe(before);
    expect(upstream.calls).toEqual([]);
  });

  it("GET /v1/admin/sync-runs lists the runs newest first, with their counts, filterable and paged", async () => {
    const all = await syncRuns();
    expect(all.length).toBeGreaterThanOrEqual(7);
    const response = await api("/v1/admin/sync-runs");
    expect(response.status).toBe(200);
    const listed = response.json.runs as { id: number; job: string; status: string; readCount: number; insertedCount: number; d1RowsWritten: number; details: unknown }[];
    expect(listed.map((r) => r.id)).toEqual(all.map((r) => r.id).reverse());
    for (const run of listed) {
      const stored = all.find((r) => r.id === run.id)!;
      expect(run).toMatchObject({
        job: stored.job,
        status: stored.status,
        readCount: stored.read_count,
        insertedCount: stored.inserted_count,
        d1RowsWritten: stored.d1_rows_written,
        details: stored.details,
      });
    }

    const rosterRuns = await api("/v1/admin/sync-runs?job=roster-sync");
    expect(rosterRuns.json.runs.map((r: { id: number }) => r.id)).toEqual(all.filter((r) => r.job === "roster-sync").map((r) => r.id).reverse());

    const page1 = await api("/v1/admin/sync-runs?limit=2");
    const page2 = await api(`/v1/admin/sync-runs?limit=2&before=${page1.json.runs[1].id}`);
    expect([...page1.json.runs, ...page2.json.runs].map((r: { id: number }) => r.id)).toEqual(listed.slice(0, 4).map((r) => r.id));
  });
});
