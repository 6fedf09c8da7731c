// `npm run legacy:import -- <v8 sqlite file | v8 .sql dump> [--rosters <csv>]... [--schedule <csv>]... [--fresh] [--json <file>]`
// Builds the LOCAL D1 (.wrangler/state) from a database of the original system (SQLite, schema v8), through the real
// migration chain. See docs/legacy-import.md. In order:
//   1. reads the v8 database (a SQLite file through sql.js, or a .sql dump executed into an in-memory sql.js database)
//      and the rosters and schedule of every season in its `weeks` (the CSV files given, else the nflverse files under
//      NFLVERSE_BASE_URL), parsed by the project's own parsers (src/sources/nflverse, bundled with esbuild). Nothing
//      is written before all inputs have been read;
//   2. applies the baseline migrations 0000..0002 (v8 tables, games/teams, players/rosters) with
//      `wrangler d1 execute --local --command`, each recorded in d1_migrations exactly as `wrangler d1 migrations apply`
//      does (same table, same statement appended to the migration);
//   3. loads the v8 rows in foreign-key order (D1 enforces foreign keys): users, weeks, picks, results, player_stats,
//      market_odds, market_outcomes, refusing (and reporting) orphans; carries sqlite_sequence over;
//   4. writes the games, players and rosters of those seasons with plain SQL that fits the v10 tables (<= 100 bound
//      parameters per statement), so that the v11/v12 migrations find the games and rosters they need;
//   5. applies the rest of the chain with `wrangler d1 migrations apply DB --local`;
//   6. prints the report (and writes it as JSON with --json).
// Refuses to run over a local D1 that has tables, unless --fresh (which deletes .wrangler/state/v3/d1 first).
// Exit code: 0 imported and the success criteria hold, 3 imported but a criterion fails, 1 error, 2 bad arguments.
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { DB, ROOT, applyMigrations, exitCodeOf, messageOf, queryLocal, wrangler } from "./lib/local-d1";
import { bundleSource, openLocalD1, userPath, type BindValue, type LocalD1 } from "./lib/cli-runtime";
import type { Database, SqlValue } from "sql.js";
import type * as NflverseClient from "../src/sources/nflverse/client";
import type * as NflverseRoster from "../src/sources/nflverse/roster";
import type * as NflverseSchedule from "../src/sources/nflverse/schedule";

/** The project's nflverse client and parsers, bundled from src/ (bundleSource). */
type NflverseSource = Pick<typeof NflverseRoster, "parseRoster"> &
  Pick<typeof NflverseSchedule, "parseSchedule"> &
  Pick<typeof NflverseClient, "fetchGamesCsv" | "fetchRosterCsv" | "nflverseGamesUrl" | "nflverseRosterUrl">;
type ScheduledGame = NflverseSchedule.ScheduledGame;
type RosterPlayer = NflverseRoster.RosterPlayer;

const MIGRATIONS_DIR = join(ROOT, "drizzle");
const D1_STATE_DIR = join(ROOT, ".wrangler", "state", "v3", "d1");
/** The baseline: v8 tables (0000), games/teams (0001), players/rosters (0002). */
const LAST_BASELINE_MIGRATION = 2;
/** wrangler's default migrations table (wrangler.toml sets no migrations_table). */
const MIGRATIONS_TABLE = "d1_migrations";
/** The v8 tables, parents first. */
const V8_TABLES = ["users", "weeks", "picks", "results", "player_stats", "market_odds", "market_outcomes"];
const REQUIRED_V8_TABLES = ["users", "weeks", "picks"];
const MAX_BOUND_PARAMETERS = 100;
const STATEMENTS_PER_BATCH = 50;

const USAGE = `usage: npm run legacy:import -- <v8 sqlite file | v8 .sql dump> [--rosters <csv>]... [--schedule <csv>]... [--fresh] [--json <file>]
  <v8 file>          the original system's database (SQLite file) or a dump of it (sqlite3 .dump, or INSERTs only)
  --rosters <csv>    an nflverse roster_<season>.csv (repeat for several seasons); default: downloaded from NFLVERSE_BASE_URL
  --schedule <csv>   an nflverse games.csv; default: downloaded from NFLVERSE_BASE_URL
  --fresh            delete the local D1 (.wrangler/state/v3/d1) first; without it a local D1 with tables is refused
  --json <file>      also write the report as JSON
Example:
  npm run legacy:import -- test/fixtures/legacy/v8_dump.sql --rosters test/fixtures/legacy/roster_2025_sample.csv \\
    --schedule test/fixtures/legacy/games_2025_w1_w2.csv --fresh`;

class UsageError extends Error {}

interface ImportArgs {
  source: string;
  rosters: string[];
  schedule: string[];
  fresh: boolean;
  json: string | null;
}

/** The original system's database, opened in memory. */
interface LegacyDatabase {
  db: Database;
  kind: string;
  tables: Set<string>;
}
/** A row of the v8 database: column -> value. */
type LegacyRow = Record<string, SqlValue>;

/** A season's games as parsed (first file wins per game id). */
interface SeasonSchedule {
  games: ScheduledGame[];
  rejected: NflverseSchedule.RejectedGameRow[];
}
/** A season's roster as parsed; `error`: no roster could be read for it. */
interface SeasonRoster {
  players: RosterPlayer[];
  rejected: NflverseRoster.RejectedRosterRow[];
  otherSeasonRows: number;
  error?: string;
}
interface NflverseInputs {
  schedule: { origin: string | null; bySeason: Map<number, SeasonSchedule> };
  rosters: { origin: string | null; bySeason: Map<number, SeasonRoster> };
}

