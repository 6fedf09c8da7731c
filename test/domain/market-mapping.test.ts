import { describe, expect, it } from "vitest";
import {
  calendarDayWindow,
  mapLegsToPlayers,
  matchEventToGame,
  sumMappingStats,
  type AliasGroups,
  type CandidateGame,
  type MappingRosterPlayer,
  type MarketLeg,
} from "../../src/domain/market-mapping";
import { normalizePlayerName } from "../../src/domain/names";
import { kalshiEventKey, kalshiMarketLegs, parseKalshiEventsPage } from "../../src/sources/kalshi/events";
import { parsePolymarketEvents, polymarketEventKey, polymarketMarketLegs } from "../../src/sources/polymarket/events";
import kalshiPage1Json from "../fixtures/kalshi/firsttd_events_page1.json?raw";
import kalshiPage2Json from "../fixtures/kalshi/firsttd_events_page2.json?raw";
import kalshiPage3Json from "../fixtures/kalshi/firsttd_events_page3.json?raw";
import polymarketPage1Json from "../fixtures/polymarket/gamma_events_keyset_page1.json?raw";
import polymarketPage2Json from "../fixtures/polymarket/gamma_events_keyset_page2.json?raw";

const GAMES: CandidateGame[] = [
  // Thursday 20:35 ET on Sep 10 (Melbourne): Friday Sep 11 in UTC.
  { id: "2026_01_SF_LA", awayTeam: "SF", homeTeam: "LA", kickoffAt: "2026-09-11T00:35:00Z" },
  { id: "2026_01_CLE_JAX", awayTeam: "CLE", homeTeam: "JAX", kickoffAt: "2026-09-13T17:00:00Z" },
  { id: "2026_01_ATL_PIT", awayTeam: "ATL", homeTeam: "PIT", kickoffAt: "2026-09-13T17:00:00Z" },
  // Monday 20:15 ET on Sep 14: Tuesday in UTC.
  { id: "2026_01_DEN_KC", awayTeam: "DEN", homeTeam: "KC", kickoffAt: "2026-09-15T00:15:00Z" },
  // Thursday 20:15 ET on Sep 24: Friday in UTC.
  { id: "2026_03_ATL_GB", awayTeam: "ATL", homeTeam: "GB", kickoffAt: "2026-09-25T00:15:00Z" },
  // The rematch, on the day daylight time ends (a 25-hour Eastern day).
  { id: "2026_08_KC_DEN", awayTeam: "KC", homeTeam: "DEN", kickoffAt: "2026-11-01T21:25:00Z" },
  { id: "2026_14_LA_SF", awayTeam: "LA", homeTeam: "SF", kickoffAt: "2026-12-13T21:25:00Z" },
];

function player(playerId: string, fullName: string, team: string, jersey: number | null, position: string): MappingRosterPlayer {
  return { playerId, fullName, nameKey: normalizePlayerName(fullName), team, jersey, position };
}

const ROSTER: MappingRosterPlayer[] = [
  player("00-SF-CMC", "Christian McCaffrey", "SF", 23, "RB"),
  player("00-SF-BP", "Brock Purdy", "SF", 13, "QB"),
  // nflverse writes him without the suffix Kalshi uses ('Brian Robinson Jr.').
  player("00-SF-BR", "Brian Robinson", "SF", 30, "RB"),
  player("DEF-SF", "San Francisco 49ers", "SF", null, "DEF"),
  player("00-LA-PN", "Puka Nacua", "LA", 12, "WR"),
  player("00-LA-KW", "Kyren Williams", "LA", 23, "RB"),
  player("00-LA-DA", "Davante Adams", "LA", 17, "WR"),
  // Two players named Jerome Ford on one team (a running back and a cornerback).
  player("00-CLE-JF34", "Jerome Ford", "CLE", 34, "RB"),
  player("00-CLE-JF21", "Jerome Ford", "CLE", 21, "DB"),
  player("00-CLE-MW", "Mike Williams", "CLE", 2, "WR"),
  player("00-CLE-DN", "David Njoku", "CLE", 85, "TE"),
  player("00-JAX-BT", "Brian Thomas", "JAX", 7, "WR"),
  // Two Washingtons on one team, with the same first initial.
  player("00-JAX-PW11", "Parker Washington", "JAX", 11, "WR"),
  player("00-JAX-PW84", "Pat Washington", "JAX", 84, "TE"),
  player("00-JAX-MW", "Mike Williams", "JAX", 18, "WR"),
  player("00-JAX-TH", "Travis Hunter", "JAX", 12, "WR"),
  player("00-KC-TK", "Travis Kelce", "KC", 87, "TE"),
  player("00-DEN-CS", "Courtland Sutton", "DEN", 14, "WR"),
  player("00-ATL-BR", "Bijan Robinson", "ATL", 7, "RB"),
  player("00-ATL-DL", "Drake London", "ATL", 5, "WR"),
  player("00-ATL-KP", "Kyle Pitts", "ATL", 8, "TE"),
  player("00-GB-JJ", "Josh Jacobs", "GB", 8, "RB"),
];

