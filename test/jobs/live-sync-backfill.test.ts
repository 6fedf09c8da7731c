import { env } from "cloudflare:test";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { runJob } from "../../src/jobs/runner";
import { CHECKS } from "../../src/quality/checks";
import { evaluateChecks } from "../../src/quality/evaluate";
import { api, createUserWithToken } from "../helpers/api";
import { addPick } from "../helpers/league";
import { FAST, lastRun, row, rows, run, runScheduled, snapshot, syncRun } from "./support/db";
import { corePlay, scoreboard, type PlaySpec } from "./support/espn";
import {
  eventOf,
  expectExactGrading,
  facts,
  feed,
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
 * Grading catches up by itself and on demand (DESIGN.md, "Grading"): an admin backfills a season or a week whatever
 * the clock says, within a request budget per run that the next run continues from; the cron's catch-up reads every
 * game of the season past kickoff that is not settled, backing off per game while the feed fails; each reason a game
 * cannot be settled is recorded, and the nightly check reports it a day after kickoff. Each scenario has a season of
 * its own, so that no scenario's unsettled game is another's catch-up.
 */

const upstream = new FakeUpstream();
let userCount = 0;

const P = {
  hurts: { id: "00-0036389", name: "Jalen Hurts", team: "PHI", position: "QB", espnId: "4040715" },
  brown: { id: "00-0035676", name: "A.J. Brown", team: "PHI", position: "WR", espnId: "4047646" },
  smith: { id: "00-0036912", name: "DeVonta Smith", team: "PHI", position: "WR", espnId: "4241478" },
  lamb: { id: "00-0036358", name: "CeeDee Lamb", team: "DAL", position: "WR", espnId: "4241389" },
  pacheco: { id: "00-0037197", name: "Isiah Pacheco", team: "KC", position: "RB", espnId: "4361529" },
  cook: { id: "00-0037248", name: "James Cook", team: "BUF", position: "RB", espnId: "4379399" },
  gibson: { id: "00-0036328", name: "Antonio Gibson", team: "WAS", position: "RB", espnId: "4360294" },
} satisfies Record<string, SeedPlayer>;

async function picker(): Promise<number> {
  return (await createUserWithToken(`backfill-${++userCount}`)).id;
}

/** A touchdown drive's play for `team`, taking the score to [away, home]. */
function td(id: string, scorer: SeedPlayer, team: string, period: number, clock: string, away: number, home: number): PlaySpec {
  return play(id, "Rushing Touchdown", `${scorer.name} 3 Yd Run (Kick)`, team, period, clock, away, home);
}

/** ESPN's feed of a final game whose last scoring play gives the final score. */
function finalFeed(game: LiveGame, plays: PlaySpec[], options: Omit<FeedOptions, "plays" | "score"> = {}) {
  const last = plays.at(-1);
  feed(upstream, game, "post", { ...options, plays, score: last ? [last.awayScore, last.homeScore] : [0, 0] });
}

/** The Worker's scheduled handler for the live sync's cron at `at` (the handler reads the clock, faked meanwhile). */
async function cronAt(at: string) {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date(at));
  try {
    const result = await runScheduled("*/2 * * * *", new Date(at));
    return { outcome: result.outcome, run: await lastRun() };
  } finally {
    vi.useRealTimers();
  }
}

beforeAll(() => upstream.install());
afterAll(() => upstream.restore());
beforeEach(() => upstream.reset());
afterEach(() => expect(upstream.unrouted).toEqual([]));

