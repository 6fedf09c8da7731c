/**
 * A small, clean league for the quality checks: one season (2025), 20 teams, week 1 played and graded (10 games),
 * week 2 scheduled (10 games), players with rosters, users, picks made before kickoff, market snapshots, recent
 * syncs. Every check passes on it (test/quality/clean.test.ts proves it), so a test can inject one fault and see
 * exactly which checks notice. Grading goes through UPDATE games, so the v14 triggers fill results, standings and
 * player_stats as in production.
 */
import { env } from "cloudflare:test";
import { expect } from "vitest";
import { evaluateChecks } from "../../../src/quality/evaluate";
import type { CheckResult, QualityCheck } from "../../../src/quality/types";

export const SEASON = 2025;
/** The nightly run the tests pretend to be: Saturday 02:00 UTC, between week 1 and week 2. */
export const NOW = new Date("2025-09-20T02:00:00Z");
export const WEEK1_KICKOFF = "2025-09-07T17:00:00Z";
export const WEEK2_KICKOFF = "2025-09-21T17:00:00Z";
export const TEAMS = ["ARI", "ATL", "BAL", "BUF", "CAR", "CHI", "CIN", "CLE", "DAL", "DEN", "DET", "GB", "HOU", "IND", "JAX", "KC", "LA", "LAC", "LV", "MIA"] as const;

const t = (i: number) => TEAMS[i % TEAMS.length]!;
export const qb = (team: string) => `${team}-QB`;
export const wr = (team: string) => `${team}-WR`;

export interface FixtureGame {
  id: string;
  away: string;
  home: string;
}

/** Week 1: T0 at T1, T2 at T3, ...; week 2: T1 at T2, T3 at T4, ..., T19 at T0. */
export const WEEK1: FixtureGame[] = Array.from({ length: 10 }, (_, i) => ({ id: `2025_01_${t(2 * i)}_${t(2 * i + 1)}`, away: t(2 * i), home: t(2 * i + 1) }));
export const WEEK2: FixtureGame[] = Array.from({ length: 10 }, (_, i) => ({ id: `2025_02_${t(2 * i + 1)}_${t(2 * i + 2)}`, away: t(2 * i + 1), home: t(2 * i + 2) }));

export interface Fixture {
  users: { ann: number; bob: number; cy: number };
  weeks: { w1: number; w2: number };
  /** Pick ids by a short label. */
  picks: Record<string, number>;
}

async function one<T>(statement: D1PreparedStatement): Promise<T> {
  const row = await statement.first<T>();
  if (!row) throw new Error("fixture: no row returned");
  return row;
}

