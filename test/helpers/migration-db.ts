import { env } from "cloudflare:test";
import type { D1Migration } from "cloudflare:test";

/** A row as D1 returns it. */
export type Row = Record<string, unknown>;

/** D1 allows at most 100 bound parameters per statement. */
const MAX_BOUND_PARAMETERS = 100;

/** The migrations of the chain up to and including the one whose file name starts with `prefix` ("0002"). */
export function migrationsThrough(prefix: string): D1Migration[] {
  const index = env.TEST_MIGRATIONS.findIndex((m) => m.name.startsWith(`${prefix}_`));
  if (index < 0) throw new Error(`no migration ${prefix}_* in the chain`);
  return env.TEST_MIGRATIONS.slice(0, index + 1);
}

/** The migrations of the chain after the one whose file name starts with `prefix`. */
export function migrationsAfter(prefix: string): D1Migration[] {
  return env.TEST_MIGRATIONS.slice(migrationsThrough(prefix).length);
}

export async function rows<T = Row>(db: D1Database, query: string, ...params: unknown[]): Promise<T[]> {
  return (await db.prepare(query).bind(...params).all<T>()).results;
}

export async function count(db: D1Database, query: string, ...params: unknown[]): Promise<number> {
  const first = await db.prepare(query).bind(...params).first<{ n: number }>();
  if (first === null) throw new Error(`count query returned no row: ${query}`);
  return first.n;
}

/**
 * INSERTs rows into a table naming every column (the keys of the first row), in as few statements as
 * D1's bound-parameter limit allows, all in one batch.
 */
export async function insertRows(db: D1Database, table: string, data: readonly Row[]): Promise<void> {
  const first = data[0];
  if (first === undefined) return;
  const columns = Object.keys(first);
  const rowsPerStatement = Math.max(1, Math.floor(MAX_BOUND_PARAMETERS / columns.length));
  const statements: D1PreparedStatement[] = [];
  for (let start = 0; start < data.length; start += rowsPerStatement) {
    const chunk = data.slice(start, start + rowsPerStatement);
    const placeholders = chunk.map(() => `(${columns.map(() => "?").join(", ")})`).join(", ");
    const values = chunk.flatMap((row) => columns.map((column) => row[column] ?? null));
    const columnList = columns.map((c) => `"${c}"`).join(", ");
    statements.push(db.prepare(`INSERT INTO "${table}" (${columnList}) VALUES ${placeholders}`).bind(...values));
  }
  await db.batch(statements);
}

export type SchemaObjectType = "table" | "index" | "trigger";

/** Names of the user's schema objects of one type (SQLite's and D1's internal objects left out), sorted. */
export async function schemaObjectNames(db: D1Database, type: SchemaObjectType): Promise<string[]> {
  const found = await rows<{ name: string }>(
    db,
    `SELECT name FROM sqlite_master
     WHERE type = ? AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name <> 'd1_migrations'
     ORDER BY name`,
    type,
  );
  return found.map((r) => r.name);
}

/** Column names of a table, in table order. */
export async function columnNames(db: D1Database, table: string): Promise<string[]> {
  return (await rows<{ name: string }>(db, `SELECT name FROM pragma_table_info(?) ORDER BY cid`, table)).map(
    (r) => r.name,
  );
}

/** Every row that violates a foreign key (empty when the database is consistent). */
export function foreignKeyViolations(db: D1Database): Promise<Row[]> {
  return rows(db, "PRAGMA foreign_key_check");
}

/** Names of the migrations recorded as applied, in order. */
export async function appliedMigrationNames(db: D1Database): Promise<string[]> {
  return (await rows<{ name: string }>(db, "SELECT name FROM d1_migrations ORDER BY id")).map((r) => r.name);
}

/** Rows keyed by their `id`, for lookups in assertions. */
export function byId<T extends { id: number }>(list: readonly T[]): Map<number, T> {
  return new Map(list.map((row) => [row.id, row]));
}
