import { env } from "cloudflare:test";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import gamesV1 from "../fixtures/jobs/games_2025.csv?raw";
import gamesV2 from "../fixtures/jobs/games_2025_v2.csv?raw";
import { createUserWithToken } from "../helpers/api";
import { addPick, addPlayers } from "../helpers/league";
import { expectRun, row, rows, run, snapshot } from "./support/db";
import { csv, FakeUpstream, urls } from "./support/upstream";

/**
 * The schedule sync over games.csv (test/fixtures/jobs/games_2025.csv: real rows of nflverse games.csv as
 * published before the 2025 season, scores blank, plus the 2024 Super Bowl of another season; v2 is the file
 * during the Thursday opener: CAR at JAX gone, BAL at PIT flexed to Sunday night, the opener's espn cell
 * blank). The steps run in order against one database.
 */

const SEASON = 2025;
const GAMES_IN_FILE = 14;
const upstream = new FakeUpstream();
let quarantineUser: number;

interface GameRow {
  id: string;
  week: number;
  kickoff_at: string | null;
  status: string;
  home_score: number | null;
  away_score: number | null;
  espn_event_id: string | null;
  is_placeholder: number;
}

async function game(id: string): Promise<GameRow> {
  const found = await row<GameRow>(
    "SELECT id, week, kickoff_at, status, home_score, away_score, espn_event_id, is_placeholder FROM games WHERE id = ?",
    id,
  );
  if (!found) throw new Error(`no game ${id}`);
  return found;
}

beforeAll(async () => {
  upstream.install();
  // A v8 pick linked to a game the old system never had: migration v12 made a placeholder for it.
  await env.DB.prepare(
    `INSERT INTO games (id, season, week, game_type, home_team, away_team, status, is_placeholder)
     VALUES ('2025_04_MIN_PIT', 2025, 4, 'REG', 'PIT', 'MIN', 'scheduled', 1)`,
  ).run();
  // Picks migration v12 quarantined because no game matched them: one the schedule will match (PHI plays in
  // Week 1), one it will not (CLE does not play in this file's Week 1), and a duplicate that is not waiting.
  quarantineUser = (await createUserWithToken("quarantined-user")).id;
  const week = await env.DB.prepare("INSERT INTO weeks (season, week) VALUES (2025, 1) RETURNING id").first<{ id: number }>();
  await env.DB.batch(
    [
      [9001, "Eagles", "Saquon Barkley", 350, "no_matching_game"],
      [9002, "CLE", "Jerry Jeudy", null, "no_matching_game"],
      [9003, "PHI", "A.J. Brown", null, "duplicate_in_week"],
    ].map(([id, team, player, odds, reason]) =>
      env.DB.prepare(
        `INSERT INTO picks_quarantine (id, user_id, week_id, team, player_name, odds, game_id, created_at, reason)
         VALUES (?, ?, ?, ?, ?, ?, NULL, '2025-09-01 12:00:00', ?)`,
      ).bind(id, quarantineUser, week!.id, team, player, odds, reason),
    ),
  );
});
afterAll(() => upstream.restore());
afterEach(() => expect(upstream.unrouted).toEqual([]));

