import { env } from "cloudflare:test";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { api, createUserWithToken } from "../helpers/api";
import { addPick } from "../helpers/league";
import { expectRun, row, run } from "./support/db";
import { scoreboard, type PlaySpec } from "./support/espn";
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
import { FakeUpstream, json, urls } from "./support/upstream";

/**
 * The holes the live sync had (up to a5a84e6), each with the test that fails on the old code:
 *  3. a passing TD whose extra point was blocked was graded as a defensive TD (the word 'blocked' anywhere in the text);
 *  4. a TD the feed took back stayed recorded (no TD in the feed meant "nothing to say");
 *  5. a voided game was no longer synced, and a person's facts, once cleared, were never replaced by the feed's;
 *  6. a final summary without (all of) its scoring plays graded "no TD": every pick a loss;
 *  7. a scorer that could not be named held back the whole game, the defenses' picks included;
 *  8. a scorer the feed names by another spelling of his name (nflverse's alias list) was never found.
 * Each hole has a season of its own. After every grading step the maintained results, standings and player stats
 * equal a full recompute.
 */

const upstream = new FakeUpstream();
let userCount = 0;

const P = {
  hurts: { id: "00-0036389", name: "Jalen Hurts", team: "PHI", position: "QB", espnId: "4040715" },
  brown: { id: "00-0035676", name: "A.J. Brown", team: "PHI", position: "WR", espnId: "4047646" },
  smith: { id: "00-0036912", name: "DeVonta Smith", team: "PHI", position: "WR", espnId: "4241478" },
  goedert: { id: "00-0034351", name: "Dallas Goedert", team: "PHI", position: "TE", espnId: "3121023" },
  dak: { id: "00-0033077", name: "Dak Prescott", team: "DAL", position: "QB", espnId: "2577417" },
  lamb: { id: "00-0036358", name: "CeeDee Lamb", team: "DAL", position: "WR", espnId: "4241389" },
  ferguson: { id: "00-0038041", name: "Jake Ferguson", team: "DAL", position: "TE", espnId: "4242355" },
} satisfies Record<string, SeedPlayer>;

/** One user per pick, each picking `playerId` in `game`; returns the users by the player they picked. */
async function picks(game: LiveGame, playerIds: string[]): Promise<Record<string, number>> {
  const users: Record<string, number> = {};
  for (const playerId of playerIds) {
    users[playerId] = (await createUserWithToken(`holes-${++userCount}`)).id;
    await addPick(env.DB, users[playerId]!, game.id, playerId);
  }
  return users;
}

/** DAL at PHI, week 1 of `season`, kicking off on the second Sunday of September at 17:00 UTC. */
function dalAtPhi(season: number, week = 1): LiveGame {
  const kickoff = new Date(Date.UTC(season, 8, 7 + 7 * week, 17));
  return { id: `${season}_0${week}_DAL_PHI`, season, week, away: "DAL", home: "PHI", kickoffAt: kickoff.toISOString().replace(".000Z", "Z"), eventId: `9${season}0${week}` };
}

/** `minutes` after the game's kickoff. */
function after(game: LiveGame, minutes: number): Date {
  return new Date(Date.parse(game.kickoffAt) + minutes * 60_000);
}

function feedNow(game: LiveGame, state: "in" | "post", plays: PlaySpec[], options: Omit<FeedOptions, "plays" | "score"> = {}) {
  const last = plays.at(-1);
  feed(upstream, game, state, { ...options, plays, score: last ? [last.awayScore, last.homeScore] : [0, 0] });
}

beforeAll(() => upstream.install());
afterAll(() => upstream.restore());
beforeEach(() => upstream.reset());
afterEach(() => expect(upstream.unrouted).toEqual([]));

