import { describe, expect, it } from "vitest";
import { EspnFormatError } from "../../../src/sources/espn/format-error";
import { toGameStatus } from "../../../src/sources/espn/game-status";
import { parseScoreboard, type ScoreboardEvent } from "../../../src/sources/espn/scoreboard";
import scoreboardJson from "../../fixtures/espn/scoreboard_2022_week11_excerpt.json?raw";

type RawEvent = { id: string; competitions: { status: { type: Record<string, unknown> }; competitors: { team: { abbreviation: string; id: string } }[] }[] };

const scoreboard = () => JSON.parse(scoreboardJson) as { events: RawEvent[] };

function eventById(events: ScoreboardEvent[], id: string): ScoreboardEvent {
  const event = events.find((e) => e.espnEventId === id);
  if (!event) throw new Error(`no event ${id}`);
  return event;
}

describe("parseScoreboard", () => {
  const { events, rejected } = parseScoreboard(scoreboard());

  it("reads scheduled, in-progress and final games together", () => {
    expect(rejected).toEqual([]);
    expect(events.map((e) => [e.espnEventId, e.status])).toEqual([
      ["401437851", "in_progress"],
      ["401437848", "in_progress"],
      ["401437853", "scheduled"],
      ["401437844", "final"],
    ]);
  });

  it("maps ESPN team codes to nflverse codes and string scores to integers", () => {
    expect(eventById(events, "401437851")).toEqual({
      espnEventId: "401437851",
      kickoffAt: "2022-11-20T18:00:00Z",
      status: "in_progress",
      homeTeam: "NO",
      awayTeam: "LA",
      homeScore: 10,
      awayScore: 7,
      season: 2022,
      seasonType: 2,
      week: 11,
    });
    expect(eventById(events, "401437848")).toMatchObject({ homeTeam: "HOU", awayTeam: "WAS", homeScore: 0, awayScore: 14 });
  });

  it("reads a final score and gives no score to a game not started (ESPN sends '0')", () => {
    expect(eventById(events, "401437844")).toMatchObject({ homeTeam: "GB", awayTeam: "TEN", homeScore: 17, awayScore: 27 });
    expect(eventById(events, "401437853")).toMatchObject({
      kickoffAt: "2022-11-20T21:05:00Z",
      homeTeam: "DEN",
      awayTeam: "LV",
      homeScore: null,
      awayScore: null,
    });
  });

  it("reads postponed and canceled games", () => {
    const body = scoreboard();
    body.events[2]!.competitions[0]!.status.type = { name: "STATUS_POSTPONED", state: "post", completed: false };
    body.events[3]!.competitions[0]!.status.type = { name: "STATUS_CANCELED", state: "post", completed: false };
    const statuses = parseScoreboard(body).events.map((e) => e.status);
    expect(statuses.slice(2)).toEqual(["postponed", "canceled"]);
  });

  it("rejects an event that is not between two NFL teams (Pro Bowl) and keeps the others", () => {
    const body = scoreboard();
    const [home, away] = body.events[0]!.competitions[0]!.competitors;
    home!.team = { abbreviation: "NFC", id: "32" };
    away!.team = { abbreviation: "AFC", id: "31" };
    const { events: read, rejected: refused } = parseScoreboard(body);
    expect(read).toHaveLength(3);
    expect(refused).toEqual([{ espnEventId: "401437851", reason: "not two NFL teams: AFC at NFC" }]);
  });

  it("rejects an event without competitions", () => {
    const body = scoreboard();
    body.events[1]!.competitions = [];
    expect(parseScoreboard(body).rejected).toEqual([
      { espnEventId: "401437848", reason: "unexpected shape at competitions" },
    ]);
  });

  it("refuses a body that is not a scoreboard", () => {
    expect(() => parseScoreboard({ code: 404, message: "Not Found" })).toThrow(EspnFormatError);
    expect(() => parseScoreboard("<html></html>")).toThrow(EspnFormatError);
  });
});

describe("toGameStatus", () => {
  it("maps ESPN status names first, then the state", () => {
    expect(toGameStatus({ name: "STATUS_SCHEDULED", state: "pre", completed: false })).toBe("scheduled");
    expect(toGameStatus({ name: "STATUS_HALFTIME", state: "in", completed: false })).toBe("in_progress");
    expect(toGameStatus({ name: "STATUS_END_PERIOD", state: "in", completed: false })).toBe("in_progress");
    expect(toGameStatus({ name: "STATUS_FINAL", state: "post", completed: true })).toBe("final");
    expect(toGameStatus({ name: "STATUS_POSTPONED", state: "post", completed: false })).toBe("postponed");
    expect(toGameStatus({ name: "STATUS_CANCELED", state: "post", completed: false })).toBe("canceled");
  });

  it("never calls a game final that ESPN does not say is completed", () => {
    expect(toGameStatus({ name: "STATUS_SUSPENDED", state: "post", completed: false })).toBe("in_progress");
    expect(toGameStatus({ name: "STATUS_SOMETHING_NEW", state: "post", completed: true })).toBe("final");
  });
});
