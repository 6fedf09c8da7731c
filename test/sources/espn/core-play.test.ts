import { describe, expect, it } from "vitest";
import { idFromRef, parseCorePlay } from "../../../src/sources/espn/core-play";
import { EspnFormatError } from "../../../src/sources/espn/format-error";
import corePlaysJson from "../../fixtures/espn/core_scoring_plays_401220181_excerpt.json?raw";

const items = (JSON.parse(corePlaysJson) as { items: { id: string; participants: { type: string }[] }[] }).items;

function rawPlay(id: string) {
  const play = items.find((item) => item.id === id);
  if (!play) throw new Error(`no play ${id}`);
  return structuredClone(play);
}

describe("parseCorePlay", () => {
  it("reads the scorer of a fumble-return TD, not the passer or receiver who lost the ball", () => {
    expect(parseCorePlay(rawPlay("4012201811401"))).toEqual({
      playId: "4012201811401",
      text: "L.J. Fort 22 Yd Fumble Return (Justin Tucker Kick)",
      isScoringPlay: true,
      scoringType: "touchdown",
      playType: "Fumble Return Touchdown",
      teamEspnId: "33",
      team: "BAL",
      scorerEspnId: "15264",
    });
  });

  it("credits the receiver of a passing TD", () => {
    expect(parseCorePlay(rawPlay("401220181869"))).toMatchObject({ scorerEspnId: "2975417", team: "BAL", scoringType: "touchdown" });
  });

  it("reads a field goal", () => {
    expect(parseCorePlay(rawPlay("401220181628"))).toMatchObject({ scorerEspnId: "15683", scoringType: "field-goal" });
  });

  it("gives no scorer when the play has no scorer participant", () => {
    const play = rawPlay("401220181869");
    play.participants = play.participants.filter((p) => p.type !== "scorer");
    expect(parseCorePlay(play).scorerEspnId).toBeNull();
  });

  it("refuses a body that is not a play", () => {
    expect(() => parseCorePlay({ error: { message: "no play" } })).toThrow(EspnFormatError);
  });
});

describe("idFromRef", () => {
  it("takes the last path segment before the query string", () => {
    expect(idFromRef("http://sports.core.api.espn.com/v2/sports/football/leagues/nfl/seasons/2020/athletes/15264?lang=en&region=us")).toBe("15264");
    expect(idFromRef("https://sports.core.api.espn.com/v2/sports/football/leagues/nfl/seasons/2020/teams/33")).toBe("33");
    expect(idFromRef("https://example.com/athletes/15264/")).toBe("15264");
    expect(idFromRef("https://example.com/athletes/?lang=en")).toBeNull();
  });
});
