import { env } from "cloudflare:test";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { findDifferences, isExact } from "../../src/db/recompute";
import { easternDateOf, easternWallClockToUtc } from "../../src/domain/eastern-time";
import { currentSeason } from "../../src/jobs/season";
import gamesFile from "../fixtures/jobs/games_2025.csv?raw";
import rosterFile from "../fixtures/jobs/roster_2025.csv?raw";
import aliasesFile from "../fixtures/nflverse/clean_player_names_excerpt.csv?raw";
import { api, createUserWithToken, seedMarketOdds, type TestUser } from "../helpers/api";
import { showOnGlobalBoard } from "../helpers/boards";
import { addDays, addDaysToDate, addMinutes, weeksIntoFuture } from "../helpers/real-clock";
import { lastRun, rows, runScheduled } from "./support/db";
import { corePlay, scoreboard, summary, type GameState, type PlaySpec } from "./support/espn";
import { csv, FakeUpstream, json, status, urls } from "./support/upstream";

/**
 * One week end to end through the public surface: the Cron Triggers run the schedule and roster syncs, users pick
 * through the API before kickoff, the clock moves (Date is faked) and the live-sync cron grades each game from
 * ESPN as it is played; then the leaderboards and player stats are read through the API, and a scorer correction
 * in the ESPN feed regrades the week exactly (checked by hand and against src/db/recompute.ts).
 *
 * The week is Week 1 of 2025 as the fixtures have it, moved by whole weeks into the real future (same weekdays and
 * Eastern kickoff times, the season renamed to the one the moved dates belong to): the database judges the pick lock
 * by its own, real clock, so picks can only be made before kickoffs that are still ahead in real time. The Worker's
 * clock (Date) is faked from there on, within that future. It is the three games whose teams the roster fixture
 * covers (the other Week 1 rows are left out of the served games.csv, so that every game of the week is played and
 * graded):
 *   G1 DAL at PHI, Thursday:        no touchdown (6-3)                    -> every pick loses
 *   G2 KC at LAC, Friday, Sao Paulo: Derwin James pick-six (LAC)          -> DEF-LAC wins
 *   G3 TB at ATL, Sunday:           Bijan Robinson 3-yard run             -> corrected later to Drake London's catch
 */

/** Whole weeks between the fixtures' week and the week played here (from the schedule load to the correction). */
const WEEKS = weeksIntoFuture("2025-08-20T09:30:00Z", "2025-09-08T00:00:00Z");
/** An instant of the fixtures' 2025 week, moved with the week (UTC: same time of day). */
const moved = (instant: string) => addDays(instant, 7 * WEEKS);
/** A date of the fixtures' games.csv (US-Eastern), moved with the week. */
const movedDate = (gameday: string) => addDaysToDate(gameday, 7 * WEEKS);
const SEASON = currentSeason(new Date(moved("2025-09-04T12:00:00Z")));

function weekGame(matchup: string, eventId: string, gameday: string, gametime: string, away: string, home: string) {
  return { id: `${SEASON}_01_${matchup}`, eventId, kickoffAt: easternWallClockToUtc(movedDate(gameday), gametime)!, away, home };
}
const G1 = weekGame("DAL_PHI", "401772510", "2025-09-04", "20:20", "DAL", "PHI");
const G2 = weekGame("KC_LAC", "401772714", "2025-09-05", "20:00", "KC", "LAC");
const G3 = weekGame("TB_ATL", "401772830", "2025-09-07", "13:00", "TB", "ATL");
type WeekGame = typeof G1;

/** games.csv with the fixture's 2025 season moved: ids, season and gameday (the cells before any quoted one). */
function movedSchedule(file: string): string {
  return file
    .split("\n")
    .map((line) => {
      const cells = line.split(",");
      if (cells[1] !== "2025") return line;
      cells[0] = cells[0]!.replace(/^2025_/, `${SEASON}_`);
      cells[1] = String(SEASON);
      cells[4] = movedDate(cells[4]!);
      return cells.join(",");
    })
    .join("\n");
}

