import { env } from "cloudflare:test";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import coreScoringPlays2020 from "../fixtures/espn/core_scoring_plays_401220181_excerpt.json";
import summary2020 from "../fixtures/espn/summary_2020wk2_BAL_at_HOU_excerpt.json";
import summary2026 from "../fixtures/espn/summary_2026wk1_CLE_at_JAX_excerpt.json";
import { api, createUserWithToken } from "../helpers/api";
import { addPick } from "../helpers/league";
import { expectRun, row, rows, run, snapshot, syncRuns } from "./support/db";
import { corePlay, scoreboard, summary, type GameState } from "./support/espn";
import {
  facts,
  feed as feedOf,
  feedCheck,
  outcomes,
  play,
  seedLiveGame,
  seedRoster,
  summaryOf,
  type FeedOptions,
  type LiveGame,
  type SeedPlayer,
} from "./support/live-feed";
import { FakeUpstream, json, status, urls } from "./support/upstream";

/**
 * The live sync against ESPN served by fixtures. The sync watches kickoffs from 36 h ago to 15 min ahead, and its
 * catch-up reads every game of the season past kickoff that is not settled yet. So the scenarios of one season play
 * their games a week apart and leave them settled, and a scenario that leaves its game unsettled (a game still being
 * played, a scorer nobody can name) has a season of its own. Picks are written with the league helpers; the grading
 * is the triggers'.
 */

const upstream = new FakeUpstream();
let userId = 0;

const P = {
  hurts: { id: "00-0036389", name: "Jalen Hurts", team: "PHI", position: "QB", espnId: "4040715" },
  brown: { id: "00-0035676", name: "A.J. Brown", team: "PHI", position: "WR", espnId: "4047646" },
  smith: { id: "00-0036912", name: "DeVonta Smith", team: "PHI", position: "WR", espnId: "4241478" },
  goedert: { id: "00-0034351", name: "Dallas Goedert", team: "PHI", position: "TE", espnId: "3121023" },
  dak: { id: "00-0033077", name: "Dak Prescott", team: "DAL", position: "QB", espnId: "2577417" },
  lamb: { id: "00-0036358", name: "CeeDee Lamb", team: "DAL", position: "WR", espnId: "4241389" },
  // No ESPN id in the roster file: only his name can find him.
  ferguson: { id: "00-0038041", name: "Jake Ferguson", team: "DAL", position: "TE", espnId: null },
  // The other Lamar Jackson (a Carolina cornerback): a name match across teams must never take him.
  lamarCar: { id: "00-0036152", name: "Lamar Jackson", team: "CAR", position: "DB", espnId: "4034849" },
} satisfies Record<string, SeedPlayer>;

/** A season of its own for one scenario, with the players above on its rosters. */
async function seasonOfItsOwn(season: number) {
  await seedRoster(season, Object.values(P));
}

function feed(game: LiveGame, state: GameState, options: FeedOptions = {}) {
  feedOf(upstream, game, state, options);
}

async function newPicker(): Promise<number> {
  return (await createUserWithToken(`live-${++userId}`)).id;
}

async function factChanges(gameId: string) {
  return rows<{ changed_by: string; after: string }>("SELECT changed_by, after FROM game_fact_changes WHERE game_id = ? ORDER BY id", gameId);
}

beforeAll(async () => {
  upstream.install();
  await seasonOfItsOwn(2025);
});
afterAll(() => upstream.restore());
beforeEach(() => upstream.reset());
afterEach(() => expect(upstream.unrouted).toEqual([]));

describe("live-sync when no game is near", () => {
  it("calls no upstream, writes no row and logs one run", async () => {
    const opener = { id: "2025_01_DAL_PHI", kickoffAt: "2025-09-05T00:20:00Z" };
    await seedLiveGame({ ...opener, season: 2025, week: 1, away: "DAL", home: "PHI", eventId: "401772510" });
    // Fifteen past seasons of history (300 games final without scores or facts, as an old schedule loads them): a
    // run must not read them all every two minutes, and the catch-up is the current season's only.
    await env.DB.batch(
      Array.from({ length: 300 }, (_, i) => {
        const [season, week] = [2005 + Math.floor(i / 20), 1 + (i % 20)];
        return env.DB.prepare(
          "INSERT INTO games (id, season, week, kickoff_at, home_team, away_team, status) VALUES (?, ?, ?, ?, 'PHI', 'DAL', 'final')",
        ).bind(`${season}_${String(week).padStart(2, "0")}_DAL_PHI`, season, week, new Date(Date.UTC(season, 8, 1 + week, 17)).toISOString().replace(".000Z", "Z"));
      }),
    );
    const quietRun = async (now: string) => {
      const before = await snapshot();
      const runsBefore = (await syncRuns()).length;
      const report = await run("live-sync", { now });
      const logged = await expectRun(report, { job: "live-sync", status: "ok", read_count: 0, inserted_count: 0, updated_count: 0, d1_rows_written: 0 });
      expect(logged.details).toEqual({ mode: "live", games: 0 });
      // One query, through the season's part of games_schedule_idx (a scan would read all 301 games).
      expect(logged.d1_rows_read).toBeGreaterThan(0);
      expect(logged.d1_rows_read).toBeLessThanOrEqual(3);
      expect((await syncRuns()).length).toBe(runsBefore + 1);
      expect(await snapshot()).toEqual(before);
    };

    // Two days before the opener.
    await quietRun("2025-09-03T00:20:00Z");
    // Two days after it, the feed having settled it (final, its first TD known) the night it was played.
    await env.DB.prepare(
      `UPDATE games SET status = 'final', away_score = 20, home_score = 24, first_td_player_id = ?, first_td_player_name = 'Jalen Hurts',
         first_td_team = 'PHI', first_td_kind = 'rush', first_td_recorded_by = 'job:live-sync', first_td_recorded_at = '2025-09-05T01:10:00Z'
       WHERE id = ?`,
    )
      .bind(P.hurts.id, opener.id)
      .run();
    await quietRun("2025-09-07T00:21:00Z");
    expect(upstream.calls).toEqual([]);
  });
});

