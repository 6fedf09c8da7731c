/**
 * Migration safety: the chain drizzle/0000..0006 (+ whatever follows) applied inside workerd to real local D1.
 *
 * 1. a fresh database takes the whole chain and ends in the schema of src/db/schema.ts;
 * 2. a dirty v8 database (duplicates, NULL/empty/garbage/foreign game_ids, aliases, 'Unknown' positions) loses
 *    nothing valid: every pick is kept or quarantined with its result, kept rows are unchanged column by column;
 * 3. a failing migration leaves the database at the previous version, and the chain is safe to re-apply;
 * 4. rows of the v8 shape load into 0000 unchanged.
 *
 * Each scenario has its own MIGRATION_DB_n (storage is isolated per test file, not per test).
 */
import { applyD1Migrations, env } from "cloudflare:test";
import { is } from "drizzle-orm";
import { getTableConfig, SQLiteTable } from "drizzle-orm/sqlite-core";
import { beforeAll, describe, expect, it } from "vitest";
import * as schema from "../../src/db/schema";
import { TEAMS } from "../../src/domain/teams";
import {
  appliedMigrationNames,
  byId,
  columnNames,
  count,
  foreignKeyViolations,
  insertRows,
  migrationsAfter,
  migrationsThrough,
  rows,
  schemaObjectNames,
  type Row,
} from "../helpers/migration-db";
import {
  GAME,
  IMPORTED_GAMES,
  loadDirtyV8Data,
  loadLegacyImport,
  PICK,
  PLAYER,
  SEASON,
  STAT,
  USER,
  V8_PICKS,
  V8_PLAYER_STATS,
  V8_RESULTS,
  V8_USERS,
  V8_WEEKS,
  v8ResultOf,
  WEEK,
  type V8Pick,
  type V8Result,
} from "../helpers/migration-v8-fixture";

/** The triggers v14 installs; nothing before it creates any. */
const V14_TRIGGERS = [
  "games_first_td_player_exists",
  "games_first_td_player_exists_insert",
  "games_grade_on_facts_change",
  "picks_delete_result_first",
  "picks_identity_immutable",
  "picks_position_and_grade_insert",
  "picks_position_and_grade_update",
  "picks_standings_delete",
  "picks_standings_insert",
  "picks_week_matches_game",
  "results_standings_delete",
  "results_standings_insert",
  "results_standings_update",
  "weeks_delete_picks_first",
];

const V8_PICK_COLUMNS = ["id", "user_id", "week_id", "team", "player_name", "odds", "theoretical_return", "game_id", "created_at"];
const V8_RESULT_COLUMNS = ["id", "pick_id", "actual_scorer", "is_correct", "actual_return", "any_time_td", "created_at"];
const NFL_TEAM_COUNT = 32;

/** Every table of src/db/schema.ts with its columns and the names of its indexes (unique constraints included). */
function schemaTables(): { name: string; columns: string[]; indexes: string[] }[] {
  return (Object.values(schema) as unknown[])
    .filter((value): value is SQLiteTable => is(value, SQLiteTable))
    .map((table) => {
      const config = getTableConfig(table);
      return {
        name: config.name,
        columns: config.columns.map((c) => c.name).sort(),
        indexes: [
          ...config.indexes.map((i) => i.config.name),
          ...config.uniqueConstraints.map((u) => u.getName()),
          ...config.columns.filter((c) => c.isUnique).map((c) => c.uniqueName),
        ].filter((name): name is string => name !== undefined),
      };
    });
}

function pickColumns(row: Row, columns: readonly string[]): Row {
  return Object.fromEntries(columns.map((c) => [c, row[c]]));
}

// =============================================================================================================
// 1. Fresh database
// =============================================================================================================

describe("a fresh empty database takes the whole chain", () => {
  const db = env.MIGRATION_DB_1;
  let triggersAtV14: string[] = [];

  beforeAll(async () => {
    await applyD1Migrations(db, migrationsThrough("0006"));
    triggersAtV14 = await schemaObjectNames(db, "trigger");
    await applyD1Migrations(db, migrationsAfter("0006"));
  });

  it("records every migration of the chain once, in order", async () => {
    expect(await appliedMigrationNames(db)).toEqual(env.TEST_MIGRATIONS.map((m) => m.name));
  });

  it("has exactly the 14 v14 triggers at v14, and still has them at the end of the chain", async () => {
    expect(triggersAtV14).toEqual(V14_TRIGGERS);
    expect(await schemaObjectNames(db, "trigger")).toEqual(expect.arrayContaining(V14_TRIGGERS));
  });

  it("has exactly the tables of src/db/schema.ts, each with exactly its columns (no leftover temp tables)", async () => {
    const expected = schemaTables();
    expect(await schemaObjectNames(db, "table")).toEqual(expected.map((t) => t.name).sort());
    for (const table of expected) {
      expect({ table: table.name, columns: (await columnNames(db, table.name)).sort() }).toEqual({
        table: table.name,
        columns: table.columns,
      });
    }
  });

  it("has exactly the indexes of src/db/schema.ts", async () => {
    const expected = schemaTables().flatMap((t) => t.indexes).sort();
    expect(await schemaObjectNames(db, "index")).toEqual(expected);
  });

  it("seeds the 32 teams and one DEF-<TEAM> pseudo-player per team", async () => {
    const teams = await rows<{ code: string; name: string; espn_code: string; espn_team_id: number }>(
      db,
      "SELECT code, name, espn_code, espn_team_id FROM teams ORDER BY code",
    );
    expect(teams).toHaveLength(NFL_TEAM_COUNT);
    expect(teams).toEqual(
      [...TEAMS]
        .sort((a, b) => (a.code < b.code ? -1 : 1))
        .map((t) => ({ code: t.code, name: t.name, espn_code: t.espnCode, espn_team_id: t.espnTeamId })),
    );

    const defenses = await rows(
      db,
      "SELECT id, full_name, name_key, defense_team, is_fallback_id FROM players ORDER BY id",
    );
    expect(defenses).toHaveLength(NFL_TEAM_COUNT);
    expect(defenses).toEqual(
      teams.map((t) => ({
        id: `DEF-${t.code}`,
        full_name: `${t.name} Defense`,
        name_key: `${t.name.toLowerCase()} defense`,
        defense_team: t.code,
        is_fallback_id: 0,
      })),
    );
  });

  it("stores a game whose kickoff is ISO UTC and rejects any other kickoff format", async () => {
    // Regression: the CHECK used a 76-byte GLOB pattern, over D1's 50-byte limit, so no game with a kickoff
    // could be stored at all ("LIKE or GLOB pattern too complex").
    const kickoffGame = (id: string, kickoffAt: string) => ({
      id,
      season: SEASON,
      week: 1,
      kickoff_at: kickoffAt,
      home_team: "PHI",
      away_team: "DAL",
    });
    await insertRows(db, "games", [kickoffGame("2025_01_DAL_PHI", "2025-09-05T00:20:00Z")]);
    expect(await rows(db, "SELECT id, kickoff_at FROM games")).toEqual([
      { id: "2025_01_DAL_PHI", kickoff_at: "2025-09-05T00:20:00Z" },
    ]);
    for (const badKickoff of ["2025-09-04 20:20:00", "2025-09-05T00:20:00", "2025-09-05T00:20:00+00:00", "2025-9-5T00:20:00Z"]) {
      await expect(insertRows(db, "games", [kickoffGame("2025_01_NYG_WAS", badKickoff)])).rejects.toThrow(
        /CHECK constraint failed/,
      );
    }
    expect(await count(db, "SELECT count(*) AS n FROM games")).toBe(1);
  });

  it("has no foreign key violations", async () => {
    expect(await foreignKeyViolations(db)).toEqual([]);
  });
});

