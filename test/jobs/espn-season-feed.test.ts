import { beforeAll, describe, expect, it } from "vitest";
import { normalizePlayerName } from "../../src/domain/names";
import { cell, parseCsv } from "../../src/sources/csv";
import { parseCorePlay } from "../../src/sources/espn/core-play";
import { parseScoreboard } from "../../src/sources/espn/scoreboard";
import { findFirstTouchdown, parseSummary, resolveScorerFromBoxscore } from "../../src/sources/espn/summary";
import { teamCodeFromEspn } from "../../src/sources/espn/team";
import { buildSeasonFeed, isNotFound, type ReplayGame, type SeasonFeed } from "./support/espn-season";
import { ESPN_CORE, ESPN_SITE, urls } from "./support/upstream";

/**
 * The self-check of the season feed generator (support/espn-season.ts) over the real files of ../shared/data
 * (beside the development checkout only; Vite reads them, so the test is skipped when they are absent): the
 * 2025 regular season as ESPN would serve it must be internally consistent and agree with the truth file, read
 * back both directly and through the project's own ESPN parsers.
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
if (!hasRealData) console.warn("season feed self-check: skipped, ../shared/data is absent");

const read = (path: string) => files[`${DATA}${path}`]!();

interface RawPlay {
  id: string;
  type: { text: string };
  text: string;
  awayScore: number;
  homeScore: number;
  period: { number: number };
  clock: { value: number; displayValue: string };
  team: { id: string; abbreviation: string };
  scoringType: { name: string };
}
interface RawSummary {
  scoringPlays: RawPlay[];
  header: { competitions: { status: { type: { name: string; detail: string } }; competitors: { homeAway: string; score: string }[] }[] };
}

let feed: SeasonFeed;
let again: SeasonFeed;
/** ESPN athlete id -> gsis ids, from roster_2025.csv and the db_playerids crosswalk. */
const gsisByEspnId = new Map<string, Set<string>>();
const rosterByGsis = new Map<string, { name: string; team: string }>();
const aliasKeys = new Map<string, Set<string>>();
let buildMs = 0;

beforeAll(async () => {
  if (!hasRealData) return;
  const input = {
    truthCsv: await read("truth/first_td_2023_2025.csv"),
    gamesCsv: await read("nflverse/games.csv"),
    rosterCsv: await read("nflverse/roster_2025.csv"),
    playerIdsCsv: await read("truth/db_playerids.csv"),
    aliasesCsv: await read("nflverse/clean_player_names.csv"),
    season: 2025,
    seasonType: "REG" as const,
    bases: { site: ESPN_SITE(), core: ESPN_CORE() },
  };
  const started = Date.now();
  feed = buildSeasonFeed(input);
  buildMs = Date.now() - started;
  again = buildSeasonFeed(input);

  const addId = (espn: string, gsis: string) => {
    const id = /^(\d+)(?:\.0+)?$/.exec(espn)?.[1];
    if (id && gsis) gsisByEspnId.set(id, new Set([...(gsisByEspnId.get(id) ?? []), gsis]));
  };
  for (const row of parseCsv(input.rosterCsv).rows) {
    addId(cell(row, "espn_id"), cell(row, "gsis_id"));
    rosterByGsis.set(cell(row, "gsis_id"), { name: cell(row, "full_name"), team: cell(row, "team") });
  }
  for (const row of parseCsv(input.playerIdsCsv).rows) addId(cell(row, "espn_id"), cell(row, "gsis_id"));
  // Alias groups as name keys: correct_name and its alternatives.
  const groups = new Map<string, Set<string>>();
  for (const row of parseCsv(input.aliasesCsv).rows) {
    const key = normalizePlayerName(cell(row, "correct_name"));
    groups.set(key, new Set([...(groups.get(key) ?? [key]), normalizePlayerName(cell(row, "alt_name"))]));
  }
  for (const group of groups.values()) for (const key of group) aliasKeys.set(key, group);
});

const summaryOf = (game: ReplayGame) => feed.bodies.get(game.summaryUrl) as RawSummary;
const teamOf = (team: { id?: string; abbreviation?: string }) => teamCodeFromEspn(team);