describe("backfill of a past week, asked by an admin", () => {
  const season = 2023;
  // As the schedule sync leaves an old season: final, scored, no first-TD facts; one game without an ESPN id.
  const eagles: LiveGame = { id: "2023_03_DAL_PHI", season, week: 3, away: "DAL", home: "PHI", kickoffAt: "2023-09-24T17:00:00Z", eventId: "9230301" };
  const noId: LiveGame = { id: "2023_03_NYG_WAS", season, week: 3, away: "NYG", home: "WAS", kickoffAt: "2023-09-24T17:00:00Z", eventId: null };
  const chiefs: LiveGame = { id: "2023_03_KC_BUF", season, week: 3, away: "KC", home: "BUF", kickoffAt: "2023-09-24T20:25:00Z", eventId: "9230303" };
  const nextWeek: LiveGame = { id: "2023_04_DAL_PHI", season, week: 4, away: "DAL", home: "PHI", kickoffAt: "2023-10-01T17:00:00Z", eventId: "9230401" };
  const eaglesPlays = [
    play("92303011", "Passing Touchdown", "A.J. Brown 12 Yd pass from Jalen Hurts (Jake Elliott Kick)", "PHI", 1, "8:11", 0, 7),
    play("92303012", "Passing Touchdown", "CeeDee Lamb 30 Yd pass from Dak Prescott (Brandon Aubrey Kick)", "DAL", 2, "9:00", 7, 7),
    play("92303013", "Field Goal Good", "Jake Elliott 33 Yd Field Goal", "PHI", 4, "2:00", 7, 10),
  ];
  const noIdPlays = [play("92303021", "Field Goal Good", "Graham Gano 40 Yd Field Goal", "NYG", 2, "1:00", 3, 0)];
  const chiefsPlays = [td("92303031", P.pacheco, "KC", 1, "3:00", 7, 0), td("92303032", P.cook, "BUF", 3, "3:00", 7, 7), td("92303033", P.pacheco, "KC", 4, "0:30", 14, 7)];
  const pickers: Record<string, number> = {};

  beforeAll(async () => {
    await seedRoster(season, Object.values(P));
    await seedLiveGame(eagles, { away: 7, home: 10 });
    await seedLiveGame(noId, { away: 3, home: 0 });
    await seedLiveGame(chiefs, { away: 14, home: 7 });
    await seedLiveGame(nextWeek, { away: 21, home: 24 });
    for (const [key, game, player] of [
      ["brown", eagles, P.brown.id],
      ["lamb", eagles, P.lamb.id],
      ["defWas", noId, "DEF-WAS"],
      ["pacheco", chiefs, P.pacheco.id],
      ["defBuf", chiefs, "DEF-BUF"],
      ["nextWeek", nextWeek, P.brown.id],
    ] as const) {
      pickers[key] = await picker();
      await addPick(env.DB, pickers[key]!, game.id, player, key === "brown" ? 2.5 : null);
    }
  });

  it("POST /v1/admin/jobs/live-sync/run {season, week} grades every game of the week, years later; a second run writes nothing", async () => {
    finalFeed(eagles, eaglesPlays, { core: { "92303011": [["passer", P.hurts.espnId], ["scorer", P.brown.espnId]] } });
    // No core play: the box score names the scorer.
    finalFeed(chiefs, chiefsPlays, { box: { KC: [[P.pacheco.espnId, "Isiah Pacheco", "rushing"]] } });
    // The game without an ESPN id is found on the scoreboard of its day by its teams, and its id recorded.
    const withId = { ...noId, eventId: "9230302" };
    upstream.on(urls.scoreboard("2023-09-24"), json(scoreboard([eventOf(eagles, "post", [7, 10]), eventOf(withId, "post", [3, 0]), eventOf(chiefs, "post", [14, 7])], 3, season)));
    upstream.on(urls.summary("9230302"), json(summaryOf(withId, "post", { score: [3, 0], plays: noIdPlays })));

    const response = await api("/v1/admin/jobs/live-sync/run", { method: "POST", body: { season, week: 3 } });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ job: "live-sync", trigger: "admin", season, week: 3, status: "ok", readCount: 3, updatedCount: 3, rejectedCount: 0 });
    expect(response.json.details).toMatchObject({
      mode: "backfill",
      games: 3,
      gamesLeft: 0,
      firstTdRecorded: [
        { gameId: eagles.id, scorer: "A.J. Brown", playerId: P.brown.id, via: "core_play" },
        { gameId: chiefs.id, scorer: "Isiah Pacheco", playerId: P.pacheco.id, via: "boxscore" },
      ],
      problems: [],
    });
    expect(await facts(eagles.id)).toMatchObject({ status: "final", away_score: 7, home_score: 10, first_td_player_id: P.brown.id, first_td_kind: "reception" });
    expect(await facts(noId.id)).toMatchObject({ status: "final", no_td: 1, first_td_team: null });
    expect(await row("SELECT espn_event_id FROM games WHERE id = ?", noId.id)).toEqual({ espn_event_id: "9230302" });
    expect(await facts(chiefs.id)).toMatchObject({ first_td_player_id: P.pacheco.id, first_td_team: "KC", first_td_kind: "rush" });
    expect(await outcomes(eagles.id)).toEqual({ [P.brown.id]: ["win", 150], [P.lamb.id]: ["loss", -100] });
    expect(await outcomes(noId.id)).toEqual({ "DEF-WAS": ["loss", -100] });
    expect(await outcomes(chiefs.id)).toEqual({ [P.pacheco.id]: ["win", 100], "DEF-BUF": ["loss", -100] });
    // Week 4 was not asked for: not read, not graded.
    expect(await outcomes(nextWeek.id)).toEqual({ [P.brown.id]: [null, null] });
    expect(upstream.calls.map((c) => c.url)).not.toContain(urls.summary("9230401"));
    await expectExactGrading(season);
    // Settled: no game of the week keeps a feed check.
    expect(await rows("SELECT game_id FROM game_feed_checks WHERE game_id LIKE '2023_%'")).toEqual([]);

    // The same request over the same feed: every game read again (each its summary only), nothing written.
    upstream.clearCalls();
    const before = await snapshot();
    const again = await api("/v1/admin/jobs/live-sync/run", { method: "POST", body: { season, week: 3 } });
    expect(again.json).toMatchObject({ status: "ok", readCount: 3, updatedCount: 0, unchangedCount: 3, d1RowsWritten: 0 });
    expect(upstream.calls.map((c) => c.url).sort()).toEqual([urls.summary("9230301"), urls.summary("9230302"), urls.summary("9230303")].sort());
    expect(await snapshot()).toEqual(before);
  });
});

