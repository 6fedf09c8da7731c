import { env } from "cloudflare:test";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { easternDateOf, easternWallClockToUtc } from "../../src/domain/eastern-time";
import { currentSeason } from "../../src/jobs/season";
import { api, createUserWithToken, expectError, makePick, seedTeams, type TeamRoster, type TestUser } from "../helpers/api";
import { espnSays, scoringPlay } from "../helpers/espn-feed";
import { addDaysToDate, addMinutes, easternDaysLater, futureKickoff, kickoffPassesNow, realNow } from "../helpers/real-clock";
import { gamesCsv, type PublishedGame } from "../helpers/schedule-csv";
import { expectRun, rows, run } from "./support/db";
import { csv, FakeUpstream, urls } from "./support/upstream";

/**
 * Postponed and suspended games, as the live sync (ESPN) and the schedule sync (games.csv) report them, and the pick
 * lock through the API. The lock is one way: a game postponed AFTER its kickoff stays locked when its kickoff moves
 * later, and a suspended game that resumes keeps the first TD it already had; a game postponed BEFORE its kickoff
 * follows its new kickoff and keeps taking picks.
 *
 * One week in the real future (the database judges a pick's lock by its own, real clock): Thursday's game is postponed
 * before kickoff; Sunday's and Monday's kick off (their kickoffs moved to a minute before the real time: see
 * kickoffPassesNow), then Sunday's is postponed and Monday's suspended and resumed. The steps run in order.
 */

const THURSDAY = futureKickoff(4, "20:15");
const eastern = (daysAfterThursday: number, time: string) =>
  easternWallClockToUtc(addDaysToDate(easternDateOf(THURSDAY)!, daysAfterThursday), time)!;
const SEASON = currentSeason(new Date(THURSDAY));

const game = (away: string, home: string, kickoffAt: string, espnEventId: string): PublishedGame => ({
  id: `${SEASON}_01_${away}_${home}`,
  season: SEASON,
  week: 1,
  away,
  home,
  kickoffAt,
  espnEventId,
});

/** Postponed before its kickoff (a storm), a week later. */
const BEFORE = game("NYG", "WAS", THURSDAY, "401980001");
/** Postponed after its kickoff passed, before a snap (the stadium lost power), a week later. */
const AFTER = game("LV", "LAC", eastern(3, "16:25"), "401980002");
/** Suspended in the first half after its first TD, resumed two days later and played to the end. */
const SUSPENDED = game("SEA", "ARI", eastern(4, "20:15"), "401980003");

const upstream = new FakeUpstream();
const schedule = [BEFORE, AFTER, SUSPENDED];
let teams: Record<string, TeamRoster>;
let users: Record<"u1" | "u2" | "u3", TestUser>;
/** Each user's pick per game. */
const pickIds: Record<string, Record<string, number>> = {};

async function scheduleSync() {
  upstream.on(urls.games(), csv(gamesCsv(schedule)));
  return expectRun(await run("schedule-sync", { season: SEASON, now: new Date(realNow()) }), { status: "ok" });
}

/** The live sync as the cron runs it (the live window), or as a backfill of week 1 (every game past kickoff). */
async function liveSync(now: string, mode: "live" | "backfill") {
  const options = mode === "live" ? { now } : { now, season: SEASON, week: 1 };
  return expectRun(await run("live-sync", options), { status: "ok" });
}

const gameRow = async (id: string) =>
  (
    await rows<Record<string, unknown>>(
      `SELECT status, kickoff_at, locked_at, away_score, home_score, first_td_player_id, first_td_play_text FROM games WHERE id = ?`,
      id,
    )
  )[0]!;

/** The picks of a game, and their results, as stored. */
const picksAndResults = (gameId: string) =>
  rows("SELECT p.*, r.outcome, r.profit_cu, r.graded_at FROM picks p LEFT JOIN results r ON r.pick_id = p.id WHERE p.game_id = ? ORDER BY p.id", gameId);

