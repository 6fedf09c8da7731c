// Shared by scripts/start.ts and scripts/seed-demo.ts: run the project's own wrangler (node_modules) against the
// local D1 (.wrangler/state), non-interactively and without network access.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { OPEN_SEASON, describeChoice, seedForDate, type DemoSeed, type LoadedWeek } from "./demo-clock";
import { demoCredentials, type DemoCredentials } from "./demo-credentials";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const WRANGLER_BIN = join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
export const SEED_FILE = "demo/seed.sql";
/** The D1 binding in wrangler.toml. */
export const DB = "DB";

/** A row as D1 answers it: column -> value. */
export type Row = Record<string, unknown>;

/** A command that failed, with the exit code the script should end with. */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** The exit code a script ends with after `error`: a failed command's own, else 1. */
export const exitCodeOf = (error: unknown): number => (error instanceof CommandError ? error.exitCode : 1);
export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The environment for every wrangler run: offline and quiet. Without these wrangler reaches out on its own:
 * telemetry (sparrow.cloudflare.com), error reports, and miniflare's `Request.cf` fetch
 * (workers.cloudflare.com/cf.json, once per local D1 command, 3 s timeout each when offline). Values the user set
 * win. wrangler's npm update check stays (cached, time-boxed, harmless offline).
 */
export function wranglerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  const defaults = {
    WRANGLER_SEND_METRICS: "false",
    WRANGLER_SEND_ERROR_REPORTS: "false",
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
  };
  for (const [key, value] of Object.entries(defaults)) env[key] ??= value;
  return { ...env, ...extra };
}

function assertInstalled(): void {
  if (!existsSync(WRANGLER_BIN)) {
    console.error(`wrangler is not installed (${WRANGLER_BIN} missing): run \`npm ci\` first.`);
    process.exit(1);
  }
}

/**
 * Runs `wrangler <args>` to completion, never interactive: no stdin and CI=true, so that confirmations such as
 * `d1 migrations apply`'s "Ok to proceed?" are skipped instead of waiting for an answer.
 * Returns stdout when `capture` is set; exits the process when wrangler fails.
 */
