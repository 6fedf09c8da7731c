/**
 * One test per "fail" check of picks, games and values: inject exactly that fault into the clean fixture, see the
 * check fail with the right count and sample keys (and nothing else fail, unless the fault itself implies it), then
 * undo the fault (onUndo, run by afterEach even when an assertion failed); afterEach then proves the database is
 * clean again, so the tests do not lean on each other.
 */
import { env } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { WEEK1, WEEK1_KICKOFF, WEEK2, expectClean, onUndo, problems, qb, run, seedFixture, undoAll, value, wr, type Fixture } from "./helpers/fixture";
import { withCheckConstraintsOff, withoutIndex, withoutTriggers } from "./helpers/faults";

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

const failing = (failingRows: number, sampleKeys: string[]) => ({ status: "fail", failingRows, sampleKeys });

describe("picks", () => {
  it("picks_duplicate_player_in_week: a legacy pick repeating a player name in the week (unique index dropped)", async () => {
    await withoutIndex("picks_user_week_player_unique", async () => {
      // A v8-style pick without player id: same user, week and name as ann's pick in game 0, in another game.
      const id = await value<number>(
        `INSERT INTO picks (user_id, week_id, game_id, player_name, created_at) VALUES (?, ?, ?, ?, '2025-09-06T12:30:00Z') RETURNING id`,
        f.users.ann,
        f.weeks.w1,
        WEEK1[4]!.id,
        "ARI Quarterback",
      );
      try {
        expect(await problems()).toEqual({
          picks_duplicate_player_in_week: failing(1, [`user ${f.users.ann} week#${f.weeks.w1} ARI Quarterback: picks#${f.picks.annW1},#${id}`]),
        });
      } finally {
        await run("DELETE FROM picks WHERE id = ?", id);
      }
    });
  });

  it("picks_duplicate_in_game: a second pick of one user in one game (unique index dropped)", async () => {
    await withoutIndex("picks_user_game_unique", async () => {
      const g = WEEK1[0]!;
      const id = await value<number>(
        `INSERT INTO picks (user_id, week_id, game_id, player_name, player_id, team, created_at) VALUES (?, ?, ?, ?, ?, ?, '2025-09-06T13:00:00Z') RETURNING id`,
        f.users.ann,
        f.weeks.w1,
        g.id,
        `${g.home} Receiver`,
        wr(g.home),
        g.home,
      );
      try {
        expect(await problems()).toEqual({ picks_duplicate_in_game: failing(1, [`user ${f.users.ann} ${g.id}: picks#${f.picks.annW1},#${id}`]) });
      } finally {
        await run("DELETE FROM picks WHERE id = ?", id);
      }
    });
  });

  it("picks_after_kickoff: created or changed at/after kickoff, in both timestamp formats; NULL timestamps are not judged", async () => {
    const { results: saved } = await db()
      .prepare("SELECT id, created_at, updated_at FROM picks WHERE id IN (?, ?, ?)")
      .bind(f.picks.annW1, f.picks.bobW1, f.picks.cyW1)
      .all<{ id: number; created_at: string; updated_at: string }>();
    onUndo(() => db().batch(saved.map((r) => db().prepare("UPDATE picks SET created_at = ?, updated_at = ? WHERE id = ?").bind(r.created_at, r.updated_at, r.id))));
    await db().batch([
      // Changed exactly at kickoff (ISO), created 90 minutes after it (the v8 CURRENT_TIMESTAMP format), legacy NULLs.
      db().prepare("UPDATE picks SET updated_at = ? WHERE id = ?").bind(WEEK1_KICKOFF, f.picks.annW1),
      db().prepare("UPDATE picks SET created_at = '2025-09-07 18:30:00', updated_at = NULL WHERE id = ?").bind(f.picks.bobW1),
      db().prepare("UPDATE picks SET created_at = NULL, updated_at = NULL WHERE id = ?").bind(f.picks.cyW1),
    ]);
    expect(await problems()).toEqual({
      picks_after_kickoff: failing(2, [`picks#${f.picks.annW1} ${WEEK1[0]!.id}`, `picks#${f.picks.bobW1} ${WEEK1[2]!.id}`].sort()),
    });
    // One second before kickoff is fine.
    await run("UPDATE picks SET updated_at = '2025-09-07T16:59:59Z' WHERE id = ?", f.picks.annW1);
    expect(await problems()).toEqual({ picks_after_kickoff: failing(1, [`picks#${f.picks.bobW1} ${WEEK1[2]!.id}`]) });
  });

  it("picks_player_not_on_roster: the picked player's only roster row is with a third team; a former-team row counts", async () => {
    const g = WEEK1[3]!; // cy picked the home WR
    const player = wr(g.home);
    onUndo(() => run("UPDATE rosters SET team = ? WHERE player_id = ? AND season = 2025", g.home, player));
    await run("UPDATE rosters SET team = 'MIA' WHERE player_id = ? AND season = 2025", player);
    expect(await problems()).toEqual({ picks_player_not_on_roster: failing(1, [`picks#${f.picks.cyW1} ${player} ${g.id}`]) });
    // He left the team after the pick: his old row (is_current = 0) says he was on it at pick time.
    onUndo(() => run("DELETE FROM rosters WHERE player_id = ? AND is_current = 0", player));
    await run(
      "INSERT INTO rosters (season, player_id, player_name, team, position, raw_position, status, is_current) VALUES (2025, ?, 'x', ?, 'WR', 'WR', 'ACT', 0)",
      player,
      g.home,
    );
    expect(await problems()).toEqual({});
  });

  it("picks_graded_game_without_result: a result row deleted behind the triggers' back", async () => {
    const saved = await db().prepare("SELECT * FROM results WHERE pick_id = ?").bind(f.picks.bobW1b).first<Record<string, unknown>>();
    const columns = Object.keys(saved!);
    onUndo(() =>
      // Put it back without counting it twice in the standings.
      withoutTriggers(["results_standings_insert"], () =>
        db()
          .prepare(`INSERT INTO results (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`)
          .bind(...columns.map((c) => saved![c]))
          .run(),
      ),
    );
    // Without the standings trigger the standings keep counting the result, so they still match the recompute.
    await withoutTriggers(["results_standings_delete"], () => run("DELETE FROM results WHERE pick_id = ?", f.picks.bobW1b));
    expect(await problems()).toEqual({ picks_graded_game_without_result: failing(1, [`picks#${f.picks.bobW1b} ${WEEK1[3]!.id}`]) });
  });
});