/** roster_{season}.csv: the fixture's rows, of the moved season. */
const movedRoster = (file: string) => file.replace(/^2025,/gm, `${SEASON},`);

const ID = {
  brown: "00-0035676",
  barkley: "00-0034844",
  smith: "00-0036912",
  hurts: "00-0036389",
  lamb: "00-0036358",
  kelce: "00-0030506",
  mcconkey: "00-0039915",
  herbert: "00-0036355",
  derwinJames: "00-0034790",
  bijan: "00-0038542",
  london: "00-0037238",
  evans: "00-0031408",
  mayfield: "00-0034855",
};

const upstream = new FakeUpstream();
let users: Record<"u1" | "u2" | "u3" | "u4" | "u5", TestUser>;

function at(instant: string) {
  vi.setSystemTime(new Date(instant));
}

async function cron(expression: string) {
  const result = await runScheduled(expression);
  expect(result.outcome).toBe("ok");
  const run = await lastRun();
  expect(run).toMatchObject({ trigger: "cron", cron: expression, status: "ok" });
  return run;
}

function espn(game: WeekGame, state: GameState, score: [number, number], plays: PlaySpec[], core: Record<string, [string, string][]> = {}) {
  const event = { eventId: game.eventId, kickoffAt: game.kickoffAt, away: game.away, home: game.home, state, awayScore: score[0], homeScore: score[1], season: SEASON };
  // ESPN's scoreboard is asked for the game's US-Eastern date.
  upstream.on(urls.scoreboard(easternDateOf(game.kickoffAt)!), json(scoreboard([event], 1, SEASON)));
  upstream.on(urls.summary(game.eventId), json(summary({ ...event, plays })));
  for (const play of plays) {
    const participants = core[play.id];
    upstream.on(urls.corePlay(game.eventId, play.id), participants ? json(corePlay({ eventId: game.eventId, play, participants })) : status(404));
  }
}

async function pick(user: TestUser, game: WeekGame, playerId: string) {
  return api("/v1/picks", { method: "POST", token: user.token, body: { gameId: game.id, playerId } });
}

interface Entry {
  rank: number;
  userId: number;
  picks: number;
  wins: number;
  losses: number;
  voids: number;
  units: number;
}

/** The whole leaderboard as { user: [rank, picks, wins, losses, voids, units] }. */
async function leaderboard(path: string, sort: "wins" | "units") {
  const response = await api(`${path}?sort=${sort}&limit=100`, { token: users.u1.token });
  expect(response.status).toBe(200);
  const byUser = Object.fromEntries(Object.entries(users).map(([key, user]) => [user.id, key]));
  return Object.fromEntries(
    (response.json.entries as Entry[]).map((e) => [byUser[e.userId], [e.rank, e.picks, e.wins, e.losses, e.voids, e.units]]),
  );
}

/** GET /v1/player-stats as { playerId: [firstTdCount, team, position] }, players with a count only. */
async function playerStats() {
  const response = await api(`/v1/player-stats?season=${SEASON}&limit=100`, { token: users.u1.token });
  expect(response.status).toBe(200);
  return Object.fromEntries(
    (response.json.entries as { playerId: string; firstTdCount: number; team: string; position: string }[])
      .filter((e) => e.firstTdCount > 0)
      .map((e) => [e.playerId, [e.firstTdCount, e.team, e.position]]),
  );
}

const play = (id: string, type: string, text: string, team: string, period: number, clock: string, awayScore: number, homeScore: number): PlaySpec => ({
  id,
  type,
  text,
  team,
  period,
  clock,
  awayScore,
  homeScore,
});

