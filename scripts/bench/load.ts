// Loads the synthetic league into the Worker's D1 through the bench-only /__bench/sql route (statements run as D1
// batches inside the Worker) and the real roster-sync job (the league's players and rosters come from a roster file
// the job downloads from the bench's local HTTP server, as in production).
//
// Two ways to get the derived tables (results, standings, player_stats, the standings score histogram):
//   triggers  the production path: picks are inserted with every trigger on (standings follow each pick), then
//             each graded game gets its first-TD facts with one UPDATE, and the v14 triggers grade its picks;
//   bulk      the triggers that derive rows from picks/results/standings are suspended (their SQL saved from
//             sqlite_master, dropped, re-created afterwards); picks go in without them, then results, standings,
//             player_stats and the histogram are computed set-based with the migrations' own statements; the
//             bench then verifies every derived table against src/db/recompute.ts (and the histogram).
//
// Leagues (v23) go in before the picks, while standings are still empty, through the production triggers: the large
// league's 50th member marks its board materialized, each opt-in to the public board goes through users_global_board.
// With the triggers on (--load triggers), every standings row the picks make is mirrored into league_standings as it
// is made; in bulk mode the standings triggers (the mirror among them) are suspended, so the sorted boards are filled
// afterwards, set-based, from the standings, exactly as the v23 triggers would have (checked by leagueBoardDifferences).
// Why before: the v23 triggers that copy a user's standings when they join a mirrored board (league_members_board_insert,
// users_global_board) look standings up by user_id, which no index of standings leads with: each such insert scans all
// of standings (bench/README.md, "Leagues").
import {
  CANDIDATE_SLOTS, LARGE_LEAGUE_ID, MARQUEE_WEEK, SEASON, WEEKS, globalBoardOptInSql, largeLeagueSize, leagueRosterCsv, leagueSlotsSql, picksInsertSql,
} from "./league";
import type { Game, League } from "./league";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./wrangler-env";
import { progressBar, type BenchClient } from "./measure";
import { sha256Hex } from "./runtime";

const MAX_PARAMS = 100;

/** A statement for /__bench/sql: its SQL and the values bound to it (sent as JSON). */
export interface SqlStatement {
  sql: string;
  params?: unknown[];
}
/** D1's answer to one statement: its rows (`R`: the columns the query selects) and meta. */
export interface SqlResult<R = Record<string, unknown>> {
  results: R[];
  meta?: { changes?: number; rows_read?: number; rows_written?: number; duration?: number };
}
/** sqlRunner(): one statement gives one result, a list of statements one result each. */
export interface SqlRunner {
  <R = Record<string, unknown>>(statement: SqlStatement): Promise<[SqlResult<R>]>;
  <R = Record<string, unknown>>(statements: SqlStatement[]): Promise<SqlResult<R>[]>;
}

/** POSTs statements to /__bench/sql (one D1 batch). */
export function sqlRunner(client: BenchClient, adminToken: string): SqlRunner {
  return async function sql(statements: SqlStatement | SqlStatement[]) {
    const list = Array.isArray(statements) ? statements : [statements];
    const response = await client.request({ method: "POST", path: "/__bench/sql", token: adminToken, body: { statements: list }, fresh: true });
    let answer;
    try {
      answer = response.json<{ ok: boolean; error?: unknown; results: SqlResult[] }>();
    } catch {
      throw new Error(`/__bench/sql: HTTP ${response.status}: ${response.body.slice(0, 500)}`);
    }
    if (!answer.ok) throw new Error(`/__bench/sql failed: ${JSON.stringify(answer.error ?? answer).slice(0, 500)}\n  in: ${(list[0] as SqlStatement).sql.slice(0, 300)}`);
    return answer.results;
  } as SqlRunner;
}

/** Multi-row INSERT statements of at most 100 bound parameters each. */
export function insertStatements(table: string, columns: string[], rows: Record<string, unknown>[], suffix = ""): SqlStatement[] {
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
  const statements: SqlStatement[] = [];
  for (let i = 0; i < rows.length; i += perStatement) {
    const part = rows.slice(i, i + perStatement);
    statements.push({
      sql: `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${part.map(() => `(${columns.map(() => "?").join(", ")})`).join(", ")}${suffix}`,
      params: part.flatMap((row) => columns.map((c) => row[c] ?? null)),
    });
  }
  return statements;
}