describe("backfill within a request budget", () => {
  const season = 2021;
  const BUDGET = 7;
  // Three weeks of two games, final and scored, no facts; listed newest first: the order is the kickoff's.
  const games: LiveGame[] = [3, 2, 1].flatMap((week) => {
    const day = `2021-09-${5 + 7 * week}`;
    return [
      { id: `${season}_0${week}_KC_BUF`, season, week, away: "KC", home: "BUF", kickoffAt: `${day}T20:25:00Z`, eventId: `92100${week}2` },
      { id: `${season}_0${week}_DAL_PHI`, season, week, away: "DAL", home: "PHI", kickoffAt: `${day}T17:00:00Z`, eventId: `92100${week}1` },
    ];
  });
  const byKickoff = [...games].sort((a, b) => a.kickoffAt.localeCompare(b.kickoffAt));
  const scorerOf = (game: LiveGame) => (game.home === "PHI" ? P.brown : P.pacheco);
  const firstTdOf = (game: LiveGame) =>
    game.home === "PHI" ? td(`${game.eventId}1`, P.brown, "PHI", 1, "5:00", 0, 7) : td(`${game.eventId}1`, P.pacheco, "KC", 1, "5:00", 7, 0);
  const corePlayOf = (game: LiveGame) =>
    json(corePlay({ eventId: game.eventId!, play: firstTdOf(game), season, participants: [["scorer", scorerOf(game).espnId]] }));

  /** Each game's feed: a summary with its first TD (one call), the core play naming the scorer (another), a box score. */
  function serve(game: LiveGame) {
    const scorer = scorerOf(game);
    finalFeed(game, [firstTdOf(game)], { core: { [`${game.eventId}1`]: [["scorer", scorer.espnId]] }, box: { [scorer.team]: [[scorer.espnId!, scorer.name, "rushing"]] } });
  }

  /** A run of the backfill, asked for the season (and a week) with a budget of `budget` requests, as the CLI runs it. */
  async function backfill(now: string, { week = null, budget = BUDGET }: { week?: number | null; budget?: number } = {}) {
    const before = upstream.calls.length;
    const report = await runJob(
      { ...env, LIVE_SYNC_MAX_REQUESTS: String(budget) },
      { job: "live-sync", trigger: "cli", season, week, now: new Date(now), retryPolicy: FAST, progress: () => {} },
    );
    const logged = await syncRun(report.runId);
    const requests = upstream.calls.length - before;
    // Never more requests than the budget, retries included; the run says how many it made.
    expect(requests).toBeLessThanOrEqual(budget);
    expect(logged.details.upstreamRequests ?? 0).toBe(requests);
    return logged;
  }

  beforeAll(async () => {
    await seedRoster(season, Object.values(P));
    for (const game of games) await seedLiveGame(game, game.home === "PHI" ? { away: 0, home: 7 } : { away: 7, home: 0 });
  });

  it("a season: the oldest games first, those left reported, each next run continuing where the last stopped", async () => {
    for (const game of games) serve(game);
    const [g1, g2, g3, g4, g5, g6] = byKickoff as [LiveGame, LiveGame, LiveGame, LiveGame, LiveGame, LiveGame];
    // Some calls fail and succeed on a retry: every attempt counts against the budget.
    upstream.on(urls.summary(g1.eventId!), status(503), json(summaryOf(g1, "post", { score: [0, 7], plays: [firstTdOf(g1)] })));
    upstream.on(urls.corePlay(g3.eventId!, `${g3.eventId}1`), status(502), status(503), corePlayOf(g3));

    // Run 1: g1's summary takes two attempts, its core play one, g2 two more; with 2 of 7 requests left no call starts.
    const first = await backfill("2026-03-01T12:00:00Z");
    expect(first).toMatchObject({ status: "partial", read_count: 2, rejected_count: 0 });
    expect(first.details).toMatchObject({ mode: "backfill", games: 6, upstreamRequests: 5, requestBudget: BUDGET, gamesLeft: 4, leftGames: [g3, g4, g5, g6].map((g) => g.id) });
    expect(first.details.firstTdRecorded.map((r: { gameId: string }) => r.gameId)).toEqual([g1.id, g2.id]);
    await expectExactGrading(season);

    // Run 2: g3 (its core play answers on the third attempt), then g4, whose core play no longer fits: its scorer
    // is found in the box score instead.
    const second = await backfill("2026-03-01T12:02:00Z");
    expect(second).toMatchObject({ status: "partial", read_count: 2 });
    expect(second.details).toMatchObject({ games: 4, upstreamRequests: 5, gamesLeft: 2, leftGames: [g5.id, g6.id] });
    expect(second.details.firstTdRecorded).toEqual([
      { gameId: g3.id, scorer: scorerOf(g3).name, playerId: scorerOf(g3).id, via: "core_play" },
      { gameId: g4.id, scorer: scorerOf(g4).name, playerId: scorerOf(g4).id, via: "boxscore" },
    ]);
    expect(upstream.callsTo(urls.corePlay(g4.eventId!, `${g4.eventId}1`))).toEqual([]);

    // Run 3: the last two; nothing is left.
    const third = await backfill("2026-03-01T12:04:00Z");
    expect(third).toMatchObject({ status: "ok", read_count: 2 });
    expect(third.details).toMatchObject({ games: 2, upstreamRequests: 4, gamesLeft: 0, leftGames: [] });
    for (const game of games) expect(await facts(game.id)).toMatchObject({ first_td_player_id: scorerOf(game).id });
    await expectExactGrading(season);

    // Nothing left to backfill in the season: the next run asks nobody.
    const done = await backfill("2026-03-01T12:06:00Z");
    expect(done).toMatchObject({ status: "ok", read_count: 0 });
  });

  it("a week larger than one run's budget: each run takes the week's unsettled games first", async () => {
    // Week 4: three games, final and scored, no facts, each home team's TD the only score. A run affords one game
    // (a summary and a core play).
    const week4: [LiveGame, SeedPlayer][] = [
      [{ id: `${season}_04_DAL_PHI`, season, week: 4, away: "DAL", home: "PHI", kickoffAt: "2021-10-03T17:00:00Z", eventId: "9210041" }, P.brown],
      [{ id: `${season}_04_NYG_WAS`, season, week: 4, away: "NYG", home: "WAS", kickoffAt: "2021-10-03T18:00:00Z", eventId: "9210042" }, P.gibson],
      [{ id: `${season}_04_KC_BUF`, season, week: 4, away: "KC", home: "BUF", kickoffAt: "2021-10-03T19:00:00Z", eventId: "9210043" }, P.cook],
    ];
    for (const [game, scorer] of week4) {
      await seedLiveGame(game, { away: 0, home: 7 });
      const only = td(`${game.eventId}1`, scorer, game.home, 1, "5:00", 0, 7);
      finalFeed(game, [only], { core: { [only.id]: [["scorer", scorer.espnId!]] } });
    }
    const [g1, g2, g3] = week4.map(([game]) => game.id) as [string, string, string];
    const runWeek = (now: string) => backfill(now, { week: 4, budget: 4 });
    const settledIds = async () =>
      (await rows<{ id: string }>("SELECT id FROM games WHERE week = 4 AND season = ? AND first_td_player_id IS NOT NULL ORDER BY kickoff_at", season)).map((r) => r.id);

    const first = await runWeek("2026-03-02T12:00:00Z");
    expect(first.details).toMatchObject({ games: 3, gamesLeft: 2, leftGames: [g2, g3] });
    expect(await settledIds()).toEqual([g1]);
    // The settled game keeps no feed check, yet it does not come first again: the unsettled ones do.
    const second = await runWeek("2026-03-02T12:02:00Z");
    expect(second.details).toMatchObject({ gamesLeft: 1, leftGames: [g3] });
    expect(await settledIds()).toEqual([g1, g2]);
    // Every game settled after the third run: the settled ones it had no budget to read again are no work left.
    const third = await runWeek("2026-03-02T12:04:00Z");
    expect(third).toMatchObject({ status: "ok" });
    expect(third.details.leftGames).toEqual([]);
    expect(await settledIds()).toEqual([g1, g2, g3]);
    await expectExactGrading(season);
  });
});

