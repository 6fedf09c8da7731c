/**
 * The nightly retention job (src/jobs/retention.ts): market snapshots downsampled after kickoff (every snapshot that
 * priced a pick and the closing line kept, one per hour in the last day, one per 6 hours before), nothing of a game
 * still open touched, a budget per run with the rest left to the next one, and the sweeps of the run logs, the quality
 * history, settled games' feed checks and ended credentials.
 */
import { env } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi, type MockInstance } from "vitest";
import { JOBS } from "../../src/jobs/registry";
import { retention, RETENTION_POLICY, type RetentionPolicy } from "../../src/jobs/retention";
import { addGame, addPlayers, addUser, addWeek, gameId } from "../helpers/league";
import { insertRows, rows } from "../helpers/migration-db";
import { run, syncRun } from "./support/db";

const db = env.DB;
const SEASON = 2025;
/** Game A kicked off a day before the runs; game B kicks off a day after them. */
const KICKOFF_A = "2025-09-07T17:00:00Z";
const KICKOFF_B = "2025-09-09T17:00:00Z";
const NOW = "2025-09-08T17:00:00Z";
const GAME_A = gameId(SEASON, 1, "KC", "BAL");
const GAME_B = gameId(SEASON, 1, "DAL", "PHI");

const HOUR_MS = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/** The market sync's buckets before a kickoff: every 30 minutes from 3 days out, every 10 minutes in the last 2 hours. */
function snapshotTimes(kickoffAt: string): string[] {
  const kickoff = Date.parse(kickoffAt);
  const times: string[] = [];
  for (let t = kickoff - 72 * HOUR_MS; t < kickoff - 2 * HOUR_MS; t += 30 * 60_000) times.push(iso(t));
  for (let t = kickoff - 2 * HOUR_MS; t < kickoff; t += 10 * 60_000) times.push(iso(t));
  return times;
}

/** Two players and the no-TD leg (first TD only), first-TD and anytime-TD, on both venues. */
const LEGS = ["kalshi", "polymarket"].flatMap((source) => [
  { source, kind: "first_td", player: "00-0000001", name: "Ann Runner" },
  { source, kind: "first_td", player: "00-0000002", name: "Bo Catcher" },
  { source, kind: "first_td", player: null, name: "No Touchdown" },
  { source, kind: "anytime_td", player: "00-0000001", name: "Ann Runner" },
  { source, kind: "anytime_td", player: "00-0000002", name: "Bo Catcher" },
]);

async function addSnapshots(game: string, kickoffAt: string): Promise<void> {
  const times = snapshotTimes(kickoffAt);
  await insertRows(
    db,
    "market_odds",
    LEGS.flatMap((leg) =>
      times.map((time, i) => ({
        source: leg.source,
        kind: leg.kind,
        game_id: game,
        season: SEASON,
        week: 1,
        player_name: leg.name,
        player_id: leg.player,
        implied_probability: 0.1 + (i % 7) / 100,
        market_id: `${leg.source}-${game}-${leg.kind}-${leg.player ?? "none"}`,
        snapshot_time: time,
        captured_at: time.replace(/:00Z$/, ":04Z"),
        price_basis: "mid",
      })),
    ),
  );
}

interface Snapshot {
  id: number;
  source: string;
  kind: string;
  player_name: string;
  snapshot_time: string;
}

const snapshotsOf = (game: string) =>
  rows<Snapshot>(db, "SELECT id, source, kind, player_name, snapshot_time FROM market_odds WHERE game_id = ? ORDER BY id", game);

/** The policy, written out independently of the job's SQL: which of a game's snapshots stay. */
function expectedKept(all: Snapshot[], kickoffAt: string, priced: Set<number>): number[] {
  const hourlyFrom = iso(Date.parse(kickoffAt) - 24 * HOUR_MS);
  const grainOf = (t: string) => (t >= hourlyFrom ? t.slice(0, 13) : `${t.slice(0, 11)}/${Math.floor(Number(t.slice(11, 13)) / 6)}`);
  const latest = new Map<string, Snapshot>();
  const closing = new Map<string, Snapshot>();
  for (const s of all) {
    const leg = `${s.source}|${s.kind}|${s.player_name}`;
    const grain = `${leg}|${grainOf(s.snapshot_time)}`;
    if (!latest.has(grain) || latest.get(grain)!.snapshot_time < s.snapshot_time) latest.set(grain, s);
    if (s.snapshot_time < kickoffAt && (!closing.has(leg) || closing.get(leg)!.snapshot_time < s.snapshot_time)) closing.set(leg, s);
  }
  const kept = new Set([...latest.values(), ...closing.values()].map((s) => s.id));
  for (const id of priced) kept.add(id);
  return [...kept].sort((a, b) => a - b);
}

