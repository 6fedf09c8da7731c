import { env } from "cloudflare:test";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { normalizePlayerName } from "../../src/domain/names";
import { easternDateOf } from "../../src/domain/eastern-time";
import coreScoringPlays2020 from "../fixtures/espn/core_scoring_plays_401220181_excerpt.json";
import summary2020 from "../fixtures/espn/summary_2020wk2_BAL_at_HOU_excerpt.json";
import summary2026 from "../fixtures/espn/summary_2026wk1_CLE_at_JAX_excerpt.json";
import { api, createUserWithToken } from "../helpers/api";
import { addPick, addWeek } from "../helpers/league";
import { expectRun, row, rows, run, snapshot, syncRuns } from "./support/db";
import { corePlay, scoreboard, summary, type GameState, type PlaySpec } from "./support/espn";
import { FakeUpstream, json, status, urls } from "./support/upstream";

/**
 * The live sync against ESPN served by fixtures. Each scenario has its own game a week apart from the others,
 * so that a run at one game's time watches that game only (the sync watches kickoffs from 36 h ago to 15 min
 * ahead). Picks are written with the league helpers; the grading is the v14 triggers'.
 */

const upstream = new FakeUpstream();
let userId = 0;

interface SeedPlayer {
  id: string;
  name: string;
  team: string;
  position: string;
  espnId: string | null;
}

async function seedRoster(season: number, players: SeedPlayer[]) {
  await env.DB.batch(
    players.flatMap((p) => [
      env.DB.prepare("INSERT INTO players (id, full_name, name_key, espn_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING").bind(
        p.id,
        p.name,
        normalizePlayerName(p.name),
        p.espnId,
      ),
      env.DB.prepare(
        "INSERT INTO rosters (season, player_id, player_name, team, position, raw_position, status) VALUES (?, ?, ?, ?, ?, ?, 'ACT')",
      ).bind(season, p.id, p.name, p.team, p.position, p.position),
    ]),
  );
}

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

interface LiveGame {
  id: string;
  season: number;
  week: number;
  away: string;
  home: string;
  kickoffAt: string;
  eventId: string;
}

async function seedLiveGame(game: LiveGame) {
  await env.DB.prepare(
    "INSERT INTO games (id, season, week, game_type, kickoff_at, home_team, away_team, status, espn_event_id) VALUES (?, ?, ?, 'REG', ?, ?, ?, 'scheduled', ?)",
  )
    .bind(game.id, game.season, game.week, game.kickoffAt, game.home, game.away, game.eventId)
    .run();
  await addWeek(env.DB, game.season, game.week).catch(() => undefined);
}

/** What ESPN says about a game right now: scoreboard, summary and, per scoring play, the core API play. */
function feed(
  game: LiveGame,
  state: GameState,
  options: {
    score?: [away: number, home: number];
    plays?: PlaySpec[];
    box?: Record<string, [string, string][]>;
    /** playId -> participants of the core play, or an HTTP status the core API answers with. */
    core?: Record<string, [string, string][] | number>;
  } = {},
) {
  const [awayScore, homeScore] = options.score ?? [0, 0];
  const event = { eventId: game.eventId, kickoffAt: game.kickoffAt, away: game.away, home: game.home, state, awayScore, homeScore, season: game.season, week: game.week };
  upstream.on(urls.scoreboard(easternDateOf(game.kickoffAt)!), json(scoreboard([event], game.week, game.season)));
  upstream.on(urls.summary(game.eventId), json(summary({ ...event, plays: options.plays ?? [], box: options.box })));
  for (const play of options.plays ?? []) {
    const core = options.core?.[play.id] ?? 404;
    upstream.on(
      urls.corePlay(game.eventId, play.id),
      typeof core === "number" ? status(core) : json(corePlay({ eventId: game.eventId, play, season: game.season, participants: core })),
    );
  }
}

async function newPicker(): Promise<number> {
  return (await createUserWithToken(`live-${++userId}`)).id;
}

