import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { CHECKS } from "../../src/quality/checks";
import { evaluate, NOW, seedFixture, value } from "./helpers/fixture";

beforeAll(async () => {
  await seedFixture();
});

describe("a clean database", () => {
  it("has data for every check to look at (the fixture is not empty where it matters)", async () => {
    const counts = await env.DB.prepare(
      `SELECT (SELECT count(*) FROM games) AS games, (SELECT count(*) FROM picks) AS picks, (SELECT count(*) FROM results) AS results,
         (SELECT count(*) FROM standings) AS standings, (SELECT count(*) FROM player_stats) AS playerStats,
         (SELECT count(*) FROM rosters) AS rosters, (SELECT count(*) FROM market_odds) AS marketOdds,
         (SELECT count(*) FROM game_fact_changes) AS factChanges, (SELECT count(*) FROM sync_runs) AS syncRuns,
         (SELECT count(*) FROM results WHERE outcome = 'win') AS wins`,
    ).first();
    expect(counts).toEqual({
      games: 20,
      picks: 8,
      results: 5,
      standings: 9, // three users, season + week 1 + week 2 rows (bob and cy have both weeks, ann too)
      playerStats: 9, // week 1's nine first-TD scorers (one game had no TD)
      rosters: 60,
      marketOdds: 6,
      factChanges: 10,
      syncRuns: 3,
      wins: 3,
    });
  });

  it("passes every check, each with 0 failing rows and no sample keys", async () => {
    const results = await evaluate();
    expect(results.map((r) => r.name)).toEqual(CHECKS.map((c) => c.name));
    const notClean = results.filter((r) => r.status !== "pass" || r.failingRows !== 0 || r.sampleKeys.length !== 0);
    expect(notClean).toEqual([]);
  });

  it("the season-scoped checks really looked (their details say so)", async () => {
    const results = Object.fromEntries((await evaluate()).map((r) => [r.name, r]));
    expect(results.freshness_rosters!.details).toMatchObject({ applies: true, lastOk: "2025-09-19T09:02:00Z", ageHours: 17 });
    expect(results.freshness_schedule!.details).toMatchObject({ applies: true, ageHours: 16.5 });
    expect(results.rosters_unknown_position!.details).toMatchObject({ unknown: 0, activeSkillAndUnknown: 40, percent: 0 });
    expect(results.markets_unmapped_share!.details).toMatchObject({ unmapped: 1, mapped: 6, percent: 14.3 });
    expect(results.drift_player_stats!.details).toMatchObject({ season: 2025, capped: false });
  });

  it("the check list: unique names, valid severities, and the counts per severity", () => {
    expect(new Set(CHECKS.map((c) => c.name)).size).toBe(CHECKS.length);
    const bySeverity = { fail: CHECKS.filter((c) => c.severity === "fail").length, warn: CHECKS.filter((c) => c.severity === "warn").length };
    expect(bySeverity).toEqual({ fail: 43, warn: 12 });
  });

  it("every check has a fault test (its name appears in a faults-*.test.ts file)", () => {
    const sources = Object.values(import.meta.glob("./faults-*.test.ts", { query: "?raw", import: "default", eager: true }) as Record<string, string>).join("\n");
    expect(CHECKS.map((c) => c.name).filter((name) => !sources.includes(name))).toEqual([]);
  });

  it("NOW is what the fixture says", async () => {
    expect(NOW.toISOString()).toBe("2025-09-20T02:00:00.000Z");
    expect(await value("SELECT count(*) FROM games WHERE status = 'final'")).toBe(10);
  });
});
