import { describe, expect, it } from "vitest";
import {
  findFirstTouchdown,
  parseSummary,
  scoringProblem,
  type GameSummary,
  type ScoringPlay,
  type SummaryScoring,
} from "../../../src/sources/espn/summary";
import balAtHouJson from "../../fixtures/espn/summary_2020wk2_BAL_at_HOU_excerpt.json?raw";
import seaAtChiJson from "../../fixtures/espn/summary_2024wk17_SEA_at_CHI_excerpt.json?raw";
import seaAtLarLiveJson from "../../fixtures/espn/summary_2024wk18_SEA_at_LAR_inprogress_excerpt.json?raw";
import seaAtNeJson from "../../fixtures/espn/summary_2024wk2_SEA_at_NE_excerpt.json?raw";
import nygAtSeaJson from "../../fixtures/espn/summary_2024wk5_NYG_at_SEA_excerpt.json?raw";
import larAtSeaJson from "../../fixtures/espn/summary_2024wk9_LAR_at_SEA_excerpt.json?raw";
import cleAtJaxJson from "../../fixtures/espn/summary_2026wk1_CLE_at_JAX_excerpt.json?raw";

/**
 * A summary must explain its own score before its first TD is trusted: real excerpts pass the check, and the
 * copies a truncated or garbled feed would send (a play missing, a field goal worth 7, another final score,
 * no scoringPlays at all) fail it.
 */

const EXCERPTS: Record<string, string> = {
  "BAL at HOU 2020": balAtHouJson,
  "SEA at NE 2024 (overtime)": seaAtNeJson,
  "NYG at SEA 2024 (fumble-return first TD, blocked-FG-return TD with a failed two-point try)": nygAtSeaJson,
  "LAR at SEA 2024 (PAT blocked, pick-six, overtime TD without a try)": larAtSeaJson,
  "SEA at CHI 2024 (6-3, no TD)": seaAtChiJson,
  "SEA at LAR 2024 (live, 0:21 left)": seaAtLarLiveJson,
  "CLE at JAX 2026": cleAtJaxJson,
};
const cleAtJax = parseSummary(JSON.parse(cleAtJaxJson));
const seaAtLarLive = parseSummary(JSON.parse(seaAtLarLiveJson));

// The mutations below take the feed order as game order, as it is in every real summary.

function withoutPlay(summary: GameSummary, index: number): GameSummary {
  return { ...summary, scoringPlays: summary.scoringPlays.filter((_, i) => i !== index) };
}

/** The play at `index` scores `extra` more points for its team, and every later score (the final one too) follows. */
function withExtraPoints(summary: GameSummary, index: number, extra: number): GameSummary {
  const side = summary.scoringPlays[index]!.team === summary.homeTeam ? "homeScore" : "awayScore";
  const isFinal = summary.status === "final";
  return {
    ...summary,
    [side]: isFinal ? summary[side]! + extra : summary[side],
    scoringPlays: summary.scoringPlays.map((play, i) => (i < index ? play : { ...play, [side]: play[side]! + extra })),
  };
}

function withPlay(summary: GameSummary, index: number, change: Partial<ScoringPlay>): GameSummary {
  return { ...summary, scoringPlays: summary.scoringPlays.map((play, i) => (i === index ? { ...play, ...change } : play)) };
}

function indexOfPlay(summary: GameSummary, id: string): number {
  const index = summary.scoringPlays.findIndex((play) => play.id === id);
  if (index === -1) throw new Error(`no play ${id}`);
  return index;
}

let nextPlayId = 1;
function scoringPlay(scoringType: string, team: string, awayScore: number, homeScore: number): ScoringPlay {
  return {
    id: String(nextPlayId++),
    scoringType,
    isTouchdown: scoringType === "touchdown",
    playType: null,
    team,
    text: "",
    period: 1,
    clock: null,
    clockSeconds: 900 - nextPlayId,
    awayScore,
    homeScore,
  };
}

/** A game of LA at SEA with these plays, final at the last play's score (0-0 without plays). */
function finalGame(plays: ScoringPlay[]): SummaryScoring {
  const last = plays[plays.length - 1];
  return { status: "final", awayTeam: "LA", homeTeam: "SEA", awayScore: last?.awayScore ?? 0, homeScore: last?.homeScore ?? 0, scoringPlays: plays };
}