describe.skipIf(!hasRealData)("ESPN season feed (2025 regular season, real files)", () => {
  it("has every game of the season, deterministically and quickly", () => {
    console.log(`season feed: built in ${buildMs} ms`, JSON.stringify(feed.report, null, 1));
    expect(feed.report.unrepresentable).toEqual([]);
    expect(feed.games).toHaveLength(272);
    expect(new Set(feed.games.map((g) => g.espnEventId)).size).toBe(272);
    expect(JSON.stringify([...again.bodies])).toBe(JSON.stringify([...feed.bodies]));
    expect(again.games).toEqual(feed.games);
    expect(buildMs).toBeLessThan(5000);
  });

  it("exercises all three ways of naming the scorer", () => {
    const { paths } = feed.report;
    expect(paths.core_play).toBeGreaterThan(50);
    expect(paths.boxscore).toBeGreaterThan(20);
    expect(paths.roster_name).toBeGreaterThan(20);
    expect(paths.core_play + paths.boxscore + paths.roster_name).toBe(feed.games.filter((g) => !g.noTd).length);
    expect(feed.report.aliasScorers.aliasNeededPlayers).toBeGreaterThan(0);
    expect(feed.report.nameVariants.suffix + feed.report.nameVariants.punctuation).toBeGreaterThan(0);
  });

  it("every summary is final, and its plays add up to the final score and fit their types", () => {
    for (const game of feed.games) {
      const body = summaryOf(game);
      const competition = body.header.competitions[0]!;
      expect(competition.status.type.name, game.gameId).toBe("STATUS_FINAL");
      expect(competition.status.type.detail, game.gameId).toBe(game.overtime ? "Final/OT" : "Final");
      const score = (side: string) => Number(competition.competitors.find((c) => c.homeAway === side)!.score);
      expect([score("away"), score("home")], game.gameId).toEqual([game.awayScore, game.homeScore]);

      let away = 0;
      let home = 0;
      let previous = -1;
      for (const play of body.scoringPlays) {
        const context = `${game.gameId} ${play.text}`;
        const team = teamOf(play.team);
        const gained = team === game.awayTeam ? play.awayScore - away : play.homeScore - home;
        // Only the scoring team's score moves.
        expect(team === game.awayTeam ? play.homeScore - home : play.awayScore - away, context).toBe(0);
        const allowed = { touchdown: [6, 7, 8], "field-goal": [3], safety: [2] }[play.scoringType.name];
        expect(allowed, context).toContain(gained);
        if (play.scoringType.name === "touchdown") expect(play.type.text, context).toMatch(/Touchdown|Fumble Recovery \(Own\)/);
        if (play.scoringType.name === "field-goal") expect(play.type.text, context).toBe("Field Goal Good");
        // In game order: by period, then by the clock running down.
        const at = play.period.number * 10_000 + (play.period.number <= 4 ? 900 : 600) - play.clock.value;
        expect(at, context).toBeGreaterThan(previous);
        previous = at;
        away = play.awayScore;
        home = play.homeScore;
      }
      expect([away, home], game.gameId).toEqual([game.awayScore, game.homeScore]);
      if (game.overtime && !feed.report.overtimeInRegulation.includes(game.gameId)) {
        // Tied after regulation.
        const regulation = body.scoringPlays.filter((p) => p.period.number <= 4).at(-1);
        expect(regulation ? regulation.awayScore === regulation.homeScore : true, game.gameId).toBe(true);
      }
    }
  });

  it("the earliest TD of each summary is the truth's first TD, and the project's parser finds it", () => {
    for (const game of feed.games) {
      const body = summaryOf(game);
      const tds = body.scoringPlays.filter((p) => p.scoringType.name === "touchdown");
      const parsed = findFirstTouchdown(parseSummary(body));
      if (game.noTd) {
        expect(tds, game.gameId).toEqual([]);
        expect(parsed.outcome, game.gameId).toBe("no_touchdown");
        continue;
      }
      const first = game.firstTd!;
      // Plays are in game order, so the first TD play is the earliest; nothing before it is a TD.
      expect(tds[0]!.id, game.gameId).toBe(first.espnPlayId);
      expect([teamOf(tds[0]!.team), tds[0]!.period.number, tds[0]!.clock.displayValue], game.gameId).toEqual([first.team, first.period, first.clock]);
      expect(tds[0]!.text.startsWith(`${first.feedName} `), game.gameId).toBe(true);
      expect(parsed.outcome, game.gameId).toBe("touchdown");
      if (parsed.outcome !== "touchdown") continue;
      expect(
        { id: parsed.play.id, team: parsed.team, period: parsed.play.period, clock: parsed.play.clock, name: parsed.scorerName, kind: parsed.kind },
        game.gameId,
      ).toEqual({ id: first.espnPlayId, team: first.team, period: first.period, clock: first.clock, name: first.feedName, kind: first.expectedKind });
      // A later TD follows the first in most games (the first TD is then not simply the only one).
    }
    const withLaterTd = feed.games.filter((g) => summaryOf(g).scoringPlays.filter((p) => p.scoringType.name === "touchdown").length >= 2);
    expect(withLaterTd.length).toBeGreaterThan(260);
  });

  it("core plays name the truth's scorer by an ESPN id of his, or answer 404 on the other paths", () => {
    for (const game of feed.games) {
      const first = game.firstTd;
      const tdPlays = summaryOf(game).scoringPlays.filter((p) => p.scoringType.name === "touchdown");
      expect(game.corePlayUrls, game.gameId).toEqual(tdPlays.map((p) => urls.corePlay(game.espnEventId, p.id)));
      for (const url of game.corePlayUrls) {
        const body = feed.bodies.get(url);
        expect(body, url).toBeDefined();
        if (isNotFound(body)) continue;
        const play = parseCorePlay(body);
        // Every scorer id is a player of the scoring team (or the first TD's scorer whom the roster file lacks).
        const gsis = [...(gsisByEspnId.get(play.scorerEspnId ?? "") ?? [])];
        const offRoster = first !== null && !first.onRoster && play.scorerEspnId === first.espnId;
        expect(offRoster || gsis.some((id) => rosterByGsis.get(id)?.team === play.team), url).toBe(true);
      }
      if (!first) continue;
      const firstUrl = urls.corePlay(game.espnEventId, first.espnPlayId);
      expect(game.corePlayUrls, game.gameId).toContain(firstUrl);
      const body = feed.bodies.get(firstUrl);
      if (first.path !== "core_play") {
        expect(isNotFound(body), game.gameId).toBe(true);
        continue;
      }
      const play = parseCorePlay(body);
      expect(play.scorerEspnId, game.gameId).toBe(first.espnId);
      expect(play.team, game.gameId).toBe(first.team);
      if (gsisByEspnId.has(first.espnId!)) expect([...gsisByEspnId.get(first.espnId!)!], game.gameId).toContain(first.gsisId);
    }
  });

  it("the box score has the scorer on the boxscore path, and lacks him on the roster-name path, where his name (or an alias) is on the roster", () => {
    for (const game of feed.games) {
      const first = game.firstTd;
      if (!first) continue;
      const players = parseSummary(summaryOf(game)).players;
      const fromBox = resolveScorerFromBoxscore(first.feedName, first.team, players);
      if (first.path === "boxscore") expect(fromBox, game.gameId).toBe(first.espnId);
      if (first.path === "roster_name") {
        expect(fromBox, game.gameId).toBeNull();
        if (first.espnId) expect(players.some((p) => p.espnId === first.espnId && p.team === first.team), game.gameId).toBe(false);
        const roster = rosterByGsis.get(first.gsisId);
        if (!roster) continue;
        const feedKey = normalizePlayerName(first.feedName);
        const rosterKey = normalizePlayerName(roster.name);
        expect(feedKey === rosterKey || aliasKeys.get(rosterKey)?.has(feedKey) === true, game.gameId).toBe(true);
        expect(first.aliasNeeded, game.gameId).toBe(feedKey !== rosterKey);
      }
    }
  });

  it("scoreboards list every game once, on its Eastern kickoff date, final with the truth's score", () => {
    const seen = new Map<string, string>();
    for (const [url, body] of feed.bodies) {
      if (!url.includes("/scoreboard?")) continue;
      const board = parseScoreboard(body);
      expect(board.rejected, url).toEqual([]);
      for (const event of board.events) {
        expect(seen.has(event.espnEventId), event.espnEventId).toBe(false);
        seen.set(event.espnEventId, url);
      }
    }
    expect(seen.size).toBe(feed.games.length);
    for (const game of feed.games) {
      expect(seen.get(game.espnEventId), game.gameId).toBe(urls.scoreboard(game.easternDate));
      const event = parseScoreboard(feed.bodies.get(game.scoreboardUrl)).events.find((e) => e.espnEventId === game.espnEventId)!;
      expect(
        { status: event.status, away: event.awayTeam, home: event.homeTeam, score: [event.awayScore, event.homeScore], kickoffAt: event.kickoffAt },
        game.gameId,
      ).toEqual({ status: "final", away: game.awayTeam, home: game.homeTeam, score: [game.awayScore, game.homeScore], kickoffAt: game.kickoffAt });
    }
  });
});
