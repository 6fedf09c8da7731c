/**
 * Property-style test of the v14 grading triggers: a seeded PRNG drives hundreds of random feed and pick
 * changes over a small league (4 games in 2 weeks, 6 users, ~20 picks, random frozen odds or none), and after
 * every step three independent views must agree exactly:
 *   - the tables the triggers maintain (results, standings, player_stats),
 *   - the set-based recompute of src/db/recompute.ts (findDifferences must be empty),
 *   - an in-memory model graded with src/domain/grading.ts (gradePick, profitCentiUnits), the reference.
 * A failure names the seed, the step and the last actions, so it can be replayed.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { findDifferences, leagueBoardDifferences } from "../../src/db/recompute";
import {
  DEFENSE_TD_KINDS,
  type FirstTdKind,
  type GameStatus,
  type GradableGame,
  gradePick,
  type PickOutcome,
  profitCentiUnits,
} from "../../src/domain/grading";
import {
  addDefenses,
  addGame,
  addPlayers,
  addUser,
  addWeek,
  clearFirstTdStatement,
  insertPickStatement,
  setFirstTdStatement,
  setNoTdStatement,
} from "../helpers/league";
import { prng } from "../helpers/prng";
import { CLEARED_FACTS, firstTdFactsStatement } from "../../src/services/game-facts";

const db = env.DB;

type Rng = ReturnType<typeof prng>;

const KINDS: readonly FirstTdKind[] = ["rush", "reception", "return", "defense", "other"];
const OPEN_STATUSES: readonly GameStatus[] = ["scheduled", "in_progress", "final", "postponed"];

interface ModelGame extends GradableGame {
  id: string;
  week: number;
  home: string;
  away: string;
}

interface ModelPick {
  id: number;
  userId: number;
  gameId: string;
  week: number;
  playerId: string;
  decimalOdds: number | null;
}

interface League {
  season: number;
  games: Map<string, ModelGame>;
  picks: Map<number, ModelPick>;
  users: number[];
  /** Pickable players (QB, WR, RB, DEF) by team. */
  pickable: Map<string, string[]>;
  /** Anyone who can score a first TD (pickable players and a DB), by team. */
  scorers: Map<string, string[]>;
  /** Results kept from a v8 database (graded_at NULL), by pick: they stand until the rules can grade the pick. */
  legacy: Map<number, { outcome: PickOutcome; profit_cu: number }>;
  /** A league whose board is kept sorted in league_standings. */
  leagueId: number;
}

const GAMES = [
  { week: 1, away: "KC", home: "BUF" },
  { week: 1, away: "DAL", home: "PHI" },
  { week: 2, away: "BUF", home: "DAL" },
  { week: 2, away: "PHI", home: "KC" },
] as const;
const TEAMS = ["KC", "BUF", "DAL", "PHI"];

async function buildLeague(season: number): Promise<League> {
  const pickable = new Map<string, string[]>();
  const scorers = new Map<string, string[]>();
  const specs = [];
  for (const team of TEAMS) {
    const ids = { QB: `${season}-${team}-QB`, WR: `${season}-${team}-WR`, RB: `${season}-${team}-RB`, DB: `${season}-${team}-DB` };
    for (const [position, id] of Object.entries(ids)) {
      specs.push({ id, name: `${team} ${position} ${season}`, team, position });
    }
    pickable.set(team, [ids.QB, ids.WR, ids.RB, `DEF-${team}`]);
    scorers.set(team, [ids.QB, ids.WR, ids.RB, ids.DB]);
  }
  await addPlayers(db, season, specs);
  await addDefenses(db, season, TEAMS);
  await addWeek(db, season, 1);
  await addWeek(db, season, 2);
  const games = new Map<string, ModelGame>();
  for (const g of GAMES) {
    const id = await addGame(db, { season, ...g });
    games.set(id, {
      id,
      week: g.week,
      home: g.home,
      away: g.away,
      homeTeam: g.home,
      awayTeam: g.away,
      status: "scheduled",
      isVoided: false,
      noTd: false,
      firstTdPlayerId: null,
      firstTdTeam: null,
      firstTdKind: null,
    });
  }
  const users: number[] = [];
  for (let i = 1; i <= 6; i++) users.push(await addUser(db, `prop-${season}-${i}`));
  // A league whose board is kept sorted (league_standings; as a league of 50 members would be) with users 1-4, and users
  // 2 and 5 on the public board: the boards must mirror the standings through every step (membership changes too).
  const row = await db
    .prepare("INSERT INTO leagues (name, commissioner_id, created_at) VALUES (?, ?, '2025-01-01T00:00:00Z') RETURNING id")
    .bind(`prop ${season}`, users[0])
    .first<{ id: number }>();
  await db.batch([
    ...users.slice(0, 4).map((u) => db.prepare("INSERT INTO league_members (league_id, user_id, joined_at) VALUES (?, ?, '2025-01-01T00:00:00Z')").bind(row!.id, u)),
    db.prepare("UPDATE leagues SET board_materialized = 1 WHERE id = ?").bind(row!.id),
    db.prepare("UPDATE users SET on_global_board = 1 WHERE id IN (?, ?)").bind(users[1], users[4]),
  ]);
  return { season, games, picks: new Map(), users, pickable, scorers, legacy: new Map(), leagueId: row!.id };
}