describe("hole 3: a passing TD whose extra point is BLOCKED is a reception, not a defensive TD", () => {
  const season = 2051;
  const game = dalAtPhi(season);

  it("credits the receiver; both defenses' picks lose, the scoring team's too", async () => {
    await seedRoster(season, Object.values(P));
    await seedLiveGame(game);
    await picks(game, [P.goedert.id, P.hurts.id, "DEF-PHI", "DEF-DAL"]);
    // The core API's wording, no parentheses: the try is named after the yardage, and it was blocked (6 points).
    const goedertTd = play(
      "1",
      "Passing Touchdown",
      "Dallas Goedert Pass From Jalen Hurts for 12 Yds J.Elliott extra point is BLOCKED, Center-R.Lovato, Holder-B.Mann.",
      "PHI",
      1,
      "9:40",
      0,
      6,
    );
    feedNow(game, "in", [goedertTd], { core: { "1": [["passer", P.hurts.espnId], ["receiver", P.goedert.espnId], ["scorer", P.goedert.espnId]] } });
    await expectRun(await run("live-sync", { now: after(game, 30) }), { status: "ok", updated_count: 1 });
    expect(await facts(game.id)).toMatchObject({ first_td_player_id: P.goedert.id, first_td_team: "PHI", first_td_kind: "reception" });
    expect(await outcomes(game.id)).toEqual({
      [P.goedert.id]: ["win", 100],
      [P.hurts.id]: ["loss", -100],
      "DEF-PHI": ["loss", -100],
      "DEF-DAL": ["loss", -100],
    });
    await expectExactGrading(season);
  });
});