// =============================================================================================================
// 2. Dirty v8 database
// =============================================================================================================

/** Where each kept pick ends up: its game and the player and position resolved from the rosters. */
const KEPT: Record<number, { gameId: string; playerId: string | null; position: string | null }> = {
  [PICK.barkley]: { gameId: GAME.dalAtPhi, playerId: PLAYER.barkley, position: "RB" },
  [PICK.kelceLaterWithResult]: { gameId: GAME.kcAtLac, playerId: PLAYER.kelce, position: "TE" },
  [PICK.lambEarliest]: { gameId: GAME.dalAtPhi, playerId: PLAYER.lamb, position: "WR" },
  [PICK.nacuaTieLowerId]: { gameId: GAME.houAtLa, playerId: PLAYER.nacua, position: "WR" },
  [PICK.mclaurinTeamWshNoGameId]: { gameId: GAME.nygAtWas, playerId: PLAYER.mclaurin, position: "WR" },
  [PICK.chaseEmptyGameId]: { gameId: GAME.cinAtCle, playerId: PLAYER.chase, position: "WR" },
  [PICK.walkerGarbageGameIdWithTeam]: { gameId: GAME.sfAtSea, playerId: PLAYER.walker, position: "RB" },
  [PICK.mahomesUnimportedNflverseId]: { gameId: GAME.kcAtPhiPlaceholder, playerId: PLAYER.mahomes, position: "QB" },
  [PICK.kcDefAliasNflverseId]: { gameId: GAME.kcAtPhiPlaceholder, playerId: "DEF-KC", position: "DEF" },
  [PICK.kcDstFullTeamName]: { gameId: GAME.kcAtLac, playerId: "DEF-KC", position: "DEF" },
  [PICK.reedFirstInGame]: { gameId: GAME.wasAtGb, playerId: PLAYER.reed, position: "WR" },
  [PICK.jordanSmithOnBothTeams]: { gameId: GAME.wasAtGb, playerId: null, position: null },
  [PICK.nacuaWeekTwo]: { gameId: GAME.laAtTen, playerId: PLAYER.nacua, position: "WR" },
  [PICK.walkerWithSuffixWeekTwo]: { gameId: GAME.seaAtPit, playerId: PLAYER.walker, position: "RB" },
  [PICK.chaseWeekTwo]: { gameId: GAME.jaxAtCin, playerId: PLAYER.chase, position: "WR" },
  [PICK.hurtsHomeAwaySwappedId]: { gameId: GAME.dalAtPhi, playerId: PLAYER.hurts, position: "QB" },
  [PICK.lacDstKalshiStyle]: { gameId: GAME.kcAtLac, playerId: "DEF-LAC", position: "DEF" },
  [PICK.seattleDefenseCityOnly]: { gameId: GAME.sfAtSea, playerId: "DEF-SEA", position: "DEF" },
};

type QuarantineReason = (typeof schema.QUARANTINE_REASONS)[number];

/** Why each other pick was quarantined, the pick kept instead (duplicates), the game_id it carries, the detail. */
const QUARANTINED: Record<
  number,
  { reason: QuarantineReason; keptPickId: number | null; gameId: string | null; detail: string | null }
> = {
  [PICK.kelceEarlierWithoutResult]: { reason: "duplicate_in_week", keptPickId: PICK.kelceLaterWithResult, gameId: "", detail: null },
  [PICK.lambWithoutCreatedAt]: { reason: "duplicate_in_week", keptPickId: PICK.lambEarliest, gameId: GAME.dalAtPhi, detail: null },
  [PICK.lambLater]: { reason: "duplicate_in_week", keptPickId: PICK.lambEarliest, gameId: GAME.dalAtPhi, detail: null },
  [PICK.nacuaTieHigherId]: { reason: "duplicate_in_week", keptPickId: PICK.nacuaTieLowerId, gameId: GAME.houAtLa, detail: null },
  [PICK.henryGarbageGameIdNoTeam]: {
    reason: "no_matching_game",
    keptPickId: null,
    gameId: "abc",
    detail: "game_id abc matches no game of that week",
  },
  [PICK.allenTeamWithoutGameInWeek]: {
    reason: "no_matching_game",
    keptPickId: null,
    gameId: null,
    detail: "no game for team BUF in that week",
  },
  [PICK.worthyGameOfAnotherWeek]: {
    reason: "no_matching_game",
    keptPickId: null,
    gameId: GAME.kcAtLac,
    detail: `game_id ${GAME.kcAtLac} matches no game of that week`,
  },
  [PICK.brownNflverseIdOfAnotherWeek]: {
    reason: "no_matching_game",
    keptPickId: null,
    gameId: "2025_02_PHI_KC",
    detail: "game_id 2025_02_PHI_KC matches no game of that week",
  },
  // Quarantined after its game_id was backfilled from week + team, so it carries the game it collided in.
  [PICK.mclaurinSecondInGame]: { reason: "second_pick_in_game", keptPickId: PICK.reedFirstInGame, gameId: GAME.wasAtGb, detail: null },
  [PICK.henryTeamWithoutGameLastId]: {
    reason: "no_matching_game",
    keptPickId: null,
    gameId: null,
    detail: "no game for team BAL in that week",
  },
};