async function runInBatches(sql: SqlRunner, statements: SqlStatement[], label: string, perBatch = 150): Promise<number> {
  const bar = progressBar(label, statements.length);
  for (let i = 0; i < statements.length; i += perBatch) {
    await sql(statements.slice(i, i + perBatch));
    bar.update(Math.min(statements.length, i + perBatch));
  }
  return bar.done();
}

/** Triggers that derive rows from picks, results and standings (suspended by the bulk load). */
const DERIVING_TRIGGERS_SQL = `SELECT name, sql FROM sqlite_master WHERE type = 'trigger'
  AND (name IN ('picks_standings_insert', 'picks_position_and_grade_insert', 'results_standings_insert') OR tbl_name = 'standings')`;

const GRADED = `(g.status = 'canceled' OR g.is_voided = 1 OR g.no_td = 1 OR g.first_td_player_id IS NOT NULL)`;
const OUTCOME = `CASE WHEN g.status = 'canceled' OR g.is_voided = 1 THEN 'void' WHEN g.no_td = 1 THEN 'loss'
  WHEN p.player_id = g.first_td_player_id THEN 'win'
  WHEN g.first_td_kind IN ('return', 'defense') AND p.player_id = 'DEF-' || g.first_td_team THEN 'win' ELSE 'loss' END`;

/** The v14 grading statement (drizzle/0006), for the picks of users [?1, ?2]. */
const RESULTS_SQL = `INSERT INTO results (pick_id, actual_scorer, is_correct, actual_return, outcome, profit_cu, graded_at)
  SELECT pick_id, actual_scorer, CASE outcome WHEN 'win' THEN 1 WHEN 'loss' THEN 0 END, profit_cu / 100.0, outcome, profit_cu, ?3
  FROM (
    SELECT pick_id, outcome, actual_scorer,
      CASE outcome WHEN 'win' THEN CAST(round((coalesce(decimal_odds, 2.0) - 1) * 100) AS INTEGER) WHEN 'loss' THEN -100 ELSE 0 END AS profit_cu
    FROM (
      SELECT p.id AS pick_id, p.decimal_odds AS decimal_odds, ${OUTCOME} AS outcome,
        CASE WHEN g.no_td = 1 THEN 'No touchdown' ELSE g.first_td_player_name END AS actual_scorer
      FROM picks p JOIN games g ON g.id = p.game_id
      WHERE p.user_id BETWEEN ?1 AND ?2 AND ${GRADED}
    )
  )`;

/** The v14 standings backfill (drizzle/0006), for users [?1, ?2]. */
const STANDINGS_SQL = `INSERT INTO standings (season, week, user_id, picks, wins, losses, voids, units_cu)
  SELECT season, week, user_id, count(*), count(*) FILTER (WHERE outcome = 'win'), count(*) FILTER (WHERE outcome = 'loss'),
    count(*) FILTER (WHERE outcome = 'void'), coalesce(sum(profit_cu) FILTER (WHERE outcome IS NOT NULL), 0)
  FROM (
    SELECT w.season AS season, 0 AS week, p.user_id AS user_id, r.outcome AS outcome, r.profit_cu AS profit_cu
    FROM picks p JOIN weeks w ON w.id = p.week_id LEFT JOIN results r ON r.pick_id = p.id WHERE p.user_id BETWEEN ?1 AND ?2
    UNION ALL
    SELECT w.season, w.week, p.user_id, r.outcome, r.profit_cu
    FROM picks p JOIN weeks w ON w.id = p.week_id LEFT JOIN results r ON r.pick_id = p.id WHERE p.user_id BETWEEN ?1 AND ?2
  )
  GROUP BY season, week, user_id`;

