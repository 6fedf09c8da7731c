/**
 * One test per "warn" check: freshness, unknown positions, unresolved scorers, implausible weeks, drift against the
 * recompute, and the market checks, each with its threshold or window shown from both sides.
 */
import { env } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { WEEK1, WEEK2, evaluate, expectClean, onUndo, problems, qb, run, seedFixture, undoAll, value, wr, type Fixture } from "./helpers/fixture";

let f: Fixture;
const db = () => env.DB;

beforeAll(async () => {
  f = await seedFixture();
  await expectClean();
});

afterEach(async () => {
  await undoAll();
  await expectClean();
});

const warning = (failingRows: number, sampleKeys: string[]) => ({ status: "warn", failingRows, sampleKeys });

async function details(name: string, options: { now?: Date } = {}) {
  return (await evaluate(options)).find((r) => r.name === name)!.details;
}

describe("freshness", () => {
  it("freshness_rosters: the last ok roster-sync of the season is over 36 hours old", async () => {
    onUndo(() => run("UPDATE sync_runs SET finished_at = '2025-09-19T09:02:00Z' WHERE job = 'roster-sync'"));
    await run("UPDATE sync_runs SET finished_at = '2025-09-18T14:00:00Z' WHERE job = 'roster-sync'"); // 36 h before NOW: still fresh
    expect(await problems()).toEqual({});
    await run("UPDATE sync_runs SET finished_at = '2025-09-18T13:59:00Z' WHERE job = 'roster-sync'");
    expect(await problems()).toEqual({ freshness_rosters: warning(1, ["roster-sync 2025: last ok 2025-09-18T13:59:00Z (36 h ago)"]) });
    // Off season (March to August) it does not apply.
    expect((await problems({ now: new Date("2026-05-20T02:00:00Z") })).freshness_rosters).toBeUndefined();
    expect(await details("freshness_rosters", { now: new Date("2026-05-20T02:00:00Z") })).toEqual({ applies: false, reason: "off season (March-August)" });
  });

  it("freshness_schedule: runs exist but none succeeded for the season; a job that never ran is not judged", async () => {
    onUndo(() => run("UPDATE sync_runs SET status = 'ok', season = 2025 WHERE job = 'schedule-sync'"));
    await run("UPDATE sync_runs SET status = 'failed' WHERE job = 'schedule-sync'");
    expect(await problems()).toEqual({ freshness_schedule: warning(1, ["schedule-sync 2025: no successful run"]) });
    // A successful run of another season does not make this season fresh.
    await run("UPDATE sync_runs SET status = 'ok', season = 2024 WHERE job = 'schedule-sync'");
    expect(await problems()).toEqual({ freshness_schedule: warning(1, ["schedule-sync 2025: no successful run"]) });
    // Never ran at all (a hand-fed database): not applicable.
    const saved = await db().prepare("SELECT * FROM sync_runs WHERE job = 'schedule-sync'").first<Record<string, unknown>>();
    const columns = Object.keys(saved!);
    onUndo(() => db().prepare(`INSERT INTO sync_runs (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`).bind(...columns.map((c) => saved![c])).run());
    await run("DELETE FROM sync_runs WHERE job = 'schedule-sync'");
    expect(await problems()).toEqual({});
    expect(await details("freshness_schedule")).toEqual({ applies: false, reason: "schedule-sync has never run" });
  });
});

