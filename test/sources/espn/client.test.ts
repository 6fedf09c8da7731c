import { describe, expect, it } from "vitest";
import { EspnClient } from "../../../src/sources/espn/client";
import { pathSegment, type Fetcher } from "../../../src/sources/http";
import { nflverseRosterUrl } from "../../../src/sources/nflverse/client";
import corePlaysJson from "../../fixtures/espn/core_scoring_plays_401220181_excerpt.json?raw";

const SITE = "https://site.api.espn.test";
const CORE = "https://core.api.espn.test";
const aPlay = (JSON.parse(corePlaysJson) as { items: unknown[] }).items[0];

/** An ESPN client whose fetch records the URLs asked for and answers every one with a real core play. */
function recordingClient() {
  const requested: string[] = [];
  const fetcher: Fetcher = async (input) => {
    requested.push(String(input));
    return new Response(JSON.stringify(aPlay), { headers: { "content-type": "application/json" } });
  };
  return { client: new EspnClient(SITE, CORE, { fetcher, attempts: 1 }), requested };
}

/** The path of a requested URL as fetch resolves it, in decoded segments. */
function segments(url: string): string[] {
  return new URL(url).pathname.split("/").slice(1).map(decodeURIComponent);
}

describe("ESPN client: ids from data are path segments, never path syntax", () => {
  it("an event id with '/', '?', '#' and '..' inside stays one segment, in both places; so does the play id", async () => {
    const { client, requested } = recordingClient();
    const eventId = "401/../../athletes/1?x=1#y";
    const playId = "7/../plays?limit=1000";
    await client.play(eventId, playId);
    expect(requested).toHaveLength(1);
    const url = new URL(requested[0]!);
    expect(url.origin).toBe(CORE);
    expect(url.search).toBe("");
    expect(url.hash).toBe("");
    expect(segments(requested[0]!)).toEqual(["v2", "sports", "football", "leagues", "nfl", "events", eventId, "competitions", eventId, "plays", playId]);
    expect(requested[0]).toBe(
      `${CORE}/v2/sports/football/leagues/nfl/events/401%2F..%2F..%2Fathletes%2F1%3Fx%3D1%23y/competitions/401%2F..%2F..%2Fathletes%2F1%3Fx%3D1%23y/plays/7%2F..%2Fplays%3Flimit%3D1000`,
    );
  });

  it("an id that is '..', '.' or empty (which no encoding keeps from moving the path) is refused, and nothing is requested", async () => {
    const { client, requested } = recordingClient();
    for (const [eventId, playId] of [["..", "1"], ["401", ".."], [".", "1"], ["", "1"], ["401", ""]] as const) {
      await expect(client.play(eventId, playId)).rejects.toThrow(RangeError);
    }
    expect(requested).toEqual([]);
    // Encoding does not help: a URL parser reads %2E%2E as '..'.
    expect(new URL(`${CORE}/a/%2E%2E/b`).pathname).toBe("/b");
  });

  it("ordinary ids are unchanged", async () => {
    const { client, requested } = recordingClient();
    await client.play("401220181", "4012201811401");
    expect(requested).toEqual([`${CORE}/v2/sports/football/leagues/nfl/events/401220181/competitions/401220181/plays/4012201811401`]);
  });

  it("the summary's event id is a query value: '&' and '#' do not add parameters", async () => {
    const requested: string[] = [];
    const fetcher: Fetcher = async (input) => {
      requested.push(String(input));
      return new Response("{}", { headers: { "content-type": "application/json" } });
    };
    await new EspnClient(SITE, CORE, { fetcher, attempts: 1 }).summary("401&event=1#x").catch(() => {});
    expect([...new URL(requested[0]!).searchParams]).toEqual([["event", "401&event=1#x"]]);
  });
});

describe("pathSegment", () => {
  it("percent-encodes everything that is path syntax and keeps dots inside a longer segment", () => {
    expect(pathSegment("a/b?c#d%e f")).toBe("a%2Fb%3Fc%23d%25e%20f");
    expect(pathSegment("roster_2025.csv")).toBe("roster_2025.csv");
    expect(pathSegment("...")).toBe("...");
    expect(pathSegment(2025)).toBe("2025");
  });

  it("nflverse's roster file name: the season is inside one segment", () => {
    expect(nflverseRosterUrl("https://github.com/nflverse", 2025)).toBe(
      "https://github.com/nflverse/nflverse-data/releases/download/rosters/roster_2025.csv",
    );
  });
});