const kalshiEvents = [kalshiPage1Json, kalshiPage2Json, kalshiPage3Json].flatMap(
  (json) => parseKalshiEventsPage(JSON.parse(json)).events,
);
const kalshiEvent = (ticker: string) => kalshiEvents.find((event) => event.eventTicker === ticker)!;

function leg(label: string, extra: Partial<MarketLeg> = {}): MarketLeg {
  return { marketId: `m-${label}-${extra.jerseyHint ?? ""}`, label, ...extra };
}

const CLE_JAX = { awayTeam: "CLE", homeTeam: "JAX" };

describe("matchEventToGame", () => {
  it("maps a Thursday-night Kalshi event by its US-Eastern date, though the kickoff's UTC date is the next day", () => {
    const key = kalshiEventKey(kalshiEvent("KXNFLFIRSTTD-26SEP10SFLAR"));
    expect(key).toMatchObject({ awayCode: "SF", homeCode: "LA", date: "2026-09-10" });
    expect(matchEventToGame(key, GAMES)).toMatchObject({ gameId: "2026_01_SF_LA", homeAwaySwapped: false });
    // The kickoff's UTC date is not the ticker's date: comparing the date strings would map the wrong day.
    expect(matchEventToGame({ ...key, date: "2026-09-11" }, GAMES)).toMatchObject({ gameId: null, reason: "date_mismatch" });
  });

  it("maps a Monday-night event and JAC to JAX", () => {
    expect(matchEventToGame(kalshiEventKey(kalshiEvent("KXNFLFIRSTTD-26SEP14DENKC")), GAMES)).toMatchObject({ gameId: "2026_01_DEN_KC" });
    expect(matchEventToGame(kalshiEventKey(kalshiEvent("KXNFLFIRSTTD-26SEP13CLEJAC")), GAMES)).toMatchObject({ gameId: "2026_01_CLE_JAX" });
  });

  it("maps a Polymarket event by the slug's UTC date and its start instant", () => {
    const [sfLa] = parsePolymarketEvents(JSON.parse(polymarketPage2Json)).events;
    expect(matchEventToGame(polymarketEventKey(sfLa!), GAMES)).toMatchObject({ gameId: "2026_01_SF_LA" });
    const [atlGb] = parsePolymarketEvents(JSON.parse(polymarketPage1Json)).events;
    const key = polymarketEventKey(atlGb!);
    expect(matchEventToGame(key, GAMES)).toMatchObject({ gameId: "2026_03_ATL_GB" });
    // The Eastern date of that game is the 24th, which is not the slug's.
    expect(matchEventToGame({ ...key, date: "2026-09-24", startsAt: null }, GAMES)).toMatchObject({ reason: "date_mismatch" });
    // A start instant a day off (a postponed game) does not map on the date alone.
    expect(matchEventToGame({ ...key, startsAt: "2026-09-25T23:15:00Z" }, GAMES)).toMatchObject({ reason: "date_mismatch" });
  });

  it("tells the rematch apart, on a 25-hour Eastern day", () => {
    expect(calendarDayWindow("2026-11-01", "us_eastern")).toEqual({ from: "2026-11-01T04:00:00Z", to: "2026-11-02T05:00:00Z" });
    const key = { awayCode: "KC", homeCode: "DEN", date: "2026-11-01", dateZone: "us_eastern" as const };
    expect(matchEventToGame(key, GAMES)).toMatchObject({ gameId: "2026_08_KC_DEN" });
  });

  it("accepts home and away swapped (neutral sites) and says so", () => {
    const key = { awayCode: "LAR", homeCode: "SF", date: "2026-09-10", dateZone: "us_eastern" as const };
    expect(matchEventToGame(key, GAMES)).toMatchObject({ gameId: "2026_01_SF_LA", homeAwaySwapped: true });
  });

  it("never guesses: unknown teams, no game, two games", () => {
    const base = { date: "2026-09-13", dateZone: "us_eastern" as const };
    expect(matchEventToGame({ ...base, awayCode: "XXX", homeCode: "PIT" }, GAMES)).toMatchObject({ reason: "unknown_team" });
    expect(matchEventToGame({ ...base, awayCode: "NYJ", homeCode: "TEN" }, GAMES)).toMatchObject({ reason: "no_game" });
    const twice = [...GAMES, { id: "dup", awayTeam: "ATL", homeTeam: "PIT", kickoffAt: "2026-09-13T20:25:00Z" }];
    expect(matchEventToGame({ ...base, awayCode: "ATL", homeCode: "PIT" }, twice)).toMatchObject({ reason: "ambiguous" });
  });
});