describe("rosters, games and weeks", () => {
  it("rosters_unknown_position: warns at 5% of the active skill players, with count and percent", async () => {
    const [a, b] = [wr("LV"), wr("MIA")];
    onUndo(() => db().batch([a, b].map((p) => db().prepare("UPDATE rosters SET position = 'WR' WHERE player_id = ?").bind(p))));
    await run("UPDATE rosters SET position = NULL WHERE player_id = ?", a);
    expect(await problems()).toEqual({}); // 1 of 40: 2.5%
    expect(await details("rosters_unknown_position")).toEqual({ season: 2025, unknown: 1, activeSkillAndUnknown: 40, percent: 2.5, maxPercent: 5 });
    await run("UPDATE rosters SET position = NULL WHERE player_id = ?", b);
    const ids = await db().prepare("SELECT id FROM rosters WHERE player_id IN (?, ?) ORDER BY player_id").bind(a, b).all<{ id: number }>();
    expect(await problems()).toEqual({
      rosters_unknown_position: warning(2, [`rosters#${ids.results[0]!.id} ${a} LV raw=WR`, `rosters#${ids.results[1]!.id} ${b} MIA raw=WR`]),
    });
    expect(await details("rosters_unknown_position")).toMatchObject({ unknown: 2, activeSkillAndUnknown: 40, percent: 5 });
    // Inactive players do not count.
    await run("UPDATE rosters SET status = 'INA' WHERE player_id IN (?, ?)", a, b);
    onUndo(() => run("UPDATE rosters SET status = 'ACT' WHERE player_id IN (?, ?)", a, b));
    expect(await problems()).toEqual({});
  });

  it("games_not_final_after_kickoff: a past game left scheduled or in progress; postponed games are not judged", async () => {
    const [live, stale, postponed] = [WEEK1[1]!, WEEK1[2]!, WEEK1[3]!];
    onUndo(() => run("UPDATE games SET status = 'final' WHERE id IN (?, ?, ?)", live.id, stale.id, postponed.id));
    await run("UPDATE games SET status = 'in_progress' WHERE id = ?", live.id);
    await run("UPDATE games SET status = 'scheduled' WHERE id = ?", stale.id);
    await run("UPDATE games SET status = 'postponed' WHERE id = ?", postponed.id);
    expect(await problems()).toEqual({
      games_not_final_after_kickoff: warning(2, [`games#${live.id} in_progress`, `games#${stale.id} scheduled`]),
    });
  });

  it("games_unresolved_first_td_scorer: a scorer name the sync could not match", async () => {
    const g = WEEK2[9]!;
    onUndo(() => run("UPDATE games SET first_td_player_name = NULL WHERE id = ?", g.id));
    await run("UPDATE games SET first_td_player_name = 'Mystery Man' WHERE id = ?", g.id);
    expect(await problems()).toEqual({ games_unresolved_first_td_scorer: warning(1, [`games#${g.id} Mystery Man`]) });
  });

  it("weeks_implausible_game_count: a REG week with 9 games, a weeks row without games; playoff weeks are not judged", async () => {
    onUndo(() =>
      db().batch([
        db().prepare("DELETE FROM weeks WHERE season = 2025 AND week IN (3, 19)"),
        db().prepare("DELETE FROM game_fact_changes WHERE game_id = ?").bind(WEEK2[9]!.id),
        db().prepare("UPDATE games SET status = 'scheduled' WHERE id = ?").bind(WEEK2[9]!.id),
      ]),
    );
    await run("INSERT INTO weeks (season, week) VALUES (2025, 3), (2025, 19)");
    await run("UPDATE games SET status = 'canceled' WHERE id = ?", WEEK2[9]!.id);
    expect(await problems()).toEqual({ weeks_implausible_game_count: warning(2, ["2025 week 2: 9 games", "2025 week 3: 0 games"]) });
    // A weeks row of a season without any game is not judged either.
    await run("INSERT INTO weeks (season, week) VALUES (2031, 1)");
    onUndo(() => run("DELETE FROM weeks WHERE season = 2031"));
    expect((await problems()).weeks_implausible_game_count?.failingRows).toBe(2);
  });
});

