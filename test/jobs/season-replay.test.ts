import { env } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findDifferences } from "../../src/db/recompute";
import { runJob } from "../../src/jobs/runner";
import { evaluateChecks } from "../../src/quality/evaluate";
import { CHECKS } from "../../src/quality/checks";
import { expectRun, rows, run } from "./support/db";
import { buildSeasonFeed, isNotFound, type ReplayGame, type SeasonFeed } from "./support/espn-season";
import { csv, ESPN_CORE, ESPN_SITE, FakeUpstream, routeBodies, urls } from "./support/upstream";

/**
 * A real season replayed: on a fresh D1 with the 2025 schedule (nflverse games.csv) and roster (roster_2025.csv, and
 * nflverse's name aliases), the live sync backfills the regular season week by week from ESPN-shaped feeds built from
 * the truth file (test/jobs/support/espn-season.ts: field goals before late first TDs, second TDs, the no-TD game,
 * defensive and return TDs, receivers on passing TDs, box scores with ESPN ids, names spelled unlike nflverse, scorers
 * found through the core play, the box score or the roster name). Every game's first-TD player, team, kind and no-TD
 * flag must equal the truth file; an unresolved scorer is accepted only where the truth's player is not on the roster
 * file. Runs beside the development checkout (../shared/data), skipped without it.
 */
const DATA = "../../../shared/data/";
const files = import.meta.glob<string>(
  [
    "../../../shared/data/truth/first_td_2023_2025.csv",
    "../../../shared/data/truth/db_playerids.csv",
    "../../../shared/data/nflverse/games.csv",
    "../../../shared/data/nflverse/roster_2025.csv",
    "../../../shared/data/nflverse/clean_player_names.csv",
  ],
  { query: "?raw", import: "default" },
);
const hasRealData = Object.keys(files).length === 5;
if (!hasRealData) console.warn("season replay: skipped, ../shared/data is absent");
const read = (path: string) => files[`${DATA}${path}`]!();

/** After the 2025 regular season: every game is past kickoff, whatever the live window would say. */
const AFTER_SEASON = "2026-02-20T12:00:00Z";
const upstream = new FakeUpstream();
let feed: SeasonFeed;

interface StoredGame {
  id: string;
  week: number;
  status: string;
  first_td_player_id: string | null;
  first_td_team: string | null;
  first_td_kind: string | null;
  no_td: number;
}

beforeAll(async () => {
  if (!hasRealData) return;
  const [truthCsv, gamesCsv, rosterCsv, playerIdsCsv, aliasesCsv] = await Promise.all([
    read("truth/first_td_2023_2025.csv"),
    read("nflverse/games.csv"),
    read("nflverse/roster_2025.csv"),
    read("truth/db_playerids.csv"),
    read("nflverse/clean_player_names.csv"),
  ]);
  feed = buildSeasonFeed({
    ...{ truthCsv, gamesCsv, rosterCsv, playerIdsCsv, aliasesCsv },
    season: 2025,
    seasonType: "REG",
    bases: { site: ESPN_SITE(), core: ESPN_CORE() },
  });
  upstream.install();
  upstream.on(urls.games(), csv(gamesCsv));
  upstream.on(urls.roster(2025), csv(rosterCsv));
  upstream.on(urls.playerAliases(), csv(aliasesCsv));
  routeBodies(upstream, feed.bodies, isNotFound);
  await expectRun(await run("schedule-sync", { season: 2025, now: "2025-12-05T09:30:00Z" }), { status: "ok" });
  await expectRun(await run("roster-sync", { season: 2025, now: "2025-12-05T09:00:00Z" }), { status: "ok" });
}, 120_000);
afterAll(() => upstream.restore());

/** Backfills one week, run after run until nothing is left (each run stays inside its request budget). */
async function backfillWeek(week: number): Promise<{ runs: number; requests: number[] }> {
  const requests: number[] = [];
  for (let runs = 1; runs <= 5; runs++) {
    const report = await run("live-sync", { season: 2025, week, now: AFTER_SEASON });
    expect(report.status, JSON.stringify(report.outcome?.details)).not.toBe("failed");
    requests.push(report.outcome?.details?.upstreamRequests as number);
    if ((report.outcome?.left ?? 0) === 0) return { runs, requests };
  }
  throw new Error(`week ${week} still not done after 5 runs`);
}