/** A row D1 refused, with its reason. */
interface Refusal {
  id: SqlValue;
  reason: string;
  row: LegacyRow;
}
interface TableLoad {
  source: number;
  loaded: number;
  refused: Refusal[];
  ignoredColumns?: string[];
  note?: string;
}
interface V8Load {
  report: Record<string, TableLoad>;
  /** pick id -> the pick as loaded. */
  legacyPicks: Map<number, LegacyRow>;
  /** player_stats id -> its position as loaded. */
  legacyStats: Map<number, SqlValue>;
}
interface SeasonLoad {
  games: number;
  gamesRejected: number;
  gameRejections: NflverseSchedule.RejectedGameRow[];
  rosterRows?: number;
  rosterRejected?: number;
  rosterError?: string | null;
  playersWithoutGsisId?: number;
}
interface NflverseLoad {
  seasons: Record<number, SeasonLoad>;
  players?: number;
  playersRefused?: number;
  espnIdConflicts?: number;
}

function parseArgs(argv: string[]): ImportArgs | null {
  const args: Omit<ImportArgs, "source"> & { source: string | null } = { source: null, rosters: [], schedule: [], fresh: false, json: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined || next.startsWith("--")) throw new UsageError(`${arg} needs a file`);
      return next;
    };
    if (arg === "--help" || arg === "-h") return null;
    else if (arg === "--fresh") args.fresh = true;
    else if (arg === "--rosters") args.rosters.push(userPath(value()));
    else if (arg === "--schedule") args.schedule.push(userPath(value()));
    else if (arg === "--json") args.json = userPath(value());
    else if (arg.startsWith("-")) throw new UsageError(`unknown option '${arg}'`);
    else if (args.source === null) args.source = userPath(arg);
    else throw new UsageError(`unexpected argument '${arg}'`);
  }
  if (args.source === null) throw new UsageError("no v8 database given");
  for (const file of [args.source, ...args.rosters, ...args.schedule]) {
    if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
  }
  return { ...args, source: args.source };
}

/** `value`, known to be there (a lookup of what was just built); an error naming `what` otherwise. */
function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`no ${what}`);
  return value;
}

