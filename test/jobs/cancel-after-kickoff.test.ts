import { env } from "cloudflare:test";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { findDifferences } from "../../src/db/recompute";
import { currentSeason } from "../../src/jobs/season";
import { api, createUserWithToken, makePick, seedMarketOdds, seedTeams, type TeamRoster, type TestUser } from "../helpers/api";
import { espnSays, scoringPlay } from "../helpers/espn-feed";
import { addMinutes, easternDaysLater, futureKickoff, kickoffPassesNow, realMinute, realNow } from "../helpers/real-clock";
import { gamesCsv, type PublishedGame } from "../helpers/schedule-csv";
import { expectRun, rows, run, snapshot } from "./support/db";
import { csv, FakeUpstream, urls } from "./support/upstream";

/**
 * A game canceled after its kickoff (as 2022_17_BUF_CIN, stopped in the first quarter and never completed) vanishes
 * from nflverse's games.csv: the schedule sync cancels it, and its picks become void through the grading triggers,
 * with standings and player stats exactly as a recompute gives them. A game whose kickoff only moves keeps its picks;
 * a final game that vanishes (a broken file, not a cancellation) keeps its result.
 *
 * One season in the real future (picks are judged by the database's own, real clock): the schedule loads, users pick
 * through the API, two games kick off (their kickoffs moved to a few minutes before the real time: see
 * kickoffPassesNow) and the live sync reads them from ESPN; then the schedule changes under them. The steps run in
 * order against one database.
 */

const SEASON = currentSeason(new Date(realNow()));
const SUNDAY_1PM = futureKickoff(0, "13:00");

const game = (week: number, away: string, home: string, kickoffAt: string, espnEventId?: string): PublishedGame => ({
  id: `${SEASON}_${String(week).padStart(2, "0")}_${away}_${home}`,
  season: SEASON,
  week,
  away,
  home,
  kickoffAt,
  espnEventId,
});

/** Played to the end: NYJ 7, MIA 3. */
const FINAL = game(1, "NYJ", "MIA", SUNDAY_1PM, "401990001");
/** Stopped in the first quarter after BUF's touchdown, never completed: canceled. */
const STOPPED = game(1, "BUF", "CIN", SUNDAY_1PM, "401990002");
/** Flexed: its kickoff moves a week later. */
const FLEXED = game(1, "KC", "DEN", futureKickoff(0, "16:25"), "401990003");
/** The rest of the season's schedule (the sync refuses a file that drops more than a tenth of the known games). */
const OTHERS = [
  ["LA", "SF"], ["SEA", "ARI"], ["DAL", "PHI"], ["NYG", "WAS"], ["GB", "CHI"], ["DET", "MIN"], ["TB", "NO"], ["ATL", "CAR"],
  ["LV", "LAC"], ["HOU", "IND"], ["JAX", "TEN"], ["PIT", "BAL"], ["CLE", "NE"], ["ARI", "LA"], ["SF", "SEA"], ["PHI", "NYG"], ["CHI", "DET"],
].map(([away, home], i) => game(2 + Math.floor(i / 9), away!, home!, easternDaysLater(SUNDAY_1PM, 7 * (1 + Math.floor(i / 9)))));

const upstream = new FakeUpstream();
let schedule: PublishedGame[] = [FINAL, STOPPED, FLEXED, ...OTHERS];
let teams: Record<string, TeamRoster>;
let users: Record<"u1" | "u2" | "u3", TestUser>;

/** nflverse publishes `schedule`; the schedule sync reads it. */
async function scheduleSync() {
  upstream.on(urls.games(), csv(gamesCsv(schedule)));
  return run("schedule-sync", { season: SEASON, now: new Date(realNow()) });
}

const gameRow = (id: string) =>
  rows<Record<string, unknown>>(
    "SELECT status, away_score, home_score, first_td_player_id, first_td_team, updated_by, locked_at IS NOT NULL AS locked FROM games WHERE id = ?",
    id,
  ).then((found) => found[0]);

/** Each pick of a game: [user, player, outcome, profit_cu], in pick order. */
async function picksOf(gameId: string) {
  const byUser = new Map(Object.entries(users).map(([key, user]) => [user.id, key]));
  const found = await rows<{ user_id: number; player_id: string; outcome: string | null; profit_cu: number | null }>(
    "SELECT p.user_id, p.player_id, r.outcome, r.profit_cu FROM picks p LEFT JOIN results r ON r.pick_id = p.id WHERE p.game_id = ? ORDER BY p.id",
    gameId,
  );
  return found.map((p) => [byUser.get(p.user_id) ?? p.user_id, p.player_id, p.outcome, p.profit_cu]);
}