describe("hole 4: a TD the feed takes back goes back to pending, and a changed first TD moves to the new one", () => {
  const season = 2053;
  const game = dalAtPhi(season);
  const fieldGoal = play("1", "Field Goal Good", "Brandon Aubrey 52 Yd Field Goal", "DAL", 1, "11:02", 3, 0);
  const brownTd = play("2", "Passing Touchdown", "A.J. Brown 12 Yd pass from Jalen Hurts (Jake Elliott Kick)", "PHI", 1, "8:11", 3, 7);
  const lambTd = play("3", "Passing Touchdown", "CeeDee Lamb 30 Yd pass from Dak Prescott (Brandon Aubrey Kick)", "DAL", 1, "2:00", 10, 0);
  const core = (player: SeedPlayer) => [["scorer", player.espnId!]] as [string, string][];
  let users: Record<string, number> = {};

  beforeAll(async () => {
    await seedRoster(season, Object.values(P));
    await seedLiveGame(game);
    users = await picks(game, [P.brown.id, P.lamb.id, P.ferguson.id, P.hurts.id, "DEF-DAL", "DEF-PHI"]);
  });

  const standing = (playerId: string) =>
    row("SELECT picks, wins, losses, units_cu FROM standings WHERE season = ? AND week = 1 AND user_id = ?", season, users[playerId]);
  const firstTdCount = async (player: SeedPlayer) =>
    (await row<{ n: number }>("SELECT coalesce(sum(first_td_count), 0) AS n FROM player_stats WHERE season = ? AND player_id = ?", season, player.id))!.n;

  it("overturned on review, then another first TD, then credited to a teammate: each step graded exactly", async () => {
    // The feed records Brown's touchdown.
    feedNow(game, "in", [fieldGoal, brownTd], { core: { "2": core(P.brown) } });
    await expectRun(await run("live-sync", { now: after(game, 20) }), { status: "ok" });
    expect(await outcomes(game.id)).toMatchObject({ [P.brown.id]: ["win", 100], [P.lamb.id]: ["loss", -100] });
    expect(await firstTdCount(P.brown)).toBe(1);
    await expectExactGrading(season);

    // Overturned on review: the feed drops the play, the field goal before it stays. Back to pending.
    feedNow(game, "in", [fieldGoal]);
    const report = await run("live-sync", { now: after(game, 24) });
    const logged = await expectRun(report, { status: "ok", updated_count: 1 });
    expect(logged.details.overturned).toEqual([{ gameId: game.id, was: "A.J. Brown", now: null }]);
    expect(await facts(game.id)).toMatchObject({ status: "in_progress", away_score: 3, home_score: 0, first_td_player_id: null, first_td_team: null, no_td: 0 });
    // Every pick back to ungraded: no result left, nothing won or lost in the standings, no first TD for Brown.
    expect(await row("SELECT count(*) AS n FROM results r JOIN picks p ON p.id = r.pick_id WHERE p.game_id = ? AND r.outcome IS NOT NULL", game.id)).toEqual({ n: 0 });
    expect(Object.values(await outcomes(game.id))).toEqual(Array(6).fill([null, null]));
    expect(await standing(P.brown.id)).toMatchObject({ wins: 0, losses: 0, units_cu: 0 });
    expect(await firstTdCount(P.brown)).toBe(0);
    await expectExactGrading(season);

    // A new first TD, by a player of the other team: graded to him.
    feedNow(game, "in", [fieldGoal, lambTd], { core: { "3": core(P.lamb) } });
    const lambLogged = await expectRun(await run("live-sync", { now: after(game, 40) }), { status: "ok", updated_count: 1 });
    expect(lambLogged.details.firstTdRecorded).toEqual([{ gameId: game.id, scorer: "CeeDee Lamb", playerId: P.lamb.id, via: "core_play" }]);
    expect(lambLogged.details.overturned).toEqual([]);
    expect(await outcomes(game.id)).toEqual({
      [P.brown.id]: ["loss", -100],
      [P.lamb.id]: ["win", 100],
      [P.ferguson.id]: ["loss", -100],
      [P.hurts.id]: ["loss", -100],
      "DEF-DAL": ["loss", -100],
      "DEF-PHI": ["loss", -100],
    });
    expect(await standing(P.lamb.id)).toMatchObject({ picks: 1, wins: 1, losses: 0, units_cu: 100 });
    await expectExactGrading(season);

    // Straight from one scorer to another: the catch is credited to the tight end, and the game ends.
    const fergusonTd = { ...lambTd, text: "Jake Ferguson 30 Yd pass from Dak Prescott (Brandon Aubrey Kick)" };
    feedNow(game, "post", [fieldGoal, fergusonTd], { core: { "3": core(P.ferguson) } });
    const fergusonLogged = await expectRun(await run("live-sync", { now: after(game, 200) }), { status: "ok", updated_count: 1 });
    expect(fergusonLogged.details.overturned).toEqual([{ gameId: game.id, was: "CeeDee Lamb", now: "Jake Ferguson" }]);
    expect(await outcomes(game.id)).toMatchObject({ [P.lamb.id]: ["loss", -100], [P.ferguson.id]: ["win", 100] });
    expect(await standing(P.lamb.id)).toMatchObject({ picks: 1, wins: 0, losses: 1, units_cu: -100 });
    expect([await firstTdCount(P.lamb), await firstTdCount(P.ferguson)]).toEqual([0, 1]);
    await expectExactGrading(season);
    expect(await feedCheck(game.id)).toBeNull();
  });
});