describe("mapLegsToPlayers on Kalshi events", () => {
  it("maps every leg of an event without a No Touchdown leg: suffix Jr., D/ST legs, LAR", () => {
    const event = kalshiEvent("KXNFLFIRSTTD-26SEP10SFLAR");
    const mapping = mapLegsToPlayers(kalshiMarketLegs(event), { awayTeam: "SF", homeTeam: "LA" }, ROSTER);
    expect(mapping.mapped.map((m) => [m.leg.label, m.target])).toEqual([
      ["Christian McCaffrey", { kind: "player", playerId: "00-SF-CMC", team: "SF", matchedBy: "name" }],
      ["Puka Nacua", { kind: "player", playerId: "00-LA-PN", team: "LA", matchedBy: "name" }],
      ["Kyren Williams", { kind: "player", playerId: "00-LA-KW", team: "LA", matchedBy: "name" }],
      ["Brian Robinson Jr.", { kind: "player", playerId: "00-SF-BR", team: "SF", matchedBy: "name" }],
      ["Davante Adams", { kind: "player", playerId: "00-LA-DA", team: "LA", matchedBy: "name" }],
      ["SF 49ers D/ST", { kind: "defense", playerId: "DEF-SF", team: "SF" }],
      ["LAR Rams D/ST", { kind: "defense", playerId: "DEF-LA", team: "LA" }],
    ]);
    expect(mapping.mapped.some((m) => m.target.kind === "no_td")).toBe(false);
    expect(mapping.stats).toEqual({
      legs: 7,
      mapped: 7,
      unmapped: 0,
      unmappedByReason: { unrecognized: 0, no_player: 0, ambiguous: 0, team_not_in_game: 0, team_mismatch: 0 },
      duplicates: 0,
    });
  });

  it("keeps one of two No Touchdown legs and reports the other; disambiguates by team and jersey", () => {
    const event = kalshiEvent("KXNFLFIRSTTD-26SEP13CLEJAC");
    const mapping = mapLegsToPlayers(kalshiMarketLegs(event), CLE_JAX, ROSTER);
    const targetOf = (label: string) => mapping.mapped.find((m) => m.leg.label === label)?.target;

    expect(targetOf("Brian Thomas Jr.")).toMatchObject({ playerId: "00-JAX-BT" });
    // Same surname and initial on one team: the full name decides, or else the ticker's jersey.
    expect(targetOf("Parker Washington")).toMatchObject({ playerId: "00-JAX-PW11", matchedBy: "name" });
    expect(targetOf("PJ Washington")).toMatchObject({ playerId: "00-JAX-PW84", matchedBy: "ticker" });
    // Same full name twice on one team: the ticker's jersey (34) decides.
    expect(targetOf("Jerome Ford")).toMatchObject({ playerId: "00-CLE-JF34", matchedBy: "name" });
    // Same full name on both teams: the ticker's team (CLE) decides.
    expect(targetOf("Mike Williams")).toMatchObject({ playerId: "00-CLE-MW" });
    expect(targetOf("CLE Browns D/ST")).toEqual({ kind: "defense", playerId: "DEF-CLE", team: "CLE" });
    expect(targetOf("JAC Jaguars D/ST")).toEqual({ kind: "defense", playerId: "DEF-JAX", team: "JAX" });

    const noTd = mapping.mapped.filter((m) => m.target.kind === "no_td");
    expect(noTd.map((m) => m.leg.marketId)).toEqual(["KXNFLFIRSTTD-26SEP13CLEJAC-NOTD"]);
    expect(mapping.duplicates).toEqual([
      expect.objectContaining({ keptMarketId: "KXNFLFIRSTTD-26SEP13CLEJAC-NOTD", target: { kind: "no_td" } }),
    ]);
    expect(mapping.duplicates[0]!.leg.marketId).toBe("KXNFLFIRSTTD-26SEP13CLEJAC-NOTD2");

    expect(mapping.unmapped.map((u) => [u.leg.label, u.reason])).toEqual([["Quinshon Judkins", "no_player"]]);
    expect(mapping.stats).toMatchObject({ legs: 10, mapped: 8, unmapped: 1, duplicates: 1 });
    expect(mapping.stats.unmappedByReason.no_player).toBe(1);
  });

  it("maps the one No Touchdown leg of an event that has one", () => {
    const event = kalshiEvent("KXNFLFIRSTTD-26SEP14DENKC");
    const mapping = mapLegsToPlayers(kalshiMarketLegs(event), { awayTeam: "DEN", homeTeam: "KC" }, ROSTER);
    expect(mapping.mapped.map((m) => m.target.kind)).toEqual(["player", "player", "defense", "no_td"]);
    expect(mapping.duplicates).toEqual([]);
  });
});