/** Each user's standings [picks, wins, losses, voids, units_cu], the season's row and week 1's. */
async function standings() {
  const result: Record<string, unknown> = {};
  for (const [key, user] of Object.entries(users)) {
    result[key] = (
      await rows<{ week: number; picks: number; wins: number; losses: number; voids: number; units_cu: number }>(
        "SELECT week, picks, wins, losses, voids, units_cu FROM standings WHERE user_id = ? AND season = ? ORDER BY week",
        user.id,
        SEASON,
      )
    ).map((s) => [s.week, s.picks, s.wins, s.losses, s.voids, s.units_cu]);
  }
  return result;
}

async function firstTdCounts() {
  const response = await api(`/v1/player-stats?season=${SEASON}&limit=100`);
  expect(response.status).toBe(200);
  return Object.fromEntries(
    (response.json.entries as { playerId: string; firstTdCount: number }[]).map((e) => [e.playerId, e.firstTdCount]),
  );
}

beforeAll(async () => {
  upstream.install();
  teams = await seedTeams(SEASON, ["NYJ", "MIA", "BUF", "CIN", "KC", "DEN"]);
  // The scorers as the core API names them (ESPN athlete ids).
  await env.DB.batch([
    env.DB.prepare("UPDATE players SET espn_id = '9100001' WHERE id = ?").bind(teams.NYJ!.RB),
    env.DB.prepare("UPDATE players SET espn_id = '9100002' WHERE id = ?").bind(teams.BUF!.WR),
  ]);
  users = { u1: await createUserWithToken("cancel-u1"), u2: await createUserWithToken("cancel-u2"), u3: await createUserWithToken("cancel-u3") };
});
afterAll(() => upstream.restore());
afterEach(() => expect(upstream.unrouted).toEqual([]));