export async function seedFixture(): Promise<Fixture> {
  const db = env.DB;
  const players = TEAMS.flatMap((team) => [
    { id: qb(team), name: `${team} Quarterback`, team, position: "QB" },
    { id: wr(team), name: `${team} Receiver`, team, position: "WR" },
  ]);
  await db.batch([
    ...players.map((p) => db.prepare("INSERT INTO players (id, full_name, name_key) VALUES (?, ?, lower(?))").bind(p.id, p.name, p.name)),
    ...players.map((p) =>
      db
        .prepare(
          `INSERT INTO rosters (season, player_id, player_name, team, position, raw_position, status, jersey, is_current)
           VALUES (?, ?, ?, ?, ?, ?, 'ACT', 10, 1)`,
        )
        .bind(SEASON, p.id, p.name, p.team, p.position, p.position),
    ),
    ...TEAMS.map((team) =>
      db
        .prepare(
          `INSERT INTO rosters (season, player_id, player_name, team, position, raw_position, status)
           SELECT ?, id, full_name, defense_team, 'DEF', 'DEF', 'ACT' FROM players WHERE id = 'DEF-' || ?`,
        )
        .bind(SEASON, team),
    ),
    ...WEEK1.map((g, i) =>
      db
        .prepare(
          `INSERT INTO games (id, season, week, game_type, kickoff_at, home_team, away_team, home_score, away_score, status, espn_event_id)
           VALUES (?, ?, 1, 'REG', ?, ?, ?, 24, 17, 'final', ?)`,
        )
        .bind(g.id, SEASON, WEEK1_KICKOFF, g.home, g.away, `40100${i}`),
    ),
    ...WEEK2.map((g, i) =>
      db
        .prepare(
          `INSERT INTO games (id, season, week, game_type, kickoff_at, home_team, away_team, status, espn_event_id)
           VALUES (?, ?, 2, 'REG', ?, ?, ?, 'scheduled', ?)`,
        )
        .bind(g.id, SEASON, WEEK2_KICKOFF, g.home, g.away, `40200${i}`),
    ),
  ]);

  const user = (name: string, admin = 0) =>
    one<{ id: number }>(
      db.prepare("INSERT INTO users (name, email, is_admin, created_at) VALUES (?, ?, ?, '2025-08-01T00:00:00Z') RETURNING id").bind(name, `${name}@example.test`, admin),
    );
  const users = { ann: (await user("q-ann", 1)).id, bob: (await user("q-bob")).id, cy: (await user("q-cy")).id };
  const w1 = (await one<{ id: number }>(db.prepare("INSERT INTO weeks (season, week) VALUES (?, 1) RETURNING id").bind(SEASON))).id;
  const w2 = (await one<{ id: number }>(db.prepare("INSERT INTO weeks (season, week) VALUES (?, 2) RETURNING id").bind(SEASON))).id;

  // Picks before kickoff, as the API makes them (player name and team from the roster).
  const pick = (userId: number, game: FixtureGame, week: number, playerId: string, createdAt: string) =>
    one<{ id: number }>(
      db
        .prepare(
          `INSERT INTO picks (user_id, week_id, game_id, team, player_name, player_id, created_at, updated_at)
           SELECT ?1, w.id, ?2, r.team, r.player_name, r.player_id, ?5, ?5
           FROM weeks w JOIN rosters r ON r.player_id = ?4 AND r.season = w.season
           WHERE w.season = ${SEASON} AND w.week = ?3
           RETURNING id`,
        )
        .bind(userId, game.id, week, playerId, createdAt),
    );
  const before1 = "2025-09-06T12:00:00Z";
  const before2 = "2025-09-19T20:00:00Z";
  const g1 = WEEK1;
  const g2 = WEEK2;
  const picks: Record<string, number> = {
    annW1: (await pick(users.ann, g1[0]!, 1, qb(g1[0]!.away), before1)).id, // wins: the away QB scores first
    annW1b: (await pick(users.ann, g1[1]!, 1, wr(g1[1]!.home), before1)).id, // loses: no TD in that game
    bobW1: (await pick(users.bob, g1[2]!, 1, `DEF-${g1[2]!.home}`, before1)).id, // wins: a return TD by that defense
    bobW1b: (await pick(users.bob, g1[3]!, 1, wr(g1[3]!.away), before1)).id, // loses
    cyW1: (await pick(users.cy, g1[3]!, 1, wr(g1[3]!.home), before1)).id, // wins
    annW2: (await pick(users.ann, g2[0]!, 2, qb(g2[0]!.away), before2)).id,
    bobW2: (await pick(users.bob, g2[1]!, 2, wr(g2[1]!.home), before2)).id,
    cyW2: (await pick(users.cy, g2[2]!, 2, qb(g2[2]!.home), before2)).id,
  };

  // Grading week 1: the triggers write results, standings, player_stats and game_fact_changes.
  const facts = (game: FixtureGame, i: number) => {
    if (i === 1) return db.prepare("UPDATE games SET no_td = 1, first_td_recorded_by = 'fixture' WHERE id = ?").bind(game.id);
    const [playerId, team, kind] =
      i === 0 ? [qb(game.away), game.away, "rush"] : i === 2 ? [`DEF-${game.home}`, game.home, "return"] : [wr(game.home), game.home, "reception"];
    return db
      .prepare(
        `UPDATE games SET first_td_player_id = ?2, first_td_player_name = (SELECT full_name FROM players WHERE id = ?2),
           first_td_team = ?3, first_td_kind = ?4, first_td_recorded_by = 'fixture', first_td_recorded_at = '2025-09-07T17:20:00Z'
         WHERE id = ?1`,
      )
      .bind(game.id, playerId, team, kind);
  };
  await db.batch(WEEK1.map(facts));

  await db.batch([
    db
      .prepare("INSERT INTO api_tokens (user_id, name, token_hash, token_prefix, created_at) VALUES (?, 'laptop', ?, 'ftd_fixtur', '2025-08-01T00:00:00Z')")
      .bind(users.ann, "f".repeat(64)),
    db
      .prepare(
        `INSERT INTO picks_quarantine (user_id, week_id, player_name, game_id, created_at, reason, kept_pick_id)
         VALUES (?, ?, ?, NULL, '2025-09-06 11:00:00', 'duplicate_in_week', ?)`,
      )
      .bind(users.ann, w1, `${g1[0]!.away} Quarterback`, picks.annW1!),
    // Syncs: the night's roster and schedule runs, and a market sync 10 minutes ago.
    ...[
      ["roster-sync", "2025-09-19T09:00:00Z", "2025-09-19T09:02:00Z"],
      ["schedule-sync", "2025-09-19T09:30:00Z", "2025-09-19T09:31:00Z"],
      ["market-sync", "2025-09-20T01:50:00Z", "2025-09-20T01:50:30Z"],
    ].map(([job, started, finished]) =>
      db
        .prepare("INSERT INTO sync_runs (job, trigger, cron, season, started_at, finished_at, status) VALUES (?, 'cron', NULL, ?, ?, ?, 'ok')")
        .bind(job, SEASON, started, finished),
    ),
    // One first-TD snapshot for the away QB of six week-2 games, taken by that market sync.
    ...g2.slice(0, 6).map((game, i) =>
      db
        .prepare(
          `INSERT INTO market_odds (source, kind, game_id, season, week, player_name, player_id, team, implied_probability, american_odds,
             bid, ask, last_price, price_basis, normalized_probability, market_id, event_id, snapshot_time, captured_at)
           VALUES ('kalshi', 'first_td', ?, ?, 2, ?, ?, ?, 0.1, 900, 0.08, 0.12, 0.1, 'mid', 0.09, ?, ?, '2025-09-20T01:45:00Z', '2025-09-20T01:50:00Z')`,
        )
        .bind(game.id, SEASON, `${game.away} Quarterback`, qb(game.away), game.away, `KXNFLFIRSTTD-25SEP21-${i}-QB`, `KXNFLFIRSTTD-25SEP21-${i}`),
    ),
    db.prepare(
      `INSERT INTO market_unmapped (source, kind, event_id, market_id, label, game_id, reason, first_seen_at, last_seen_at)
       VALUES ('kalshi', 'first_td', 'KXNFLFIRSTTD-25SEP21-0', 'KXNFLFIRSTTD-25SEP21-0-ZZ', 'Zed Zulu', NULL, 'player_not_found',
               '2025-09-19T01:50:00Z', '2025-09-20T01:50:00Z')`,
    ),
    db
      .prepare(
        `INSERT INTO market_outcomes (source, market_id, game_id, player_name, outcome, settled_price, settled_at, player_id, kind, last_probability)
         VALUES ('kalshi', 'KXNFLFIRSTTD-25SEP07-0-QB', ?, ?, 'yes', 1, '2025-09-07T21:00:00Z', ?, 'first_td', 0.1)`,
      )
      .bind(g1[0]!.id, `${g1[0]!.away} Quarterback`, qb(g1[0]!.away)),
  ]);
  return { users, weeks: { w1, w2 }, picks };
}

