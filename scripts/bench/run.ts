// `npm run bench [-- --users 100000 --picks-per-user 20 --seconds 5 --concurrency 8 --out <file> --quick]`
// Starts the Worker locally (workerd via Miniflare, offline) on a fresh migrated D1 in a temporary directory, loads
// a deterministic synthetic league, measures each scenario over HTTP and prints a table, also written as JSON
// under bench/results/. See bench/README.md for what each scenario measures and how to read the numbers.
import { createServer } from "node:http";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import { join, resolve } from "node:path";
import { ROOT } from "./wrangler-env";
import { buildLeague, fullRosterCsv, LARGE_LEAGUE_ID, MARQUEE_WEEK, SEASON, UPCOMING_WEEK, type Game, type Player } from "./league";
import { dropHelperTables, loadLeague, sqlRunner, type SqlStatement } from "./load";
import {
  createClient, percentile, progressBar, runScenario, summarizeD1, type BenchResponse, type RequestSpec, type Scenario, type ScenarioOptions, type Throughput,
} from "./measure";
import { coldStart } from "./footprint";
import { kickoffRush, type RushOutcome } from "./rush";
import { evaluateTargets, printReport, type ColdStartReport, type GradingRun, type Machine, type Report, type RosterRun, type RushReport, type ScenarioResult } from "./report";
import { allocationsByModule, applyMigrations, buildWorker, databaseSize, heapSampler, makeTempDir, memorySampler, migrationFiles, removeDir, startWorker, type HeapPeaks, type LiveHeap } from "./runtime";

const USAGE = `usage: npm run bench -- [options]
  --scale <name>        default (100,000 users x 20 picks) or national (1,000,000 users x 18 picks: one a week, 17 graded
                        weeks and the upcoming one; the marquee game gets ~200,000 picks; takes about an hour)
  --users <n>           synthetic users (default 100000; --quick 2000; national 1000000)
  --picks-per-user <n>  picks per user (default 20; national 18)
  --seconds <s>         seconds per measuring phase: latency at concurrency 1, then throughput (default 5; --quick 0.5)
  --concurrency <n>     concurrent requests in the throughput phase (default 8)
  --out <file>          JSON result file (default bench/results/bench-<date>.json)
  --load <mode>         bulk (default) or triggers: how picks get graded during the load (bench/README.md)
  --seed <n>            PRNG seed (default 20251)
  --rush-users <n>      users in the kickoff rush, each with a token (default 20000; --quick: all users up to 2000)
  --rush-rate <x>       the rush's arrival rate as a fraction of the measured SELECT 1 floor (default 0.6)
  --rush-after <s>      seconds the rush keeps arriving after kickoff (default 3)
  --allocations         profile what each scenario allocates (V8 sampling heap profiler), by source module
  --keep                keep the temporary D1 directory (its path is printed)
  --quick               a small league and short phases (under a minute)`;

/** The options (USAGE), defaults applied. */
interface Args {
  scale: string;
  users: number;
  picksPerUser: number;
  seconds: number;
  concurrency: number;
  out: string | null | undefined;
  load: string;
  seed: number;
  keep: boolean;
  quick: boolean;
  rushUsers: number;
  rushRate: number;
  rushAfter: number;
  allocations?: boolean;
  help?: undefined;
}
/** While parsing: the options whose default depends on others are null until the end. */
type ParsedArgs = Omit<Args, "users" | "picksPerUser" | "seconds" | "rushUsers"> & {
  users: number | null;
  picksPerUser: number | null;
  seconds: number | null;
  rushUsers: number | null;
};

