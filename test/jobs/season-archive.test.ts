/**
 * Season archives (src/jobs/season-archive.ts), in workerd with Miniflare's R2: a finished season exported as gzipped
 * NDJSON files with a verified manifest, and restored into an empty database where every row (and everything the
 * triggers derive from them) comes back equal; runs that stop within their budget carry on; a file that changed is
 * refused.
 */
import { applyD1Migrations, env } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi, type MockInstance } from "vitest";
import type { AppEnv } from "../../src/env";
import { JOBS } from "../../src/jobs/registry";
import { runJob } from "../../src/jobs/runner";
import {
  ARCHIVE_FORMAT,
  ARCHIVE_LIMITS,
  archiveSeason,
  newestManifest,
  restoreSeason,
  seasonPrefix,
  type ArchiveLimits,
} from "../../src/jobs/season-archive";
import { addGame, addPick, addPlayers, addUser, addWeek, setFirstTd } from "../helpers/league";
import { insertRows, rows } from "../helpers/migration-db";
import { syncRun } from "./support/db";

const SEASON = 2024;
const NOW = "2025-03-01T12:00:00Z";

async function runOn(database: D1Database, job: "archive" | "archive-restore", options: { season?: number; now?: string } = {}) {
  const report = await runJob({ ...env, DB: database } as AppEnv, {
    job,
    trigger: "cli",
    season: options.season === undefined ? SEASON : options.season,
    now: new Date(options.now ?? NOW),
    progress: () => {},
  });
  const [row] = await rows<any>(database, "SELECT * FROM sync_runs WHERE id = ?", report.runId);
  return { ...row, details: row.details ? JSON.parse(row.details) : null };
}

let limited: MockInstance[] = [];
function withLimits(limits: Partial<ArchiveLimits>) {
  const all = { ...ARCHIVE_LIMITS, ...limits };
  limited = [
    vi.spyOn(JOBS, "archive").mockImplementation((ctx) => archiveSeason(ctx, all)),
    vi.spyOn(JOBS, "archive-restore").mockImplementation((ctx) => restoreSeason(ctx, all)),
  ];
}
afterEach(() => {
  for (const spy of limited) spy.mockRestore();
  limited = [];
});