const keptIds = Object.keys(KEPT).map(Number).sort((a, b) => a - b);
const quarantinedIds = Object.keys(QUARANTINED).map(Number).sort((a, b) => a - b);

function v8Pick(id: number): V8Pick {
  const found = V8_PICKS.find((p) => p.id === id);
  if (found === undefined) throw new Error(`no v8 pick ${id}`);
  return found;
}

/** The legacy odds as v14 freezes them: |odds| >= 100 American, 1 < odds < 100 decimal. */
function frozenOdds(odds: number | null) {
  if (odds === null) return { decimal_odds: null, implied_probability: null, american_odds: null, odds_source: null };
  const decimal = odds >= 100 ? 1 + odds / 100 : odds <= -100 ? 1 + 100 / -odds : odds;
  return {
    decimal_odds: decimal,
    implied_probability: 1 / decimal,
    american_odds: decimal >= 2 ? Math.round((decimal - 1) * 100) : Math.round(-100 / (decimal - 1)),
    odds_source: "legacy",
  };
}

describe("a dirty v8 database taken through the chain", () => {
  const db = env.MIGRATION_DB_2;
  let atV10: { picks: Row[]; results: Row[]; playerStats: Row[] };

  beforeAll(async () => {
    await applyD1Migrations(db, migrationsThrough("0002"));
    await loadDirtyV8Data(db);
    await loadLegacyImport(db);
    atV10 = {
      picks: await rows(db, "SELECT * FROM picks ORDER BY id"),
      results: await rows(db, "SELECT * FROM results ORDER BY id"),
      playerStats: await rows(db, "SELECT * FROM player_stats ORDER BY id"),
    };
    await applyD1Migrations(db, migrationsAfter("0002"));
  });

  it("loaded the dirty data exactly as given (the baseline of every comparison below)", () => {
    expect(atV10.picks).toEqual(V8_PICKS);
    expect(atV10.results).toEqual(V8_RESULTS);
    expect(atV10.playerStats).toEqual(V8_PLAYER_STATS);
  });

  it("keeps 18 picks and quarantines 10: every legacy pick is in exactly one of the two", async () => {
    const picks = await rows<{ id: number }>(db, "SELECT id FROM picks ORDER BY id");
    const quarantine = await rows<{ id: number }>(db, "SELECT id FROM picks_quarantine ORDER BY id");
    expect(picks.map((p) => p.id)).toEqual(keptIds);
    expect(quarantine.map((q) => q.id)).toEqual(quarantinedIds);
    expect(keptIds).toHaveLength(18);
    expect(quarantinedIds).toHaveLength(10);
    expect([...keptIds, ...quarantinedIds].sort((a, b) => a - b)).toEqual(V8_PICKS.map((p) => p.id));
  });

  it("counts the quarantine by reason", async () => {
    expect(
      await rows(db, "SELECT reason, count(*) AS n FROM picks_quarantine GROUP BY reason ORDER BY reason"),
    ).toEqual([
      { reason: "duplicate_in_week", n: 4 },
      { reason: "no_matching_game", n: 5 },
      { reason: "second_pick_in_game", n: 1 },
    ]);
  });

  it("keeps, among duplicates in a week, the one with a result over an earlier one without", async () => {
    expect(await count(db, "SELECT count(*) AS n FROM picks WHERE id = ?", PICK.kelceLaterWithResult)).toBe(1);
    expect(
      await rows(db, "SELECT id, reason, kept_pick_id FROM picks_quarantine WHERE id = ?", PICK.kelceEarlierWithoutResult),
    ).toEqual([{ id: PICK.kelceEarlierWithoutResult, reason: "duplicate_in_week", kept_pick_id: PICK.kelceLaterWithResult }]);
  });

  it("keeps, among duplicates without results, the earliest created_at (a NULL created_at counts as latest)", async () => {
    expect(
      await rows(db, "SELECT id FROM picks WHERE user_id = ? AND player_name = 'CeeDee Lamb'", USER.bob),
    ).toEqual([{ id: PICK.lambEarliest }]);
    expect(
      await rows(
        db,
        "SELECT id, kept_pick_id FROM picks_quarantine WHERE user_id = ? AND player_name = 'CeeDee Lamb' ORDER BY id",
        USER.bob,
      ),
    ).toEqual([
      { id: PICK.lambWithoutCreatedAt, kept_pick_id: PICK.lambEarliest },
      { id: PICK.lambLater, kept_pick_id: PICK.lambEarliest },
    ]);
  });

  it("keeps, among duplicates created at the same time, the lowest id", async () => {
    expect(
      await rows(db, "SELECT id FROM picks WHERE user_id = ? AND player_name = 'Puka Nacua' AND week_id = ?", USER.carol, WEEK.one),
    ).toEqual([{ id: PICK.nacuaTieLowerId }]);
    expect(
      await rows(db, "SELECT id, kept_pick_id FROM picks_quarantine WHERE id = ?", PICK.nacuaTieHigherId),
    ).toEqual([{ id: PICK.nacuaTieHigherId, kept_pick_id: PICK.nacuaTieLowerId }]);
  });

  it("leaves every v8 column of every kept pick unchanged except game_id, which points at the expected game", async () => {
    const after = await rows(db, `SELECT ${V8_PICK_COLUMNS.join(", ")} FROM picks ORDER BY id`);
    expect(after).toEqual(keptIds.map((id) => ({ ...v8Pick(id), game_id: KEPT[id]!.gameId })));
  });

  it("backfills game_id from week + team given as an alias (KC, Chiefs, LAR, WSH, Kansas City Chiefs)", async () => {
    const backfilled = await rows(
      db,
      "SELECT id, team, game_id FROM picks WHERE id IN (?, ?, ?, ?, ?, ?) ORDER BY id",
      PICK.kelceLaterWithResult,
      PICK.nacuaTieLowerId,
      PICK.mclaurinTeamWshNoGameId,
      PICK.chaseEmptyGameId,
      PICK.walkerGarbageGameIdWithTeam,
      PICK.kcDstFullTeamName,
    );
    expect(backfilled).toEqual([
      { id: PICK.kelceLaterWithResult, team: "Chiefs", game_id: GAME.kcAtLac }, // game_id was NULL
      { id: PICK.nacuaTieLowerId, team: "LAR", game_id: GAME.houAtLa }, // NULL
      { id: PICK.mclaurinTeamWshNoGameId, team: "WSH", game_id: GAME.nygAtWas }, // NULL
      { id: PICK.chaseEmptyGameId, team: "CIN", game_id: GAME.cinAtCle }, // ''
      { id: PICK.walkerGarbageGameIdWithTeam, team: "SEA", game_id: GAME.sfAtSea }, // 'abc'
      { id: PICK.kcDstFullTeamName, team: "Kansas City Chiefs", game_id: GAME.kcAtLac }, // NULL
    ]);
  });

  it("creates one placeholder game for an unimported game named by nflverse ids (aliases allowed) and links its picks", async () => {
    expect(await rows(db, "SELECT * FROM games WHERE is_placeholder = 1")).toEqual([
      {
        id: GAME.kcAtPhiPlaceholder,
        season: SEASON,
        week: 2,
        game_type: "REG",
        kickoff_at: null,
        home_team: "PHI",
        away_team: "KC",
        home_score: null,
        away_score: null,
        status: "scheduled",
        espn_event_id: null,
        is_placeholder: 1,
        is_voided: 0,
        first_td_player_id: null,
        first_td_player_name: null,
        first_td_team: null,
        first_td_kind: null,
        first_td_play_text: null,
        first_td_recorded_at: null,
        first_td_recorded_by: null,
        no_td: 0,
        created_at: expect.any(String),
        updated_at: expect.any(String),
        updated_by: null,
        locked_at: null,
      },
    ]);
    expect(await rows(db, "SELECT id FROM picks WHERE game_id = ? ORDER BY id", GAME.kcAtPhiPlaceholder)).toEqual([
      { id: PICK.mahomesUnimportedNflverseId }, // '2025_02_KC_PHI'
      { id: PICK.kcDefAliasNflverseId }, // '2025_02_KAN_PHI'
    ]);
  });

  it("links an nflverse id with home and away swapped to the existing game, creating no second game", async () => {
    expect(await rows(db, "SELECT game_id FROM picks WHERE id = ?", PICK.hurtsHomeAwaySwappedId)).toEqual([
      { game_id: GAME.dalAtPhi },
    ]);
    expect(await count(db, "SELECT count(*) AS n FROM games WHERE id = '2025_01_PHI_DAL'")).toBe(0);
  });

  it("leaves the imported games as imported: 10 of them plus the placeholder", async () => {
    const importedColumns = Object.keys(IMPORTED_GAMES[0]!);
    const imported = await rows(db, `SELECT ${importedColumns.join(", ")} FROM games WHERE is_placeholder = 0 ORDER BY id`);
    expect(imported).toEqual([...IMPORTED_GAMES].sort((a, b) => String(a.id).localeCompare(String(b.id))));
    expect(await count(db, "SELECT count(*) AS n FROM games")).toBe(IMPORTED_GAMES.length + 1);
  });

  it("quarantines every other pick with its reason, kept pick, detail, and all of its legacy pick and result columns", async () => {
    const quarantine = await rows(db, "SELECT * FROM picks_quarantine ORDER BY id");
    expect(quarantine).toEqual(
      quarantinedIds.map((id) => {
        const legacy = v8Pick(id);
        const result = v8ResultOf(id);
        const expected = QUARANTINED[id]!;
        return {
          ...legacy,
          game_id: expected.gameId,
          reason: expected.reason,
          kept_pick_id: expected.keptPickId,
          detail: expected.detail,
          result_actual_scorer: result?.actual_scorer ?? null,
          result_is_correct: result?.is_correct ?? null,
          result_actual_return: result?.actual_return ?? null,
          quarantined_at: expect.any(String),
          restored_at: null,
        };
      }),
    );
  });

  it("quarantines with their legacy results: a win, losses and a loss as the second pick in a game", async () => {
    expect(
      await rows(
        db,
        `SELECT id, result_actual_scorer, result_is_correct, result_actual_return FROM picks_quarantine
         WHERE result_is_correct IS NOT NULL ORDER BY id`,
      ),
    ).toEqual([
      { id: PICK.henryGarbageGameIdNoTeam, result_actual_scorer: "Zay Flowers", result_is_correct: 0, result_actual_return: 0 },
      { id: PICK.allenTeamWithoutGameInWeek, result_actual_scorer: "Josh Allen", result_is_correct: 1, result_actual_return: 7.5 },
      { id: PICK.brownNflverseIdOfAnotherWeek, result_actual_scorer: "Jalen Hurts", result_is_correct: 0, result_actual_return: 0 },
      { id: PICK.mclaurinSecondInGame, result_actual_scorer: "Jayden Reed", result_is_correct: 0, result_actual_return: 0 },
    ]);
  });

  it("keeps the result of every kept pick with every v8 column unchanged (the v12 rebuild neither cascades nor swaps)", async () => {
    const after = await rows<V8Result>(db, `SELECT ${V8_RESULT_COLUMNS.join(", ")} FROM results ORDER BY id`);
    const expected = V8_RESULTS.filter((r) => keptIds.includes(r.pick_id));
    expect(after).toEqual(expected);
    expect(after).toHaveLength(12);
    // and the results of the quarantined picks moved with them (checked above), none left dangling here
    expect(after.filter((r) => quarantinedIds.includes(r.pick_id))).toEqual([]);
  });

  it("resolves each kept pick's player and position within the game's two teams", async () => {
    const resolved = await rows(db, "SELECT id, player_name, player_id, position FROM picks ORDER BY id");
    expect(resolved).toEqual(
      keptIds.map((id) => ({
        id,
        player_name: v8Pick(id).player_name,
        player_id: KEPT[id]!.playerId,
        position: KEPT[id]!.position,
      })),
    );
  });

  it("resolves names spelled unlike the roster, D/ST picks, and leaves a name shared by both teams unresolved", async () => {
    const sample = await rows(
      db,
      "SELECT player_name, player_id FROM picks WHERE id IN (?, ?, ?, ?, ?, ?, ?, ?) ORDER BY id",
      PICK.chaseEmptyGameId,
      PICK.walkerGarbageGameIdWithTeam,
      PICK.kcDefAliasNflverseId,
      PICK.kcDstFullTeamName,
      PICK.jordanSmithOnBothTeams,
      PICK.walkerWithSuffixWeekTwo,
      PICK.lacDstKalshiStyle,
      PICK.seattleDefenseCityOnly,
    );
    expect(sample).toEqual([
      { player_name: "Ja'Marr Chase", player_id: PLAYER.chase }, // roster: 'JaMarr Chase'
      { player_name: "Kenneth Walker", player_id: PLAYER.walker }, // roster: 'Kenneth Walker III'
      { player_name: "KC DEF", player_id: "DEF-KC" },
      { player_name: "Kansas City Chiefs D/ST", player_id: "DEF-KC" },
      { player_name: "Jordan Smith", player_id: null }, // a WAS RB and a GB WR: no match
      { player_name: "Kenneth Walker III", player_id: PLAYER.walker },
      { player_name: "LAC Chargers D/ST", player_id: "DEF-LAC" }, // Kalshi's spelling
      { player_name: "Seattle Defense", player_id: "DEF-SEA" },
    ]);
  });

  it("sampled picks, every column", async () => {
    const sampleIds = [PICK.kelceLaterWithResult, PICK.kcDefAliasNflverseId, PICK.jordanSmithOnBothTeams, PICK.nacuaWeekTwo, PICK.walkerWithSuffixWeekTwo];
    const sample = byId(await rows<Row & { id: number }>(db, "SELECT * FROM picks WHERE id IN (?, ?, ?, ?, ?)", ...sampleIds));
    for (const id of sampleIds) {
      const legacy = v8Pick(id);
      expect(sample.get(id)).toEqual({
        ...legacy,
        game_id: KEPT[id]!.gameId,
        player_id: KEPT[id]!.playerId,
        position: KEPT[id]!.position,
        updated_at: null,
        ...frozenOdds(legacy.odds),
        odds_snapshot_at: null,
        // v22: a legacy pick has no pricing record and no credential.
        odds_reason: null,
        odds_snapshot_ids: null,
        changed_by: null,
      });
    }
    // spelled out once, so that the frozenOdds mirror above cannot hide a wrong conversion
    expect(sample.get(PICK.nacuaWeekTwo)).toMatchObject({ odds: -110, american_odds: -110, odds_source: "legacy" });
    expect(sample.get(PICK.nacuaWeekTwo)!.decimal_odds).toBeCloseTo(1.9091, 4);
    expect(sample.get(PICK.kcDefAliasNflverseId)).toMatchObject({ odds: 1800, decimal_odds: 19, american_odds: 1800 });
  });

  it("adds the 32 DEF pseudo-players of the season to the rosters beside the imported players", async () => {
    expect(await count(db, "SELECT count(*) AS n FROM rosters WHERE season = ? AND position = 'DEF'", SEASON)).toBe(NFL_TEAM_COUNT);
    expect(await count(db, "SELECT count(*) AS n FROM rosters WHERE season = ? AND position <> 'DEF'", SEASON)).toBe(15);
  });

  it("player_stats: 'Unknown' positions come from the roster when the name resolves within the team; legacy first_td_count is kept", async () => {
    const resolvedPosition: Record<number, string | null> = {
      [STAT.barkleyUnknown]: "RB",
      [STAT.walkerWithSuffixUnknown]: "RB", // 'Kenneth Walker III'
      [STAT.chaseApostropheUnknown]: "WR", // "Ja'Marr Chase" vs roster 'JaMarr Chase'
      [STAT.kelceTeamAliasUnknown]: "TE", // team 'KAN'
      [STAT.henryNotRosteredUnknown]: "Unknown", // nobody to resolve against
      [STAT.jordanSmithTeamDisambiguates]: "WR", // two Jordan Smiths, one on GB
      [STAT.lambKnownPosition]: "WR",
      [STAT.mclaurinNullPosition]: "WR",
    };
    const after = await rows(db, "SELECT * FROM player_stats ORDER BY id");
    expect(after).toEqual(
      V8_PLAYER_STATS.map((s) => ({
        ...s,
        position: resolvedPosition[s.id],
        first_td_count: 0, // v14: derived from games, none of which has first-TD facts yet
        player_id: null,
        legacy_first_td_count: s.first_td_count,
      })),
    );
    expect(after.map((s) => s.legacy_first_td_count)).toEqual([1, 1, 1, 0, 2, 0, 0, 1]);
  });

  it("v14 gives legacy results an outcome from is_correct and a profit from the frozen odds", async () => {
    const graded = await rows(db, "SELECT pick_id, is_correct, outcome, profit_cu, graded_at FROM results ORDER BY pick_id");
    expect(graded).toEqual([
      { pick_id: PICK.barkley, is_correct: 0, outcome: "loss", profit_cu: -100, graded_at: null },
      { pick_id: PICK.kelceLaterWithResult, is_correct: 0, outcome: "loss", profit_cu: -100, graded_at: null },
      { pick_id: PICK.mclaurinTeamWshNoGameId, is_correct: 1, outcome: "win", profit_cu: 600, graded_at: null }, // +600
      { pick_id: PICK.chaseEmptyGameId, is_correct: null, outcome: null, profit_cu: null, graded_at: null },
      { pick_id: PICK.walkerGarbageGameIdWithTeam, is_correct: 1, outcome: "win", profit_cu: 250, graded_at: null }, // 3.5
      { pick_id: PICK.kcDstFullTeamName, is_correct: 0, outcome: "loss", profit_cu: -100, graded_at: null },
      { pick_id: PICK.reedFirstInGame, is_correct: 1, outcome: "win", profit_cu: 650, graded_at: null }, // +650
      { pick_id: PICK.jordanSmithOnBothTeams, is_correct: 0, outcome: "loss", profit_cu: -100, graded_at: null },
      { pick_id: PICK.nacuaWeekTwo, is_correct: 1, outcome: "win", profit_cu: 91, graded_at: null }, // -110
      { pick_id: PICK.chaseWeekTwo, is_correct: 1, outcome: "win", profit_cu: 400, graded_at: null }, // +400
      { pick_id: PICK.hurtsHomeAwaySwappedId, is_correct: 0, outcome: "loss", profit_cu: -100, graded_at: null },
      { pick_id: PICK.lacDstKalshiStyle, is_correct: 0, outcome: "loss", profit_cu: -100, graded_at: null },
    ]);
  });

  it("standings after v14 equal a recompute from picks and results, per season (week 0) and per week", async () => {
    const joined = await rows<{ season: number; week: number; user_id: number; outcome: string | null; profit_cu: number | null }>(
      db,
      `SELECT w.season, w.week, p.user_id, r.outcome, r.profit_cu
       FROM picks p JOIN weeks w ON w.id = p.week_id LEFT JOIN results r ON r.pick_id = p.id`,
    );
    const recomputed = new Map<string, Row>();
    for (const pick of joined) {
      for (const week of [0, pick.week]) {
        const key = `${pick.season}/${week}/${pick.user_id}`;
        const row = recomputed.get(key) ?? { season: pick.season, week, user_id: pick.user_id, picks: 0, wins: 0, losses: 0, voids: 0, units_cu: 0 };
        row.picks = (row.picks as number) + 1;
        if (pick.outcome === "win") row.wins = (row.wins as number) + 1;
        if (pick.outcome === "loss") row.losses = (row.losses as number) + 1;
        if (pick.outcome === "void") row.voids = (row.voids as number) + 1;
        if (pick.outcome !== null) row.units_cu = (row.units_cu as number) + (pick.profit_cu ?? 0);
        recomputed.set(key, row);
      }
    }
    const standings = await rows(
      db,
      "SELECT season, week, user_id, picks, wins, losses, voids, units_cu FROM standings ORDER BY season, week, user_id",
    );
    const byKey = (r: Row) => `${r.season}/${String(r.week).padStart(2, "0")}/${r.user_id}`;
    expect(standings).toEqual([...recomputed.values()].sort((a, b) => byKey(a).localeCompare(byKey(b))));
    expect(standings).toHaveLength(12); // 4 users x (season + 2 weeks)
    // One timestamp format in the table: the triggers' ISO-8601 UTC, not the column default's.
    const otherFormats = await rows(db, "SELECT updated_at FROM standings WHERE updated_at NOT GLOB '*-*-*T*:*:*Z'");
    expect(otherFormats).toEqual([]);

    // One user by hand: carol kept 7, 9, 16, 19, 26; wins at +600 and +650, a loss on 26.
    expect(standings.filter((s) => s.user_id === USER.carol)).toEqual([
      { season: SEASON, week: 0, user_id: USER.carol, picks: 5, wins: 2, losses: 1, voids: 0, units_cu: 1150 },
      { season: SEASON, week: 1, user_id: USER.carol, picks: 3, wins: 1, losses: 1, voids: 0, units_cu: 500 },
      { season: SEASON, week: 2, user_id: USER.carol, picks: 2, wins: 1, losses: 0, voids: 0, units_cu: 650 },
    ]);
  });

  it("has the 14 v14 triggers after the v12 rebuild", async () => {
    expect(await schemaObjectNames(db, "trigger")).toEqual(expect.arrayContaining(V14_TRIGGERS));
  });

  it("has no foreign key violations and no leftover temp tables", async () => {
    expect(await foreignKeyViolations(db)).toEqual([]);
    expect((await schemaObjectNames(db, "table")).filter((t) => t.startsWith("_v12") || t.startsWith("__new"))).toEqual([]);
  });

  it("records every migration of the chain once", async () => {
    expect(await appliedMigrationNames(db)).toEqual(env.TEST_MIGRATIONS.map((m) => m.name));
  });

  it("v23 makes each v8 group a league: its users the members, its first admin (else its first user) the commissioner", async () => {
    expect(await rows(db, "SELECT id, name, commissioner_id, ranking, members_may_invite, legacy_group_id, board_materialized FROM leagues ORDER BY id")).toEqual([
      { id: 1, name: "Group 1", commissioner_id: USER.alice, ranking: "wins", members_may_invite: 1, legacy_group_id: 1, board_materialized: 0 },
      { id: 2, name: "Group 2", commissioner_id: USER.carol, ranking: "wins", members_may_invite: 1, legacy_group_id: 2, board_materialized: 0 },
    ]);
    // alice (an admin) and bob in group 1, carol alone in group 2; dave, in no group, in no league.
    expect(await rows(db, "SELECT league_id, user_id FROM league_members ORDER BY league_id, user_id")).toEqual([
      { league_id: 1, user_id: USER.alice },
      { league_id: 1, user_id: USER.bob },
      { league_id: 2, user_id: USER.carol },
    ]);
    expect(V8_USERS.filter((u) => u.group_id === null).map((u) => u.id)).toEqual([USER.dave]);
    expect(await count(db, "SELECT count(*) AS n FROM league_members WHERE user_id = ?", USER.dave)).toBe(0);
    expect(await count(db, "SELECT count(*) AS n FROM invites")).toBe(0);
  });

  // Changes the data: keep last.
  it("after the rebuild a new pick takes an id above every legacy pick (quarantined ones too) and the triggers act", async () => {
    const highestLegacyId = Math.max(...V8_PICKS.map((p) => p.id));
    expect(highestLegacyId).toBe(PICK.henryTeamWithoutGameLastId); // the highest id is a quarantined pick
    const inserted = await db
      .prepare(
        `INSERT INTO picks (user_id, week_id, team, player_name, game_id, player_id, created_at)
         VALUES (?, ?, 'GB', 'Jayden Reed', ?, ?, '2025-09-11 08:00:00') RETURNING id`,
      )
      .bind(USER.alice, WEEK.two, GAME.wasAtGb, PLAYER.reed)
      .first<{ id: number }>();
    expect(inserted?.id).toBe(highestLegacyId + 1);
    // picks_position_and_grade_insert filled the position; picks_standings_insert counted the pick.
    expect(await rows(db, "SELECT position FROM picks WHERE id = ?", inserted?.id)).toEqual([{ position: "WR" }]);
    expect(
      await rows(db, "SELECT week, picks FROM standings WHERE user_id = ? ORDER BY week", USER.alice),
    ).toEqual([
      { week: 0, picks: 5 },
      { week: 1, picks: 3 },
      { week: 2, picks: 2 },
    ]);
    // picks_week_matches_game: a week-1 game cannot take a week-2 pick.
    await expect(
      db
        .prepare("INSERT INTO picks (user_id, week_id, player_name, game_id) VALUES (?, ?, 'Puka Nacua', ?)")
        .bind(USER.dave, WEEK.two, GAME.houAtLa)
        .run(),
    ).rejects.toThrow(/pick_week_mismatch/);
  });
});