/** The v14 player_stats backfill (drizzle/0006). */
const PLAYER_STATS_SQL = `INSERT INTO player_stats (player_id, player_name, season, team, position, first_td_count, last_td_week, updated_at)
  SELECT k.player_id, pl.full_name, k.season, k.team,
    coalesce(
      (SELECT r.position FROM rosters r WHERE r.player_id = k.player_id AND r.season = k.season AND r.team = k.team),
      (SELECT r.position FROM rosters r WHERE r.player_id = k.player_id AND r.season = k.season ORDER BY r.is_current DESC LIMIT 1)),
    (SELECT count(*) FROM games g WHERE g.season = k.season AND g.first_td_team = k.team AND g.status <> 'canceled'
      AND (g.first_td_player_id = k.player_id OR (k.player_id = 'DEF-' || g.first_td_team AND g.first_td_kind IN ('return', 'defense')))),
    (SELECT max(g.week) FROM games g WHERE g.season = k.season AND g.first_td_team = k.team AND g.status <> 'canceled'
      AND (g.first_td_player_id = k.player_id OR (k.player_id = 'DEF-' || g.first_td_team AND g.first_td_kind IN ('return', 'defense')))),
    strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
  FROM (SELECT DISTINCT player_id, team, season FROM (
    SELECT g.first_td_player_id AS player_id, g.first_td_team AS team, g.season AS season FROM games g WHERE g.first_td_player_id IS NOT NULL
    UNION SELECT 'DEF-' || g.first_td_team, g.first_td_team, g.season FROM games g WHERE g.first_td_kind IN ('return', 'defense'))) k
  JOIN players pl ON pl.id = k.player_id
  WHERE true
  ON CONFLICT (player_name, season, team) DO UPDATE SET
    first_td_count = excluded.first_td_count, last_td_week = excluded.last_td_week,
    player_id = excluded.player_id, position = coalesce(excluded.position, player_stats.position), updated_at = excluded.updated_at`;

/**
 * The league: roster (through roster-sync), weeks, games, market odds, users, tokens, picks, grading.
 * Returns timings and the bench users' tokens.
 */