const sha256 = async (bytes: ArrayBuffer) =>
  [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");

/** Every row of the season, table by table, as a reader would compare them (ids the restore does not keep left out). */
async function seasonContents(database: D1Database): Promise<Record<string, unknown[]>> {
  const ofSeasonGames = (table: string) => `SELECT t.* FROM ${table} t JOIN games g ON g.id = t.game_id WHERE g.season = ${SEASON} ORDER BY t.id`;
  const queries: Record<string, string> = {
    games: `SELECT * FROM games WHERE season = ${SEASON} ORDER BY id`,
    weeks: `SELECT * FROM weeks WHERE season = ${SEASON} ORDER BY id`,
    rosters: `SELECT * FROM rosters WHERE season = ${SEASON} ORDER BY id`,
    player_stats: `SELECT * FROM player_stats WHERE season = ${SEASON} ORDER BY id`,
    picks: ofSeasonGames("picks"),
    results: `SELECT r.pick_id, r.actual_scorer, r.is_correct, r.actual_return, r.any_time_td, r.created_at, r.outcome, r.profit_cu, r.graded_at
      FROM results r JOIN picks p ON p.id = r.pick_id JOIN games g ON g.id = p.game_id WHERE g.season = ${SEASON} ORDER BY r.pick_id`,
    standings: `SELECT season, week, user_id, picks, wins, losses, voids, units_cu FROM standings WHERE season = ${SEASON} ORDER BY week, user_id`,
    // A score that no user holds any more may keep a row at 0 users (how many depends on the history): not compared.
    standings_score_counts: `SELECT * FROM standings_score_counts WHERE season = ${SEASON} AND users > 0 ORDER BY week, metric, score`,
    league_standings: `SELECT * FROM league_standings WHERE season = ${SEASON} ORDER BY league_id, week, user_id`,
    market_odds: ofSeasonGames("market_odds"),
    market_outcomes: ofSeasonGames("market_outcomes"),
    game_fact_changes: ofSeasonGames("game_fact_changes"),
    picks_quarantine: `SELECT * FROM picks_quarantine ORDER BY id`,
    users: `SELECT * FROM users WHERE id IN (SELECT user_id FROM standings WHERE season = ${SEASON}) ORDER BY id`,
    // DEF-<TEAM> players are seeded by the migrations in every database (their created_at differs).
    players: `SELECT * FROM players WHERE id NOT LIKE 'DEF-%' AND id IN (SELECT player_id FROM rosters WHERE season = ${SEASON}) ORDER BY id`,
  };
  const result: Record<string, unknown[]> = {};
  for (const [table, query] of Object.entries(queries)) result[table] = await rows(database, query);
  return result;
}

let source: Record<string, unknown[]>;

beforeAll(async () => {
  const db = env.DB;
  await addPlayers(db, SEASON, [
    { id: "00-0000001", name: "Ann Runner", team: "KC", position: "RB" },
    { id: "00-0000002", name: "Bo Catcher", team: "BAL", position: "WR" },
    { id: "00-0000003", name: "Cy Thrower", team: "DAL", position: "QB" },
    { id: "00-0000004", name: "Di End", team: "PHI", position: "TE" },
  ]);
  await addPlayers(db, 2025, [{ id: "00-0000001", name: "Ann Runner", team: "KC", position: "RB" }]);
  await addWeek(db, SEASON, 1);
  await addWeek(db, SEASON, 2);
  await addWeek(db, 2025, 1);
  const g1 = await addGame(db, { season: SEASON, week: 1, away: "KC", home: "BAL", kickoffAt: "2024-09-08T17:00:00Z" });
  const g2 = await addGame(db, { season: SEASON, week: 1, away: "DAL", home: "PHI", kickoffAt: "2024-09-08T20:25:00Z" });
  const g3 = await addGame(db, { season: SEASON, week: 2, away: "BAL", home: "KC", kickoffAt: "2024-09-15T17:00:00Z" });
  const next = await addGame(db, { season: 2025, week: 1, away: "KC", home: "BAL", kickoffAt: "2025-09-07T17:00:00Z" });
  const [ann, bo, cy] = [await addUser(db, "ann"), await addUser(db, "bo"), await addUser(db, "cy")];
  // Ann shows on the public board: the restore must mirror her standings into league_standings again.
  await db.prepare("UPDATE users SET on_global_board = 1 WHERE id = ?").bind(ann).run();

  await insertRows(
    db,
    "market_odds",
    ["2024-09-08T16:30:00Z", "2024-09-08T16:40:00Z", "2024-09-08T16:50:00Z"].flatMap((time, i) => [
      { source: "kalshi", kind: "first_td", game_id: g1, season: SEASON, week: 1, player_name: "Bo Catcher", player_id: "00-0000002", implied_probability: 0.1 + i / 100, american_odds: 900, volume: 1200.5, market_id: "KXNFLFIRSTTD-24SEP08KCBAL-BALBCATCHER1", snapshot_time: time, captured_at: time, bid_size: 40, price_basis: "mid" },
      { source: "polymarket", kind: "first_td", game_id: g1, season: SEASON, week: 1, player_name: "Bo Catcher", player_id: "00-0000002", implied_probability: 0.105, american_odds: 852, volume: 880, market_id: "553864", snapshot_time: time, captured_at: time, bid_size: null, price_basis: "ask" },
    ]),
  );
  const snapshotIds = (await rows<{ id: number }>(db, "SELECT id FROM market_odds ORDER BY id")).map((r) => r.id);

  await addPick(db, ann, g1, "00-0000002", 6.5);
  await db.prepare("UPDATE picks SET odds_snapshot_ids = ?, odds_source = 'kalshi+polymarket', odds_snapshot_at = '2024-09-08T16:50:00Z' WHERE user_id = ?").bind(JSON.stringify(snapshotIds.slice(-2)), ann).run();
  await addPick(db, bo, g1, "00-0000001", 4.2);
  await addPick(db, cy, g1, "00-0000002");
  await addPick(db, ann, g2, "00-0000003", 3.1);
  await addPick(db, bo, g3, "00-0000001", 5);
  await addPick(db, ann, next, "00-0000001", 4);
  await insertRows(db, "picks_quarantine", [
    { id: 900, user_id: cy, week_id: 1, player_name: "Bo Catcher", game_id: g1, reason: "duplicate_in_week", kept_pick_id: 3, detail: "legacy" },
  ]);
  await insertRows(db, "market_outcomes", [
    { source: "kalshi", market_id: "KXNFLFIRSTTD-24SEP08KCBAL-BALBCATCHER1", game_id: g1, player_name: "Bo Catcher", player_id: "00-0000002", kind: "first_td", outcome: "yes", last_probability: 0.12, settled_at: "2024-09-08T19:00:00Z" },
  ]);

  // Game 1: Bo scores first (graded by the triggers: results, standings, player stats, the fact log); game 2 is
  // canceled; game 3 is over without a TD only later (the season is not finished until then).
  await setFirstTd(db, g1, { playerId: "00-0000002", team: "BAL", kind: "reception", by: "job:live-sync" });
  await db.prepare("UPDATE games SET status = 'final', home_score = 24, away_score = 17 WHERE id = ?").bind(g1).run();
  await db.prepare("UPDATE games SET status = 'canceled' WHERE id = ?").bind(g2).run();
  await db.prepare("UPDATE games SET status = 'final', home_score = 3, away_score = 0 WHERE id = ?").bind(g3).run();

  await applyD1Migrations(env.MIGRATION_DB_1, env.TEST_MIGRATIONS);
  await applyD1Migrations(env.MIGRATION_DB_2, env.TEST_MIGRATIONS);
  await applyD1Migrations(env.MIGRATION_DB_3, env.TEST_MIGRATIONS);
});

describe("archive", () => {
  it("needs the season named, and refuses a season that is not finished", async () => {
    const unnamed = await runOn(env.DB, "archive", { season: null as unknown as number });
    expect(unnamed).toMatchObject({ status: "failed" });
    expect(unnamed.error).toContain("needs the season named");

    const unfinished = await runOn(env.DB, "archive");
    expect(unfinished.status).toBe("failed");
    expect(unfinished.error).toContain(`season ${SEASON} is not finished`);
    expect(unfinished.error).toContain("2024_02_BAL_KC");
    expect((await env.ARCHIVE.list({ prefix: seasonPrefix(SEASON) })).objects).toEqual([]);
  });

  it("writes every row of a finished season as gzipped NDJSON with a manifest of row counts and SHA-256, verified", async () => {
    await env.DB.prepare("UPDATE games SET no_td = 1, first_td_recorded_by = 'job:live-sync' WHERE id = '2024_02_BAL_KC'").run();
    source = await seasonContents(env.DB);
    expect(source.results).toHaveLength(5);
    expect(source.player_stats!.length).toBeGreaterThan(0);
    expect(source.game_fact_changes!.length).toBeGreaterThan(0);
    expect(source.league_standings!.length).toBeGreaterThan(0);

    const runRow = await runOn(env.DB, "archive");
    expect(runRow).toMatchObject({ status: "ok", error: null, details: { season: SEASON, complete: true } });
    const manifest = (await newestManifest(env.ARCHIVE, SEASON))!;
    expect(manifest).toMatchObject({ format: ARCHIVE_FORMAT, season: SEASON, archiveId: "20250301T120000Z" });
    expect(manifest.migration).toMatch(/^\d{4}_/);
    expect(runRow.details.manifest).toBe(`${seasonPrefix(SEASON)}20250301T120000Z/manifest.json`);

    // Row counts: the season's rows only (2025's game and pick stay out).
    expect(manifest.tables.games!.rows).toBe(3);
    expect(manifest.tables.weeks!.rows).toBe(2);
    expect(manifest.tables.picks!.rows).toBe(5);
    expect(manifest.tables.results!.rows).toBe(5);
    expect(manifest.tables.users!.rows).toBe(3);
    expect(manifest.tables.market_odds!.rows).toBe(6);
    expect(manifest.tables.standings!.rows).toBe(source.standings!.length);
    expect(manifest.tables.picks_quarantine!.rows).toBe(1);

    // Each file: its bytes hash to the manifest's SHA-256, its lines are its rows.
    for (const file of manifest.files) {
      const object = (await env.ARCHIVE.get(file.key))!;
      const bytes = await object.arrayBuffer();
      expect(await sha256(bytes)).toBe(file.sha256);
      expect(bytes.byteLength).toBe(file.bytes);
      const text = await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).text();
      const lines = text.split("\n").filter(Boolean).map((line) => JSON.parse(line));
      expect(lines).toHaveLength(file.rows);
      if (file.table === "games") expect(lines.map((g) => g.id).sort()).toEqual(["2024_01_DAL_PHI", "2024_01_KC_BAL", "2024_02_BAL_KC"]);
    }
    expect(await env.ARCHIVE.head(`${seasonPrefix(SEASON)}in-progress.json`)).toBeNull();
  });
});