// =============================================================================================================
// 3. Failing migrations and re-application
// =============================================================================================================

describe("a failing migration leaves the database at the previous version", () => {
  const db = env.MIGRATION_DB_3;
  let atV11: { tables: Row[]; picks: Row[]; results: Row[]; quarantine: Row[] };

  const snapshot = async () => ({
    tables: await rows(db, "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE '_cf_%' ORDER BY type, name"),
    picks: await rows(db, "SELECT * FROM picks ORDER BY id"),
    results: await rows(db, "SELECT * FROM results ORDER BY id"),
    quarantine: await rows(db, "SELECT * FROM picks_quarantine ORDER BY id"),
  });

  beforeAll(async () => {
    await applyD1Migrations(db, migrationsThrough("0002"));
    await loadDirtyV8Data(db);
    await loadLegacyImport(db);
    await applyD1Migrations(db, migrationsThrough("0003"));
    atV11 = await snapshot();
  });

  it("starts at v11 with the dirty data deduplicated", async () => {
    expect(await appliedMigrationNames(db)).toEqual(migrationsThrough("0003").map((m) => m.name));
    expect(atV11.picks).toHaveLength(V8_PICKS.length - 4);
    expect(atV11.results).toEqual(V8_RESULTS); // no duplicate had a result
  });

  it("rolls back a migration whose valid first statement is followed by a CHECK violation, and does not record it", async () => {
    const failing = {
      name: "9001_failing_check.sql",
      queries: [
        "INSERT INTO users (id, name, email) VALUES (99, 'zed', 'zed@example.com')",
        // US-Eastern wall clock instead of ISO UTC: games_kickoff_iso_utc rejects it
        `INSERT INTO games (id, season, week, kickoff_at, home_team, away_team)
         VALUES ('2025_03_KC_NYG', 2025, 3, '2025-09-21 20:20:00', 'NYG', 'KC')`,
      ],
    };
    await expect(applyD1Migrations(db, [failing])).rejects.toThrow(/CHECK constraint failed/);
    expect(await count(db, "SELECT count(*) AS n FROM users WHERE id = 99")).toBe(0);
    expect(await count(db, "SELECT count(*) AS n FROM games WHERE id = '2025_03_KC_NYG'")).toBe(0);
    expect(await appliedMigrationNames(db)).toEqual(migrationsThrough("0003").map((m) => m.name));
  });

  it("rolls back the real v12 migration when it fails right after dropping picks: no table, row or result lost", async () => {
    const [v12] = migrationsAfter("0003");
    expect(v12?.name).toMatch(/^0004_/);
    const dropAt = v12!.queries.findIndex((q) => /DROP TABLE `picks`/.test(q));
    expect(dropAt).toBeGreaterThan(0);
    const broken = {
      name: v12!.name,
      queries: [...v12!.queries.slice(0, dropAt + 1), "SELEC syntax error here", ...v12!.queries.slice(dropAt + 1)],
    };
    await expect(applyD1Migrations(db, [broken])).rejects.toThrow(/syntax error/);
    expect(await snapshot()).toEqual(atV11);
    expect(await columnNames(db, "picks_quarantine")).not.toContain("detail"); // its first statement rolled back too
    expect(await appliedMigrationNames(db)).toEqual(migrationsThrough("0003").map((m) => m.name));
  });

  it("then takes the real rest of the chain, and re-applying the whole chain skips every applied migration", async () => {
    await applyD1Migrations(db, env.TEST_MIGRATIONS);
    const applied = await rows(db, "SELECT id, name, applied_at FROM d1_migrations ORDER BY id");
    expect(applied.map((m) => m.name)).toEqual(env.TEST_MIGRATIONS.map((m) => m.name));
    expect(await count(db, "SELECT count(*) AS n FROM picks")).toBe(18);
    expect(await count(db, "SELECT count(*) AS n FROM picks_quarantine")).toBe(10);

    const before = await snapshot();
    const counts = async () =>
      rows(
        db,
        `SELECT (SELECT count(*) FROM teams) AS teams, (SELECT count(*) FROM team_aliases) AS aliases,
                (SELECT count(*) FROM players) AS players, (SELECT count(*) FROM rosters) AS rosters,
                (SELECT count(*) FROM games) AS games, (SELECT count(*) FROM standings) AS standings`,
      );
    const countsBefore = await counts();
    await applyD1Migrations(db, env.TEST_MIGRATIONS); // would throw on the seeds (duplicate teams) if re-run
    expect(await rows(db, "SELECT id, name, applied_at FROM d1_migrations ORDER BY id")).toEqual(applied);
    expect(await snapshot()).toEqual(before);
    expect(await counts()).toEqual(countsBefore);
    const aliasCount = new Set(
      TEAMS.flatMap((t) => [t.code, t.espnCode, ...t.otherCodes, t.name.toUpperCase(), t.nickname.toUpperCase()]),
    ).size;
    expect(countsBefore).toEqual([{ teams: 32, aliases: aliasCount, players: 47, rosters: 47, games: 11, standings: 12 }]);
  });
});

