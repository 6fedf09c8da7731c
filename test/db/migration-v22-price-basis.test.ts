/**
 * Migration drizzle/0016 swaps market_odds.price_basis for a column whose CHECK allows the new rule's bases only ('mid',
 * 'ask', NULL): on a database that holds snapshots of the old rule, 'mid' stays, 'ask_upper_bound' becomes 'ask',
 * 'last' (the last trade) becomes NULL, and nothing else of a row changes. The chain is applied step by step to
 * MIGRATION_DB_1 (storage is per test file, so this file's copy is fresh).
 */
import { applyD1Migrations, env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { columnNames, insertRows, migrationsAfter, migrationsThrough, rows, type Row } from "../helpers/migration-db";

const db = env.MIGRATION_DB_1;

const snapshot = (id: number, columns: Row): Row => ({
  id,
  source: "kalshi",
  kind: "first_td",
  game_id: "2026_01_SF_LA",
  player_name: `Player ${id}`,
  snapshot_time: "2026-09-10T12:00:00Z",
  captured_at: "2026-09-10T12:03:00Z",
  bid: 0,
  ask: 0.1,
  last_price: 0,
  ...columns,
});

const OLD_ROWS = [
  snapshot(1, { bid: 0.16, ask: 0.18, last_price: 0.17, price_basis: "mid", implied_probability: 0.17 }),
  snapshot(2, { ask: 0.14, price_basis: "ask_upper_bound", implied_probability: 0.14 }),
  snapshot(3, { ask: 1, last_price: 0.01, price_basis: "last", implied_probability: 0.01 }),
  snapshot(4, { ask: 1, price_basis: null, implied_probability: null }),
];

beforeAll(async () => {
  await applyD1Migrations(db, migrationsThrough("0015"));
  await insertRows(db, "market_odds", OLD_ROWS);
  await applyD1Migrations(db, migrationsAfter("0015"));
});

describe("v22: market_odds.price_basis is 'mid' | 'ask' | NULL", () => {
  it("carries the old bases over: mid stays, ask_upper_bound is ask, the last trade prices nothing", async () => {
    expect(await rows(db, "SELECT id, price_basis, implied_probability, bid, ask, last_price FROM market_odds ORDER BY id")).toEqual([
      { id: 1, price_basis: "mid", implied_probability: 0.17, bid: 0.16, ask: 0.18, last_price: 0.17 },
      { id: 2, price_basis: "ask", implied_probability: 0.14, bid: 0, ask: 0.14, last_price: 0 },
      // Its probability stays as history; without a basis it never prices a pick.
      { id: 3, price_basis: null, implied_probability: 0.01, bid: 0, ask: 1, last_price: 0.01 },
      { id: 4, price_basis: null, implied_probability: null, bid: 0, ask: 1, last_price: 0 },
    ]);
  });

  it("leaves no trace of the old column and refuses the old bases", async () => {
    const columns = await columnNames(db, "market_odds");
    expect(columns).toContain("price_basis");
    expect(columns).not.toContain("price_basis_v17");
    for (const basis of ["last", "ask_upper_bound", "guess"]) {
      await expect(db.prepare("UPDATE market_odds SET price_basis = ? WHERE id = 1").bind(basis).run()).rejects.toThrow(/CHECK constraint failed/);
    }
    await db.prepare("UPDATE market_odds SET price_basis = 'ask' WHERE id = 1").run();
  });
});