describe("a game canceled after kickoff", () => {
  it("the season's schedule loads; users pick before kickoff", async () => {
    await expectRun(await scheduleSync(), { status: "ok", inserted_count: 20 });
    await seedMarketOdds([
      { gameId: STOPPED.id, playerId: teams.BUF!.WR, playerName: "BUF WR", impliedProbability: 0.2, americanOdds: 400, snapshotTime: addMinutes(realMinute(), -10) },
    ]);
    const plan: [TestUser, PublishedGame, string][] = [
      [users.u1, STOPPED, teams.BUF!.WR],
      [users.u2, STOPPED, teams.CIN!.RB],
      [users.u3, STOPPED, "DEF-CIN"],
      [users.u1, FINAL, teams.NYJ!.RB],
      [users.u2, FINAL, teams.MIA!.WR],
      [users.u1, FLEXED, teams.KC!.TE],
      [users.u3, FLEXED, teams.DEN!.WR],
    ];
    for (const [user, g, playerId] of plan) await makePick(user, g.id, playerId);
  });

  it("two games kick off: the live sync grades the one played to the end and the one stopped after its first TD", async () => {
    FINAL.kickoffAt = await kickoffPassesNow(FINAL.id, 200);
    STOPPED.kickoffAt = await kickoffPassesNow(STOPPED.id, 20);
    // nflverse publishes the final score.
    Object.assign(FINAL, { awayScore: 7, homeScore: 3 });
    const nyjTd = scoringPlay("40199000101", "Rushing Touchdown", "NYJ RB 2 Yd Run (NYJ K Kick)", "NYJ", 1, "8:12", [7, 0]);
    const miaFg = scoringPlay("40199000102", "Field Goal Good", "MIA K 44 Yd Field Goal", "MIA", 3, "5:30", [7, 3]);
    espnSays(upstream, FINAL, "post", [7, 3], [nyjTd, miaFg], { [nyjTd.id]: [["rusher", "9100001"], ["scorer", "9100001"]] });
    const bufTd = scoringPlay("40199000201", "Passing Touchdown", "BUF WR 31 Yd pass from BUF QB (BUF K Kick)", "BUF", 1, "9:02", [7, 0]);
    espnSays(upstream, STOPPED, "in", [7, 0], [bufTd], { [bufTd.id]: [["receiver", "9100002"], ["scorer", "9100002"]] });

    await expectRun(await run("live-sync", { season: SEASON, week: 1, now: new Date(realNow()) }), { status: "ok" });
    expect(await gameRow(FINAL.id)).toMatchObject({ status: "final", away_score: 7, home_score: 3, first_td_player_id: teams.NYJ!.RB, locked: 1 });
    expect(await gameRow(STOPPED.id)).toMatchObject({ status: "in_progress", away_score: 7, home_score: 0, first_td_player_id: teams.BUF!.WR, locked: 1 });
    expect(await picksOf(STOPPED.id)).toEqual([
      ["u1", teams.BUF!.WR, "win", 400],
      ["u2", teams.CIN!.RB, "loss", -100],
      ["u3", "DEF-CIN", "loss", -100],
    ]);
    expect(await firstTdCounts()).toEqual({ [teams.NYJ!.RB]: 1, [teams.BUF!.WR]: 1 });
  });

  it("the stopped game vanishes from games.csv while the flexed one moves: the schedule sync cancels only the first", async () => {
    schedule = schedule.filter((g) => g !== STOPPED);
    const flexedTo = easternDaysLater(FLEXED.kickoffAt, 7);
    FLEXED.kickoffAt = flexedTo;
    const report = await scheduleSync();
    await expectRun(report, { status: "ok", inserted_count: 0, updated_count: 2 });
    expect(report.outcome?.details).toMatchObject({ canceled: [STOPPED.id], kickoffsChanged: [{ id: FLEXED.id, kickoffAt: flexedTo }] });
    // Canceled by the schedule; what the feed recorded stays on the game.
    expect(await gameRow(STOPPED.id)).toMatchObject({ status: "canceled", updated_by: "job:schedule-sync", first_td_player_id: teams.BUF!.WR });
    const [change] = await rows<{ changed_by: string; before: string; after: string }>(
      "SELECT changed_by, before, after FROM game_fact_changes WHERE game_id = ? ORDER BY id DESC LIMIT 1",
      STOPPED.id,
    );
    expect(change!.changed_by).toBe("job:schedule-sync");
    expect([JSON.parse(change!.before).status, JSON.parse(change!.after).status]).toEqual(["in_progress", "canceled"]);
  });

  it("its picks are void (0 units), in results, standings and the API; standings and player stats equal a recompute", async () => {
    expect(await picksOf(STOPPED.id)).toEqual([
      ["u1", teams.BUF!.WR, "void", 0],
      ["u2", teams.CIN!.RB, "void", 0],
      ["u3", "DEF-CIN", "void", 0],
    ]);
    // [week, picks, wins, losses, voids, units_cu], season (0) and week 1: u1 keeps the final game's win at even money.
    expect(await standings()).toEqual({
      u1: [[0, 3, 1, 0, 1, 100], [1, 3, 1, 0, 1, 100]],
      u2: [[0, 2, 0, 1, 1, -100], [1, 2, 0, 1, 1, -100]],
      u3: [[0, 2, 0, 0, 1, 0], [1, 2, 0, 0, 1, 0]],
    });
    const mine = await api(`/v1/me/picks?season=${SEASON}`, { token: users.u1.token });
    expect(mine.json.picks.find((p: { gameId: string }) => p.gameId === STOPPED.id)).toMatchObject({ outcome: "void", units: 0 });
    // The canceled game's first TD no longer counts for its scorer.
    expect(await firstTdCounts()).toEqual({ [teams.NYJ!.RB]: 1 });
    expect(await findDifferences(env.DB, { season: SEASON })).toEqual({ results: [], standings: [], playerStats: [] });
  });

  it("the flexed game keeps its picks, ungraded, and still takes and changes picks before its new kickoff", async () => {
    expect(await picksOf(FLEXED.id)).toEqual([
      ["u1", teams.KC!.TE, null, null],
      ["u3", teams.DEN!.WR, null, null],
    ]);
    expect((await api(`/v1/games/${FLEXED.id}`)).json).toMatchObject({ status: "scheduled", kickoffAt: FLEXED.kickoffAt, locked: false });
    await makePick(users.u2, FLEXED.id, teams.DEN!.QB);
    const [u1Pick] = await rows<{ id: number }>("SELECT id FROM picks WHERE game_id = ? AND user_id = ?", FLEXED.id, users.u1.id);
    const changed = await api(`/v1/picks/${u1Pick!.id}`, { method: "PATCH", token: users.u1.token, body: { playerId: teams.KC!.RB } });
    expect([changed.status, changed.json.playerId]).toEqual([200, teams.KC!.RB]);
  });

  it("a final game that vanishes keeps its result: a broken file, not a cancellation", async () => {
    const before = await snapshot();
    schedule = schedule.filter((g) => g !== FINAL);
    const report = await scheduleSync();
    await expectRun(report, { status: "ok", inserted_count: 0, updated_count: 0 });
    expect(report.outcome?.details).toMatchObject({ canceled: [] });
    expect(await gameRow(FINAL.id)).toMatchObject({ status: "final", first_td_player_id: teams.NYJ!.RB });
    expect(await picksOf(FINAL.id)).toEqual([
      ["u1", teams.NYJ!.RB, "win", 100],
      ["u2", teams.MIA!.WR, "loss", -100],
    ]);
    expect(await snapshot()).toEqual(before);
  });
});