// =============================================================================================================
// 4. v8 shape
// =============================================================================================================

/** One row with every v8 column set (no column left to its default), per original table, in FK order. */
const FULL_V8_ROWS: { table: string; row: Row }[] = [
  {
    table: "users",
    row: { id: 7, name: "erin", email: "erin@example.com", group_id: 3, is_admin: 1, created_at: "2024-08-30 12:34:56" },
  },
  {
    table: "weeks",
    row: { id: 11, season: 2024, week: 18, started_at: "2025-01-02", ended_at: "2025-01-07", created_at: "2024-12-30 00:00:00" },
  },
  {
    table: "picks",
    row: {
      id: 501,
      user_id: 7,
      week_id: 11,
      team: "Ravens",
      player_name: "Derrick Henry",
      odds: 375,
      theoretical_return: 4.75,
      game_id: "2024_18_CLE_BAL",
      created_at: "2025-01-04 15:00:00",
    },
  },
  {
    table: "results",
    row: {
      id: 601,
      pick_id: 501,
      actual_scorer: "Derrick Henry",
      is_correct: 1,
      actual_return: 4.75,
      any_time_td: 1,
      created_at: "2025-01-05 02:00:00",
    },
  },
  {
    table: "player_stats",
    row: {
      id: 701,
      player_name: "Derrick Henry",
      season: 2024,
      team: "BAL",
      position: "Unknown",
      games_played: 17,
      first_td_count: 6,
      any_time_td_count: 16,
      red_zone_targets: 4,
      red_zone_touches: 61,
      last_td_week: 18,
      recent_form: 0.82,
      updated_at: "2025-01-06 09:00:00",
    },
  },
  {
    table: "market_odds",
    row: {
      id: 801,
      source: "kalshi",
      game_id: "2024_18_CLE_BAL",
      season: 2024,
      week: 18,
      player_name: "Derrick Henry",
      team: "BAL",
      implied_probability: 0.21,
      american_odds: 376,
      raw_price: 0.21,
      volume: 1520.5,
      market_id: "KXNFLFIRSTTD-25JAN04CLEBAL-DHENRY",
      snapshot_time: "2025-01-04T17:55:00Z",
      created_at: "2025-01-04 17:55:01",
    },
  },
  {
    table: "market_outcomes",
    row: {
      id: 901,
      source: "polymarket",
      market_id: "0xabc123",
      game_id: "2024_18_CLE_BAL",
      player_name: "Derrick Henry",
      outcome: "Yes",
      settled_price: 1,
      settled_at: "2025-01-05 01:30:00",
      created_at: "2025-01-05 01:30:05",
    },
  },
];

