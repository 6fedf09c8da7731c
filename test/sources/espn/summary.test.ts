import { describe, expect, it } from "vitest";
import { EspnFormatError } from "../../../src/sources/espn/format-error";
import {
  findFirstTouchdown,
  parseSummary,
  resolveScorerFromBoxscore,
  scorerNameFromText,
  touchdownKindOf,
  type BoxscorePlayer,
} from "../../../src/sources/espn/summary";
import balAtHouJson from "../../fixtures/espn/summary_2020wk2_BAL_at_HOU_excerpt.json?raw";
import seaAtChiJson from "../../fixtures/espn/summary_2024wk17_SEA_at_CHI_excerpt.json?raw";
import nygAtSeaJson from "../../fixtures/espn/summary_2024wk5_NYG_at_SEA_excerpt.json?raw";
import cleAtJaxJson from "../../fixtures/espn/summary_2026wk1_CLE_at_JAX_excerpt.json?raw";

const cleAtJax = parseSummary(JSON.parse(cleAtJaxJson));
const balAtHou = parseSummary(JSON.parse(balAtHouJson));

describe("parseSummary", () => {
  it("reads the header", () => {
    expect(cleAtJax).toMatchObject({
      espnEventId: "401872922",
      status: "final",
      kickoffAt: "2026-09-13T17:00:00Z",
      homeTeam: "JAX",
      awayTeam: "CLE",
      homeScore: 34,
      awayScore: 10,
    });
  });

  it("reads the header's scores as numbers, null when absent or not a number", () => {
    const body = JSON.parse(cleAtJaxJson);
    const [home, away] = body.header.competitions[0].competitors;
    expect([home.homeAway, away.homeAway]).toEqual(["home", "away"]);
    delete home.score;
    away.score = "";
    expect(parseSummary(body)).toMatchObject({ homeScore: null, awayScore: null });
    home.score = 7;
    away.score = "-";
    expect(parseSummary(body)).toMatchObject({ homeScore: 7, awayScore: null });
  });

  it("reads the scoring plays in order, with trailing spaces trimmed", () => {
    expect(cleAtJax.scoringPlays.map((p) => [p.scoringType, p.team, p.period, p.clock])).toEqual([
      ["touchdown", "JAX", 1, "8:11"],
      ["touchdown", "JAX", 1, "1:42"],
      ["field-goal", "JAX", 2, "9:09"],
      ["touchdown", "JAX", 2, "6:18"],
      ["touchdown", "JAX", 3, "12:08"],
      ["field-goal", "CLE", 3, "8:31"],
      ["field-goal", "JAX", 3, "1:48"],
      ["touchdown", "CLE", 4, "1:52"],
    ]);
    expect(cleAtJax.scoringPlays[5]).toMatchObject({
      text: "Andre Szmyt 26 Yd Field Goal",
      isTouchdown: false,
      playType: "Field Goal Good",
      awayScore: 3,
      homeScore: 31,
      clockSeconds: 511,
    });
  });

  it("lists each box score player once per team, with his ESPN id", () => {
    const jaguars = cleAtJax.players.filter((p) => p.team === "JAX");
    expect(jaguars).toContainEqual({ espnId: "4432620", name: "Parker Washington", nameKey: "parker washington", team: "JAX" });
    expect(new Set(jaguars.map((p) => p.espnId)).size).toBe(jaguars.length);
    expect(cleAtJax.players.filter((p) => p.nameKey === "trevor lawrence")).toHaveLength(1);
  });

  it("reads a summary from before kickoff, without scoring plays or box score", () => {
    const body = JSON.parse(cleAtJaxJson);
    delete body.scoringPlays;
    delete body.boxscore;
    body.header.competitions[0].status.type = { name: "STATUS_SCHEDULED", state: "pre", completed: false };
    const summary = parseSummary(body);
    expect(summary).toMatchObject({ status: "scheduled", scoringPlays: [], players: [] });
    expect(findFirstTouchdown(summary)).toEqual({ outcome: "not_yet" });
  });

  it("refuses a body without a header, or with a scoring play it cannot read", () => {
    expect(() => parseSummary({ code: 404 })).toThrow(EspnFormatError);
    const body = JSON.parse(cleAtJaxJson);
    delete body.scoringPlays[0].scoringType;
    expect(() => parseSummary(body)).toThrow(/scoringPlays\.0\.scoringType/);
  });
});