describe("live-sync of a game from kickoff to a stat correction", () => {
  const game: LiveGame = { id: "2025_02_DAL_PHI", season: 2025, week: 2, away: "DAL", home: "PHI", kickoffAt: "2025-09-14T20:25:00Z", eventId: "9000002" };
  const brownTd = play("90000021", "Passing Touchdown", "A.J. Brown 12 Yd pass from Jalen Hurts (Jake Elliott Kick)", "PHI", 1, "8:11", 3, 7);
  const fieldGoal = play("90000020", "Field Goal Good", "Brandon Aubrey 52 Yd Field Goal", "DAL", 1, "11:02", 3, 0);
  /** The scoring plays after the first TD, up to the final 20-24. */
  const restOfGame = [
    play("90000022", "Field Goal Good", "Brandon Aubrey 40 Yd Field Goal", "DAL", 2, "3:00", 6, 7),
    play("90000023", "Passing Touchdown", "CeeDee Lamb 30 Yd pass from Dak Prescott (Brandon Aubrey Kick)", "DAL", 3, "9:00", 13, 7),
    play("90000024", "Passing Touchdown", "DeVonta Smith 8 Yd pass from Jalen Hurts (Jake Elliott Kick)", "PHI", 3, "2:00", 13, 14),
    play("90000025", "Field Goal Good", "Jake Elliott 33 Yd Field Goal", "PHI", 4, "12:00", 13, 17),
    play("90000026", "Passing Touchdown", "CeeDee Lamb 12 Yd pass from Dak Prescott (Brandon Aubrey Kick)", "DAL", 4, "6:00", 20, 17),
    play("90000029", "Rushing Touchdown", "Saquon Barkley 3 Yd Run (Jake Elliott Kick)", "PHI", 4, "2:00", 20, 24),
  ];
  const users: Record<string, number> = {};

  beforeAll(async () => {
    await seedLiveGame(game);
    for (const [key, player] of Object.entries({ brown: P.brown, hurts: P.hurts, smith: P.smith, lamb: P.lamb })) {
      users[key] = await newPicker();
      await addPick(env.DB, users[key]!, game.id, player.id, key === "brown" ? 3.5 : null);
    }
  });

  it("before kickoff: takes the status from the scoreboard and asks nothing else", async () => {
    feed(game, "pre");
    const report = await run("live-sync", { now: "2025-09-14T20:12:00Z" });
    await expectRun(report, { status: "ok", read_count: 1, updated_count: 0, unchanged_count: 1, rejected_count: 0, d1_rows_written: 0 });
    expect(upstream.calls.map((c) => c.url)).toEqual([urls.scoreboard("2025-09-14")]);
    expect(await facts(game.id)).toMatchObject({ status: "scheduled", away_score: null, home_score: null });
  });

  it("under way: status and scores from the summary, the first TD's receiver (not the passer) from the core play", async () => {
    feed(game, "in", {
      score: [3, 7],
      plays: [fieldGoal, brownTd],
      box: { PHI: [["4040715", "Jalen Hurts"], ["4047646", "A.J. Brown"]] },
      core: { [brownTd.id]: [["passer", P.hurts.espnId], ["receiver", P.brown.espnId], ["scorer", P.brown.espnId], ["patScorer", "3050478"]] },
    });
    const report = await run("live-sync", { now: "2025-09-14T21:10:00Z" });
    const logged = await expectRun(report, { status: "ok", updated_count: 1, rejected_count: 0 });
    expect(logged.details).toMatchObject({
      mode: "live",
      firstTdRecorded: [{ gameId: game.id, scorer: "A.J. Brown", playerId: P.brown.id, via: "core_play" }],
      statusChanged: [{ gameId: game.id, from: "scheduled", to: "in_progress" }],
      problems: [],
      overturned: [],
    });
    // The scoreboard still, as the game was scheduled when the run began; then the summary, then the core play.
    expect(upstream.calls.map((c) => c.url)).toEqual([urls.scoreboard("2025-09-14"), urls.summary("9000002"), urls.corePlay("9000002", brownTd.id)]);
    expect(await facts(game.id)).toEqual({
      status: "in_progress",
      away_score: 3,
      home_score: 7,
      first_td_player_id: P.brown.id,
      first_td_player_name: "A.J. Brown",
      first_td_team: "PHI",
      first_td_kind: "reception",
      no_td: 0,
      first_td_recorded_by: "job:live-sync",
    });
    // Graded as soon as the first TD is known, long before the end.
    expect(await outcomes(game.id)).toEqual({
      [P.brown.id]: ["win", 250],
      [P.hurts.id]: ["loss", -100],
      [P.smith.id]: ["loss", -100],
      [P.lamb.id]: ["loss", -100],
    });
    expect(await row("SELECT first_td_count, position FROM player_stats WHERE player_id = ? AND season = 2025", P.brown.id)).toEqual({
      first_td_count: 1,
      position: "WR",
    });
    // Not settled until it is final: being played inside the live window, it is read every run, with no retry schedule.
    expect(await feedCheck(game.id)).toBeNull();
  });

  it("at the final whistle: the status changes, the unchanged facts are not written again (nor the scorer looked up)", async () => {
    feed(game, "post", { score: [20, 24], plays: [fieldGoal, brownTd, ...restOfGame] });
    const report = await run("live-sync", { now: "2025-09-14T23:55:00Z" });
    await expectRun(report, { status: "ok", updated_count: 1 });
    expect(await facts(game.id)).toMatchObject({ status: "final", away_score: 20, home_score: 24, first_td_player_id: P.brown.id });
    expect(await factChanges(game.id)).toHaveLength(1);
    // The same play as recorded: its scorer is the recorded one, no core play asked.
    expect(upstream.calls.map((c) => c.url)).toEqual([urls.summary("9000002")]);
    // Settled: no feed check left.
    expect(await feedCheck(game.id)).toBeNull();
  });

  it("regrades when a later run finds another scorer (stat correction)", async () => {
    // ESPN reassigns the catch to DeVonta Smith.
    const corrected = { ...brownTd, text: "DeVonta Smith 12 Yd pass from Jalen Hurts (Jake Elliott Kick)" };
    feed(game, "post", { score: [20, 24], plays: [fieldGoal, corrected, ...restOfGame], core: { [corrected.id]: [["passer", P.hurts.espnId], ["receiver", P.smith.espnId], ["scorer", P.smith.espnId]] } });
    const report = await run("live-sync", { now: "2025-09-15T01:30:00Z" });
    const logged = await expectRun(report, { status: "ok", updated_count: 1 });
    expect(logged.details.overturned).toEqual([{ gameId: game.id, was: "A.J. Brown", now: "DeVonta Smith" }]);
    expect(await facts(game.id)).toMatchObject({ first_td_player_id: P.smith.id, first_td_player_name: "DeVonta Smith", first_td_team: "PHI" });
    expect(await outcomes(game.id)).toEqual({
      [P.brown.id]: ["loss", -100],
      [P.hurts.id]: ["loss", -100],
      [P.smith.id]: ["win", 100],
      [P.lamb.id]: ["loss", -100],
    });
    expect(await row("SELECT wins, losses, units_cu FROM standings WHERE season = 2025 AND week = 2 AND user_id = ?", users.brown)).toEqual({
      wins: 0,
      losses: 1,
      units_cu: -100,
    });
    expect(await row("SELECT wins, losses, units_cu FROM standings WHERE season = 2025 AND week = 2 AND user_id = ?", users.smith)).toEqual({
      wins: 1,
      losses: 0,
      units_cu: 100,
    });
    const counts = await rows("SELECT player_id, first_td_count FROM player_stats WHERE season = 2025 AND player_id IN (?, ?) ORDER BY player_id", P.brown.id, P.smith.id);
    expect(counts).toEqual([
      { player_id: P.brown.id, first_td_count: 0 },
      { player_id: P.smith.id, first_td_count: 1 },
    ]);
    expect((await factChanges(game.id)).map((c) => c.changed_by)).toEqual(["job:live-sync", "job:live-sync"]);
  });

  it("stops watching the game once the correction window has passed", async () => {
    const report = await run("live-sync", { now: "2025-09-15T08:00:00Z" });
    await expectRun(report, { status: "ok", read_count: 0, d1_rows_written: 0 });
    expect(upstream.calls).toEqual([]);
  });
});

