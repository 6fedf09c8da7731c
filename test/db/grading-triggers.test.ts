/**
 * The v14 grading triggers (drizzle/0006_v14_triggers.sql), end to end on env.DB: every grading case of
 * DESIGN.md through UPDATEs of games, checking results, standings, player_stats and game_fact_changes, and the
 * recompute of src/db/recompute.ts agreeing after each scenario.
 *
 * Storage is isolated per test file, not per test: every test builds its own season (own weeks, games, users,
 * players), so tests never see each other's rows.
 */
import { applyD1Migrations, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
  expectedPlayerStats,
  expectedResults,
  expectedStandings,
  findDifferences,
  isExact,
} from "../../src/db/recompute";
import type { FirstTdKind } from "../../src/domain/grading";
import { histogramDifferences } from "../../src/services/leaderboards";
import {
  addDefenses,
  addGame,
  addPick,
  addPlayers,
  addUser,
  addWeek,
  clearFirstTd,
  playerStatOf,
  resultOf,
  setFirstTd,
  setNoTdStatement,
  setStatus,
  setVoided,
  standingOf,
} from "../helpers/league";

const db = env.DB;
let nextSeason = 2101;

/**
 * A fresh season: KC at BUF in week 1 (g1), BUF at KC in week 2 (g2), KC and BUF players on the rosters,
 * both DEFs, and six users.
 */
async function world() {
  const season = nextSeason++;
  const p = {
    kcQb: `${season}-KC-QB`,
    kcWr: `${season}-KC-WR`,
    kcRb: `${season}-KC-RB`,
    bufRb: `${season}-BUF-RB`,
    bufWr: `${season}-BUF-WR`,
    bufTe: `${season}-BUF-TE`,
    bufCb: `${season}-BUF-CB`,
    kcDef: "DEF-KC",
    bufDef: "DEF-BUF",
  };
  await addPlayers(db, season, [
    { id: p.kcQb, name: `Kc Quarterback ${season}`, team: "KC", position: "QB" },
    { id: p.kcWr, name: `Kc Receiver ${season}`, team: "KC", position: "WR" },
    { id: p.kcRb, name: `Kc Runner ${season}`, team: "KC", position: "RB" },
    { id: p.bufRb, name: `Buf Runner ${season}`, team: "BUF", position: "RB" },
    { id: p.bufWr, name: `Buf Receiver ${season}`, team: "BUF", position: "WR" },
    { id: p.bufTe, name: `Buf Tight End ${season}`, team: "BUF", position: "TE" },
    { id: p.bufCb, name: `Buf Corner ${season}`, team: "BUF", position: "DB" },
  ]);
  await addDefenses(db, season, ["KC", "BUF"]);
  const week1 = await addWeek(db, season, 1);
  const week2 = await addWeek(db, season, 2);
  const g1 = await addGame(db, { season, week: 1, away: "KC", home: "BUF" });
  const g2 = await addGame(db, { season, week: 2, away: "BUF", home: "KC" });
  const users: number[] = [];
  for (let i = 1; i <= 6; i++) users.push(await addUser(db, `user-${season}-${i}`));
  return { season, p, week1, week2, g1, g2, users: users as [number, number, number, number, number, number] };
}

async function expectExact(season: number) {
  const differences = await findDifferences(db, { season });
  expect(differences.results, "results differ from the recompute").toEqual([]);
  expect(differences.standings, "standings differ from the recompute").toEqual([]);
  expect(differences.playerStats, "player_stats differ from the recompute").toEqual([]);
}

async function outcomes(pickIds: number[]) {
  const out: Array<string | null> = [];
  for (const id of pickIds) out.push((await resultOf(db, id))?.outcome ?? null);
  return out;
}

async function factChanges(game: string) {
  const { results } = await db
    .prepare("SELECT changed_by, before, after, changed_at FROM game_fact_changes WHERE game_id = ? ORDER BY id")
    .bind(game)
    .all<{ changed_by: string | null; before: string; after: string; changed_at: string }>();
  return results.map((r) => ({ ...r, before: JSON.parse(r.before), after: JSON.parse(r.after) }));
}