export function wrangler(
  args: string[],
  { capture = false, what = `wrangler ${args.join(" ")}` }: { capture?: boolean; what?: string } = {},
): string {
  assertInstalled();
  const result = spawnSync(process.execPath, [WRANGLER_BIN, ...args], {
    cwd: ROOT,
    env: wranglerEnv({ CI: "true", WRANGLER_HIDE_BANNER: "true" }),
    stdio: ["ignore", capture ? "pipe" : "inherit", capture ? "pipe" : "inherit"],
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    if (capture) process.stderr.write(`${result.stdout ?? ""}${result.stderr ?? ""}`);
    throw new CommandError(`${what} failed (exit ${result.status ?? result.signal})`, result.status ?? 1);
  }
  // Without `capture` wrangler wrote to the terminal: nothing to return.
  return result.stdout ?? "";
}

/** Applies the pending migrations in drizzle/ to the local D1 and says which (wrangler's own tables, one per
 *  migration step, are printed only when something fails). */
export function applyMigrations(): string[] {
  const out = wrangler(["d1", "migrations", "apply", DB, "--local"], { capture: true, what: "applying the migrations" });
  if (/No migrations to apply/i.test(out)) {
    console.log("Migrations: none pending, the local D1 is up to date.");
    return [];
  }
  // The last status table lists every migration with ✅ once applied.
  const lastTable = out.slice(out.lastIndexOf("│ name"));
  const applied = [...lastTable.matchAll(/│\s*(\S+\.sql)\s*│\s*✅/g)].flatMap((m) => (m[1] ? [m[1]] : []));
  console.log(`Migrations: applied ${applied.length}: ${applied.join(", ")}`);
  return applied;
}

/**
 * demo/seed.sql as it is loaded at `now` (scripts/lib/demo-clock.ts): the open week of 2026 chosen for the date (or
 * kept from `previous`, the demo already in the database), the weeks after it, its picks made a day before `now`.
 */
export function demoSeedFor(now = new Date(), options: { previous?: LoadedWeek | null } = {}): DemoSeed {
  return seedForDate(readFileSync(join(ROOT, SEED_FILE), "utf8"), now, options);
}

/** The open week of a demo already loaded into the local D1 ({ week, startedAt }), or null: the first 2026 week with a
 *  start in `weeks` (the demo loads no week before its open one). Needs the migrations applied. */
export function loadedDemoWeek(): LoadedWeek | null {
  const [row] = queryLocal<{ week: number; startedAt: string }>(
    `SELECT week, started_at AS startedAt FROM weeks WHERE season = ${OPEN_SEASON} AND started_at IS NOT NULL ORDER BY week LIMIT 1`,
  );
  return row ? { week: row.week, startedAt: row.startedAt } : null;
}

/**
 * Loads the demo into the local D1 (idempotent: safe to run any number of times; the first load fixes the dates) and
 * says which week it opened. `credentials`: also make the demo player's one-time sign-in link and API token (fresh at
 * every call, scripts/lib/demo-credentials.ts), run with the seed in one go; returned for printing.
 */
export async function seedDemo(now: Date, options: { credentials: true; origin?: string }): Promise<{ seed: DemoSeed; credentials: DemoCredentials }>;
export async function seedDemo(now?: Date, options?: { credentials?: false }): Promise<{ seed: DemoSeed; credentials: null }>;
export async function seedDemo(
  now = new Date(),
  { credentials = false, origin }: { credentials?: boolean; origin?: string } = {},
): Promise<{ seed: DemoSeed; credentials: DemoCredentials | null }> {
  if (!existsSync(join(ROOT, SEED_FILE))) {
    console.error(`${SEED_FILE} is missing (it is generated by scripts/build-demo-data.ts and committed).`);
    process.exit(1);
  }
  const seed = demoSeedFor(now, { previous: loadedDemoWeek() });
  console.log(describeChoice(seed, now));
  const made = credentials ? await demoCredentials(now, { origin }) : null;
  const dir = mkdtempSync(join(tmpdir(), "firsttd-seed-"));
  const file = join(dir, "seed.sql");
  writeFileSync(file, made ? `${seed.sql}\n-- the demo player's credentials\n${made.statements.join("\n")}\n` : seed.sql);
  try {
    // Without a terminal wrangler prints every statement's result as JSON: keep its log lines, count the rest.
    const out = wrangler(["d1", "execute", DB, "--local", "--yes", "--file", file], {
      capture: true,
      what: `loading ${SEED_FILE}`,
    });
    const jsonStart = out.search(/^\[/m);
    const log = (jsonStart >= 0 ? out.slice(0, jsonStart) : out).split("\n").filter((line) => line.trim() !== "");
    for (const line of log) console.log(line);
    if (jsonStart >= 0) {
      const results: { success?: boolean }[] = JSON.parse(out.slice(jsonStart));
      const failed = results.filter((r) => r.success === false).length;
      console.log(`${SEED_FILE}: ${results.length} statements run, ${failed} failed.`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { seed, credentials: made };
}

/** Runs read-only statements (one wrangler run; several separated by `;`) against the local D1: the rows of the first,
 *  or with `all` the rows of each. */
export function queryLocal<R extends object = Row>(sql: string, options?: { all?: false }): R[];
export function queryLocal<R extends object = Row>(sql: string, options: { all: true }): R[][];
export function queryLocal(sql: string, { all = false }: { all?: boolean } = {}): Row[] | Row[][] {
  const out = wrangler(["d1", "execute", DB, "--local", "--json", "--command", sql], { capture: true, what: "a query" });
  const parsed: { results?: Row[] }[] = JSON.parse(out.slice(out.search(/^\[/m)));
  return all ? parsed.map((r) => r.results ?? []) : (parsed[0]?.results ?? []);
}

/** The row of SUMMARY_SQL. */
export type SummaryRow = {
  games: number;
  graded_games: number;
  players: number;
  roster_rows: number;
  users: number;
  picks: number;
  graded_picks: number;
  wins: number;
  standings_rows: number;
};
/** A row of WEEKS_SQL. */
type WeekRow = {
  season: number;
  week: number;
  games: number;
  graded: number;
  tbd: number;
  first_kickoff: string | null;
  picks: number;
};
/** The row of sampleSql: a game of the open week for the curl session. */
export type SampleRow = {
  game: string;
  team: string;
  opponent: string;
  kickoff: string;
  player: string | null;
  player_name: string | null;
};

export const SUMMARY_SQL = `SELECT
  (SELECT count(*) FROM games) AS games,
  (SELECT count(*) FROM games WHERE first_td_player_id IS NOT NULL OR no_td = 1) AS graded_games,
  (SELECT count(*) FROM players) AS players,
  (SELECT count(*) FROM rosters) AS roster_rows,
  (SELECT count(*) FROM users) AS users,
  (SELECT count(*) FROM picks) AS picks,
  (SELECT count(*) FROM results WHERE outcome IS NOT NULL) AS graded_picks,
  (SELECT count(*) FROM results WHERE outcome = 'win') AS wins,
  (SELECT count(*) FROM standings) AS standings_rows`;

const WEEKS_SQL =
  "SELECT g.season, g.week, count(*) AS games, sum(g.first_td_player_id IS NOT NULL OR g.no_td = 1) AS graded, " +
  "sum(g.is_placeholder) AS tbd, min(g.kickoff_at) AS first_kickoff, " +
  "(SELECT count(*) FROM picks p WHERE p.game_id IN (SELECT id FROM games x WHERE x.season = g.season AND x.week = g.week)) AS picks " +
  "FROM games g GROUP BY g.season, g.week ORDER BY g.season, g.week";

/** A game of the open week to show in the curl session: the first one still ahead that the demo player has not picked,
 *  and a wide receiver of its home team (else any player of it). */
const sampleSql = (season: number, week: number, player: string): string =>
  `SELECT g.id AS game, g.home_team AS team, g.away_team AS opponent, g.kickoff_at AS kickoff,
     (SELECT r.player_id FROM rosters r WHERE r.season = g.season AND r.team = g.home_team AND r.status = 'ACT'
        AND r.position IN ('WR', 'RB', 'TE') ORDER BY r.position = 'WR' DESC, r.player_name LIMIT 1) AS player,
     (SELECT r.player_name FROM rosters r WHERE r.season = g.season AND r.team = g.home_team AND r.status = 'ACT'
        AND r.position IN ('WR', 'RB', 'TE') ORDER BY r.position = 'WR' DESC, r.player_name LIMIT 1) AS player_name
   FROM games g WHERE g.season = ${season} AND g.week = ${week} AND g.is_placeholder = 0 AND g.kickoff_at > strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
     AND g.id NOT IN (SELECT p.game_id FROM picks p JOIN users u ON u.id = p.user_id WHERE u.name = '${player}')
   ORDER BY g.kickoff_at, g.id LIMIT 1`;

/** Prints what the local D1 holds, week by week; with `open` ({ season, week }, and `player`), also returns a sample
 *  game and player of the open week for the curl session. One wrangler run. */
export function printSummary({
  open = null,
  player = "blake",
}: { open?: { season: number; week: number } | null; player?: string } = {}): { summary: SummaryRow; sample: SampleRow | null } {
  const statements = [SUMMARY_SQL, WEEKS_SQL, ...(open ? [sampleSql(open.season, open.week, player)] : [])];
  const [summaryRows = [], weekRows = [], sampleRows = []] = queryLocal(statements.map((x) => x.replace(/\s+/g, " ")).join(";\n"), { all: true });
  const s = summaryRows[0] as SummaryRow | undefined;
  if (!s) throw new Error("the summary query answered no row");
  const weeks = weekRows as WeekRow[];
  const sample = sampleRows[0] as SampleRow | undefined;
  console.log(
    [
      "",
      "Local D1 (demo data):",
      `  games   ${s.games} (${s.graded_games} graded)`,
      ...weeks.map(
        (w) =>
          `          ${w.season} week ${String(w.week).padEnd(2)}: ${String(w.games).padStart(2)} games, ${w.graded} graded, ` +
          `${w.picks} picks, first kickoff ${w.first_kickoff ?? "TBD"}${w.tbd > 0 ? ` (${w.tbd} kickoff(s) TBD)` : ""}`,
      ),
      `  players ${s.players} (${s.roster_rows} roster rows)`,
      `  users   ${s.users}`,
      `  picks   ${s.picks} (${s.graded_picks} graded, ${s.wins} won)`,
      `  standings rows ${s.standings_rows}`,
      "",
    ].join("\n"),
  );
  return { summary: s, sample: sample ?? null };
}