describe("schedule-sync, first run", () => {
  it("inserts the season's games and completes the placeholder", async () => {
    upstream.on(urls.games(), csv(gamesV1));
    const report = await run("schedule-sync", { season: SEASON, now: "2025-08-20T09:30:00Z" });
    await expectRun(report, {
      job: "schedule-sync",
      status: "ok",
      season: SEASON,
      read_count: GAMES_IN_FILE,
      inserted_count: GAMES_IN_FILE - 1,
      updated_count: 1,
      unchanged_count: 0,
      rejected_count: 0,
    });
    expect(report.outcome?.details).toMatchObject({ placeholdersCompleted: ["2025_04_MIN_PIT"], canceled: [], rejectedRows: [] });
    expect(await row("SELECT count(*) AS n FROM games WHERE season = 2025")).toEqual({ n: GAMES_IN_FILE });
    // Other seasons of the file are not this run's business.
    expect(await row("SELECT count(*) AS n FROM games WHERE season <> 2025")).toEqual({ n: 0 });
    expect(await game("2025_04_MIN_PIT")).toMatchObject({ is_placeholder: 0, kickoff_at: "2025-09-28T13:30:00Z", espn_event_id: "401772632" });
  });

  it("converts Eastern kickoffs to UTC across DST and for games abroad", async () => {
    const kickoffs = Object.fromEntries(
      (await rows<{ id: string; kickoff_at: string }>("SELECT id, kickoff_at FROM games WHERE season = 2025")).map((g) => [g.id, g.kickoff_at]),
    );
    expect(kickoffs).toEqual({
      "2025_01_DAL_PHI": "2025-09-05T00:20:00Z", // Thursday 20:20 EDT: the next UTC day
      "2025_01_KC_LAC": "2025-09-06T00:00:00Z", // Sao Paulo, listed at 20:00 Eastern
      "2025_01_TB_ATL": "2025-09-07T17:00:00Z",
      "2025_01_CAR_JAX": "2025-09-07T17:00:00Z",
      "2025_01_PIT_NYJ": "2025-09-07T17:00:00Z",
      "2025_01_BAL_BUF": "2025-09-08T00:20:00Z",
      "2025_01_MIN_CHI": "2025-09-09T00:15:00Z",
      "2025_04_MIN_PIT": "2025-09-28T13:30:00Z", // Dublin, listed at 09:30 Eastern
      "2025_08_NYG_PHI": "2025-10-26T17:00:00Z", // last Sunday of daylight time: UTC-4
      "2025_09_CHI_CIN": "2025-11-02T18:00:00Z", // DST ended at 02:00 that Sunday: UTC-5
      "2025_09_KC_BUF": "2025-11-02T21:25:00Z",
      "2025_17_DET_MIN": "2025-12-25T21:30:00Z",
      "2025_18_BAL_PIT": "2026-01-04T18:00:00Z",
      "2025_18_DAL_NYG": "2026-01-04T18:00:00Z",
    });
  });

  it("keeps the ESPN event id and leaves future games scheduled without scores", async () => {
    expect(await game("2025_01_DAL_PHI")).toMatchObject({ espn_event_id: "401772510", status: "scheduled", home_score: null, away_score: null });
    expect(await row("SELECT count(*) AS n FROM games WHERE season = 2025 AND (espn_event_id IS NULL OR status <> 'scheduled')")).toEqual({ n: 0 });
  });

  it("restores the quarantined pick whose game now exists, and reports it", async () => {
    const last = (await rows<{ details: string }>("SELECT details FROM sync_runs ORDER BY id DESC LIMIT 1"))[0]!;
    const details = JSON.parse(last.details);
    expect(details.quarantinedPicksRestored).toBe(1);
    expect(details.restoredPicks).toEqual([{ id: 9001, userId: quarantineUser, gameId: "2025_01_DAL_PHI" }]);

    expect(
      await row("SELECT id, user_id, game_id, team, player_name, odds, decimal_odds, odds_source FROM picks WHERE id = 9001"),
    ).toEqual({
      id: 9001,
      user_id: quarantineUser,
      game_id: "2025_01_DAL_PHI",
      team: "Eagles",
      player_name: "Saquon Barkley",
      odds: 350,
      decimal_odds: 4.5,
      odds_source: "legacy",
    });
    expect(await rows("SELECT id, restored_at FROM picks_quarantine ORDER BY id")).toEqual([
      { id: 9001, restored_at: "2025-08-20T09:30:00Z" },
      { id: 9002, restored_at: null },
      { id: 9003, restored_at: null },
    ]);
    expect(await row("SELECT count(*) AS n FROM picks WHERE id IN (9002, 9003)")).toEqual({ n: 0 });
    // The restored pick counts in the user's standings (ungraded: the game has not been played).
    expect(await rows("SELECT week, picks, wins, losses, voids FROM standings WHERE user_id = ? ORDER BY week", quarantineUser)).toEqual([
      { week: 0, picks: 1, wins: 0, losses: 0, voids: 0 },
      { week: 1, picks: 1, wins: 0, losses: 0, voids: 0 },
    ]);
  });

  it("writes nothing on a second run over the same file", async () => {
    const before = await snapshot();
    const report = await run("schedule-sync", { season: SEASON, now: "2025-08-21T09:30:00Z" });
    await expectRun(report, {
      status: "ok",
      read_count: GAMES_IN_FILE,
      inserted_count: 0,
      updated_count: 0,
      unchanged_count: GAMES_IN_FILE,
      d1_rows_written: 0,
    });
    expect(report.outcome?.details).toMatchObject({ quarantinedPicksRestored: 0, kickoffsChanged: [], canceled: [], placeholdersCompleted: [] });
    expect(await snapshot()).toEqual(before);
  });
});