/** Someone joins or leaves the sorted league, or turns the public board on or off. */
function boardStep(league: League, rng: Rng): Step {
  const user = rng.pickOne(league.users);
  if (rng.chance(0.5)) {
    const join = rng.chance(0.5);
    return {
      label: `${join ? "join" : "leave"} league: user ${user}`,
      statement: join
        ? db.prepare("INSERT OR IGNORE INTO league_members (league_id, user_id, joined_at) VALUES (?, ?, '2025-01-02T00:00:00Z')").bind(league.leagueId, user)
        : db.prepare("DELETE FROM league_members WHERE league_id = ? AND user_id = ?").bind(league.leagueId, user),
      apply: () => {},
    };
  }
  const on = rng.chance(0.5) ? 1 : 0;
  return {
    label: `public board ${on ? "on" : "off"}: user ${user}`,
    statement: db.prepare("UPDATE users SET on_global_board = ? WHERE id = ?").bind(on, user),
    apply: () => {},
  };
}

function isGraded(g: ModelGame): boolean {
  return gradePick(g, null) !== null;
}

function outcomeOf(league: League, p: ModelPick): PickOutcome | null {
  return gradePick(league.games.get(p.gameId)!, p.playerId, teamOf(p.playerId));
}

/** Once the rules grade a pick, its legacy result is gone for good (the trigger replaced it). */
function settleLegacy(league: League) {
  for (const pickId of league.legacy.keys()) {
    const p = league.picks.get(pickId);
    if (!p || outcomeOf(league, p) !== null) league.legacy.delete(pickId);
  }
}

function randomOdds(rng: Rng): number | null {
  if (rng.chance(0.3)) return null;
  // Two decimals (1.01 .. 41.00) mostly, sometimes three (1.001 .. 21.000), to exercise the rounding.
  return rng.chance(0.7) ? 1 + (1 + rng.int(4000)) / 100 : 1 + (1 + rng.int(20000)) / 1000;
}

/** Players this user may pick in this game: either team, not already picked by them that week. */
function pickCandidates(league: League, userId: number, game: ModelGame, exceptPickId?: number): string[] {
  const taken = new Set(
    [...league.picks.values()]
      .filter((p) => p.userId === userId && p.week === game.week && p.id !== exceptPickId)
      .map((p) => p.playerId),
  );
  return [...league.pickable.get(game.away)!, ...league.pickable.get(game.home)!].filter((id) => !taken.has(id));
}

function teamOf(playerId: string): string {
  return playerId.startsWith("DEF-") ? playerId.slice(4) : playerId.split("-")[1]!;
}

/** A mutation: the statement to run, and the model update once it has run (given the statement's rows). */
interface Step {
  label: string;
  statement: D1PreparedStatement;
  apply: (rows: Array<Record<string, unknown>>) => void;
}

