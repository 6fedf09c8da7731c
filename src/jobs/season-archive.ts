/**
 * Season archives: a finished season's rows as files the operator keeps (the R2 bucket bound as ARCHIVE), and the way
 * back into D1. Decision 0013 (docs/decisions/0013-retention.md) says why; the runbook says how.
 *
 * `archive` (`POST /v1/admin/jobs/archive/run {"season":2024}`, or `npm run job -- archive --season 2024`): every row
 * of the season (games, weeks, rosters, picks, results, standings, player_stats, market_odds and the market tables, the
 * fact log, the quarantine) and the players and users they name, as gzipped NDJSON files (one JSON object a row, one
 * file a page of rows) under `archives/season-<season>/<archive id>/`, then `manifest.json`: the columns and row count
 * of every table, and every file's key, rows, bytes and SHA-256. The manifest is written last, only once every file
 * read back from R2 has its SHA-256 and every table's rows in D1 still number what the files hold: an archive with a
 * manifest is complete and verified. A run stops within its statement budget and the next run carries on (the progress
 * is `archives/season-<season>/in-progress.json`).
 *
 * `archive-restore` (same ways, with the season): the newest manifest of the season, file by file into this D1, which
 * must not hold the season (an empty database, or the one it came from once the season is gone). The facts go in
 * (players and users only where missing, then weeks, games, rosters, stats, picks, results, snapshots, ...); what the
 * triggers derive from them (standings, their histogram, the league boards, results of graded games) is derived again,
 * and the standings derived are compared with the archived ones. Every statement is idempotent, so a run that stops
 * (budget, error) is continued by the next one from the file it had reached (the progress is in the run's details).
 *
 * Nothing is deleted from D1 here: removing an archived season is a separate decision (decision 0013).
 */
import { getTableConfig, SQLiteTable } from "drizzle-orm/sqlite-core";
import { is } from "drizzle-orm";
import * as schema from "../db/schema";
import { GAME_SETTLED_SQL, GAME_VOID_SQL } from "../db/sql-rules";
import { nowIso } from "../lib/clock";
import type { MeteredD1 } from "./d1-meter";
import type { JobContext, JobOutcome } from "./job";

export const ARCHIVE_JOB = "archive";
export const RESTORE_JOB = "archive-restore";
export const ARCHIVE_FORMAT = "firsttd-season-archive/1";

export interface ArchiveLimits {
  /** Rows a file holds at most (one SELECT page; 20,000 rows of picks are some 8 MB of JSON before gzip). */
  rowsPerFile: number;
  /** Bytes of JSON one restore statement binds at most (D1: 2 MB per string). */
  restoreChunkBytes: number;
  /** D1 statements one run makes at most (1,000 queries per Worker invocation on Workers Paid). */
  maxStatementsPerRun: number;
}

export const ARCHIVE_LIMITS: ArchiveLimits = { rowsPerFile: 20_000, restoreChunkBytes: 900_000, maxStatementsPerRun: 600 };

/** How a table's rows go back in. */
type RestoreMode =
  /** INSERT, rows already there left as they are (players, users: shared with other seasons). */
  | "insert"
  /** INSERT, then each pick's archived position (the insert trigger sets it from the roster). */
  | "picks"
  /** The grading triggers have made the results of graded games: the archived outcome and the rest over them. */
  | "results"
  /** Derived by the triggers: compared, not written. */
  | "compare";

interface ArchivedTable {
  table: string;
  /** `t` is the table. CROSS JOIN keeps `t` the outer loop: a page is a range of its key, not the season sorted. */
  from: string;
  /** The season's rows; ?1 is the season. */
  where: string;
  /** The page key: SQL expressions in `from` and the output columns holding them. */
  key: { sql: string; column: string }[];
  restore: RestoreMode;
  /** Rows of other seasons' too (players, users): not counted against D1 when the restore finishes. */
  shared?: boolean;
}

