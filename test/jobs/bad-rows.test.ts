import { env } from "cloudflare:test";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import gamesV1 from "../fixtures/jobs/games_2025.csv?raw";
import rosterV1 from "../fixtures/jobs/roster_2025.csv?raw";
import aliases from "../fixtures/nflverse/clean_player_names_excerpt.csv?raw";
import { expectRun, row, rows, run } from "./support/db";
import { scoreboard, scoreboardEvent, summary } from "./support/espn";
import { csv, FakeUpstream, html, json, urls } from "./support/upstream";

/**
 * Files with some bad rows among good ones, on an empty database (so that the good rows landing is visible):
 * the bad rows are skipped, counted and named (the first ten), the good ones land, and the run is `partial`.
 */

const upstream = new FakeUpstream();

/** The bad lines go before the file's last row, so that the file still ends with a whole row (not "truncated"). */
function withBadLines(text: string, bad: string[]): string {
  const lines = text.trimEnd().split("\n");
  return [...lines.slice(0, -1), ...bad, lines.at(-1)!].join("\n") + "\n";
}

beforeAll(() => upstream.install());
afterAll(() => upstream.restore());
beforeEach(() => upstream.reset());
afterEach(() => expect(upstream.unrouted).toEqual([]));

describe("rows with bad values: skipped, counted and named while the good rows land", () => {
  it("roster-sync: 12 bad rows among 48 good ones -> partial", async () => {
    const template = rosterV1.split("\n").find((l) => l.includes("Saquon Barkley"))!;
    const bad = [
      template.replace("2025,PHI,", "2025,XXX,").replace("Saquon Barkley", "Bad Team"),
      template.replace("2025,PHI,", "2024,PHI,").replace("Saquon Barkley", "Wrong Season"),
      template.replace("Saquon Barkley", ""),
      template.replace("Saquon Barkley", "Bad Gsis").replace("00-0034844", "00-12"),
      // A row cut to 20 fields (before the quoted headshot URL, whose comma would count otherwise).
      template.replace("Saquon Barkley", "Short Row").split(",").slice(0, 20).join(","),
      ...Array.from({ length: 7 }, (_, i) => template.replace("2025,PHI,", "2025,ZZZ,").replace("Saquon Barkley", `Bad Team ${i + 2}`)),
    ];
    upstream.on(urls.roster(2025), csv(withBadLines(rosterV1, bad)));
    upstream.on(urls.playerAliases(), csv(aliases));
    const report = await run("roster-sync", { season: 2025, now: "2025-08-20T09:00:00Z" });
    const logged = await expectRun(report, {
      status: "partial",
      read_count: 48 + 12,
      inserted_count: 48,
      rejected_count: 12,
      error: null,
    });
    // The header is line 1 and the 47 rows before the bad ones lines 2-48. Rows with a wrong field count are found
    // first (by the CSV reader), then the rows whose values are bad, in file order; only the first ten are named.
    expect(logged.details.rejectedRows).toEqual([
      { line: 53, reason: "expected 36 fields, found 20" },
      { line: 49, fullName: "Bad Team", reason: "unknown team 'XXX'" },
      { line: 50, fullName: "Wrong Season", reason: "season '2024', expected 2025" },
      { line: 51, fullName: "", reason: "full_name is blank" },
      { line: 52, fullName: "Bad Gsis", reason: "malformed gsis_id '00-12'" },
      ...[2, 3, 4, 5, 6].map((n, i) => ({ line: 54 + i, fullName: `Bad Team ${n}`, reason: "unknown team 'ZZZ'" })),
    ]);
    // The good rows landed, the bad ones did not.
    expect(await row("SELECT count(*) AS n FROM rosters WHERE season = 2025 AND position IS NOT 'DEF'")).toEqual({ n: 48 });
    expect(await row("SELECT count(*) AS n FROM players WHERE defense_team IS NULL")).toEqual({ n: 48 });
    expect(await row("SELECT count(*) AS n FROM rosters WHERE season = 2025 AND position = 'DEF'")).toEqual({ n: 32 });
  });

  it("schedule-sync: 7 bad rows of the season -> partial; the 14 good games land", async () => {
    const template = gamesV1.split("\n").find((l) => l.startsWith("2025_01_TB_ATL"))!;
    const variant = (id: string, ...edits: [string, string][]) =>
      edits.reduce((line, [from, to]) => line.replace(from, to), template.replace("2025_01_TB_ATL", id));
    const bad = [
      variant("2025_01_TB_XXX", [",TB,,ATL,", ",TB,,XXX,"]),
      variant("2025_01_TB_TB", [",TB,,ATL,", ",TB,,TB,"]),
      variant("2025_02_TB_ATL"),
      variant("2025_01_NYJ_TB", [",TB,,ATL,", ",NYJ,,TB,"], ["2025-09-07", "2025-09-31"]),
      variant("2025_01_SEA_SF", [",TB,,ATL,", ",SEA,,SF,"], [",13:00,", ",,"]),
      variant("2025_01_LV_NE", [",TB,,ATL,", ",LV,,NE,"], ["401772830", "ESPN"]),
      variant("2025_01_HOU_LA", [",TB,,ATL,,", ",HOU,x,LA,7,"]),
    ];
    upstream.on(urls.games(), csv(withBadLines(gamesV1, bad)));
    const report = await run("schedule-sync", { season: 2025, now: "2025-08-20T09:30:00Z" });
    const logged = await expectRun(report, { status: "partial", read_count: 14 + 7, inserted_count: 14, rejected_count: 7, error: null });
    expect(logged.details.rejectedRows).toEqual([
      { line: 16, gameId: "2025_01_TB_XXX", reason: "unknown home_team 'XXX'" },
      { line: 17, gameId: "2025_01_TB_TB", reason: "home and away team are both TB" },
      { line: 18, gameId: "2025_02_TB_ATL", reason: "game_id does not match season 2025, week 1, TB at ATL" },
      { line: 19, gameId: "2025_01_NYJ_TB", reason: "bad gameday/gametime '2025-09-31 13:00'" },
      { line: 20, gameId: "2025_01_SEA_SF", reason: "gametime is blank" },
      { line: 21, gameId: "2025_01_LV_NE", reason: "bad espn id 'ESPN'" },
      { line: 22, gameId: "2025_01_HOU_LA", reason: "bad scores 'x' at '7'" },
    ]);
    expect(await row("SELECT count(*) AS n FROM games WHERE season = 2025")).toEqual({ n: 14 });
    expect(await row("SELECT count(*) AS n FROM games WHERE id IN ('2025_01_SEA_SF', '2025_01_LV_NE', '2025_01_HOU_LA', '2025_02_TB_ATL')")).toEqual({ n: 0 });
  });

  // The live-sync cases below use the games the schedule-sync case above loaded.
  it("live-sync: unreadable scoreboard events are named and the readable one lands -> partial", async () => {
    const opener = { eventId: "401772510", kickoffAt: "2025-09-05T00:20:00Z", away: "DAL", home: "PHI", state: "in" as const, awayScore: 3, homeScore: 0 };
    const noCompetition = { ...scoreboardEvent({ ...opener, eventId: "401772714", away: "KC", home: "LAC" }), competitions: [] };
    const allStars = scoreboardEvent({ ...opener, eventId: "401999999", away: "KC", home: "LAC" });
    // The home side of an all-star game: AFC, ESPN team id 31, no NFL team.
    allStars.competitions[0]!.competitors[0]!.team = { ...allStars.competitions[0]!.competitors[0]!.team, id: "31", abbreviation: "AFC" };
    upstream.on(urls.scoreboard("2025-09-04"), json({ ...scoreboard([]), events: [scoreboardEvent(opener), noCompetition, allStars] }));
    upstream.on(urls.summary(opener.eventId), json(summary({ ...opener, plays: [] })));
    const report = await run("live-sync", { now: "2025-09-05T00:40:00Z" });
    const logged = await expectRun(report, { status: "partial", read_count: 1, updated_count: 1, rejected_count: 2 });
    expect(logged.details.rejectedEvents).toEqual([
      { espnEventId: "401772714", reason: "unexpected shape at competitions" },
      { espnEventId: "401999999", reason: "not two NFL teams: KC at AFC" },
    ]);
    expect(await row("SELECT status, away_score, home_score FROM games WHERE id = '2025_01_DAL_PHI'")).toEqual({
      status: "in_progress",
      away_score: 3,
      home_score: 0,
    });
  });

  it("live-sync: one game's unreadable summary is named (and retried next run); the other games land -> partial", async () => {
    // Thursday's and Friday's games are over and graded: the catch-up has nothing to read, only Sunday's early games
    // are looked at.
    await env.DB.prepare(
      "UPDATE games SET status = 'final', away_score = 3, home_score = 0, no_td = 1 WHERE id IN ('2025_01_DAL_PHI', '2025_01_KC_LAC')",
    ).run();
    const tbAtl = { eventId: "401772830", kickoffAt: "2025-09-07T17:00:00Z", away: "TB", home: "ATL", state: "in" as const, awayScore: 7, homeScore: 0 };
    const pitNyj = { eventId: "401772721", kickoffAt: "2025-09-07T17:00:00Z", away: "PIT", home: "NYJ", state: "in" as const, awayScore: 0, homeScore: 3 };
    const carJax = { eventId: "401772828", kickoffAt: "2025-09-07T17:00:00Z", away: "CAR", home: "JAX", state: "in" as const, awayScore: 0, homeScore: 0 };
    upstream.on(urls.scoreboard("2025-09-07"), json(scoreboard([tbAtl, pitNyj, carJax])));
    upstream.on(urls.summary(tbAtl.eventId), html(200));
    upstream.on(urls.summary(pitNyj.eventId), json(summary({ ...pitNyj, plays: [] })));
    upstream.on(urls.summary(carJax.eventId), json(summary({ ...carJax, plays: [] })));
    const report = await run("live-sync", { now: "2025-09-07T18:00:00Z" });
    // Each game counts once: TB at ATL is the rejected one, and updated too (its status and score landed, below).
    const logged = await expectRun(report, { status: "partial", read_count: 3, updated_count: 3, unchanged_count: 0, rejected_count: 1 });
    expect(logged.details.problems).toEqual([
      {
        gameId: "2025_01_TB_ATL",
        problem: "upstream_error",
        detail: `summary: Upstream sent an HTML page instead of data (${urls.summary(tbAtl.eventId)})`,
      },
    ]);
    // Status and score of TB at ATL landed too: its scoreboard entry was fine, and stands in for the summary.
    expect(await rows("SELECT id, status, away_score, home_score FROM games WHERE id IN ('2025_01_TB_ATL', '2025_01_PIT_NYJ') ORDER BY id")).toEqual([
      { id: "2025_01_PIT_NYJ", status: "in_progress", away_score: 0, home_score: 3 },
      { id: "2025_01_TB_ATL", status: "in_progress", away_score: 7, home_score: 0 },
    ]);
    // TB at ATL's feed check says why it is not settled yet; the others are being played inside the live window, read
    // every run anyway, so they keep no retry schedule.
    expect(await rows("SELECT game_id, problem FROM game_feed_checks WHERE game_id IN ('2025_01_TB_ATL', '2025_01_PIT_NYJ', '2025_01_CAR_JAX') ORDER BY game_id")).toEqual([
      { game_id: "2025_01_TB_ATL", problem: "upstream_error" },
    ]);
    // The next run asks for the summary again.
    upstream.clearCalls();
    await run("live-sync", { now: "2025-09-07T18:02:00Z" });
    expect(upstream.callsTo(urls.summary(tbAtl.eventId))).toHaveLength(1);
  });
});