describe("archive-restore", () => {
  it("puts the season back into an empty database: every row equal, the derived tables derived again", async () => {
    const runRow = await runOn(env.MIGRATION_DB_1, "archive-restore");
    expect(runRow).toMatchObject({ status: "ok", error: null, rejected_count: 0, details: { complete: true, standingsDifferences: 0, filesLeft: 0 } });
    expect(runRow.details.countProblems).toBeUndefined();
    expect(await seasonContents(env.MIGRATION_DB_1)).toEqual(source);
    // Ann's pick keeps its pricing snapshots' ids, which name the same snapshots.
    const [pick] = await rows<{ odds_snapshot_ids: string }>(env.MIGRATION_DB_1, "SELECT odds_snapshot_ids FROM picks WHERE odds_snapshot_ids IS NOT NULL");
    const ids = JSON.parse(pick!.odds_snapshot_ids) as number[];
    expect(await rows(env.MIGRATION_DB_1, `SELECT count(*) AS n FROM market_odds WHERE id IN (${ids.join(",")})`)).toEqual([{ n: 2 }]);
  });

  it("refuses a database that holds the season", async () => {
    const runRow = await runOn(env.DB, "archive-restore");
    expect(runRow.status).toBe("failed");
    expect(runRow.error).toContain(`season ${SEASON} has 3 games in this database`);
  });

  it("exports and restores over several runs when each run's budget is small, with the same result", async () => {
    withLimits({ rowsPerFile: 2, maxStatementsPerRun: 22, restoreChunkBytes: 400 });
    const exports = [];
    for (let i = 0; i < 20; i++) {
      const runRow = await runOn(env.DB, "archive", { now: `2025-03-02T0${Math.min(i, 9)}:00:00Z` });
      exports.push(runRow);
      if (runRow.details?.complete) break;
    }
    expect(exports.length).toBeGreaterThan(1);
    expect(exports.slice(0, -1).map((r) => r.status)).toEqual(exports.slice(0, -1).map(() => "partial"));
    // One archive, carried on from run to run: the id of the run that started it.
    expect(exports.at(-1)).toMatchObject({ status: "ok", details: { archiveId: "20250302T000000Z" } });
    const manifest = (await newestManifest(env.ARCHIVE, SEASON))!;
    expect(manifest.archiveId).toBe("20250302T000000Z");
    expect(manifest.files.filter((f) => f.table === "picks").map((f) => f.rows)).toEqual([2, 2, 1]);

    const restores = [];
    for (let i = 0; i < 60; i++) {
      const runRow = await runOn(env.MIGRATION_DB_2, "archive-restore", { now: `2025-03-03T10:${String(i).padStart(2, "0")}:00Z` });
      restores.push(runRow);
      if (runRow.details?.complete) break;
    }
    expect(restores.length).toBeGreaterThan(1);
    expect(restores.at(-1)).toMatchObject({ status: "ok", details: { complete: true, standingsDifferences: 0 } });
    expect(await seasonContents(env.MIGRATION_DB_2)).toEqual(source);
  });

  it("refuses a file whose bytes are not the manifest's, and carries on once it is put right", async () => {
    const manifest = (await newestManifest(env.ARCHIVE, SEASON))!;
    const file = manifest.files.find((f) => f.table === "picks")!;
    const original = await (await env.ARCHIVE.get(file.key))!.arrayBuffer();
    await env.ARCHIVE.put(file.key, "not the archived bytes");

    const refused = await runOn(env.MIGRATION_DB_3, "archive-restore");
    expect(refused).toMatchObject({ status: "partial", rejected_count: 1 });
    expect(refused.details.error).toContain(`${file.key}: sha256`);
    expect(refused.details.filesDone).toBe(manifest.files.indexOf(file));

    await env.ARCHIVE.put(file.key, original);
    const resumed = await runOn(env.MIGRATION_DB_3, "archive-restore", { now: "2025-03-01T13:00:00Z" });
    expect(resumed).toMatchObject({ status: "ok", details: { complete: true, standingsDifferences: 0 } });
    expect(await seasonContents(env.MIGRATION_DB_3)).toEqual(source);
  });
});