describe("games", () => {
  it("games_home_equals_away (CHECK constraint off)", async () => {
    const g = WEEK2[9]!;
    onUndo(() => run("UPDATE games SET away_team = ? WHERE id = ?", g.away, g.id));
    await withCheckConstraintsOff([db().prepare("UPDATE games SET away_team = home_team WHERE id = ?").bind(g.id)]);
    expect(await problems()).toEqual({ games_home_equals_away: failing(1, [`games#${g.id} ${g.home}`]) });
  });

  it("games_team_twice_in_week: an extra week-2 game between two teams that already play that week; canceled games do not count", async () => {
    const id = "2025_02_BUF_ATL";
    // Canceling it below logs a game_fact_changes row (the v14 trigger), which goes first.
    onUndo(() => db().batch([db().prepare("DELETE FROM game_fact_changes WHERE game_id = ?").bind(id), db().prepare("DELETE FROM games WHERE id = ?").bind(id)]));
    await run(
      "INSERT INTO games (id, season, week, game_type, kickoff_at, home_team, away_team, status) VALUES (?, 2025, 2, 'REG', '2025-09-22T00:20:00Z', 'ATL', 'BUF', 'scheduled')",
      id,
    );
    expect(await problems()).toEqual({
      games_team_twice_in_week: failing(2, [`2025 week 2 ATL: ${WEEK2[0]!.id}, ${id}`, `2025 week 2 BUF: ${id}, ${WEEK2[1]!.id}`]),
    });
    await run("UPDATE games SET status = 'canceled' WHERE id = ?", id);
    expect(await problems()).toEqual({});
  });

  it("games_final_without_first_td: only after the 10-hour grace period; no-TD or voided games are graded enough", async () => {
    const g = WEEK1[5]!;
    const before = await db()
      .prepare("SELECT first_td_player_id AS id, first_td_player_name AS name, first_td_team AS team, first_td_kind AS kind FROM games WHERE id = ?")
      .bind(g.id)
      .first<{ id: string; name: string; team: string; kind: string }>();
    onUndo(() =>
      run(
        "UPDATE games SET no_td = 0, is_voided = 0, first_td_player_id = ?, first_td_player_name = ?, first_td_team = ?, first_td_kind = ? WHERE id = ?",
        before!.id,
        before!.name,
        before!.team,
        before!.kind,
        g.id,
      ),
    );
    await run("UPDATE games SET first_td_player_id = NULL, first_td_player_name = NULL, first_td_team = NULL, first_td_kind = NULL WHERE id = ?", g.id);
    expect(await problems()).toEqual({ games_final_without_first_td: failing(1, [`games#${g.id}`]) });
    // Kickoff 17:00: at 02:59 the next day the feed still has time, at 03:00 (10 hours) it has not.
    expect(await problems({ now: new Date("2025-09-08T02:59:00Z") })).toEqual({});
    expect((await problems({ now: new Date("2025-09-08T03:00:00Z") })).games_final_without_first_td?.failingRows).toBe(1);
    await run("UPDATE games SET is_voided = 1 WHERE id = ?", g.id);
    expect(await problems()).toEqual({});
    await run("UPDATE games SET is_voided = 0, no_td = 1 WHERE id = ?", g.id);
    expect(await problems()).toEqual({});
  });

  it("games_feed_problem_after_a_day: a game the live sync could not settle a day after kickoff, with its reason", async () => {
    const g = WEEK1[7]!;
    const before = await db()
      .prepare("SELECT first_td_player_id AS id, first_td_recorded_by AS recordedBy FROM games WHERE id = ?")
      .bind(g.id)
      .first<{ id: string; recordedBy: string | null }>();
    onUndo(() =>
      db().batch([
        db().prepare("DELETE FROM game_feed_checks WHERE game_id = ?").bind(g.id),
        db()
          .prepare(
            "UPDATE games SET first_td_player_id = ?1, first_td_player_name = (SELECT full_name FROM players WHERE id = ?1), first_td_recorded_by = ?2 WHERE id = ?3",
          )
          .bind(before!.id, before!.recordedBy, g.id),
      ]),
    );
    // The feed named a scorer no roster holds; the live sync's last look says so (kickoff 2025-09-07T17:00Z).
    await run("UPDATE games SET first_td_player_id = NULL, first_td_player_name = 'Mystery Man', first_td_recorded_by = 'job:live-sync' WHERE id = ?", g.id);
    await run(
      `INSERT INTO game_feed_checks (game_id, checked_at, problem, detail, problem_since, attempts, next_check_at)
       VALUES (?, '2025-09-08T16:00:00Z', 'scorer_unresolved', 'Mystery Man matches no player', '2025-09-07T17:20:00Z', 9, '2025-09-08T17:00:00Z')`,
      g.id,
    );
    const unresolved = { status: "warn", failingRows: 1, sampleKeys: [`games#${g.id} Mystery Man`] };
    const key = `games#${g.id} scorer_unresolved since 2025-09-07T17:20:00Z: Mystery Man matches no player`;
    expect(await problems()).toEqual({ games_unresolved_first_td_scorer: unresolved, games_feed_problem_after_a_day: failing(1, [key]) });
    // Within a day of kickoff the catch-up still has time.
    expect(await problems({ now: new Date("2025-09-08T16:59:00Z") })).toEqual({ games_unresolved_first_td_scorer: unresolved });
    // A game still being played is the other checks' business, and a settled game is fine whatever its last look said.
    await run("UPDATE game_feed_checks SET problem = 'not_final' WHERE game_id = ?", g.id);
    expect(await problems()).toEqual({ games_unresolved_first_td_scorer: unresolved });
    await run("UPDATE game_feed_checks SET problem = 'scorer_unresolved' WHERE game_id = ?", g.id);
    await run("UPDATE games SET first_td_player_id = ?1, first_td_player_name = (SELECT full_name FROM players WHERE id = ?1) WHERE id = ?2", before!.id, g.id);
    expect(await problems()).toEqual({});
  });

  it("games_first_td_team_not_playing (CHECK constraint off)", async () => {
    const g = WEEK1[6]!;
    onUndo(() => run("UPDATE games SET first_td_team = ? WHERE id = ?", g.home, g.id));
    await withCheckConstraintsOff([db().prepare("UPDATE games SET first_td_team = 'LV' WHERE id = ?").bind(g.id)]);
    expect(await problems()).toEqual({ games_first_td_team_not_playing: failing(1, [`games#${g.id} first_td_team=LV`]) });
  });
});