const G1_FIELD_GOALS = [
  play("4017725101", "Field Goal Good", "Jake Elliott 33 Yd Field Goal", "PHI", 1, "4:12", 0, 3),
  play("4017725102", "Field Goal Good", "Brandon Aubrey 57 Yd Field Goal", "DAL", 3, "9:40", 3, 3),
  play("4017725103", "Field Goal Good", "Jake Elliott 29 Yd Field Goal", "PHI", 4, "0:03", 3, 6),
];
const G2_PICK_SIX = play("4017727141", "Interception Return Touchdown", "Derwin James 45 Yd Interception Return (Cameron Dicker Kick)", "LAC", 1, "10:51", 0, 7);
// The rest of each game's scoring: a final summary must add up to its final score, or the live sync trusts none of it.
const G2_LATER = [
  play("4017727142", "Passing Touchdown", "Travis Kelce 11 Yd pass from Patrick Mahomes (Harrison Butker Kick)", "KC", 2, "3:20", 7, 7),
  play("4017727143", "Field Goal Good", "Cameron Dicker 48 Yd Field Goal", "LAC", 2, "0:04", 7, 10),
  play("4017727144", "Passing Touchdown", "Xavier Worthy 22 Yd pass from Patrick Mahomes (Harrison Butker Kick)", "KC", 3, "9:10", 14, 10),
  play("4017727145", "Rushing Touchdown", "Omarion Hampton 4 Yd Run (Cameron Dicker Kick)", "LAC", 3, "2:15", 14, 17),
  play("4017727146", "Field Goal Good", "Cameron Dicker 51 Yd Field Goal", "LAC", 4, "11:40", 14, 20),
  play("4017727147", "Rushing Touchdown", "Isiah Pacheco 1 Yd Run (Harrison Butker Kick)", "KC", 4, "6:05", 21, 20),
  play("4017727148", "Passing Touchdown", "Ladd McConkey 17 Yd pass from Justin Herbert (Cameron Dicker Kick)", "LAC", 4, "1:12", 21, 27),
];
const G3_FIRST = play("4017728301", "Rushing Touchdown", "Bijan Robinson 3 Yd Run (Zane Gonzalez Kick)", "ATL", 1, "6:30", 0, 7);
const G3_FIRST_CORRECTED = { ...G3_FIRST, type: "Passing Touchdown", text: "Drake London 3 Yd pass from Michael Penix Jr. (Zane Gonzalez Kick)" };
const G3_LATER = [
  play("4017728302", "Field Goal Good", "Chase McLaughlin 41 Yd Field Goal", "TB", 2, "11:02", 3, 7),
  play("4017728303", "Field Goal Good", "Zane Gonzalez 38 Yd Field Goal", "ATL", 2, "0:12", 3, 10),
  play("4017728304", "Passing Touchdown", "Mike Evans 25 Yd pass from Baker Mayfield (Chase McLaughlin Kick)", "TB", 3, "7:45", 10, 10),
  play("4017728305", "Passing Touchdown", "Kyle Pitts 9 Yd pass from Michael Penix Jr. (Zane Gonzalez Kick)", "ATL", 4, "10:20", 10, 17),
  play("4017728306", "Field Goal Good", "Chase McLaughlin 33 Yd Field Goal", "TB", 4, "4:33", 13, 17),
  play("4017728307", "Field Goal Good", "Zane Gonzalez 45 Yd Field Goal", "ATL", 4, "0:58", 13, 20),
];

beforeAll(async () => {
  upstream.install();
  vi.useFakeTimers({ toFake: ["Date"] });
});
afterAll(() => {
  vi.useRealTimers();
  upstream.restore();
});
afterEach(() => expect(upstream.unrouted).toEqual([]));