/** A table whose rows carry their season, keyed by id. */
function withSeasonColumn(table: string): ArchivedTable {
  return { table, from: `${table} t`, where: "t.season = ?1", key: [{ sql: "t.id", column: "id" }], restore: "insert" };
}

/** A table whose rows belong to one game each (`game_id`): the season's are those of its games. */
function ofSeasonGames(table: string, restore: RestoreMode = "insert", keyColumn = "id"): ArchivedTable {
  return {
    table,
    from: `${table} t CROSS JOIN games g ON g.id = t.game_id`,
    where: "g.season = ?1",
    key: [{ sql: `t.${keyColumn}`, column: keyColumn }],
    restore,
  };
}

/** In restore order: what a row references comes before it. */
export const ARCHIVED_TABLES: ArchivedTable[] = [
  {
    table: "players",
    from: "players t",
    where: `t.id IN (
      SELECT player_id FROM rosters WHERE season = ?1 UNION SELECT player_id FROM player_stats WHERE season = ?1
      UNION SELECT first_td_player_id FROM games WHERE season = ?1
      UNION SELECT p.player_id FROM picks p CROSS JOIN games g ON g.id = p.game_id WHERE g.season = ?1
      UNION SELECT m.player_id FROM market_odds m CROSS JOIN games g ON g.id = m.game_id WHERE g.season = ?1)`,
    key: [{ sql: "t.id", column: "id" }],
    restore: "insert",
    shared: true,
  },
  {
    // Every user with a pick has the season's standings row (week 0), the triggers see to it.
    table: "users",
    from: "standings s CROSS JOIN users t ON t.id = s.user_id",
    where: "s.season = ?1 AND s.week = 0",
    key: [{ sql: "s.user_id", column: "id" }],
    restore: "insert",
    shared: true,
  },
  withSeasonColumn("weeks"),
  withSeasonColumn("games"),
  withSeasonColumn("rosters"),
  withSeasonColumn("player_stats"),
  ofSeasonGames("picks", "picks"),
  {
    table: "results",
    from: "results t CROSS JOIN picks p ON p.id = t.pick_id CROSS JOIN games g ON g.id = p.game_id",
    where: "g.season = ?1",
    key: [{ sql: "t.id", column: "id" }],
    restore: "results",
  },
  {
    table: "standings",
    from: "standings t",
    where: "t.season = ?1",
    key: [
      { sql: "t.week", column: "week" },
      { sql: "t.user_id", column: "user_id" },
    ],
    restore: "compare",
  },
  ofSeasonGames("market_odds"),
  ofSeasonGames("market_outcomes"),
  ofSeasonGames("market_unmapped"),
  ofSeasonGames("game_fact_changes"),
  ofSeasonGames("game_feed_checks", "insert", "game_id"),
  {
    table: "picks_quarantine",
    from: "picks_quarantine t",
    where: "t.game_id IN (SELECT id FROM games WHERE season = ?1) OR t.week_id IN (SELECT id FROM weeks WHERE season = ?1)",
    key: [{ sql: "t.id", column: "id" }],
    restore: "insert",
  },
];

/** Each table's columns, from src/db/schema.ts (the single source of table shapes). */
const SCHEMA_COLUMNS: ReadonlyMap<string, string[]> = new Map(
  (Object.values(schema) as unknown[])
    .filter((value): value is SQLiteTable => is(value, SQLiteTable))
    .map((table) => {
      const config = getTableConfig(table);
      return [config.name, config.columns.map((c) => c.name)];
    }),
);

function columnsOf(table: string): string[] {
  const columns = SCHEMA_COLUMNS.get(table);
  if (!columns) throw new Error(`no table '${table}' in src/db/schema.ts`);
  return columns;
}

export interface ArchiveFile {
  key: string;
  table: string;
  rows: number;
  /** Bytes stored (gzip). */
  bytes: number;
  /** Hex SHA-256 of the bytes stored. */
  sha256: string;
}

