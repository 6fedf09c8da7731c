/**
 * v19 score histogram (standings_score_counts, drizzle/0011) and "my rank" read from it: a seeded PRNG drives random
 * picks, pick changes and deletions, gradings, corrections, clears, no-TDs, voids, cancels and a user's deletion
 * over a small league with odds spread over many hundredths; after every step
 *   - the histogram equals a recount of the standings (histogramDifferences is empty),
 *   - every user's rank from getLeaderboard (both sorts, season and week scopes) equals 1 + the number of standings
 *     rows with picks and a strictly better score (the v13 definition, counted directly),
 *   - the maintained tables still equal the recompute (findDifferences), as the v14 property test checks.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { findDifferences, isExact } from "../../src/db/recompute";
import type { AppEnv } from "../../src/env";
import { cursorSigner } from "../../src/services/keyset";
import { getLeaderboard, histogramDifferences } from "../../src/services/leaderboards";
import {
  addDefenses,
  addGame,
  addPlayers,
  addUser,
  addWeek,
  clearFirstTdStatement,
  insertPickStatement,
  setFirstTdStatement,
  setNoTdStatement,
} from "../helpers/league";
import { prng } from "../helpers/prng";

const db = env.DB;
const cursors = cursorSigner((env as AppEnv).SESSION_SECRET);
const SEASON = 2041;
const TEAMS = ["KC", "BUF", "DAL", "PHI", "SF", "SEA"];
const GAMES = [
  { week: 1, away: "KC", home: "BUF" },
  { week: 1, away: "DAL", home: "PHI" },
  { week: 1, away: "SF", home: "SEA" },
  { week: 2, away: "BUF", home: "DAL" },
  { week: 2, away: "PHI", home: "SF" },
  { week: 2, away: "SEA", home: "KC" },
];

async function ranksByCount(season: number, week: number, column: "wins" | "units_cu") {
  const { results } = await db
    .prepare(
      `SELECT s.user_id AS userId, 1 + (SELECT count(*) FROM standings b WHERE b.season = s.season AND b.week = s.week
         AND b.picks > 0 AND b.${column} > s.${column}) AS rank
       FROM standings s WHERE s.season = ? AND s.week = ? AND s.picks > 0`,
    )
    .bind(season, week)
    .all<{ userId: number; rank: number }>();
  return new Map(results.map((r) => [r.userId, r.rank]));
}

describe("score histogram and my rank", () => {
  it("stay exact through 120 random steps", async () => {
    const rng = prng(7);
    const players = TEAMS.flatMap((team) =>
      ["QB", "RB", "WR", "TE"].map((position) => ({ id: `${SEASON}-${team}-${position}`, name: `${team} ${position} ${SEASON}`, team, position })),
    );
    await addPlayers(db, SEASON, players);
    await addDefenses(db, SEASON, TEAMS);
    await addWeek(db, SEASON, 1);
    await addWeek(db, SEASON, 2);
    const games: { id: string; week: number; home: string; away: string }[] = [];
    for (const g of GAMES) games.push({ id: await addGame(db, { season: SEASON, ...g }), ...g });
    const users: number[] = [];
    for (let i = 0; i < 14; i++) users.push(await addUser(db, `histogram-${i}`));
    const pickable = (team: string) => [...players.filter((p) => p.team === team).map((p) => p.id), `DEF-${team}`];

    for (let step = 0; step < 120; step++) {
      const roll = rng.int(100);
      const game = rng.pickOne(games);
      const label = `step ${step}, roll ${roll}, game ${game.id}`;
      if (roll < 40) {
        const user = rng.pickOne(users);
        const player = rng.pickOne([...pickable(game.home), ...pickable(game.away)]);
        // Odds in hundredths across a wide range, so that units take many distinct values and cross bands.
        const odds = rng.chance(0.2) ? null : 1 + (101 + rng.int(4000)) / 100;
        await insertPickStatement(db, user, game.id, player, odds).all().catch(() => null); // duplicates refused: fine
      } else if (roll < 48) {
        const { results } = await db.prepare("SELECT p.id FROM picks p JOIN weeks w ON w.id = p.week_id WHERE w.season = ? ORDER BY p.id").bind(SEASON).all<{ id: number }>();
        if (results.length > 0) await db.prepare("DELETE FROM picks WHERE id = ?").bind(rng.pickOne(results).id).run();
      } else if (roll < 54) {
        const { results } = await db
          .prepare("SELECT p.id, g.home_team AS home FROM picks p JOIN games g ON g.id = p.game_id WHERE g.season = ? ORDER BY p.id")
          .bind(SEASON)
          .all<{ id: number; home: string }>();
        const pick = results.length > 0 ? rng.pickOne(results) : null;
        if (pick) {
          const player = rng.pickOne(pickable(pick.home));
          await db.prepare("UPDATE picks SET player_id = ?, player_name = (SELECT full_name FROM players WHERE id = ?) WHERE id = ?").bind(player, player, pick.id).run().catch(() => null);
        }
      } else if (roll < 78) {
        const team = rng.chance(0.5) ? game.home : game.away;
        const scorer = rng.chance(0.15) ? `DEF-${team}` : rng.pickOne(pickable(team).filter((p) => !p.startsWith("DEF-")));
        const kind = scorer.startsWith("DEF-") ? "return" : rng.pickOne(["rush", "reception"] as const);
        await setFirstTdStatement(db, game.id, { playerId: scorer, team, kind }).run();
      } else if (roll < 86) {
        await clearFirstTdStatement(db, game.id).run();
      } else if (roll < 90) {
        await setNoTdStatement(db, game.id, rng.chance(0.7)).run();
      } else if (roll < 94) {
        await db.prepare("UPDATE games SET is_voided = 1 - is_voided WHERE id = ?").bind(game.id).run();
      } else if (roll < 97) {
        await db.prepare("UPDATE games SET status = CASE status WHEN 'canceled' THEN 'final' ELSE 'canceled' END WHERE id = ?").bind(game.id).run();
      } else if (users.length > 6) {
        const user = users.splice(rng.int(users.length), 1)[0]!;
        await db.prepare("DELETE FROM users WHERE id = ?").bind(user).run();
      }

      expect(await histogramDifferences(db, SEASON), label).toEqual([]);
      if (step % 10 === 9) expect(isExact(await findDifferences(db, { season: SEASON })), label).toBe(true);
      for (const week of [0, 1, 2]) {
        for (const sort of ["wins", "units"] as const) {
          const expected = await ranksByCount(SEASON, week, sort === "wins" ? "wins" : "units_cu");
          for (const userId of users) {
            const board = await getLeaderboard(db, { season: SEASON, week: week === 0 ? undefined : week, sort, limit: 5, callerUserId: userId }, cursors);
            expect(board.me?.rank ?? null, `${label}: user ${userId}, week ${week}, ${sort}`).toBe(expected.get(userId) ?? null);
          }
        }
      }
    }
    const counted = await db.prepare("SELECT count(*) AS n FROM standings_score_counts WHERE season = ?").bind(SEASON).first<{ n: number }>();
    expect(counted!.n).toBeGreaterThan(10);
  }, 120_000);

  it("is filled by the migration for existing standings and empty of counts while no grading runs", async () => {
    expect(await db.prepare("SELECT count(*) AS n FROM grading_in_progress").first("n")).toBe(0);
    expect(await histogramDifferences(db, undefined)).toEqual([]);
  });
});