describe("a week from schedule to standings, then a stat correction", () => {
  it("the schedule and roster crons load the season", async () => {
    const keep = new Set([G1.id, G2.id, G3.id]);
    const lines = movedSchedule(gamesFile).trimEnd().split("\n");
    const served = lines.filter((line, i) => i === 0 || !line.startsWith(`${SEASON}_01_`) || keep.has(line.slice(0, line.indexOf(","))));
    upstream.on(urls.games(), csv(served.join("\n") + "\n"));
    upstream.on(urls.roster(SEASON), csv(movedRoster(rosterFile)));
    upstream.on(urls.playerAliases(), csv(aliasesFile));

    at(moved("2025-08-20T09:30:00Z"));
    const schedule = await cron("30 9 * * *");
    expect(schedule).toMatchObject({ job: "schedule-sync", season: SEASON, inserted_count: 10 });
    at(moved("2025-08-21T09:00:00Z"));
    const roster = await cron("0 9 * * *");
    expect(roster).toMatchObject({ job: "roster-sync", season: SEASON, inserted_count: 48 });
    expect(await rows("SELECT id, kickoff_at FROM games WHERE season = ? AND week = 1 ORDER BY kickoff_at", SEASON)).toEqual([
      { id: G1.id, kickoff_at: G1.kickoffAt },
      { id: G2.id, kickoff_at: G2.kickoffAt },
      { id: G3.id, kickoff_at: G3.kickoffAt },
    ]);
  });

  it("users pick through the API before kickoff, at the market's prices", async () => {
    users = {
      u1: await createUserWithToken("e2e-u1"),
      u2: await createUserWithToken("e2e-u2"),
      u3: await createUserWithToken("e2e-u3"),
      u4: await createUserWithToken("e2e-u4"),
      u5: await createUserWithToken("e2e-u5"),
    };
    // They chose to appear on the global board, which the checks below read.
    await showOnGlobalBoard(Object.values(users));
    // Snapshots of the market sync ten minutes before the picks (a pick counts those of the last 30 minutes), priced at
    // the probability of these American odds.
    const price = (game: WeekGame, playerId: string, playerName: string, americanOdds: number) => ({
      gameId: game.id,
      playerId,
      playerName,
      impliedProbability: 100 / (americanOdds + 100),
      americanOdds,
      snapshotTime: moved("2025-09-02T17:50:00Z"),
    });
    await seedMarketOdds([
      price(G1, ID.brown, "A.J. Brown", 700),
      price(G1, ID.barkley, "Saquon Barkley", 450),
      price(G1, ID.lamb, "CeeDee Lamb", 800),
      price(G2, ID.kelce, "Travis Kelce", 650),
      price(G2, "DEF-LAC", "Los Angeles Chargers D/ST", 2500),
      price(G2, ID.mcconkey, "Ladd McConkey", 900),
      price(G3, ID.bijan, "Bijan Robinson", 400),
      price(G3, ID.evans, "Mike Evans", 700),
    ]);

    at(moved("2025-09-02T18:00:00Z"));
    const plan: [TestUser, WeekGame, string][] = [
      [users.u1, G1, ID.brown],
      [users.u1, G2, ID.kelce],
      [users.u1, G3, ID.bijan],
      [users.u2, G1, ID.barkley],
      [users.u2, G2, "DEF-LAC"],
      [users.u2, G3, ID.evans],
      [users.u3, G1, ID.lamb],
      [users.u3, G2, ID.mcconkey],
      [users.u3, G3, ID.london],
      [users.u4, G1, ID.smith],
      [users.u4, G3, ID.bijan],
      [users.u5, G1, ID.hurts],
      [users.u5, G2, ID.herbert],
      [users.u5, G3, ID.mayfield],
    ];
    for (const [user, game, playerId] of plan) {
      const response = await pick(user, game, playerId);
      expect(response.status, `${user.name} ${game.id} ${playerId}: ${JSON.stringify(response.json)}`).toBe(201);
    }
    // The frozen probability is rounded to six decimals (1/26 -> 0.038462): its decimal odds to the third.
    expect(await rows("SELECT p.player_id, round(p.decimal_odds, 3) AS decimal_odds FROM picks p WHERE p.user_id = ? ORDER BY p.id", users.u2.id)).toEqual([
      { player_id: ID.barkley, decimal_odds: 5.5 },
      { player_id: "DEF-LAC", decimal_odds: 26 },
      { player_id: ID.evans, decimal_odds: 8 },
    ]);
  });

  it("Thursday: the opener locks at kickoff and ends without a touchdown: its picks lose", async () => {
    at(addMinutes(G1.kickoffAt, -10));
    espn(G1, "pre", [0, 0], []);
    await cron("*/2 * * * *");

    at(addMinutes(G1.kickoffAt, 70));
    espn(G1, "in", [0, 3], G1_FIELD_GOALS.slice(0, 1));
    await cron("*/2 * * * *");
    const late = await pick(users.u4, G1, ID.hurts);
    expect([late.status, late.json.error?.code]).toEqual([409, "game_locked"]);
    expect(await rows("SELECT count(*) AS n FROM results r JOIN picks p ON p.id = r.pick_id WHERE p.game_id = ?", G1.id)).toEqual([{ n: 0 }]);

    at(addMinutes(G1.kickoffAt, 195));
    espn(G1, "post", [3, 6], G1_FIELD_GOALS);
    await cron("*/2 * * * *");
    expect(await rows("SELECT status, no_td, away_score, home_score FROM games WHERE id = ?", G1.id)).toEqual([
      { status: "final", no_td: 1, away_score: 3, home_score: 6 },
    ]);
    expect(await rows("SELECT DISTINCT r.outcome FROM results r JOIN picks p ON p.id = r.pick_id WHERE p.game_id = ?", G1.id)).toEqual([{ outcome: "loss" }]);
  });

  it("Friday: a pick-six in Sao Paulo: the scorer's defense wins", async () => {
    at(addMinutes(G2.kickoffAt, 60));
    espn(G2, "in", [0, 7], [G2_PICK_SIX], {
      [G2_PICK_SIX.id]: [["passer", "3139477"], ["interceptor", "3691739"], ["scorer", "3691739"], ["patScorer", "4362081"]],
    });
    upstream.clearCalls();
    const run = await cron("*/2 * * * *");
    expect(run.details).toMatchObject({ games: 1, firstTdRecorded: [{ gameId: G2.id, playerId: ID.derwinJames, via: "core_play" }] });
    // The opener (final, graded a day ago) is no longer watched: only Friday's game is asked about.
    expect(upstream.calls.map((c) => c.url)).toEqual([urls.scoreboard(easternDateOf(G2.kickoffAt)!), urls.summary(G2.eventId), urls.corePlay(G2.eventId, G2_PICK_SIX.id)]);

    at(addMinutes(G2.kickoffAt, 200));
    espn(G2, "post", [21, 27], [G2_PICK_SIX, ...G2_LATER], {
      [G2_PICK_SIX.id]: [["passer", "3139477"], ["scorer", "3691739"]],
    });
    await cron("*/2 * * * *");
    expect(await rows("SELECT status, first_td_player_id, first_td_team, first_td_kind FROM games WHERE id = ?", G2.id)).toEqual([
      { status: "final", first_td_player_id: ID.derwinJames, first_td_team: "LAC", first_td_kind: "defense" },
    ]);
  });

  it("Sunday: the first TD is graded while the game is on; at the end the week's standings and player stats are right", async () => {
    at(addMinutes(G3.kickoffAt, 45));
    espn(G3, "in", [0, 7], [G3_FIRST], { [G3_FIRST.id]: [["rusher", "4430807"], ["scorer", "4430807"]] });
    await cron("*/2 * * * *");
    at(addMinutes(G3.kickoffAt, 200));
    espn(G3, "post", [13, 20], [G3_FIRST, ...G3_LATER], { [G3_FIRST.id]: [["rusher", "4430807"], ["scorer", "4430807"]] });
    await cron("*/2 * * * *");

    // Every pick of the week is graded.
    expect(await rows("SELECT count(*) AS n FROM picks p LEFT JOIN results r ON r.pick_id = p.id WHERE r.outcome IS NULL")).toEqual([{ n: 0 }]);
    // u1 +4 (Bijan at +400) -1 -1; u2 +25 (DEF-LAC at +2500) -1 -1; u3 three losses; u4 -1 +4; u5 three losses.
    // [rank, picks, wins, losses, voids, units]; equal units share a rank (1, 2, 3, 4, 4).
    const expected = {
      u2: [1, 3, 1, 2, 0, 23],
      u4: [2, 2, 1, 1, 0, 3],
      u1: [3, 3, 1, 2, 0, 2],
      u3: [4, 3, 0, 3, 0, -3],
      u5: [4, 3, 0, 3, 0, -3],
    };
    expect(await leaderboard(`/v1/leaderboards/${SEASON}/weeks/1`, "units")).toEqual(expected);
    expect(await leaderboard(`/v1/leaderboards/${SEASON}`, "units")).toEqual(expected);
    expect(await leaderboard(`/v1/leaderboards/${SEASON}/weeks/1`, "wins")).toEqual({
      u1: [1, 3, 1, 2, 0, 2],
      u2: [1, 3, 1, 2, 0, 23],
      u4: [1, 2, 1, 1, 0, 3],
      u3: [4, 3, 0, 3, 0, -3],
      u5: [4, 3, 0, 3, 0, -3],
    });
    // One first TD per game, whoever picked the scorer (two users picked Bijan Robinson).
    expect(await playerStats()).toEqual({
      [ID.derwinJames]: [1, "LAC", "DB"],
      "DEF-LAC": [1, "LAC", "DEF"],
      [ID.bijan]: [1, "ATL", "RB"],
    });
    expect(isExact(await findDifferences(env.DB, { season: SEASON }))).toBe(true);
  });

  it("a scorer correction in the ESPN feed regrades the week exactly", async () => {
    at(addMinutes(G3.kickoffAt, 310));
    espn(G3, "post", [13, 20], [G3_FIRST_CORRECTED, ...G3_LATER], {
      [G3_FIRST_CORRECTED.id]: [["passer", "4360423"], ["receiver", "4426502"], ["scorer", "4426502"]],
    });
    const run = await cron("*/2 * * * *");
    expect(run.details.firstTdRecorded).toEqual([{ gameId: G3.id, scorer: "Drake London", playerId: ID.london, via: "core_play" }]);

    // u1 and u4 lose Bijan (+4 -> -1); u3 wins London at even money (no price: +1).
    const afterCorrection = {
      u2: [1, 3, 1, 2, 0, 23],
      u3: [2, 3, 1, 2, 0, -1],
      u4: [3, 2, 0, 2, 0, -2],
      u1: [4, 3, 0, 3, 0, -3],
      u5: [4, 3, 0, 3, 0, -3],
    };
    expect(await leaderboard(`/v1/leaderboards/${SEASON}/weeks/1`, "units")).toEqual(afterCorrection);
    expect(await leaderboard(`/v1/leaderboards/${SEASON}`, "units")).toEqual(afterCorrection);
    expect(await leaderboard(`/v1/leaderboards/${SEASON}/weeks/1`, "wins")).toEqual({
      u2: [1, 3, 1, 2, 0, 23],
      u3: [1, 3, 1, 2, 0, -1],
      u1: [3, 3, 0, 3, 0, -3],
      u4: [3, 2, 0, 2, 0, -2],
      u5: [3, 3, 0, 3, 0, -3],
    });
    expect(await playerStats()).toEqual({
      [ID.derwinJames]: [1, "LAC", "DB"],
      "DEF-LAC": [1, "LAC", "DEF"],
      [ID.london]: [1, "ATL", "WR"],
    });
    expect(await rows("SELECT first_td_count FROM player_stats WHERE player_id = ? AND season = ?", ID.bijan, SEASON)).toEqual([{ first_td_count: 0 }]);
    // Exactly what a recompute from scratch gives.
    expect(await findDifferences(env.DB, { season: SEASON })).toEqual({ results: [], standings: [], playerStats: [] });
    expect(
      (await rows<{ changed_by: string }>("SELECT changed_by FROM game_fact_changes WHERE game_id = ? ORDER BY id", G3.id)).map((c) => c.changed_by),
    ).toEqual(["job:live-sync", "job:live-sync"]);
  });
});