export async function loadLeague({ client, adminToken, league, users, picksPerUser, tokenUsers, mode, seed, roster, log }: {
  client: BenchClient;
  adminToken: string;
  league: League;
  users: number;
  picksPerUser: number;
  tokenUsers: number;
  mode: string;
  seed: number;
  roster: { serve(text: string): unknown };
  log: (line: string) => void;
}) {
  const sql = sqlRunner(client, adminToken);
  const timings: Record<string, number> = {};
  const started = performance.now();
  const mark = (name: string, since: number) => (timings[name] = Math.round((performance.now() - since) / 100) / 10);

  // 1. Players and rosters: the real roster-sync job over the league's roster file.
  let t = performance.now();
  roster.serve(leagueRosterCsv(league));
  const sync = await client.request({ method: "POST", path: "/v1/admin/jobs/roster-sync/run", token: adminToken, body: { season: SEASON }, fresh: true });
  const run = sync.json<{ status: string; insertedCount: number }>();
  if (sync.status !== 200 || run.status !== "ok") throw new Error(`roster-sync of the league failed: ${sync.status} ${sync.body.slice(0, 400)}`);
  log(`  roster-sync (league file, ${league.players.length} rows): ${run.insertedCount} inserted, ${((performance.now() - t) / 1000).toFixed(1)} s`);
  mark("roster", t);

  // 2. Weeks, games (facts set at insert in bulk mode; by UPDATE later in trigger mode), helper tables, markets.
  t = performance.now();
  const [defRows] = await sql<{ id: string; name: string }>({ sql: "SELECT id, full_name AS name FROM players WHERE defense_team IS NOT NULL" });
  const defName = new Map(defRows.results.map((r) => [r.id, r.name]));
  const nameOf: NameOf = (playerId, fallback) => fallback ?? defName.get(playerId);
  const recordedAt = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  const gameRows = league.games.map((g) => ({
    id: g.id,
    season: g.season,
    week: g.week,
    kickoff_at: g.kickoffAt,
    home_team: g.home,
    away_team: g.away,
    home_score: g.homeScore ?? null,
    away_score: g.awayScore ?? null,
    status: g.status,
    espn_event_id: String(401770000 + league.games.indexOf(g)),
    ...(mode === "bulk" ? factColumns(g, nameOf, recordedAt) : {}),
  }));
  await sql([
    { sql: `INSERT INTO weeks (season, week) VALUES ${Array.from({ length: WEEKS }, (_, i) => `(${SEASON}, ${i + 1})`).join(", ")}` },
    ...insertStatements("games", Object.keys(gameRows.find((r) => "no_td" in r) ?? (gameRows[0] as object)), gameRows),
    { sql: "CREATE TABLE _bench_week_games (week INTEGER NOT NULL, idx INTEGER NOT NULL, game_id TEXT NOT NULL, PRIMARY KEY (week, idx)) WITHOUT ROWID" },
    {
      sql: `CREATE TABLE _bench_candidates (game_id TEXT NOT NULL, slot INTEGER NOT NULL, player_id TEXT NOT NULL, player_name TEXT NOT NULL,
        team TEXT NOT NULL, position TEXT NOT NULL, american INTEGER NOT NULL, PRIMARY KEY (game_id, slot)) WITHOUT ROWID`,
    },
  ]);
  await runInBatches(sql, [
    ...insertStatements("_bench_week_games", ["week", "idx", "game_id"], league.games.map((g) => ({ week: g.week, idx: g.idx, game_id: g.id }))),
    ...insertStatements(
      "_bench_candidates",
      ["game_id", "slot", "player_id", "player_name", "team", "position", "american"],
      league.candidateRows.map((c) => ({ game_id: c.gameId, slot: c.slot, player_id: c.playerId, player_name: nameOf(c.playerId, c.name), team: c.team, position: c.position, american: c.american })),
    ),
  ], "games, candidate slots");
  const marketColumns = [
    "source", "game_id", "season", "week", "player_name", "team", "implied_probability", "american_odds", "raw_price", "volume",
    "market_id", "snapshot_time", "player_id", "kind", "event_id", "bid", "ask", "last_price", "price_basis", "normalized_probability", "captured_at",
  ];
  const marketRows = league.marketRows.map((m) => ({
    source: m.source, game_id: m.gameId, season: m.season, week: m.week, player_name: m.playerId ? nameOf(m.playerId, m.playerId.startsWith("DEF-") ? null : m.playerName) : m.playerName,
    team: m.team, implied_probability: m.impliedProbability, american_odds: m.americanOdds, raw_price: m.rawPrice, volume: m.volume, market_id: m.marketId,
    snapshot_time: m.snapshotTime, player_id: m.playerId, kind: "first_td", event_id: m.eventId, bid: m.bid, ask: m.ask, last_price: m.lastPrice,
    price_basis: m.priceBasis, normalized_probability: m.normalizedProbability, captured_at: m.capturedAt,
  }));
  await runInBatches(sql, insertStatements("market_odds", marketColumns, marketRows), "market odds (upcoming games)");
  mark("games_markets", t);

  // 3. Users (set-based) and the API tokens of the first `tokenUsers` users (hashes computed here, as issueToken stores them).
  t = performance.now();
  const userChunk = 25000;
  let bar = progressBar("users", users);
  for (let lo = 1; lo <= users; lo += userChunk) {
    const hi = Math.min(users, lo + userChunk - 1);
    await sql({
      sql: `INSERT INTO users (id, name, email, created_at)
        WITH RECURSIVE n(i) AS (SELECT ?1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2)
        SELECT i, 'bench-user-' || printf('%07d', i), 'bench-user-' || i || '@example.test', '${recordedAt}' FROM n`,
      params: [lo, hi],
    });
    bar.update(hi);
  }
  bar.done();
  const tokens: { userId: number; token: string }[] = [];
  const tokenRows: Record<string, unknown>[] = [];
  for (let id = 1; id <= Math.min(users, tokenUsers); id++) {
    const token = `ftd_bench_${seed}_${id}_${sha256Hex(`${seed}:${id}`).slice(0, 16)}`;
    tokens.push({ userId: id, token });
    tokenRows.push({ user_id: id, name: "bench", token_hash: sha256Hex(token), token_prefix: token.slice(0, 10), created_at: recordedAt, created_by: "bench" });
  }
  await runInBatches(sql, insertStatements("api_tokens", Object.keys(tokenRows[0] as object), tokenRows), "api tokens");
  mark("users_tokens", t);

  // 3b. Leagues, their members and the public board's opt-ins (before any standings exist, see the top of this file).
  t = performance.now();
  const leagues = await loadLeagues({ sql, users, seed, recordedAt });
  log(`  leagues: ${leagues.leagues} (large league ${LARGE_LEAGUE_ID}: ${leagues.largeMembers} members), ${leagues.memberships} memberships, ` +
    `${leagues.onGlobalBoard} users on the public board`);
  mark("leagues", t);

  // 4. Picks, set-based inside D1.
  let saved: { name: string; sql: string }[] = [];
  if (mode === "bulk") {
    const [found] = await sql<{ name: string; sql: string }>({ sql: DERIVING_TRIGGERS_SQL });
    saved = found.results;
    await sql(saved.map((trigger) => ({ sql: `DROP TRIGGER ${trigger.name}` })));
    log(`  bulk: suspended ${saved.length} triggers (${saved.map((s) => s.name).join(", ")})`);
  }
  t = performance.now();
  // Week by week, each week's picks in the order they were made (pick ids follow time, as real ones do).
  const picksPerWeek = picksPerUser / WEEKS;
  const usersPerChunk = Math.max(500, Math.floor((mode === "bulk" ? 100000 : 40000) / picksPerWeek));
  bar = progressBar(`picks (${mode})`, users * picksPerUser);
  const picksSql = picksInsertSql();
  for (let week = 1; week <= WEEKS; week++) {
    for (let lo = 1; lo <= users; lo += usersPerChunk) {
      const hi = Math.min(users, lo + usersPerChunk - 1);
      await sql({ sql: picksSql, params: [lo, hi, picksPerUser, seed, MARQUEE_WEEK, week] });
      bar.update(Math.round(((week - 1) * users + hi) * picksPerWeek));
    }
  }
  timings.picks_per_second = Math.round((users * picksPerUser) / bar.done());
  mark("picks", t);

  // 5. Grading.
  t = performance.now();
  const graded = league.games.filter((g) => g.noTd || g.firstTd || g.status === "canceled");
  if (mode === "triggers") {
    // One UPDATE per game: the v14 trigger grades the game's picks, moves standings and player stats.
    bar = progressBar("grading (triggers)", graded.length);
    const perBatch = Math.max(1, Math.round(200000 / Math.max(1, (users * picksPerUser) / league.games.length)));
    for (let i = 0; i < graded.length; i += perBatch) {
      const part = graded.slice(i, i + perBatch).filter((g) => g.status !== "canceled");
      if (part.length > 0) {
        await sql(part.map((g) => {
          const f = factColumns(g, nameOf, recordedAt);
          return {
            sql: `UPDATE games SET first_td_player_id = ?, first_td_player_name = ?, first_td_team = ?, first_td_kind = ?, no_td = ?,
              first_td_recorded_at = ?, first_td_recorded_by = ? WHERE id = ?`,
            params: [f.first_td_player_id, f.first_td_player_name, f.first_td_team, f.first_td_kind, f.no_td, f.first_td_recorded_at, f.first_td_recorded_by, g.id],
          };
        }));
      }
      bar.update(Math.min(graded.length, i + perBatch));
    }
    // The canceled game: its status was set at insert, so no trigger graded it: flip it as a sync would.
    const canceled = graded.filter((g) => g.status === "canceled");
    if (canceled.length > 0) {
      await sql(canceled.map((g) => ({ sql: "UPDATE games SET status = 'final' WHERE id = ?", params: [g.id] })));
      await sql(canceled.map((g) => ({ sql: "UPDATE games SET status = 'canceled' WHERE id = ?", params: [g.id] })));
    }
    bar.done();
  } else {
    const chunk = Math.max(500, Math.floor(400000 / picksPerUser));
    bar = progressBar("results (set-based)", users);
    for (let lo = 1; lo <= users; lo += chunk) {
      const hi = Math.min(users, lo + chunk - 1);
      await sql({ sql: RESULTS_SQL, params: [lo, hi, recordedAt] });
      bar.update(hi);
    }
    bar.done();
    bar = progressBar("standings (set-based)", users);
    for (let lo = 1; lo <= users; lo += chunk) {
      const hi = Math.min(users, lo + chunk - 1);
      await sql({ sql: STANDINGS_SQL, params: [lo, hi] });
      bar.update(hi);
    }
    bar.done();
    await sql({ sql: PLAYER_STATS_SQL });
    const histogram = await histogramBackfill(sql);
    if (histogram) log(`  bulk: score histogram backfilled`);
    await sql(saved.map((trigger) => ({ sql: trigger.sql })));
    log(`  bulk: re-created ${saved.length} triggers`);
    const mirrored = await leagueBoardsBackfill(sql);
    log(`  bulk: sorted boards (large leagues and the public board) filled from standings: ${mirrored.toLocaleString("en-US")} league_standings rows`);
  }
  mark("grading", t);

  await sql({ sql: "SELECT 1" });
  timings.total = Math.round((performance.now() - started) / 100) / 10;
  return { timings, tokens, leagues, candidateSlots: CANDIDATE_SLOTS };
}