describe("live-sync scorer resolution fallbacks", () => {
  it("falls back to the box score name among the scoring team's players when the core API fails", async () => {
    await seasonOfItsOwn(2027);
    const game: LiveGame = { id: "2027_03_PHI_DAL", season: 2027, week: 3, away: "PHI", home: "DAL", kickoffAt: "2027-09-21T20:25:00Z", eventId: "9000003" };
    await seedLiveGame(game);
    const lambTd = play("90000031", "Passing Touchdown", "CeeDee Lamb 5 Yd pass from Dak Prescott (Brandon Aubrey Kick)", "DAL", 1, "4:40", 0, 7);
    feed(game, "in", {
      score: [0, 7],
      plays: [lambTd],
      // The passer is in the box score too, and a PHI player with the scorer's name would not count.
      box: { DAL: [["2577417", "Dak Prescott"], ["4241389", "CeeDee Lamb"]], PHI: [["4047646", "A.J. Brown"]] },
      core: { [lambTd.id]: 500 },
    });
    const report = await run("live-sync", { now: "2027-09-21T21:00:00Z" });
    const logged = await expectRun(report, { status: "ok", updated_count: 1, rejected_count: 0 });
    expect(logged.details.firstTdRecorded).toEqual([{ gameId: game.id, scorer: "CeeDee Lamb", playerId: P.lamb.id, via: "boxscore" }]);
    // The core API was retried before giving up on it.
    expect(upstream.callsTo(urls.corePlay("9000003", lambTd.id))).toHaveLength(3);
    expect(await facts(game.id)).toMatchObject({ first_td_player_id: P.lamb.id, first_td_team: "DAL", first_td_kind: "reception" });
  });

  it("falls back to a unique name on the scoring team's roster", async () => {
    await seasonOfItsOwn(2029);
    const game: LiveGame = { id: "2029_04_DAL_PHI", season: 2029, week: 4, away: "DAL", home: "PHI", kickoffAt: "2029-09-28T20:25:00Z", eventId: "9000004" };
    await seedLiveGame(game);
    // Trailing spaces and a period after the name, as ESPN texts sometimes have them.
    const fergusonTd = play("90000041", "Passing Touchdown", "Jake Ferguson.  3 Yd pass from Dak Prescott (Brandon Aubrey Kick)", "DAL", 2, "0:31", 7, 3);
    feed(game, "in", {
      score: [7, 3],
      plays: [play("90000040", "Field Goal Good", "Jake Elliott 30 Yd Field Goal", "PHI", 1, "2:00", 0, 3), fergusonTd],
      box: { DAL: [["4242355", "Jake Ferguson"]] },
      core: { [fergusonTd.id]: [["passer", P.dak.espnId], ["receiver", "4242355"], ["scorer", "4242355"]] },
    });
    const report = await run("live-sync", { now: "2029-09-28T22:00:00Z" });
    const logged = await expectRun(report, { status: "ok", updated_count: 1 });
    expect(logged.details.firstTdRecorded).toEqual([{ gameId: game.id, scorer: "Jake Ferguson", playerId: P.ferguson.id, via: "roster_name" }]);
    expect(await facts(game.id)).toMatchObject({ first_td_player_id: P.ferguson.id, first_td_player_name: "Jake Ferguson", first_td_team: "DAL" });
  });

  it("records a scorer it cannot identify by name only, reports him and guesses nobody; resolves him once known", async () => {
    await seasonOfItsOwn(2031);
    const game: LiveGame = { id: "2031_05_CAR_BAL", season: 2031, week: 5, away: "CAR", home: "BAL", kickoffAt: "2031-10-05T17:00:00Z", eventId: "9000005" };
    await seedLiveGame(game);
    const picker = await newPicker();
    const balPicker = await newPicker();
    await addPick(env.DB, picker, game.id, "DEF-CAR");
    await addPick(env.DB, balPicker, game.id, "DEF-BAL");
    const lamarTd = play("90000051", "Rushing Touchdown", "Lamar Jackson 8 Yd Run (Tyler Loop Kick)", "BAL", 1, "9:12", 0, 7);
    // Baltimore's Lamar Jackson is not in our rosters; Carolina's is. The box score names Baltimore's.
    feed(game, "in", { score: [0, 7], plays: [lamarTd], box: { BAL: [["3916387", "Lamar Jackson"]] }, core: { [lamarTd.id]: 503 } });
    const report = await run("live-sync", { now: "2031-10-05T17:40:00Z" });
    // A scorer nobody can name is a problem of the run: partial, the game named.
    const logged = await expectRun(report, { status: "partial", updated_count: 1, rejected_count: 1 });
    expect(logged.details.problems).toEqual([
      { gameId: game.id, problem: "scorer_unresolved", detail: "'Lamar Jackson' (BAL) matches no player of the team's roster" },
    ]);
    expect(logged.details.firstTdRecorded).toEqual([{ gameId: game.id, scorer: "Lamar Jackson", playerId: null, via: "unresolved" }]);
    expect(await facts(game.id)).toMatchObject({
      status: "in_progress",
      first_td_player_id: null,
      first_td_player_name: "Lamar Jackson",
      first_td_team: "BAL",
      first_td_kind: "rush",
      no_td: 0,
    });
    // Not graded on a guess: a rushing TD is no defense's, so both DEF picks lose; no player of Carolina's is credited.
    expect(await outcomes(game.id)).toEqual({ "DEF-CAR": ["loss", -100], "DEF-BAL": ["loss", -100] });
    expect(await row("SELECT count(*) AS n FROM player_stats WHERE player_id = ?", P.lamarCar.id)).toEqual({ n: 0 });
    expect(await feedCheck(game.id)).toMatchObject({ problem: "scorer_unresolved", attempts: 1 });

    // The same feed again: no fact, grade or stat is written again (only the feed check counts another look).
    const before = await snapshot();
    const again = await run("live-sync", { now: "2031-10-05T17:42:00Z" });
    await expectRun(again, { status: "partial", updated_count: 0, unchanged_count: 1 });
    expect(await snapshot()).toEqual(before);
    expect(await feedCheck(game.id)).toMatchObject({ problem: "scorer_unresolved", attempts: 2, problem_since: "2031-10-05T17:40:00Z" });

    // The roster sync brings in Baltimore's Lamar Jackson with his ESPN id: the next run resolves him and grades.
    await seedRoster(2031, [{ id: "00-0034796", name: "Lamar Jackson", team: "BAL", position: "QB", espnId: "3916387" }]);
    const resolved = await run("live-sync", { now: "2031-10-05T17:44:00Z" });
    const resolvedLog = await expectRun(resolved, { status: "ok", updated_count: 1 });
    expect(resolvedLog.details.firstTdRecorded).toEqual([{ gameId: game.id, scorer: "Lamar Jackson", playerId: "00-0034796", via: "boxscore" }]);
    // Found at last, which is no correction of the touchdown.
    expect(resolvedLog.details.overturned).toEqual([]);
    expect(await facts(game.id)).toMatchObject({ first_td_player_id: "00-0034796", first_td_team: "BAL" });
    expect(await outcomes(game.id)).toEqual({ "DEF-CAR": ["loss", -100], "DEF-BAL": ["loss", -100] });
    // Resolved while still being played in the live window: its retry schedule (scorer unresolved) is gone.
    expect(await feedCheck(game.id)).toBeNull();
  });
});

