/**
 * One test per orphan check. Foreign keys cannot be switched off on D1 (helpers/faults.ts says what was tried), so
 * beforeAll rebuilds every child table without its FOREIGN KEY clauses (rows, indexes and triggers kept; children
 * before parents so that no DROP cascades). After that an orphan is simply inserted; the relationships that have
 * no foreign key at all (games.first_td_player_id, market_odds.game_id, market_outcomes, picks_quarantine) would
 * accept them anyway.
 */
import { env } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { orphanCheckName, RELATIONSHIPS } from "../../src/quality/checks/orphans";
import { WEEK1, WEEK2, expectClean, onUndo, problems, qb, run, seedFixture, undoAll, value, type Fixture } from "./helpers/fixture";
import { dropForeignKeys, foreignKeyCount, stripForeignKeys, withoutTriggers } from "./helpers/faults";

let f: Fixture;
const db = () => env.DB;

/** Leaves first, then the tables that are both child and parent. */
const CHILD_TABLES = [
  "results",
  "rosters",
  "standings",
  "player_stats",
  "market_odds",
  "api_tokens",
  "quality_results",
  "team_aliases",
  "game_fact_changes",
  "picks",
  "games",
  "players",
];

beforeAll(async () => {
  f = await seedFixture();
  const snapshot = () =>
    db()
      .prepare(
        `SELECT (SELECT count(*) FROM results) AS results, (SELECT count(*) FROM standings) AS standings, (SELECT count(*) FROM picks) AS picks,
           (SELECT group_concat(name, ',' ORDER BY name) FROM sqlite_master WHERE type IN ('trigger', 'index')) AS schema`,
      )
      .first();
  const before = await snapshot();
  const triggerCount = "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'";
  const triggersBefore = await value(triggerCount);
  await dropForeignKeys(CHILD_TABLES);
  // Nothing lost (no cascade), no foreign key left, every trigger back.
  expect(await snapshot()).toEqual(before);
  for (const table of CHILD_TABLES) expect(await foreignKeyCount(table), table).toBe(0);
  expect(await value(triggerCount)).toBe(triggersBefore);
  expect(triggersBefore).toBeGreaterThanOrEqual(14);
  await expectClean();
});

afterEach(async () => {
  await undoAll();
  await expectClean();
});

const orphan = (sampleKey: string, rows = 1) => ({ status: "fail", failingRows: rows, sampleKeys: [sampleKey] });

describe("the FK stripping itself", () => {
  it("removes table and column REFERENCES clauses and nothing else", () => {
    const sql = "CREATE TABLE `x` (\n\t`a` integer NOT NULL,\n\t`b` text REFERENCES players(id),\n\t`c` integer DEFAULT 0 NOT NULL,\n\tFOREIGN KEY (`a`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,\n\tCONSTRAINT \"x_c\" CHECK(`c` IN (0, 1))\n)";
    expect(stripForeignKeys(sql)).toBe("CREATE TABLE `x` (\n\t`a` integer NOT NULL,\n\t`b` text,\n\t`c` integer DEFAULT 0 NOT NULL,\n\tCONSTRAINT \"x_c\" CHECK(`c` IN (0, 1))\n)");
  });

  it("every relationship of the check list has a test below", () => {
    expect(RELATIONSHIPS.map(orphanCheckName).sort()).toEqual(Object.keys(INJECTIONS).sort());
  });
});

