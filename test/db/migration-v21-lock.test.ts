/**
 * Migration v21 (drizzle/0013) backfills games.locked_at, the one-way pick lock, on a database that already holds
 * games: a game that had begun by the migration's clock (its kickoff passed, or it is under way or over, or it has a
 * score or a first-TD fact) is locked, at its kickoff when that has passed and else at the migration's time; a game
 * still to be played is left open. The chain is applied step by step to MIGRATION_DB_1 (storage is per test file,
 * so this file's copy is fresh). Kickoffs are relative to the real time: the migration runs by the database's clock.
 */
import { applyD1Migrations, env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { insertRows, migrationsAfter, migrationsThrough, rows, type Row } from "../helpers/migration-db";
import { addDays, realMinute } from "../helpers/real-clock";

const db = env.MIGRATION_DB_1;
const NOW = realMinute();
const PAST = addDays(NOW, -1);
const FUTURE = addDays(NOW, 14);

const game = (id: string, columns: Row): Row => ({
  id: `2026_01_${id}`,
  season: 2026,
  week: 1,
  kickoff_at: FUTURE,
  home_team: id.split("_")[1],
  away_team: id.split("_")[0],
  status: "scheduled",
  is_placeholder: 0,
  home_score: null,
  away_score: null,
  first_td_player_id: null,
  first_td_team: null,
  no_td: 0,
  ...columns,
});

/** Games as a v20 database holds them, by what the backfill should do with each. */
const BEGUN_BY_KICKOFF = [
  game("DAL_PHI", { kickoff_at: PAST }),
  game("KC_LAC", { kickoff_at: PAST, status: "final", home_score: 27, away_score: 21 }),
  // Postponed after its kickoff had passed: locked, whatever its kickoff says later.
  game("TB_ATL", { kickoff_at: PAST, status: "postponed" }),
];
const BEGUN_BY_FACTS = [
  game("CAR_JAX", { status: "in_progress" }),
  game("PIT_NYJ", { status: "postponed", home_score: 3, away_score: 0 }),
  game("BAL_BUF", { first_td_player_id: "DEF-BUF", first_td_team: "BUF" }),
  game("MIN_CHI", { first_td_team: "CHI" }),
  game("NYG_WAS", { no_td: 1 }),
];
const NOT_BEGUN = [
  game("SF_SEA", {}),
  game("LA_ARI", { status: "postponed" }),
  // A placeholder without a kickoff: locked by the rule (no kickoff), with nothing for the backfill to record.
  game("DET_GB", { kickoff_at: null, is_placeholder: 1 }),
];

let migratedBetween: [string, string];

beforeAll(async () => {
  await applyD1Migrations(db, migrationsThrough("0012"));
  await insertRows(db, "games", [...BEGUN_BY_KICKOFF, ...BEGUN_BY_FACTS, ...NOT_BEGUN]);
  const clock = async () => (await rows<{ now: string }>(db, "SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 'now') AS now"))[0]!.now;
  const before = await clock();
  await applyD1Migrations(db, migrationsAfter("0012"));
  migratedBetween = [before, await clock()];
});

const lockedAt = async (list: Row[]) =>
  Object.fromEntries(
    (await rows<{ id: string; locked_at: string | null }>(db, `SELECT id, locked_at FROM games WHERE id IN (${list.map(() => "?").join(", ")})`, ...list.map((g) => g.id)))
      .map((g) => [g.id, g.locked_at]),
  );

describe("v21 backfills games.locked_at", () => {
  it("locks a game whose kickoff had passed at its kickoff, postponed or over as well", async () => {
    expect(await lockedAt(BEGUN_BY_KICKOFF)).toEqual(Object.fromEntries(BEGUN_BY_KICKOFF.map((g) => [g.id, PAST])));
  });

  it("locks a game still ahead of its kickoff that is under way or has a score or a first-TD fact, at the migration's time", async () => {
    const locked = await lockedAt(BEGUN_BY_FACTS);
    expect(Object.keys(locked).sort()).toEqual(BEGUN_BY_FACTS.map((g) => g.id as string).sort());
    for (const [id, at] of Object.entries(locked)) {
      expect(at, id).not.toBeNull();
      expect(at! >= migratedBetween[0] && at! <= migratedBetween[1], `${id} locked at ${at}`).toBe(true);
    }
  });

  it("leaves a game still to be played open, postponed before its kickoff too", async () => {
    expect(await lockedAt(NOT_BEGUN)).toEqual(Object.fromEntries(NOT_BEGUN.map((g) => [g.id, null])));
  });

  it("from then on, the trigger locks an open game once for good: its kickoff moving later does not reopen it", async () => {
    const id = "2026_01_SF_SEA";
    await db.prepare("UPDATE games SET status = 'in_progress' WHERE id = ?").bind(id).run();
    const at = (await rows<{ locked_at: string | null }>(db, "SELECT locked_at FROM games WHERE id = ?", id))[0]!.locked_at;
    expect(at).not.toBeNull();
    await db.prepare("UPDATE games SET status = 'postponed', kickoff_at = ? WHERE id = ?").bind(addDays(FUTURE, 7), id).run();
    expect(await rows(db, "SELECT status, locked_at FROM games WHERE id = ?", id)).toEqual([{ status: "postponed", locked_at: at }]);
  });
});
