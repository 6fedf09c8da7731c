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

/** The eight 2025 week-13 games the demo leaves final but ungraded on purpose (demo/README.md). */
const UNGRADED_2025 = [
  "2025_13_ATL_NYJ",
  "2025_13_BUF_PIT",
  "2025_13_DEN_WAS",
  "2025_13_HOU_IND",
  "2025_13_JAX_TEN",
  "2025_13_LA_CAR",
  "2025_13_LV_LAC",
  "2025_13_NO_MIA",
];

beforeAll(async () => {
  const count = await executeScript(env.DB, seedSql);
  expect(count).toBe(splitSqlStatements(seedSql).length);
});

describe("the demo data", () => {
  it("is loaded: 30 games, 485 players + 32 DEF, 69 picks, 8 graded games", async () => {
    const row = await env.DB.prepare(
      `SELECT (SELECT count(*) FROM games) AS games, (SELECT count(*) FROM players) AS players, (SELECT count(*) FROM picks) AS picks,
         (SELECT count(*) FROM games WHERE first_td_player_id IS NOT NULL OR no_td = 1) AS graded, (SELECT count(*) FROM results) AS results`,
    ).first();
    expect(row).toEqual({ games: 30, players: 517, picks: 69, graded: 8, results: 34 });
  });

  for (const season of [2026, 2025]) {
    it(`season ${season}: the only finding is the demo's eight final games left ungraded on purpose`, async () => {
      const results = await evaluateChecks(env.DB, { now: DEMO_NOW, season, checks: CHECKS });
      console.log(
        `demo quality report (now ${DEMO_NOW.toISOString()}, season ${season}):\n` +
          results.map((r) => `  ${r.status.padEnd(5)} ${r.severity.padEnd(4)} ${r.name.padEnd(36)} ${String(r.failingRows).padStart(3)} ${r.sampleKeys.join(" | ")}${r.details && r.status !== "pass" ? ` ${JSON.stringify(r.details)}` : ""}`).join("\n"),
      );
      const ungraded = await env.DB.prepare(
        "SELECT id FROM games WHERE status = 'final' AND first_td_player_id IS NULL AND no_td = 0 ORDER BY id",
      ).all<{ id: string }>();
      expect(ungraded.results.map((g) => g.id)).toEqual(UNGRADED_2025);
      expect(problemsOf(results)).toEqual({
        games_final_without_first_td: { status: "fail", failingRows: 8, sampleKeys: UNGRADED_2025.slice(0, 5).map((id) => `games#${id}`) },
      });
      // The season-scoped checks looked at data: drift compared the demo's standings, positions saw its rosters.
      const bySeason = Object.fromEntries(results.map((r) => [r.name, r.details]));
      expect(bySeason.rosters_unknown_position).toMatchObject({ season, unknown: 0 });
      expect((bySeason.rosters_unknown_position as { activeSkillAndUnknown: number }).activeSkillAndUnknown).toBeGreaterThan(400);
    });
  }

  it("once the eight games are graded (here: marked no-TD), every check passes, for either season", async () => {
    await env.DB.batch(UNGRADED_2025.map((id) => env.DB.prepare("UPDATE games SET no_td = 1, first_td_recorded_by = 'test' WHERE id = ?").bind(id)));
    for (const season of [2026, 2025]) {
      expect(problemsOf(await evaluateChecks(env.DB, { now: DEMO_NOW, season }))).toEqual({});
    }
    // And the job, as `npm run job -- quality` runs it, agrees and stores the run.
    const report = await runJob(env, { job: "quality", trigger: "cli", now: DEMO_NOW, season: 2025, progress: (m) => console.log(m) });
    expect(report.outcome!.details).toMatchObject({ qualityStatus: "pass", failed: [], warned: [], errored: [] });
  });
});