describe("mapLegsToPlayers: never guessed", () => {
  it("leaves a name that fits two players ambiguous when nothing tells them apart (Polymarket: no team, no jersey)", () => {
    const mapping = mapLegsToPlayers([leg("Jerome Ford"), leg("Mike Williams")], CLE_JAX, ROSTER);
    expect(mapping.unmapped.map((u) => u.reason)).toEqual(["ambiguous", "ambiguous"]);
    expect(mapping.unmapped[0]!.detail).toContain("00-CLE-JF34");
    // A jersey that fits neither Jerome Ford does not pick one.
    const wrongJersey = mapLegsToPlayers([leg("Jerome Ford", { teamHint: "CLE", jerseyHint: 99 })], CLE_JAX, ROSTER);
    expect(wrongJersey.unmapped[0]!.reason).toBe("ambiguous");
  });

  it("needs team, jersey and initial + surname together when the name itself fits nobody", () => {
    const byTicker = (jerseyHint: number | null, nameCode: string) =>
      mapLegsToPlayers([leg("P. Washington", { teamHint: "JAC", jerseyHint, nameCode })], CLE_JAX, ROSTER);
    expect(byTicker(11, "PWASHINGTON").mapped[0]!.target).toMatchObject({ playerId: "00-JAX-PW11", matchedBy: "ticker" });
    expect(byTicker(null, "PWASHINGTON").unmapped[0]!.reason).toBe("no_player");
    expect(byTicker(99, "PWASHINGTON").unmapped[0]!.reason).toBe("no_player");
    // Jersey 84 is Pat Washington's, but the code names someone else.
    expect(byTicker(84, "TSMITH").unmapped[0]!.reason).toBe("no_player");
  });

  it("refuses a player on the other team than the market says, and a team not in the game", () => {
    const mapping = mapLegsToPlayers(
      [
        leg("Travis Hunter", { teamHint: "CLE" }),
        leg("Garrett Wilson", { teamHint: "NYJ" }),
        leg("NYJ Jets D/ST"),
        leg("JAC Jaguars D/ST", { teamHint: "CLE" }),
        leg("Jets Defense"),
      ],
      CLE_JAX,
      ROSTER,
    );
    expect(mapping.unmapped.map((u) => [u.leg.label, u.reason])).toEqual([
      ["Travis Hunter", "team_mismatch"],
      ["Garrett Wilson", "team_not_in_game"],
      ["NYJ Jets D/ST", "team_not_in_game"],
      ["JAC Jaguars D/ST", "team_mismatch"],
      ["Jets Defense", "team_not_in_game"],
    ]);
    expect(mapping.stats.unmappedByReason).toMatchObject({ team_mismatch: 2, team_not_in_game: 3 });
  });

  it("reads defense labels in the forms the sources use, and never matches the DEF pseudo-player by name", () => {
    const game = { awayTeam: "SF", homeTeam: "LA" };
    const mapping = mapLegsToPlayers(
      [leg("49ers D/ST"), leg("Los Angeles Rams Defense"), leg("D/ST", { teamHint: "LAR" }), leg("San Francisco 49ers")],
      game,
      ROSTER,
    );
    expect(mapping.mapped.map((m) => m.target)).toEqual([
      { kind: "defense", playerId: "DEF-SF", team: "SF" },
      { kind: "defense", playerId: "DEF-LA", team: "LA" },
    ]);
    expect(mapping.duplicates).toHaveLength(1);
    expect(mapping.unmapped.map((u) => [u.leg.label, u.reason])).toEqual([["San Francisco 49ers", "no_player"]]);
  });

  it("keeps the duplicate with more volume, and reports an empty label as unrecognized", () => {
    const mapping = mapLegsToPlayers(
      [
        { marketId: "a", label: "No Touchdown", volume: 0 },
        { marketId: "b", label: "no touchdown", volume: 40 },
        { marketId: "c", label: "  " },
      ],
      CLE_JAX,
      ROSTER,
    );
    expect(mapping.mapped.map((m) => m.leg.marketId)).toEqual(["b"]);
    expect(mapping.duplicates).toEqual([{ leg: { marketId: "a", label: "No Touchdown", volume: 0 }, keptMarketId: "b", target: { kind: "no_td" } }]);
    expect(mapping.unmapped.map((u) => u.reason)).toEqual(["unrecognized"]);
  });

  it("maps Polymarket first-TD legs by name alone, suffix Sr. included", () => {
    const [atlGb] = parsePolymarketEvents(JSON.parse(polymarketPage1Json)).events;
    const mapping = mapLegsToPlayers(polymarketMarketLegs(atlGb!, "first_td"), { awayTeam: "ATL", homeTeam: "GB" }, ROSTER);
    expect(mapping.mapped.map((m) => (m.target.kind === "no_td" ? "NO_TD" : m.target.playerId))).toEqual([
      "00-ATL-BR",
      "00-GB-JJ",
      "00-ATL-DL",
      "00-ATL-KP",
      "DEF-GB",
      "NO_TD",
    ]);
    expect(mapping.stats.unmapped).toBe(0);
  });

  it("sums the stats of several events", () => {
    const all = kalshiEvents.map((event) => {
      const match = matchEventToGame(kalshiEventKey(event), GAMES);
      if (match.gameId === null) throw new Error(match.detail);
      return mapLegsToPlayers(kalshiMarketLegs(event), match.game, ROSTER).stats;
    });
    expect(sumMappingStats(all)).toMatchObject({ legs: 21, mapped: 19, unmapped: 1, duplicates: 1 });
  });
});

