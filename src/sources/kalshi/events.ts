import { z } from "zod";
import type { MarketEventKey, MarketLeg } from "../../domain/market-mapping";
import { toTeamCode } from "../../domain/teams";

/**
 * Kalshi `GET /events?series_ticker=KXNFLFIRSTTD&status=open&with_nested_markets=true`: one event per game
 * (ticker KXNFLFIRSTTD-26SEP13ATLPIT: US-Eastern date, away, home in Kalshi codes), one market per outcome.
 * Prices are decimal strings in `*_dollars`, sizes in `*_fp`; the integer cent fields were removed in Jan 2026.
 */

export type KalshiDriftProblem = "not_an_events_page" | "cent_fields_only" | "missing_price_fields" | "bad_price";

/**
 * The payload no longer has the shape this parser reads (the cent fields back, the dollar fields gone, prices
 * that are not decimals). The sync must abort rather than store prices read as zeros or nulls.
 */
export class KalshiDriftError extends Error {
  override readonly name = "KalshiDriftError";
  constructor(
    readonly problem: KalshiDriftProblem,
    message: string,
    readonly ticker?: string,
  ) {
    super(message);
  }
}

/** What a market's ticker suffix says: ...-ATLBROBINSON7 -> ATL, 'BROBINSON', 7; ...-PITPITDST -> PIT defense. */
export interface KalshiTickerLeg {
  /** The text after the event ticker. */
  suffix: string;
  /** nflverse code of the team prefix, when the suffix starts with one of the event's two teams. */
  team: string | null;
  /** First initial + surname in capitals ('BROBINSON'); null for defense legs and unrecognized suffixes. */
  nameCode: string | null;
  jersey: number | null;
  isDefense: boolean;
}

export interface KalshiMarket {
  ticker: string;
  /** yes_sub_title (or subtitle): the player, 'No Touchdown' or '<Team> D/ST'. */
  label: string;
  yesBid: number;
  yesAsk: number;
  lastPrice: number;
  /** Contracts resting at the best bid / ask (yes_bid_size_fp, yes_ask_size_fp; 0 on an empty side), null when absent. */
  yesBidSize: number | null;
  yesAskSize: number | null;
  /** Contracts traded (volume_fp), null when absent. */
  volume: number | null;
  openInterest: number | null;
  status: string;
  closeTime: string | null;
  expectedExpiration: string | null;
  leg: KalshiTickerLeg;
}

export interface KalshiEvent {
  eventTicker: string;
  seriesTicker: string;
  title: string;
  subTitle?: string;
  /** nflverse codes. */
  awayCode: string;
  homeCode: string;
  /** The codes as the ticker writes them (JAC, LAR). */
  kalshiAwayCode: string;
  kalshiHomeCode: string;
  /** US-Eastern calendar date of the game, from the ticker. */
  easternDate: string;
  markets: KalshiMarket[];
}

export interface RejectedKalshiEvent {
  eventTicker?: string;
  reason: string;
}

export interface KalshiEventsPage {
  events: KalshiEvent[];
  rejected: RejectedKalshiEvent[];
  /** The cursor of the next page; null on the last page (Kalshi sends ""). */
  cursor: string | null;
}

const pageSchema = z.object({ events: z.array(z.unknown()), cursor: z.string().nullish() });

const eventSchema = z.object({
  event_ticker: z.string(),
  series_ticker: z.string().optional(),
  title: z.string().optional(),
  sub_title: z.string().optional(),
  markets: z.array(z.unknown()).nullish(),
});

const marketSchema = z.object({
  ticker: z.string(),
  yes_sub_title: z.string().optional(),
  subtitle: z.string().optional(),
  title: z.string().optional(),
  status: z.string().optional(),
  close_time: z.string().nullish(),
  expected_expiration_time: z.string().nullish(),
  volume_fp: z.string().nullish(),
  yes_bid_size_fp: z.string().nullish(),
  yes_ask_size_fp: z.string().nullish(),
  open_interest_fp: z.string().nullish(),
});

const PRICE_FIELDS = ["yes_bid_dollars", "yes_ask_dollars", "last_price_dollars"] as const;
const CENT_FIELDS = ["yes_bid", "yes_ask", "last_price"] as const;
const DECIMAL = /^\d+(?:\.\d+)?$/;

const MONTHS: Readonly<Record<string, string>> = {
  JAN: "01", FEB: "02", MAR: "03", APR: "04", MAY: "05", JUN: "06",
  JUL: "07", AUG: "08", SEP: "09", OCT: "10", NOV: "11", DEC: "12",
};

const EVENT_TICKER = /^([A-Z0-9]+)-(\d{2})([A-Z]{3})(\d{2})([A-Z]{4,6})$/;