let retentionWith: MockInstance | null = null;
/** The job as the runner runs it, under a smaller budget. */
function budget(policy: Partial<RetentionPolicy>) {
  retentionWith = vi.spyOn(JOBS, "retention").mockImplementation((ctx) => retention(ctx, { ...RETENTION_POLICY, ...policy }));
}
afterEach(() => {
  retentionWith?.mockRestore();
  retentionWith = null;
});

const retentionRun = async (now = NOW, season?: number) => {
  const report = await run("retention", { now, season });
  return syncRun(report.runId);
};

let beforeA: Snapshot[];
let priced: Set<number>;

beforeAll(async () => {
  await addPlayers(db, SEASON, [
    { id: "00-0000001", name: "Ann Runner", team: "KC", position: "RB" },
    { id: "00-0000002", name: "Bo Catcher", team: "BAL", position: "WR" },
  ]);
  await addWeek(db, SEASON, 1);
  await addGame(db, { season: SEASON, week: 1, away: "KC", home: "BAL", kickoffAt: KICKOFF_A });
  await addGame(db, { season: SEASON, week: 1, away: "DAL", home: "PHI", kickoffAt: KICKOFF_B });
  await addSnapshots(GAME_A, KICKOFF_A);
  await addSnapshots(GAME_B, KICKOFF_B);
  beforeA = await snapshotsOf(GAME_A);

  // Picks priced by snapshots the downsampling would otherwise drop: a 30-minute one at :00 (its hour keeps :30) and
  // the 10-minute ones of both venues 50 minutes before kickoff (the hour keeps :50).
  const at = (source: string, time: string) =>
    beforeA.find((s) => s.source === source && s.kind === "first_td" && s.player_name === "Ann Runner" && s.snapshot_time === time)!.id;
  const pricing = [at("kalshi", "2025-09-06T21:00:00Z"), at("kalshi", "2025-09-07T16:10:00Z"), at("polymarket", "2025-09-07T16:10:00Z")];
  priced = new Set(pricing);
  const weekId = (await rows<{ id: number }>(db, "SELECT id FROM weeks WHERE season = ? AND week = 1", SEASON))[0]!.id;
  const ann = await addUser(db, "ann");
  const bo = await addUser(db, "bo");
  await insertRows(db, "picks", [
    { user_id: ann, week_id: weekId, game_id: GAME_A, player_id: "00-0000001", player_name: "Ann Runner", team: "KC", odds_snapshot_ids: JSON.stringify(pricing) },
    // Not JSON: read as pricing nothing, never an error.
    { user_id: bo, week_id: weekId, game_id: GAME_A, player_id: "00-0000002", player_name: "Bo Catcher", team: "BAL", odds_snapshot_ids: "[1, 2" },
  ]);
});

describe("market snapshots after kickoff", () => {
  it("keeps the snapshots that priced a pick, the closing line and one per grain; drops the rest; leaves open games alone", async () => {
    const runRow = await retentionRun();
    expect(runRow).toMatchObject({ job: "retention", status: "ok", error: null });

    const afterA = await snapshotsOf(GAME_A);
    const expected = expectedKept(beforeA, KICKOFF_A, priced);
    expect(afterA.map((s) => s.id)).toEqual(expected);
    // Per leg: 24 hourly snapshots in the last day, 9 six-hour ones over the two days before (17:00 of day one is in
    // the 12-18 block); the closing snapshot (16:50) is the last of its hour.
    expect(expected.length).toBe(LEGS.length * 33 + priced.size);
    for (const id of priced) expect(afterA.some((s) => s.id === id)).toBe(true);
    for (const leg of LEGS) {
      const ofLeg = afterA.filter((s) => s.source === leg.source && s.kind === leg.kind && s.player_name === leg.name);
      expect(ofLeg.map((s) => s.snapshot_time).sort().at(-1)).toBe("2025-09-07T16:50:00Z");
    }
    // Game B has not kicked off: every snapshot stays.
    expect(await snapshotsOf(GAME_B)).toHaveLength(LEGS.length * snapshotTimes(KICKOFF_B).length);

    expect(runRow.details.tables.market_odds).toEqual({
      removed: beforeA.length - expected.length,
      kept: expected.length,
      left: 0,
      keptPriced: priced.size,
      keptClosing: LEGS.length,
      games: 1,
      gamesLeft: 0,
      doneThrough: { kickoffAt: KICKOFF_A, gameId: GAME_A },
    });
    expect(runRow.details.removed).toBe(beforeA.length - expected.length);
  });

  it("starts the next night after the last game done, and a run for a season looks at every game of it again", async () => {
    const before = (await snapshotsOf(GAME_A)).length;
    const next = await retentionRun("2025-09-09T03:30:00Z");
    expect(next.details.tables.market_odds).toMatchObject({ removed: 0, games: 0, doneThrough: { gameId: GAME_A } });

    const rescan = await retentionRun("2025-09-09T03:30:00Z", SEASON);
    expect(rescan.details.tables.market_odds).toMatchObject({ removed: 0, games: 1, kept: before, doneThrough: { gameId: GAME_A } });
    expect(await snapshotsOf(GAME_A)).toHaveLength(before);
  });

  it("downsamples game B once it has kicked off, and does it over several nights when the budget runs out", async () => {
    budget({ rowsPerStatement: 100, maxRowsPerRun: 500 });
    const beforeB = await snapshotsOf(GAME_B);
    const expected = expectedKept(beforeB, KICKOFF_B, new Set());
    const toRemove = beforeB.length - expected.length;

    const nights: any[] = [];
    for (let night = 0; night < 10; night++) {
      const runRow = await retentionRun(`2025-09-${String(10 + night).padStart(2, "0")}T03:30:00Z`);
      nights.push(runRow);
      if (runRow.status === "ok") break;
    }
    const removed = nights.map((n) => n.details.tables.market_odds.removed);
    expect(removed).toEqual([500, 500, toRemove - 1000]);
    // A night that ran out: partial, the game left, the watermark where it was.
    expect(nights[0]).toMatchObject({ status: "partial", details: { tables: { market_odds: { gamesLeft: 1, left: 1, doneThrough: { gameId: GAME_A } } } } });
    expect(nights.at(-1)).toMatchObject({ status: "ok", details: { tables: { market_odds: { gamesLeft: 0, doneThrough: { kickoffAt: KICKOFF_B, gameId: GAME_B } } } } });
    expect((await snapshotsOf(GAME_B)).map((s) => s.id)).toEqual(expected);
  });
});

