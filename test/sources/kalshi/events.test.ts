import { describe, expect, it } from "vitest";
import {
  KalshiDriftError,
  kalshiEventKey,
  kalshiMarketLegs,
  parseEventTicker,
  parseKalshiEventsPage,
  parseMarketTickerLeg,
} from "../../../src/sources/kalshi/events";
import centsOnlyJson from "../../fixtures/kalshi/firsttd_events_cents_only.json?raw";
import page1Json from "../../fixtures/kalshi/firsttd_events_page1.json?raw";
import page2Json from "../../fixtures/kalshi/firsttd_events_page2.json?raw";
import page3Json from "../../fixtures/kalshi/firsttd_events_page3.json?raw";

const page1 = parseKalshiEventsPage(JSON.parse(page1Json));
const page2 = parseKalshiEventsPage(JSON.parse(page2Json));
const page3 = parseKalshiEventsPage(JSON.parse(page3Json));

function driftOf(body: unknown): KalshiDriftError {
  try {
    parseKalshiEventsPage(body);
  } catch (error) {
    if (error instanceof KalshiDriftError) return error;
    throw error;
  }
  throw new Error("expected a KalshiDriftError");
}

describe("parseEventTicker", () => {
  it("reads the US-Eastern date, away and home from the ticker", () => {
    expect(parseEventTicker("KXNFLFIRSTTD-26SEP13ATLPIT")).toEqual({
      seriesTicker: "KXNFLFIRSTTD",
      easternDate: "2026-09-13",
      kalshiAwayCode: "ATL",
      kalshiHomeCode: "PIT",
      awayCode: "ATL",
      homeCode: "PIT",
    });
  });

  it("translates Kalshi codes JAC and LAR to nflverse JAX and LA, two-letter codes included", () => {
    expect(parseEventTicker("KXNFLFIRSTTD-26SEP13CLEJAC")).toMatchObject({ awayCode: "CLE", homeCode: "JAX", kalshiHomeCode: "JAC" });
    expect(parseEventTicker("KXNFLFIRSTTD-26SEP10SFLAR")).toMatchObject({ awayCode: "SF", homeCode: "LA", kalshiHomeCode: "LAR" });
    expect(parseEventTicker("KXNFLFIRSTTD-26OCT04LACLAR")).toMatchObject({ awayCode: "LAC", homeCode: "LA" });
    expect(parseEventTicker("KXNFLFIRSTTD-26OCT04NYGNE")).toMatchObject({ awayCode: "NYG", homeCode: "NE" });
    expect(parseEventTicker("KXNFLFIRSTTD-26DEC20WSHKC")).toMatchObject({ awayCode: "WAS", homeCode: "KC", easternDate: "2026-12-20" });
  });

  it("refuses tickers without a real date or two known teams", () => {
    expect(parseEventTicker("KXNFLFIRSTTD-26SEP31ATLPIT")).toBeNull();
    expect(parseEventTicker("KXNFLFIRSTTD-26XYZ13ATLPIT")).toBeNull();
    expect(parseEventTicker("KXNFLFIRSTTD-26SEP13XXXYYY")).toBeNull();
    expect(parseEventTicker("KXNFLFIRSTTD-26SEP13ATLATL")).toBeNull();
    expect(parseEventTicker("KXNFLFIRSTTD")).toBeNull();
  });
});

describe("parseMarketTickerLeg", () => {
  const event = "KXNFLFIRSTTD-26SEP13ATLPIT";

  it("reads team, initial + surname and jersey from a player suffix", () => {
    expect(parseMarketTickerLeg(`${event}-ATLBROBINSON7`, event, ["ATL", "PIT"])).toEqual({
      suffix: "ATLBROBINSON7",
      team: "ATL",
      nameCode: "BROBINSON",
      jersey: 7,
      isDefense: false,
    });
    expect(parseMarketTickerLeg(`${event}-PITMPITTMAN11`, event, ["ATL", "PIT"])).toMatchObject({ team: "PIT", jersey: 11 });
  });

  it("reads a D/ST suffix as the team's defense", () => {
    expect(parseMarketTickerLeg(`${event}-PITPITDST`, event, ["ATL", "PIT"])).toEqual({
      suffix: "PITPITDST",
      team: "PIT",
      nameCode: null,
      jersey: null,
      isDefense: true,
    });
    expect(parseMarketTickerLeg("KXNFLFIRSTTD-26SEP13CLEJAC-JACJACDST", "KXNFLFIRSTTD-26SEP13CLEJAC", ["CLE", "JAC"])).toMatchObject({
      team: "JAX",
      isDefense: true,
    });
  });

  it("leaves a suffix without one of the event's teams unread", () => {
    expect(parseMarketTickerLeg(`${event}-NOTD`, event, ["ATL", "PIT"])).toEqual({
      suffix: "NOTD",
      team: null,
      nameCode: null,
      jersey: null,
      isDefense: false,
    });
  });
});

