/**
 * The demo data (demo/seed.sql, read with a Vite `?raw` import: workerd cannot read files), loaded the way `npm start`
 * loads it: through scripts/lib/demo-clock.ts, which chooses the open week of 2026 for the date and loads it with the
 * weeks after it. Then the quality checks, as the nightly job would run them on the day the demo stands for (2026 week
 * 13 open for picks, 2025 week 13 played), for both seasons; the same on dates across the calendar (mid-season, after
 * the season: a week moved ahead) in databases of their own; a second load that changes nothing; and the credentials
 * `npm start` prints (scripts/lib/demo-credentials.ts) working against the API.
 * The report it prints is in the test output (`--silent=false`).
 */
import { applyD1Migrations, env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import seedSql from "../../demo/seed.sql?raw";
import { parseSeed, seedForDate } from "../../scripts/lib/demo-clock";
import { demoCredentials } from "../../scripts/lib/demo-credentials";
import { runJob } from "../../src/jobs/runner";
import { CHECKS } from "../../src/quality/checks";
import { evaluateChecks } from "../../src/quality/evaluate";
import { api } from "../helpers/api";
import { problemsOf } from "./helpers/fixture";
import { executeScript, splitSqlStatements } from "./helpers/sql-script";

/** The demo's "today": a nightly run before 2026 week 13 (its first kickoff is 2026-12-04T01:15Z; week 12 has begun). */
const DEMO_NOW = new Date("2026-11-26T02:00:00Z");
const D1_STATEMENT_LIMIT = 100_000;

const COUNTS = `SELECT (SELECT count(*) FROM games) AS games, (SELECT count(*) FROM players) AS players, (SELECT count(*) FROM picks) AS picks,
  (SELECT count(*) FROM games WHERE first_td_player_id IS NOT NULL OR no_td = 1) AS graded, (SELECT count(*) FROM results) AS results,
  (SELECT count(*) FROM weeks) AS weeks, (SELECT count(*) FROM rosters) AS rosters, (SELECT count(*) FROM standings) AS standings,
  (SELECT group_concat(id || '@' || kickoff_at, ',') FROM (SELECT id, kickoff_at FROM games ORDER BY id)) AS kickoffs,
  (SELECT group_concat(id || '@' || created_at, ',') FROM (SELECT id, created_at FROM picks ORDER BY id)) AS picked`;

interface Seed {
  sql: string;
  season: number;
  week: number;
  real: boolean;
  how: string;
  shiftWeeks: number;
  firstKickoff: string;
  weeksLoaded: number[];
}

async function load(db: D1Database, now: Date, previous: { week: number; startedAt: string } | null = null): Promise<Seed> {
  const seed: Seed = seedForDate(seedSql, now, { previous });
  const count = await executeScript(db, seed.sql);
  expect(count).toBe(splitSqlStatements(seed.sql).length);
  return seed;
}

async function checksOf(db: D1Database, now: Date, season: number) {
  const results = await evaluateChecks(db, { now, season, checks: CHECKS });
  console.log(
    `demo quality report (now ${now.toISOString()}, season ${season}):\n` +
      results.map((r) => `  ${r.status.padEnd(5)} ${r.severity.padEnd(4)} ${r.name.padEnd(36)} ${String(r.failingRows).padStart(3)} ${r.sampleKeys.join(" | ")}`).join("\n"),
  );
  return results;
}

let loaded: Seed;

beforeAll(async () => {
  loaded = await load(env.DB, DEMO_NOW);
});

describe("demo/seed.sql", () => {
  it("holds the whole 2026 regular season (weeks 1-18, real kickoffs, TBD ones as placeholders) and every statement fits D1", () => {
    const seed = parseSeed(seedSql);
    expect(seed.weeks.map((w: { week: number }) => w.week)).toEqual(Array.from({ length: 18 }, (_, i) => i + 1));
    expect(seed.weeks.reduce((n: number, w: { games: number }) => n + w.games, 0)).toBe(272);
    expect(seed.weeks.find((w: { week: number }) => w.week === 18)).toMatchObject({ tbd: 16, firstKickoff: null });
    expect(seedSql.length).toBeLessThan(1_000_000);
    for (const statement of splitSqlStatements(seedSql)) expect(new TextEncoder().encode(statement).length).toBeLessThan(D1_STATEMENT_LIMIT / 2);
  });
});

describe("the demo data, loaded at DEMO_NOW", () => {
  it("opens the real 2026 week 13 and loads it with weeks 14-18, none of the weeks that have begun", () => {
    expect(loaded).toMatchObject({ season: 2026, week: 13, real: true, how: "real", shiftWeeks: 0, firstKickoff: "2026-12-04T01:15:00Z" });
    expect(loaded.weeksLoaded).toEqual([13, 14, 15, 16, 17, 18]);
  });

  it("is loaded: 16 + 93 games, 485 players + 32 DEF, 60 + 9 picks, the 16 games of 2025 week 13 graded", async () => {
    const row = await env.DB.prepare(COUNTS).first();
    expect(row).toMatchObject({ games: 16 + 93, players: 517, picks: 69, graded: 16, results: 60, weeks: 7 });
    const weeks = await env.DB.prepare(
      "SELECT season, week, count(*) AS games, sum(is_placeholder) AS tbd FROM games GROUP BY season, week ORDER BY season, week",
    ).all();
    expect(weeks.results).toEqual([
      { season: 2025, week: 13, games: 16, tbd: 0 },
      { season: 2026, week: 13, games: 14, tbd: 0 },
      { season: 2026, week: 14, games: 15, tbd: 0 },
      { season: 2026, week: 15, games: 16, tbd: 0 },
      { season: 2026, week: 16, games: 16, tbd: 4 },
      { season: 2026, week: 17, games: 16, tbd: 4 },
      { season: 2026, week: 18, games: 16, tbd: 16 },
    ]);
    // Rosters of 2026 for all 32 teams; the open week's picks made a day before the load, by blake, casey and devon.
    expect(await env.DB.prepare("SELECT count(DISTINCT team) AS teams FROM rosters WHERE season = 2026").first("teams")).toBe(32);
    const picks = await env.DB.prepare(
      "SELECT u.name, count(*) AS n, min(p.created_at) AS at FROM picks p JOIN users u ON u.id = p.user_id JOIN games g ON g.id = p.game_id WHERE g.season = 2026 GROUP BY u.name ORDER BY u.name",
    ).all();
    expect(picks.results).toEqual([
      { name: "blake", n: 3, at: "2026-11-25T02:00:00Z" },
      { name: "casey", n: 2, at: "2026-11-25T02:00:00Z" },
      { name: "devon", n: 4, at: "2026-11-25T02:00:00Z" },
    ]);
  });

  for (const season of [2026, 2025]) {
    it(`season ${season}: every check passes`, async () => {
      const results = await checksOf(env.DB, DEMO_NOW, season);
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

  it("loading again, days later, keeps the week the first load chose and changes nothing", async () => {
    const before = await env.DB.prepare(COUNTS).first();
    const previous = (await env.DB.prepare("SELECT week, started_at AS startedAt FROM weeks WHERE season = 2026 AND started_at IS NOT NULL ORDER BY week LIMIT 1").first()) as {
      week: number;
      startedAt: string;
    };
    expect(previous).toEqual({ week: 13, startedAt: "2026-12-04T01:15:00Z" });
    const again = await load(env.DB, new Date("2026-12-02T09:00:00Z"), previous);
    expect(again).toMatchObject({ week: 13, how: "kept", shiftWeeks: 0 });
    expect(await env.DB.prepare(COUNTS).first()).toEqual(before);
  });
});

describe("the demo loaded on other dates (each in a database of its own)", () => {
  const cases = [
    { db: () => env.MIGRATION_DB_1, now: "2026-10-01T12:00:00Z", week: 5, real: true, loaded: 14 },
    { db: () => env.MIGRATION_DB_2, now: "2027-03-03T15:00:00Z", week: 15, real: false, loaded: 1 },
  ];
  for (const c of cases) {
    it(`${c.now}: 2026 week ${c.week} opens (${c.real ? "real" : "shifted"}), and the nightly checks pass for both seasons`, async () => {
      const db = c.db();
      await applyD1Migrations(db, env.TEST_MIGRATIONS);
      const now = new Date(c.now);
      const seed = await load(db, now);
      expect(seed).toMatchObject({ season: 2026, week: c.week, real: c.real });
      expect(seed.weeksLoaded).toHaveLength(c.loaded);
      expect(Date.parse(seed.firstKickoff) - now.getTime()).toBeGreaterThanOrEqual(86_400_000);
      expect(Date.parse(seed.firstKickoff) - now.getTime()).toBeLessThan((c.real ? 8 : 9) * 86_400_000);
      // Nothing of 2026 lies before the open week; its picks were made a day before the load, before every kickoff.
      const past = await db.prepare("SELECT count(*) AS n FROM games WHERE season = 2026 AND kickoff_at < ?").bind(seed.firstKickoff).first("n");
      expect(past).toBe(0);
      const picks = await db.prepare("SELECT count(*) AS n, max(p.created_at) AS at FROM picks p JOIN games g ON g.id = p.game_id WHERE g.season = 2026").first();
      expect(picks).toEqual({ n: 9, at: new Date(now.getTime() - 86_400_000).toISOString().replace(/\.\d{3}Z$/, "Z") });
      for (const season of [2026, 2025]) expect(problemsOf(await checksOf(db, now, season))).toEqual({});
    });
  }
});

describe("the credentials `npm start` prints", () => {
  it("sign blake in once with the link and authenticate the curl session with the token; the next start's replace them", async () => {
    const first = await demoCredentials(new Date());
    await executeScript(env.DB, first.statements.join("\n"));
    expect(first.signInUrl).toMatch(/^http:\/\/localhost:8787\/sign-in\/link\/[A-Za-z0-9_-]{43}$/);
    expect(first.apiToken).toMatch(/^ftd_[A-Za-z0-9_-]{43}$/);

    const me = await api("/v1/me", { token: first.apiToken });
    expect(me.status, JSON.stringify(me.json)).toBe(200);
    expect(me.json.user.name).toBe("blake");
    const games = await api(`/v1/games?season=2026&week=${loaded.week}`, { token: first.apiToken });
    expect(games.status).toBe(200);
    expect(games.json.games).toHaveLength(14);

    const signIn = await api("/v1/sign-in/link", { method: "POST", token: null, body: { token: first.signInToken } });
    expect(signIn.status, JSON.stringify(signIn.json)).toBe(200);
    expect(signIn.json.user.name).toBe("blake");
    const again = await api("/v1/sign-in/link", { method: "POST", token: null, body: { token: first.signInToken } });
    expect(again.status).toBe(410);

    // The next start: a new link and a new token, the old token refused, still one row of each.
    const second = await demoCredentials(new Date());
    await executeScript(env.DB, second.statements.join("\n"));
    expect((await api("/v1/me", { token: first.apiToken })).status).toBe(401);
    expect((await api("/v1/me", { token: second.apiToken })).status).toBe(200);
    const rows = await env.DB.prepare(
      "SELECT (SELECT count(*) FROM api_tokens WHERE created_by = 'npm start') AS tokens, (SELECT count(*) FROM sign_in_links WHERE created_by = 'npm start') AS links",
    ).first();
    expect(rows).toEqual({ tokens: 1, links: 1 });
    const audit = await env.DB.prepare("SELECT action, actor FROM admin_audit ORDER BY id").all();
    expect(audit.results.map((r) => `${r.actor} ${r.action}`)).toEqual([
      "admin_token sign_in_link.issued",
      "admin_token token.issued",
      "admin_token sign_in_link.issued",
      "admin_token token.issued",
    ]);
  });
});