describe("mapLegsToPlayers with nflverse's alias list", () => {
  const BUF_HOU = { awayTeam: "BUF", homeTeam: "HOU" };
  const roster: MappingRosterPlayer[] = [
    // The 2025 roster spells the list's alt name for Davis and its correct name for Dell.
    player("00-BUF-GD", "Gabe Davis", "BUF", 13, "WR"),
    player("00-BUF-JB", "Jon Brown", "BUF", 20, "RB"),
    player("00-HOU-TD", "Tank Dell", "HOU", 3, "WR"),
    player("00-HOU-JNB", "Jonathan Brown", "HOU", 41, "DB"),
    // Another team's player with a name of the Davis group: never a candidate for BUF @ HOU.
    player("00-JAX-GD", "Gabriel Davis", "JAX", 84, "WR"),
  ];
  // As services/player-names.ts loads them (clean_player_names.csv: 'Gabriel Davis,Gabe Davis', 'Tank Dell,Nathaniel Dell',
  // 'Jon Brown,Jonathan Brown').
  const groups: AliasGroups = new Map([
    ["gabe davis", ["gabe davis", "gabriel davis"]],
    ["gabriel davis", ["gabe davis", "gabriel davis"]],
    ["nathaniel dell", ["nathaniel dell", "tank dell"]],
    ["tank dell", ["nathaniel dell", "tank dell"]],
    ["jon brown", ["jon brown", "jonathan brown"]],
    ["jonathan brown", ["jon brown", "jonathan brown"]],
  ]);

  it("maps a leg spelled as the list's correct name to the roster's alt spelling, and the other way round", () => {
    const mapping = mapLegsToPlayers([leg("Gabriel Davis"), leg("Nathaniel Dell"), leg("Gabe Davis"), leg("Tank Dell Jr.")], BUF_HOU, roster, groups);
    expect(mapping.mapped.map((m) => [m.leg.label, m.target])).toEqual([
      ["Gabriel Davis", { kind: "player", playerId: "00-BUF-GD", team: "BUF", matchedBy: "alias" }],
      ["Nathaniel Dell", { kind: "player", playerId: "00-HOU-TD", team: "HOU", matchedBy: "alias" }],
    ]);
    // The roster's own spellings are the same players: duplicates of the outcomes above.
    expect(mapping.duplicates.map((d) => [d.leg.label, d.keptMarketId])).toEqual([
      ["Gabe Davis", "m-Gabriel Davis-"],
      ["Tank Dell Jr.", "m-Nathaniel Dell-"],
    ]);
    expect(mapping.unmapped).toEqual([]);
  });

  it("without the list, the other spelling fits nobody (as before)", () => {
    const mapping = mapLegsToPlayers([leg("Gabriel Davis"), leg("Nathaniel Dell")], BUF_HOU, roster);
    expect(mapping.unmapped.map((u) => [u.leg.label, u.reason])).toEqual([
      ["Gabriel Davis", "no_player"],
      ["Nathaniel Dell", "no_player"],
    ]);
  });

  it("still maps only when one player of the two teams fits the whole group", () => {
    // 'Jon Brown' is BUF's name and an alias of HOU's 'Jonathan Brown': both fit, nothing tells them apart.
    const mapping = mapLegsToPlayers([leg("Jon Brown"), leg("Jonathan Brown")], BUF_HOU, roster, groups);
    expect(mapping.unmapped.map((u) => [u.leg.label, u.reason])).toEqual([
      ["Jon Brown", "ambiguous"],
      ["Jonathan Brown", "ambiguous"],
    ]);
    expect(mapping.unmapped[0]!.detail).toContain("00-HOU-JNB");
    // A ticker's team decides, as it does between two players of one name.
    const byTeam = mapLegsToPlayers([leg("Jon Brown", { teamHint: "HOU" })], BUF_HOU, roster, groups);
    expect(byTeam.mapped[0]!.target).toEqual({ kind: "player", playerId: "00-HOU-JNB", team: "HOU", matchedBy: "alias" });
  });

  it("never reaches a player outside the game's two teams, and keeps the ticker's team check", () => {
    const jaxGame = { awayTeam: "JAX", homeTeam: "HOU" };
    expect(mapLegsToPlayers([leg("Gabe Davis")], jaxGame, roster, groups).mapped[0]!.target).toMatchObject({ playerId: "00-JAX-GD", matchedBy: "alias" });
    const mismatch = mapLegsToPlayers([leg("Gabriel Davis", { teamHint: "HOU" })], BUF_HOU, roster, groups);
    expect(mismatch.unmapped.map((u) => [u.reason, u.detail])).toEqual([["team_mismatch", "'Gabriel Davis' is on BUF in the roster, HOU in the market"]]);
  });
});