describe("hole 5: what people decide stays theirs, and the feed keeps recording underneath", () => {
  const season = 2055;

  it("a voided game keeps its status, scores and first TD from the feed; un-voiding grades it on them", async () => {
    await seedRoster(season, Object.values(P));
    const game = dalAtPhi(season, 1);
    await seedLiveGame(game);
    await picks(game, [P.brown.id, P.goedert.id]);
    feedNow(game, "in", [play("1", "Field Goal Good", "Brandon Aubrey 40 Yd Field Goal", "DAL", 1, "9:00", 3, 0)]);
    await expectRun(await run("live-sync", { now: after(game, 15) }), { status: "ok" });

    // An admin voids the game for the pick'em (a ruling about the contest, not about the game).
    expect((await api(`/v1/admin/games/${game.id}/void`, { method: "PUT", body: { voided: true } })).status).toBe(200);
    expect(await outcomes(game.id)).toEqual({ [P.brown.id]: ["void", 0], [P.goedert.id]: ["void", 0] });

    const brownTd = play("2", "Passing Touchdown", "A.J. Brown 12 Yd pass from Jalen Hurts (Jake Elliott Kick)", "PHI", 2, "8:11", 3, 7);
    feedNow(game, "in", [play("1", "Field Goal Good", "Brandon Aubrey 40 Yd Field Goal", "DAL", 1, "9:00", 3, 0), brownTd], { core: { "2": [["scorer", P.brown.espnId]] } });
    await expectRun(await run("live-sync", { now: after(game, 60) }), { status: "ok", updated_count: 1 });
    expect(await facts(game.id)).toMatchObject({ status: "in_progress", away_score: 3, home_score: 7, first_td_player_id: P.brown.id, first_td_recorded_by: "job:live-sync" });
    expect(await outcomes(game.id)).toEqual({ [P.brown.id]: ["void", 0], [P.goedert.id]: ["void", 0] });
    await expectExactGrading(season);

    feedNow(game, "post", [play("1", "Field Goal Good", "Brandon Aubrey 40 Yd Field Goal", "DAL", 1, "9:00", 3, 0), brownTd]);
    await expectRun(await run("live-sync", { now: after(game, 200) }), { status: "ok", updated_count: 1 });
    expect(await facts(game.id)).toMatchObject({ status: "final", away_score: 3, home_score: 7 });

    // The void is lifted: graded on the facts the feed kept recording.
    expect((await api(`/v1/admin/games/${game.id}/void`, { method: "PUT", body: { voided: false } })).status).toBe(200);
    expect(await outcomes(game.id)).toEqual({ [P.brown.id]: ["win", 100], [P.goedert.id]: ["loss", -100] });
    await expectExactGrading(season);
  });

  it("an admin's first TD is kept while the feed disagrees (status and score follow); once cleared, the feed's is recorded", async () => {
    const game = dalAtPhi(season, 2);
    await seedLiveGame(game);
    await picks(game, [P.brown.id, P.goedert.id]);
    // During the game the admin credits the tight end before the feed has the play; ESPN credits Brown. (The Worker's
    // clock says the game is under way: facts of a game not begun are refused.)
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date(after(game, 20)));
    expect((await api(`/v1/admin/games/${game.id}/first-td`, { method: "PUT", body: { type: "player", playerId: P.goedert.id, kind: "reception" } })).status).toBe(200);
    vi.useRealTimers();
    const brownTd = play("1", "Passing Touchdown", "A.J. Brown 12 Yd pass from Jalen Hurts (Jake Elliott Kick)", "PHI", 1, "8:11", 0, 7);
    feedNow(game, "in", [brownTd], { core: { "1": [["scorer", P.brown.espnId]] } });
    const kept = await expectRun(await run("live-sync", { now: after(game, 30) }), { status: "ok", updated_count: 1 });
    expect(kept.details.personFactsKept).toEqual([{ gameId: game.id, feed: "A.J. Brown", kept: "Dallas Goedert" }]);
    expect(await facts(game.id)).toMatchObject({ status: "in_progress", away_score: 0, home_score: 7, first_td_player_id: P.goedert.id });
    expect(await outcomes(game.id)).toEqual({ [P.brown.id]: ["loss", -100], [P.goedert.id]: ["win", 100] });
    await expectExactGrading(season);

    // The admin clears the facts: the game is the feed's again, and the next run records what it says.
    expect((await api(`/v1/admin/games/${game.id}/first-td`, { method: "PUT", body: { type: "clear" } })).status).toBe(200);
    expect(await outcomes(game.id)).toEqual({ [P.brown.id]: [null, null], [P.goedert.id]: [null, null] });
    const recorded = await expectRun(await run("live-sync", { now: after(game, 34) }), { status: "ok", updated_count: 1 });
    expect(recorded.details.personFactsKept).toEqual([]);
    expect(await facts(game.id)).toMatchObject({ first_td_player_id: P.brown.id, first_td_recorded_by: "job:live-sync" });
    expect(await outcomes(game.id)).toEqual({ [P.brown.id]: ["win", 100], [P.goedert.id]: ["loss", -100] });
    await expectExactGrading(season);
  });
});