describe("live-sync scorer resolution: ids are checked against the scoring team", () => {
  it("an ESPN id that our data gives a player of another team is not taken (the real Michael Carter swap)", async () => {
    // nflverse's 2024 roster gave the two Michael Carters each other's ESPN ids (its 2025 roster swaps them back):
    // with the 2024 ids stored, ESPN's id for Arizona's running back points at the Eagles' cornerback.
    await seedRoster(2033, [
      { id: "00-0036501", name: "Michael Carter II", team: "PHI", position: "DB", espnId: "4240657" },
      { id: "00-0036924", name: "Michael Carter", team: "ARI", position: "RB", espnId: "4240456" },
    ]);
    const game: LiveGame = { id: "2033_08_ARI_PHI", season: 2033, week: 8, away: "ARI", home: "PHI", kickoffAt: "2033-10-26T17:00:00Z", eventId: "9000008" };
    await seedLiveGame(game);
    const cbPicker = await newPicker();
    const rbPicker = await newPicker();
    await addPick(env.DB, rbPicker, game.id, "00-0036924");
    await addPick(env.DB, cbPicker, game.id, "00-0036501");
    const td = play("90000081", "Rushing Touchdown", "Michael Carter 4 Yd Run (Chad Ryland Kick)", "ARI", 1, "7:07", 7, 0);
    feed(game, "in", { score: [7, 0], plays: [td], box: { ARI: [["4240657", "Michael Carter"]] }, core: { [td.id]: [["rusher", "4240657"], ["scorer", "4240657"]] } });
    const report = await run("live-sync", { now: "2033-10-26T17:40:00Z" });
    const logged = await expectRun(report, { status: "ok", updated_count: 1 });
    expect(logged.details.firstTdRecorded).toEqual([{ gameId: game.id, scorer: "Michael Carter", playerId: "00-0036924", via: "roster_name" }]);
    expect(await facts(game.id)).toMatchObject({ first_td_player_id: "00-0036924", first_td_team: "ARI" });
    expect(await outcomes(game.id)).toEqual({ "00-0036924": ["win", 100], "00-0036501": ["loss", -100] });
  });

  it("a scoring play without a team: the summary cannot be trusted, nothing is recorded, status and score still land", async () => {
    await seasonOfItsOwn(2035);
    const game: LiveGame = { id: "2035_09_DAL_PHI", season: 2035, week: 9, away: "DAL", home: "PHI", kickoffAt: "2035-11-02T18:00:00Z", eventId: "9000009" };
    await seedLiveGame(game);
    const td = play("90000091", "Passing Touchdown", "A.J. Brown 9 Yd pass from Jalen Hurts (Jake Elliott Kick)", "PHI", 1, "3:03", 0, 7);
    feed(game, "in", { score: [0, 7], plays: [td], core: { [td.id]: [["passer", P.hurts.espnId], ["scorer", P.brown.espnId]] } });
    // The same summary with the play's team left out, as a feed glitch would send it.
    const body = summaryOf(game, "in", { score: [0, 7], plays: [td] });
    delete (body.scoringPlays[0] as { team?: unknown }).team;
    upstream.on(urls.summary("9000009"), json(body));
    const report = await run("live-sync", { now: "2035-11-02T18:30:00Z" });
    const logged = await expectRun(report, { status: "partial", updated_count: 1, rejected_count: 1 });
    expect(logged.details.problems).toEqual([
      { gameId: game.id, problem: "summary_inconsistent", detail: "play 90000091: scored by no team, not a team of this game" },
    ]);
    expect(logged.details.firstTdRecorded).toEqual([]);
    expect(await facts(game.id)).toMatchObject({ status: "in_progress", home_score: 7, first_td_player_id: null, first_td_player_name: null, first_td_team: null });
  });
});