describe("drift against the recompute (src/db/recompute.ts)", () => {
  it("drift_player_stats: a first-TD count the triggers did not write", async () => {
    const g = WEEK1[4]!;
    const player = wr(g.home);
    onUndo(() => run("UPDATE player_stats SET first_td_count = 1 WHERE player_id = ?", player));
    await run("UPDATE player_stats SET first_td_count = 2 WHERE player_id = ?", player);
    expect(await problems()).toEqual({ drift_player_stats: warning(1, [`${player} 2025 ${g.home}: firstTdCount 2 != 1`]) });
    // Another season is another run's business.
    expect((await problems({ season: 2024 })).drift_player_stats).toBeUndefined();
  });

  it("drift_standings: wins and units off in one week row, and a missing season row", async () => {
    const saved = await db().prepare("SELECT * FROM standings WHERE season = 2025 AND week = 0 AND user_id = ?").bind(f.users.bob).first<Record<string, unknown>>();
    const columns = Object.keys(saved!);
    onUndo(() =>
      db().batch([
        db().prepare("UPDATE standings SET wins = wins - 1, units_cu = units_cu - 100 WHERE season = 2025 AND week = 1 AND user_id = ?").bind(f.users.ann),
        db().prepare(`INSERT INTO standings (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`).bind(...columns.map((c) => saved![c])),
      ]),
    );
    await db().batch([
      db().prepare("UPDATE standings SET wins = wins + 1, units_cu = units_cu + 100 WHERE season = 2025 AND week = 1 AND user_id = ?").bind(f.users.ann),
      db().prepare("DELETE FROM standings WHERE season = 2025 AND week = 0 AND user_id = ?").bind(f.users.bob),
    ]);
    expect(await problems()).toEqual({
      drift_standings: warning(2, [`2025/0/user ${f.users.bob}: missing row`, `2025/1/user ${f.users.ann}: wins 2 != 1, unitsCu 100 != 0`]),
    });
  });
});

describe("league boards", () => {
  it("drift_league_boards: a sorted board's row off from the standings, and a row of someone who left", async () => {
    // A large league of ann and bob (its board kept sorted), ann on the public board too.
    const league = await value<number>(
      "INSERT INTO leagues (name, commissioner_id, created_at) VALUES ('fault league', ?, '2025-09-01T00:00:00Z') RETURNING id",
      f.users.ann,
    );
    onUndo(() =>
      db().batch([
        db().prepare("DELETE FROM leagues WHERE id = ?").bind(league),
        db().prepare("UPDATE users SET on_global_board = 0 WHERE id = ?").bind(f.users.ann),
      ]),
    );
    await db().batch([
      db().prepare("INSERT INTO league_members (league_id, user_id, joined_at) VALUES (?1, ?2, 'x'), (?1, ?3, 'x')").bind(league, f.users.ann, f.users.bob),
      db().prepare("UPDATE leagues SET board_materialized = 1 WHERE id = ?").bind(league),
      db().prepare("UPDATE users SET on_global_board = 1 WHERE id = ?").bind(f.users.ann),
    ]);
    expect(await problems()).toEqual({});
    // A write that bypassed the mirror (a hand fix, a dropped trigger): wins off on the public board, and a row left
    // behind for someone no longer a member.
    await db().batch([
      db().prepare("UPDATE league_standings SET wins = wins + 1 WHERE league_id = 0 AND season = 2025 AND week = 1 AND user_id = ?").bind(f.users.ann),
      db().prepare("DELETE FROM league_members WHERE league_id = ? AND user_id = ?").bind(league, f.users.bob),
      db().prepare(
        "INSERT INTO league_standings (league_id, season, week, user_id, picks, wins, losses, voids, units_cu) SELECT ?, season, week, user_id, picks, wins, losses, voids, units_cu FROM standings WHERE season = 2025 AND week = 0 AND user_id = ?",
      ).bind(league, f.users.bob),
    ]);
    const found = (await problems()).drift_league_boards;
    expect(found).toMatchObject({ status: "warn", failingRows: 2 });
    expect(found!.sampleKeys[0]).toBe(`league 0 2025/1/user ${f.users.ann}: wins 2 != 1`);
    expect(found!.sampleKeys[1]).toMatch(new RegExp(`^league ${league} 2025/0/user ${f.users.bob}: counts \\{.*\\}, expected nothing$`));
  });
});