/** For each orphan check: inject one orphan, return what the checks must report (the orphan, plus anything it implies). */
const INJECTIONS: Record<string, () => Promise<Record<string, unknown>>> = {
  async orphan_picks_users() {
    const g = WEEK2[5]!;
    const id = await value<number>(
      "INSERT INTO picks (user_id, week_id, game_id, player_name, player_id, team, created_at) VALUES (9001, ?, ?, ?, ?, ?, '2025-09-19T12:00:00Z') RETURNING id",
      f.weeks.w2, g.id, `${g.away} Quarterback`, qb(g.away), g.away,
    );
    onUndo(() => db().batch([db().prepare("DELETE FROM picks WHERE id = ?").bind(id), db().prepare("DELETE FROM standings WHERE user_id = 9001")]));
    // The standings triggers count the pick for its (missing) user: those rows are orphans too.
    return { orphan_picks_users: orphan(`picks#${id} user_id=9001`), orphan_standings_users: { status: "fail", failingRows: 2, sampleKeys: ["standings#2025/0/9001 user_id=9001", "standings#2025/2/9001 user_id=9001"] } };
  },
  async orphan_picks_weeks() {
    const g = WEEK2[5]!;
    // picks_week_matches_game would refuse a week that does not exist: held off for the insert.
    const id = await withoutTriggers(["picks_week_matches_game"], () =>
      value<number>(
        "INSERT INTO picks (user_id, week_id, game_id, player_name, player_id, team, created_at) VALUES (?, 999, ?, ?, ?, ?, '2025-09-19T12:00:00Z') RETURNING id",
        f.users.bob, g.id, `${g.away} Quarterback`, qb(g.away), g.away,
      ),
    );
    onUndo(() => run("DELETE FROM picks WHERE id = ?", id));
    return { orphan_picks_weeks: orphan(`picks#${id} week_id=999`) };
  },
  async orphan_picks_games() {
    const id = await withoutTriggers(["picks_week_matches_game"], () =>
      value<number>(
        "INSERT INTO picks (user_id, week_id, game_id, player_name, player_id, team, created_at) VALUES (?, ?, '2025_02_XXX_YYY', 'MIA Receiver', ?, 'MIA', '2025-09-19T12:00:00Z') RETURNING id",
        f.users.bob, f.weeks.w2, "MIA-WR",
      ),
    );
    onUndo(() => run("DELETE FROM picks WHERE id = ?", id));
    return { orphan_picks_games: orphan(`picks#${id} game_id=2025_02_XXX_YYY`) };
  },
  async orphan_picks_players() {
    const g = WEEK2[5]!;
    const id = await value<number>(
      "INSERT INTO picks (user_id, week_id, game_id, player_name, player_id, team, created_at) VALUES (?, ?, ?, 'Nobody', 'ghost-player', ?, '2025-09-19T12:00:00Z') RETURNING id",
      f.users.bob, f.weeks.w2, g.id, g.away,
    );
    onUndo(() => run("DELETE FROM picks WHERE id = ?", id));
    // A player that does not exist is on no roster either.
    return { orphan_picks_players: orphan(`picks#${id} player_id=ghost-player`), picks_player_not_on_roster: orphan(`picks#${id} ghost-player ${g.id}`) };
  },
  async orphan_results_picks() {
    const id = await value<number>("INSERT INTO results (pick_id, outcome, profit_cu, is_correct, graded_at) VALUES (99999, 'loss', -100, 0, '2025-09-08T00:00:00Z') RETURNING id");
    onUndo(() => run("DELETE FROM results WHERE id = ?", id));
    return { orphan_results_picks: orphan(`results#${id} pick_id=99999`) };
  },
  async orphan_rosters_players() {
    const id = await value<number>("INSERT INTO rosters (season, player_id, player_name, team, position, status) VALUES (2025, 'ghost', 'Ghost', 'ARI', 'WR', 'ACT') RETURNING id");
    onUndo(() => run("DELETE FROM rosters WHERE id = ?", id));
    return { orphan_rosters_players: orphan(`rosters#${id} player_id=ghost`) };
  },
  async orphan_rosters_teams() {
    const id = await value<number>("INSERT INTO rosters (season, player_id, player_name, team, position, status, is_current) VALUES (2025, ?, 'x', 'XXX', 'QB', 'ACT', 0) RETURNING id", qb("MIA"));
    onUndo(() => run("DELETE FROM rosters WHERE id = ?", id));
    return { orphan_rosters_teams: orphan(`rosters#${id} team=XXX`) };
  },
  async orphan_standings_users() {
    onUndo(() => run("DELETE FROM standings WHERE user_id = 9002"));
    await run("INSERT INTO standings (season, week, user_id) VALUES (2025, 0, 9002)");
    return { orphan_standings_users: orphan("standings#2025/0/9002 user_id=9002") };
  },
  async orphan_player_stats_players() {
    const id = await value<number>("INSERT INTO player_stats (player_id, player_name, season, team, first_td_count) VALUES ('ghost', 'Ghost', 2025, 'ARI', 0) RETURNING id");
    onUndo(() => run("DELETE FROM player_stats WHERE id = ?", id));
    return { orphan_player_stats_players: orphan(`player_stats#${id} player_id=ghost`) };
  },
  async orphan_games_teams() {
    const g = WEEK2[9]!;
    onUndo(() => run("UPDATE games SET away_team = ? WHERE id = ?", g.away, g.id));
    await run("UPDATE games SET away_team = 'XXX' WHERE id = ?", g.id);
    return { orphan_games_teams: orphan(`games#${g.id} away_team=XXX`) };
  },
  async orphan_games_first_td_player() {
    // No foreign key here, only the trigger that refuses unknown scorers: held off for the update.
    const g = WEEK2[9]!;
    onUndo(() => run("UPDATE games SET first_td_player_id = NULL, first_td_player_name = NULL, first_td_team = NULL, first_td_kind = NULL WHERE id = ?", g.id));
    await withoutTriggers(["games_first_td_player_exists"], () =>
      run("UPDATE games SET first_td_player_id = 'ghost', first_td_player_name = 'Ghost', first_td_team = ?, first_td_kind = 'rush' WHERE id = ?", g.home, g.id),
    );
    // The recount credits the ghost with a first TD that no player_stats row can hold (player_stats joins players).
    return {
      orphan_games_first_td_player: orphan(`games#${g.id} first_td_player_id=ghost`),
      drift_player_stats: { status: "warn", failingRows: 1, sampleKeys: [`ghost 2025 ${g.home}: missing row`] },
    };
  },
  async orphan_market_odds_games() {
    const id = await value<number>("INSERT INTO market_odds (source, game_id, player_name, snapshot_time) VALUES ('kalshi', 'no-such-game', 'X', '2025-09-19T00:00:00Z') RETURNING id");
    onUndo(() => run("DELETE FROM market_odds WHERE id = ?", id));
    return { orphan_market_odds_games: orphan(`market_odds#${id} game_id=no-such-game`) };
  },
  async orphan_market_odds_players() {
    const id = await value<number>("INSERT INTO market_odds (source, game_id, player_name, player_id, snapshot_time) VALUES ('kalshi', ?, 'Ghost', 'ghost', '2025-09-19T00:00:00Z') RETURNING id", WEEK2[0]!.id);
    onUndo(() => run("DELETE FROM market_odds WHERE id = ?", id));
    return { orphan_market_odds_players: orphan(`market_odds#${id} player_id=ghost`) };
  },
  async orphan_market_outcomes_games() {
    const id = await value<number>("INSERT INTO market_outcomes (source, market_id, game_id, outcome) VALUES ('kalshi', 'M-1', 'no-such-game', 'no') RETURNING id");
    onUndo(() => run("DELETE FROM market_outcomes WHERE id = ?", id));
    return { orphan_market_outcomes_games: orphan(`market_outcomes#${id} game_id=no-such-game`) };
  },
  async orphan_market_outcomes_players() {
    const id = await value<number>("INSERT INTO market_outcomes (source, market_id, game_id, player_id, outcome) VALUES ('kalshi', 'M-2', ?, 'ghost', 'no') RETURNING id", WEEK1[0]!.id);
    onUndo(() => run("DELETE FROM market_outcomes WHERE id = ?", id));
    return { orphan_market_outcomes_players: orphan(`market_outcomes#${id} player_id=ghost`) };
  },
  async orphan_api_tokens_users() {
    const id = await value<number>("INSERT INTO api_tokens (user_id, name, token_hash, token_prefix, created_at) VALUES (9003, 'x', 'h-9003', 'ftd_x', '2025-09-01T00:00:00Z') RETURNING id");
    onUndo(() => run("DELETE FROM api_tokens WHERE id = ?", id));
    return { orphan_api_tokens_users: orphan(`api_tokens#${id} user_id=9003`) };
  },
  async orphan_picks_quarantine_users() {
    const id = await value<number>("INSERT INTO picks_quarantine (user_id, week_id, player_name, reason) VALUES (9004, ?, 'X', 'no_matching_game') RETURNING id", f.weeks.w1);
    onUndo(() => run("DELETE FROM picks_quarantine WHERE id = ?", id));
    return { orphan_picks_quarantine_users: orphan(`picks_quarantine#${id} user_id=9004`) };
  },
  async orphan_picks_quarantine_weeks() {
    const id = await value<number>("INSERT INTO picks_quarantine (user_id, week_id, player_name, reason) VALUES (?, 998, 'X', 'no_matching_game') RETURNING id", f.users.cy);
    onUndo(() => run("DELETE FROM picks_quarantine WHERE id = ?", id));
    return { orphan_picks_quarantine_weeks: orphan(`picks_quarantine#${id} week_id=998`) };
  },
  async orphan_quality_results_quality_runs() {
    const id = await value<number>("INSERT INTO quality_results (run_id, check_name, table_name, severity, status) VALUES (9005, 'x', 'games', 'fail', 'pass') RETURNING id");
    onUndo(() => run("DELETE FROM quality_results WHERE id = ?", id));
    return { orphan_quality_results_quality_runs: orphan(`quality_results#${id} run_id=9005`) };
  },
  async orphan_players_teams() {
    onUndo(() => run("DELETE FROM players WHERE id = 'DEF-XXX'"));
    await run("INSERT INTO players (id, full_name, name_key, defense_team) VALUES ('DEF-XXX', 'XXX Defense', 'xxx defense', 'XXX')");
    return { orphan_players_teams: orphan("players#DEF-XXX defense_team=XXX") };
  },
  async orphan_team_aliases_teams() {
    onUndo(() => run("DELETE FROM team_aliases WHERE alias = 'ZZZ'"));
    await run("INSERT INTO team_aliases (alias, team_code) VALUES ('ZZZ', 'XXX')");
    return { orphan_team_aliases_teams: orphan("team_aliases#ZZZ team_code=XXX") };
  },
  async orphan_game_fact_changes_games() {
    const id = await value<number>("INSERT INTO game_fact_changes (game_id, changed_at, before, after) VALUES ('no-such-game', '2025-09-08T00:00:00Z', '{}', '{}') RETURNING id");
    onUndo(() => run("DELETE FROM game_fact_changes WHERE id = ?", id));
    return { orphan_game_fact_changes_games: orphan(`game_fact_changes#${id} game_id=no-such-game`) };
  },
};

describe("one orphan of each relationship", () => {
  for (const [name, inject] of Object.entries(INJECTIONS)) {
    it(name, async () => {
      const expected = await inject();
      expect(expected[name], "the injection names its own check").toBeDefined();
      expect(await problems()).toEqual(expected);
    });
  }

  it("deleting a parent that the rebuilt tables no longer cascade to orphans every child at once", async () => {
    // cy: two picks (one graded), their result, standings rows; no cascade any more.
    const user = f.users.cy;
    const saved = await db().prepare("SELECT * FROM users WHERE id = ?").bind(user).first<Record<string, unknown>>();
    const columns = Object.keys(saved!);
    onUndo(() => db().prepare(`INSERT INTO users (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`).bind(...columns.map((c) => saved![c])).run());
    await run("DELETE FROM users WHERE id = ?", user);
    const found = await problems();
    expect(Object.keys(found).sort()).toEqual(["orphan_picks_users", "orphan_standings_users"]);
    expect(found.orphan_picks_users!.failingRows).toBe(2);
    expect(found.orphan_standings_users!.failingRows).toBe(3); // season, week 1, week 2
  });
});