describe("hole 6: a final summary that does not explain its score never grades 'no TD'", () => {
  const season = 2057;
  const game = dalAtPhi(season);
  const fieldGoal = play("1", "Field Goal Good", "Brandon Aubrey 52 Yd Field Goal", "DAL", 1, "11:02", 3, 0);
  const lambTd = play("2", "Passing Touchdown", "CeeDee Lamb 30 Yd pass from Dak Prescott (Brandon Aubrey Kick)", "DAL", 2, "2:00", 10, 0);
  const phiFieldGoal = play("3", "Field Goal Good", "Jake Elliott 33 Yd Field Goal", "PHI", 4, "2:00", 10, 3);

  beforeAll(async () => {
    await seedRoster(season, Object.values(P));
    await seedLiveGame(game);
    await picks(game, [P.lamb.id, P.brown.id, "DEF-DAL"]);
  });

  it("without scoringPlays, then with plays that do not add up: the game waits, summary_inconsistent; the true summary settles it", async () => {
    const waits = async (minutes: number, detail: string) => {
      const logged = await expectRun(await run("live-sync", { now: after(game, minutes) }), { status: "partial", rejected_count: 1 });
      expect(logged.details.problems).toEqual([{ gameId: game.id, problem: "summary_inconsistent", detail }]);
      // Status and final score are taken; no 'no TD'.
      expect(await facts(game.id)).toMatchObject({ status: "final", away_score: 10, home_score: 3, no_td: 0, first_td_team: null });
      expect(await outcomes(game.id)).toEqual({ [P.lamb.id]: [null, null], [P.brown.id]: [null, null], "DEF-DAL": [null, null] });
      expect(await feedCheck(game.id)).toMatchObject({ problem: "summary_inconsistent", detail });
      await expectExactGrading(season);
    };

    // The first look at the game, which the database still has as scheduled, asks for its day's scoreboard too.
    upstream.on(urls.scoreboard(game.kickoffAt.slice(0, 10)), json(scoreboard([eventOf(game, "post", [10, 3])], game.week, season)));
    const withoutPlays = summaryOf(game, "post", { score: [10, 3] });
    delete (withoutPlays as { scoringPlays?: unknown }).scoringPlays;
    upstream.on(urls.summary(game.eventId!), json(withoutPlays));
    await waits(200, "no scoring plays, but the final score is DAL 10-3 PHI");

    // The touchdown missing, each play's running score consistent with the ones listed: they cannot make 10-3.
    const shortOfATouchdown = [fieldGoal, { ...phiFieldGoal, awayScore: 3, homeScore: 3 }];
    upstream.on(urls.summary(game.eventId!), json(summaryOf(game, "post", { score: [10, 3], plays: shortOfATouchdown })));
    await waits(210, "scoring plays add up to DAL 3-3 PHI but the final score is DAL 10-3 PHI");

    feedNow(game, "post", [fieldGoal, lambTd, phiFieldGoal], { core: { "2": [["scorer", P.lamb.espnId]] } });
    await expectRun(await run("live-sync", { now: after(game, 220) }), { status: "ok", updated_count: 1 });
    expect(await outcomes(game.id)).toEqual({ [P.lamb.id]: ["win", 100], [P.brown.id]: ["loss", -100], "DEF-DAL": ["loss", -100] });
    expect(await feedCheck(game.id)).toBeNull();
    await expectExactGrading(season);
  });
});

