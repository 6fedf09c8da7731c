/**
 * The quality job end to end: through the job runner (as cron, admin and CLI reach it), its history in quality_runs /
 * quality_results next to its sync_runs row, and the alert webhook (globalThis.fetch stubbed: the Worker runs in
 * this isolate, so the stub is what its fetch calls).
 */
import { createExecutionContext, createScheduledController, env } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import wranglerToml from "../../wrangler.toml?raw";
import worker from "../../src/index";
import { CRON_JOBS, JOBS } from "../../src/jobs/registry";
import { runJob } from "../../src/jobs/runner";
import { CHECKS } from "../../src/quality/checks";
import { evaluateChecks } from "../../src/quality/evaluate";
import { functionCheck, sqlCheck } from "../../src/quality/types";
import { WEEK2, NOW, onUndo, run, seedFixture, undoAll, value } from "./helpers/fixture";
import { withCheckConstraintsOff } from "./helpers/faults";

const WEBHOOK = "https://hooks.example.test/firsttd-quality";

interface Call {
  url: string;
  method: string;
  contentType: string | null;
  body: any;
}

let calls: Call[] = [];
let webhookStatus = 200;

/** globalThis.fetch stubbed: records every call, answers with webhookStatus. */
function stubFetch() {
  calls = [];
  webhookStatus = 200;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    calls.push({ url: request.url, method: request.method, contentType: request.headers.get("content-type"), body: JSON.parse(await request.text()) });
    return new Response(webhookStatus === 200 ? "ok" : "upstream broke", { status: webhookStatus });
  });
}

function runQualityJob(options: { webhook?: string | null; trigger?: "cli" | "admin" | "cron" } = {}) {
  const jobEnv = { ...env, QUALITY_WEBHOOK_URL: options.webhook === undefined ? WEBHOOK : (options.webhook ?? undefined) };
  return runJob(jobEnv, { job: "quality", trigger: options.trigger ?? "cli", now: NOW, season: 2025, progress: () => {} });
}

/** One fail-level fault: home = away in a week-2 game without picks (plus a warn-level one when asked). */
async function injectFault(options: { warnToo?: boolean } = {}) {
  const g = WEEK2[9]!;
  onUndo(() => run("UPDATE games SET away_team = ? WHERE id = ?", g.away, g.id));
  await withCheckConstraintsOff([env.DB.prepare("UPDATE games SET away_team = home_team WHERE id = ?").bind(g.id)]);
  if (options.warnToo) {
    onUndo(() => run("UPDATE games SET first_td_player_name = NULL WHERE id = ?", WEEK2[8]!.id));
    await run("UPDATE games SET first_td_player_name = 'Mystery Man' WHERE id = ?", WEEK2[8]!.id);
  }
  return g;
}

async function qualityRun(id: number) {
  return env.DB.prepare("SELECT * FROM quality_runs WHERE id = ?").bind(id).first<Record<string, any>>();
}

beforeAll(async () => {
  await seedFixture();
});

afterEach(async () => {
  vi.restoreAllMocks();
  await undoAll();
});

describe("registration", () => {
  it("is a job like the others and runs on its own Cron Trigger at 02:00 UTC, in wrangler.toml and CRON_JOBS alike", () => {
    expect(typeof JOBS.quality).toBe("function");
    expect(CRON_JOBS["0 2 * * *"]).toBe("quality");
    const crons = JSON.parse(/^crons\s*=\s*(\[.*\])/m.exec(wranglerToml)![1]!) as string[];
    expect(crons).toContain("0 2 * * *");
    expect([...crons].sort()).toEqual(Object.keys(CRON_JOBS).sort());
  });
});