interface Facts {
  status: string;
  away_score: number | null;
  home_score: number | null;
  first_td_player_id: string | null;
  first_td_player_name: string | null;
  first_td_team: string | null;
  first_td_kind: string | null;
  no_td: number;
  first_td_recorded_by: string | null;
}

async function facts(gameId: string): Promise<Facts> {
  return (await row<Facts>(
    `SELECT status, away_score, home_score, first_td_player_id, first_td_player_name, first_td_team, first_td_kind, no_td,
       first_td_recorded_by FROM games WHERE id = ?`,
    gameId,
  ))!;
}

async function outcomes(gameId: string): Promise<Record<string, [string | null, number | null]>> {
  const graded = await rows<{ player_id: string; outcome: string | null; profit_cu: number | null }>(
    "SELECT p.player_id, r.outcome, r.profit_cu FROM picks p LEFT JOIN results r ON r.pick_id = p.id WHERE p.game_id = ? ORDER BY p.id",
    gameId,
  );
  return Object.fromEntries(graded.map((g) => [g.player_id, [g.outcome, g.profit_cu]]));
}

async function factChanges(gameId: string) {
  return rows<{ changed_by: string; after: string }>("SELECT changed_by, after FROM game_fact_changes WHERE game_id = ? ORDER BY id", gameId);
}

function play(id: string, type: string, text: string, team: string, period: number, clock: string, awayScore: number, homeScore: number): PlaySpec {
  return { id, type, text, team, period, clock, awayScore, homeScore };
}

beforeAll(async () => {
  upstream.install();
  await seedRoster(2025, Object.values(P));
});
afterAll(() => upstream.restore());
beforeEach(() => upstream.reset());
afterEach(() => expect(upstream.unrouted).toEqual([]));

describe("live-sync when no game is near", () => {
  it("calls no upstream, writes no row and logs one run", async () => {
    await seedLiveGame({ id: "2025_01_DAL_PHI", season: 2025, week: 1, away: "DAL", home: "PHI", kickoffAt: "2025-09-05T00:20:00Z", eventId: "401772510" });
    // Fifteen past seasons of history (300 final games): a run must not read them all every two minutes.
    await env.DB.batch(
      Array.from({ length: 300 }, (_, i) => {
        const [season, week] = [2005 + Math.floor(i / 20), 1 + (i % 20)];
        return env.DB.prepare(
          "INSERT INTO games (id, season, week, kickoff_at, home_team, away_team, status) VALUES (?, ?, ?, ?, 'PHI', 'DAL', 'final')",
        ).bind(`${season}_${String(week).padStart(2, "0")}_DAL_PHI`, season, week, new Date(Date.UTC(season, 8, 1 + week, 17)).toISOString().replace(".000Z", "Z"));
      }),
    );
    const before = await snapshot();
    const runsBefore = (await syncRuns()).length;
    // Two days before the opener, and (below) two days after it.
    for (const now of ["2025-09-03T00:20:00Z", "2025-09-07T00:21:00Z"]) {
      const report = await run("live-sync", { now });
      const logged = await expectRun(report, { job: "live-sync", status: "ok", read_count: 0, inserted_count: 0, updated_count: 0, d1_rows_written: 0 });
      expect(logged.details).toEqual({ watchedGames: 0 });
      // One query, through the season's part of games_schedule_idx (a scan would read all 301 games).
      expect(logged.d1_rows_read).toBeGreaterThan(0);
      expect(logged.d1_rows_read).toBeLessThanOrEqual(3);
    }
    expect(upstream.calls).toEqual([]);
    expect((await syncRuns()).length).toBe(runsBefore + 2);
    expect(await snapshot()).toEqual(before);
  });
});