describe("hole 7: a defensive TD whose scorer cannot be named still grades what it can", () => {
  const season = 2059;
  const game = dalAtPhi(season);
  const diggs: SeedPlayer = { id: "00-0036185", name: "Trevon Diggs", team: "DAL", position: "DB", espnId: "4241463" };

  it("the scoring team's DEF wins, the other team loses, the scoring team's players wait; all exact once he is known", async () => {
    await seedRoster(season, Object.values(P));
    await seedLiveGame(game);
    await picks(game, ["DEF-DAL", "DEF-PHI", P.brown.id, P.hurts.id, P.lamb.id, P.ferguson.id]);
    const pickSix = { ...play("1", "Interception Return Touchdown", "Trevon Diggs 40 Yd Interception Return (Brandon Aubrey Kick)", "DAL", 1, "6:30", 7, 0), typeId: "36" };
    // Neither the core API nor the box score names him, and he is on no roster of ours yet.
    feedNow(game, "in", [pickSix], { core: { "1": 404 }, box: { DAL: [[P.dak.espnId, "Dak Prescott", "passing"]] } });
    const unresolved = await expectRun(await run("live-sync", { now: after(game, 20) }), { status: "partial", rejected_count: 1 });
    expect(unresolved.details.problems).toEqual([
      { gameId: game.id, problem: "scorer_unresolved", detail: "'Trevon Diggs' (DAL) matches no player of the team's roster" },
    ]);
    expect(await facts(game.id)).toMatchObject({ first_td_player_id: null, first_td_player_name: "Trevon Diggs", first_td_team: "DAL", first_td_kind: "defense" });
    expect(await outcomes(game.id)).toEqual({
      "DEF-DAL": ["win", 100],
      "DEF-PHI": ["loss", -100],
      [P.brown.id]: ["loss", -100],
      [P.hurts.id]: ["loss", -100],
      [P.lamb.id]: [null, null],
      [P.ferguson.id]: [null, null],
    });
    await expectExactGrading(season);

    // The roster sync brings him in: the next look names him, and his teammates' picks lose.
    await seedRoster(season, [diggs]);
    const resolved = await expectRun(await run("live-sync", { now: after(game, 30) }), { status: "ok", updated_count: 1 });
    expect(resolved.details.firstTdRecorded).toEqual([{ gameId: game.id, scorer: "Trevon Diggs", playerId: diggs.id, via: "roster_name" }]);
    expect(await outcomes(game.id)).toEqual({
      "DEF-DAL": ["win", 100],
      "DEF-PHI": ["loss", -100],
      [P.brown.id]: ["loss", -100],
      [P.hurts.id]: ["loss", -100],
      [P.lamb.id]: ["loss", -100],
      [P.ferguson.id]: ["loss", -100],
    });
    expect(await row("SELECT first_td_count FROM player_stats WHERE season = ? AND player_id = ?", season, diggs.id)).toEqual({ first_td_count: 1 });
    await expectExactGrading(season);
  });
});