export interface ArchiveManifest {
  format: typeof ARCHIVE_FORMAT;
  season: number;
  archiveId: string;
  startedAt: string;
  finishedAt: string;
  /** The last migration applied to the database the rows came from. */
  migration: string | null;
  tables: Record<string, { columns: string[]; rows: number; restore: RestoreMode }>;
  files: ArchiveFile[];
}

/** The export under way, kept in R2 between runs. */
interface ArchiveProgress {
  format: typeof ARCHIVE_FORMAT;
  season: number;
  archiveId: string;
  startedAt: string;
  migration: string | null;
  /** The table being written (index into ARCHIVED_TABLES) and the key of its last row written (null: none yet). */
  tableIndex: number;
  after: unknown[] | null;
  files: ArchiveFile[];
}

export function seasonPrefix(season: number): string {
  return `archives/season-${season}/`;
}

const progressKey = (season: number) => `${seasonPrefix(season)}in-progress.json`;
const manifestKey = (season: number, archiveId: string) => `${seasonPrefix(season)}${archiveId}/manifest.json`;

function bucketOf(ctx: JobContext): R2Bucket {
  const bucket = (ctx.env as { ARCHIVE?: R2Bucket }).ARCHIVE;
  if (!bucket) {
    throw new Error(
      "no R2 bucket bound as ARCHIVE: wrangler.toml [[r2_buckets]] binding = \"ARCHIVE\" (create the bucket: npx wrangler r2 bucket create firsttd-archive)",
    );
  }
  return bucket;
}

function requireSeason(ctx: JobContext, job: string): number {
  if (!ctx.scopeRequested) throw new Error(`${job} needs the season named: npm run job -- ${job} --season <yyyy>, or {"season": <yyyy>} to the admin endpoint`);
  return ctx.season;
}

