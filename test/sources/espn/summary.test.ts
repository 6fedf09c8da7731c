import { describe, expect, it } from "vitest";
import { EspnFormatError } from "../../../src/sources/espn/format-error";
import {
  findFirstTouchdown,
  parseSummary,
  resolveScorerFromBoxscore,
  scorerNameFromText,
  touchdownKindOf,
  type BoxscorePlayer,
  type GameSummary,
} from "../../../src/sources/espn/summary";
import balAtHouJson from "../../fixtures/espn/summary_2020wk2_BAL_at_HOU_excerpt.json?raw";
import cleAtJaxJson from "../../fixtures/espn/summary_2026wk1_CLE_at_JAX_excerpt.json?raw";

const cleAtJax = parseSummary(JSON.parse(cleAtJaxJson));
const balAtHou = parseSummary(JSON.parse(balAtHouJson));

function withoutPlays(summary: GameSummary, texts: string[]): GameSummary {
  return { ...summary, scoringPlays: summary.scoringPlays.filter((play) => !texts.some((t) => play.text.startsWith(t))) };
}

describe("parseSummary", () => {
  it("reads the header", () => {
    expect(cleAtJax).toMatchObject({
      espnEventId: "401872922",
      status: "final",
      kickoffAt: "2026-09-13T17:00:00Z",
      homeTeam: "JAX",
      awayTeam: "CLE",
    });
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
    const summary = withoutPlays(balAtHou, ["Patrick Ricard", "Darren Fells"]);
    expect(findFirstTouchdown(summary)).toMatchObject({
      outcome: "touchdown",
      scorerName: "L.J. Fort",
      team: "BAL",
      kind: "defense",
    });
  });

  it("finds a rushing TD and keeps the suffix in the name", () => {
    const summary = withoutPlays(balAtHou, ["Patrick Ricard", "Darren Fells", "L.J. Fort"]);
    expect(findFirstTouchdown(summary)).toMatchObject({ scorerName: "Mark Ingram II", kind: "rush", team: "BAL" });
  });

  it("says no touchdown only once the game is final without one", () => {
    const fieldGoalsOnly = { ...cleAtJax, scoringPlays: cleAtJax.scoringPlays.filter((p) => !p.isTouchdown) };
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

  it("judges by the text when the play type is missing", () => {
    expect(touchdownKindOf(null, "Parker Washington 30 Yd pass from Trevor Lawrence (Cam Little Kick)")).toBe("reception");
    expect(touchdownKindOf(null, "Darius Slay 70 Yd Interception Return (Jake Elliott Kick)")).toBe("defense");
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