describe("markets", () => {
  it("markets_snapshot_missing: a game kicking off within 24 h without a snapshot from the last 2 h", async () => {
    // Game 7 has no snapshot, game 0 has one from 01:50 (10 minutes before NOW); both now kick off at noon.
    onUndo(() => db().batch([WEEK2[7]!, WEEK2[0]!].map((g) => db().prepare("UPDATE games SET kickoff_at = '2025-09-21T17:00:00Z' WHERE id = ?").bind(g.id))));
    await db().batch([WEEK2[7]!, WEEK2[0]!].map((g) => db().prepare("UPDATE games SET kickoff_at = '2025-09-20T12:00:00Z' WHERE id = ?").bind(g.id)));
    expect(await problems()).toEqual({ markets_snapshot_missing: warning(1, [`games#${WEEK2[7]!.id} kickoff 2025-09-20T12:00:00Z`]) });
    // At 04:00 game 0's snapshot is over 2 hours old too.
    const later = new Date("2025-09-20T04:00:00Z");
    expect((await problems({ now: later })).markets_snapshot_missing?.failingRows).toBe(2);
    // Without any market sync ever, there is nothing to expect.
    const syncRun = await value<number>("SELECT id FROM sync_runs WHERE job = 'market-sync'");
    onUndo(() => run("UPDATE sync_runs SET job = 'market-sync' WHERE id = ?", syncRun));
    await run("UPDATE sync_runs SET job = 'something-else' WHERE id = ?", syncRun);
    expect(await problems()).toEqual({});
  });

  it("markets_impossible_price: probability outside (0, 1), ask below bid, normalized probability above 1", async () => {
    const { results } = await db().prepare("SELECT id, market_id FROM market_odds ORDER BY id LIMIT 4").all<{ id: number; market_id: string }>();
    const [a, b, c, d] = results as [{ id: number; market_id: string }, ...{ id: number; market_id: string }[]];
    onUndo(() => run("UPDATE market_odds SET implied_probability = 0.1, bid = 0.08, ask = 0.12, normalized_probability = 0.09"));
    await db().batch([
      db().prepare("UPDATE market_odds SET implied_probability = 1.2 WHERE id = ?").bind(a.id),
      db().prepare("UPDATE market_odds SET ask = 0.05 WHERE id = ?").bind(b!.id),
      db().prepare("UPDATE market_odds SET normalized_probability = 1.5, implied_probability = 0 WHERE id = ?").bind(c!.id),
      // Edge values that are possible: an empty book side, a certain-looking 0.99.
      db().prepare("UPDATE market_odds SET bid = NULL, implied_probability = 0.99, normalized_probability = 1 WHERE id = ?").bind(d!.id),
    ]);
    expect(await problems()).toEqual({
      markets_impossible_price: warning(3, [
        `market_odds#${a.id} kalshi ${a.market_id}: implied_probability=1.2`,
        `market_odds#${b!.id} kalshi ${b!.market_id}: ask<bid`,
        `market_odds#${c!.id} kalshi ${c!.market_id}: implied_probability=0.0 normalized_probability=1.5`,
      ]),
    });
  });

  it("markets_unmapped_share: more than 20% of the markets seen in the last day are unmapped", async () => {
    onUndo(() => run("DELETE FROM market_unmapped WHERE market_id LIKE 'EXTRA-%'"));
    // One seen 2 days ago does not count: 1 of 7 (14.3%).
    await run(
      "INSERT INTO market_unmapped (source, kind, market_id, reason, first_seen_at, last_seen_at) VALUES ('polymarket', 'first_td', 'EXTRA-OLD', 'no_game', '2025-09-17T00:00:00Z', '2025-09-18T00:00:00Z')",
    );
    expect(await problems()).toEqual({});
    // A second recent one: 2 of 8 (25%).
    await run(
      "INSERT INTO market_unmapped (source, kind, market_id, reason, first_seen_at, last_seen_at) VALUES ('polymarket', 'first_td', 'EXTRA-1', 'no_game', '2025-09-20T01:00:00Z', '2025-09-20T01:55:00Z')",
    );
    expect(await problems()).toEqual({
      markets_unmapped_share: warning(2, ["kalshi KXNFLFIRSTTD-25SEP21-0-ZZ: player_not_found", "polymarket EXTRA-1: no_game"]),
    });
    expect(await details("markets_unmapped_share")).toEqual({ unmapped: 2, mapped: 6, percent: 25, maxPercent: 20 });
  });
});

it("the fixture's picks are where the tests expect them", async () => {
  expect(await value("SELECT player_id FROM picks WHERE id = ?", f.picks.annW2)).toBe(qb(WEEK2[0]!.away));
});