describe("schedule-sync, during the opener (v2)", () => {
  let pickers: number[];

  beforeAll(async () => {
    // The live sync has the opener under way, 7-14.
    await env.DB.prepare(
      "UPDATE games SET status = 'in_progress', away_score = 7, home_score = 14 WHERE id = '2025_01_DAL_PHI'",
    ).run();
    // Two users picked in CAR at JAX, which is about to vanish from the schedule.
    await addPlayers(env.DB, SEASON, [
      { id: "T-CAR-WR", name: "Carolina Receiver", team: "CAR", position: "WR" },
      { id: "T-JAX-RB", name: "Jacksonville Back", team: "JAX", position: "RB" },
    ]);
    pickers = [(await createUserWithToken()).id, (await createUserWithToken()).id];
    await addPick(env.DB, pickers[0]!, "2025_01_CAR_JAX", "T-CAR-WR", 3.0);
    await addPick(env.DB, pickers[1]!, "2025_01_CAR_JAX", "T-JAX-RB");
  });

  it("updates a flexed kickoff and cancels the game that disappeared before kickoff", async () => {
    upstream.on(urls.games(), csv(gamesV2));
    const report = await run("schedule-sync", { season: SEASON, now: "2025-09-05T01:00:00Z" });
    await expectRun(report, {
      status: "ok",
      read_count: GAMES_IN_FILE - 1,
      inserted_count: 0,
      updated_count: 2,
      unchanged_count: GAMES_IN_FILE - 2,
    });
    expect(report.outcome?.details).toMatchObject({
      kickoffsChanged: [{ id: "2025_18_BAL_PIT", kickoffAt: "2026-01-05T01:20:00Z" }],
      canceled: ["2025_01_CAR_JAX"],
    });
    expect(await game("2025_18_BAL_PIT")).toMatchObject({ kickoff_at: "2026-01-05T01:20:00Z", status: "scheduled" });
    expect(await game("2025_01_CAR_JAX")).toMatchObject({ status: "canceled", kickoff_at: "2025-09-07T17:00:00Z" });
  });

  it("voids the canceled game's picks, in results and standings", async () => {
    expect(
      await rows(
        "SELECT p.user_id, r.outcome, r.profit_cu FROM picks p JOIN results r ON r.pick_id = p.id WHERE p.game_id = '2025_01_CAR_JAX' ORDER BY p.user_id",
      ),
    ).toEqual([
      { user_id: pickers[0], outcome: "void", profit_cu: 0 },
      { user_id: pickers[1], outcome: "void", profit_cu: 0 },
    ]);
    for (const user of pickers) {
      expect(await rows("SELECT week, picks, wins, losses, voids, units_cu FROM standings WHERE user_id = ? ORDER BY week", user)).toEqual([
        { week: 0, picks: 1, wins: 0, losses: 0, voids: 1, units_cu: 0 },
        { week: 1, picks: 1, wins: 0, losses: 0, voids: 1, units_cu: 0 },
      ]);
    }
  });

  it("never lets blank scores or a blank espn cell overwrite what the live sync recorded", async () => {
    expect(await game("2025_01_DAL_PHI")).toMatchObject({
      status: "in_progress",
      away_score: 7,
      home_score: 14,
      espn_event_id: "401772510",
      kickoff_at: "2025-09-05T00:20:00Z",
    });
  });

  it("writes nothing on a second run over v2", async () => {
    const before = await snapshot();
    const report = await run("schedule-sync", { season: SEASON, now: "2025-09-05T01:02:00Z" });
    await expectRun(report, { status: "ok", inserted_count: 0, updated_count: 0, unchanged_count: GAMES_IN_FILE - 1, d1_rows_written: 0 });
    expect(await snapshot()).toEqual(before);
  });
});