async function sha256Of(bytes: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function gzip(text: string): Promise<ArrayBuffer> {
  return new Response(new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer();
}

async function gunzip(bytes: ArrayBuffer): Promise<string> {
  return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).text();
}

async function readJson<T>(bucket: R2Bucket, key: string): Promise<T | null> {
  const object = await bucket.get(key);
  return object ? ((await object.json()) as T) : null;
}

class StatementBudget {
  constructor(public left: number) {}
  spend(n = 1) {
    this.left -= n;
  }
}

// ---------------------------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------------------------

/** A season is finished when every one of its games is settled (GAME_SETTLED_SQL) or voided. */
async function unfinishedGames(db: MeteredD1, season: number): Promise<{ total: number; open: string[] }> {
  const [total, open] = await db.batch<{ n?: number; id?: string }>([
    db.prepare("SELECT count(*) AS n FROM games WHERE season = ?1").bind(season),
    db.prepare(`SELECT g.id FROM games g WHERE g.season = ?1 AND NOT (${GAME_SETTLED_SQL} OR ${GAME_VOID_SQL}) ORDER BY g.kickoff_at LIMIT 5`).bind(season),
  ]);
  return { total: total?.results[0]?.n ?? 0, open: (open?.results ?? []).map((r) => r.id!) };
}

async function lastMigration(db: MeteredD1): Promise<string | null> {
  try {
    return (await db.first<{ name: string }>(db.prepare("SELECT name FROM d1_migrations ORDER BY id DESC LIMIT 1")))?.name ?? null;
  } catch {
    return null;
  }
}

function pageStatement(db: MeteredD1, spec: ArchivedTable, season: number, after: unknown[] | null, limit: number): D1PreparedStatement {
  const columns = columnsOf(spec.table).map((c) => `t.${c}`);
  const keys = spec.key.map((k) => k.sql);
  const cursor = after ? ` AND (${keys.join(", ")}) > (${keys.map((_, i) => `?${i + 3}`).join(", ")})` : "";
  return db
    .prepare(`SELECT ${columns.join(", ")} FROM ${spec.from} WHERE (${spec.where})${cursor} ORDER BY ${keys.join(", ")} LIMIT ?2`)
    .bind(season, limit, ...(after ?? []));
}

function countStatement(db: MeteredD1, spec: ArchivedTable, season: number): D1PreparedStatement {
  return db.prepare(`SELECT count(*) AS n FROM ${spec.from} WHERE ${spec.where}`).bind(season);
}

async function writeFile(bucket: R2Bucket, key: string, table: string, rows: Record<string, unknown>[]): Promise<ArchiveFile> {
  const body = await gzip(rows.map((row) => JSON.stringify(row)).join("\n") + "\n");
  const sha256 = await sha256Of(body);
  // R2 checks the SHA-256 of what it received and refuses the put when it differs.
  // Stored as gzip bytes (no Content-Encoding: a client that decompresses on the fly would not get the bytes hashed).
  await bucket.put(key, body, { sha256, httpMetadata: { contentType: "application/gzip" } });
  return { key, table, rows: rows.length, bytes: body.byteLength, sha256 };
}

/** Every file read back from R2 with its SHA-256; every table's rows in D1 still as many as its files hold. */
async function verifyExport(db: MeteredD1, budget: StatementBudget, bucket: R2Bucket, progress: ArchiveProgress): Promise<string[]> {
  const problems: string[] = [];
  for (const file of progress.files) {
    const object = await bucket.get(file.key);
    if (!object) {
      problems.push(`${file.key}: missing`);
      continue;
    }
    const sha256 = await sha256Of(await object.arrayBuffer());
    if (sha256 !== file.sha256) problems.push(`${file.key}: sha256 ${sha256}, written ${file.sha256}`);
  }
  budget.spend(ARCHIVED_TABLES.length);
  const counts = await db.batch<{ n: number }>(ARCHIVED_TABLES.map((spec) => countStatement(db, spec, progress.season)));
  ARCHIVED_TABLES.forEach((spec, i) => {
    const inD1 = counts[i]?.results[0]?.n ?? 0;
    const inFiles = progress.files.filter((f) => f.table === spec.table).reduce((sum, f) => sum + f.rows, 0);
    if (inD1 !== inFiles) problems.push(`${spec.table}: ${inD1} rows in D1, ${inFiles} in the files`);
  });
  return problems;
}

/** The job `archive`: exports the named season, or carries on with the export under way. */
export async function archiveSeason(ctx: JobContext, limits: ArchiveLimits = ARCHIVE_LIMITS): Promise<JobOutcome> {
  const season = requireSeason(ctx, ARCHIVE_JOB);
  const bucket = bucketOf(ctx);
  const budget = new StatementBudget(limits.maxStatementsPerRun);

  let progress = await readJson<ArchiveProgress>(bucket, progressKey(season));
  if (!progress) {
    budget.spend(2);
    const games = await unfinishedGames(ctx.db, season);
    if (games.total === 0) throw new Error(`season ${season} has no games in D1: nothing to archive`);
    if (games.open.length > 0) {
      throw new Error(`season ${season} is not finished: games not settled yet, e.g. ${games.open.join(", ")} (a game is settled when final with its first TD known, or canceled, or voided)`);
    }
    const archiveId = nowIso(ctx.now).replace(/[-:]/g, "");
    progress = { format: ARCHIVE_FORMAT, season, archiveId, startedAt: nowIso(ctx.now), migration: await lastMigration(ctx.db), tableIndex: 0, after: null, files: [] };
    ctx.progress(`archive: season ${season} to ${seasonPrefix(season)}${archiveId}/`);
  } else {
    ctx.progress(`archive: carrying on with ${seasonPrefix(season)}${progress.archiveId}/ at ${ARCHIVED_TABLES[progress.tableIndex]?.table ?? "verification"}`);
  }

  const filesBefore = progress.files.length;
  // Keep the verification's counts (one a table) within the run.
  while (progress.tableIndex < ARCHIVED_TABLES.length && budget.left > ARCHIVED_TABLES.length + 1) {
    const spec = ARCHIVED_TABLES[progress.tableIndex]!;
    budget.spend();
    const rows = await ctx.db.all<Record<string, unknown>>(pageStatement(ctx.db, spec, season, progress.after, limits.rowsPerFile));
    if (rows.length > 0) {
      const index = progress.files.filter((f) => f.table === spec.table).length + 1;
      const key = `${seasonPrefix(season)}${progress.archiveId}/${spec.table}-${String(index).padStart(4, "0")}.ndjson.gz`;
      progress.files.push(await writeFile(bucket, key, spec.table, rows));
      const last = rows.at(-1)!;
      progress.after = spec.key.map((k) => last[k.column]);
    }
    if (rows.length < limits.rowsPerFile) {
      progress.tableIndex++;
      progress.after = null;
    }
    await bucket.put(progressKey(season), JSON.stringify(progress));
  }
  const written = progress.files.slice(filesBefore);
  const rowsWritten = written.reduce((sum, f) => sum + f.rows, 0);

  if (progress.tableIndex < ARCHIVED_TABLES.length) {
    const left = ARCHIVED_TABLES.length - progress.tableIndex;
    ctx.progress(`archive: ${written.length} files written, ${left} tables left for the next run`);
    return {
      read: rowsWritten,
      inserted: written.length,
      updated: 0,
      unchanged: 0,
      rejected: 0,
      left,
      details: { season, archiveId: progress.archiveId, complete: false, filesWritten: written.length, rowsWritten, nextTable: ARCHIVED_TABLES[progress.tableIndex]!.table },
    };
  }

  const problems = await verifyExport(ctx.db, budget, bucket, progress);
  if (problems.length > 0) {
    // Start over next time: a season that changed under the export, or a file that did not survive, is no archive.
    await bucket.delete(progressKey(season));
    throw new Error(`archive of season ${season} not verified, no manifest written (the next run starts a new one): ${problems.slice(0, 5).join("; ")}`);
  }
  const tables: ArchiveManifest["tables"] = {};
  for (const spec of ARCHIVED_TABLES) {
    tables[spec.table] = {
      columns: columnsOf(spec.table),
      rows: progress.files.filter((f) => f.table === spec.table).reduce((sum, f) => sum + f.rows, 0),
      restore: spec.restore,
    };
  }
  const manifest: ArchiveManifest = {
    format: ARCHIVE_FORMAT,
    season,
    archiveId: progress.archiveId,
    startedAt: progress.startedAt,
    finishedAt: nowIso(new Date()),
    migration: progress.migration,
    tables,
    files: progress.files,
  };
  const key = manifestKey(season, progress.archiveId);
  await bucket.put(key, JSON.stringify(manifest, null, 2), { httpMetadata: { contentType: "application/json" } });
  await bucket.delete(progressKey(season));
  const totalRows = progress.files.reduce((sum, f) => sum + f.rows, 0);
  const totalBytes = progress.files.reduce((sum, f) => sum + f.bytes, 0);
  ctx.progress(`archive: ${key}: ${progress.files.length} files, ${totalRows} rows, ${totalBytes} bytes, verified`);
  return {
    read: rowsWritten,
    inserted: written.length,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    details: {
      season,
      archiveId: progress.archiveId,
      complete: true,
      manifest: key,
      files: progress.files.length,
      bytes: totalBytes,
      rows: Object.fromEntries(Object.entries(tables).map(([table, t]) => [table, t.rows])),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Restore
// ---------------------------------------------------------------------------------------------

/** The newest complete archive of the season (archive ids sort by time). */
export async function newestManifest(bucket: R2Bucket, season: number): Promise<ArchiveManifest | null> {
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const listing = await bucket.list({ prefix: seasonPrefix(season), delimiter: "/", cursor });
    keys.push(...listing.delimitedPrefixes.map((prefix) => `${prefix}manifest.json`));
    cursor = listing.truncated ? listing.cursor : undefined;
  } while (cursor);
  for (const key of keys.sort().reverse()) {
    const manifest = await readJson<ArchiveManifest>(bucket, key);
    if (manifest) return manifest;
  }
  return null;
}

const encoder = new TextEncoder();
/** UTF-8 bytes of a line (most lines are ASCII, whose bytes are its length). */
const byteLength = (line: string) => (/^[\x00-\x7f]*$/.test(line) ? line.length : encoder.encode(line).length);

/** Splits NDJSON lines into JSON arrays of at most `maxBytes` of UTF-8 (a row longer than that goes alone). */
export function jsonChunks(lines: readonly string[], maxBytes: number): string[] {
  const chunks: string[] = [];
  let current: string[] = [];
  let size = 2;
  for (const line of lines) {
    const bytes = byteLength(line);
    if (current.length > 0 && size + bytes + 1 > maxBytes) {
      chunks.push(`[${current.join(",")}]`);
      current = [];
      size = 2;
    }
    current.push(line);
    size += bytes + 1;
  }
  if (current.length > 0) chunks.push(`[${current.join(",")}]`);
  return chunks;
}

const field = (column: string) => `json_extract(j.value, '$.${column}')`;

/** The statements that put one chunk (a JSON array of rows, bound as ?1) of `table` back. */
function restoreStatements(db: MeteredD1, table: string, mode: RestoreMode, columns: string[], chunk: string): D1PreparedStatement[] {
  const insert = (conflict: string) =>
    db
      .prepare(`INSERT INTO ${table} (${columns.join(", ")}) SELECT ${columns.map(field).join(", ")} FROM json_each(?1) j WHERE true ${conflict}`)
      .bind(chunk);
  switch (mode) {
    case "insert":
      return [insert("ON CONFLICT DO NOTHING")];
    case "picks":
      return [
        insert("ON CONFLICT DO NOTHING"),
        db
          .prepare(
            `UPDATE picks SET position = a.position
             FROM (SELECT ${field("id")} AS id, ${field("position")} AS position FROM json_each(?1) j) a
             WHERE picks.id = a.id AND picks.position IS NOT a.position`,
          )
          .bind(chunk),
      ];
    case "results": {
      // The id is not restored: the grading trigger gave the results of graded games ids of its own.
      const withoutId = columns.filter((c) => c !== "id");
      const rest = withoutId.filter((c) => c !== "pick_id" && c !== "outcome" && c !== "profit_cu");
      return [
        // A result the trigger made whose outcome differs from the archive's (a legacy result) takes the archived one;
        // the standings triggers move with it.
        db
          .prepare(
            `INSERT INTO results (${withoutId.join(", ")}) SELECT ${withoutId.map(field).join(", ")} FROM json_each(?1) j WHERE true
             ON CONFLICT (pick_id) DO UPDATE SET outcome = excluded.outcome, profit_cu = excluded.profit_cu
             WHERE results.outcome IS NOT excluded.outcome OR results.profit_cu IS NOT excluded.profit_cu`,
          )
          .bind(chunk),
        // The rest of each result as archived (no trigger watches these columns).
        db
          .prepare(
            `UPDATE results SET ${rest.map((c) => `${c} = a.${c}`).join(", ")}
             FROM (SELECT ${["pick_id", ...rest].map((c) => `${field(c)} AS ${c}`).join(", ")} FROM json_each(?1) j) a
             WHERE results.pick_id = a.pick_id`,
          )
          .bind(chunk),
      ];
    }
    case "compare":
      return [];
  }
}

/** Archived standings rows that the restored database does not have, or has with other numbers. */
function standingsDifferences(db: MeteredD1, chunk: string): D1PreparedStatement {
  const numbers = ["picks", "wins", "losses", "voids", "units_cu"];
  return db
    .prepare(
      `SELECT count(*) AS n FROM json_each(?1) j
       LEFT JOIN standings s ON s.season = ${field("season")} AND s.week = ${field("week")} AND s.user_id = ${field("user_id")}
       WHERE s.user_id IS NULL OR ${numbers.map((c) => `s.${c} IS NOT ${field(c)}`).join(" OR ")}`,
    )
    .bind(chunk);
}

interface RestoreProgress {
  archiveId: string;
  /** Files of the manifest restored, in its order. */
  filesDone: number;
  complete: boolean;
  standingsDifferences: number;
}

/** The progress of the last restore of the season into this database (from its run log). */
async function lastRestore(db: MeteredD1, season: number): Promise<RestoreProgress | null> {
  const row = await db.first<{ details: string | null }>(
    db
      .prepare(
        `SELECT details FROM sync_runs WHERE job = ?1 AND season = ?2 AND details IS NOT NULL
         ORDER BY started_at DESC, id DESC LIMIT 1`,
      )
      .bind(RESTORE_JOB, season),
  );
  const details = row?.details ? (JSON.parse(row.details) as Partial<RestoreProgress>) : null;
  return details && typeof details.archiveId === "string" && typeof details.filesDone === "number" ? (details as RestoreProgress) : null;
}

/** One archived file, read back and checked, as the statements that restore it (or compare it, for derived tables). */
async function fileStatements(
  db: MeteredD1,
  bucket: R2Bucket,
  file: ArchiveFile,
  columnsFor: (table: string) => string[],
  limits: ArchiveLimits,
): Promise<{ list: D1PreparedStatement[]; compare: boolean }> {
  const spec = ARCHIVED_TABLES.find((t) => t.table === file.table);
  if (!spec) throw new Error(`${file.key}: this code does not restore table '${file.table}'`);
  const object = await bucket.get(file.key);
  if (!object) throw new Error(`${file.key} is missing from the bucket`);
  const bytes = await object.arrayBuffer();
  const sha256 = await sha256Of(bytes);
  if (sha256 !== file.sha256) throw new Error(`${file.key}: sha256 ${sha256}, the manifest says ${file.sha256}`);
  const lines = (await gunzip(bytes)).split("\n").filter((line) => line.length > 0);
  if (lines.length !== file.rows) throw new Error(`${file.key}: ${lines.length} rows, the manifest says ${file.rows}`);
  const chunks = jsonChunks(lines, limits.restoreChunkBytes);
  if (spec.restore === "compare") return { list: chunks.map((chunk) => standingsDifferences(db, chunk)), compare: true };
  const columns = columnsFor(file.table);
  return { list: chunks.flatMap((chunk) => restoreStatements(db, file.table, spec.restore, columns, chunk)), compare: false };
}

/** The job `archive-restore`: the newest archive of the named season back into this D1. */
export async function restoreSeason(ctx: JobContext, limits: ArchiveLimits = ARCHIVE_LIMITS): Promise<JobOutcome> {
  const season = requireSeason(ctx, RESTORE_JOB);
  const bucket = bucketOf(ctx);
  const budget = new StatementBudget(limits.maxStatementsPerRun);
  const manifest = await newestManifest(bucket, season);
  if (!manifest) throw new Error(`no archive of season ${season} in the ARCHIVE bucket (${seasonPrefix(season)}<id>/manifest.json)`);
  if (manifest.format !== ARCHIVE_FORMAT) throw new Error(`archive ${manifest.archiveId} is in format ${String(manifest.format)}, this code reads ${ARCHIVE_FORMAT}`);

  budget.spend(2);
  const previous = await lastRestore(ctx.db, season);
  const resuming = previous !== null && previous.archiveId === manifest.archiveId && !previous.complete;
  const gamesInD1 = (await ctx.db.first<{ n: number }>(ctx.db.prepare("SELECT count(*) AS n FROM games WHERE season = ?1").bind(season)))?.n ?? 0;
  if (gamesInD1 > 0 && !resuming) {
    throw new Error(`season ${season} has ${gamesInD1} games in this database: restore only into a database without the season`);
  }
  const state: RestoreProgress = resuming ? { ...previous } : { archiveId: manifest.archiveId, filesDone: 0, complete: false, standingsDifferences: 0 };
  ctx.progress(`archive-restore: ${manifest.archiveId} of season ${season}, ${resuming ? `from file ${state.filesDone + 1}` : "from the start"}`);

  // Columns the archive has and this schema still has; the others are reported (a newer schema fills its defaults).
  const dropped: Record<string, string[]> = {};
  const columnsFor = (table: string) => {
    const archived = manifest.tables[table]?.columns ?? [];
    const current = new Set(columnsOf(table));
    const gone = archived.filter((c) => !current.has(c));
    if (gone.length > 0) dropped[table] = gone;
    return archived.filter((c) => current.has(c));
  };

  let rowsRestored = 0;
  let filesNow = 0;
  // An error stops the run but not the restore: the progress so far is recorded (status partial, `error` in the
  // details), and the next run carries on from the file that failed once its cause is fixed.
  let error: string | null = null;
  try {
    while (state.filesDone < manifest.files.length) {
      const file = manifest.files[state.filesDone]!;
      const statements = await fileStatements(ctx.db, bucket, file, columnsFor, limits);
      // A file goes in whole within a run (keeping the final counts, one a table).
      const reserve = ARCHIVED_TABLES.length + 1;
      if (statements.list.length + reserve > limits.maxStatementsPerRun) throw new Error(`${file.key} needs ${statements.list.length} statements, more than a run makes`);
      if (statements.list.length + reserve > budget.left) break;
      for (const statement of statements.list) {
        budget.spend();
        if (statements.compare) state.standingsDifferences += (await ctx.db.first<{ n: number }>(statement))?.n ?? 0;
        else await ctx.db.batch([statement]);
      }
      rowsRestored += statements.compare ? 0 : file.rows;
      state.filesDone++;
      filesNow++;
    }
  } catch (caught) {
    error = caught instanceof Error ? caught.message : String(caught);
    ctx.progress(`archive-restore: stopped at ${manifest.files[state.filesDone]?.key}: ${error}`);
  }

  const left = manifest.files.length - state.filesDone;
  let countProblems: string[] = [];
  if (left === 0 && error === null) {
    state.complete = true;
    // The season's rows now in D1, table by table, against the manifest (players and users are shared with other seasons).
    const specs = ARCHIVED_TABLES.filter((spec) => !spec.shared && manifest.tables[spec.table]);
    budget.spend(specs.length);
    const counts = await ctx.db.batch<{ n: number }>(specs.map((spec) => countStatement(ctx.db, spec, season)));
    countProblems = specs
      .map((spec, i) => ({ table: spec.table, inD1: counts[i]?.results[0]?.n ?? 0, archived: manifest.tables[spec.table]!.rows }))
      .filter((c) => c.inD1 !== c.archived)
      .map((c) => `${c.table}: ${c.inD1} rows in D1, ${c.archived} archived`);
  }
  ctx.progress(
    `archive-restore: ${filesNow} files (${rowsRestored} rows) restored, ${left} left` +
      (state.complete ? `; standings differing from the archive: ${state.standingsDifferences}` : ""),
  );
  return {
    read: rowsRestored,
    inserted: rowsRestored,
    updated: 0,
    unchanged: 0,
    rejected: state.standingsDifferences + countProblems.length + (error ? 1 : 0),
    left,
    details: {
      ...state,
      ...(error ? { error } : {}),
      manifest: manifestKey(season, manifest.archiveId),
      filesRestored: filesNow,
      filesLeft: left,
      ...(countProblems.length > 0 ? { countProblems } : {}),
      ...(Object.keys(dropped).length > 0 ? { columnsNotRestored: dropped } : {}),
    },
  };
}