describe.skipIf(!hasRealData)("the 2025 regular season replayed from the feed", () => {
  it("backfilling every week grades all 272 games as the truth file says", async () => {
    const perWeek: string[] = [];
    for (let week = 1; week <= 18; week++) {
      const { runs, requests } = await backfillWeek(week);
      perWeek.push(`week ${week}: ${runs} run(s), requests ${requests.join("+")}`);
      for (const n of requests) expect(n).toBeLessThanOrEqual(Number(env.LIVE_SYNC_MAX_REQUESTS));
    }
    const stored = new Map(
      (
        await rows<StoredGame>(
          "SELECT id, week, status, first_td_player_id, first_td_team, first_td_kind, no_td FROM games WHERE season = 2025 AND game_type = 'REG'",
        )
      ).map((g) => [g.id, g]),
    );
    expect(stored.size).toBe(272);
    const disagreements: string[] = [];
    const unresolvedOffRoster: string[] = [];
    const agree = (game: ReplayGame) => {
      const g = stored.get(game.gameId);
      if (!g) return `${game.gameId}: not stored`;
      if (g.status !== "final") return `${game.gameId}: status ${g.status}`;
      if (game.noTd) return g.no_td === 1 && g.first_td_team === null ? null : `${game.gameId}: expected no TD, got ${g.first_td_player_id}`;
      const td = game.firstTd!;
      if (g.no_td !== 0 || g.first_td_team !== td.team || g.first_td_kind !== td.expectedKind) {
        return `${game.gameId}: expected ${td.team}/${td.expectedKind}, got ${g.first_td_team}/${g.first_td_kind} (no_td ${g.no_td})`;
      }
      if (g.first_td_player_id === td.gsisId) return null;
      if (g.first_td_player_id === null && !td.onRoster) {
        unresolvedOffRoster.push(game.gameId);
        return null;
      }
      return `${game.gameId}: expected ${td.truthName} (${td.gsisId}) via ${td.path}, got ${g.first_td_player_id}`;
    };
    for (const game of feed.games) {
      const problem = agree(game);
      if (problem) disagreements.push(problem);
    }
    const byPath = Object.fromEntries(
      (["core_play", "boxscore", "roster_name"] as const).map((path) => [path, feed.games.filter((g) => g.firstTd?.path === path).length]),
    );
    console.log(
      [
        `season replay 2025 REG: ${feed.games.length - disagreements.length}/${feed.games.length} games agree with the truth file`,
        `  scorers found through ${JSON.stringify(byPath)}; no-TD games ${feed.games.filter((g) => g.noTd).length}; ` +
          `unresolved (not on the roster file) ${unresolvedOffRoster.length}`,
        ...perWeek.map((line) => `  ${line}`),
      ].join("\n"),
    );
    expect(disagreements).toEqual([]);
    expect(feed.games).toHaveLength(272);
    expect(await findDifferences(env.DB, { season: 2025 })).toEqual({ results: [], standings: [], playerStats: [] });
  }, 300_000);

  it("a second backfill over the same feed writes nothing", async () => {
    for (const week of [1, 9, 18]) {
      const report = await run("live-sync", { season: 2025, week, now: AFTER_SEASON });
      await expectRun(report, { status: "ok", updated_count: 0, d1_rows_written: 0 });
    }
    const seasonRun = await run("live-sync", { season: 2025, now: AFTER_SEASON });
    await expectRun(seasonRun, { status: "ok", read_count: 0, d1_rows_written: 0 });
  });

  it("afterwards the nightly checks find no final game without its first TD, and nothing left to settle", async () => {
    const results = await evaluateChecks(env.DB, { now: new Date(AFTER_SEASON), season: 2025, checks: CHECKS });
    const byName = Object.fromEntries(results.map((r) => [r.name, r]));
    for (const name of ["games_final_without_first_td", "games_feed_problem_after_a_day", "games_not_final_after_kickoff", "games_unresolved_first_td_scorer"]) {
      expect(byName[name], name).toMatchObject({ status: "pass", failingRows: 0 });
    }
    const report = await runJob(env, { job: "quality", trigger: "cli", season: 2025, now: new Date(AFTER_SEASON), progress: () => {} });
    expect(report.status).toBe("ok");
  });
});