export interface KalshiEventTicker {
  seriesTicker: string;
  easternDate: string;
  kalshiAwayCode: string;
  kalshiHomeCode: string;
  awayCode: string;
  homeCode: string;
}

/** Every split of 'ATLPIT' into two codes of different known teams: [['ATL', 'PIT']]. */
function teamSplits(teams: string): Array<[string, string]> {
  const splits: Array<[string, string]> = [];
  for (let at = 2; at <= 3; at++) {
    const away = teams.slice(0, at);
    const home = teams.slice(at);
    if (home.length < 2 || home.length > 3) continue;
    const awayCode = toTeamCode(away);
    const homeCode = toTeamCode(home);
    if (awayCode && homeCode && awayCode !== homeCode) splits.push([away, home]);
  }
  return splits;
}

/**
 * KXNFLFIRSTTD-26SEP13ATLPIT -> 2026-09-13, ATL @ PIT; null when the ticker is not of that form. When the
 * teams split two ways, the event's sub_title ('ATL vs PIT (Sep 13)') decides.
 */
export function parseEventTicker(eventTicker: string, subTitle?: string): KalshiEventTicker | null {
  const match = EVENT_TICKER.exec(eventTicker);
  if (!match) return null;
  const [, seriesTicker, yy, mon, dd, teams] = match as unknown as [string, string, string, string, string, string];
  const month = MONTHS[mon];
  if (!month) return null;
  const easternDate = `20${yy}-${month}-${dd}`;
  const asDate = new Date(`${easternDate}T00:00:00Z`);
  if (Number.isNaN(asDate.getTime()) || asDate.toISOString().slice(0, 10) !== easternDate) return null;

  let splits = teamSplits(teams);
  if (splits.length > 1 && subTitle) {
    const words = subTitle.toUpperCase().split(/[^A-Z]+/);
    splits = splits.filter(([away, home]) => words.includes(away) && words.includes(home));
  }
  if (splits.length !== 1) return null;
  const [kalshiAwayCode, kalshiHomeCode] = splits[0]!;
  return {
    seriesTicker,
    easternDate,
    kalshiAwayCode,
    kalshiHomeCode,
    awayCode: toTeamCode(kalshiAwayCode)!,
    homeCode: toTeamCode(kalshiHomeCode)!,
  };
}

/** The suffix of a market ticker, read against the event's two Kalshi team codes. */
export function parseMarketTickerLeg(ticker: string, eventTicker: string, kalshiTeamCodes: readonly string[]): KalshiTickerLeg {
  const suffix = ticker.startsWith(`${eventTicker}-`) ? ticker.slice(eventTicker.length + 1) : (ticker.split("-").pop() ?? "");
  const unknown: KalshiTickerLeg = { suffix, team: null, nameCode: null, jersey: null, isDefense: false };
  // Longest code first, so that a code that starts another (LA, LAC) does not take its letters.
  const prefix = [...kalshiTeamCodes].sort((a, b) => b.length - a.length).find((code) => suffix.startsWith(code));
  if (!prefix) return unknown;
  const team = toTeamCode(prefix);
  const rest = /^([A-Z]+?)(\d+)?$/.exec(suffix.slice(prefix.length));
  if (!team || !rest) return { ...unknown, team };
  const letters = rest[1]!;
  const jersey = rest[2] === undefined ? null : Number(rest[2]);
  if (letters.endsWith("DST") && (letters === "DST" || toTeamCode(letters.slice(0, -3)) === team)) {
    return { suffix, team, nameCode: null, jersey: null, isDefense: true };
  }
  return { suffix, team, nameCode: letters, jersey, isDefense: false };
}

function readDecimal(raw: Record<string, unknown>, field: string, ticker: string): number {
  const value = raw[field];
  if (typeof value !== "string" || !DECIMAL.test(value.trim())) {
    throw new KalshiDriftError("bad_price", `market ${ticker}: ${field} is not a decimal string (${JSON.stringify(value)})`, ticker);
  }
  const price = Number(value);
  if (field.endsWith("_dollars") && price > 1) {
    throw new KalshiDriftError("bad_price", `market ${ticker}: ${field} ${value} is above 1 dollar`, ticker);
  }
  return price;
}

function readOptionalDecimal(value: string | null | undefined): number | null {
  if (value === null || value === undefined || !DECIMAL.test(value.trim())) return null;
  return Number(value);
}