describe("live-sync: the summary must be this game's", () => {
  it("a summary of two other teams (a wrong ESPN id in the schedule) is not taken: the game is named, the other games land", async () => {
    await seasonOfItsOwn(2037);
    // ESPN event 9000021 is, in truth, KC at BUF: its first TD would be a team that does not play in NYG at WAS.
    const wrongId: LiveGame = { id: "2037_02_NYG_WAS", season: 2037, week: 2, away: "NYG", home: "WAS", kickoffAt: "2037-09-13T17:00:00Z", eventId: "9000021" };
    const game: LiveGame = { id: "2037_02_DAL_PHI", season: 2037, week: 2, away: "DAL", home: "PHI", kickoffAt: "2037-09-13T17:00:00Z", eventId: "9000022" };
    await seedLiveGame(wrongId);
    await seedLiveGame(game);
    const picker = await newPicker();
    await addPick(env.DB, picker, wrongId.id, "DEF-WAS");
    const kcTd = play("90000211", "Rushing Touchdown", "Isiah Pacheco 2 Yd Run (Harrison Butker Kick)", "KC", 1, "9:00", 7, 0);
    upstream.on(
      urls.summary("9000021"),
      json(summary({ eventId: "9000021", kickoffAt: wrongId.kickoffAt, away: "KC", home: "BUF", state: "in", awayScore: 7, homeScore: 0, season: 2037, plays: [kcTd] })),
    );
    const brownTd = play("90000221", "Passing Touchdown", "A.J. Brown 12 Yd pass from Jalen Hurts (Jake Elliott Kick)", "PHI", 1, "8:11", 0, 7);
    feed(game, "in", { score: [0, 7], plays: [brownTd], core: { [brownTd.id]: [["scorer", P.brown.espnId]] } });
    // Both games were marked under way by an earlier look (so no scoreboard is asked for).
    await env.DB.prepare("UPDATE games SET status = 'in_progress' WHERE id IN (?, ?)").bind(wrongId.id, game.id).run();

    const report = await run("live-sync", { now: "2037-09-13T17:30:00Z" });
    const logged = await expectRun(report, { status: "partial", read_count: 2, updated_count: 1, rejected_count: 1 });
    expect(logged.details.problems).toEqual([
      { gameId: wrongId.id, problem: "summary_inconsistent", detail: "the summary of ESPN event 9000021 is KC at BUF, not this game" },
    ]);
    expect(await facts(wrongId.id)).toMatchObject({ status: "in_progress", away_score: null, home_score: null, first_td_team: null });
    expect(await outcomes(wrongId.id)).toEqual({ "DEF-WAS": [null, null] });
    expect(await feedCheck(wrongId.id)).toMatchObject({ problem: "summary_inconsistent" });
    expect(await facts(game.id)).toMatchObject({ status: "in_progress", away_score: 0, home_score: 7, first_td_player_id: P.brown.id });
  });

  it("a neutral-site game that ESPN lists the other way round: each team keeps its own score", async () => {
    await seasonOfItsOwn(2039);
    // The schedule has DAL at PHI; ESPN lists PHI as the away team.
    const game: LiveGame = { id: "2039_05_DAL_PHI", season: 2039, week: 5, away: "DAL", home: "PHI", kickoffAt: "2039-10-06T13:30:00Z", eventId: "9000051" };
    await seedLiveGame(game);
    const brownTd = play("90000511", "Passing Touchdown", "A.J. Brown 12 Yd pass from Jalen Hurts (Jake Elliott Kick)", "PHI", 1, "8:11", 7, 0);
    const fieldGoal = play("90000512", "Field Goal Good", "Brandon Aubrey 52 Yd Field Goal", "DAL", 2, "1:00", 7, 3);
    const swapped = summary({ eventId: "9000051", kickoffAt: game.kickoffAt, away: "PHI", home: "DAL", state: "post", awayScore: 7, homeScore: 3, season: 2039, plays: [brownTd, fieldGoal] });
    upstream.on(urls.summary("9000051"), json(swapped));
    upstream.on(urls.corePlay("9000051", brownTd.id), json(corePlay({ eventId: "9000051", play: brownTd, season: 2039, participants: [["scorer", P.brown.espnId]] })));
    upstream.on(
      urls.scoreboard("2039-10-06"),
      json(scoreboard([{ eventId: "9000051", kickoffAt: game.kickoffAt, away: "PHI", home: "DAL", state: "post", awayScore: 7, homeScore: 3, season: 2039, week: 5 }], 5, 2039)),
    );
    const report = await run("live-sync", { now: "2039-10-06T17:00:00Z" });
    await expectRun(report, { status: "ok", updated_count: 1 });
    expect(await facts(game.id)).toMatchObject({ status: "final", away_score: 3, home_score: 7, first_td_player_id: P.brown.id, first_td_team: "PHI" });
  });
});