describe("the cron's catch-up", () => {
  const season = 2047;
  const T0 = "2047-09-20T12:00:00Z";
  const minutesAfter = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString().replace(".000Z", "Z");
  // Played three days ago, while the live sync could not run: both last seen under way, neither settled.
  const forgotten: LiveGame = { id: "2047_02_DAL_PHI", season, week: 2, away: "DAL", home: "PHI", kickoffAt: "2047-09-17T17:00:00Z", eventId: "9470201" };
  const missing: LiveGame = { id: "2047_02_KC_BUF", season, week: 2, away: "KC", home: "BUF", kickoffAt: "2047-09-17T20:25:00Z", eventId: "9470202" };
  // Last season's Super Bowl, final without facts: not this season's, so never the cron's business.
  const lastSeason: LiveGame = { id: "2046_22_DAL_PHI", season: 2046, week: 22, away: "DAL", home: "PHI", kickoffAt: "2047-02-07T23:30:00Z", eventId: "9462201" };
  const brownTd = play("94702011", "Passing Touchdown", "A.J. Brown 12 Yd pass from Jalen Hurts (Jake Elliott Kick)", "PHI", 1, "8:11", 0, 7);
  const pachecoTd = td("94702021", P.pacheco, "KC", 1, "4:00", 7, 0);
  let brownPick = 0;

  beforeAll(async () => {
    await seedRoster(season, Object.values(P));
    for (const game of [forgotten, missing]) {
      await seedLiveGame(game);
      await env.DB.prepare("UPDATE games SET status = 'in_progress' WHERE id = ?").bind(game.id).run();
    }
    await seedLiveGame(lastSeason, { away: 22, home: 40 });
    brownPick = await picker();
    await addPick(env.DB, brownPick, forgotten.id, P.brown.id);
    await addPick(env.DB, await picker(), lastSeason.id, P.brown.id);
  });

  it("reads a game three days past kickoff without anyone asking, and backs off a game whose feed fails", async () => {
    finalFeed(forgotten, [brownTd], { core: { [brownTd.id]: [["scorer", P.brown.espnId]] } });
    upstream.on(urls.summary("9470202"), status(404, {}, "Not Found"));

    const first = await cronAt(T0);
    expect(first.outcome).toBe("ok");
    expect(first.run).toMatchObject({ trigger: "cron", season, status: "partial", read_count: 2, rejected_count: 1 });
    expect(first.run.details).toMatchObject({ mode: "live", games: 2 });
    expect(await facts(forgotten.id)).toMatchObject({ status: "final", away_score: 0, home_score: 7, first_td_player_id: P.brown.id });
    expect(await outcomes(forgotten.id)).toEqual({ [P.brown.id]: ["win", 100] });
    expect(await feedCheck(forgotten.id)).toBeNull();
    // The failing feed: the reason, and the next look in five minutes.
    expect(await feedCheck(missing.id)).toEqual({
      problem: "feed_missing",
      detail: `ESPN has no summary: Upstream answered 404 (${urls.summary("9470202")})`,
      problem_since: T0,
      attempts: 1,
      checked_at: T0,
      next_check_at: minutesAfter(5),
    });
    // Last season's unsettled game was not looked at.
    expect(await feedCheck(lastSeason.id)).toBeNull();
    expect(upstream.calls.map((c) => c.url)).not.toContain(urls.summary("9462201"));

    // Two minutes later the game is not due: ESPN is not asked.
    upstream.clearCalls();
    const early = await cronAt(minutesAfter(2));
    expect(early.run).toMatchObject({ status: "ok", read_count: 0 });
    expect(upstream.calls).toEqual([]);

    // Six minutes later it is: asked again, still missing, the next look twice as far off. ESPN answering "no such
    // game" is an answer, not an outage: the run is partial, naming the game, not failed.
    const due = await cronAt(minutesAfter(6));
    expect(due.outcome).toBe("ok");
    expect(due.run).toMatchObject({ status: "partial", rejected_count: 1, error: null });
    expect(upstream.callsTo(urls.summary("9470202"))).toHaveLength(1);
    expect(await feedCheck(missing.id)).toMatchObject({ problem: "feed_missing", problem_since: T0, attempts: 2, next_check_at: minutesAfter(16) });

    // ESPN has the game at last: settled, its feed check gone.
    finalFeed(missing, [pachecoTd], { core: { [pachecoTd.id]: [["scorer", P.pacheco.espnId]] } });
    const answered = await cronAt(minutesAfter(17));
    expect(answered.run).toMatchObject({ status: "ok", read_count: 1, updated_count: 1 });
    expect(await facts(missing.id)).toMatchObject({ status: "final", first_td_player_id: P.pacheco.id });
    expect(await feedCheck(missing.id)).toBeNull();
    await expectExactGrading(season);
    // And last season's game is still as the schedule left it.
    expect(await outcomes(lastSeason.id)).toEqual({ [P.brown.id]: [null, null] });
  });
});