describe("scoringProblem", () => {
  it.each(Object.entries(EXCERPTS))("accepts the real summary of %s", (_, json) => {
    expect(scoringProblem(parseSummary(JSON.parse(json)))).toBeNull();
  });

  it.each(Object.entries(EXCERPTS).filter(([name]) => !name.includes("live")))("reports %s with any one scoring play removed", (_, json) => {
    const summary = parseSummary(JSON.parse(json));
    expect(summary.status).toBe("final");
    for (const [index, play] of summary.scoringPlays.entries()) {
      expect([play.id, scoringProblem(withoutPlay(summary, index))]).toEqual([play.id, expect.any(String)]);
    }
  });

  it("reports a field goal worth 7, even when every later score agrees with it", () => {
    const summary = withExtraPoints(cleAtJax, indexOfPlay(cleAtJax, "4018729221277"), 4);
    expect(scoringProblem(summary)).toBe("play 4018729221277: a field goal by JAX takes the score from CLE 0-14 JAX to CLE 0-21 JAX");
  });

  it("reports a final score that the scoring plays do not add up to", () => {
    expect(scoringProblem({ ...cleAtJax, homeScore: 41 })).toBe("scoring plays add up to CLE 10-34 JAX but the final score is CLE 10-41 JAX");
    expect(scoringProblem({ ...cleAtJax, awayScore: null })).toBe("the final score is missing");
  });

  it("reports a final game with points but no scoring plays, as a truncated feed sends it", () => {
    const body = JSON.parse(cleAtJaxJson);
    delete body.scoringPlays;
    expect(scoringProblem(parseSummary(body))).toBe("no scoring plays, but the final score is CLE 10-34 JAX");
    body.scoringPlays = [];
    expect(scoringProblem(parseSummary(body))).toBe("no scoring plays, but the final score is CLE 10-34 JAX");
  });

  it("accepts a 0-0 final without scoring plays", () => {
    expect(scoringProblem(finalGame([]))).toBeNull();
  });

  it("reports a play without a running score, by a team not in the game, or with a score that goes down", () => {
    expect(scoringProblem(withPlay(cleAtJax, 2, { homeScore: null }))).toBe("play 4018729221277: no running score");
    expect(scoringProblem(withPlay(cleAtJax, 2, { team: "BAL" }))).toBe("play 4018729221277: scored by BAL, not a team of this game");
    expect(scoringProblem(withPlay(cleAtJax, 2, { team: null }))).toBe("play 4018729221277: scored by no team, not a team of this game");
    expect(scoringProblem(withPlay(cleAtJax, 2, { awayScore: 0, homeScore: 13 }))).toBe(
      "play 4018729221277: a field goal by JAX takes the score from CLE 0-14 JAX to CLE 0-13 JAX",
    );
  });

  it("holds a touchdown to 6, 7 or 8 for its own team, and 2 for the other only with a failed try returned", () => {
    for (const points of [6, 7, 8]) expect(scoringProblem(finalGame([scoringPlay("touchdown", "SEA", 0, points)]))).toBeNull();
    for (const points of [3, 9]) expect(scoringProblem(finalGame([scoringPlay("touchdown", "SEA", 0, points)]))).toMatch(/a touchdown by SEA/);
    expect(scoringProblem(finalGame([scoringPlay("touchdown", "SEA", 7, 0)]))).toMatch(/a touchdown by SEA takes the score from LA 0-0 SEA to LA 7-0 SEA/);
    expect(scoringProblem(finalGame([scoringPlay("touchdown", "SEA", 2, 6)]))).toBeNull();
    expect(scoringProblem(finalGame([scoringPlay("touchdown", "SEA", 2, 7)]))).toMatch(/a touchdown by SEA/);
    expect(scoringProblem(finalGame([scoringPlay("touchdown", "SEA", 1, 6)]))).toMatch(/a touchdown by SEA/);
  });

  it("holds a field goal to 3, a safety to 2, and a try listed on its own to 1 or 2", () => {
    expect(scoringProblem(finalGame([scoringPlay("field-goal", "LA", 3, 0), scoringPlay("safety", "SEA", 3, 2)]))).toBeNull();
    expect(scoringProblem(finalGame([scoringPlay("safety", "SEA", 0, 3)]))).toMatch(/a safety by SEA/);
    expect(scoringProblem(finalGame([scoringPlay("field-goal", "SEA", 0, 2)]))).toMatch(/a field goal by SEA/);
    const tryOnItsOwn = [scoringPlay("touchdown", "LA", 6, 0), scoringPlay("extra-point", "LA", 7, 0), scoringPlay("two-point-conversion", "LA", 9, 0)];
    expect(scoringProblem(finalGame(tryOnItsOwn))).toBeNull();
    expect(scoringProblem(finalGame([scoringPlay("extra-point", "LA", 3, 0)]))).toMatch(/an extra point by LA/);
  });

  it("sorts the plays into game order before adding them up", () => {
    expect(scoringProblem({ ...cleAtJax, scoringPlays: [...cleAtJax.scoringPlays].reverse() })).toBeNull();
  });

  it("before the final, checks only the plays up to the first TD, and not the header's score", () => {
    const afterFirstTd = indexOfPlay(seaAtLarLive, "4016718301666");
    expect(scoringProblem(withExtraPoints(seaAtLarLive, afterFirstTd, 4))).toBeNull();
    expect(scoringProblem(withoutPlay(seaAtLarLive, afterFirstTd))).toBeNull();
    expect(scoringProblem({ ...seaAtLarLive, homeScore: 31 })).toBeNull();
    expect(scoringProblem(withPlay(seaAtLarLive, 0, { awayScore: 5 }))).toBe(
      "play 401671830653: a touchdown by SEA takes the score from SEA 0-0 LA to SEA 5-0 LA",
    );
  });

  it("before the final and before any TD, checks every play", () => {
    const fieldGoals = parseSummary(JSON.parse(seaAtChiJson));
    expect(scoringProblem({ ...fieldGoals, status: "in_progress" })).toBeNull();
    expect(scoringProblem(withoutPlay({ ...fieldGoals, status: "in_progress" }, 1))).toBe(
      "play 4016718761887: a field goal by SEA takes the score from SEA 3-0 CHI to SEA 6-3 CHI",
    );
  });
});