const log = (message: string): void => console.log(message);
const chunk = <T>(items: T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
const pct = (part: number, whole: number): number => (whole === 0 ? 0 : Math.round((1000 * part) / whole) / 10);
const quoteId = (name: string): string => `"${name.replaceAll('"', '""')}"`;
/** A path as the report shows it: relative to the project when inside it. */
const shown = (path: string): string => (relative(ROOT, path).startsWith("..") ? path : relative(ROOT, path));

// ---------------------------------------------------------------------------------------------------------------
// 1. Reading the inputs
// ---------------------------------------------------------------------------------------------------------------

function migrationFiles(): string[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((name) => name.endsWith(".sql"))
    .sort();
}

/** The v8 database in an in-memory sql.js database: a SQLite file as it is, a dump executed (after the v8 schema when
 *  the dump has only INSERTs). */
async function openLegacy(path: string): Promise<LegacyDatabase> {
  const { default: initSqlJs } = await import("sql.js");
  const SQL = await initSqlJs();
  const bytes = readFileSync(path);
  let db: Database;
  let kind: string;
  if (bytes.subarray(0, 16).toString("latin1") === "SQLite format 3\u0000") {
    db = new SQL.Database(bytes);
    kind = "SQLite file";
  } else {
    const text = bytes.toString("utf8");
    db = new SQL.Database();
    kind = "SQL dump";
    if (!/\bCREATE\s+TABLE\b/i.test(text)) {
      const [schema] = migrationFiles();
      if (!schema) throw new Error(`${MIGRATIONS_DIR} has no migration`);
      db.exec(readFileSync(join(MIGRATIONS_DIR, schema), "utf8").replaceAll("--> statement-breakpoint", ""));
      kind = "SQL dump (INSERTs only, loaded over the v8 schema of drizzle/0000)";
    }
    try {
      db.exec(text);
    } catch (error) {
      throw new Error(`${path}: the dump does not load into SQLite: ${messageOf(error)}`);
    }
  }
  const tables = new Set(rowsOf<{ name: string }>(db, "SELECT name FROM sqlite_master WHERE type = 'table'").map((r) => r.name));
  const missing = REQUIRED_V8_TABLES.filter((t) => !tables.has(t));
  if (missing.length > 0) throw new Error(`${path} is not a v8 database of the original system: no table ${missing.join(", ")}`);
  if (tables.has("games") || tables.has("picks_quarantine")) {
    throw new Error(`${path} is past schema v8 (it has a games or picks_quarantine table): this tool imports v8 databases only`);
  }
  return { db, kind, tables };
}

/** Rows of a sql.js query as objects. */
function rowsOf<R extends object = LegacyRow>(db: Database, sql: string, params: SqlValue[] = []): R[] {
  const statement = db.prepare(sql);
  statement.bind(params);
  const rows: R[] = [];
  // The caller names the columns its query selects.
  while (statement.step()) rows.push(statement.getAsObject() as R);
  statement.free();
  return rows;
}

function sourceColumns(db: Database, table: string): string[] {
  return rowsOf<{ name: string }>(db, `PRAGMA table_info(${quoteId(table)})`).map((c) => c.name);
}

/** Reads the text of the schedule / roster inputs for the seasons, from files or from the nflverse base URL. */
async function readNflverse(source: NflverseSource, args: ImportArgs, seasons: number[], baseUrl: string): Promise<NflverseInputs> {
  const schedule: NflverseInputs["schedule"] = { origin: null, bySeason: new Map() };
  const rosters: NflverseInputs["rosters"] = { origin: null, bySeason: new Map() };

  let scheduleTexts: { name: string; text: string }[];
  if (args.schedule.length > 0) {
    schedule.origin = args.schedule.map(shown).join(", ");
    scheduleTexts = args.schedule.map((f) => ({ name: f, text: readFileSync(f, "utf8") }));
  } else {
    schedule.origin = source.nflverseGamesUrl(baseUrl);
    log(`  downloading ${schedule.origin}`);
    scheduleTexts = [{ name: schedule.origin, text: await source.fetchGamesCsv(baseUrl, {}) }];
  }
  for (const season of seasons) {
    const games = new Map<string, ScheduledGame>();
    const rejected: NflverseSchedule.RejectedGameRow[] = [];
    for (const { name, text } of scheduleTexts) {
      let parsed: NflverseSchedule.ParsedSchedule;
      try {
        parsed = source.parseSchedule(text, season);
      } catch (error) {
        throw new Error(`${name}: not a usable games.csv: ${messageOf(error)}`);
      }
      for (const game of parsed.games) if (!games.has(game.id)) games.set(game.id, game);
      rejected.push(...parsed.rejected);
    }
    schedule.bySeason.set(season, { games: [...games.values()], rejected });
  }

  if (args.rosters.length > 0) {
    rosters.origin = args.rosters.map(shown).join(", ");
    const texts = args.rosters.map((f) => ({ name: f, text: readFileSync(f, "utf8") }));
    for (const season of seasons) rosters.bySeason.set(season, parseRosters(source, texts, season));
  } else {
    // The URL pattern, for the report (the URL function takes a season number and encodes what it is given).
    rosters.origin = source.nflverseRosterUrl(baseUrl, 0).replace(/roster_0\.csv$/, "roster_<season>.csv");
    for (const season of seasons) {
      const url = source.nflverseRosterUrl(baseUrl, season);
      log(`  downloading ${url}`);
      try {
        rosters.bySeason.set(season, parseRosters(source, [{ name: url, text: await source.fetchRosterCsv(baseUrl, season, {}) }], season));
      } catch (error) {
        rosters.bySeason.set(season, { players: [], rejected: [], otherSeasonRows: 0, error: messageOf(error) });
      }
    }
  }
  return { schedule, rosters };
}

function parseRosters(source: NflverseSource, texts: { name: string; text: string }[], season: number): SeasonRoster {
  const players = new Map<string, RosterPlayer>();
  const rejected: NflverseRoster.RejectedRosterRow[] = [];
  let otherSeasonRows = 0;
  for (const { name, text } of texts) {
    let parsed: NflverseRoster.ParsedRoster;
    try {
      parsed = source.parseRoster(text, season);
    } catch (error) {
      throw new Error(`${name}: not a usable roster file: ${messageOf(error)}`);
    }
    for (const player of parsed.players) if (!players.has(player.id)) players.set(player.id, player);
    for (const row of parsed.rejected) {
      // With several files, a file's rows of another season are not for this season: not rejections.
      if (/^season '.*', expected/.test(row.reason)) otherSeasonRows++;
      else rejected.push(row);
    }
  }
  return { players: [...players.values()], rejected, otherSeasonRows };
}

// ---------------------------------------------------------------------------------------------------------------
// 2. Baseline migrations, recorded as wrangler records them
// ---------------------------------------------------------------------------------------------------------------

function localTables(): string[] {
  if (!existsSync(D1_STATE_DIR)) return [];
  return queryLocal<{ name: string }>(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY name",
  ).map((r) => r.name);
}

function applyBaselineMigrations(): string[] {
  const baseline = migrationFiles().filter((name) => Number.parseInt(name.split("_")[0] ?? "", 10) <= LAST_BASELINE_MIGRATION);
  // The statements of wrangler's `d1 migrations apply` (initMigrationsTable, then each file + its INSERT).
  wrangler(
    [
      "d1", "execute", DB, "--local", "--command",
      `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE}(
		id         INTEGER PRIMARY KEY AUTOINCREMENT,
		name       TEXT UNIQUE,
		applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
);`,
    ],
    { capture: true, what: `creating ${MIGRATIONS_TABLE}` },
  );
  for (const name of baseline) {
    let query = readFileSync(join(MIGRATIONS_DIR, name), "utf8");
    query += `
								INSERT INTO ${MIGRATIONS_TABLE} (name)
								values ('${name}');
						`;
    wrangler(["d1", "execute", DB, "--local", "--command", query], { capture: true, what: `applying ${name}` });
    log(`  applied ${name}`);
  }
  return baseline;
}

// ---------------------------------------------------------------------------------------------------------------
// 3./4. Loading rows into D1
// ---------------------------------------------------------------------------------------------------------------

/**
 * Inserts rows (arrays in `columns` order), as many per statement as 100 bound parameters allow, 50 statements per
 * atomic batch. A batch that fails is retried row by row, so one bad row is refused alone, with D1's reason.
 */
async function insertRows(
  d1: LocalD1,
  table: string,
  columns: string[],
  rows: BindValue[][],
  suffix = "",
): Promise<{ inserted: number; refused: { row: BindValue[]; reason: string }[] }> {
  const perStatement = Math.max(1, Math.floor(MAX_BOUND_PARAMETERS / columns.length));
  const head = `INSERT INTO ${quoteId(table)} (${columns.map(quoteId).join(", ")}) VALUES `;
  const tuple = `(${columns.map(() => "?").join(", ")})`;
  let inserted = 0;
  const refused: { row: BindValue[]; reason: string }[] = [];
  for (const group of chunk(chunk(rows, perStatement), STATEMENTS_PER_BATCH)) {
    const statements = group.map((part) => d1.prepare(`${head}${part.map(() => tuple).join(", ")}${suffix}`).bind(...part.flat()));
    try {
      const results = await d1.batch(statements);
      inserted += results.reduce((sum, r) => sum + (r.meta?.changes ?? 0), 0);
    } catch {
      for (const row of group.flat()) {
        try {
          const result = await d1.prepare(`${head}${tuple}${suffix}`).bind(...row).run();
          inserted += result.meta?.changes ?? 0;
        } catch (error) {
          refused.push({ row, reason: d1Reason(error).replace(/^D1_ERROR: /, "") });
        }
      }
    }
  }
  return { inserted, refused };
}

/** What D1 said when it refused a statement (the bridge's error carries it as the message). */
function d1Reason(error: unknown): string {
  if (error instanceof Error) {
    return error.cause instanceof Error ? error.cause.message : error.message;
  }
  return String(error);
}

async function targetColumns(d1: LocalD1, table: string): Promise<string[]> {
  const { results } = await d1.prepare(`PRAGMA table_info(${quoteId(table)})`).all<{ name: string }>();
  return results.map((c) => c.name);
}

/** Loads the v8 tables parents first; rows whose parent is missing (or was refused) are refused as orphans. */
async function loadV8(d1: LocalD1, legacy: LegacyDatabase): Promise<V8Load> {
  const report: Record<string, TableLoad> = {};
  const loadedIds: Record<string, Set<string>> = {};
  const isLoaded = (table: string, id: SqlValue | undefined): boolean => loadedIds[table]?.has(String(id)) ?? false;
  const legacyPicks = new Map<number, LegacyRow>(); // id -> { game_id, team, player_name } as loaded
  const legacyStats = new Map<number, SqlValue>(); // id -> position as loaded
  for (const table of V8_TABLES) {
    if (!legacy.tables.has(table)) {
      report[table] = { source: 0, loaded: 0, refused: [], note: "table absent from the v8 database" };
      continue;
    }
    const target = await targetColumns(d1, table);
    const present = sourceColumns(legacy.db, table);
    const columns = target.filter((c) => present.includes(c));
    const ignored = present.filter((c) => !target.includes(c));
    const rows = rowsOf(legacy.db, `SELECT ${columns.map(quoteId).join(", ")} FROM ${quoteId(table)} ORDER BY rowid`);
    const refused: Refusal[] = [];
    const orphanReason = (row: LegacyRow): string | null => {
      if (table === "picks") {
        if (!isLoaded("users", row.user_id)) return `orphan: user_id ${row.user_id} is not a loaded user`;
        if (!isLoaded("weeks", row.week_id)) return `orphan: week_id ${row.week_id} is not a loaded week`;
      }
      if (table === "results" && !isLoaded("picks", row.pick_id)) return `orphan: pick_id ${row.pick_id} is not a loaded pick`;
      return null;
    };
    const accepted: LegacyRow[] = [];
    for (const row of rows) {
      const reason = orphanReason(row);
      if (reason) refused.push({ id: row.id ?? null, reason, row });
      else accepted.push(row);
    }
    const result = await insertRows(d1, table, columns, accepted.map((row) => columns.map((c) => normalizeValue(row[c]))));
    const refusedIds = new Set(result.refused.map((r) => String(r.row[columns.indexOf("id")])));
    for (const r of result.refused) {
      const row: LegacyRow = Object.fromEntries(columns.map((c, i) => [c, legacyValue(r.row[i])]));
      refused.push({ id: row.id ?? null, reason: r.reason, row });
    }
    const loaded = accepted.filter((row) => !refusedIds.has(String(row.id)));
    loadedIds[table] = new Set(loaded.map((row) => String(row.id)));
    if (table === "picks") for (const row of loaded) legacyPicks.set(Number(row.id), row);
    if (table === "player_stats") for (const row of loaded) legacyStats.set(Number(row.id), row.position ?? null);
    report[table] = { source: rows.length, loaded: result.inserted, refused, ignoredColumns: ignored };
    log(
      `  ${table.padEnd(16)} ${String(rows.length).padStart(6)} rows, loaded ${result.inserted}` +
        (refused.length ? `, refused ${refused.length}` : "") +
        (ignored.length ? ` (columns not in v8 ignored: ${ignored.join(", ")})` : ""),
    );
  }

  // AUTOINCREMENT high-water marks: ids of rows deleted in the original system are never handed out again.
  const sequences = legacy.tables.has("sqlite_sequence") ? rowsOf<{ name: string; seq: SqlValue }>(legacy.db, "SELECT name, seq FROM sqlite_sequence") : [];
  const carried: string[] = [];
  for (const { name, seq } of sequences) {
    if (!V8_TABLES.includes(name) || !Number.isFinite(Number(seq))) continue;
    await d1.batch([
      d1.prepare("UPDATE sqlite_sequence SET seq = max(seq, ?1) WHERE name = ?2").bind(Number(seq), name),
      d1.prepare("INSERT INTO sqlite_sequence (name, seq) SELECT ?2, ?1 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = ?2)").bind(Number(seq), name),
    ]);
    carried.push(`${name}=${seq}`);
  }
  if (carried.length) log(`  sqlite_sequence carried over: ${carried.join(", ")}`);
  return { report, legacyPicks, legacyStats };
}

function normalizeValue(value: SqlValue | undefined): BindValue {
  if (value instanceof Uint8Array) return new Uint8Array(value).buffer; // a copy of the view's bytes
  return value === undefined ? null : value;
}

/** Games, players and rosters of the legacy seasons, as the v9/v10 tables take them. */
/** A value as the report shows a refused row: bytes as a blob of sql.js, booleans as SQLite's 0/1. */
function legacyValue(value: BindValue | undefined): SqlValue {
  if (value === undefined || value === null) return null;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return typeof value === "boolean" ? Number(value) : value;
}

async function loadNflverse(d1: LocalD1, inputs: NflverseInputs, seasons: number[]): Promise<NflverseLoad> {
  const out: NflverseLoad = { seasons: {} };
  for (const season of seasons) {
    const { games, rejected } = must(inputs.schedule.bySeason.get(season), `the schedule of ${season}`);
    const rows = games.map((g): BindValue[] => [
      g.id, g.season, g.week, g.gameType, g.kickoffAt, g.homeTeam, g.awayTeam, g.homeScore, g.awayScore,
      g.homeScore !== null && g.awayScore !== null ? "final" : "scheduled", g.espnEventId,
    ]);
    const result = await insertRows(
      d1,
      "games",
      ["id", "season", "week", "game_type", "kickoff_at", "home_team", "away_team", "home_score", "away_score", "status", "espn_event_id"],
      rows,
      " ON CONFLICT (id) DO NOTHING",
    );
    out.seasons[season] = { games: result.inserted, gamesRejected: rejected.length + result.refused.length, gameRejections: rejected.slice(0, 5) };
    log(`  ${season}: ${result.inserted} games${rejected.length ? ` (${rejected.length} rows rejected by the parser)` : ""}${result.refused.length ? `, ${result.refused.length} refused by D1` : ""}`);
  }

  // One players row per player (the latest season's data wins); ESPN ids stay unique (a later claimant loses it).
  const finalPlayers = new Map<string, RosterPlayer>();
  for (const season of seasons) for (const p of must(inputs.rosters.bySeason.get(season), `the roster of ${season}`).players) finalPlayers.set(p.id, { ...p });
  const espnOwner = new Map<string, string>();
  const espnConflicts: { playerId: string; espnId: string; ownedBy: string }[] = [];
  for (const p of finalPlayers.values()) {
    if (!p.espnId) continue;
    const owner = espnOwner.get(p.espnId);
    if (owner && owner !== p.id) {
      espnConflicts.push({ playerId: p.id, espnId: p.espnId, ownedBy: owner });
      p.espnId = null;
    } else espnOwner.set(p.espnId, p.id);
  }
  const players = await insertRows(
    d1,
    "players",
    ["id", "full_name", "name_key", "espn_id", "sleeper_id", "birth_date", "is_fallback_id"],
    [...finalPlayers.values()].map((p) => [p.id, p.fullName, p.nameKey, p.espnId, p.sleeperId, p.birthDate, p.isFallbackId ? 1 : 0]),
    " ON CONFLICT (id) DO NOTHING",
  );
  out.players = players.inserted;
  out.playersRefused = players.refused.length;
  out.espnIdConflicts = espnConflicts.length;
  for (const season of seasons) {
    const roster = must(inputs.rosters.bySeason.get(season), `the roster of ${season}`);
    const rows = roster.players.map((p): BindValue[] => [season, p.id, p.fullName, p.team, p.position, p.rawPosition, p.depthChartPosition, p.status ?? "ACT", p.jersey, 1]);
    const result = await insertRows(
      d1,
      "rosters",
      ["season", "player_id", "player_name", "team", "position", "raw_position", "depth_chart_position", "status", "jersey", "is_current"],
      rows,
      " ON CONFLICT DO NOTHING",
    );
    Object.assign(must(out.seasons[season], `the games of ${season}`), {
      rosterRows: result.inserted,
      rosterRejected: roster.rejected.length + result.refused.length,
      rosterError: roster.error ?? null,
      playersWithoutGsisId: roster.players.filter((p) => p.isFallbackId).length,
    });
    log(
      `  ${season}: ${result.inserted} roster rows` +
        (roster.error ? ` (no roster: ${roster.error})` : "") +
        (roster.rejected.length ? ` (${roster.rejected.length} rows rejected by the parser)` : "") +
        (result.refused.length ? `, ${result.refused.length} refused by D1` : ""),
    );
  }
  log(`  players: ${players.inserted}${espnConflicts.length ? ` (${espnConflicts.length} ESPN id conflicts: id dropped)` : ""}`);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// 6. The report
// ---------------------------------------------------------------------------------------------------------------

const isUnknownPosition = (position: unknown): boolean => position === null || position === undefined || /^\s*(unknown)?\s*$/i.test(String(position));

interface ReportContext {
  v8: Record<string, TableLoad>;
  legacyPicks: Map<number, LegacyRow>;
  legacyStats: Map<number, SqlValue>;
  nflverse: NflverseLoad;
  picksBefore: number;
}
type Report = Awaited<ReturnType<typeof buildReport>>;

async function buildReport(d1: LocalD1, context: ReportContext) {
  const all = async <R extends object>(sql: string, ...params: BindValue[]): Promise<R[]> =>
    (await d1.prepare(sql).bind(...params).all<R>()).results;
  const one = async <R extends object>(sql: string, ...params: BindValue[]): Promise<R> =>
    must((await all<R>(sql, ...params))[0], `row of ${sql.slice(0, 40)}...`);
  const { v8, legacyPicks, legacyStats, nflverse, picksBefore } = context;

  const quarantine: Record<string, number | undefined> = Object.fromEntries(
    (await all<{ reason: string; n: number }>("SELECT reason, count(*) AS n FROM picks_quarantine GROUP BY reason")).map((r) => [r.reason, r.n]),
  );
  const unmatched = await all<{ id: number; userId: number; team: string; playerName: string; gameId: string | null; detail: string | null }>(
    "SELECT id, user_id AS userId, team, player_name AS playerName, game_id AS gameId, detail FROM picks_quarantine WHERE reason = 'no_matching_game' ORDER BY id",
  );
  const unmatchedByKind: Record<string, number> = {};
  for (const q of unmatched) {
    const kind = q.detail?.startsWith("game_id ") ? "game_id matches no game of that week" : q.detail?.startsWith("no game for team") ? "no game for the pick's team that week" : (q.detail ?? "no detail");
    unmatchedByKind[kind] = (unmatchedByKind[kind] ?? 0) + 1;
  }
  const secondPicks = await all<{ id: number; keptPickId: number; reason: string }>("SELECT id, kept_pick_id AS keptPickId, reason FROM picks_quarantine WHERE reason <> 'no_matching_game' ORDER BY id");

  const picks = await all<{ id: number; gameId: string; playerId: string | null; position: string | null; placeholder: number }>(
    `SELECT p.id, p.game_id AS gameId, p.player_id AS playerId, p.position, g.is_placeholder AS placeholder
     FROM picks p JOIN games g ON g.id = p.game_id ORDER BY p.id`,
  );
  const linking = { alreadyLinked: 0, backfilledFromMissing: 0, backfilledFromBadId: 0, linkedToPlaceholder: 0, examples: [] as string[] };
  for (const p of picks) {
    const legacy = legacyPicks.get(p.id);
    const before = legacy?.game_id ?? null;
    if (p.placeholder === 1) linking.linkedToPlaceholder++;
    if (before === p.gameId) {
      if (p.placeholder !== 1) linking.alreadyLinked++;
      continue;
    }
    if (before === null || String(before).trim() === "") linking.backfilledFromMissing++;
    else linking.backfilledFromBadId++;
    if (linking.examples.length < 12) linking.examples.push(`pick ${p.id}: ${before === null ? "NULL" : JSON.stringify(before)} -> ${p.gameId}`);
  }
  const placeholders = await all<{ id: string }>("SELECT id FROM games WHERE is_placeholder = 1 ORDER BY id");

  const picksUnknown = picks.filter((p) => isUnknownPosition(p.position)).length;
  const stats = await all<{ id: number; position: string | null }>("SELECT id, position FROM player_stats ORDER BY id");
  const legacyStatRows = stats.filter((s) => legacyStats.has(s.id));
  const statsUnknownBefore = [...legacyStats.values()].filter(isUnknownPosition).length;
  const statsUnknownAfter = legacyStatRows.filter((s) => isUnknownPosition(s.position)).length;
  const statsStillUnknown = await all<{ name: string; team: string }>(
    `SELECT player_name AS name, team FROM player_stats WHERE position IS NULL OR trim(position) = '' OR lower(position) = 'unknown' ORDER BY id LIMIT 20`,
  );

  const duplicates = await one<{ sameWeekPlayer: number; sameGame: number }>(
    `SELECT (SELECT count(*) FROM (SELECT 1 FROM picks GROUP BY user_id, week_id, player_name HAVING count(*) > 1)) AS sameWeekPlayer,
            (SELECT count(*) FROM (SELECT 1 FROM picks GROUP BY user_id, game_id HAVING count(*) > 1)) AS sameGame`,
  );
  let fkViolations: Record<string, unknown>[];
  try {
    fkViolations = await all<Record<string, unknown>>("PRAGMA foreign_key_check");
  } catch (error) {
    fkViolations = [{ error: `PRAGMA foreign_key_check failed: ${messageOf(error)}` }];
  }
  const results = await one<{ results: number; graded: number; inQuarantine: number }>(
    `SELECT (SELECT count(*) FROM results) AS results,
            (SELECT count(*) FROM results WHERE outcome IS NOT NULL) AS graded,
            (SELECT count(*) FROM picks_quarantine WHERE result_is_correct IS NOT NULL OR result_actual_scorer IS NOT NULL) AS inQuarantine`,
  );
  const migrations = await all<{ id: number; name: string; appliedAt: string }>(`SELECT id, name, applied_at AS appliedAt FROM ${MIGRATIONS_TABLE} ORDER BY id`);
  const counts = await one<Record<"games" | "players" | "rosterRows" | "users" | "weeks" | "standingsRows", number>>(
    `SELECT (SELECT count(*) FROM games) AS games, (SELECT count(*) FROM players) AS players, (SELECT count(*) FROM rosters) AS rosterRows,
            (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM weeks) AS weeks, (SELECT count(*) FROM standings) AS standingsRows`,
  );

  const picksLoad = must(v8.picks, "the load of picks");
  const picksLoaded = picksLoad.loaded;
  const quarantined = (quarantine.duplicate_in_week ?? 0) + (quarantine.second_pick_in_game ?? 0) + (quarantine.no_matching_game ?? 0);
  const criteria = {
    zeroDuplicatePicks: duplicates.sameWeekPlayer === 0 && duplicates.sameGame === 0,
    unknownPositionsUnder5Pct: pct(picksUnknown, picks.length) < 5 && pct(statsUnknownAfter, legacyStatRows.length) < 5,
    referentialIntegrity100Pct: fkViolations.length === 0,
  };
  return {
    picks: {
      before: picksBefore,
      refusedAsOrphans: picksLoad.refused.length,
      loaded: picksLoaded,
      kept: picks.length,
      deduplicated: { duplicate_in_week: quarantine.duplicate_in_week ?? 0, second_pick_in_game: quarantine.second_pick_in_game ?? 0 },
      dedupedPicks: secondPicks.map((q) => `pick ${q.id} (${q.reason}, kept ${q.keptPickId})`),
      linking,
      quarantinedNoMatchingGame: unmatched.length,
      quarantinedByKind: unmatchedByKind,
      quarantinedPicks: unmatched.map((q) => `pick ${q.id} ${JSON.stringify(q.playerName)}: ${q.detail}`),
      accountedFor: picks.length + quarantined === picksLoaded,
    },
    placeholderGames: placeholders.map((g) => g.id),
    positions: {
      picks: { resolved: picks.length - picksUnknown, unknown: picksUnknown, unknownPct: pct(picksUnknown, picks.length), withPlayer: picks.filter((p) => p.playerId).length },
      playerStats: {
        rows: legacyStatRows.length,
        unknownBefore: statsUnknownBefore,
        resolved: statsUnknownBefore - statsUnknownAfter,
        unknownAfter: statsUnknownAfter,
        unknownPct: pct(statsUnknownAfter, legacyStatRows.length),
        stillUnknown: statsStillUnknown.map((s) => `${s.name} (${s.team})`),
      },
    },
    results,
    orphans: Object.fromEntries(
      Object.entries(v8)
        .filter(([, t]) => t.refused.length > 0)
        .map(([table, t]) => [table, t.refused.map((r) => `${table} ${r.id}: ${r.reason}`)]),
    ),
    v8: Object.fromEntries(Object.entries(v8).map(([table, t]) => [table, { source: t.source, loaded: t.loaded, refused: t.refused.length }])),
    nflverse,
    counts,
    duplicates,
    foreignKeyViolations: fkViolations,
    migrations: migrations.map((m) => m.name),
    criteria,
  };
}

function printReport(
  r: Report,
  context: { sourceName: string; kind: string; rostersOrigin: string | null; scheduleOrigin: string | null },
): void {
  const yes = (ok: boolean): string => (ok ? "yes" : "NO");
  const lines = [
    "",
    "================ legacy import report ================",
    `source            ${context.sourceName} (${context.kind})`,
    `rosters           ${context.rostersOrigin}`,
    `schedule          ${context.scheduleOrigin}`,
    `migrations        ${r.migrations.length} applied, recorded in ${MIGRATIONS_TABLE}: ${r.migrations.join(", ")}`,
    "",
    "v8 rows           " + Object.entries(r.v8).map(([t, v]) => `${t} ${v.loaded}/${v.source}${v.refused ? ` (${v.refused} refused)` : ""}`).join(", "),
  ];
  for (const [table, list] of Object.entries(r.orphans)) for (const line of list) lines.push(`  refused         ${line}`);
  lines.push(
    "",
    "picks",
    `  before                       ${r.picks.before}`,
    `  refused (orphans)            ${r.picks.refusedAsOrphans}`,
    `  loaded                       ${r.picks.loaded}`,
    `  kept                         ${r.picks.kept}`,
    `  deduplicated                 ${r.picks.deduplicated.duplicate_in_week + r.picks.deduplicated.second_pick_in_game} ` +
      `(duplicate_in_week ${r.picks.deduplicated.duplicate_in_week}, second_pick_in_game ${r.picks.deduplicated.second_pick_in_game})`,
    ...r.picks.dedupedPicks.slice(0, 20).map((l) => `      ${l}`),
    `  linked to games (backfilled) ${r.picks.linking.backfilledFromMissing + r.picks.linking.backfilledFromBadId} ` +
      `(from NULL/blank game_id ${r.picks.linking.backfilledFromMissing}, from a bad or other-week game_id ${r.picks.linking.backfilledFromBadId}); ` +
      `already linked ${r.picks.linking.alreadyLinked}; on placeholder games ${r.picks.linking.linkedToPlaceholder}`,
    ...r.picks.linking.examples.map((l) => `      ${l}`),
    `  quarantined no_matching_game ${r.picks.quarantinedNoMatchingGame} ${JSON.stringify(r.picks.quarantinedByKind)}`,
    ...r.picks.quarantinedPicks.slice(0, 20).map((l) => `      ${l}`),
    `  every loaded pick kept or quarantined: ${yes(r.picks.accountedFor)}`,
    `  legacy results               ${r.results.results} on kept picks (${r.results.graded} with an outcome), ${r.results.inQuarantine} kept in picks_quarantine`,
    "",
    `placeholder games created      ${r.placeholderGames.length}${r.placeholderGames.length ? `: ${r.placeholderGames.slice(0, 20).join(", ")}` : ""}`,
    "",
    "positions",
    `  picks         resolved ${r.positions.picks.resolved}, unknown ${r.positions.picks.unknown} (${r.positions.picks.unknownPct}% of ${r.picks.kept} kept picks; player resolved on ${r.positions.picks.withPlayer})`,
    `  player_stats  'Unknown'/NULL before ${r.positions.playerStats.unknownBefore}, resolved ${r.positions.playerStats.resolved}, ` +
      `still unknown ${r.positions.playerStats.unknownAfter} (${r.positions.playerStats.unknownPct}% of ${r.positions.playerStats.rows} rows)` +
      (r.positions.playerStats.stillUnknown.length ? `: ${r.positions.playerStats.stillUnknown.join(", ")}` : ""),
    "",
    "nflverse          " +
      Object.entries(r.nflverse.seasons)
        .map(([s, v]) => `${s}: ${v.games} games, ${v.rosterRows} roster rows${v.rosterError ? ` (roster missing: ${v.rosterError})` : ""}`)
        .join("; ") +
      `; ${r.nflverse.players} players`,
    `local D1          ${Object.entries(r.counts).map(([k, v]) => `${k} ${v}`).join(", ")}`,
    "",
    "success criteria (original)",
    `  zero duplicate picks           ${yes(r.criteria.zeroDuplicatePicks)} (same user/week/player groups: ${r.duplicates.sameWeekPlayer}, same user/game: ${r.duplicates.sameGame})`,
    `  under 5% unknown positions     ${yes(r.criteria.unknownPositionsUnder5Pct)} (picks ${r.positions.picks.unknownPct}%, player_stats ${r.positions.playerStats.unknownPct}%)`,
    `  100% referential integrity     ${yes(r.criteria.referentialIntegrity100Pct)} (PRAGMA foreign_key_check: ${r.foreignKeyViolations.length} rows${r.foreignKeyViolations.length ? ` ${JSON.stringify(r.foreignKeyViolations.slice(0, 5))}` : ""})`,
    "======================================================",
  );
  console.log(lines.join("\n"));
}

// ---------------------------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  let args: ImportArgs | null;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (args === null) {
    console.log(USAGE);
    return 0;
  }

  const existing = localTables();
  if (existing.length > 0 && !args.fresh) {
    console.error(
      `The local D1 (${relative(ROOT, D1_STATE_DIR)}) already has ${existing.length} tables (${existing.slice(0, 6).join(", ")}${existing.length > 6 ? ", ..." : ""}).\n` +
        "Refusing to import over it: pass --fresh to delete it first (everything in it is lost), or move .wrangler/state away.",
    );
    return 1;
  }

  log(`Reading ${args.source} ...`);
  const legacy = await openLegacy(args.source);
  const seasons = rowsOf<{ season: SqlValue }>(legacy.db, "SELECT DISTINCT season FROM weeks WHERE season IS NOT NULL ORDER BY season").map((r) =>
    Number(r.season),
  );
  const picksBefore = must(rowsOf<{ n: number }>(legacy.db, "SELECT count(*) AS n FROM picks")[0], "count of picks").n;
  log(`  ${legacy.kind}: ${picksBefore} picks, seasons in weeks: ${seasons.join(", ") || "none"}`);

  const source = await bundleSource<NflverseSource>("legacy-import", {
    "src/sources/nflverse/roster.ts": ["parseRoster"],
    "src/sources/nflverse/schedule.ts": ["parseSchedule"],
    "src/sources/nflverse/client.ts": ["fetchGamesCsv", "fetchRosterCsv", "nflverseGamesUrl", "nflverseRosterUrl"],
  });
  const baseUrl = process.env.NFLVERSE_BASE_URL || readTomlVar("NFLVERSE_BASE_URL") || "https://github.com/nflverse";
  log(`Reading the schedule and rosters of ${seasons.join(", ") || "no season"} ...`);
  const inputs = await readNflverse(source, args, seasons, baseUrl);

  if (args.fresh && existsSync(D1_STATE_DIR)) {
    log(`--fresh: deleting ${relative(ROOT, D1_STATE_DIR)}`);
    rmSync(D1_STATE_DIR, { recursive: true, force: true });
  }

  log("Applying the baseline migrations (v8, v9 games, v10 players/rosters) ...");
  applyBaselineMigrations();

  let platform = await openLocalD1();
  let loaded: V8Load;
  let nflverse: NflverseLoad;
  try {
    log("Loading the v8 rows ...");
    loaded = await loadV8(platform.DB, legacy);
    log("Loading games, players and rosters ...");
    nflverse = await loadNflverse(platform.DB, inputs, seasons);
  } finally {
    await platform.dispose();
  }

  log("Applying the rest of the migration chain (wrangler d1 migrations apply DB --local) ...");
  applyMigrations();

  platform = await openLocalD1();
  let report: Report;
  try {
    report = await buildReport(platform.DB, { v8: loaded.report, legacyPicks: loaded.legacyPicks, legacyStats: loaded.legacyStats, nflverse, picksBefore });
  } finally {
    await platform.dispose();
  }
  printReport(report, {
    sourceName: shown(args.source),
    kind: legacy.kind,
    rostersOrigin: inputs.rosters.origin,
    scheduleOrigin: inputs.schedule.origin,
  });
  if (args.json) {
    writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
    log(`Report written to ${args.json}`);
  }
  return Object.values(report.criteria).every(Boolean) ? 0 : 3;
}

/** A [vars] value of wrangler.toml (the import reads NFLVERSE_BASE_URL before any platform is open). */
function readTomlVar(name: string): string | null {
  const toml = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
  return new RegExp(`^${name}\\s*=\\s*"([^"]*)"`, "m").exec(toml)?.[1] ?? null;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(exitCodeOf(error));
  },
);