describe("live-sync outcomes", () => {
  it("records no_td for a final game without a touchdown: every pick loses", async () => {
    const game: LiveGame = { id: "2025_06_PHI_DAL", season: 2025, week: 6, away: "PHI", home: "DAL", kickoffAt: "2025-10-12T20:25:00Z", eventId: "9000006" };
    await seedLiveGame(game);
    const pickers = [await newPicker(), await newPicker()];
    await addPick(env.DB, pickers[0]!, game.id, P.lamb.id, 4.0);
    await addPick(env.DB, pickers[1]!, game.id, "DEF-PHI");
    const fieldGoals = [
      play("90000061", "Field Goal Good", "Jake Elliott 40 Yd Field Goal", "PHI", 1, "3:00", 3, 0),
      play("90000062", "Field Goal Good", "Brandon Aubrey 61 Yd Field Goal", "DAL", 4, "0:04", 3, 3),
    ];
    // While it is under way without a TD, nothing is decided.
    feed(game, "in", { score: [3, 0], plays: fieldGoals.slice(0, 1) });
    await expectRun(await run("live-sync", { now: "2025-10-12T22:00:00Z" }), { status: "ok", updated_count: 1 });
    expect(await facts(game.id)).toMatchObject({ status: "in_progress", no_td: 0, first_td_player_id: null });
    expect(await outcomes(game.id)).toEqual({ [P.lamb.id]: [null, null], "DEF-PHI": [null, null] });

    feed(game, "post", { score: [3, 3], plays: fieldGoals });
    const report = await run("live-sync", { now: "2025-10-12T23:59:00Z" });
    await expectRun(report, { status: "ok", updated_count: 1 });
    expect(await facts(game.id)).toMatchObject({ status: "final", no_td: 1, first_td_player_id: null, first_td_player_name: null, first_td_team: null });
    expect(await outcomes(game.id)).toEqual({ [P.lamb.id]: ["loss", -100], "DEF-PHI": ["loss", -100] });
    expect(await rows("SELECT actual_scorer FROM results r JOIN picks p ON p.id = r.pick_id WHERE p.game_id = ?", game.id)).toEqual([
      { actual_scorer: "No touchdown" },
      { actual_scorer: "No touchdown" },
    ]);
  });

  it("never overwrites facts an admin recorded, while still following status and score", async () => {
    const game: LiveGame = { id: "2025_07_DAL_PHI", season: 2025, week: 7, away: "DAL", home: "PHI", kickoffAt: "2025-10-19T20:25:00Z", eventId: "9000007" };
    await seedLiveGame(game);
    const brownPicker = await newPicker();
    const goedertPicker = await newPicker();
    await addPick(env.DB, brownPicker, game.id, P.brown.id);
    await addPick(env.DB, goedertPicker, game.id, P.goedert.id);
    const td = play("90000071", "Passing Touchdown", "A.J. Brown 20 Yd pass from Jalen Hurts (Jake Elliott Kick)", "PHI", 1, "5:00", 0, 7);
    const core = { [td.id]: [["passer", P.hurts.espnId], ["scorer", P.brown.espnId]] as [string, string][] };
    feed(game, "in", { score: [0, 7], plays: [td], core });
    await expectRun(await run("live-sync", { now: "2025-10-19T21:00:00Z" }), { status: "ok", updated_count: 1 });
    expect(await facts(game.id)).toMatchObject({ first_td_player_id: P.brown.id, first_td_recorded_by: "job:live-sync" });

    // An admin, watching the replay, credits the tight end (on the very play the feed names).
    const admin = await api(`/v1/admin/games/${game.id}/first-td`, {
      method: "PUT",
      body: { type: "player", playerId: P.goedert.id, kind: "reception", playText: td.text },
    });
    expect(admin.status).toBe(200);
    const adminFacts = await facts(game.id);
    expect(adminFacts.first_td_player_id).toBe(P.goedert.id);
    expect(adminFacts.first_td_recorded_by).not.toBe("job:live-sync");

    // ESPN still says Brown, and the game goes on and ends.
    const touchdowns = [
      td,
      play("90000072", "Passing Touchdown", "CeeDee Lamb 10 Yd pass from Dak Prescott (Brandon Aubrey Kick)", "DAL", 2, "5:00", 7, 7),
      play("90000073", "Passing Touchdown", "Dallas Goedert 10 Yd pass from Jalen Hurts (Jake Elliott Kick)", "PHI", 2, "1:00", 7, 14),
      play("90000074", "Passing Touchdown", "CeeDee Lamb 10 Yd pass from Dak Prescott (Brandon Aubrey Kick)", "DAL", 3, "5:00", 14, 14),
      play("90000075", "Passing Touchdown", "DeVonta Smith 10 Yd pass from Jalen Hurts (Jake Elliott Kick)", "PHI", 3, "1:00", 14, 21),
      play("90000076", "Field Goal Good", "Brandon Aubrey 50 Yd Field Goal", "DAL", 4, "9:00", 17, 21),
      play("90000077", "Rushing Touchdown", "Jalen Hurts 1 Yd Run (Jake Elliott Kick)", "PHI", 4, "2:00", 17, 28),
    ];
    feed(game, "post", { score: [17, 28], plays: touchdowns, core });
    upstream.clearCalls();
    const report = await run("live-sync", { now: "2025-10-19T23:50:00Z" });
    const logged = await expectRun(report, { status: "ok", updated_count: 1 });
    expect(await facts(game.id)).toEqual({ ...adminFacts, status: "final", away_score: 17, home_score: 28 });
    expect(await outcomes(game.id)).toEqual({ [P.brown.id]: ["loss", -100], [P.goedert.id]: ["win", 100] });
    // The summary was read for status and score; what the feed says of the first TD is reported, not recorded.
    expect(logged.details.personFactsKept).toEqual([{ gameId: game.id, feed: "A.J. Brown", kept: "Dallas Goedert" }]);
    expect(upstream.calls.map((c) => c.url)).toEqual([urls.summary("9000007"), urls.corePlay("9000007", td.id)]);
  });
});