describe("findFirstTouchdown, against the score", () => {
  it.each([
    ["NYG at SEA", nygAtSeaJson, { outcome: "touchdown", scorerName: "Rayshawn Jenkins", team: "SEA", kind: "defense" }],
    ["LAR at SEA", larAtSeaJson, { outcome: "touchdown", scorerName: "Tyler Lockett", team: "SEA", kind: "reception" }],
    ["SEA at NE", seaAtNeJson, { outcome: "touchdown", scorerName: "Ja'Lynn Polk", team: "NE", kind: "reception" }],
    ["SEA at LAR (live)", seaAtLarLiveJson, { outcome: "touchdown", scorerName: "Jake Bobo", team: "SEA", kind: "reception" }],
    ["SEA at CHI", seaAtChiJson, { outcome: "no_touchdown" }],
  ])("finds the first TD of %s", (_, json, expected) => {
    expect(findFirstTouchdown(parseSummary(JSON.parse(json)))).toMatchObject(expected);
  });

  it("does not grade a final summary without scoringPlays as 'no TD'", () => {
    const body = JSON.parse(cleAtJaxJson);
    delete body.scoringPlays;
    expect(findFirstTouchdown(parseSummary(body))).toEqual({
      outcome: "inconsistent",
      reason: "no scoring plays, but the final score is CLE 10-34 JAX",
    });
  });

  it("does not grade 'no TD' when a touchdown is missing from a final game's scoring plays", () => {
    const fieldGoalsOnly = { ...cleAtJax, scoringPlays: cleAtJax.scoringPlays.filter((play) => !play.isTouchdown) };
    expect(findFirstTouchdown(fieldGoalsOnly)).toMatchObject({ outcome: "inconsistent" });
    expect(findFirstTouchdown({ ...fieldGoalsOnly, status: "in_progress" })).toMatchObject({ outcome: "inconsistent" });
  });

  it("does not take a later TD for the first when an earlier one is missing, final or not", () => {
    const withoutFirstTd = withoutPlay(cleAtJax, 0);
    expect(findFirstTouchdown(withoutFirstTd)).toEqual({
      outcome: "inconsistent",
      reason: "play 401872922838: a touchdown by JAX takes the score from CLE 0-0 JAX to CLE 0-14 JAX",
    });
    expect(findFirstTouchdown({ ...withoutFirstTd, status: "in_progress" })).toMatchObject({ outcome: "inconsistent" });
  });

  it("holds a final game to its whole chain, a live one to the plays up to its first TD", () => {
    const lastFieldGoalWorth7 = withExtraPoints(cleAtJax, indexOfPlay(cleAtJax, "4018729222807"), 4);
    expect(findFirstTouchdown(lastFieldGoalWorth7)).toMatchObject({ outcome: "inconsistent", reason: expect.stringMatching(/^play 4018729222807: a field goal/) });
    expect(findFirstTouchdown({ ...lastFieldGoalWorth7, status: "in_progress" })).toMatchObject({
      outcome: "touchdown",
      scorerName: "Parker Washington",
    });
  });
});