describe("hole 8: a scorer the feed names by nflverse's alias of his name", () => {
  const season = 2061;
  const okonkwo: SeedPlayer = { id: "00-0037151", name: "Chig Okonkwo", team: "TEN", position: "TE", espnId: "4360635" };
  const levis: SeedPlayer = { id: "00-0039152", name: "Will Levis", team: "TEN", position: "QB", espnId: "4432577" };
  /** A game of week `week` whose first TD is 'Chigoziem Okonkwo' scoring for `team`, told by neither core API nor box score. */
  async function okonkwoScores(game: LiveGame, team: string) {
    const touchdown = play("1", "Passing Touchdown", "Chigoziem Okonkwo 12 Yd pass from Will Levis (Nick Folk Kick)", team, 1, "5:00", game.away === team ? 7 : 0, game.home === team ? 7 : 0);
    feedNow(game, "in", [touchdown], { core: { "1": 404 }, box: { TEN: [[levis.espnId!, "Will Levis", "passing"]] } });
    return expectRun(await run("live-sync", { season, week: game.week, now: after(game, 30) }), {});
  }

  beforeAll(async () => {
    await seedRoster(season, [okonkwo, levis]);
    // nflverse's clean_player_names.csv: correct_name 'Chigoziem Okonkwo', alt_name 'Chig Okonkwo'.
    await env.DB.prepare(
      `INSERT INTO player_name_aliases (alias_key, canonical_key, alias_name, canonical_name, updated_at)
       VALUES ('chig okonkwo', 'chigoziem okonkwo', 'Chig Okonkwo', 'Chigoziem Okonkwo', '2061-08-01T09:00:00Z')`,
    ).run();
  });

  it("resolves to the one player of the scoring team the alias names", async () => {
    const game: LiveGame = { id: `${season}_01_JAX_TEN`, season, week: 1, away: "JAX", home: "TEN", kickoffAt: "2061-09-11T17:00:00Z", eventId: "961011" };
    await seedLiveGame(game);
    await picks(game, [okonkwo.id, "DEF-TEN"]);
    const logged = await okonkwoScores(game, "TEN");
    expect(logged).toMatchObject({ status: "ok" });
    expect(logged.details.firstTdRecorded).toEqual([{ gameId: game.id, scorer: "Chig Okonkwo", playerId: okonkwo.id, via: "roster_name" }]);
    expect(await outcomes(game.id)).toEqual({ [okonkwo.id]: ["win", 100], "DEF-TEN": ["loss", -100] });
    await expectExactGrading(season);
  });

  it("a name that matches two players of the team stays unresolved", async () => {
    const game: LiveGame = { id: `${season}_02_HOU_TEN`, season, week: 2, away: "HOU", home: "TEN", kickoffAt: "2061-09-18T17:00:00Z", eventId: "961021" };
    await seedLiveGame(game);
    // A second player of the team whose name is in the same alias group (the full name, as another source spelled it).
    const namesake: SeedPlayer = { id: "00-0099001", name: "Chigoziem Okonkwo", team: "TEN", position: "TE", espnId: null };
    await seedRoster(season, [namesake]);
    await picks(game, [okonkwo.id, namesake.id]);
    const logged = await okonkwoScores(game, "TEN");
    expect(logged).toMatchObject({ status: "partial" });
    expect(logged.details.problems).toMatchObject([{ gameId: game.id, problem: "scorer_unresolved" }]);
    expect(await facts(game.id)).toMatchObject({ first_td_player_id: null, first_td_team: "TEN" });
    expect(await outcomes(game.id)).toEqual({ [okonkwo.id]: [null, null], [namesake.id]: [null, null] });
    await expectExactGrading(season);
  });

  it("a player of the other team is never taken: the feed credits WAS, our roster still has him at TEN", async () => {
    // He has signed with Washington; our rosters have not caught up. WAS at TEN: the feed says a Washington TD.
    const game: LiveGame = { id: `${season}_03_WAS_TEN`, season, week: 3, away: "WAS", home: "TEN", kickoffAt: "2061-09-25T17:00:00Z", eventId: "961031" };
    await seedLiveGame(game);
    await picks(game, [okonkwo.id, "DEF-WAS"]);
    const logged = await okonkwoScores(game, "WAS");
    expect(logged).toMatchObject({ status: "partial" });
    expect(logged.details.problems).toEqual([
      { gameId: game.id, problem: "scorer_unresolved", detail: "'Chigoziem Okonkwo' (WAS) matches no player of the team's roster" },
    ]);
    expect(await facts(game.id)).toMatchObject({ first_td_player_id: null, first_td_player_name: "Chigoziem Okonkwo", first_td_team: "WAS" });
    // TEN's Okonkwo is on the team that did not score: his pick loses; Washington's defense did not score either.
    expect(await outcomes(game.id)).toEqual({ [okonkwo.id]: ["loss", -100], "DEF-WAS": ["loss", -100] });
    await expectExactGrading(season);
  });
});