describe("live-sync of a game from kickoff to a stat correction", () => {
  const game: LiveGame = { id: "2025_02_DAL_PHI", season: 2025, week: 2, away: "DAL", home: "PHI", kickoffAt: "2025-09-14T20:25:00Z", eventId: "9000002" };
  const brownTd = play("90000021", "Passing Touchdown", "A.J. Brown 12 Yd pass from Jalen Hurts (Jake Elliott Kick)", "PHI", 1, "8:11", 0, 7);
  const fieldGoal = play("90000020", "Field Goal Good", "Brandon Aubrey 52 Yd Field Goal", "DAL", 1, "11:02", 3, 0);
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

  it("under way: status and scores from the scoreboard, the first TD's receiver (not the passer) from the core play", async () => {
    feed(game, "in", {
      score: [3, 7],
      plays: [fieldGoal, brownTd],
      box: { PHI: [["4040715", "Jalen Hurts"], ["4047646", "A.J. Brown"]] },
      core: { [brownTd.id]: [["passer", P.hurts.espnId], ["receiver", P.brown.espnId], ["scorer", P.brown.espnId], ["patScorer", "3050478"]] },
    });
    const report = await run("live-sync", { now: "2025-09-14T21:10:00Z" });
    const logged = await expectRun(report, { status: "ok", updated_count: 1, rejected_count: 0 });
    expect(logged.details.firstTdRecorded).toEqual([{ gameId: game.id, scorer: "A.J. Brown", playerId: P.brown.id, via: "core_play" }]);
    expect(logged.details.unresolvedScorers).toEqual([]);
    expect(upstream.calls.map((c) => c.url)).toEqual([urls.scoreboard("2025-09-14"), urls.summary(game.eventId), urls.corePlay(game.eventId, brownTd.id)]);
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
  });

  it("at the final whistle: the status changes, the unchanged facts are not written again", async () => {
    const touchdownLater = play("90000029", "Rushing Touchdown", "Saquon Barkley 3 Yd Run (Jake Elliott Kick)", "PHI", 4, "2:00", 20, 24);
    feed(game, "post", { score: [20, 24], plays: [fieldGoal, brownTd, touchdownLater], core: { [brownTd.id]: [["passer", P.hurts.espnId], ["scorer", P.brown.espnId]] } });
    const report = await run("live-sync", { now: "2025-09-14T23:55:00Z" });
    await expectRun(report, { status: "ok", updated_count: 1 });
    expect(await facts(game.id)).toMatchObject({ status: "final", away_score: 20, home_score: 24, first_td_player_id: P.brown.id });
    expect(await factChanges(game.id)).toHaveLength(1);
  });

  it("regrades when a later run finds another scorer (stat correction)", async () => {
    // ESPN reassigns the catch to DeVonta Smith.
    const corrected = { ...brownTd, text: "DeVonta Smith 12 Yd pass from Jalen Hurts (Jake Elliott Kick)" };
    feed(game, "post", { score: [20, 24], plays: [fieldGoal, corrected], core: { [corrected.id]: [["passer", P.hurts.espnId], ["receiver", P.smith.espnId], ["scorer", P.smith.espnId]] } });
    const report = await run("live-sync", { now: "2025-09-15T01:30:00Z" });
    await expectRun(report, { status: "ok", updated_count: 1 });
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
    const game: LiveGame = { id: "2025_03_PHI_DAL", season: 2025, week: 3, away: "PHI", home: "DAL", kickoffAt: "2025-09-21T20:25:00Z", eventId: "9000003" };
    await seedLiveGame(game);
    const lambTd = play("90000031", "Passing Touchdown", "CeeDee Lamb 5 Yd pass from Dak Prescott (Brandon Aubrey Kick)", "DAL", 1, "4:40", 0, 7);
    feed(game, "in", {
      score: [0, 7],
      plays: [lambTd],
      // The passer is in the box score too, and a PHI player with the scorer's name would not count.
      box: { DAL: [["2577417", "Dak Prescott"], ["4241389", "CeeDee Lamb"]], PHI: [["4047646", "A.J. Brown"]] },
      core: { [lambTd.id]: 500 },
    });
    const report = await run("live-sync", { now: "2025-09-21T21:00:00Z" });
    const logged = await expectRun(report, { status: "ok", updated_count: 1, rejected_count: 0 });
    expect(logged.details.firstTdRecorded).toEqual([{ gameId: game.id, scorer: "CeeDee Lamb", playerId: P.lamb.id, via: "boxscore" }]);
    // The core API was retried before giving up on it.
    expect(upstream.callsTo(urls.corePlay(game.eventId, lambTd.id))).toHaveLength(3);
    expect(await facts(game.id)).toMatchObject({ first_td_player_id: P.lamb.id, first_td_team: "DAL", first_td_kind: "reception" });
  });

  it("falls back to a unique name on the scoring team's roster", async () => {
    const game: LiveGame = { id: "2025_04_DAL_PHI", season: 2025, week: 4, away: "DAL", home: "PHI", kickoffAt: "2025-09-28T20:25:00Z", eventId: "9000004" };
    await seedLiveGame(game);
    // Trailing spaces and a period after the name, as ESPN texts sometimes have them.
    const fergusonTd = play("90000041", "Passing Touchdown", "Jake Ferguson.  3 Yd pass from Dak Prescott (Brandon Aubrey Kick)", "DAL", 2, "0:31", 7, 3);
    feed(game, "in", {
      score: [7, 3],
      plays: [fergusonTd],
      box: { DAL: [["4242355", "Jake Ferguson"]] },
      core: { [fergusonTd.id]: [["passer", P.dak.espnId], ["receiver", "4242355"], ["scorer", "4242355"]] },
    });
    const report = await run("live-sync", { now: "2025-09-28T22:00:00Z" });
    const logged = await expectRun(report, { status: "ok", updated_count: 1 });
    expect(logged.details.firstTdRecorded).toEqual([{ gameId: game.id, scorer: "Jake Ferguson", playerId: P.ferguson.id, via: "roster_name" }]);
    expect(await facts(game.id)).toMatchObject({ first_td_player_id: P.ferguson.id, first_td_player_name: "Jake Ferguson", first_td_team: "DAL" });
  });

  it("records a scorer it cannot identify by name only, reports him and guesses nobody; resolves him once known", async () => {
    const game: LiveGame = { id: "2025_05_CAR_BAL", season: 2025, week: 5, away: "CAR", home: "BAL", kickoffAt: "2025-10-05T17:00:00Z", eventId: "9000005" };
    await seedLiveGame(game);
    const picker = await newPicker();
    await addPick(env.DB, picker, game.id, "DEF-CAR");
    const lamarTd = play("90000051", "Rushing Touchdown", "Lamar Jackson 8 Yd Run (Tyler Loop Kick)", "BAL", 1, "9:12", 0, 7);
    // Baltimore's Lamar Jackson is not in our rosters; Carolina's is. The box score names Baltimore's.
    feed(game, "in", { score: [0, 7], plays: [lamarTd], box: { BAL: [["3916387", "Lamar Jackson"]] }, core: { [lamarTd.id]: 503 } });
    const report = await run("live-sync", { now: "2025-10-05T17:40:00Z" });
    const logged = await expectRun(report, { status: "ok", updated_count: 1 });
    expect(logged.details.unresolvedScorers).toEqual([
      { gameId: game.id, scorerName: "Lamar Jackson", team: "BAL", text: "Lamar Jackson 8 Yd Run (Tyler Loop Kick)" },
    ]);
    expect(logged.details.firstTdRecorded).toEqual([]);
    expect(await facts(game.id)).toMatchObject({
      status: "in_progress",
      first_td_player_id: null,
      first_td_player_name: "Lamar Jackson",
      first_td_team: "BAL",
      first_td_kind: "rush",
      no_td: 0,
    });
    // Not graded on a guess.
    expect(await outcomes(game.id)).toEqual({ "DEF-CAR": [null, null] });
    expect(await row("SELECT count(*) AS n FROM player_stats WHERE player_id = ?", P.lamarCar.id)).toEqual({ n: 0 });

    // The same feed again: nothing new to write.
    const again = await run("live-sync", { now: "2025-10-05T17:42:00Z" });
    await expectRun(again, { status: "ok", updated_count: 0, d1_rows_written: 0 });

    // The roster sync brings in Baltimore's Lamar Jackson with his ESPN id: the next run resolves him and grades.
    await seedRoster(2025, [{ id: "00-0034796", name: "Lamar Jackson", team: "BAL", position: "QB", espnId: "3916387" }]);
    const resolved = await run("live-sync", { now: "2025-10-05T17:44:00Z" });
    const resolvedLog = await expectRun(resolved, { status: "ok", updated_count: 1 });
    expect(resolvedLog.details.firstTdRecorded).toEqual([{ gameId: game.id, scorer: "Lamar Jackson", playerId: "00-0034796", via: "boxscore" }]);
    expect(await facts(game.id)).toMatchObject({ first_td_player_id: "00-0034796", first_td_team: "BAL" });
    expect(await outcomes(game.id)).toEqual({ "DEF-CAR": ["loss", -100] });
  });
});