/** POST, PATCH and DELETE of picks in a game, each answered 409 game_locked, and nothing written. */
async function expectLocked(g: PublishedGame) {
  const before = await picksAndResults(g.id);
  expectError(await api("/v1/picks", { method: "POST", token: users.u3.token, body: { gameId: g.id, playerId: `DEF-${g.home}` } }), 409, "game_locked");
  expectError(await api(`/v1/picks/${pickIds.u1![g.id]}`, { method: "PATCH", token: users.u1.token, body: { playerId: teams[g.home]!.TE } }), 409, "game_locked");
  expectError(await api(`/v1/picks/${pickIds.u2![g.id]}`, { method: "DELETE", token: users.u2.token }), 409, "game_locked");
  expect(await picksAndResults(g.id)).toEqual(before);
}

beforeAll(async () => {
  upstream.install();
  teams = await seedTeams(SEASON, ["NYG", "WAS", "LV", "LAC", "SEA", "ARI"]);
  await env.DB.prepare("UPDATE players SET espn_id = '9200001' WHERE id = ?").bind(teams.ARI!.WR).run();
  users = { u1: await createUserWithToken("postponed-u1"), u2: await createUserWithToken("postponed-u2"), u3: await createUserWithToken("postponed-u3") };
});
afterAll(() => upstream.restore());
afterEach(() => expect(upstream.unrouted).toEqual([]));

