import type { SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import type { Database } from "../env";
import * as schema from "./schema";

export function createDatabase(d1: D1Database): Database {
  return drizzle(d1, { schema });
}

const dialect = new SQLiteAsyncDialect();

/**
 * A statement written as raw SQL (drizzle's `sql`, so that conditions compose with their parameters), prepared on the
 * database handle's D1 for a `db.$client.batch`: drizzle's own batch cannot bind the parameters of raw SQL (`db.run`).
 * For the batches whose every statement carries the same condition, where SQL says it better than a query builder.
 */
export function d1Statement(db: Database, query: SQL): D1PreparedStatement {
  const { sql, params } = dialect.sqlToQuery(query);
  return db.$client.prepare(sql).bind(...params);
}