/**
 * The same checks over the full real summaries in ../shared/data/espn, which exists beside the development
 * checkout and in CI but not in a user's clone (see test/sources/real-data.test.ts): skipped when absent.
 */
const realSummaries = import.meta.glob<string>(
  ["../../../../shared/data/espn/real/summary_*.json", "../../../../shared/data/espn/summary_*.json"],
  { query: "?raw", import: "default" },
);
const hasRealSummaries = Object.keys(realSummaries).length > 0;
// One placeholder when absent, so that the skipped suite still shows in the report.
const realPaths = hasRealSummaries ? Object.keys(realSummaries) : ["(absent)"];
const SKIP_MESSAGE = "real ESPN summaries: skipped, ../shared/data is absent (it exists beside the development checkout only)";
if (!hasRealSummaries) console.warn(SKIP_MESSAGE);

// The first TD of each game as the NFL's own data has it (../shared/data/truth/first_td_2023_2025.csv).
const FIRST_TD_BY_EVENT: Record<string, object> = {
  "401547417": { outcome: "touchdown", scorerName: "Jayden Reed", team: "GB", kind: "reception" },
  "401671680": { outcome: "touchdown", scorerName: "Rayshawn Jenkins", team: "SEA", kind: "defense" },
  "401671702": { outcome: "touchdown", scorerName: "Ja'Lynn Polk", team: "NE", kind: "reception" },
  "401671776": { outcome: "touchdown", scorerName: "Tyler Lockett", team: "SEA", kind: "reception" },
  "401671830": { outcome: "touchdown", scorerName: "Jake Bobo", team: "SEA", kind: "reception" },
  "401671876": { outcome: "no_touchdown" },
  "401872922": { outcome: "touchdown", scorerName: "Parker Washington", team: "JAX", kind: "reception" },
};

describe.skipIf(!hasRealSummaries)(hasRealSummaries ? "real ESPN summaries (../shared/data/espn)" : SKIP_MESSAGE, () => {
  const load = async (path: string) => parseSummary(JSON.parse(await realSummaries[path]!()));

  it.each(realPaths)("%s explains its score and yields the known first TD", async (path) => {
    const summary = await load(path);
    expect(scoringProblem(summary)).toBeNull();
    expect(findFirstTouchdown(summary)).toMatchObject(FIRST_TD_BY_EVENT[summary.espnEventId]!);
  });

  it.each(realPaths)("%s mutated is reported inconsistent", async (path) => {
    const summary = await load(path);
    const firstTd = summary.scoringPlays.findIndex((play) => play.isTouchdown);
    const fieldGoal = summary.scoringPlays.findIndex((play) => play.scoringType === "field-goal");
    // A live game's later plays may still be arriving, so only its plays up to the first TD are held to the score.
    const held = summary.status === "final" ? summary.scoringPlays.length : firstTd + 1;
    for (let index = 0; index < held; index++) {
      expect(findFirstTouchdown(withoutPlay(summary, index)).outcome).toBe("inconsistent");
    }
    if (fieldGoal !== -1 && (summary.status === "final" || fieldGoal < firstTd)) {
      expect(scoringProblem(withExtraPoints(summary, fieldGoal, 4))).toMatch(/a field goal .* takes the score/);
    }
    if (summary.status === "final") {
      expect(scoringProblem({ ...summary, homeScore: summary.homeScore! + 1 })).toMatch(/but the final score is/);
      expect(findFirstTouchdown({ ...summary, scoringPlays: [] }).outcome).toBe("inconsistent");
    }
  });
});