describe("live-sync scorer resolution: ids are checked against the scoring team", () => {
  it("an ESPN id that our data gives a player of another team is not taken (the real Michael Carter swap)", async () => {
    // nflverse's 2024 roster gave the two Michael Carters each other's ESPN ids (its 2025 roster swaps them back):
    // with the 2024 ids stored, ESPN's id for Arizona's running back points at the Eagles' cornerback.
    await seedRoster(2025, [
      { id: "00-0036501", name: "Michael Carter II", team: "PHI", position: "DB", espnId: "4240657" },
      { id: "00-0036924", name: "Michael Carter", team: "ARI", position: "RB", espnId: "4240456" },
    ]);
    const game: LiveGame = { id: "2025_08_ARI_PHI", season: 2025, week: 8, away: "ARI", home: "PHI", kickoffAt: "2025-10-26T17:00:00Z", eventId: "9000008" };
    await seedLiveGame(game);
    const cbPicker = await newPicker();
    const rbPicker = await newPicker();
    await addPick(env.DB, rbPicker, game.id, "00-0036924");
    await addPick(env.DB, cbPicker, game.id, "00-0036501");
    const td = play("90000081", "Rushing Touchdown", "Michael Carter 4 Yd Run (Chad Ryland Kick)", "ARI", 1, "7:07", 7, 0);
    feed(game, "in", { score: [7, 0], plays: [td], box: { ARI: [["4240657", "Michael Carter"]] }, core: { [td.id]: [["rusher", "4240657"], ["scorer", "4240657"]] } });
    const report = await run("live-sync", { now: "2025-10-26T17:40:00Z" });
    const logged = await expectRun(report, { status: "ok", updated_count: 1 });
    expect(logged.details.firstTdRecorded).toEqual([{ gameId: game.id, scorer: "Michael Carter", playerId: "00-0036924", via: "roster_name" }]);
    expect(await facts(game.id)).toMatchObject({ first_td_player_id: "00-0036924", first_td_team: "ARI" });
    expect(await outcomes(game.id)).toEqual({ "00-0036924": ["win", 100], "00-0036501": ["loss", -100] });
  });

  it("a scoring play without a team is recorded unresolved and does not fail the run", async () => {
    const game: LiveGame = { id: "2025_09_DAL_PHI", season: 2025, week: 9, away: "DAL", home: "PHI", kickoffAt: "2025-11-02T18:00:00Z", eventId: "9000009" };
    await seedLiveGame(game);
    const td = play("90000091", "Passing Touchdown", "A.J. Brown 9 Yd pass from Jalen Hurts (Jake Elliott Kick)", "PHI", 1, "3:03", 0, 7);
    feed(game, "in", { score: [0, 7], plays: [td], core: { [td.id]: [["passer", P.hurts.espnId], ["scorer", P.brown.espnId]] } });
    // The same summary with the play's team left out, as a feed glitch would send it.
    const body = summary({ eventId: game.eventId, kickoffAt: game.kickoffAt, away: "DAL", home: "PHI", state: "in", awayScore: 0, homeScore: 7, plays: [td] });
    delete (body.scoringPlays[0] as { team?: unknown }).team;
    upstream.on(urls.summary(game.eventId), json(body));
    const report = await run("live-sync", { now: "2025-11-02T18:30:00Z" });
    const logged = await expectRun(report, { status: "ok", updated_count: 1 });
    expect(logged.details.unresolvedScorers).toEqual([{ gameId: game.id, scorerName: "A.J. Brown", team: null, text: td.text }]);
    expect(await facts(game.id)).toMatchObject({ status: "in_progress", home_score: 7, first_td_player_id: null, first_td_player_name: "A.J. Brown", first_td_team: null });
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

    // An admin, watching the replay, credits the tight end.
    const admin = await api(`/v1/admin/games/${game.id}/first-td`, {
      method: "PUT",
      body: { type: "player", playerId: P.goedert.id, kind: "reception" },
    });
    expect(admin.status).toBe(200);
    const adminFacts = await facts(game.id);
    expect(adminFacts.first_td_player_id).toBe(P.goedert.id);
    expect(adminFacts.first_td_recorded_by).not.toBe("job:live-sync");

    // ESPN still says Brown, and the game goes on and ends.
    feed(game, "post", { score: [17, 28], plays: [td], core });
    upstream.clearCalls();
    const report = await run("live-sync", { now: "2025-10-19T23:50:00Z" });
    await expectRun(report, { status: "ok", updated_count: 1 });
    expect(await facts(game.id)).toEqual({ ...adminFacts, status: "final", away_score: 17, home_score: 28 });
    expect(await outcomes(game.id)).toEqual({ [P.brown.id]: ["loss", -100], [P.goedert.id]: ["win", 100] });
    // Neither the summary nor the core API was asked: the facts are the admin's.
    expect(upstream.calls.map((c) => c.url)).toEqual([urls.scoreboard("2025-10-19")]);
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
      json(scoreboard([{ eventId: game.eventId, kickoffAt: game.kickoffAt, away: "BAL", home: "HOU", state: "post", awayScore: 33, homeScore: 16, season: 2020, week: 2 }], 2, 2020)),
    );
    upstream.on(urls.summary(game.eventId), json(summary2020));
    for (const item of coreScoringPlays2020.items) upstream.on(urls.corePlay(game.eventId, item.id), json(item));

    const report = await run("live-sync", { now: "2020-09-20T23:45:00Z" });
    const logged = await expectRun(report, { status: "ok", updated_count: 1 });
    expect(logged.details.firstTdRecorded).toEqual([{ gameId: game.id, scorer: "Patrick Ricard", playerId: "00-0033376", via: "core_play" }]);
    expect(upstream.calls.map((c) => c.url)).toEqual([urls.scoreboard("2020-09-20"), urls.summary(game.eventId), urls.corePlay(game.eventId, "401220181869")]);
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
      json(scoreboard([{ eventId: game.eventId, kickoffAt: game.kickoffAt, away: "CLE", home: "JAX", state: "post", awayScore: 10, homeScore: 34, season: 2026 }], 1, 2026)),
    );
    upstream.on(urls.summary(game.eventId), json(summary2026));
    upstream.on(urls.corePlay(game.eventId, "401872922349"), status(404));
    const report = await run("live-sync", { now: "2026-09-13T20:30:00Z" });
    const logged = await expectRun(report, { status: "ok", updated_count: 1 });
    expect(logged.details.firstTdRecorded).toEqual([{ gameId: game.id, scorer: "Parker Washington", playerId: "00-0038606", via: "boxscore" }]);
    expect(await facts(game.id)).toMatchObject({ first_td_player_id: "00-0038606", first_td_team: "JAX", first_td_kind: "reception", home_score: 34, away_score: 10 });
  });
});