describe("why a game cannot be settled: each reason recorded, and reported a day after kickoff", () => {
  const season = 2045;
  /** Week `week` of the season: its one game, kicking off on a Sunday a week after the last. */
  const gameOfWeek = (week: number, eventId: string | null): LiveGame => ({
    id: `${season}_0${week}_DAL_PHI`,
    season,
    week,
    away: "DAL",
    home: "PHI",
    kickoffAt: new Date(Date.UTC(2045, 8, 3 + 7 * week, 17)).toISOString().replace(".000Z", "Z"),
    eventId,
  });
  const threeHoursAfter = (game: LiveGame) => new Date(Date.parse(game.kickoffAt) + 3 * 3_600_000);
  const games = {
    feedMissing: gameOfWeek(1, "9450101"),
    inconsistent: gameOfWeek(2, "9450201"),
    unresolved: gameOfWeek(3, "9450301"),
    notOnScoreboard: gameOfWeek(4, null),
    upstreamError: gameOfWeek(5, "9450501"),
  };
  const pickers: Record<string, number> = {};

  /** A backfill of the game's week three hours after its kickoff; the feed check it leaves. */
  async function lookAt(game: LiveGame) {
    const report = await run("live-sync", { season, week: game.week, now: threeHoursAfter(game) });
    return { run: await syncRun(report.runId), check: await feedCheck(game.id) };
  }

  beforeAll(async () => {
    await seedRoster(season, Object.values(P));
    // As the schedule sync leaves a season played: final, scored, no first-TD facts.
    for (const game of Object.values(games)) await seedLiveGame(game, { away: 3, home: 7 });
    for (const [key, game] of Object.entries(games)) {
      pickers[key] = await picker();
      await addPick(env.DB, pickers[key]!, game.id, P.brown.id);
    }
  });

  it("feed_missing: ESPN answers 404 for the summary", async () => {
    upstream.on(urls.summary("9450101"), status(404, {}, "Not Found"));
    const { run: logged, check } = await lookAt(games.feedMissing);
    // ESPN answered (it has no such summary): the game's problem, not an outage; the run is partial and names it.
    expect(logged).toMatchObject({ status: "partial" });
    expect(check).toMatchObject({ problem: "feed_missing", detail: `ESPN has no summary: Upstream answered 404 (${urls.summary("9450101")})`, attempts: 1 });
  });

  it("summary_inconsistent: a final summary without its scoring plays", async () => {
    const body = summaryOf(games.inconsistent, "post", { score: [3, 7] });
    delete (body as { scoringPlays?: unknown }).scoringPlays;
    upstream.on(urls.summary("9450201"), json(body));
    const { run: logged, check } = await lookAt(games.inconsistent);
    expect(logged).toMatchObject({ status: "partial", rejected_count: 1 });
    expect(logged.details.problems).toEqual([{ gameId: games.inconsistent.id, problem: "summary_inconsistent", detail: "no scoring plays, but the final score is DAL 3-7 PHI" }]);
    expect(check).toMatchObject({ problem: "summary_inconsistent", detail: "no scoring plays, but the final score is DAL 3-7 PHI" });
    expect(await outcomes(games.inconsistent.id)).toEqual({ [P.brown.id]: [null, null] });
  });

  it("scorer_unresolved: a scorer no roster of his team holds", async () => {
    const unknownTd = play("94503011", "Passing Touchdown", "Johnny Newcomer 5 Yd pass from Jalen Hurts (Jake Elliott Kick)", "PHI", 1, "5:00", 0, 7);
    const fieldGoal = play("94503012", "Field Goal Good", "Brandon Aubrey 40 Yd Field Goal", "DAL", 2, "5:00", 3, 7);
    finalFeed(games.unresolved, [unknownTd, fieldGoal]);
    const { run: logged, check } = await lookAt(games.unresolved);
    expect(logged).toMatchObject({ status: "partial", rejected_count: 1 });
    const detail = "'Johnny Newcomer' (PHI) matches no player of the team's roster";
    expect(check).toMatchObject({ problem: "scorer_unresolved", detail });
    // Brown's pick waits: a PHI player might be the one.
    expect(await outcomes(games.unresolved.id)).toEqual({ [P.brown.id]: [null, null] });
    await expectExactGrading(season);
  });

  it("not_on_scoreboard: a game without an ESPN id that its day's scoreboard does not list", async () => {
    const otherGame: LiveGame = { id: "other", season, week: 4, away: "KC", home: "BUF", kickoffAt: games.notOnScoreboard.kickoffAt, eventId: "9450402" };
    upstream.on(urls.scoreboard("2045-10-01"), json(scoreboard([eventOf(otherGame, "post", [10, 3])], 4, season)));
    const { run: logged, check } = await lookAt(games.notOnScoreboard);
    expect(logged).toMatchObject({ status: "partial", rejected_count: 1 });
    expect(check).toMatchObject({ problem: "not_on_scoreboard", detail: "no ESPN event id, and no event of these teams on the scoreboard of 2045-10-01" });
  });

  it("upstream_error: the summary fails (5xx) through every retry", async () => {
    upstream.on(urls.summary("9450501"), status(503));
    const { run: logged, check } = await lookAt(games.upstreamError);
    expect(logged).toMatchObject({ status: "failed" });
    expect(upstream.callsTo(urls.summary("9450501"))).toHaveLength(3);
    expect(check).toMatchObject({ problem: "upstream_error", detail: `summary: Upstream answered 503 (${urls.summary("9450501")})`, attempts: 1 });
  });

  it("the nightly check games_feed_problem_after_a_day reports each a day after its kickoff, with the reason", async () => {
    const check = CHECKS.filter((c) => c.name === "games_feed_problem_after_a_day");
    const reported = async (now: Date) => {
      const [result] = await evaluateChecks(env.DB, { now, season, checks: check });
      return result!.sampleKeys.filter((key) => key.startsWith(`games#${season}_`));
    };
    const keyOf = async (game: LiveGame) => {
      const c = (await feedCheck(game.id))!;
      return `games#${game.id} ${c.problem} since ${c.problem_since}: ${c.detail}`;
    };
    const dayAfter = (game: LiveGame, hours: number) => new Date(Date.parse(game.kickoffAt) + hours * 3_600_000);
    // 23 hours after the last kickoff: the four earlier games, not yet the last.
    const earlier = [games.feedMissing, games.inconsistent, games.unresolved, games.notOnScoreboard];
    expect(await reported(dayAfter(games.upstreamError, 23))).toEqual(await Promise.all(earlier.map(keyOf)));
    expect(await reported(dayAfter(games.upstreamError, 24))).toEqual(await Promise.all([...earlier, games.upstreamError].map(keyOf)));
    expect(await keyOf(games.inconsistent)).toBe(
      `games#${games.inconsistent.id} summary_inconsistent since 2045-09-17T20:00:00Z: no scoring plays, but the final score is DAL 3-7 PHI`,
    );
  });
});