describe("values outside their allowed sets (CHECK constraints off where there is one)", () => {
  it("values_games: status, type, kind and flags", async () => {
    const g = WEEK2[9]!;
    onUndo(() =>
      db().batch([
        db().prepare("UPDATE games SET status = 'scheduled', game_type = 'REG', is_placeholder = 0 WHERE id = ?").bind(g.id),
        db().prepare("UPDATE games SET first_td_kind = 'reception' WHERE id = ?").bind(WEEK1[7]!.id),
      ]),
    );
    await withCheckConstraintsOff([
      db().prepare("UPDATE games SET status = 'suspended', game_type = 'PRE', is_placeholder = 2 WHERE id = ?").bind(g.id),
      db().prepare("UPDATE games SET first_td_kind = 'safety' WHERE id = ?").bind(WEEK1[7]!.id),
    ]);
    expect(await problems()).toEqual({
      // (weeks_implausible_game_count stays quiet: a week with a non-REG game is not judged as a regular week.)
      values_games: failing(2, [`games#${WEEK1[7]!.id} first_td_kind='safety'`, `games#${g.id} status='suspended' game_type='PRE' is_placeholder=2`].sort()),
    });
  });

  it("values_rosters: a position outside the list and a non-boolean is_current", async () => {
    const id = await value<number>("SELECT id FROM rosters WHERE player_id = ?", wr("MIA"));
    onUndo(() => run("UPDATE rosters SET position = 'WR', is_current = 1 WHERE id = ?", id));
    await withCheckConstraintsOff([db().prepare("UPDATE rosters SET position = 'FB', is_current = 3 WHERE id = ?").bind(id)]);
    expect(await problems()).toEqual({ values_rosters: failing(1, [`rosters#${id} position='FB' is_current=3`]) });
  });

  it("values_picks: position and odds source (no CHECK on these picks columns)", async () => {
    onUndo(() => run("UPDATE picks SET position = 'QB', odds_source = NULL WHERE id = ?", f.picks.annW2));
    await run("UPDATE picks SET position = 'XX', odds_source = 'bookie' WHERE id = ?", f.picks.annW2);
    expect(await problems()).toEqual({ values_picks: failing(1, [`picks#${f.picks.annW2} position='XX' odds_source='bookie'`]) });
  });

  it("values_results: outcome and is_correct (standings trigger held off so that standings stay as they were)", async () => {
    const r = await db().prepare("SELECT id, outcome, is_correct FROM results WHERE pick_id = ?").bind(f.picks.annW1).first<{ id: number; outcome: string; is_correct: number }>();
    onUndo(() => withoutTriggers(["results_standings_update"], () => run("UPDATE results SET outcome = ?, is_correct = ? WHERE id = ?", r!.outcome, r!.is_correct, r!.id)));
    await withoutTriggers(["results_standings_update"], () =>
      withCheckConstraintsOff([db().prepare("UPDATE results SET outcome = 'push', is_correct = 5 WHERE id = ?").bind(r!.id)]),
    );
    expect(await problems()).toEqual({ values_results: failing(1, [`results#${r!.id} outcome='push' is_correct=5`]) });
  });

  it("values_players, values_users, values_market_odds, values_picks_quarantine, values_sync_runs", async () => {
    const odds = await value<number>("SELECT min(id) FROM market_odds");
    const quarantined = await value<number>("SELECT min(id) FROM picks_quarantine");
    const syncRun = await value<number>("SELECT id FROM sync_runs WHERE job = 'market-sync'");
    onUndo(() =>
      db().batch([
        db().prepare("UPDATE players SET is_fallback_id = 0 WHERE id = ?").bind(qb("MIA")),
        db().prepare("UPDATE users SET is_admin = 0 WHERE id = ?").bind(f.users.cy),
        db().prepare("UPDATE market_odds SET source = 'kalshi', kind = 'first_td', price_basis = 'mid' WHERE id = ?").bind(odds),
        db().prepare("UPDATE picks_quarantine SET reason = 'duplicate_in_week' WHERE id = ?").bind(quarantined),
        db().prepare("UPDATE sync_runs SET trigger = 'cron', status = 'ok' WHERE id = ?").bind(syncRun),
      ]),
    );
    await withCheckConstraintsOff([
      db().prepare("UPDATE players SET is_fallback_id = 7 WHERE id = ?").bind(qb("MIA")),
      db().prepare("UPDATE users SET is_admin = 2 WHERE id = ?").bind(f.users.cy),
      db().prepare("UPDATE market_odds SET source = 'betfair', kind = 'last_td', price_basis = 'guess' WHERE id = ?").bind(odds),
      db().prepare("UPDATE picks_quarantine SET reason = 'because' WHERE id = ?").bind(quarantined),
      db().prepare("UPDATE sync_runs SET trigger = 'cosmic ray', status = 'exploded' WHERE id = ?").bind(syncRun),
    ]);
    expect(await problems()).toEqual({
      values_players: failing(1, [`players#${qb("MIA")} is_fallback_id=7`]),
      values_users: failing(1, [`users#${f.users.cy} is_admin=2`]),
      values_market_odds: failing(1, [`market_odds#${odds} source='betfair' kind='last_td' price_basis='guess'`]),
      values_picks_quarantine: failing(1, [`picks_quarantine#${quarantined} reason='because'`]),
      values_sync_runs: failing(1, [`sync_runs#${syncRun} trigger='cosmic ray' status='exploded'`]),
    });
  });

  it("values_quality_runs and values_quality_results: the job's own history", async () => {
    onUndo(() => run("DELETE FROM quality_runs WHERE id IN (900, 901)"));
    await withCheckConstraintsOff([
      db().prepare("INSERT INTO quality_runs (id, trigger, started_at, status) VALUES (900, 'manual', '2025-09-19T02:00:00Z', 'meh')"),
      db().prepare("INSERT INTO quality_runs (id, trigger, started_at, status) VALUES (901, 'cron', '2025-09-19T02:00:00Z', 'pass')"),
      db().prepare("INSERT INTO quality_results (id, run_id, check_name, table_name, severity, status, failing_rows) VALUES (77, 901, 'x', 'games', 'info', 'ok', 0)"),
    ]);
    expect(await problems()).toEqual({
      values_quality_runs: failing(1, ["quality_runs#900 trigger='manual' status='meh'"]),
      values_quality_results: failing(1, ["quality_results#77 severity='info' status='ok'"]),
    });
  });
});
