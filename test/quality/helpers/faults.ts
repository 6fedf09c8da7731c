/**
 * Ways to put faults into a local D1 that its constraints would refuse.
 *
 * - CHECK constraints: `PRAGMA ignore_check_constraints = ON` works on D1 (it is one of the pragmas D1 allows), and
 *   it stays on for the connection, so it is switched off again in the same batch.
 * - UNIQUE: drop the unique index, insert the duplicate, recreate the index after the test (the duplicate gone).
 * - triggers: drop them (their SQL is saved from sqlite_master) and recreate them.
 * - FOREIGN KEYS cannot be switched off on D1: `PRAGMA foreign_keys = OFF` is a no-op inside D1's implicit
 *   transaction, and `PRAGMA defer_foreign_keys = ON` only moves the check to the commit, where an orphan makes
 *   local D1 reset its Durable Object and roll everything back (an uncaught error in the test run). What works is
 *   rebuilding the child table without its FOREIGN KEY / REFERENCES clauses (copy out, DROP, CREATE from the
 *   stripped sqlite_master SQL, copy back, recreate its indexes and triggers), children first so that no DROP
 *   cascades. After that the file's database accepts orphans, which are then inserted directly.
 */
import { env } from "cloudflare:test";

const db = () => env.DB;

export async function withCheckConstraintsOff(statements: D1PreparedStatement[]) {
  await db().batch([db().prepare("PRAGMA ignore_check_constraints = ON"), ...statements, db().prepare("PRAGMA ignore_check_constraints = OFF")]);
}

async function schemaSql(type: "table" | "index" | "trigger", name: string): Promise<string> {
  const row = await db().prepare("SELECT sql FROM sqlite_master WHERE type = ? AND name = ?").bind(type, name).first<{ sql: string }>();
  if (!row?.sql) throw new Error(`no ${type} ${name}`);
  return row.sql;
}

/** Drops the triggers, runs `body`, and recreates them whatever happened. */
export async function withoutTriggers<T>(names: string[], body: () => Promise<T>): Promise<T> {
  const saved = await Promise.all(names.map((name) => schemaSql("trigger", name)));
  await db().batch(names.map((name) => db().prepare(`DROP TRIGGER ${name}`)));
  try {
    return await body();
  } finally {
    await db().batch(saved.map((sql) => db().prepare(sql)));
  }
}

/** Drops a unique index for `body`; the caller removes the duplicate before it ends (the index is recreated after). */
export async function withoutIndex<T>(name: string, body: () => Promise<T>): Promise<T> {
  const sql = await schemaSql("index", name);
  await db().prepare(`DROP INDEX ${name}`).run();
  try {
    return await body();
  } finally {
    await db().prepare(sql).run();
  }
}

const ACTION = String.raw`(?:\s+ON\s+(?:DELETE|UPDATE)\s+(?:NO\s+ACTION|CASCADE|SET\s+NULL|SET\s+DEFAULT|RESTRICT))*`;
const TABLE_FK = new RegExp(String.raw`,\s*(?:CONSTRAINT\s+\S+\s+)?FOREIGN\s+KEY\s*\([^)]*\)\s*REFERENCES\s+[\`"\w]+\s*(?:\([^)]*\))?${ACTION}`, "gi");
const COLUMN_FK = new RegExp(String.raw`\s+REFERENCES\s+[\`"\w]+\s*(?:\([^)]*\))?${ACTION}`, "gi");

export function stripForeignKeys(createTableSql: string): string {
  return createTableSql.replace(TABLE_FK, "").replace(COLUMN_FK, "");
}

/**
 * Rebuilds each table without foreign keys, in the order given (children before their parents: dropping a table
 * that is still referenced with ON DELETE CASCADE would empty its children). Keeps rows, indexes and triggers.
 */
export async function dropForeignKeys(tables: string[]) {
  for (const table of tables) {
    const tableSql = await schemaSql("table", table);
    const { results: extras } = await db()
      .prepare("SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type, name")
      .bind(table)
      .all<{ sql: string }>();
    const backup = `_q_backup_${table}`;
    await db().batch([
      db().prepare(`CREATE TABLE ${backup} AS SELECT * FROM ${table}`),
      db().prepare(`DROP TABLE ${table}`),
      db().prepare(stripForeignKeys(tableSql)),
      db().prepare(`INSERT INTO ${table} SELECT * FROM ${backup}`),
      db().prepare(`DROP TABLE ${backup}`),
      ...extras.map((e) => db().prepare(e.sql)),
    ]);
  }
}

export async function foreignKeyCount(table: string): Promise<number> {
  const { results } = await db().prepare(`SELECT count(*) AS n FROM pragma_foreign_key_list('${table}')`).all<{ n: number }>();
  return results[0]!.n;
}