describe("findFirstTouchdown", () => {
  it("credits the receiver, not the passer, on a passing TD", () => {
    const first = findFirstTouchdown(cleAtJax);
    expect(first).toMatchObject({ outcome: "touchdown", scorerName: "Parker Washington", team: "JAX", kind: "reception" });
    expect(first.outcome === "touchdown" && first.play.id).toBe("401872922349");
  });

  it("reads the older 'X Pass From Y for 1 Yard' text", () => {
    expect(findFirstTouchdown(balAtHou)).toMatchObject({ scorerName: "Patrick Ricard", team: "BAL", kind: "reception" });
  });

  it("takes the earliest TD by period and clock, whatever the feed order", () => {
    const reversed = { ...cleAtJax, scoringPlays: [...cleAtJax.scoringPlays].reverse() };
    expect(findFirstTouchdown(reversed)).toMatchObject({ scorerName: "Parker Washington" });
  });

  it("finds a defensive TD: a fumble return", () => {
    expect(findFirstTouchdown(parseSummary(JSON.parse(nygAtSeaJson)))).toMatchObject({
      outcome: "touchdown",
      scorerName: "Rayshawn Jenkins",
      team: "SEA",
      kind: "defense",
    });
  });

  it("says no touchdown only once the game is final without one", () => {
    const fieldGoalsOnly = parseSummary(JSON.parse(seaAtChiJson));
    expect(findFirstTouchdown(fieldGoalsOnly)).toEqual({ outcome: "no_touchdown" });
    expect(findFirstTouchdown({ ...fieldGoalsOnly, status: "in_progress" })).toEqual({ outcome: "not_yet" });
  });
});

describe("scorerNameFromText", () => {
  it("reads the scorer from ESPN's text formats, without trailing periods", () => {
    expect(scorerNameFromText("Denzel Boston 46 Yd pass from Deshaun Watson (Andre Szmyt Kick).")).toBe("Denzel Boston");
    expect(scorerNameFromText("Patrick Ricard Pass From Lamar Jackson for 1 Yard J.Tucker extra point is GOOD.")).toBe(
      "Patrick Ricard",
    );
    expect(scorerNameFromText("L.J. Fort 22 Yd Fumble Return (Justin Tucker Kick)")).toBe("L.J. Fort");
    expect(scorerNameFromText("Ka'imi Fairbairn 44 Yd Field Goal ")).toBe("Ka'imi Fairbairn");
    expect(scorerNameFromText("Odell Beckham Jr. 12 Yd pass from Lamar Jackson (Justin Tucker Kick)")).toBe("Odell Beckham Jr.");
    expect(scorerNameFromText("Mark Ingram II 30 Yd Run (Justin Tucker Kick)")).toBe("Mark Ingram II");
  });

  it("reads the texts of real summaries: returns, failed and missing tries, apostrophes and hyphens", () => {
    const scorers: [string, string][] = [
      ["Rayshawn Jenkins 102 Yd Fumble Return (Jason Myers Kick)", "Rayshawn Jenkins"],
      ["Kamren Kinchens 103 Yd Interception Return (Joshua Karty Kick)", "Kamren Kinchens"],
      ["Bryce Ford-Wheaton 60 Yd Return of Blocked Field Goal (Two-Point Run Conversion Failed)", "Bryce Ford-Wheaton"],
      ["Tyler Lockett 30 Yd pass from Geno Smith (Jason Myers PAT blocked)", "Tyler Lockett"],
      ["Drake London 3 Yd pass from Desmond Ridder (Younghoe Koo PAT failed)", "Drake London"],
      ["Noah Fant 16 Yd pass from Geno Smith (Two-Point Pass Conversion Failed)", "Noah Fant"],
      ["Demarcus Robinson 39 Yd pass from Matthew Stafford  ", "Demarcus Robinson"],
      ["Wan'Dale Robinson 7 Yd pass from Daniel Jones (Greg Joseph Kick)", "Wan'Dale Robinson"],
      ["Ja'Lynn Polk 5 Yd pass from Jacoby Brissett (Joey Slye Kick)", "Ja'Lynn Polk"],
      ["Jaxon Smith-Njigba 24 Yd pass from Geno Smith (Jason Myers Kick)", "Jaxon Smith-Njigba"],
      ["DK Metcalf 56 Yd pass from Geno Smith (Jason Myers Kick)", "DK Metcalf"],
      ["AJ Barner 4 Yd pass from Geno Smith (Jason Myers Kick)", "AJ Barner"],
      ["Desmond Ridder 6 Yd Run (Younghoe Koo Kick)", "Desmond Ridder"],
      ["Joshua Karty 38 Yd Field Goal  ", "Joshua Karty"],
    ];
    expect(scorers.map(([text]) => [text, scorerNameFromText(text)])).toEqual(scorers);
  });

  it("reads the core API's 'X Pass From Y for N Yard(s)' texts, whatever follows the yardage", () => {
    expect(scorerNameFromText("Patrick Ricard Pass From Lamar Jackson for 1 Yard J.Tucker extra point is GOOD, Center-M.Cox, Holder-S.Koch.")).toBe(
      "Patrick Ricard",
    );
    expect(scorerNameFromText("Tyler Lockett Pass From Geno Smith for 30 Yds, Jason Myers extra point is BLOCKED")).toBe("Tyler Lockett");
    expect(scorerNameFromText("Mark Andrews Pass From Lamar Jackson for 12 Yards Two-Point Pass Conversion Failed")).toBe("Mark Andrews");
  });

  it("does not stop at a surname that is also a play word", () => {
    expect(scorerNameFromText("Cooper Rush 1 Yd Run (Brandon Aubrey Kick)")).toBe("Cooper Rush");
  });

  it("returns null when the text does not start with a name", () => {
    expect(scorerNameFromText("")).toBeNull();
    expect(scorerNameFromText("12 Yd pass from Lamar Jackson")).toBeNull();
  });
});

