/**
 * The quality checks on the demo data (demo/seed.sql, loaded with a Vite `?raw` import: workerd cannot read files).
 * Run as the nightly job would on the day the demo stands for (2026 week 13 open for picks, 2025 week 13 played),
 * for both seasons of the demo. The report it prints is in the test output (`--silent=false`).
 */
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import seedSql from "../../demo/seed.sql?raw";
import { runJob } from "../../src/jobs/runner";
import { CHECKS } from "../../src/quality/checks";
import { problemsOf } from "./helpers/fixture";
import { evaluateChecks } from "../../src/quality/evaluate";
import { executeScript, splitSqlStatements } from "./helpers/sql-script";

/** The demo's "today": a nightly run before 2026 week 13 (its first kickoff is 2026-12-04T01:15Z). */
const DEMO_NOW = new Date("2026-11-26T02:00:00Z");

beforeAll(async () => {
  const count = await executeScript(env.DB, seedSql);
  expect(count).toBe(splitSqlStatements(seedSql).length);
});

describe("the demo data", () => {
  it("is loaded: 30 games, 485 players + 32 DEF, 69 picks, the 16 games of 2025 week 13 graded", async () => {
    const row = await env.DB.prepare(
      `SELECT (SELECT count(*) FROM games) AS games, (SELECT count(*) FROM players) AS players, (SELECT count(*) FROM picks) AS picks,
         (SELECT count(*) FROM games WHERE first_td_player_id IS NOT NULL OR no_td = 1) AS graded, (SELECT count(*) FROM results) AS results`,
    ).first();
    expect(row).toEqual({ games: 30, players: 517, picks: 69, graded: 16, results: 60 });
  });

  for (const season of [2026, 2025]) {
    it(`season ${season}: every check passes`, async () => {
      const results = await evaluateChecks(env.DB, { now: DEMO_NOW, season, checks: CHECKS });
      console.log(
        `demo quality report (now ${DEMO_NOW.toISOString()}, season ${season}):\n` +
          results.map((r) => `  ${r.status.padEnd(5)} ${r.severity.padEnd(4)} ${r.name.padEnd(36)} ${String(r.failingRows).padStart(3)} ${r.sampleKeys.join(" | ")}`).join("\n"),
      );
      expect(problemsOf(results)).toEqual({});
      expect(results).toHaveLength(CHECKS.length);
      // The season-scoped checks looked at data: drift compared the demo's standings, positions saw its rosters.
      const bySeason = Object.fromEntries(results.map((r) => [r.name, r.details]));
      expect(bySeason.rosters_unknown_position).toMatchObject({ season, unknown: 0 });
      expect((bySeason.rosters_unknown_position as { activeSkillAndUnknown: number }).activeSkillAndUnknown).toBeGreaterThan(400);
    });
  }

  it("the job, as `npm run job -- quality` runs it, reports pass and stores the run", async () => {
    const report = await runJob(env, { job: "quality", trigger: "cli", now: DEMO_NOW, season: 2025, progress: (m) => console.log(m) });
    expect(report.outcome!.details).toMatchObject({ qualityStatus: "pass", failed: [], warned: [], errored: [] });
  });
});