describe("live-sync on real ESPN samples", () => {
  it("2020 BAL at HOU: the fullback who caught the first TD, by the core play's scorer id (not Lamar Jackson)", async () => {
    const game: LiveGame = { id: "2020_02_BAL_HOU", season: 2020, week: 2, away: "BAL", home: "HOU", kickoffAt: "2020-09-20T20:25:00Z", eventId: "401220181" };
    await seedLiveGame(game);
    await seedRoster(2020, [
      { id: "00-0033376", name: "Patrick Ricard", team: "BAL", position: "RB", espnId: "2975417" },
      { id: "00-0034796", name: "Lamar Jackson", team: "BAL", position: "QB", espnId: "3916387" },
    ]);
    const picker = await newPicker();
    await addPick(env.DB, picker, game.id, "00-0033376", 21.0);
    upstream.on(
      urls.scoreboard("2020-09-20"),
      json(scoreboard([{ eventId: "401220181", kickoffAt: game.kickoffAt, away: "BAL", home: "HOU", state: "post", awayScore: 33, homeScore: 16, season: 2020, week: 2 }], 2, 2020)),
    );
    upstream.on(urls.summary("401220181"), json(summary2020));
    for (const item of coreScoringPlays2020.items) upstream.on(urls.corePlay("401220181", item.id), json(item));

    const report = await run("live-sync", { now: "2020-09-20T23:45:00Z" });
    const logged = await expectRun(report, { status: "ok", updated_count: 1 });
    expect(logged.details.firstTdRecorded).toEqual([{ gameId: game.id, scorer: "Patrick Ricard", playerId: "00-0033376", via: "core_play" }]);
    expect(upstream.calls.map((c) => c.url)).toEqual([urls.scoreboard("2020-09-20"), urls.summary("401220181"), urls.corePlay("401220181", "401220181869")]);
    expect(await facts(game.id)).toMatchObject({ status: "final", away_score: 33, home_score: 16, first_td_player_id: "00-0033376", first_td_team: "BAL", first_td_kind: "reception" });
    expect(await outcomes(game.id)).toEqual({ "00-0033376": ["win", 2000] });
  });

  it("2026 CLE at JAX: Parker Washington through the box score when the core API has nothing", async () => {
    const game: LiveGame = { id: "2026_01_CLE_JAX", season: 2026, week: 1, away: "CLE", home: "JAX", kickoffAt: "2026-09-13T17:00:00Z", eventId: "401872922" };
    await seedLiveGame(game);
    await seedRoster(2026, [
      { id: "00-0038606", name: "Parker Washington", team: "JAX", position: "WR", espnId: "4432620" },
      { id: "00-0036971", name: "Trevor Lawrence", team: "JAX", position: "QB", espnId: "4360310" },
    ]);
    upstream.on(
      urls.scoreboard("2026-09-13"),
      json(scoreboard([{ eventId: "401872922", kickoffAt: game.kickoffAt, away: "CLE", home: "JAX", state: "post", awayScore: 10, homeScore: 34, season: 2026 }], 1, 2026)),
    );
    upstream.on(urls.summary("401872922"), json(summary2026));
    upstream.on(urls.corePlay("401872922", "401872922349"), status(404));
    const report = await run("live-sync", { now: "2026-09-13T20:30:00Z" });
    const logged = await expectRun(report, { status: "ok", updated_count: 1 });
    expect(logged.details.firstTdRecorded).toEqual([{ gameId: game.id, scorer: "Parker Washington", playerId: "00-0038606", via: "boxscore" }]);
    expect(await facts(game.id)).toMatchObject({ first_td_player_id: "00-0038606", first_td_team: "JAX", first_td_kind: "reception", home_score: 34, away_score: 10 });
  });
});