describe("a week with postponed games", () => {
  it("the schedule loads; users pick in every game before kickoff", async () => {
    await scheduleSync();
    for (const g of schedule) {
      for (const [key, playerId] of [["u1", teams[g.home]!.WR], ["u2", `DEF-${g.away}`]] as const) {
        pickIds[key] ??= {};
        pickIds[key][g.id] = (await makePick(users[key], g.id, playerId)).id;
      }
    }
  });

  it("postponed BEFORE kickoff, a week later: it follows its new kickoff and keeps taking, changing and deleting picks", async () => {
    espnSays(upstream, BEFORE, "postponed", [0, 0]);
    await liveSync(addMinutes(THURSDAY, -10), "live");
    expect(await gameRow(BEFORE.id)).toMatchObject({ status: "postponed", locked_at: null });
    BEFORE.kickoffAt = easternDaysLater(THURSDAY, 7);
    await scheduleSync();
    expect(await gameRow(BEFORE.id)).toMatchObject({ status: "postponed", kickoff_at: BEFORE.kickoffAt, locked_at: null });

    expect((await api(`/v1/games/${BEFORE.id}`, { token: users.u3.token })).json).toMatchObject({ kickoffAt: BEFORE.kickoffAt, locked: false });
    expect((await api("/v1/picks", { method: "POST", token: users.u3.token, body: { gameId: BEFORE.id, playerId: teams.WAS!.RB } })).status).toBe(201);
    const changed = await api(`/v1/picks/${pickIds.u1![BEFORE.id]}`, { method: "PATCH", token: users.u1.token, body: { playerId: teams.WAS!.TE } });
    expect([changed.status, changed.json.playerId]).toEqual([200, teams.WAS!.TE]);
    expect((await api(`/v1/picks/${pickIds.u2![BEFORE.id]}`, { method: "DELETE", token: users.u2.token })).status).toBe(204);
  });

  it("postponed AFTER kickoff, then moved a week later: locked for good (create, change, delete refused; the game says locked)", async () => {
    AFTER.kickoffAt = await kickoffPassesNow(AFTER.id);
    espnSays(upstream, AFTER, "postponed", [0, 0]);
    await liveSync(addMinutes(AFTER.kickoffAt, 5), "backfill");
    // The feed's change came after the kickoff had passed: the game locked then, at its kickoff.
    expect(await gameRow(AFTER.id)).toMatchObject({ status: "postponed", locked_at: AFTER.kickoffAt });

    const lockedAt = AFTER.kickoffAt;
    AFTER.kickoffAt = easternDaysLater(lockedAt, 7);
    await scheduleSync();
    expect(await gameRow(AFTER.id)).toMatchObject({ status: "postponed", kickoff_at: AFTER.kickoffAt, locked_at: lockedAt });
    // A week before its new kickoff, by every clock.
    const view = await api(`/v1/games/${AFTER.id}`, { token: users.u3.token });
    expect(view.json).toMatchObject({ status: "postponed", kickoffAt: AFTER.kickoffAt, locked: true });
    await expectLocked(AFTER);
  });

  it("suspended after its first TD and resumed two days later: locked meanwhile, and the first TD stands", async () => {
    SUSPENDED.kickoffAt = await kickoffPassesNow(SUSPENDED.id);
    const firstTd = scoringPlay("40198000301", "Passing Touchdown", "ARI WR 18 Yd pass from ARI QB (ARI K Kick)", "ARI", 1, "7:41", [0, 7]);
    const scorer = { [firstTd.id]: [["receiver", "9200001"], ["scorer", "9200001"]] as [string, string][] };
    espnSays(upstream, SUSPENDED, "in", [0, 7], [firstTd], scorer);
    await liveSync(addMinutes(SUSPENDED.kickoffAt, 30), "backfill");
    const recorded = await gameRow(SUSPENDED.id);
    expect(recorded).toMatchObject({ status: "in_progress", first_td_player_id: teams.ARI!.WR, away_score: 0, home_score: 7 });
    const graded = await picksAndResults(SUSPENDED.id);
    expect(graded.map((p) => [p.player_id, p.outcome])).toEqual([[teams.ARI!.WR, "win"], ["DEF-SEA", "loss"]]);

    // Lightning: ESPN lists the game as postponed, with its score and first TD; games.csv moves it two days on.
    espnSays(upstream, SUSPENDED, "postponed", [0, 7], [firstTd], scorer);
    await liveSync(addMinutes(SUSPENDED.kickoffAt, 90), "backfill");
    const suspendedAt = SUSPENDED.kickoffAt;
    SUSPENDED.kickoffAt = easternDaysLater(suspendedAt, 2);
    await scheduleSync();
    expect(await gameRow(SUSPENDED.id)).toMatchObject({ status: "postponed", kickoff_at: SUSPENDED.kickoffAt, first_td_player_id: teams.ARI!.WR });
    expect((await api(`/v1/games/${SUSPENDED.id}`, { token: users.u3.token })).json).toMatchObject({ locked: true });
    await expectLocked(SUSPENDED);

    // Resumed, then over: ESPN lists the rest of the scoring after the first TD.
    const later = [
      scoringPlay("40198000302", "Field Goal Good", "SEA K 40 Yd Field Goal", "SEA", 3, "6:10", [3, 7]),
      scoringPlay("40198000303", "Rushing Touchdown", "SEA RB 5 Yd Run (SEA K Kick)", "SEA", 4, "2:02", [10, 7]),
    ];
    espnSays(upstream, SUSPENDED, "in", [3, 7], [firstTd, later[0]!], scorer);
    await liveSync(addMinutes(SUSPENDED.kickoffAt, 20), "backfill");
    espnSays(upstream, SUSPENDED, "post", [10, 7], [firstTd, ...later], scorer);
    await liveSync(addMinutes(SUSPENDED.kickoffAt, 120), "backfill");

    expect(await gameRow(SUSPENDED.id)).toMatchObject({
      status: "final",
      away_score: 10,
      home_score: 7,
      first_td_player_id: recorded.first_td_player_id,
      first_td_play_text: recorded.first_td_play_text,
    });
    expect(await picksAndResults(SUSPENDED.id)).toEqual(graded);
    // The first TD was recorded once and never changed.
    expect(await rows("SELECT changed_by FROM game_fact_changes WHERE game_id = ?", SUSPENDED.id)).toEqual([{ changed_by: "job:live-sync" }]);
  });
});