describe("touchdownKindOf", () => {
  it("tells offense, returns and defense apart", () => {
    expect(touchdownKindOf("Passing Touchdown", "Jakobi Meyers 32 Yd pass from Trevor Lawrence (Cam Little Kick)")).toBe("reception");
    expect(touchdownKindOf("Rushing Touchdown", "Mark Ingram II 30 Yd Run (Justin Tucker Kick)")).toBe("rush");
    expect(touchdownKindOf("Rushing Touchdown", "Cooper Rush 1 Yd Run (Two-Point Pass Conversion Failed)")).toBe("rush");
    expect(touchdownKindOf("Interception Return Touchdown", "Darius Slay 70 Yd Interception Return (Jake Elliott Kick)")).toBe("defense");
    expect(touchdownKindOf("Fumble Return Touchdown", "L.J. Fort 22 Yd Fumble Return (Justin Tucker Kick)")).toBe("defense");
    expect(touchdownKindOf("Blocked Punt Touchdown", "Jonathan Owens 21 Yd Return of Blocked Punt (Cairo Santos Kick)")).toBe("defense");
    expect(touchdownKindOf("Punt Return Touchdown", "Derius Davis 87 Yd Punt Return (Cameron Dicker Kick)")).toBe("return");
    expect(touchdownKindOf("Kickoff Return Touchdown", "Jalen Reagor 98 Yd Kickoff Return (Chad Ryland Kick)")).toBe("return");
    expect(touchdownKindOf("Fumble Recovery (Own)", "Jonah Williams Fumble Recovery in End Zone (Chad Ryland Kick)")).toBe("other");
  });

  it("maps every defensive play type to defense", () => {
    const text = "Bryce Ford-Wheaton 60 Yd Return of Blocked Field Goal (Two-Point Run Conversion Failed)";
    for (const playType of [
      "Blocked Field Goal Touchdown",
      "Missed Field Goal Return Touchdown",
      "Fumble Recovery (Opponent)",
      "Defensive 2pt Conversion",
      "Pass Interception Return",
    ]) {
      expect([playType, touchdownKindOf(playType, text)]).toEqual([playType, "defense"]);
    }
  });

  it("lets the play type alone decide when it names a kind, in any case", () => {
    expect(touchdownKindOf("Rushing Touchdown", "Deebo Samuel 5 Yd pass from Brock Purdy (Jake Moody Kick)")).toBe("rush");
    expect(touchdownKindOf("PASSING TOUCHDOWN", "Darius Slay 70 Yd Interception Return")).toBe("reception");
    expect(touchdownKindOf("punt return touchdown", "Derius Davis 87 Yd pass from Justin Herbert")).toBe("return");
  });

  it("ignores a 'blocked' try after the scorer's clause when the type says passing", () => {
    const text = "Patrick Ricard Pass From Lamar Jackson for 1 Yard J.Tucker extra point is BLOCKED, Center-M.Cox, Holder-S.Koch.";
    expect(touchdownKindOf("Passing Touchdown", text)).toBe("reception");
    expect(touchdownKindOf("Passing Touchdown", "Tyler Lockett 30 Yd pass from Geno Smith (Jason Myers PAT blocked)")).toBe("reception");
  });

  it("judges by the text when the play type is missing, empty or unrecognised", () => {
    expect(touchdownKindOf(null, "Parker Washington 30 Yd pass from Trevor Lawrence (Cam Little Kick)")).toBe("reception");
    expect(touchdownKindOf(null, "Darius Slay 70 Yd Interception Return (Jake Elliott Kick)")).toBe("defense");
    expect(touchdownKindOf("", "Rayshawn Jenkins 102 Yd Fumble Return (Jason Myers Kick)")).toBe("defense");
    expect(touchdownKindOf("Touchdown", "Derius Davis 87 Yd Punt Return (Cameron Dicker Kick)")).toBe("return");
    expect(touchdownKindOf("TD", "Cooper Rush 1 Yd Run (Brandon Aubrey Kick)")).toBe("rush");
    expect(touchdownKindOf(null, "Bryce Ford-Wheaton 60 Yd Return of Blocked Field Goal (Two-Point Run Conversion Failed)")).toBe("defense");
  });

  it("reads only the scorer's clause of the text, never the try after it", () => {
    expect(touchdownKindOf(null, "Tyler Lockett Pass From Geno Smith for 30 Yds, Jason Myers extra point is BLOCKED")).toBe("reception");
    expect(touchdownKindOf(null, "Patrick Ricard Pass From Lamar Jackson for 1 Yard J.Tucker extra point is BLOCKED")).toBe("reception");
    expect(touchdownKindOf(null, "Tyler Lockett 30 Yd pass from Geno Smith Jason Myers PAT blocked")).toBe("reception");
    expect(touchdownKindOf(null, "Tyler Lockett 30 Yd pass from Geno Smith (Jason Myers PAT blocked)")).toBe("reception");
    expect(touchdownKindOf(null, "Mark Ingram II 30 Yd Run Two-Point Pass Conversion Failed")).toBe("rush");
    expect(touchdownKindOf(null, "Mark Ingram II Run for 30 Yards Two-Point Pass Conversion Failed")).toBe("rush");
  });
});