describe("data of the v8 shape loads into 0000 unchanged", () => {
  const db = env.MIGRATION_DB_4;

  beforeAll(async () => {
    await applyD1Migrations(db, migrationsThrough("0000"));
  });

  it("has the original tables with exactly the v8 columns, in v8 order", async () => {
    for (const { table, row } of FULL_V8_ROWS) {
      expect({ table, columns: await columnNames(db, table) }).toEqual({ table, columns: Object.keys(row) });
    }
    expect(await schemaObjectNames(db, "table")).toEqual(FULL_V8_ROWS.map((t) => t.table).sort());
  });

  it("takes a row with every v8 column in each original table and reads it back identical", async () => {
    for (const { table, row } of FULL_V8_ROWS) {
      await insertRows(db, table, [row]);
      expect({ table, rows: await rows(db, `SELECT * FROM "${table}" WHERE id = ?`, row.id) }).toEqual({ table, rows: [row] });
    }
  });

  it("takes the whole dirty v8 dataset (duplicates, free-text game_ids) without a constraint error, unchanged", async () => {
    await loadDirtyV8Data(db);
    expect(await rows(db, "SELECT * FROM users WHERE id <> 7 ORDER BY id")).toEqual(V8_USERS);
    expect(await rows(db, "SELECT * FROM weeks WHERE id <> 11 ORDER BY id")).toEqual(V8_WEEKS);
    expect(await rows(db, "SELECT * FROM picks WHERE id <> 501 ORDER BY id")).toEqual(V8_PICKS);
    expect(await rows(db, "SELECT * FROM results WHERE id <> 601 ORDER BY id")).toEqual(V8_RESULTS);
    expect(await rows(db, "SELECT * FROM player_stats WHERE id <> 701 ORDER BY id")).toEqual(V8_PLAYER_STATS);
  });

  it("keeps the v8 constraints: unique names, unique (season, week), market_odds.source", async () => {
    await expect(insertRows(db, "users", [{ name: "alice" }])).rejects.toThrow(/UNIQUE constraint failed: users.name/);
    await expect(insertRows(db, "weeks", [{ season: SEASON, week: 1 }])).rejects.toThrow(/UNIQUE constraint failed/);
    await expect(insertRows(db, "market_odds", [{ source: "draftkings" }])).rejects.toThrow(/CHECK constraint failed/);
  });
});