function parseArgs(argv: string[]): Args | { help: true } {
  const args: ParsedArgs = {
    scale: "default", users: null, picksPerUser: null, seconds: null, concurrency: 8, out: null, load: "bulk", seed: 20251, keep: false, quick: false,
    rushUsers: null, rushRate: 0.6, rushAfter: 3,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i];
    const number = (name: string) => {
      const v = Number(value());
      if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} needs a positive number`);
      return v;
    };
    if (flag === "--help" || flag === "-h") return { help: true };
    else if (flag === "--users") args.users = Math.round(number(flag));
    else if (flag === "--picks-per-user") args.picksPerUser = Math.round(number(flag));
    else if (flag === "--seconds") args.seconds = number(flag);
    else if (flag === "--concurrency") args.concurrency = Math.round(number(flag));
    else if (flag === "--out") args.out = value();
    // (A missing value fails the checks below.)
    else if (flag === "--load") args.load = value() as string;
    else if (flag === "--seed") args.seed = Math.round(number(flag));
    else if (flag === "--keep") args.keep = true;
    else if (flag === "--scale") args.scale = value() as string;
    else if (flag === "--allocations") args.allocations = true;
    else if (flag === "--rush-users") args.rushUsers = Math.round(number(flag));
    else if (flag === "--rush-rate") args.rushRate = number(flag);
    else if (flag === "--rush-after") args.rushAfter = number(flag);
    else if (flag === "--quick") args.quick = true;
    else throw new Error(`unknown option '${arg}'\n\n${USAGE}`);
  }
  if (!["bulk", "triggers"].includes(args.load)) throw new Error(`--load must be bulk or triggers`);
  if (!["default", "national"].includes(args.scale)) throw new Error("--scale must be default or national");
  if (args.scale === "national" && args.quick) throw new Error("--scale national and --quick exclude each other");
  const national = args.scale === "national";
  args.users ??= args.quick ? 2000 : national ? 1_000_000 : 100000;
  args.picksPerUser ??= national ? 18 : 20;
  args.seconds ??= args.quick ? 0.5 : 5;
  args.rushUsers = Math.min(args.users, args.rushUsers ?? (args.quick ? 2000 : 20000));
  if (args.picksPerUser > 18 * 13) throw new Error("--picks-per-user is at most 234 (18 weeks x the smallest week's games)");
  return args as Args;
}

function versionOf(pkg: string): string | null {
  try {
    return (JSON.parse(readFileSync(join(ROOT, "node_modules", pkg, "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return null;
  }
}

function machine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    memoryGb: Math.round(os.totalmem() / 1e8) / 10,
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    wrangler: versionOf("wrangler"),
    miniflare: versionOf("miniflare"),
    workerd: versionOf("workerd"),
  };
}

/** nflverse's alias list as the roster sync reads it (header and two real rows: the league's names are made up). */
const ALIASES_CSV = "correct_name,alt_name\nGabriel Davis,Gabe Davis\nChigoziem Okonkwo,Chig Okonkwo\n";

/** A local HTTP server on 127.0.0.1 serving the roster file (its content can change) and the alias list at nflverse's paths. */
async function rosterServer() {
  let body = "";
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    const files: Record<string, string> = {
      [`/nflverse-data/releases/download/rosters/roster_${SEASON}.csv`]: body,
      "/nflreadr/raw/main/data-raw/clean_player_names.csv": ALIASES_CSV,
    };
    const file = files[req.url ?? ""];
    if (file !== undefined) {
      res.writeHead(200, { "content-type": "text/csv; charset=utf-8", "content-length": Buffer.byteLength(file) });
      res.end(file);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    serve: (text: string) => (body = text),
    requests: () => requests,
    close: () => new Promise<unknown>((r) => server.close(r)),
  };
}

/** A scenario's request: user and league for the check of a member's answer. */
interface ScenarioSpec extends RequestSpec {
  userId?: number;
  leagueId?: number;
}
/** A measured scenario: `users` marks the user tokens used first; `returned` counts the rows an answer carried. */
interface BenchScenario extends Scenario<ScenarioSpec> {
  id: string;
  title: string;
  users?: boolean;
  returned?: (response: BenchResponse) => number;
}

/** POST /v1/admin/jobs/roster-sync/run: the job's run. */
interface RosterSyncAnswer {
  status: string;
  readCount: number;
  insertedCount: number;
  updatedCount: number;
  unchangedCount: number;
  rejectedCount: number;
  d1RowsRead: number;
  d1RowsWritten: number;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const startedAt = new Date();
  const t0 = performance.now();
  const info = machine();
  const log = (line: string) => console.log(line);
  log(`firsttd bench: ${args.users.toLocaleString("en-US")} users x ${args.picksPerUser} picks, load=${args.load}, ` +
    `seconds=${args.seconds}, concurrency=${args.concurrency}${args.quick ? " (quick)" : ""}`);
  log(`machine: ${info.cpu}, ${info.cores} cores, ${info.memoryGb} GB, load ${info.loadAverage.join(" ")}; node ${info.node}, ` +
    `wrangler ${info.wrangler}, miniflare ${info.miniflare}, workerd ${info.workerd}`);

  const dir = makeTempDir();
  const cleanup: (() => unknown)[] = [];
  let exitCode = 0;
  let workerLog = () => "";
  // Ctrl-C (or a kill) still stops workerd and the roster server and removes the temporary D1.
  let stopping = false;
  const onSignal = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.error(`\n${signal}: stopping the Worker and removing ${dir} ...`);
    for (const step of [...cleanup].reverse()) {
      try {
        // A step that hangs (a workerd the same Ctrl-C already stopped) must not keep the directory from going.
        await Promise.race([step(), new Promise((resolve) => setTimeout(resolve, 5000))]);
      } catch {
        // best effort
      }
    }
    if (!args.keep) removeDir(dir);
    process.exit(130);
  };
  // `on`, not `once`: Ctrl-C reaches this process from the terminal and again relayed by tsx, and Node's default for a
  // second SIGINT would end the process before the cleanup above is done.
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // However the process ends (a cleanup step that lets the event loop drain ends it silently), the directory goes.
  process.on("exit", () => {
    if (!args.keep) removeDir(dir);
  });
  try {
    // Migrations (wrangler, into the temporary directory) while the Worker bundles and the league is generated.
    const phase: { migrate_build?: number } = {};
    let t = performance.now();
    // Both settle before either failure is thrown: a failed build must not remove the directory while wrangler is
    // still writing the migrations into it (it would be left behind).
    const settled = await Promise.allSettled([applyMigrations(dir), buildWorker(join(dir, "build"))]);
    const failed = settled.find((x): x is PromiseRejectedResult => x.status === "rejected");
    if (failed) throw failed.reason;
    const [applied, scriptPath] = settled.map((x) => (x as PromiseFulfilledResult<unknown>).value) as [string[], string];
    phase.migrate_build = (performance.now() - t) / 1000;
    log(`fresh D1 in ${dir}: ${applied.length} of ${migrationFiles().length} migrations applied (${phase.migrate_build.toFixed(1)} s)`);
    if (applied.length !== migrationFiles().length) throw new Error("not every migration was applied");

    // Cold start (issue 15): the bundle `wrangler deploy` uploads, and fresh starts of it against a trivial Worker.
    t = performance.now();
    let cold: ColdStartReport;
    try {
      cold = await coldStart(join(dir, "footprint"), { runs: args.quick ? 2 : 3 });
      log(`cold start: production bundle ${(cold.bundle.bytes / 1024).toFixed(0)} KiB, gzip ${(cold.bundle.gzipBytes / 1024).toFixed(0)} KiB; first answer of a fresh workerd ` +
        `${cold.startup.production.firstResponseMs.toFixed(0)} ms (a trivial Worker ${cold.startup.trivial.firstResponseMs.toFixed(0)} ms); evaluated in Node ` +
        `${cold.nodeEvaluate.ms?.toFixed(0) ?? cold.nodeEvaluate.error} ms (${((performance.now() - t) / 1000).toFixed(1)} s)`);
    } catch (error) {
      cold = { error: String((error as Error | undefined)?.message ?? error).slice(0, 500) };
      log(`cold start: not measured (${cold.error})`);
    }

    const league = buildLeague({ seed: args.seed });
    const roster = await rosterServer();
    cleanup.push(() => roster.close());

    t = performance.now();
    const worker = await startWorker({
      scriptPath,
      persistDir: dir,
      vars: { NFLVERSE_BASE_URL: roster.url, SEASON: String(SEASON), ENVIRONMENT: "bench" },
    });
    cleanup.push(() => worker.dispose());
    workerLog = worker.logTail;
    const memory = memorySampler(worker.workerdPid);
    cleanup.push(() => memory.stop());
    const heap = await heapSampler(worker.inspectorUrl);
    cleanup.push(() => heap.stop());
    log(`worker: ${worker.url} (workerd pid ${worker.workerdPid ?? "?"}, started in ${((performance.now() - t) / 1000).toFixed(1)} s)`);

    const client = createClient(worker.url, Math.max(16, args.concurrency * 2));
    cleanup.push(() => client.close());
    const sql = sqlRunner(client, worker.adminToken);
    const admin = worker.adminToken;

    // ------------------------------------------------------------------------------------------------------
    // Load
    // ------------------------------------------------------------------------------------------------------
    memory.setPhase("load");
    log(`loading the league (${args.load}) ...`);
    // The scenarios rotate over the first 3,000 users' tokens (400 in --quick); the kickoff rush needs one per rush user.
    const scenarioTokenUsers = args.quick ? 400 : 3000;
    const tokenUsers = Math.max(scenarioTokenUsers, args.rushUsers);
    const load = await loadLeague({
      client,
      adminToken: admin,
      league,
      users: args.users,
      picksPerUser: args.picksPerUser,
      tokenUsers,
      mode: args.load,
      seed: args.seed,
      roster,
      log,
    });
    await dropHelperTables(sql);
    const [counts] = await sql<Record<string, number>>({
      sql: `SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM picks) AS picks, (SELECT count(*) FROM results) AS results,
        (SELECT count(*) FROM standings) AS standings, (SELECT count(*) FROM games) AS games,
        (SELECT count(*) FROM games WHERE first_td_player_id IS NOT NULL OR no_td = 1 OR status = 'canceled') AS graded_games,
        (SELECT count(*) FROM players) AS players, (SELECT count(*) FROM rosters) AS roster_rows,
        (SELECT count(*) FROM market_odds) AS market_odds, (SELECT count(*) FROM player_stats) AS player_stats,
        (SELECT count(*) FROM picks WHERE game_id = '${league.marquee.id}') AS marquee_game_picks,
        (SELECT count(*) FROM leagues) AS leagues, (SELECT count(*) FROM league_members) AS league_members,
        (SELECT count(*) FROM league_members WHERE league_id = ${LARGE_LEAGUE_ID}) AS large_league_members,
        (SELECT max(n) FROM (SELECT count(*) AS n FROM league_members WHERE league_id <> ${LARGE_LEAGUE_ID} GROUP BY league_id)) AS small_league_max_members,
        (SELECT min(n) FROM (SELECT count(*) AS n FROM league_members GROUP BY user_id)) AS leagues_per_user_min,
        (SELECT max(n) FROM (SELECT count(*) AS n FROM league_members GROUP BY user_id)) AS leagues_per_user_max,
        (SELECT count(*) FROM users u WHERE NOT EXISTS (SELECT 1 FROM league_members m WHERE m.user_id = u.id)) AS users_in_no_league,
        (SELECT count(*) FROM leagues WHERE board_materialized = 1) AS materialized_boards,
        (SELECT count(*) FROM users WHERE on_global_board = 1) AS on_global_board,
        (SELECT count(*) FROM league_standings) AS league_standings`,
    });
    const dataset = counts.results[0] as Record<string, number>;
    log(`loaded in ${load.timings.total} s: ${JSON.stringify(dataset)}`);

    // The meter's raw() (drizzle's selects) must give the runtime's rows exactly.
    const selfcheck = await client.request({ path: "/__bench/selfcheck", token: admin });
    const meterCheck = { ...selfcheck.json<{ identical: boolean }>(), meteredStatements: selfcheck.d1?.statements ?? 0, unmetered: selfcheck.d1?.unmetered ?? null };
    log(`meter self-check (raw() through the meter = runtime raw()): ${JSON.stringify(meterCheck)}`);
    if (!meterCheck.identical) throw new Error("the bench meter changes raw() results");

    // ------------------------------------------------------------------------------------------------------
    // Scenario inputs
    // ------------------------------------------------------------------------------------------------------
    const tokens = load.tokens.slice(0, scenarioTokenUsers);
    // `aheadMs`: dated that far ahead, for a phase longer than the 5 minutes after which a token's use is written again.
    const markTokensUsed = (aheadMs = 0) =>
      sql({ sql: "UPDATE api_tokens SET last_used_at = ? WHERE name = 'bench'", params: [new Date(Date.now() + aheadMs).toISOString().replace(/\.\d{3}Z$/, "Z")] });
    // Deep-page cursors: 20 positions spread over the middle of a sorted board (what a client holds after paging there),
    // signed by the Worker as the API issues them. The cursor's fields are the last row's [primary metric, secondary
    // metric, user id, position, rank]: the global board orders by its sort then the other metric and ranks by its sort
    // alone; a league orders and ranks by its ranking then its tiebreak (the other metric).
    const boardCursors = async ({ board, sort }: { board: "global" | number; sort: string }) => {
      const leagueId = board === "global" ? 0 : board;
      const [p, s2] = sort === "wins" ? ["wins", "units_cu"] : ["units_cu", "wins"];
      const rankOrder = board === "global" ? `${p} DESC` : `${p} DESC, ${s2} DESC`;
      const scope = `league_id = ${leagueId} AND season = ${SEASON} AND week = 0 AND picks > 0`;
      const [size] = await sql<{ n: number }>({ sql: `SELECT count(*) AS n FROM league_standings WHERE ${scope}` });
      const boardSize = (size.results[0] as { n: number }).n;
      const positions = Array.from({ length: 20 }, (_, k) => Math.max(1, Math.floor(boardSize * (0.3 + 0.4 * (k / 19)))));
      const [rows] = await sql<{ userId: number; primary: number; secondary: number; position: number; rank: number }>({
        sql: `SELECT user_id AS userId, ${p} AS "primary", ${s2} AS secondary, position, rank FROM (
            SELECT user_id, wins, units_cu, row_number() OVER (ORDER BY ${p} DESC, ${s2} DESC, user_id) AS position, rank() OVER (ORDER BY ${rankOrder}) AS rank
            FROM league_standings WHERE ${scope})
          WHERE position IN (${positions.join(", ")}) ORDER BY position`,
      });
      const cursors: string[] = [];
      for (const row of rows.results) {
        const query = `board=${board}&sort=${sort}&season=${SEASON}&primary=${row.primary}&secondary=${row.secondary}&key=${row.userId}&position=${row.position}&rank=${row.rank}`;
        const issued = await client.request({ path: `/__bench/leaderboard-cursor?${query}`, token: admin });
        if (issued.status !== 200) throw new Error(`deep cursor (${board}): ${issued.status} ${issued.body.slice(0, 200)}`);
        cursors.push(encodeURIComponent(issued.json<{ cursor: string }>().cursor));
      }
      return { boardSize, cursors };
    };
    t = performance.now();
    const globalBoard = await boardCursors({ board: "global", sort: "wins" });
    const deepCursors = globalBoard.cursors;
    const largeBoard = await boardCursors({ board: LARGE_LEAGUE_ID, sort: "wins" });
    log(`public board: ${globalBoard.boardSize.toLocaleString("en-US")} users with picks; large league ${LARGE_LEAGUE_ID}: ${largeBoard.boardSize.toLocaleString("en-US")} members with picks`);

    // League members holding a token: the large league's, with their rank in it (SQL rank() over the sorted board), and
    // one small league per user, with the rank the league's ranking and tiebreak give them (from standings).
    const [largeRows] = await sql<{ userId: number; rank: number }>({
      sql: `SELECT user_id AS userId, rank FROM (
          SELECT user_id, rank() OVER (ORDER BY wins DESC, units_cu DESC) AS rank FROM league_standings
          WHERE league_id = ${LARGE_LEAGUE_ID} AND season = ${SEASON} AND week = 0 AND picks > 0)
        WHERE user_id <= ?1 ORDER BY rank, user_id`,
      params: [tokens.length],
    });
    const largeMembers = largeRows.results;
    // Driven from the chosen leagues' members to their standings by key: starting from standings (1 M rows at the
    // national scale) probed each row against every chosen league and never finished.
    const [smallRows] = await sql<{ userId: number; leagueId: number; rank: number }>({
      sql: `WITH chosen AS (SELECT user_id, min(league_id) AS league_id FROM league_members WHERE league_id <> ${LARGE_LEAGUE_ID} AND user_id <= ?1 GROUP BY user_id),
        ranked AS (
          SELECT m.league_id, m.user_id, rank() OVER (PARTITION BY m.league_id
              ORDER BY CASE l.ranking WHEN 'wins' THEN s.wins ELSE s.units_cu END DESC, CASE l.ranking WHEN 'wins' THEN s.units_cu ELSE s.wins END DESC) AS rank
          FROM (SELECT DISTINCT league_id FROM chosen) AS c CROSS JOIN league_members m ON m.league_id = c.league_id
          CROSS JOIN standings s ON s.season = ${SEASON} AND s.week = 0 AND s.user_id = m.user_id AND s.picks > 0
          JOIN leagues l ON l.id = m.league_id)
        SELECT r.user_id AS userId, r.league_id AS leagueId, r.rank AS rank FROM ranked r
        WHERE r.user_id <= ?1 AND r.league_id = (SELECT c.league_id FROM chosen c WHERE c.user_id = r.user_id)
        ORDER BY r.user_id`,
      params: [tokens.length],
    });
    const smallMembers = smallRows.results;
    if (largeMembers.length < 10 || smallMembers.length < 10) throw new Error(`too few league members with a token: ${largeMembers.length} large, ${smallMembers.length} small`);
    log(`league scenarios: ${largeMembers.length} members of the large league and ${smallMembers.length} of small leagues hold a token (inputs so far ${((performance.now() - t) / 1000).toFixed(1)} s)`);
    const upcoming = league.games.filter((g) => g.week === UPCOMING_WEEK);
    // Pick targets: (user with a token, upcoming game without a pick of theirs), an active pickable player of the game.
    const [targetRows] = await sql<{ userId: number; gameId: string }>({
      sql: `SELECT t.user_id AS userId, g.id AS gameId FROM api_tokens t CROSS JOIN games g
        WHERE t.name = 'bench' AND g.season = ${SEASON} AND g.week = ${UPCOMING_WEEK}
          AND NOT EXISTS (SELECT 1 FROM picks p WHERE p.user_id = t.user_id AND p.game_id = g.id)
        ORDER BY g.id, t.user_id`,
    });
    const tokenOf = new Map(tokens.map((x) => [x.userId, x.token]));
    const gameById = new Map(upcoming.map((g) => [g.id, g]));
    const byGame = new Map<string, number[]>();
    for (const r of targetRows.results) {
      if (!byGame.has(r.gameId)) byGame.set(r.gameId, []);
      (byGame.get(r.gameId) as number[]).push(r.userId);
    }
    // Interleave games so that consecutive requests come from different users (60 changes a minute per token).
    const pickTargets: { token: string | undefined; gameId: string; playerId: string }[] = [];
    const queues = [...byGame.entries()];
    for (let i = 0; pickTargets.length < targetRows.results.length; i++) {
      for (const [gameId, usersOf] of queues) {
        const userId = usersOf[i];
        if (userId === undefined) continue;
        // The targets' games are the upcoming ones; a game has pickable players.
        const game = gameById.get(gameId) as Game;
        const choices = [...league.pickableOf(game.home), ...league.pickableOf(game.away)];
        pickTargets.push({ token: tokenOf.get(userId), gameId, playerId: (choices[userId % choices.length] as Player).id });
      }
      if (i > tokens.length) break;
    }
    log(`scenario inputs ready in ${((performance.now() - t) / 1000).toFixed(1)} s: ${pickTargets.length.toLocaleString("en-US")} pick targets`);

    // (The lists rotated over are not empty: the checks above.)
    const at = <T>(list: T[], i: number) => list[i % list.length] as T;
    const userToken = (i: number) => at(tokens, i * 7 + 3).token;
    const positions = ["WR", "RB", "TE", "QB", "DEF"];
    const expectMe = (response: BenchResponse) => (response.json<{ me: unknown }>().me ? null : "me is null for a user with picks");
    const leaguePath = (leagueId: number, extra = "") => `/v1/leagues/${leagueId}/leaderboards/${SEASON}${extra}`;
    // Token holders are users 1..n, in order.
    const tokenOfUser = (userId: number) => (tokens[userId - 1] as { token: string }).token;
    // A member's answer: a full page (or the whole small league), `me` there, at the rank SQL's rank() gives them.
    const expectLeague = ({ rankOf, page = 50, winners = false }: { rankOf?: (spec: ScenarioSpec) => number | undefined; page?: number; winners?: boolean }) => (response: BenchResponse, spec: ScenarioSpec) => {
      const body = response.json<{ entries: unknown[]; winners: unknown[]; me: { rank: number } | null }>();
      if (body.entries.length < Math.min(page, 2)) return `${body.entries.length} entries`;
      if (page === 50 && body.entries.length !== 50) return `${body.entries.length} entries, not a page of 50`;
      if (winners && body.winners.length === 0) return "no winners on a graded week";
      if (rankOf) {
        if (!body.me) return "me is null for a member with picks";
        const expected = rankOf(spec);
        if (expected !== undefined && body.me.rank !== expected) return `me.rank ${body.me.rank}, SQL rank() says ${expected}`;
      }
      return null;
    };
    const largeRank = new Map(largeMembers.map((m) => [m.userId, m.rank]));
    const smallRank = new Map(smallMembers.map((m) => [`${m.leagueId}:${m.userId}`, m.rank]));
    const scenarios: BenchScenario[] = [
      { id: "floor.select1", title: "SELECT 1 floor (admin token)", next: () => ({ path: "/__bench/select1", token: admin }) },
      { id: "floor.select1.user", title: "SELECT 1 floor (user token)", users: true, next: (i) => ({ path: "/__bench/select1", token: userToken(i) }) },
      {
        id: "naive.season",
        title: "naive aggregate leaderboard",
        next: () => ({ path: `/__bench/naive-leaderboard/${SEASON}?limit=50`, token: admin, fresh: true }),
        // At national scale one aggregate over ~18 M picks takes tens of seconds: measured once.
        options: args.users >= 500_000
          ? { warmup: 0, minLatencyRequests: 1, maxLatencyRequests: 1, latencySeconds: 0, throughputSeconds: 0 }
          : { warmup: 1, minLatencyRequests: 3, maxLatencyRequests: 3, latencySeconds: 0, throughputSeconds: 0.001 },
      },
      { id: "lb.season.first", title: "season leaderboard, first page", next: () => ({ path: `/v1/leaderboards/${SEASON}?limit=50`, token: admin }) },
      { id: "lb.season.first.units", title: "season leaderboard, first page, units", next: () => ({ path: `/v1/leaderboards/${SEASON}?limit=50&sort=units`, token: admin }) },
      { id: "lb.season.deep", title: "season leaderboard, deep page (cursor)", next: (i) => ({ path: `/v1/leaderboards/${SEASON}?limit=50&cursor=${at(deepCursors, i)}`, token: admin }) },
      { id: "lb.season.me", title: "season leaderboard + my rank (wins)", users: true, next: (i) => ({ path: `/v1/leaderboards/${SEASON}?limit=50`, token: userToken(i) }), check: expectMe },
      { id: "lb.season.me.units", title: "season leaderboard + my rank (units)", users: true, next: (i) => ({ path: `/v1/leaderboards/${SEASON}?limit=50&sort=units`, token: userToken(i) }), check: expectMe },
      { id: "lb.week.first", title: "week leaderboard, first page", next: () => ({ path: `/v1/leaderboards/${SEASON}/weeks/10?limit=50`, token: admin }) },
      { id: "lb.week.me.units", title: "week leaderboard + my rank (units)", users: true, next: (i) => ({ path: `/v1/leaderboards/${SEASON}/weeks/10?limit=50&sort=units`, token: userToken(i) }), check: expectMe },
      {
        id: "league.large.first",
        title: "large league, first page (a member: the answer carries me)",
        users: true,
        next: (i) => {
          const m = at(largeMembers, i * 7 + 3);
          return { path: leaguePath(LARGE_LEAGUE_ID, "?limit=50"), token: tokenOfUser(m.userId), userId: m.userId };
        },
        check: expectLeague({ rankOf: (spec) => largeRank.get(spec.userId as number) }),
        returned: (r) => r.json<{ entries: unknown[] }>().entries.length,
      },
      {
        id: "league.large.page",
        title: "large league, first page (the operator: the page alone)",
        next: () => ({ path: leaguePath(LARGE_LEAGUE_ID, "?limit=50"), token: admin }),
        check: expectLeague({}),
        returned: (r) => r.json<{ entries: unknown[] }>().entries.length,
      },
      {
        id: "league.large.deep",
        title: "large league, deep page (cursor, operator)",
        next: (i) => ({ path: leaguePath(LARGE_LEAGUE_ID, `?limit=50&cursor=${at(largeBoard.cursors, i)}`), token: admin }),
        check: expectLeague({}),
        returned: (r) => r.json<{ entries: unknown[] }>().entries.length,
      },
      {
        id: "league.large.me",
        title: "large league + my rank (members at every rank)",
        users: true,
        // Members taken by a golden-ratio stride over the rank order: any prefix of the phase (however short) samples
        // the ranks evenly, top to bottom.
        next: (i) => {
          const m = largeMembers[Math.floor(((i * 0.6180339887498949) % 1) * largeMembers.length)] as { userId: number; rank: number };
          return { path: leaguePath(LARGE_LEAGUE_ID, "?limit=50"), token: tokenOfUser(m.userId), userId: m.userId };
        },
        check: expectLeague({ rankOf: (spec) => largeRank.get(spec.userId as number) }),
      },
      {
        id: "league.small.first",
        title: "small league, first page + my rank (a member)",
        users: true,
        next: (i) => {
          const m = at(smallMembers, i * 7 + 3);
          return { path: leaguePath(m.leagueId, "?limit=50"), token: tokenOfUser(m.userId), userId: m.userId, leagueId: m.leagueId };
        },
        check: expectLeague({ page: 12, rankOf: (spec) => smallRank.get(`${spec.leagueId}:${spec.userId}`) }),
        returned: (r) => r.json<{ entries: unknown[] }>().entries.length,
      },
      {
        id: "league.large.week",
        title: "large league, week 10 board + my rank + winners (a member)",
        users: true,
        next: (i) => {
          const m = at(largeMembers, i * 7 + 3);
          return { path: leaguePath(LARGE_LEAGUE_ID, "/weeks/10?limit=50"), token: tokenOfUser(m.userId), userId: m.userId };
        },
        check: expectLeague({ rankOf: () => undefined, winners: true }),
        returned: (r) => r.json<{ entries: unknown[] }>().entries.length,
      },
      {
        id: "players.position",
        title: "player stats, position filter",
        users: true,
        next: (i) => ({ path: `/v1/player-stats?season=${SEASON}&position=${at(positions, i)}&limit=50`, token: userToken(i) }),
        returned: (response) => response.json<{ entries: unknown[] }>().entries.length,
      },
      { id: "game.markets", title: "a game with its markets", users: true, next: (i) => ({ path: `/v1/games/${at(upcoming, i).id}`, token: userToken(i) }), returned: (r) => r.json<{ markets: unknown[] }>().markets.length },
      { id: "me.picks", title: "a user's picks (season)", users: true, next: (i) => ({ path: `/v1/me/picks?season=${SEASON}`, token: userToken(i) }), returned: (r) => r.json<{ picks: unknown[] }>().picks.length },
      {
        id: "picks.create",
        title: "pick creation (all validation)",
        users: true,
        next: (i) => {
          const target = pickTargets[i];
          if (!target) return null;
          return { method: "POST", path: "/v1/picks", token: target.token, body: { gameId: target.gameId, playerId: target.playerId }, expect: 201 };
        },
      },
    ];

    memory.setPhase("scenarios");
    const heapDuringLoad = heap.peaks();
    heap.reset?.();
    const results: Record<string, ScenarioResult> = {};
    const options: ScenarioOptions = { latencySeconds: args.seconds, throughputSeconds: args.seconds, concurrency: args.concurrency, maxLatencyRequests: args.quick ? 300 : 2000 };
    log(`measuring ${scenarios.length} scenarios (${args.seconds} s at concurrency 1, then ${args.seconds} s at concurrency ${args.concurrency}) ...`);
    for (const scenario of scenarios) {
      if (scenario.users) await markTokensUsed();
      const bar = progressBar(scenario.id, 1);
      const returnedCounts: number[] = [];
      const wrapped: BenchScenario = scenario.returned
        ? {
            ...scenario,
            check: (response, spec) => {
              try {
                returnedCounts.push((scenario.returned as (response: BenchResponse) => number)(response));
              } catch {
                return "unreadable response";
              }
              return scenario.check?.(response, spec) ?? null;
            },
          }
        : scenario;
      heap.reset?.();
      // --allocations needs the isolate's inspector: without it these two throw (heapSampler).
      if (args.allocations) await heap.startSampling!();
      const result: Omit<ScenarioResult, "title"> = await runScenario(client, wrapped, options);
      result.isolateHeap = heap.peaks();
      if (args.allocations) {
        const allocated = allocationsByModule(await heap.stopSampling!(), scriptPath);
        result.allocations = {
          bytesPerRequest: allocated.total / result.requests,
          top: allocated.byModule.slice(0, 8).map(([module, bytes]) => ({ module, bytesPerRequest: bytes / result.requests })),
        };
      }
      bar.done();
      if (returnedCounts.length) result.rowsReturned = returnedCounts.reduce((s, x) => s + x, 0) / returnedCounts.length;
      results[scenario.id] = { title: scenario.title, ...result };
      if (result.errors > 0) log(`  ${scenario.id}: ${result.errors} errors, e.g. ${result.errorSamples[0]}`);
    }

    // The live heap after the scenarios: what a full collection leaves (the reserved peaks above include garbage).
    const liveAfterScenarios = await heap.collected().catch((error): LiveHeap => ({ error: String(error) }));
    log(`isolate heap after the scenarios and a full GC: ${liveAfterScenarios?.usedMb?.toFixed(1) ?? "-"} MB used, ${liveAfterScenarios?.totalMb?.toFixed(1) ?? "-"} MB reserved`);

    // The throughput target compares two scenarios on a shared, noisy machine: measure them alternately, three
    // rounds each, and compare medians (a drift in background load then hits both alike).
    const paired: Report["pairedThroughput"] = { rounds: [] };
    {
      const floorScenario = scenarios.find((x) => x.id === "floor.select1") as BenchScenario;
      const firstScenario = scenarios.find((x) => x.id === "lb.season.first") as BenchScenario;
      const pairOptions = { ...options, latencySeconds: 0, minLatencyRequests: 0, maxLatencyRequests: 0, warmup: 5, throughputSeconds: Math.max(1, args.seconds / 2) };
      for (let round = 0; round < 3; round++) {
        const a = await runScenario(client, floorScenario, pairOptions);
        const b = await runScenario(client, firstScenario, pairOptions);
        // Both measure throughput (throughputSeconds >= 1).
        paired.rounds.push({ floorRps: (a.throughput as Throughput).rps, firstPageRps: (b.throughput as Throughput).rps });
      }
      const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[1] as number;
      paired.floorRps = median(paired.rounds.map((r) => r.floorRps));
      paired.firstPageRps = median(paired.rounds.map((r) => r.firstPageRps));
      log(`paired throughput (floor vs first page, 3 alternating rounds): median ${paired.floorRps.toFixed(0)} vs ${paired.firstPageRps.toFixed(0)} req/s`);
    }
    // ------------------------------------------------------------------------------------------------------
    // The kickoff rush (issue 15): the rush users each make or change a pick in the 1 pm games of the upcoming week in
    // the last (compressed) minutes before kickoff, open loop at a fraction of the floor's throughput, kickoff passing
    // during the run; afterwards the database is checked for picks written at or after kickoff.
    // ------------------------------------------------------------------------------------------------------
    memory.setPhase("kickoff-rush");
    let rush: RushReport | null = null;
    {
      const rushGames = league.games
        .filter((g) => g.week === UPCOMING_WEEK && g.idx < 10)
        .map((g) => ({ id: g.id, players: [...league.pickableOf(g.home), ...league.pickableOf(g.away)].map((p) => p.id) }));
      const rate = Math.max(1, args.rushRate * paired.floorRps);
      // The window can pass 5 minutes (20,000 users at 60 req/s): the tokens are marked used as of its end.
      await markTokensUsed((args.rushUsers / rate + args.rushAfter + 60) * 1000);
      heap.reset?.();
      // 64 connections: enough to keep the one workerd thread saturated; past a few hundred open connections the
      // local runtime resets some (ECONNRESET), which would count as errors of the harness, not of the Worker. A request
      // waiting for a connection is already late: its latency runs from its scheduled time.
      const rushClient = createClient(worker.url, 64);
      try {
        rush = await kickoffRush({
          client: rushClient,
          sql,
          games: rushGames,
          users: load.tokens.slice(0, args.rushUsers),
          ratePerSecond: rate,
          afterSeconds: args.rushAfter,
          seed: args.seed,
          log,
        });
      } finally {
        rushClient.close();
      }
      const j = rush.judged;
      const answered = (rush.outcomes as RushOutcome[]).filter((o) => o.phase === "before" && (o.status === 200 || o.status === 201));
      results["kickoff.rush"] = {
        title: "kickoff rush (open loop, latency from the scheduled send)",
        requests: j.requests,
        latency: j.latency,
        throughput: { requests: j.before, seconds: j.seconds, rps: j.rps },
        errors: j.errors,
        errorSamples: j.errorSamples,
        d1: summarizeD1(answered),
        isolateHeap: heap.peaks(),
      };
      rush.floorRps = paired.floorRps;
      rush.rateFraction = args.rushRate;
      delete rush.outcomes;
      log(`  kickoff rush: ${j.accepted.toLocaleString("en-US")} accepted (${j.created} created, ${j.changed} changed), ${j.lockRefusedBeforeKickoff} refused at kickoff, ` +
        `${j.lockRefusedAfterKickoff}/${j.after} refused after, ${j.acceptedAfterKickoff} accepted after, ${j.errors} errors; ${j.rps?.toFixed(0)} req/s ` +
        `(offered ${rush.offeredRps.toFixed(0)}), p99 ${j.latency.p99?.toFixed(1)} ms; database: ${rush.database.picksWrittenAtOrAfterKickoff} picks written at or after kickoff, ` +
        `unchanged since kickoff: ${rush.database.unchangedSinceKickoff}`);
      if (j.errors > 0) log(`  kickoff rush errors, e.g. ${j.errorSamples.join(" | ")}`);
    }

    // The v23 mirror triggers when someone joins a board (measured, not judged; each change undone right after, and the
    // exactness check below runs after them): joining a small league (its board is read whole: nothing to copy), joining
    // the large league (the new member's standings copied into its sorted board), the 50th member of a new league (the
    // whole board copied, once) and an opt-in to the public board. D1's rows read / written of the one statement.
    memory.setPhase("trigger-probes");
    const boardProbes: Report["boardProbes"] = [];
    {
      const now = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
      // Users past the token holders (the scenarios' users stay as they were measured).
      const [outsiders] = await sql<{ id: number }>({
        sql: `SELECT id FROM users u WHERE id > ?1 AND on_global_board = 0
            AND NOT EXISTS (SELECT 1 FROM league_members m WHERE m.user_id = u.id AND m.league_id = ${LARGE_LEAGUE_ID})
          ORDER BY id LIMIT 51`,
        params: [tokens.length],
      });
      const ids = outsiders.results.map((r) => r.id);
      const [smallLeague] = await sql<{ id: number }>({
        sql: `SELECT league_id AS id FROM league_members WHERE league_id <> ${LARGE_LEAGUE_ID} GROUP BY league_id HAVING count(*) < 40
          AND sum(user_id = ?1) = 0 ORDER BY league_id LIMIT 1`,
        params: [ids[0]],
      });
      const probe = async (what: string, change: SqlStatement, undo?: SqlStatement) => {
        const started = performance.now();
        const [done] = await sql(change);
        const ms = performance.now() - started;
        boardProbes.push({ what, ms, rowsRead: done.meta?.rows_read ?? null, rowsWritten: done.meta?.rows_written ?? null, sqlMs: done.meta?.duration ?? null });
        if (undo) await sql(undo);
      };
      const member = (leagueId: number, userId: number | undefined): SqlStatement => ({ sql: "INSERT INTO league_members (league_id, user_id, joined_at) VALUES (?1, ?2, ?3)", params: [leagueId, userId, now] });
      const leave = (leagueId: number, userId: number | undefined): SqlStatement => ({ sql: "DELETE FROM league_members WHERE league_id = ?1 AND user_id = ?2", params: [leagueId, userId] });
      await probe("join a small league (board read whole)", member((smallLeague.results[0] as { id: number }).id, ids[0]), leave((smallLeague.results[0] as { id: number }).id, ids[0]));
      await probe(`join the large league (${largeBoard.boardSize.toLocaleString("en-US")} members, mirrored)`, member(LARGE_LEAGUE_ID, ids[0]), leave(LARGE_LEAGUE_ID, ids[0]));
      await probe("opt into the public board", { sql: "UPDATE users SET on_global_board = 1 WHERE id = ?1", params: [ids[0]] }, { sql: "UPDATE users SET on_global_board = 0 WHERE id = ?1", params: [ids[0]] });
      // A new league of 49 members, then the 50th (it marks the board materialized: the members' standings copied).
      const [created] = await sql<{ id: number }>({
        sql: "INSERT INTO leagues (name, commissioner_id, ranking, members_may_invite, created_at) VALUES ('Bench probe league', ?1, 'wins', 1, ?2) RETURNING id",
        params: [ids[1], now],
      });
      const probeLeague = (created.results[0] as { id: number }).id;
      await sql(ids.slice(1, 50).map((id) => member(probeLeague, id)));
      await probe("the 50th member of a league (its board mirrored)", member(probeLeague, ids[50]), { sql: "DELETE FROM leagues WHERE id = ?1", params: [probeLeague] });
      const [left] = await sql<{ n: number }>({ sql: "SELECT (SELECT count(*) FROM league_standings WHERE league_id = ?1) + (SELECT count(*) FROM league_members WHERE league_id = ?1) AS n", params: [probeLeague] });
      if ((left.results[0] as { n: number }).n !== 0) throw new Error(`the probe league left ${(left.results[0] as { n: number }).n} rows`);
      for (const p of boardProbes) log(`  ${p.what}: ${p.ms.toFixed(0)} ms, rows read ${p.rowsRead?.toLocaleString("en-US")}, written ${p.rowsWritten?.toLocaleString("en-US")}`);
    }

    const perScenario = Object.values(results).map((r) => r.isolateHeap).filter((h): h is HeapPeaks => Boolean(h && h.samples));
    const heapDuringScenarios = {
      usedMb: Math.max(0, ...perScenario.map((h) => h.usedMb)),
      minUsedMb: Math.min(...perScenario.map((h) => h.minUsedMb)),
      totalMb: Math.max(0, ...perScenario.map((h) => h.totalMb)),
      samples: perScenario.reduce((n, h) => n + h.samples, 0),
      byScenario: Object.fromEntries(Object.entries(results).map(([id, r]) => [id, r.isolateHeap && { usedMb: r.isolateHeap.usedMb, totalMb: r.isolateHeap.totalMb }])),
    };

    // ------------------------------------------------------------------------------------------------------
    // Grading the marquee game (~20,000 picks) through the admin endpoint, then exactness against the recompute.
    // ------------------------------------------------------------------------------------------------------
    memory.setPhase("grading");
    heap.reset?.();
    const marquee = league.marquee;
    const scorerChoices = league.pickableOf(marquee.home).filter((p) => ["WR", "RB", "TE"].includes(p.position));
    const [a, b] = [scorerChoices[0], scorerChoices[1]] as [Player, Player];
    const [marqueePicks] = await sql<{ n: number }>({ sql: "SELECT count(*) AS n FROM picks WHERE game_id = ?", params: [marquee.id] });
    const gradingOps = [
      { label: "grade", body: { type: "player", playerId: a.id, kind: "reception" } },
      { label: "clear", body: { type: "clear" } },
      { label: "grade", body: { type: "player", playerId: a.id, kind: "reception" } },
      { label: "clear", body: { type: "clear" } },
      { label: "grade", body: { type: "player", playerId: a.id, kind: "reception" } },
      { label: "correct", body: { type: "player", playerId: b.id, kind: "rush" } },
      { label: "correct", body: { type: "player", playerId: a.id, kind: "reception" } },
    ];
    const gradingRuns: GradingRun[] = [];
    for (const op of gradingOps) {
      const response = await client.request({ method: "PUT", path: `/v1/admin/games/${marquee.id}/first-td`, token: admin, body: op.body, fresh: true });
      if (response.status !== 200) throw new Error(`grading failed: ${response.status} ${response.body.slice(0, 300)}`);
      gradingRuns.push({ op: op.label, ms: response.ms, d1: response.d1, grading: response.json<{ grading: GradingRun["grading"] }>().grading });
    }
    const verify = await client.request({ path: `/__bench/verify?season=${SEASON}`, token: admin, fresh: true, timeoutMs: 3_600_000 });
    const verifyAfterGrading = verify.json<Report["grading"]["verify"] & { exact: boolean }>();
    const grades = gradingRuns.filter((r) => r.op === "grade").map((r) => r.ms).sort((x, y) => x - y);
    const grading: Report["grading"] = {
      gameId: marquee.id,
      picks: (marqueePicks.results[0] as { n: number }).n,
      runs: gradingRuns,
      gradeMs: { runs: grades.length, first: (gradingRuns.find((r) => r.op === "grade") as GradingRun).ms, p50: percentile(grades, 50), max: grades.at(-1) },
      exact: verifyAfterGrading.exact,
      verify: { ms: verifyAfterGrading.ms, counts: verifyAfterGrading.counts, leagueBoardsJoinTurnedAround: verifyAfterGrading.leagueBoardsJoinTurnedAround, sample: verifyAfterGrading.exact ? undefined : verifyAfterGrading.sample },
    };
    log(`grading ${marquee.id} (${grading.picks} picks): ${gradingRuns.map((r) => `${r.op} ${r.ms.toFixed(0)} ms`).join(", ")}; exact=${grading.exact}`);

    // ------------------------------------------------------------------------------------------------------
    // Roster sync over the ~3,000-row file, twice.
    // ------------------------------------------------------------------------------------------------------
    memory.setPhase("roster-sync");
    const csv = fullRosterCsv(league);
    roster.serve(csv);
    const rosterRuns: RosterRun[] = [];
    for (let i = 0; i < 2; i++) {
      const response = await client.request({ method: "POST", path: "/v1/admin/jobs/roster-sync/run", token: admin, body: { season: SEASON }, fresh: true });
      const run = response.json<RosterSyncAnswer>();
      rosterRuns.push({
        ms: response.ms,
        status: run.status,
        read: run.readCount,
        inserted: run.insertedCount,
        updated: run.updatedCount,
        unchanged: run.unchangedCount,
        rejected: run.rejectedCount,
        jobRowsRead: run.d1RowsRead,
        jobRowsWritten: run.d1RowsWritten,
        requestRowsWritten: response.d1?.rowsWritten ?? null,
      });
    }
    const rosterSync = { fileRows: csv.trimEnd().split("\n").length - 1, runs: rosterRuns };
    log(`roster-sync (${rosterSync.fileRows} rows): ${rosterRuns.map((r) => `${r.ms.toFixed(0)} ms, job wrote ${r.jobRowsWritten} rows`).join("; ")}`);

    // The database's size against D1's 10 GB limit: the local D1's SQLite file (page_count x page_size; D1 allows
    // neither PRAGMA page_count nor dbstat), and per table with its indexes when a sqlite3 shell is on the PATH.
    const [pickCount] = await sql<{ n: number }>({ sql: "SELECT count(*) AS n FROM picks" });
    const storage = databaseSize(dir, { picks: (pickCount.results[0] as { n: number }).n });
    log(`database: ${((storage.bytes as number) / 1e9).toFixed(2)} GB (${storage.file}), ${storage.bytesPerPick ? `${Math.round(storage.bytesPerPick)} bytes per pick` : ""}`);

    memory.setPhase("end");
    const peaks = memory.peaks();
    const gradingHeap = heap.peaks();
    const liveAtEnd = await heap.collected().catch((error): LiveHeap => ({ error: String(error) }));
    const memoryReport: Report["memory"] = {
      what: "workerd process RSS (VmRSS, /proc), sampled every 200 ms: the Worker isolate AND the local D1 (SQLite in the same process)",
      peakMbByPhase: Object.fromEntries(Object.entries(peaks).map(([k, v]) => [k, Math.round(v)])),
      hwmMb: Math.round(memory.current()?.hwmMb ?? 0),
      isolateHeap: {
        what: "V8 heap of the Worker's isolate (workerd inspector, Runtime.getHeapUsage every 250 ms): peak used, lowest used (~ live set after a GC), peak reserved, MB",
        load: heapDuringLoad,
        scenarios: heapDuringScenarios,
        gradingAndRosterSync: gradingHeap,
        liveAfterScenarios,
        liveAtEnd,
      },
    };

    const totalSeconds = (performance.now() - t0) / 1000;
    const report: Report = {
      startedAt: startedAt.toISOString(),
      totalSeconds: Math.round(totalSeconds * 10) / 10,
      machine: info,
      config: {
        scale: args.scale, users: args.users, picksPerUser: args.picksPerUser, seconds: args.seconds, concurrency: args.concurrency, load: args.load, seed: args.seed, quick: args.quick,
        rushUsers: args.rushUsers, rushRate: args.rushRate, rushAfter: args.rushAfter,
      },
      dataset,
      load: { ...load.timings, migrateAndBuildSeconds: Math.round(phase.migrate_build * 10) / 10 },
      meterCheck,
      scenarios: results,
      pairedThroughput: paired,
      kickoffRush: rush,
      coldStart: cold,
      storage,
      boardProbes,
      grading,
      rosterSync,
      memory: memoryReport,
    };
    report.targets = evaluateTargets(report);
    printReport(report);

    const out = args.out ? resolve(process.env.INIT_CWD ?? process.cwd(), args.out) : join(ROOT, "bench", "results", `bench-${startedAt.toISOString().replace(/[:.]/g, "-")}.json`);
    mkdirSync(resolve(out, ".."), { recursive: true });
    writeFileSync(out, JSON.stringify(report, null, 2) + "\n");
    log(`\nresults: ${out}`);
    if (args.keep) log(`kept the D1 directory: ${dir}`);
  } catch (error) {
    console.error(`\nbench failed: ${(error as Error | undefined)?.stack ?? error}`);
    const tail = workerLog();
    if (tail) console.error(`\nlast lines of the Worker's output:\n${tail}`);
    exitCode = 1;
  } finally {
    for (const step of cleanup.reverse()) {
      try {
        await step();
      } catch {
        // best effort
      }
    }
    if (!args.keep) removeDir(dir);
  }
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error?.stack ?? String(error));
    process.exit(1);
  },
);