describe("resolveScorerFromBoxscore", () => {
  it("returns the ESPN id of the one player of that team with that name", () => {
    expect(resolveScorerFromBoxscore("Parker Washington", "JAX", cleAtJax.players)).toBe("4432620");
    expect(resolveScorerFromBoxscore("L.J. Fort", "BAL", balAtHou.players)).toBe("15264");
    expect(resolveScorerFromBoxscore("Mark Ingram", "BAL", balAtHou.players)).toBe("13981");
  });

  it("never matches across teams", () => {
    expect(resolveScorerFromBoxscore("Parker Washington", "CLE", cleAtJax.players)).toBeNull();
  });

  it("returns null when the name is ambiguous within the team", () => {
    const players: BoxscorePlayer[] = [
      { espnId: "3916387", name: "Lamar Jackson", nameKey: "lamar jackson", team: "BAL" },
      { espnId: "4034849", name: "Lamar Jackson", nameKey: "lamar jackson", team: "BAL" },
      { espnId: "4034849", name: "Lamar Jackson", nameKey: "lamar jackson", team: "CAR" },
    ];
    expect(resolveScorerFromBoxscore("Lamar Jackson", "BAL", players)).toBeNull();
    expect(resolveScorerFromBoxscore("Lamar Jackson", "CAR", players)).toBe("4034849");
  });
});