describe("parseKalshiEventsPage", () => {
  it("reads an event with its markets, prices as numbers from the *_dollars strings", () => {
    expect(page1.cursor).toBe("CgsIhb2YwQYQ2LGgJhIZS1hORkxGSVJTVFRELTI2U0VQMTBTRkxBUg");
    expect(page1.rejected).toEqual([]);
    const [event] = page1.events;
    expect(event).toMatchObject({
      eventTicker: "KXNFLFIRSTTD-26SEP10SFLAR",
      seriesTicker: "KXNFLFIRSTTD",
      title: "San Francisco vs Los Angeles R: 1st Touchdown",
      subTitle: "SF vs LAR (Sep 10)",
      awayCode: "SF",
      homeCode: "LA",
      easternDate: "2026-09-10",
    });
    expect(event!.markets).toHaveLength(7);
    expect(event!.markets[1]).toEqual({
      ticker: "KXNFLFIRSTTD-26SEP10SFLAR-LARPNACUA12",
      label: "Puka Nacua",
      yesBid: 0.05,
      yesAsk: 0.15,
      lastPrice: 0.12,
      // The depth at the best bid and ask (yes_bid_size_fp, yes_ask_size_fp), for the price rule.
      yesBidSize: 300,
      yesAskSize: 100000,
      volume: 410.5,
      openInterest: 410.5,
      status: "active",
      closeTime: "2026-09-12T17:00:00Z",
      expectedExpiration: "2026-09-11T03:35:00Z",
      leg: { suffix: "LARPNACUA12", team: "LA", nameCode: "PNACUA", jersey: 12, isDefense: false },
    });
  });

  it("reads D/ST and No Touchdown legs, the duplicate No Touchdown included", () => {
    const [event] = page2.events;
    expect(event!.awayCode).toBe("CLE");
    expect(event!.homeCode).toBe("JAX");
    const labels = event!.markets.map((m) => m.label);
    expect(labels).toContain("CLE Browns D/ST");
    expect(labels).toContain("JAC Jaguars D/ST");
    expect(labels.filter((label) => label === "No Touchdown")).toHaveLength(2);
  });

  it("reads an empty side's size as 0 and an absent size as null", () => {
    const kyren = page1.events[0]!.markets.find((m) => m.label === "Kyren Williams")!;
    expect([kyren.yesBid, kyren.yesBidSize, kyren.yesAsk, kyren.yesAskSize]).toEqual([0, 0, 0.14, 100000]);
    const raw = JSON.parse(page1Json);
    for (const market of raw.events[0].markets) {
      delete market.yes_bid_size_fp;
      delete market.yes_ask_size_fp;
    }
    const [first] = parseKalshiEventsPage(raw).events[0]!.markets;
    expect([first!.yesBidSize, first!.yesAskSize]).toEqual([null, null]);
  });

  it("ends on the page whose cursor is empty and rejects an event whose ticker names no teams", () => {
    expect(page2.cursor).not.toBeNull();
    expect(page3.cursor).toBeNull();
    expect(page3.events.map((e) => e.eventTicker)).toEqual(["KXNFLFIRSTTD-26SEP14DENKC"]);
    expect(page3.rejected).toEqual([{ eventTicker: "KXNFLFIRSTTD-26SEP14XXXYYY", reason: "ticker names no date and two known teams" }]);
  });

  it("refuses a page with only the old integer cent fields: drift, not zeros", () => {
    const error = driftOf(JSON.parse(centsOnlyJson));
    expect(error.problem).toBe("cent_fields_only");
    expect(error.ticker).toBe("KXNFLFIRSTTD-26SEP14DENKC-KCTKELCE87");
    expect(error.message).toMatch(/yes_bid, yes_ask, last_price/);
  });

  it("refuses a market missing one dollar field, or with a price that is not a decimal string", () => {
    const body = JSON.parse(page3Json) as { events: Array<{ markets: Array<Record<string, unknown>> }> };
    const market = body.events[0]!.markets[0]!;

    delete market["last_price_dollars"];
    expect(driftOf(body).problem).toBe("missing_price_fields");

    market["last_price_dollars"] = 0.12;
    expect(driftOf(body).problem).toBe("bad_price");

    market["last_price_dollars"] = "12";
    expect(driftOf(body).problem).toBe("bad_price");
  });

  it("refuses a body that is not an events page", () => {
    expect(driftOf({ error: { code: "not_found" } }).problem).toBe("not_an_events_page");
    expect(driftOf("<html>").problem).toBe("not_an_events_page");
  });

  it("gives the mapping its key (US-Eastern date) and legs (ticker team, jersey, name code)", () => {
    const event = page1.events[0]!;
    expect(kalshiEventKey(event)).toEqual({ awayCode: "SF", homeCode: "LA", date: "2026-09-10", dateZone: "us_eastern" });
    expect(kalshiMarketLegs(event)[0]).toMatchObject({
      marketId: "KXNFLFIRSTTD-26SEP10SFLAR-SFCMCCAFFREY23",
      label: "Christian McCaffrey",
      teamHint: "SF",
      jerseyHint: 23,
      nameCode: "CMCCAFFREY",
      volume: 950,
    });
  });
});
