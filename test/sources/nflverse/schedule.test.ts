import { describe, expect, it } from "vitest";
import { CsvInputError } from "../../../src/sources/csv";
import { parseSchedule, type ScheduledGame } from "../../../src/sources/nflverse/schedule";
import badRowsCsv from "../../fixtures/nflverse/games_with_bad_rows.csv?raw";
import historicalCsv from "../../fixtures/nflverse/games_historical_sample.csv?raw";
import gamesCsv from "../../fixtures/nflverse/games_sample.csv?raw";

function gameById(games: ScheduledGame[], id: string): ScheduledGame {
  const game = games.find((g) => g.id === id);
  if (!game) throw new Error(`no game ${id}`);
  return game;
}

describe("parseSchedule", () => {
  const { games, rejected } = parseSchedule(gamesCsv, 2025);

  it("reads the games of the requested season only", () => {
    expect(rejected).toEqual([]);
    expect(games).toHaveLength(10);
    expect(games.every((game) => game.season === 2025)).toBe(true);
  });

  it("reads a final game with its ESPN event id", () => {
    expect(gameById(games, "2025_01_DAL_PHI")).toEqual({
      id: "2025_01_DAL_PHI",
      season: 2025,
      week: 1,
      gameType: "REG",
      kickoffAt: "2025-09-05T00:20:00Z",
      homeTeam: "PHI",
      awayTeam: "DAL",
      homeScore: 24,
      awayScore: 20,
      espnEventId: "401772510",
    });
  });

  it("converts Eastern kickoffs to UTC across the DST switch, abroad too", () => {
    const kickoffs = Object.fromEntries(games.map((game) => [game.id, game.kickoffAt]));
    expect(kickoffs).toMatchObject({
      "2025_01_KC_LAC": "2025-09-06T00:00:00Z", // Sao Paulo, Friday 20:00 EDT
      "2025_07_LA_JAX": "2025-10-19T13:30:00Z", // London 09:30 EDT
      "2025_08_BUF_CAR": "2025-10-26T17:00:00Z",
      "2025_08_WAS_KC": "2025-10-28T00:15:00Z", // Monday night
      "2025_09_CHI_CIN": "2025-11-02T18:00:00Z", // the Sunday DST ended
      "2025_10_ATL_IND": "2025-11-09T14:30:00Z", // Berlin 09:30 EST
      "2025_12_BUF_HOU": "2025-11-21T01:15:00Z", // Thursday 20:15 EST
    });
  });

  it("keeps nflverse team codes (LA, not ESPN's LAR)", () => {
    expect(gameById(games, "2025_09_NO_LA")).toMatchObject({ homeTeam: "LA", awayTeam: "NO" });
  });

  it("gives null scores to a game not played yet", () => {
    expect(gameById(games, "2025_18_BAL_PIT")).toMatchObject({ homeScore: null, awayScore: null, espnEventId: "401772960" });
  });

  it("reads the playoffs' game types", () => {
    const superBowl = parseSchedule(gamesCsv, 2024).games;
    expect(superBowl).toEqual([
      expect.objectContaining({ id: "2024_22_KC_PHI", gameType: "SB", week: 22, kickoffAt: "2025-02-09T23:30:00Z" }),
    ]);
  });

  it("cleans pandas' `.0` from ids and scores", () => {
    const resaved = gamesCsv.replace(",20,PHI,24,", ",20.0,PHI,24.0,").replace(",401772510,", ",401772510.0,");
    expect(gameById(parseSchedule(resaved, 2025).games, "2025_01_DAL_PHI")).toMatchObject({
      homeScore: 24,
      awayScore: 20,
      espnEventId: "401772510",
    });
  });

  it("maps the historical codes in old game ids (OAK) and rejects a game without a kickoff time (1999)", () => {
    expect(gameById(parseSchedule(historicalCsv, 2019).games, "2019_01_DEN_OAK")).toMatchObject({
      homeTeam: "LV",
      kickoffAt: "2019-09-10T02:20:00Z",
    });
    expect(parseSchedule(historicalCsv, 1999).rejected).toEqual([
      { line: 3, gameId: "1999_01_MIN_ATL", reason: "gametime is blank" },
    ]);
  });
});

describe("parseSchedule: bad rows", () => {
  it("skips and names each bad row while the good rows parse", () => {
    const { games, rejected } = parseSchedule(badRowsCsv, 2025);
    expect(games.map((game) => game.id)).toEqual(["2025_03_ATL_CAR", "2025_03_GB_CLE"]);
    expect([...rejected].sort((a, b) => a.line - b.line)).toEqual([
      { line: 3, gameId: "2025_03_XXX_JAX", reason: "unknown away_team 'XXX'" },
      { line: 4, reason: "expected 46 fields, found 20" },
      { line: 5, gameId: "2025_03_NE_NE", reason: "home and away team are both NE" },
      { line: 6, gameId: "2025_04_LA_PHI", reason: "game_id does not match season 2025, week 3, LA at PHI" },
      { line: 7, gameId: "2025_03_NYJ_TB", reason: "bad gameday/gametime '2025-09-31 13:00'" },
    ]);
  });

  it("rejects a second row with the same game_id", () => {
    const lines = gamesCsv.trimEnd().split("\n");
    const doubled = [...lines, lines.find((line) => line.startsWith("2025_01_DAL_PHI"))!].join("\n") + "\n";
    const { games, rejected } = parseSchedule(doubled, 2025);
    expect(games).toHaveLength(10);
    expect(rejected).toEqual([{ line: 13, gameId: "2025_01_DAL_PHI", reason: "duplicate game_id (first on line 3)" }]);
  });
});

describe("parseSchedule: untrusted input", () => {
  const problemOf = (text: string) => {
    try {
      parseSchedule(text, 2025);
      return "no error";
    } catch (error) {
      return error instanceof CsvInputError ? error.problem : String(error);
    }
  };

  it("refuses HTML, an empty body, a truncated download and a file without the needed columns", () => {
    expect(problemOf("<html><head><title>Unicorn! · GitHub</title></head></html>")).toBe("html");
    expect(problemOf("")).toBe("empty");
    expect(problemOf(gamesCsv.slice(0, gamesCsv.length - 300))).toBe("truncated");
    expect(problemOf(gamesCsv.replace("game_id,season,", "id,season,"))).toBe("missing_columns");
  });
});
