import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { gameFactChanges, games, players, rosters } from "../db/schema";
import type { FirstTdKind } from "../domain/grading";
import { defensePlayerId } from "../domain/teams";
import type { Database } from "../env";
import { ApiError } from "../http/errors";
import { nowIso } from "../lib/clock";
import { isLocked } from "../domain/picks";
import { getGameRow } from "./games";

/** What is known about a game's first touchdown: a player, a team's defense (scorer unknown), no TD, or nothing. */
export type FirstTdFact =
  | { type: "player"; playerId: string; kind: FirstTdKind; playText?: string | null }
  | { type: "defense"; team: string; kind: Extract<FirstTdKind, "return" | "defense">; playText?: string | null }
  | { type: "no_td" }
  | { type: "clear" };

export type GameFactColumns = Required<
  Pick<typeof games.$inferInsert, "firstTdPlayerId" | "firstTdPlayerName" | "firstTdTeam" | "firstTdKind" | "firstTdPlayText" | "noTd">
>;

export const CLEARED_FACTS: GameFactColumns = {
  firstTdPlayerId: null,
  firstTdPlayerName: null,
  firstTdTeam: null,
  firstTdKind: null,
  firstTdPlayText: null,
  noTd: 0,
};

/** The scorer's team in this game: the one of the two teams whose roster he is on that season. */
async function scorerTeam(db: Database, game: typeof games.$inferSelect, playerId: string) {
  const [row] = await db
    .select({ fullName: players.fullName, team: rosters.team })
    .from(players)
    .leftJoin(
      rosters,
      and(eq(rosters.playerId, players.id), eq(rosters.season, game.season), inArray(rosters.team, [game.homeTeam, game.awayTeam])),
    )
    .where(eq(players.id, playerId))
    .orderBy(desc(rosters.isCurrent))
    .limit(1);
  if (!row) throw new ApiError("player_not_found", `No player ${playerId}.`);
  if (!row.team) {
    throw new ApiError("invalid_first_td", `${row.fullName} is on neither team's ${game.season} roster in ${game.id}.`, [
      { field: "body.playerId", problem: "not on either team's roster" },
    ]);
  }
  return { fullName: row.fullName, team: row.team };
}

async function factColumns(db: Database, game: typeof games.$inferSelect, fact: FirstTdFact): Promise<GameFactColumns> {
  switch (fact.type) {
    case "clear":
      return CLEARED_FACTS;
    case "no_td":
      return { ...CLEARED_FACTS, noTd: 1 };
    case "defense": {
      if (fact.team !== game.homeTeam && fact.team !== game.awayTeam) {
        throw new ApiError("invalid_first_td", `${fact.team} does not play in ${game.id}.`, [
          { field: "body.team", problem: `must be ${game.awayTeam} or ${game.homeTeam}` },
        ]);
      }
      const defenseId = defensePlayerId(fact.team);
      const defense = await db.query.players.findFirst({ where: eq(players.id, defenseId) });
      return {
        firstTdPlayerId: defenseId,
        firstTdPlayerName: defense?.fullName ?? defenseId,
        firstTdTeam: fact.team,
        firstTdKind: fact.kind,
        firstTdPlayText: fact.playText ?? null,
        noTd: 0,
      };
    }
    case "player": {
      const scorer = await scorerTeam(db, game, fact.playerId);
      return {
        firstTdPlayerId: fact.playerId,
        firstTdPlayerName: scorer.fullName,
        firstTdTeam: scorer.team,
        firstTdKind: fact.kind,
        firstTdPlayText: fact.playText ?? null,
        noTd: 0,
      };
    }
  }
}

/**
 * The one write that records a game's first-TD facts, whoever found them (an admin or the live sync): the triggers
 * grade every pick of the game, move standings and player stats, and log the change as `by`. Whoever records facts
 * owns them (first_td_recorded_by): the live sync never overwrites a person's facts; cleared facts belong to nobody,
 * so clearing hands the game back to the feed.
 */
export function firstTdFactsStatement(d1: D1Database, gameId: string, facts: GameFactColumns, by: string, now: Date) {
  const cleared = facts.firstTdTeam === null && facts.firstTdPlayerId === null && facts.noTd === 0;
  return d1
    .prepare(
      `UPDATE games SET first_td_player_id = ?, first_td_player_name = ?, first_td_team = ?, first_td_kind = ?,
         first_td_play_text = ?, no_td = ?, first_td_recorded_at = ?, first_td_recorded_by = ?, updated_at = ?, updated_by = ?
       WHERE id = ?`,
    )
    .bind(
      facts.firstTdPlayerId,
      facts.firstTdPlayerName,
      facts.firstTdTeam,
      facts.firstTdKind,
      facts.firstTdPlayText,
      facts.noTd,
      nowIso(now),
      cleared ? null : by,
      nowIso(now),
      by,
      gameId,
    );
}

/**
 * Records (or corrects, or clears) a game's first-TD facts. The triggers grade every pick of the game, move standings
 * and player stats, and log the change with `recordedBy`: admins and the live sync use this same path.
 */
export async function recordFirstTd(db: Database, gameId: string, fact: FirstTdFact, recordedBy: string, now: Date) {
  const game = await getGameRow(db, gameId);
  // A fact about a game not yet begun is wrong, and it would lock the game for good (and show its picks early).
  if (fact.type !== "clear" && !isLocked(game, now)) {
    throw new ApiError("game_not_started", `${game.id} has not kicked off (${game.kickoffAt ?? "no kickoff"}): it has no first touchdown yet.`, {
      kickoffAt: game.kickoffAt,
    });
  }
  const columns = await factColumns(db, game, fact);
  await firstTdFactsStatement(db.$client, gameId, columns, recordedBy, now).run();
  return gradingSummary(db, gameId);
}

/**
 * Voids (or un-voids) a game for the pick'em: its picks become void, through the same grading triggers. The void is a
 * person's decision about the pick'em, not a fact about the game: it leaves the first-TD facts and their owner alone,
 * so the live sync keeps recording the game underneath and an un-void grades it on what is known by then.
 */
export async function setGameVoided(db: Database, gameId: string, voided: boolean, recordedBy: string, now: Date) {
  await getGameRow(db, gameId);
  await db
    .update(games)
    .set({ isVoided: voided ? 1 : 0, updatedBy: recordedBy, updatedAt: nowIso(now) })
    .where(eq(games.id, gameId));
  return gradingSummary(db, gameId);
}

async function gradingSummary(db: Database, gameId: string) {
  const [counts] = await db.all<{ picks: number; wins: number; losses: number; voids: number; ungraded: number }>(sql`
    SELECT count(*) AS picks,
      count(*) FILTER (WHERE r.outcome = 'win') AS wins,
      count(*) FILTER (WHERE r.outcome = 'loss') AS losses,
      count(*) FILTER (WHERE r.outcome = 'void') AS voids,
      count(*) FILTER (WHERE r.id IS NULL) AS ungraded
    FROM picks p LEFT JOIN results r ON r.pick_id = p.id WHERE p.game_id = ${gameId}`);
  const history = await db
    .select()
    .from(gameFactChanges)
    .where(eq(gameFactChanges.gameId, gameId))
    .orderBy(desc(gameFactChanges.id))
    .limit(1);
  return { gameId, grading: counts!, lastChange: history[0] ?? null };
}