function gameStep(league: League, rng: Rng): Step {
  const g = rng.pickOne([...league.games.values()]);
  const hasFacts = g.firstTdTeam !== null || g.noTd;
  if (hasFacts && g.status !== "canceled" && rng.chance(0.08)) {
    // Canceled after kickoff (never completed, as 2022_17_BUF_CIN): its picks become void, its facts stay recorded.
    return {
      label: `cancel after kickoff ${g.id}`,
      statement: db.prepare("UPDATE games SET status = 'canceled', updated_by = 'job:schedule-sync' WHERE id = ?").bind(g.id),
      apply: () => Object.assign(g, { status: "canceled" }),
    };
  }
  if (g.firstTdTeam !== null && rng.chance(0.1)) {
    // Overturned: the feed no longer has the recorded play; the facts move to its next TD, or back to pending.
    const next = rng.chance(0.5) ? null : { team: rng.chance(0.5) ? g.home : g.away, kind: rng.pickOne(KINDS) };
    const playerId = next ? rng.pickOne(league.scorers.get(next.team)!) : null;
    return {
      label: `overturn ${g.id} -> ${playerId ?? "pending"}`,
      statement: firstTdFactsStatement(
        db,
        g.id,
        next
          ? { ...CLEARED_FACTS, firstTdPlayerId: playerId, firstTdPlayerName: playerId, firstTdTeam: next.team, firstTdKind: next.kind }
          : CLEARED_FACTS,
        "job:live-sync",
        new Date(),
      ),
      apply: () =>
        Object.assign(g, { firstTdPlayerId: playerId, firstTdTeam: next?.team ?? null, firstTdKind: next?.kind ?? null, noTd: false }),
    };
  }
  if (g.isVoided && rng.chance(0.3)) {
    return {
      label: `un-void ${g.id}`,
      statement: db.prepare("UPDATE games SET is_voided = 0, updated_by = 'admin:prop' WHERE id = ?").bind(g.id),
      apply: () => Object.assign(g, { isVoided: false }),
    };
  }
  const roll = rng.int(100);
  if (roll < 35) {
    // Set or change the first-TD facts (scorer of either team, any kind; sometimes the DEF itself).
    const team = rng.chance(0.5) ? g.home : g.away;
    const playerId = rng.chance(0.1) ? `DEF-${team}` : rng.pickOne(league.scorers.get(team)!);
    const kind = rng.pickOne(KINDS);
    return {
      label: `facts ${g.id} = ${playerId}/${team}/${kind}`,
      statement: setFirstTdStatement(db, g.id, { playerId, team, kind, by: `feed-${rng.int(3)}` }),
      apply: () => Object.assign(g, { firstTdPlayerId: playerId, firstTdTeam: team, firstTdKind: kind, noTd: false }),
    };
  }
  if (roll < 45) {
    return {
      label: `clear facts ${g.id}`,
      statement: clearFirstTdStatement(db, g.id, "admin"),
      apply: () => Object.assign(g, { firstTdPlayerId: null, firstTdTeam: null, firstTdKind: null }),
    };
  }
  if (roll < 50) {
    // Partial facts: the scoring team and kind are known, the scorer not (unresolved): the picks that cannot be the
    // scorer are graded, the scoring team's players wait.
    const team = rng.chance(0.5) ? g.home : g.away;
    const kind = rng.pickOne(KINDS);
    return {
      label: `partial facts ${g.id} = ?/${team}/${kind}`,
      statement: db
        .prepare(
          `UPDATE games SET first_td_player_id = NULL, first_td_player_name = NULL, first_td_team = ?2,
             first_td_kind = ?3, no_td = 0 WHERE id = ?1`,
        )
        .bind(g.id, team, kind),
      apply: () => Object.assign(g, { firstTdPlayerId: null, firstTdTeam: team, firstTdKind: kind, noTd: false }),
    };
  }
  if (roll < 62) {
    const noTd = !g.noTd;
    return {
      label: `no_td ${g.id} = ${noTd}`,
      statement: setNoTdStatement(db, g.id, noTd),
      apply: () =>
        Object.assign(
          g,
          noTd ? { noTd, firstTdPlayerId: null, firstTdTeam: null, firstTdKind: null } : { noTd },
        ),
    };
  }
  if (roll < 74) {
    const isVoided = !g.isVoided;
    return {
      label: `voided ${g.id} = ${isVoided}`,
      statement: db.prepare("UPDATE games SET is_voided = ? WHERE id = ?").bind(isVoided ? 1 : 0, g.id),
      apply: () => Object.assign(g, { isVoided }),
    };
  }
  // Cancel / un-cancel, or an ordinary status move (which grades nothing).
  const status: GameStatus =
    g.status === "canceled" ? rng.pickOne(OPEN_STATUSES) : rng.chance(0.5) ? "canceled" : rng.pickOne(OPEN_STATUSES);
  return {
    label: `status ${g.id} = ${status}`,
    statement: db.prepare("UPDATE games SET status = ? WHERE id = ?").bind(status, g.id),
    apply: () => Object.assign(g, { status }),
  };
}