describe("grading: offensive touchdowns", () => {
  it("credits the receiver, not the passer; DEF of the scoring team loses on an offensive TD", async () => {
    const w = await world();
    const [u1, u2, u3, u4, u5] = w.users;
    const onQb = await addPick(db, u1, w.g1, w.p.kcQb, 3.1);
    const onWr = await addPick(db, u2, w.g1, w.p.kcWr, 5.5);
    const onKcDef = await addPick(db, u3, w.g1, w.p.kcDef, 12);
    const onBufDef = await addPick(db, u4, w.g1, w.p.bufDef);
    const onBufRb = await addPick(db, u5, w.g1, w.p.bufRb);
    expect(await outcomes([onQb, onWr, onKcDef, onBufDef, onBufRb])).toEqual([null, null, null, null, null]);

    await setFirstTd(db, w.g1, { playerId: w.p.kcWr, team: "KC", kind: "reception", by: "espn-sync" });

    expect(await outcomes([onQb, onWr, onKcDef, onBufDef, onBufRb])).toEqual(["loss", "win", "loss", "loss", "loss"]);
    const win = await resultOf(db, onWr);
    expect(win).toMatchObject({ outcome: "win", profit_cu: 450, is_correct: 1, actual_return: 4.5 });
    expect(win!.actual_scorer).toBe(`Kc Receiver ${w.season}`);
    expect(win!.graded_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(await resultOf(db, onQb)).toMatchObject({ outcome: "loss", profit_cu: -100, is_correct: 0, actual_return: -1 });

    for (const week of [0, 1]) {
      expect(await standingOf(db, w.season, week, u2)).toEqual({ picks: 1, wins: 1, losses: 0, voids: 0, units_cu: 450 });
      expect(await standingOf(db, w.season, week, u1)).toEqual({ picks: 1, wins: 0, losses: 1, voids: 0, units_cu: -100 });
    }
    expect(await standingOf(db, w.season, 2, u2)).toBeNull();
    expect(await playerStatOf(db, w.p.kcWr, w.season, "KC")).toMatchObject({
      first_td_count: 1,
      last_td_week: 1,
      position: "WR",
      player_name: `Kc Receiver ${w.season}`,
    });
    expect(await playerStatOf(db, w.p.kcQb, w.season, "KC")).toBeNull();
    expect(await playerStatOf(db, "DEF-KC", w.season, "KC")).toBeNull();
    await expectExact(w.season);
  });

  it("credits a QB who scores on his own run", async () => {
    const w = await world();
    const [u1, u2, u3] = w.users;
    const onQb = await addPick(db, u1, w.g1, w.p.kcQb, 8);
    const onWr = await addPick(db, u2, w.g1, w.p.kcWr);
    const onDef = await addPick(db, u3, w.g1, w.p.kcDef);
    await setFirstTd(db, w.g1, { playerId: w.p.kcQb, team: "KC", kind: "rush" });
    expect(await outcomes([onQb, onWr, onDef])).toEqual(["win", "loss", "loss"]);
    expect((await resultOf(db, onQb))!.profit_cu).toBe(700);
    expect(await playerStatOf(db, w.p.kcQb, w.season, "KC")).toMatchObject({ first_td_count: 1, position: "QB" });
    await expectExact(w.season);
  });
});

describe("grading: defensive and special-teams touchdowns", () => {
  // KC has the ball (posteam KC) on every play; BUF scores.
  const plays: Array<{ what: string; scorer: "bufCb" | "bufWr"; kind: FirstTdKind }> = [
    { what: "interception return", scorer: "bufCb", kind: "defense" },
    { what: "fumble recovery in the end zone", scorer: "bufCb", kind: "defense" },
    { what: "punt return", scorer: "bufWr", kind: "return" },
    { what: "kickoff return", scorer: "bufWr", kind: "return" },
  ];

  for (const play of plays) {
    it(`${play.what} by the team without possession: its DEF and the scorer win, the other DEF loses`, async () => {
      const w = await world();
      const [u1, u2, u3, u4] = w.users;
      const onBufDef = await addPick(db, u1, w.g1, w.p.bufDef, 15);
      const onKcDef = await addPick(db, u2, w.g1, w.p.kcDef, 14);
      const onScorer = await addPick(db, u3, w.g1, w.p[play.scorer], 30);
      const onKcQb = await addPick(db, u4, w.g1, w.p.kcQb, 4);

      await setFirstTd(db, w.g1, { playerId: w.p[play.scorer], team: "BUF", kind: play.kind });

      expect(await outcomes([onBufDef, onKcDef, onScorer, onKcQb])).toEqual(["win", "loss", "win", "loss"]);
      expect((await resultOf(db, onBufDef))!.profit_cu).toBe(1400);
      expect((await resultOf(db, onScorer))!.profit_cu).toBe(2900);
      // The game counts once for the scorer and once for the scoring team's DEF; never for the other DEF.
      expect(await playerStatOf(db, w.p[play.scorer], w.season, "BUF")).toMatchObject({ first_td_count: 1, last_td_week: 1 });
      expect(await playerStatOf(db, "DEF-BUF", w.season, "BUF")).toMatchObject({
        first_td_count: 1,
        last_td_week: 1,
        position: "DEF",
      });
      expect(await playerStatOf(db, "DEF-KC", w.season, "KC")).toBeNull();
      expect(await standingOf(db, w.season, 0, u1)).toEqual({ picks: 1, wins: 1, losses: 0, voids: 0, units_cu: 1400 });
      expect(await standingOf(db, w.season, 0, u2)).toEqual({ picks: 1, wins: 0, losses: 1, voids: 0, units_cu: -100 });
      await expectExact(w.season);
    });
  }

  it("an own-fumble recovery TD ('other') credits the scorer only, not his team's DEF", async () => {
    const w = await world();
    const [u1, u2] = w.users;
    const onDef = await addPick(db, u1, w.g1, w.p.kcDef);
    const onWr = await addPick(db, u2, w.g1, w.p.kcWr);
    await setFirstTd(db, w.g1, { playerId: w.p.kcWr, team: "KC", kind: "other" });
    expect(await outcomes([onDef, onWr])).toEqual(["loss", "win"]);
    expect(await playerStatOf(db, "DEF-KC", w.season, "KC")).toBeNull();
    await expectExact(w.season);
  });

  it("reclassifying the TD from a reception to a return moves the DEF pick to a win, and back", async () => {
    const w = await world();
    const [u1, u2] = w.users;
    const onDef = await addPick(db, u1, w.g1, w.p.bufDef, 9);
    const onWr = await addPick(db, u2, w.g1, w.p.bufWr, 6);
    await setFirstTd(db, w.g1, { playerId: w.p.bufWr, team: "BUF", kind: "reception" });
    expect(await outcomes([onDef, onWr])).toEqual(["loss", "win"]);
    await setFirstTd(db, w.g1, { playerId: w.p.bufWr, team: "BUF", kind: "return" });
    expect(await outcomes([onDef, onWr])).toEqual(["win", "win"]);
    expect(await standingOf(db, w.season, 1, u1)).toEqual({ picks: 1, wins: 1, losses: 0, voids: 0, units_cu: 800 });
    expect(await playerStatOf(db, "DEF-BUF", w.season, "BUF")).toMatchObject({ first_td_count: 1 });
    await setFirstTd(db, w.g1, { playerId: w.p.bufWr, team: "BUF", kind: "reception" });
    expect(await outcomes([onDef, onWr])).toEqual(["loss", "win"]);
    expect(await standingOf(db, w.season, 1, u1)).toEqual({ picks: 1, wins: 0, losses: 1, voids: 0, units_cu: -100 });
    expect(await playerStatOf(db, "DEF-BUF", w.season, "BUF")).toMatchObject({ first_td_count: 0, last_td_week: null });
    expect(await playerStatOf(db, w.p.bufWr, w.season, "BUF")).toMatchObject({ first_td_count: 1 });
    await expectExact(w.season);
  });
});

describe("grading: no TD, cancel, void, postpone", () => {
  it("no TD in the whole game: every pick loses; clearing the flag reopens the picks", async () => {
    const w = await world();
    const [u1, u2, u3] = w.users;
    const picks = [
      await addPick(db, u1, w.g1, w.p.kcWr, 6),
      await addPick(db, u2, w.g1, w.p.bufDef),
      await addPick(db, u3, w.g1, w.p.kcDef),
    ];
    await setNoTdStatement(db, w.g1, true, "espn-sync").run();
    expect(await outcomes(picks)).toEqual(["loss", "loss", "loss"]);
    const r = await resultOf(db, picks[0]!);
    expect(r).toMatchObject({ profit_cu: -100, actual_scorer: "No touchdown", is_correct: 0 });
    expect(await standingOf(db, w.season, 0, u1)).toEqual({ picks: 1, wins: 0, losses: 1, voids: 0, units_cu: -100 });
    await expectExact(w.season);

    await setNoTdStatement(db, w.g1, false).run();
    expect(await outcomes(picks)).toEqual([null, null, null]);
    expect(await standingOf(db, w.season, 0, u1)).toEqual({ picks: 1, wins: 0, losses: 0, voids: 0, units_cu: 0 });
    await expectExact(w.season);
  });

  it("canceled game: picks are void; un-canceling reopens them", async () => {
    const w = await world();
    const [u1, u2] = w.users;
    const a = await addPick(db, u1, w.g1, w.p.kcWr, 6);
    const b = await addPick(db, u2, w.g1, w.p.bufDef);
    await setStatus(db, w.g1, "canceled");
    expect(await outcomes([a, b])).toEqual(["void", "void"]);
    expect(await resultOf(db, a)).toMatchObject({ profit_cu: 0, is_correct: null, actual_return: 0 });
    for (const week of [0, 1]) {
      expect(await standingOf(db, w.season, week, u1)).toEqual({ picks: 1, wins: 0, losses: 0, voids: 1, units_cu: 0 });
    }
    await expectExact(w.season);

    await setStatus(db, w.g1, "scheduled");
    expect(await outcomes([a, b])).toEqual([null, null]);
    expect(await standingOf(db, w.season, 0, u1)).toEqual({ picks: 1, wins: 0, losses: 0, voids: 0, units_cu: 0 });
    await expectExact(w.season);
  });

  it("canceling a game whose first TD was known voids the picks and removes the TD from player stats", async () => {
    const w = await world();
    const [u1, u2] = w.users;
    const a = await addPick(db, u1, w.g1, w.p.kcWr, 6);
    const b = await addPick(db, u2, w.g1, w.p.kcRb);
    await setFirstTd(db, w.g1, { playerId: w.p.kcWr, team: "KC", kind: "reception" });
    expect(await outcomes([a, b])).toEqual(["win", "loss"]);
    expect(await playerStatOf(db, w.p.kcWr, w.season, "KC")).toMatchObject({ first_td_count: 1 });
    await setStatus(db, w.g1, "canceled");
    expect(await outcomes([a, b])).toEqual(["void", "void"]);
    expect(await standingOf(db, w.season, 0, u1)).toEqual({ picks: 1, wins: 0, losses: 0, voids: 1, units_cu: 0 });
    expect(await playerStatOf(db, w.p.kcWr, w.season, "KC")).toMatchObject({ first_td_count: 0, last_td_week: null });
    await expectExact(w.season);
    // Back from canceled (the feed was wrong): graded by the facts again.
    await setStatus(db, w.g1, "final");
    expect(await outcomes([a, b])).toEqual(["win", "loss"]);
    expect(await playerStatOf(db, w.p.kcWr, w.season, "KC")).toMatchObject({ first_td_count: 1 });
    await expectExact(w.season);
  });

  it("voided game: picks are void; un-voiding grades them by the facts", async () => {
    const w = await world();
    const [u1, u2] = w.users;
    const a = await addPick(db, u1, w.g1, w.p.kcWr, 6);
    const b = await addPick(db, u2, w.g1, w.p.kcRb);
    await setFirstTd(db, w.g1, { playerId: w.p.kcWr, team: "KC", kind: "reception" });
    await setVoided(db, w.g1, true);
    expect(await outcomes([a, b])).toEqual(["void", "void"]);
    expect(await standingOf(db, w.season, 1, u1)).toEqual({ picks: 1, wins: 0, losses: 0, voids: 1, units_cu: 0 });
    await expectExact(w.season);
    await setVoided(db, w.g1, false);
    expect(await outcomes([a, b])).toEqual(["win", "loss"]);
    expect(await standingOf(db, w.season, 1, u1)).toEqual({ picks: 1, wins: 1, losses: 0, voids: 0, units_cu: 500 });
    await expectExact(w.season);
  });

  it("a postponed game without facts is not graded; its picks follow the new kickoff", async () => {
    const w = await world();
    const [u1] = w.users;
    const a = await addPick(db, u1, w.g1, w.p.kcWr);
    await db
      .prepare("UPDATE games SET status = 'postponed', kickoff_at = ? WHERE id = ?")
      .bind(`${w.season}-09-13T17:00:00Z`, w.g1)
      .run();
    expect(await resultOf(db, a)).toBeNull();
    await setStatus(db, w.g1, "scheduled");
    await setStatus(db, w.g1, "in_progress");
    await setStatus(db, w.g1, "final");
    expect(await resultOf(db, a)).toBeNull();
    expect(await factChanges(w.g1)).toEqual([]); // status moves that change no graded fact are not fact changes
    expect(await standingOf(db, w.season, 0, u1)).toEqual({ picks: 1, wins: 0, losses: 0, voids: 0, units_cu: 0 });
    await expectExact(w.season);
  });

  it("a game the schedule moved to another week is graded into the week its picks were made in", async () => {
    const w = await world();
    const [u1, u2] = w.users;
    const a = await addPick(db, u1, w.g1, w.p.kcWr);
    const b = await addPick(db, u2, w.g1, w.p.bufRb);
    await addWeek(db, w.season, 3);
    await db.prepare("UPDATE games SET week = 3 WHERE id = ?").bind(w.g1).run(); // a reschedule after the picks
    await setFirstTd(db, w.g1, { playerId: w.p.kcWr, team: "KC", kind: "reception" });
    expect(await outcomes([a, b])).toEqual(["win", "loss"]);
    expect(await standingOf(db, w.season, 1, u1)).toMatchObject({ picks: 1, wins: 1, losses: 0 });
    expect(await standingOf(db, w.season, 1, u2)).toMatchObject({ picks: 1, wins: 0, losses: 1, units_cu: -100 });
    expect(await standingOf(db, w.season, 3, u1)).toBeNull();
    expect(await histogramDifferences(db, w.season)).toEqual([]);
    await clearFirstTd(db, w.g1);
    expect(await standingOf(db, w.season, 1, u2)).toEqual({ picks: 1, wins: 0, losses: 0, voids: 0, units_cu: 0 });
    expect(await histogramDifferences(db, w.season)).toEqual([]);
    await expectExact(w.season);
  });
});

describe("grading: stat corrections", () => {
  it("an overturned TD (facts cleared) removes the results, the standings and the player stat", async () => {
    const w = await world();
    const [u1, u2] = w.users;
    const a = await addPick(db, u1, w.g1, w.p.kcWr, 4.25);
    const b = await addPick(db, u2, w.g1, w.p.kcQb);
    await setFirstTd(db, w.g1, { playerId: w.p.kcWr, team: "KC", kind: "reception", by: "espn-sync" });
    expect(await outcomes([a, b])).toEqual(["win", "loss"]);
    expect(await standingOf(db, w.season, 0, u1)).toEqual({ picks: 1, wins: 1, losses: 0, voids: 0, units_cu: 325 });

    await clearFirstTd(db, w.g1, "admin:alice");
    expect(await outcomes([a, b])).toEqual([null, null]);
    for (const week of [0, 1]) {
      expect(await standingOf(db, w.season, week, u1)).toEqual({ picks: 1, wins: 0, losses: 0, voids: 0, units_cu: 0 });
      expect(await standingOf(db, w.season, week, u2)).toEqual({ picks: 1, wins: 0, losses: 0, voids: 0, units_cu: 0 });
    }
    expect(await playerStatOf(db, w.p.kcWr, w.season, "KC")).toMatchObject({ first_td_count: 0, last_td_week: null });

    const changes = await factChanges(w.g1);
    expect(changes.map((c) => c.changed_by)).toEqual(["espn-sync", "admin:alice"]);
    expect(changes[1]!.before).toMatchObject({ first_td_player_id: w.p.kcWr, first_td_team: "KC", first_td_kind: "reception" });
    expect(changes[1]!.after).toMatchObject({ first_td_player_id: null, first_td_team: null, first_td_kind: null });
    await expectExact(w.season);
  });

  it("a changed scorer moves the win, the units and the player stat", async () => {
    const w = await world();
    const [u1, u2, u3] = w.users;
    const onWr = await addPick(db, u1, w.g1, w.p.kcWr, 5.5);
    const onRb = await addPick(db, u2, w.g1, w.p.kcRb, 3);
    const onBufDef = await addPick(db, u3, w.g1, w.p.bufDef);
    await setFirstTd(db, w.g1, { playerId: w.p.kcWr, team: "KC", kind: "reception", by: "espn-sync" });
    expect(await outcomes([onWr, onRb, onBufDef])).toEqual(["win", "loss", "loss"]);

    await setFirstTd(db, w.g1, { playerId: w.p.kcRb, team: "KC", kind: "rush", by: "admin:bob" });
    expect(await outcomes([onWr, onRb, onBufDef])).toEqual(["loss", "win", "loss"]);
    expect(await resultOf(db, onRb)).toMatchObject({ profit_cu: 200, actual_scorer: `Kc Runner ${w.season}` });
    expect(await standingOf(db, w.season, 0, u1)).toEqual({ picks: 1, wins: 0, losses: 1, voids: 0, units_cu: -100 });
    expect(await standingOf(db, w.season, 0, u2)).toEqual({ picks: 1, wins: 1, losses: 0, voids: 0, units_cu: 200 });
    expect(await playerStatOf(db, w.p.kcWr, w.season, "KC")).toMatchObject({ first_td_count: 0 });
    expect(await playerStatOf(db, w.p.kcRb, w.season, "KC")).toMatchObject({ first_td_count: 1, last_td_week: 1 });

    // Now the scorer is of the other team, on an interception return.
    await setFirstTd(db, w.g1, { playerId: w.p.bufCb, team: "BUF", kind: "defense", by: "admin:bob" });
    expect(await outcomes([onWr, onRb, onBufDef])).toEqual(["loss", "loss", "win"]);
    expect(await playerStatOf(db, w.p.kcRb, w.season, "KC")).toMatchObject({ first_td_count: 0 });
    expect(await playerStatOf(db, w.p.bufCb, w.season, "BUF")).toMatchObject({ first_td_count: 1, position: "DB" });
    expect(await playerStatOf(db, "DEF-BUF", w.season, "BUF")).toMatchObject({ first_td_count: 1 });

    const changes = await factChanges(w.g1);
    expect(changes.map((c) => c.changed_by)).toEqual(["espn-sync", "admin:bob", "admin:bob"]);
    expect(changes[0]!.before).toMatchObject({ first_td_player_id: null, no_td: 0, status: "scheduled", is_voided: 0 });
    expect(changes[0]!.after).toMatchObject({ first_td_player_id: w.p.kcWr, first_td_player_name: `Kc Receiver ${w.season}` });
    expect(changes[1]!.after).toMatchObject({ first_td_player_id: w.p.kcRb, first_td_kind: "rush" });
    expect(changes[2]!.before).toMatchObject({ first_td_player_id: w.p.kcRb });
    expect(changes[2]!.after).toMatchObject({ first_td_player_id: w.p.bufCb, first_td_team: "BUF", first_td_kind: "defense" });
    for (const c of changes) expect(c.changed_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    await expectExact(w.season);
  });

  it("re-sending the same facts changes nothing and records nothing", async () => {
    const w = await world();
    const [u1] = w.users;
    const a = await addPick(db, u1, w.g1, w.p.kcWr, 5.5);
    await setFirstTd(db, w.g1, { playerId: w.p.kcWr, team: "KC", kind: "reception" });
    const gradedAt = (await resultOf(db, a))!.graded_at;
    await setFirstTd(db, w.g1, { playerId: w.p.kcWr, team: "KC", kind: "reception" });
    await setFirstTd(db, w.g1, { playerId: w.p.kcWr, team: "KC", kind: "reception" });
    expect(await factChanges(w.g1)).toHaveLength(1);
    expect((await resultOf(db, a))!.graded_at).toBe(gradedAt);
    expect(await standingOf(db, w.season, 0, u1)).toEqual({ picks: 1, wins: 1, losses: 0, voids: 0, units_cu: 450 });
    expect(await playerStatOf(db, w.p.kcWr, w.season, "KC")).toMatchObject({ first_td_count: 1 });
  });

  it("game_fact_changes records a change of no_td, void and cancel with who", async () => {
    const w = await world();
    await setNoTdStatement(db, w.g1, true, "espn-sync").run();
    await db.prepare("UPDATE games SET is_voided = 1, first_td_recorded_by = 'admin:carol' WHERE id = ?").bind(w.g1).run();
    await db.prepare("UPDATE games SET status = 'canceled', first_td_recorded_by = 'schedule-sync' WHERE id = ?").bind(w.g1).run();
    const changes = await factChanges(w.g1);
    expect(changes.map((c) => c.changed_by)).toEqual(["espn-sync", "admin:carol", "schedule-sync"]);
    expect([changes[0]!.before.no_td, changes[0]!.after.no_td]).toEqual([0, 1]);
    expect([changes[1]!.before.is_voided, changes[1]!.after.is_voided]).toEqual([0, 1]);
    expect([changes[2]!.before.status, changes[2]!.after.status]).toEqual(["scheduled", "canceled"]);
  });
});

describe("player_stats: a fact about games, not picks", () => {
  it("counts one per game even when three users picked the scorer; last_td_week is the latest game", async () => {
    const w = await world();
    const [u1, u2, u3, u4] = w.users;
    const week1Picks = [
      await addPick(db, u1, w.g1, w.p.kcWr, 5),
      await addPick(db, u2, w.g1, w.p.kcWr, 6),
      await addPick(db, u3, w.g1, w.p.kcWr),
    ];
    await setFirstTd(db, w.g1, { playerId: w.p.kcWr, team: "KC", kind: "reception" });
    expect(await outcomes(week1Picks)).toEqual(["win", "win", "win"]);
    expect(await playerStatOf(db, w.p.kcWr, w.season, "KC")).toMatchObject({ first_td_count: 1, last_td_week: 1 });

    // Week 2: nobody picked him; he scores first again.
    const other = await addPick(db, u4, w.g2, w.p.kcQb);
    await setFirstTd(db, w.g2, { playerId: w.p.kcWr, team: "KC", kind: "reception" });
    expect(await outcomes([other])).toEqual(["loss"]);
    expect(await playerStatOf(db, w.p.kcWr, w.season, "KC")).toMatchObject({ first_td_count: 2, last_td_week: 2 });

    // A correction of week 2 takes it back to one, last TD in week 1.
    await setFirstTd(db, w.g2, { playerId: w.p.kcRb, team: "KC", kind: "rush" });
    expect(await playerStatOf(db, w.p.kcWr, w.season, "KC")).toMatchObject({ first_td_count: 1, last_td_week: 1 });
    expect(await playerStatOf(db, w.p.kcRb, w.season, "KC")).toMatchObject({ first_td_count: 1, last_td_week: 2 });

    // Week-by-week and season standings.
    expect(await standingOf(db, w.season, 1, u1)).toEqual({ picks: 1, wins: 1, losses: 0, voids: 0, units_cu: 400 });
    expect(await standingOf(db, w.season, 0, u2)).toEqual({ picks: 1, wins: 1, losses: 0, voids: 0, units_cu: 500 });
    expect(await standingOf(db, w.season, 0, u3)).toEqual({ picks: 1, wins: 1, losses: 0, voids: 0, units_cu: 100 });
    expect(await standingOf(db, w.season, 2, u4)).toEqual({ picks: 1, wins: 0, losses: 1, voids: 0, units_cu: -100 });
    await expectExact(w.season);
  });

  it("a voided game still counts (the TD happened); a canceled one does not", async () => {
    const w = await world();
    await setFirstTd(db, w.g1, { playerId: w.p.kcWr, team: "KC", kind: "reception" });
    await setFirstTd(db, w.g2, { playerId: w.p.kcWr, team: "KC", kind: "reception" });
    await setVoided(db, w.g2, true);
    expect(await playerStatOf(db, w.p.kcWr, w.season, "KC")).toMatchObject({ first_td_count: 2, last_td_week: 2 });
    await setStatus(db, w.g2, "canceled");
    expect(await playerStatOf(db, w.p.kcWr, w.season, "KC")).toMatchObject({ first_td_count: 1, last_td_week: 1 });
    await expectExact(w.season);
  });
});

describe("picks and the triggers", () => {
  it("a pick inserted into an already-graded game is graded at once and counted in the standings", async () => {
    const w = await world();
    const [u1, u2, u3] = w.users;
    await setFirstTd(db, w.g1, { playerId: w.p.bufWr, team: "BUF", kind: "return" });
    // u1 and u2 have no standings row yet: this pick is their first of the season.
    const late1 = await addPick(db, u1, w.g1, w.p.bufDef, 7);
    const late2 = await addPick(db, u2, w.g1, w.p.kcQb);
    expect(await resultOf(db, late1)).toMatchObject({ outcome: "win", profit_cu: 600, is_correct: 1 });
    expect(await resultOf(db, late2)).toMatchObject({ outcome: "loss", profit_cu: -100, is_correct: 0 });
    for (const week of [0, 1]) {
      expect(await standingOf(db, w.season, week, u1)).toEqual({ picks: 1, wins: 1, losses: 0, voids: 0, units_cu: 600 });
      expect(await standingOf(db, w.season, week, u2)).toEqual({ picks: 1, wins: 0, losses: 1, voids: 0, units_cu: -100 });
    }
    // u3 already has a season row (an open week-2 pick) but no week-1 row.
    await addPick(db, u3, w.g2, w.p.kcWr);
    const late3 = await addPick(db, u3, w.g1, w.p.bufWr, 2.5);
    expect(await resultOf(db, late3)).toMatchObject({ outcome: "win", profit_cu: 150 });
    expect(await standingOf(db, w.season, 0, u3)).toEqual({ picks: 2, wins: 1, losses: 0, voids: 0, units_cu: 150 });
    expect(await standingOf(db, w.season, 1, u3)).toEqual({ picks: 1, wins: 1, losses: 0, voids: 0, units_cu: 150 });
    expect(await standingOf(db, w.season, 2, u3)).toEqual({ picks: 1, wins: 0, losses: 0, voids: 0, units_cu: 0 });
    // The player stat is about the game, not the late picks.
    expect(await playerStatOf(db, w.p.bufWr, w.season, "BUF")).toMatchObject({ first_td_count: 1 });
    expect(await playerStatOf(db, "DEF-BUF", w.season, "BUF")).toMatchObject({ first_td_count: 1 });
    await expectExact(w.season);
  });

  it("a pick inserted into a canceled game is void at once, into a no-TD game lost at once", async () => {
    const w = await world();
    const [u1, u2] = w.users;
    await setStatus(db, w.g1, "canceled");
    await setNoTdStatement(db, w.g2, true).run();
    const a = await addPick(db, u1, w.g1, w.p.kcWr, 5);
    const b = await addPick(db, u2, w.g2, w.p.kcWr, 5);
    expect(await resultOf(db, a)).toMatchObject({ outcome: "void", profit_cu: 0 });
    expect(await resultOf(db, b)).toMatchObject({ outcome: "loss", profit_cu: -100, actual_scorer: "No touchdown" });
    expect(await standingOf(db, w.season, 0, u1)).toEqual({ picks: 1, wins: 0, losses: 0, voids: 1, units_cu: 0 });
    expect(await standingOf(db, w.season, 2, u2)).toEqual({ picks: 1, wins: 0, losses: 1, voids: 0, units_cu: -100 });
    await expectExact(w.season);
  });

  it("changing the player of a pick in a graded game regrades it; deleting it takes it out of the standings", async () => {
    const w = await world();
    const [u1] = w.users;
    const a = await addPick(db, u1, w.g1, w.p.kcQb, 4);
    await setFirstTd(db, w.g1, { playerId: w.p.kcWr, team: "KC", kind: "reception" });
    expect(await resultOf(db, a)).toMatchObject({ outcome: "loss", profit_cu: -100 });
    await db
      .prepare("UPDATE picks SET player_id = ?, player_name = ? WHERE id = ?")
      .bind(w.p.kcWr, `Kc Receiver ${w.season}`, a)
      .run();
    expect(await resultOf(db, a)).toMatchObject({ outcome: "win", profit_cu: 300 });
    expect(await standingOf(db, w.season, 0, u1)).toEqual({ picks: 1, wins: 1, losses: 0, voids: 0, units_cu: 300 });
    await expectExact(w.season);
    await db.prepare("DELETE FROM picks WHERE id = ?").bind(a).run();
    expect(await resultOf(db, a)).toBeNull();
    for (const week of [0, 1]) {
      expect(await standingOf(db, w.season, week, u1)).toEqual({ picks: 0, wins: 0, losses: 0, voids: 0, units_cu: 0 });
    }
    await expectExact(w.season);
  });

  it("deleting a week (cascading to its picks) takes those picks out of the standings", async () => {
    const w = await world();
    const [u1, u2] = w.users;
    await addPick(db, u1, w.g1, w.p.kcWr, 5.5);
    await addPick(db, u1, w.g2, w.p.kcRb);
    await addPick(db, u2, w.g1, w.p.kcQb);
    await setFirstTd(db, w.g1, { playerId: w.p.kcWr, team: "KC", kind: "reception" });
    expect(await standingOf(db, w.season, 0, u1)).toEqual({ picks: 2, wins: 1, losses: 0, voids: 0, units_cu: 450 });
    await db.prepare("DELETE FROM weeks WHERE id = ?").bind(w.week1).run();
    expect(await db.prepare("SELECT count(*) AS n FROM picks WHERE week_id = ?").bind(w.week1).first("n")).toBe(0);
    expect(await standingOf(db, w.season, 0, u1)).toEqual({ picks: 1, wins: 0, losses: 0, voids: 0, units_cu: 0 });
    expect(await standingOf(db, w.season, 0, u2)).toEqual({ picks: 0, wins: 0, losses: 0, voids: 0, units_cu: 0 });
    expect(await standingOf(db, w.season, 2, u1)).toEqual({ picks: 1, wins: 0, losses: 0, voids: 0, units_cu: 0 });
    await expectExact(w.season);
  });

  it("a pick takes its position from the roster of the team playing the game", async () => {
    const w = await world();
    const [u1, u2, u3, u4] = w.users;
    // A player traded from KC (where he played TE) to NYJ (listed WR there, his current team).
    const traded = `${w.season}-TRADED`;
    await addPlayers(db, w.season, [
      { id: traded, name: `Traded Player ${w.season}`, team: "KC", position: "TE", isCurrent: 0 },
      { id: traded, name: `Traded Player ${w.season}`, team: "NYJ", position: "WR", isCurrent: 1 },
    ]);
    const onWr = await addPick(db, u1, w.g1, w.p.kcWr);
    const onDef = await addPick(db, u2, w.g1, w.p.bufDef);
    const onTraded = await addPick(db, u3, w.g1, traded);
    const onQb = await addPick(db, u4, w.g1, w.p.kcQb);
    const positions = async () => {
      const { results } = await db
        .prepare("SELECT id, position FROM picks WHERE id IN (?, ?, ?, ?) ORDER BY id")
        .bind(onWr, onDef, onTraded, onQb)
        .all<{ id: number; position: string | null }>();
      return results.map((r) => r.position);
    };
    expect(await positions()).toEqual(["WR", "DEF", "TE", "QB"]);
    // Changing the player takes the new player's position.
    await db.prepare("UPDATE picks SET player_id = ? WHERE id = ?").bind(w.p.bufTe, onQb).run();
    expect(await positions()).toEqual(["WR", "DEF", "TE", "TE"]);
    await db.prepare("UPDATE picks SET player_id = ? WHERE id = ?").bind(w.p.kcRb, onQb).run();
    expect(await positions()).toEqual(["WR", "DEF", "TE", "RB"]);
  });
});

describe("src/db/recompute.ts", () => {
  it("recomputes results, standings and player stats from scratch", async () => {
    const w = await world();
    const [u1, u2, u3] = w.users;
    const a = await addPick(db, u1, w.g1, w.p.kcWr, 5.5);
    const b = await addPick(db, u2, w.g1, w.p.bufDef);
    const c = await addPick(db, u1, w.g2, w.p.kcRb);
    const d = await addPick(db, u3, w.g2, w.p.bufDef, 11.5);
    await setFirstTd(db, w.g1, { playerId: w.p.kcWr, team: "KC", kind: "reception" });
    await setFirstTd(db, w.g2, { playerId: w.p.bufCb, team: "BUF", kind: "defense" });

    expect(await expectedResults(db, { season: w.season })).toEqual([
      { pickId: a, outcome: "win", profitCu: 450, isCorrect: 1, actualScorer: `Kc Receiver ${w.season}`, source: "rules" },
      { pickId: b, outcome: "loss", profitCu: -100, isCorrect: 0, actualScorer: `Kc Receiver ${w.season}`, source: "rules" },
      { pickId: c, outcome: "loss", profitCu: -100, isCorrect: 0, actualScorer: `Buf Corner ${w.season}`, source: "rules" },
      { pickId: d, outcome: "win", profitCu: 1050, isCorrect: 1, actualScorer: `Buf Corner ${w.season}`, source: "rules" },
    ]);
    const row = (week: number, userId: number, picks: number, wins: number, losses: number, unitsCu: number) => ({
      season: w.season, week, userId, picks, wins, losses, voids: 0, unitsCu,
    });
    expect(await expectedStandings(db, { season: w.season })).toEqual([
      row(0, u1, 2, 1, 1, 350),
      row(0, u2, 1, 0, 1, -100),
      row(0, u3, 1, 1, 0, 1050),
      row(1, u1, 1, 1, 0, 450),
      row(1, u2, 1, 0, 1, -100),
      row(2, u1, 1, 0, 1, -100),
      row(2, u3, 1, 1, 0, 1050),
    ]);
    expect(await expectedPlayerStats(db, { season: w.season })).toEqual([
      { playerId: w.p.bufCb, season: w.season, team: "BUF", firstTdCount: 1, lastTdWeek: 2 },
      { playerId: w.p.kcWr, season: w.season, team: "KC", firstTdCount: 1, lastTdWeek: 1 },
      { playerId: "DEF-BUF", season: w.season, team: "BUF", firstTdCount: 1, lastTdWeek: 2 },
    ].sort((x, y) => (x.playerId < y.playerId ? -1 : 1)));
    expect(isExact(await findDifferences(db, { season: w.season }))).toBe(true);
  });

  it("reports every kind of difference, and nothing once repaired", async () => {
    const w = await world();
    const [u1, u2, u3] = w.users;
    const a = await addPick(db, u1, w.g1, w.p.kcWr, 5.5);
    const b = await addPick(db, u2, w.g1, w.p.kcQb);
    const open = await addPick(db, u3, w.g2, w.p.kcQb);
    await setFirstTd(db, w.g1, { playerId: w.p.kcWr, team: "KC", kind: "reception" });
    await expectExact(w.season);
    const season = w.season;

    // Results: a wrong outcome, a missing result, a result on a pick whose game is not graded.
    // (Writes straight to results fire the standings triggers; the standings are tampered with separately.)
    await db.prepare("UPDATE results SET outcome = 'loss', profit_cu = -100, is_correct = 0 WHERE pick_id = ?").bind(a).run();
    await db.prepare("DELETE FROM results WHERE pick_id = ?").bind(b).run();
    await db
      .prepare("INSERT INTO results (pick_id, outcome, profit_cu, is_correct, graded_at) VALUES (?, 'win', 100, 1, '2020-01-01T00:00:00Z')")
      .bind(open)
      .run();
    let diff = await findDifferences(db, { season });
    expect(diff.results).toEqual([
      {
        pickId: a,
        maintained: { outcome: "loss", profitCu: -100, isCorrect: 0, actualScorer: `Kc Receiver ${season}` },
        expected: { outcome: "win", profitCu: 450, isCorrect: 1, actualScorer: `Kc Receiver ${season}` },
      },
      {
        pickId: b,
        maintained: null,
        expected: { outcome: "loss", profitCu: -100, isCorrect: 0, actualScorer: `Kc Receiver ${season}` },
      },
      { pickId: open, maintained: { outcome: "win", profitCu: 100, isCorrect: 1, actualScorer: null }, expected: null },
    ]);
    // The standings followed the tampered results, so they differ from the recompute too.
    expect(diff.standings.map((s) => [s.week, s.userId])).toEqual([
      [0, u1], [0, u2], [0, u3], [1, u1], [1, u2], [2, u3],
    ]);
    expect(diff.standings.find((s) => s.week === 0 && s.userId === u1)).toEqual({
      season, week: 0, userId: u1,
      maintained: { picks: 1, wins: 0, losses: 1, voids: 0, unitsCu: -100 },
      expected: { picks: 1, wins: 1, losses: 0, voids: 0, unitsCu: 450 },
    });
    expect(isExact(diff)).toBe(false);
    // Repair: regrade the game (clear and set the facts again) and drop the stray result.
    await db.prepare("DELETE FROM results WHERE pick_id = ?").bind(open).run();
    await clearFirstTd(db, w.g1);
    await setFirstTd(db, w.g1, { playerId: w.p.kcWr, team: "KC", kind: "reception" });
    await expectExact(season);

    // Standings: a wrong count, a missing row, a stray non-zero row.
    await db.prepare("UPDATE standings SET wins = wins + 1 WHERE season = ? AND week = 1 AND user_id = ?").bind(season, u1).run();
    await db.prepare("DELETE FROM standings WHERE season = ? AND week = 0 AND user_id = ?").bind(season, u2).run();
    await db
      .prepare("INSERT INTO standings (season, week, user_id, picks, units_cu) VALUES (?, 5, ?, 0, 250)")
      .bind(season, u3)
      .run();
    diff = await findDifferences(db, { season });
    expect(diff.results).toEqual([]);
    expect(diff.playerStats).toEqual([]);
    expect(diff.standings).toEqual([
      { season, week: 0, userId: u2, maintained: null, expected: { picks: 1, wins: 0, losses: 1, voids: 0, unitsCu: -100 } },
      {
        season, week: 1, userId: u1,
        maintained: { picks: 1, wins: 2, losses: 0, voids: 0, unitsCu: 450 },
        expected: { picks: 1, wins: 1, losses: 0, voids: 0, unitsCu: 450 },
      },
      { season, week: 5, userId: u3, maintained: { picks: 0, wins: 0, losses: 0, voids: 0, unitsCu: 250 }, expected: null },
    ]);
    // An all-zero row is no difference (a user whose only pick was deleted keeps one).
    await db.prepare("UPDATE standings SET units_cu = 0 WHERE season = ? AND week = 5 AND user_id = ?").bind(season, u3).run();
    await db.prepare("UPDATE standings SET wins = wins - 1 WHERE season = ? AND week = 1 AND user_id = ?").bind(season, u1).run();
    await db
      .prepare("INSERT INTO standings (season, week, user_id, picks, losses, units_cu) VALUES (?, 0, ?, 1, 1, -100)")
      .bind(season, u2)
      .run();
    await expectExact(season);

    // Player stats: a wrong count, a wrong week, a missing row, a count on a row without player_id.
    await db.prepare("UPDATE player_stats SET first_td_count = 3 WHERE player_id = ? AND season = ?").bind(w.p.kcWr, season).run();
    await setFirstTd(db, w.g2, { playerId: w.p.kcRb, team: "KC", kind: "rush" });
    await db.prepare("UPDATE player_stats SET last_td_week = 7 WHERE player_id = ? AND season = ?").bind(w.p.kcRb, season).run();
    await setFirstTd(db, w.g2, { playerId: w.p.bufWr, team: "BUF", kind: "return" });
    await db.prepare("DELETE FROM player_stats WHERE player_id = 'DEF-BUF' AND season = ?").bind(season).run();
    await db
      .prepare("INSERT INTO player_stats (player_name, season, team, first_td_count) VALUES ('Legacy Only', ?, 'KC', 2)")
      .bind(season)
      .run();
    diff = await findDifferences(db, { season });
    expect(diff.results).toEqual([]);
    const byPlayer = Object.fromEntries(diff.playerStats.map((d) => [d.playerId ?? d.playerName, d]));
    expect(Object.keys(byPlayer).sort()).toEqual(["DEF-BUF", "Legacy Only", w.p.kcWr].sort());
    expect(byPlayer[w.p.kcWr]).toMatchObject({ maintained: { firstTdCount: 3, lastTdWeek: 1 }, expected: { firstTdCount: 1, lastTdWeek: 1 } });
    expect(byPlayer["DEF-BUF"]).toMatchObject({ statId: null, maintained: null, expected: { firstTdCount: 1, lastTdWeek: 2 } });
    expect(byPlayer["Legacy Only"]).toMatchObject({ playerId: null, maintained: { firstTdCount: 2 }, expected: { firstTdCount: 0 } });
    // (kcRb's wrong week was repaired by the trigger when the scorer changed away from him.)
    expect(await playerStatOf(db, w.p.kcRb, season, "KC")).toMatchObject({ first_td_count: 0, last_td_week: null });
    await db.prepare("UPDATE player_stats SET last_td_week = 7 WHERE player_id = ? AND season = ?").bind(w.p.kcRb, season).run();
    diff = await findDifferences(db, { season });
    expect(diff.playerStats.find((d) => d.playerId === w.p.kcRb)).toMatchObject({
      maintained: { firstTdCount: 0, lastTdWeek: 7 },
      expected: { firstTdCount: 0, lastTdWeek: null },
    });
    // The limit caps each list.
    expect((await findDifferences(db, { season, limit: 2 })).playerStats).toHaveLength(2);
    // Repair.
    await db.prepare("DELETE FROM player_stats WHERE season = ?").bind(season).run();
    await clearFirstTd(db, w.g1);
    await clearFirstTd(db, w.g2);
    await setFirstTd(db, w.g1, { playerId: w.p.kcWr, team: "KC", kind: "reception" });
    await setFirstTd(db, w.g2, { playerId: w.p.bufWr, team: "BUF", kind: "return" });
    await expectExact(season);
  });

  it("keeps legacy (v8) results of games not graded yet, and replaces them once the game is graded", async () => {
    const w = await world();
    const [u1, u2] = w.users;
    const a = await addPick(db, u1, w.g1, w.p.kcWr, 5.5);
    const b = await addPick(db, u2, w.g1, w.p.kcQb);
    // As the v14 migration leaves them: outcome from is_correct, no graded_at; counted in the standings.
    await db
      .prepare("INSERT INTO results (pick_id, actual_scorer, is_correct, outcome, profit_cu) VALUES (?, 'Someone', 1, 'win', 450)")
      .bind(a)
      .run();
    await db.prepare("INSERT INTO results (pick_id, actual_scorer, is_correct) VALUES (?, 'Someone', NULL)").bind(b).run();
    expect(await standingOf(db, w.season, 0, u1)).toEqual({ picks: 1, wins: 1, losses: 0, voids: 0, units_cu: 450 });
    const expected = await expectedResults(db, { season: w.season });
    expect(expected.map((r) => [r.pickId, r.source, r.outcome])).toEqual([
      [a, "legacy", "win"],
      [b, "legacy", null],
    ]);
    await expectExact(w.season);

    // The feed says otherwise: the rules win.
    await setFirstTd(db, w.g1, { playerId: w.p.kcQb, team: "KC", kind: "rush" });
    expect(await outcomes([a, b])).toEqual(["loss", "win"]);
    expect((await expectedResults(db, { season: w.season })).map((r) => r.source)).toEqual(["rules", "rules"]);
    expect(await standingOf(db, w.season, 0, u1)).toEqual({ picks: 1, wins: 0, losses: 1, voids: 0, units_cu: -100 });
    await expectExact(w.season);
    // Overturned: no result at all any more (the legacy one is gone).
    await clearFirstTd(db, w.g1);
    expect(await outcomes([a, b])).toEqual([null, null]);
    expect(await expectedResults(db, { season: w.season })).toEqual([]);
    await expectExact(w.season);
  });

  it("the v14 migration grades existing data exactly as the recompute does (legacy results kept)", async () => {
    // A separate, empty database (storage is per file): migrate to v13, load data, then apply v14.
    const mdb = env.MIGRATION_DB_4;
    const v14 = env.TEST_MIGRATIONS.findIndex((m) => m.name.startsWith("0006_"));
    expect(v14).toBeGreaterThan(0);
    await applyD1Migrations(mdb, env.TEST_MIGRATIONS.slice(0, v14));
    const q = (sql: string, ...params: unknown[]) => mdb.prepare(sql).bind(...params);
    await mdb.batch([
      q("INSERT INTO users (id, name) VALUES (1, 'ann'), (2, 'bob')"),
      q("INSERT INTO weeks (id, season, week) VALUES (10, 2024, 1)"),
      q("INSERT INTO players (id, full_name, name_key) VALUES ('P-WR', 'Kc Wideout', 'kc wideout'), ('P-QB', 'Kc Passer', 'kc passer'), ('P-DAL', 'Dal Back', 'dal back')"),
      q(`INSERT INTO rosters (season, player_id, player_name, team, position) VALUES
           (2024, 'P-WR', 'Kc Wideout', 'KC', 'WR'), (2024, 'P-QB', 'Kc Passer', 'KC', 'QB'), (2024, 'P-DAL', 'Dal Back', 'DAL', 'RB')`),
      // g1's first TD is known; g2's is not.
      q(`INSERT INTO games (id, season, week, home_team, away_team, kickoff_at, status, first_td_player_id,
           first_td_player_name, first_td_team, first_td_kind) VALUES
           ('2024_01_KC_BUF', 2024, 1, 'BUF', 'KC', '2024-09-08T17:00:00Z', 'final', 'P-WR', 'Kc Wideout', 'KC', 'reception'),
           ('2024_01_DAL_PHI', 2024, 1, 'PHI', 'DAL', '2024-09-08T20:25:00Z', 'final', NULL, NULL, NULL, NULL)`),
      // Legacy odds: +450 American (decimal 5.5), none, decimal 3.2.
      q(`INSERT INTO picks (id, user_id, week_id, team, player_name, odds, game_id, player_id) VALUES
           (100, 1, 10, 'KC', 'Kc Wideout', 450, '2024_01_KC_BUF', 'P-WR'),
           (101, 2, 10, 'KC', 'Kc Passer', NULL, '2024_01_KC_BUF', 'P-QB'),
           (102, 1, 10, 'DAL', 'Dal Back', 3.2, '2024_01_DAL_PHI', 'P-DAL'),
           (103, 2, 10, 'DAL', 'Dal Back', NULL, '2024_01_DAL_PHI', 'P-DAL')`),
      // Legacy results: a wrong one on the graded game, a win and an unknown on the ungraded one.
      q(`INSERT INTO results (pick_id, actual_scorer, is_correct) VALUES
           (100, 'Kc Wideout', 0), (102, 'Dal Back', 1), (103, 'Dal Back', NULL)`),
      q(`INSERT INTO player_stats (player_name, season, team, first_td_count) VALUES
           ('Kc Wideout', 2024, 'KC', 5), ('Nobody Known', 2024, 'KC', 3)`),
    ]);
    await applyD1Migrations(mdb, env.TEST_MIGRATIONS);

    expect(await findDifferences(mdb)).toEqual({ results: [], standings: [], playerStats: [] });
    expect(await expectedResults(mdb)).toEqual([
      { pickId: 100, outcome: "win", profitCu: 450, isCorrect: 1, actualScorer: "Kc Wideout", source: "rules" },
      { pickId: 101, outcome: "loss", profitCu: -100, isCorrect: 0, actualScorer: "Kc Wideout", source: "rules" },
      { pickId: 102, outcome: "win", profitCu: 220, isCorrect: 1, actualScorer: "Dal Back", source: "legacy" },
      { pickId: 103, outcome: null, profitCu: null, isCorrect: null, actualScorer: "Dal Back", source: "legacy" },
    ]);
    const standing = (week: number, user: number) =>
      mdb
        .prepare("SELECT picks, wins, losses, voids, units_cu FROM standings WHERE season = 2024 AND week = ? AND user_id = ?")
        .bind(week, user)
        .first();
    expect(await standing(0, 1)).toEqual({ picks: 2, wins: 2, losses: 0, voids: 0, units_cu: 670 });
    expect(await standing(1, 2)).toEqual({ picks: 2, wins: 0, losses: 1, voids: 0, units_cu: -100 });
    const { results: stats } = await mdb
      .prepare("SELECT player_name, player_id, first_td_count, legacy_first_td_count FROM player_stats ORDER BY player_name")
      .all();
    expect(stats).toEqual([
      { player_name: "Kc Wideout", player_id: "P-WR", first_td_count: 1, legacy_first_td_count: 5 },
      { player_name: "Nobody Known", player_id: null, first_td_count: 0, legacy_first_td_count: 3 },
    ]);

    // After the migration the triggers take over: the DAL game's first TD replaces the legacy results.
    await mdb
      .prepare(
        `UPDATE games SET first_td_player_id = 'P-DAL', first_td_player_name = 'Dal Back', first_td_team = 'DAL',
           first_td_kind = 'rush' WHERE id = '2024_01_DAL_PHI'`,
      )
      .run();
    expect(await standing(0, 2)).toEqual({ picks: 2, wins: 1, losses: 1, voids: 0, units_cu: 0 });
    expect(await findDifferences(mdb)).toEqual({ results: [], standings: [], playerStats: [] });
  });

  it("the whole database (every season of this file) matches the recompute", async () => {
    expect(await findDifferences(db)).toEqual({ results: [], standings: [], playerStats: [] });
    expect((await expectedStandings(db)).length).toBeGreaterThan(50);
  });
});