describe("a run", () => {
  it("on a clean database: sync_runs ok, quality_runs pass with every check stored, no webhook call", async () => {
    stubFetch();
    const report = await runQualityJob();
    expect(report.status).toBe("ok");
    expect(report.outcome).toMatchObject({ read: CHECKS.length, inserted: CHECKS.length, rejected: 0 });
    const runId = report.outcome!.details!.qualityRunId as number;
    expect(report.outcome!.details).toEqual({ qualityRunId: runId, qualityStatus: "pass", failed: [], warned: [], errored: [], alert: "not_needed" });
    expect(await qualityRun(runId)).toMatchObject({
      trigger: "cli",
      status: "pass",
      started_at: "2025-09-20T02:00:00Z",
      checks_total: CHECKS.length,
      checks_failed: 0,
      checks_warned: 0,
      checks_errored: 0,
      alert_sent_at: null,
      alert_error: null,
    });
    const { results } = await env.DB.prepare("SELECT check_name, table_name, severity, status, failing_rows, sample_keys FROM quality_results WHERE run_id = ? ORDER BY id").bind(runId).all();
    expect(results).toEqual(CHECKS.map((c) => ({ check_name: c.name, table_name: c.table, severity: c.severity, status: "pass", failing_rows: 0, sample_keys: "[]" })));
    const syncRun = await env.DB.prepare("SELECT job, trigger, status, season, read_count, inserted_count FROM sync_runs WHERE id = ?").bind(report.runId).first();
    expect(syncRun).toEqual({ job: "quality", trigger: "cli", status: "ok", season: 2025, read_count: CHECKS.length, inserted_count: CHECKS.length });
    expect(calls).toEqual([]);
  });

  it("with a failing check: stored with its count and sample keys, and the webhook gets one compact JSON summary", async () => {
    const g = await injectFault({ warnToo: true });
    stubFetch();
    const report = await runQualityJob({ trigger: "admin" });
    const runId = report.outcome!.details!.qualityRunId as number;
    expect(report.status).toBe("ok"); // the job worked; the data is what failed
    expect(report.outcome!.details).toMatchObject({
      qualityStatus: "fail",
      failed: ["games_home_equals_away: 1"],
      warned: ["games_unresolved_first_td_scorer: 1"],
      alert: "sent",
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toEqual({
      url: WEBHOOK,
      method: "POST",
      contentType: "application/json",
      body: {
        source: "firsttd-quality",
        runId,
        status: "fail",
        startedAt: "2025-09-20T02:00:00Z",
        checks: { total: CHECKS.length, failed: 1, warned: 1, errored: 0 },
        failing: [{ check: "games_home_equals_away", table: "games", status: "fail", failingRows: 1 }],
        text: `firsttd data quality run #${runId}: FAIL: games_home_equals_away 1`,
      },
    });
    const stored = await qualityRun(runId);
    expect(stored).toMatchObject({ trigger: "admin", status: "fail", checks_failed: 1, checks_warned: 1, alert_error: null });
    expect(stored!.alert_sent_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const result = await env.DB.prepare("SELECT status, failing_rows, sample_keys FROM quality_results WHERE run_id = ? AND check_name = 'games_home_equals_away'").bind(runId).first();
    expect(result).toEqual({ status: "fail", failing_rows: 1, sample_keys: JSON.stringify([`games#${g.id} ${g.home}`]) });
  });

  it("with a failing check but no webhook configured: no call at all", async () => {
    await injectFault();
    stubFetch();
    const report = await runQualityJob({ webhook: null });
    expect(report.outcome!.details).toMatchObject({ qualityStatus: "fail", alert: "no_webhook" });
    expect(calls).toEqual([]);
    expect(await qualityRun(report.outcome!.details!.qualityRunId as number)).toMatchObject({ alert_sent_at: null, alert_error: null });
    // An empty value (the way a var would be left unset) is no webhook either.
    const blank = await runQualityJob({ webhook: "  " });
    expect(blank.outcome!.details).toMatchObject({ alert: "no_webhook" });
    expect(calls).toEqual([]);
  });

  it("with warnings only: no call", async () => {
    onUndo(() => run("UPDATE games SET first_td_player_name = NULL WHERE id = ?", WEEK2[8]!.id));
    await run("UPDATE games SET first_td_player_name = 'Mystery Man' WHERE id = ?", WEEK2[8]!.id);
    stubFetch();
    const report = await runQualityJob();
    expect(report.outcome!.details).toMatchObject({ qualityStatus: "warn", alert: "not_needed" });
    expect(calls).toEqual([]);
  });

  it("a webhook that fails is recorded in alert_error; the run itself stays ok", async () => {
    await injectFault();
    stubFetch();
    webhookStatus = 503;
    const report = await runQualityJob();
    expect(report.status).toBe("ok");
    expect(calls).toHaveLength(1);
    const stored = await qualityRun(report.outcome!.details!.qualityRunId as number);
    expect(stored).toMatchObject({ status: "fail", alert_sent_at: null, alert_error: "webhook answered HTTP 503: upstream broke" });
    expect(report.outcome!.details).toMatchObject({ alert: "failed", alertError: "webhook answered HTTP 503: upstream broke" });
  });
});

describe("the cron", () => {
  it("the scheduled handler runs the quality job for '0 2 * * *', recorded with trigger cron in both logs", async () => {
    stubFetch();
    const before = await value<number>("SELECT coalesce(max(id), 0) FROM quality_runs");
    // The Worker's own scheduled handler, as Cloudflare calls it (it throws when the job fails).
    const scheduled = worker.scheduled as (controller: ScheduledController, e: typeof env, ctx: ExecutionContext) => Promise<void>;
    await scheduled(createScheduledController({ cron: "0 2 * * *", scheduledTime: Date.now() }), env, createExecutionContext());
    const syncRun = await env.DB.prepare("SELECT job, trigger, cron, status FROM sync_runs WHERE job = 'quality' ORDER BY id DESC LIMIT 1").first();
    expect(syncRun).toEqual({ job: "quality", trigger: "cron", cron: "0 2 * * *", status: "ok" });
    const runs = await env.DB.prepare("SELECT trigger, checks_total FROM quality_runs WHERE id > ?").bind(before).all();
    expect(runs.results).toEqual([{ trigger: "cron", checks_total: CHECKS.length }]);
  });
});

describe("a check that breaks", () => {
  it("is reported as error with its message and does not stop the others, SQL or function", async () => {
    const checks = [
      CHECKS.find((c) => c.name === "games_home_equals_away")!,
      sqlCheck({ name: "broken_sql", table: "nowhere", severity: "fail", description: "x", sql: "SELECT key FROM no_such_table" }),
      functionCheck({ name: "broken_function", table: "nowhere", severity: "warn", description: "x", run: async () => { throw new Error("boom"); } }),
      CHECKS.find((c) => c.name === "drift_standings")!,
    ];
    const results = await evaluateChecks(env.DB, { now: NOW, season: 2025, checks });
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ["games_home_equals_away", "pass"],
      ["broken_sql", "error"],
      ["broken_function", "error"],
      ["drift_standings", "pass"],
    ]);
    expect(String(results[1]!.details!.error)).toContain("no such table: no_such_table");
    expect(results[2]!.details).toEqual({ error: "Error: boom" });
  });
});