/** A player's name: `fallback` when given, else the players table's (a team's defense). */
type NameOf = (playerId: string, fallback?: string | null) => string | undefined;

function factColumns(game: Game, nameOf: NameOf, recordedAt: string) {
  if (game.noTd) {
    return { no_td: 1, first_td_player_id: null, first_td_player_name: null, first_td_team: null, first_td_kind: null, first_td_recorded_at: recordedAt, first_td_recorded_by: "bench" };
  }
  if (game.firstTd) {
    const f = game.firstTd;
    return {
      no_td: 0,
      first_td_player_id: f.playerId,
      first_td_player_name: nameOf(f.playerId, f.name),
      first_td_team: f.team,
      first_td_kind: f.kind,
      first_td_recorded_at: recordedAt,
      first_td_recorded_by: "bench",
    };
  }
  return { no_td: 0, first_td_player_id: null, first_td_player_name: null, first_td_team: null, first_td_kind: null, first_td_recorded_at: null, first_td_recorded_by: null };
}

/**
 * The score histogram's backfill, when the schema has one: the statement of the migration that created it (read
 * from drizzle/, so the bench never drifts from it).
 */
async function histogramBackfill(sql: SqlRunner): Promise<boolean> {
  const [exists] = await sql<{ n: number }>({ sql: "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'standings_score_counts'" });
  if (!(exists.results[0] as { n: number }).n) return false;
  const dir = join(ROOT, "drizzle");
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".sql")).sort()) {
    for (const part of readFileSync(join(dir, file), "utf8").split("--> statement-breakpoint")) {
      const statement = part.replace(/^\s*(--[^\n]*\n\s*)*/, "").trim();
      if (statement.startsWith("INSERT INTO `standings_score_counts`") && statement.includes("GROUP BY")) {
        await sql({ sql: statement });
        return true;
      }
    }
  }
  throw new Error("standings_score_counts exists but no migration fills it");
}