describe("sweeps", () => {
  const DAY_MS = 24 * HOUR_MS;
  const ago = (days: number) => iso(Date.parse(NOW) - days * DAY_MS);
  const later = (days: number) => iso(Date.parse(NOW) + days * DAY_MS);

  it("removes old run logs and quality history (keeping each job's latest), settled games' feed checks and ended credentials", async () => {
    const carol = await addUser(db, "carol");
    await insertRows(db, "sync_runs", [
      { job: "live-sync", trigger: "cron", started_at: ago(120), status: "ok" },
      { job: "live-sync", trigger: "cron", started_at: ago(91), status: "failed" },
      { job: "live-sync", trigger: "cron", started_at: ago(89), status: "ok" },
      // The only run of a job not run for months: still the job's last run.
      { job: "roster-sync", trigger: "cron", started_at: ago(200), status: "ok" },
    ]);
    await insertRows(db, "quality_runs", [
      { trigger: "cron", started_at: ago(300), status: "pass" },
      { trigger: "cron", started_at: ago(181), status: "fail" },
      { trigger: "cron", started_at: ago(179), status: "warn" },
    ]);
    const qualityRunIds = (await rows<{ id: number }>(db, "SELECT id FROM quality_runs ORDER BY id")).map((r) => r.id);
    await insertRows(
      db,
      "quality_results",
      qualityRunIds.flatMap((runId) =>
        ["a", "b", "c"].map((check) => ({ run_id: runId, check_name: check, table_name: "games", severity: "fail", status: "pass", failing_rows: 0 })),
      ),
    );
    const settled = await addGame(db, { season: SEASON, week: 1, away: "NYJ", home: "BUF", kickoffAt: "2025-09-07T20:00:00Z" });
    await db.prepare("UPDATE games SET status = 'final', home_score = 7, away_score = 0, no_td = 0, first_td_team = 'BUF', first_td_player_id = 'DEF-BUF', first_td_kind = 'defense' WHERE id = ?").bind(settled).run();
    const live = await addGame(db, { season: SEASON, week: 1, away: "LV", home: "DEN", kickoffAt: "2025-09-08T16:00:00Z", status: "in_progress" });
    await insertRows(db, "game_feed_checks", [
      { game_id: settled, checked_at: ago(1), problem: "not_final", attempts: 2 },
      { game_id: live, checked_at: ago(0), problem: "not_final", attempts: 1 },
    ]);
    await insertRows(db, "auth_failures", [
      { client: "ip4:203.0.113.7", window_started_at: iso(Date.parse(NOW) - 20 * 60_000), failures: 10, last_failure_at: ago(0) },
      { client: "ip4:203.0.113.8", window_started_at: iso(Date.parse(NOW) - 5 * 60_000), failures: 3, last_failure_at: ago(0) },
    ]);
    await insertRows(db, "sign_in_links", [
      // (insertRows names the columns of the first row)
      { user_id: carol, token_hash: "h1", created_by: "operator", created_at: ago(2), expires_at: ago(1), used_at: null },
      { user_id: carol, token_hash: "h2", created_by: "operator", created_at: ago(0.5), expires_at: later(0.5), used_at: ago(0.4) },
      { user_id: carol, token_hash: "h3", created_by: "operator", created_at: ago(0.5), expires_at: later(0.5) },
    ]);
    await insertRows(db, "webauthn_challenges", [
      { challenge: "c1", purpose: "sign_in", expires_at: ago(0.01) },
      { challenge: "c2", purpose: "sign_in", expires_at: later(0.01) },
    ]);
    await insertRows(db, "sessions", [
      { token_hash: "s1", user_id: carol, purpose: "web", created_at: ago(70), expires_at: ago(40), revoked_at: null },
      { token_hash: "s2", user_id: carol, purpose: "web", created_at: ago(40), expires_at: ago(10) },
      { token_hash: "s3", user_id: carol, purpose: "web", created_at: ago(45), expires_at: later(5), revoked_at: ago(31) },
      { token_hash: "s4", user_id: carol, purpose: "web", created_at: ago(10), expires_at: later(20), revoked_at: ago(5) },
      { token_hash: "s5", user_id: null, purpose: "status", created_at: ago(0), expires_at: later(0.5) },
    ]);
    const runsBefore = (await rows<{ n: number }>(db, "SELECT count(*) AS n FROM sync_runs"))[0]!.n;

    const runRow = await retentionRun();
    expect(runRow.status).toBe("ok");

    expect(await rows(db, "SELECT job, started_at FROM sync_runs WHERE started_at < ? ORDER BY started_at", ago(30))).toEqual([
      { job: "roster-sync", started_at: ago(200) },
      { job: "live-sync", started_at: ago(89) },
    ]);
    expect(await rows(db, "SELECT started_at FROM quality_runs ORDER BY id")).toEqual([{ started_at: ago(179) }]);
    expect(await rows(db, "SELECT count(*) AS n FROM quality_results")).toEqual([{ n: 3 }]);
    expect(await rows(db, "SELECT game_id FROM game_feed_checks")).toEqual([{ game_id: live }]);
    expect(await rows(db, "SELECT client FROM auth_failures")).toEqual([{ client: "ip4:203.0.113.8" }]);
    expect(await rows(db, "SELECT token_hash FROM sign_in_links ORDER BY token_hash")).toEqual([{ token_hash: "h2" }, { token_hash: "h3" }]);
    expect(await rows(db, "SELECT challenge FROM webauthn_challenges")).toEqual([{ challenge: "c2" }]);
    expect(await rows(db, "SELECT token_hash FROM sessions ORDER BY token_hash")).toEqual([{ token_hash: "s2" }, { token_hash: "s4" }, { token_hash: "s5" }]);

    expect(runRow.details.tables).toMatchObject({
      // This run's own row is kept (and counted).
      sync_runs: { removed: 2, kept: runsBefore - 2 + 1, left: 0 },
      quality_runs: { removed: 2, kept: 1, left: 0 },
      quality_results: { removed: 6, kept: 3, left: 0 },
      game_feed_checks: { removed: 1, kept: 1, left: 0 },
      auth_failures: { removed: 1, kept: 1, left: 0 },
      sign_in_links: { removed: 1, kept: 2, left: 0 },
      webauthn_challenges: { removed: 1, kept: 1, left: 0 },
      sessions: { removed: 2, kept: 3, left: 0 },
    });
  });

  it("keeps the latest finished quality run whatever its age", async () => {
    await db.prepare("DELETE FROM quality_runs").run();
    await insertRows(db, "quality_runs", [
      { trigger: "cron", started_at: ago(400), status: "pass" },
      { trigger: "cron", started_at: ago(300), status: "warn" },
      { trigger: "cron", started_at: ago(299), status: "running" },
    ]);
    await retentionRun();
    expect(await rows(db, "SELECT started_at, status FROM quality_runs ORDER BY id")).toEqual([
      { started_at: ago(300), status: "warn" },
      { started_at: ago(299), status: "running" },
    ]);
  });

  it("counts what a run could not reach and leaves it to the next one", async () => {
    await insertRows(
      db,
      "auth_failures",
      Array.from({ length: 25 }, (_, i) => ({ client: `ip4:198.51.100.${i}`, window_started_at: ago(1), failures: 1, last_failure_at: ago(1) })),
    );
    budget({ rowsPerStatement: 10, maxRowsPerRun: 20 });
    const first = await retentionRun();
    expect(first).toMatchObject({ status: "partial" });
    expect(first.details.tables.auth_failures).toMatchObject({ removed: 20, left: 5 });
    const second = await retentionRun();
    expect(second.details.tables.auth_failures).toMatchObject({ removed: 5, left: 0 });
  });
});