function pickStep(league: League, rng: Rng): Step | null {
  const roll = rng.int(100);
  const picks = [...league.picks.values()];
  if (roll < 45 || picks.length < 8) {
    // Add a pick: mostly in a game not graded yet (before kickoff), sometimes a late one into a graded game.
    const games = [...league.games.values()];
    const open = games.filter((g) => !isGraded(g));
    const g = open.length > 0 && rng.chance(0.65) ? rng.pickOne(open) : rng.pickOne(games);
    const users = league.users.filter((u) => !picks.some((p) => p.userId === u && p.gameId === g.id));
    if (users.length === 0) return null;
    const userId = rng.pickOne(users);
    const candidates = pickCandidates(league, userId, g);
    if (candidates.length === 0) return null;
    const playerId = rng.pickOne(candidates);
    const decimalOdds = randomOdds(rng);
    return {
      label: `add pick user ${userId} ${g.id} ${playerId} @${decimalOdds}`,
      statement: insertPickStatement(db, userId, g.id, playerId, decimalOdds),
      apply: (rows) => {
        const id = rows[0]?.id as number;
        league.picks.set(id, { id, userId, gameId: g.id, week: g.week, playerId, decimalOdds });
      },
    };
  }
  if (roll < 70) {
    const p = rng.pickOne(picks);
    return {
      label: `delete pick ${p.id}`,
      statement: db.prepare("DELETE FROM picks WHERE id = ?").bind(p.id),
      apply: () => league.picks.delete(p.id),
    };
  }
  // Change a pick's player (graded or not: the pick trigger regrades it).
  const p = rng.pickOne(picks);
  const candidates = pickCandidates(league, p.userId, league.games.get(p.gameId)!, p.id).filter((id) => id !== p.playerId);
  if (candidates.length === 0) return null;
  const playerId = rng.pickOne(candidates);
  return {
    label: `change pick ${p.id} ${p.playerId} -> ${playerId}`,
    statement: db
      .prepare("UPDATE picks SET player_id = ?1, player_name = (SELECT full_name FROM players WHERE id = ?1), team = ?2 WHERE id = ?3")
      .bind(playerId, teamOf(playerId), p.id),
    apply: () => {
      p.playerId = playerId;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// What the model says
// ---------------------------------------------------------------------------------------------

function modelResults(league: League) {
  const out = new Map<number, { outcome: string; profit_cu: number }>();
  for (const p of league.picks.values()) {
    const outcome = outcomeOf(league, p);
    if (outcome !== null) out.set(p.id, { outcome, profit_cu: profitCentiUnits(outcome, p.decimalOdds) });
    else if (league.legacy.has(p.id)) out.set(p.id, league.legacy.get(p.id)!);
  }
  return out;
}

function modelStandings(league: League) {
  const results = modelResults(league);
  const rows = new Map<string, { season: number; week: number; user_id: number; picks: number; wins: number; losses: number; voids: number; units_cu: number }>();
  for (const p of league.picks.values()) {
    for (const week of [0, p.week]) {
      const key = `${week}/${p.userId}`;
      const row = rows.get(key) ?? { season: league.season, week, user_id: p.userId, picks: 0, wins: 0, losses: 0, voids: 0, units_cu: 0 };
      row.picks++;
      const r = results.get(p.id);
      if (r?.outcome === "win") row.wins++;
      if (r?.outcome === "loss") row.losses++;
      if (r?.outcome === "void") row.voids++;
      row.units_cu += r?.profit_cu ?? 0;
      rows.set(key, row);
    }
  }
  return [...rows.values()].sort((a, b) => a.week - b.week || a.user_id - b.user_id);
}

function modelPlayerStats(league: League) {
  const games = new Map<string, Set<string>>();
  const weeks = new Map<string, number>();
  const credit = (key: string, g: ModelGame) => {
    games.set(key, (games.get(key) ?? new Set()).add(g.id));
    weeks.set(key, Math.max(weeks.get(key) ?? 0, g.week));
  };
  for (const g of league.games.values()) {
    if (g.status === "canceled") continue;
    if (g.firstTdPlayerId !== null && g.firstTdTeam !== null) credit(`${g.firstTdPlayerId}/${g.firstTdTeam}`, g);
    if (g.firstTdKind !== null && DEFENSE_TD_KINDS.includes(g.firstTdKind) && g.firstTdTeam !== null) {
      credit(`DEF-${g.firstTdTeam}/${g.firstTdTeam}`, g);
    }
  }
  return [...games.entries()]
    .map(([key, set]) => ({ key, first_td_count: set.size, last_td_week: weeks.get(key)! }))
    .sort((a, b) => a.key.localeCompare(b.key));
}

// ---------------------------------------------------------------------------------------------
// The checks
// ---------------------------------------------------------------------------------------------

async function checkAgreement(league: League, context: () => string) {
  const [[results, standings, stats], differences] = await Promise.all([db.batch([
    db
      .prepare(
        `SELECT r.pick_id, r.outcome, r.profit_cu, r.is_correct FROM results r JOIN picks p ON p.id = r.pick_id
         JOIN weeks w ON w.id = p.week_id WHERE w.season = ? ORDER BY r.pick_id`,
      )
      .bind(league.season),
    db
      .prepare(
        `SELECT season, week, user_id, picks, wins, losses, voids, units_cu FROM standings
         WHERE season = ? AND (picks, wins, losses, voids, units_cu) IS NOT (0, 0, 0, 0, 0) ORDER BY week, user_id`,
      )
      .bind(league.season),
    db
      .prepare(
        `SELECT player_id || '/' || team AS key, first_td_count, last_td_week FROM player_stats WHERE season = ?
         ORDER BY key`,
      )
      .bind(league.season),
  ]), findDifferences(db, { season: league.season })]);

  // 1. The maintained tables equal the recompute.
  expect(differences, `recompute differs; ${context()}`).toEqual({ results: [], standings: [], playerStats: [] });
  expect(await leagueBoardDifferences(db, { season: league.season }), `league boards differ from the standings; ${context()}`).toEqual([]);

  // 2. Results equal what src/domain/grading.ts says for each pick.
  const expectedResults = [...modelResults(league).entries()]
    .sort(([a], [b]) => a - b)
    .map(([pick_id, r]) => ({ pick_id, ...r, is_correct: r.outcome === "win" ? 1 : r.outcome === "loss" ? 0 : null }));
  expect(results!.results, `results differ from gradePick; ${context()}`).toEqual(expectedResults);

  // 3. Standings equal the model's (so the recompute does too).
  expect(standings!.results, `standings differ from the model; ${context()}`).toEqual(modelStandings(league));

  // 4. player_stats: one row per credited (player, team), counting games; rows that dropped to 0 are blank.
  const rows = stats!.results as Array<{ key: string; first_td_count: number; last_td_week: number | null }>;
  expect(new Set(rows.map((r) => r.key)).size, `duplicate player_stats rows; ${context()}`).toBe(rows.length);
  for (const r of rows.filter((r) => r.first_td_count === 0)) {
    expect(r.last_td_week, `a zero count keeps a last_td_week; ${context()}`).toBeNull();
  }
  expect(
    rows.filter((r) => r.first_td_count !== 0),
    `player_stats differ from the model; ${context()}`,
  ).toEqual(modelPlayerStats(league));
}

async function runSeed(seed: number, steps: number) {
  const rng = prng(seed);
  const league = await buildLeague(2200 + seed);
  const log: string[] = [];
  const context = () => `seed ${seed}, after: ${log.slice(-8).join(" | ")}`;

  // Initial picks: users 1-5 pick in most games (about 18 picks); user 6 starts with none, so that its first
  // pick of a week creates its standings rows (also when that pick is graded at once).
  for (const userId of league.users.slice(0, 5)) {
    for (const g of league.games.values()) {
      if (!rng.chance(0.9)) continue;
      const playerId = rng.pickOne(pickCandidates(league, userId, g));
      const decimalOdds = randomOdds(rng);
      const row = await insertPickStatement(db, userId, g.id, playerId, decimalOdds).first<{ id: number }>();
      league.picks.set(row!.id, { id: row!.id, userId, gameId: g.id, week: g.week, playerId, decimalOdds });
    }
  }
  // A few legacy results (graded_at NULL, as a v8 database kept them) on picks the rules cannot grade yet.
  for (const p of [...league.picks.values()].filter((p) => outcomeOf(league, p) === null).slice(0, 4)) {
    const outcome: PickOutcome = rng.chance(0.5) ? "win" : "loss";
    const profit_cu = outcome === "win" ? 150 : -100;
    await db
      .prepare("INSERT INTO results (pick_id, outcome, is_correct, profit_cu, actual_return) VALUES (?, ?, ?, ?, ?)")
      .bind(p.id, outcome, outcome === "win" ? 1 : 0, profit_cu, profit_cu / 100)
      .run();
    league.legacy.set(p.id, { outcome, profit_cu });
  }
  await checkAgreement(league, context);

  const kinds = { game: 0, pick: 0, batch: 0 };
  for (let step = 1; step <= steps; step++) {
    if (rng.chance(0.1)) {
      // Two or three feed updates in one batch (one D1 transaction). Each is generated from the model as the
      // previous one left it, so the model is updated as each is generated, in statement order.
      const statements: D1PreparedStatement[] = [];
      const labels: string[] = [];
      for (let i = 0; i < (rng.chance(0.5) ? 3 : 2); i++) {
        const s = gameStep(league, rng);
        s.apply([]);
        settleLegacy(league);
        statements.push(s.statement);
        labels.push(s.label);
      }
      await db.batch(statements);
      log.push(`#${step} batch[${labels.join("; ")}]`);
      kinds.batch++;
    } else {
      const onGame = rng.chance(0.55);
      const s = rng.chance(0.06) ? boardStep(league, rng) : onGame ? gameStep(league, rng) : pickStep(league, rng);
      if (s === null) continue;
      const { results } = await s.statement.run();
      s.apply(results as Array<Record<string, unknown>>);
      settleLegacy(league);
      log.push(`#${step} ${s.label}`);
      kinds[onGame ? "game" : "pick"]++;
    }
    await checkAgreement(league, () => `step ${step}; ${context()}`);
  }
  // The walk must have covered the interesting states, or the test proves little.
  const graded = [...league.picks.values()].filter((p) => outcomeOf(league, p) !== null);
  expect(kinds.game + kinds.batch).toBeGreaterThan(steps / 3);
  expect(kinds.pick).toBeGreaterThan(steps / 5);
  return { picks: league.picks.size, graded: graded.length, kinds };
}

const STEPS = 150;

describe("grading triggers: random walks agree with the recompute and with src/domain/grading.ts", () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: ${STEPS} random steps`, async () => {
      const summary = await runSeed(seed, STEPS);
      expect(summary.picks).toBeGreaterThan(5);
    });
  }
});

describe("profit rounding: the SQL of the triggers and the recompute equals profitCentiUnits", () => {
  it("for every decimal price 1.01..100.00 by 0.01 and 1.001..20.000 by 0.001", async () => {
    // The expression the triggers (and src/db/recompute.ts) use, over a grid of prices computed the same way
    // in SQL and in JS (1 + i / 100.0 is the same IEEE double in both).
    const { results } = await db
      .prepare(
        `WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE n < 19999),
         prices(scale, n, decimal_odds) AS (
           SELECT 100, n, 1 + n / 100.0 FROM i WHERE n <= 9900
           UNION ALL SELECT 1000, n, 1 + n / 1000.0 FROM i)
         SELECT scale, n, CAST(round((coalesce(decimal_odds, 2.0) - 1) * 100) AS INTEGER) AS profit_cu FROM prices`,
      )
      .all<{ scale: number; n: number; profit_cu: number }>();
    expect(results).toHaveLength(9900 + 19999);
    const mismatches = results.filter((r) => r.profit_cu !== profitCentiUnits("win", 1 + r.n / r.scale));
    expect(mismatches).toEqual([]);
    const evenMoney = await db
      .prepare("SELECT CAST(round((coalesce(NULL, 2.0) - 1) * 100) AS INTEGER) AS profit_cu")
      .first<{ profit_cu: number }>();
    expect(evenMoney!.profit_cu).toBe(profitCentiUnits("win", null));
  });
});