export async function dropHelperTables(sql: SqlRunner): Promise<void> {
  await sql([
    { sql: "DROP TABLE IF EXISTS _bench_week_games" },
    { sql: "DROP TABLE IF EXISTS _bench_candidates" },
    { sql: "DROP TABLE IF EXISTS _bench_league_slots" },
  ]);
}

/** What loadLeagues() checks after loading the leagues. */
interface LeagueCounts {
  leagues: number;
  largeMembers: number;
  materialized: number;
  onGlobalBoard: number;
}

/**
 * The leagues: memberships computed inside D1 (leagueSlotsSql), the leagues (commissioner: the lowest member; the large
 * league and even ids rank by wins, odd ids by units), their members through the v23 member trigger (the large league's
 * 50th member marks its board materialized), and a tenth of the users on the public board through users_global_board.
 */
async function loadLeagues({ sql, users, seed, recordedAt }: { sql: SqlRunner; users: number; seed: number; recordedAt: string }) {
  const large = largeLeagueSize(users);
  await sql([
    { sql: "CREATE TABLE _bench_league_slots (league_id INTEGER NOT NULL, user_id INTEGER NOT NULL, PRIMARY KEY (league_id, user_id)) WITHOUT ROWID" },
    { sql: leagueSlotsSql(), params: [users, seed, large] },
    {
      sql: `INSERT INTO leagues (id, name, commissioner_id, ranking, members_may_invite, created_at)
        SELECT league_id, CASE WHEN league_id = ${LARGE_LEAGUE_ID} THEN 'Bench big league' ELSE 'Bench league ' || league_id END, min(user_id),
          CASE WHEN league_id = ${LARGE_LEAGUE_ID} OR league_id % 2 = 0 THEN 'wins' ELSE 'units' END, 1, ?1
        FROM _bench_league_slots GROUP BY league_id ORDER BY league_id`,
      params: [recordedAt],
    },
  ]);
  const [range] = await sql<{ maxId: number; memberships: number }>({ sql: "SELECT max(league_id) AS maxId, count(*) AS memberships FROM _bench_league_slots" });
  const { maxId, memberships } = range.results[0] as { maxId: number; memberships: number };
  const perStatement = 2000;
  const statements = [];
  for (let lo = LARGE_LEAGUE_ID; lo <= maxId; lo += perStatement) {
    statements.push({
      sql: `INSERT INTO league_members (league_id, user_id, joined_at)
        SELECT league_id, user_id, ?3 FROM _bench_league_slots WHERE league_id BETWEEN ?1 AND ?2 ORDER BY league_id, user_id`,
      params: [lo, Math.min(maxId, lo + perStatement - 1), recordedAt],
    });
  }
  await runInBatches(sql, statements, "league members", 4);
  await sql({ sql: globalBoardOptInSql(), params: [users, seed] });
  const [check] = await sql<LeagueCounts>({
    sql: `SELECT (SELECT count(*) FROM leagues) AS leagues, (SELECT count(*) FROM league_members WHERE league_id = ${LARGE_LEAGUE_ID}) AS largeMembers,
      (SELECT count(*) FROM leagues WHERE board_materialized = 1) AS materialized, (SELECT count(*) FROM users WHERE on_global_board = 1) AS onGlobalBoard`,
  });
  const counts = check.results[0] as LeagueCounts;
  if (counts.materialized !== 1) throw new Error(`expected exactly the large league's board materialized, found ${counts.materialized}`);
  return { ...counts, memberships };
}

/**
 * Bulk mode: the sorted boards of materialized leagues and of the public board (league 0) from the standings, scope by
 * scope: what standings_to_league_boards_insert would have mirrored had it not been suspended.
 */
async function leagueBoardsBackfill(sql: SqlRunner): Promise<number> {
  const statements = Array.from({ length: WEEKS + 1 }, (_, week) => ({
    sql: `INSERT INTO league_standings (league_id, season, week, user_id, picks, wins, losses, voids, units_cu)
      SELECT b.league_id, s.season, s.week, s.user_id, s.picks, s.wins, s.losses, s.voids, s.units_cu
      FROM (SELECT m.league_id AS league_id, m.user_id AS user_id FROM leagues l JOIN league_members m ON m.league_id = l.id WHERE l.board_materialized = 1
            UNION ALL SELECT 0, u.id FROM users u WHERE u.on_global_board = 1) b
      JOIN standings s ON s.season = ?1 AND s.week = ?2 AND s.user_id = b.user_id`,
    params: [SEASON, week],
  }));
  const results = await sql(statements);
  return results.reduce((n, r) => n + (r.meta?.changes ?? 0), 0);
}
