/**
 * readTogether (src/db/client.ts): Drizzle selects in one D1 batch. A batch answers rows as objects keyed by column
 * name, so two selected columns of one name would collapse and shift every value after them (the league summaries'
 * commissioner name once overwrote the league's): readTogether refuses such a select instead of answering wrong.
 */
import { env } from "cloudflare:test";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDatabase, rawRows, readTogether } from "../../src/db/client";
import { leagues, users } from "../../src/db/schema";

const db = createDatabase(env.DB);

describe("readTogether", async () => {
  const [user] = await db.insert(users).values({ name: "Commissioner Casey" }).returning();
  const [league] = await db.insert(leagues).values({ name: "Sunday Crew", commissionerId: user!.id, createdAt: "2026-12-01T00:00:00Z" }).returning();
  const joined = () => db.select({ id: leagues.id, name: leagues.name, commissionerName: users.name }).from(leagues).innerJoin(users, eq(users.id, leagues.commissionerId));

  it("answers each read as Drizzle maps it, raw SQL as its rows, in one batch", async () => {
    const read = await readTogether(db, {
      league: db.select({ id: leagues.id, name: leagues.name }).from(leagues).where(eq(leagues.id, league!.id)),
      count: rawRows<{ n: number }>(sql`SELECT count(*) AS n FROM users WHERE id = ${user!.id}`),
    });
    expect(read).toEqual({ league: [{ id: league!.id, name: "Sunday Crew" }], count: [{ n: 1 }] });
  });

  it("refuses a select whose two columns share a name, and answers right once one is aliased", async () => {
    await expect(readTogether(db, { summary: joined() })).rejects.toThrow(/selects 3 fields but answers 2 columns/);
    const aliased = await readTogether(db, {
      summary: db
        .select({ id: leagues.id, name: leagues.name, commissionerName: sql<string>`${users.name}`.as("commissioner_name") })
        .from(leagues)
        .innerJoin(users, eq(users.id, leagues.commissionerId)),
    });
    expect(aliased.summary).toEqual([{ id: league!.id, name: "Sunday Crew", commissionerName: "Commissioner Casey" }]);
  });
});