export interface Problem {
  status: string;
  failingRows: number;
  sampleKeys: string[];
}

/** Every check that does not pass, by name: what a fault test compares with exactly what it expects. */
export function problemsOf(results: readonly CheckResult[]): Record<string, Problem> {
  return Object.fromEntries(
    results.filter((r) => r.status !== "pass").map((r) => [r.name, { status: r.status, failingRows: r.failingRows, sampleKeys: r.sampleKeys }]),
  );
}

export async function evaluate(options: { now?: Date; season?: number; checks?: readonly QualityCheck[] } = {}): Promise<CheckResult[]> {
  return evaluateChecks(env.DB, { now: options.now ?? NOW, season: options.season ?? SEASON, checks: options.checks });
}

export async function problems(options: { now?: Date; season?: number } = {}): Promise<Record<string, Problem>> {
  return problemsOf(await evaluate(options));
}

export async function expectClean(options: { now?: Date } = {}) {
  expect(await problems(options)).toEqual({});
}

const undoStack: (() => Promise<unknown>)[] = [];

/** Registers how to undo a fault; `undoAll` (in afterEach) runs them newest first, even after a failed assertion. */
export function onUndo(step: () => Promise<unknown>) {
  undoStack.push(step);
}

export async function undoAll() {
  while (undoStack.length > 0) await undoStack.pop()!();
}

export async function value<T = unknown>(sql: string, ...params: unknown[]): Promise<T> {
  const row = await env.DB.prepare(sql).bind(...params).first<Record<string, T>>();
  if (!row) throw new Error(`no row: ${sql}`);
  return Object.values(row)[0] as T;
}

export async function run(sql: string, ...params: unknown[]) {
  return env.DB.prepare(sql).bind(...params).run();
}