/** Throws KalshiDriftError when the market's prices are not the `*_dollars` strings. */
function assertDollarPrices(raw: Record<string, unknown>, ticker: string): void {
  const missing = PRICE_FIELDS.filter((field) => raw[field] === undefined || raw[field] === null);
  if (missing.length === 0) return;
  const hasCents = CENT_FIELDS.some((field) => typeof raw[field] === "number");
  if (missing.length === PRICE_FIELDS.length && hasCents) {
    throw new KalshiDriftError(
      "cent_fields_only",
      `market ${ticker} has the old integer cent fields (${CENT_FIELDS.join(", ")}) and none of ${PRICE_FIELDS.join(", ")}`,
      ticker,
    );
  }
  throw new KalshiDriftError("missing_price_fields", `market ${ticker} lacks ${missing.join(", ")}`, ticker);
}

function labelOf(market: z.infer<typeof marketSchema>): string {
  const label = market.yes_sub_title?.trim() || market.subtitle?.trim();
  if (label) return label;
  // 'Bijan Robinson: 1st Touchdown'
  return market.title?.replace(/:\s*1st touchdown\s*$/i, "").trim() ?? "";
}

function readMarket(rawMarket: unknown, event: { eventTicker: string; kalshiTeamCodes: string[] }): KalshiMarket {
  const parsed = marketSchema.safeParse(rawMarket);
  if (!parsed.success) {
    throw new KalshiDriftError("not_an_events_page", `event ${event.eventTicker}: a market without a ticker`);
  }
  const market = parsed.data;
  const raw = rawMarket as Record<string, unknown>;
  assertDollarPrices(raw, market.ticker);
  return {
    ticker: market.ticker,
    label: labelOf(market),
    yesBid: readDecimal(raw, "yes_bid_dollars", market.ticker),
    yesAsk: readDecimal(raw, "yes_ask_dollars", market.ticker),
    lastPrice: readDecimal(raw, "last_price_dollars", market.ticker),
    yesBidSize: readOptionalDecimal(market.yes_bid_size_fp),
    yesAskSize: readOptionalDecimal(market.yes_ask_size_fp),
    volume: readOptionalDecimal(market.volume_fp),
    openInterest: readOptionalDecimal(market.open_interest_fp),
    status: market.status ?? "",
    closeTime: market.close_time ?? null,
    expectedExpiration: market.expected_expiration_time ?? null,
    leg: parseMarketTickerLeg(market.ticker, event.eventTicker, event.kalshiTeamCodes),
  };
}

/**
 * One page of `/events` with nested markets. Events whose ticker is not a game's are returned in `rejected`;
 * a market whose prices are not the `*_dollars` strings throws KalshiDriftError for the whole page.
 */
export function parseKalshiEventsPage(body: unknown): KalshiEventsPage {
  const page = pageSchema.safeParse(body);
  if (!page.success) throw new KalshiDriftError("not_an_events_page", "not a Kalshi /events page: no events list");

  const events: KalshiEvent[] = [];
  const rejected: RejectedKalshiEvent[] = [];
  for (const rawEvent of page.data.events) {
    const parsed = eventSchema.safeParse(rawEvent);
    if (!parsed.success) {
      rejected.push({ reason: "event without an event_ticker" });
      continue;
    }
    const event = parsed.data;
    const ticker = parseEventTicker(event.event_ticker, event.sub_title);
    if (!ticker) {
      rejected.push({ eventTicker: event.event_ticker, reason: "ticker names no date and two known teams" });
      continue;
    }
    const context = { eventTicker: event.event_ticker, kalshiTeamCodes: [ticker.kalshiAwayCode, ticker.kalshiHomeCode] };
    const subTitle = event.sub_title?.trim();
    events.push({
      eventTicker: event.event_ticker,
      seriesTicker: event.series_ticker ?? ticker.seriesTicker,
      title: event.title ?? "",
      ...(subTitle ? { subTitle } : {}),
      awayCode: ticker.awayCode,
      homeCode: ticker.homeCode,
      kalshiAwayCode: ticker.kalshiAwayCode,
      kalshiHomeCode: ticker.kalshiHomeCode,
      easternDate: ticker.easternDate,
      markets: (event.markets ?? []).map((market) => readMarket(market, context)),
    });
  }
  return { events, rejected, cursor: page.data.cursor ? page.data.cursor : null };
}

/** The event as market-mapping matches it to a game: Kalshi tickers carry the US-Eastern date. */
export function kalshiEventKey(event: KalshiEvent): MarketEventKey {
  return { awayCode: event.awayCode, homeCode: event.homeCode, date: event.easternDate, dateZone: "us_eastern" };
}

export type KalshiMarketLeg = MarketLeg & { market: KalshiMarket };

/** The event's markets as market-mapping legs, each carrying its market. */
export function kalshiMarketLegs(event: KalshiEvent): KalshiMarketLeg[] {
  return event.markets.map((market) => ({
    marketId: market.ticker,
    label: market.label,
    teamHint: market.leg.team,
    jerseyHint: market.leg.jersey,
    nameCode: market.leg.nameCode,
    volume: market.volume,
    market,
  }));
}
