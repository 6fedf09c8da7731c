import { z } from "zod";
import type { MarketEventKey, MarketLeg } from "../../domain/market-mapping";
import type { Quote } from "../../domain/market-prices";
import { toTeamCode } from "../../domain/teams";
import { normalizeUtcIso } from "../../domain/utc";

/**
 * Polymarket Gamma events (`/events/keyset`, `/events`, `/events/slug/{slug}`) reduced to their NFL touchdown
 * markets: first-TD scorer (event slug nfl-atl-gb-2026-09-25-first-td-scorer) and, as a secondary kind,
 * anytime-TD markets ('<Player>: Anytime Touchdown', sportsMarketType anytime_touchdowns).
 *
 * Known from real captures: slugs nfl-{away}-{home}-{UTC date}[-suffix]; event.teams[] with lower-case
 * abbreviation and ordering away/home; `outcomes`, `outcomePrices`, `clobTokenIds` are JSON strings; market
 * gameStartTime as 'YYYY-MM-DD HH:MM:SS+00'. Assumed (no full first-TD capture exists): one Yes/No market per
 * outcome, named by groupItemTitle (else by the question), with bestBid/bestAsk/lastTradePrice as in the spec.
 */

export type PolymarketTdKind = "first_td" | "anytime_td";

export interface PolymarketTdMarket {
  marketId: string;
  conditionId: string | null;
  kind: PolymarketTdKind;
  /** The outcome: a player, 'No Touchdown' or a team's defense. */
  label: string;
  question: string;
  /** The Yes price from outcomePrices (Polymarket's displayed price). */
  yesPrice: number | null;
  yesBid: number | null;
  yesAsk: number | null;
  lastPrice: number | null;
  volume: number | null;
  yesTokenId: string | null;
  noTokenId: string | null;
  /** UTC instant. */
  gameStartTime: string | null;
}

export interface PolymarketTdEvent {
  eventId: string;
  slug: string;
  title: string;
  /** nflverse codes. */
  awayCode: string;
  homeCode: string;
  /** The date in the slug: a UTC date (a Thursday 20:15 ET game is Friday's). */
  utcDate: string;
  /** The event's start instant (startTime, else the first market's gameStartTime), UTC. */
  startsAt: string | null;
  markets: PolymarketTdMarket[];
}

export interface SkippedPolymarketItem {
  slug?: string;
  marketId?: string;
  reason: string;
}

export interface PolymarketEventsPage {
  events: PolymarketTdEvent[];
  /** Events and markets left out, with the reason (not NFL, closed, no TD market, unreadable prices). */
  skipped: SkippedPolymarketItem[];
  /** `next_cursor` of a keyset page, to pass as `after_cursor`; null on the last page. */
  nextCursor: string | null;
}

/** A Polymarket response that is not events at all (an error page, a changed API). */
export class PolymarketFormatError extends Error {
  override readonly name = "PolymarketFormatError";
}

const idSchema = z.union([z.string(), z.number()]).transform(String);
const numberish = z.union([z.number(), z.string()]).nullish();
/** The raw API sends these as JSON strings; decoded copies (and some SDKs) as arrays. */
const jsonList = z.union([z.string(), z.array(z.union([z.string(), z.number()]))]).nullish();

const marketSchema = z.object({
  id: idSchema,
  conditionId: z.string().nullish(),
  question: z.string().nullish(),
  groupItemTitle: z.string().nullish(),
  sportsMarketType: z.string().nullish(),
  outcomes: jsonList,
  outcomePrices: jsonList,
  clobTokenIds: jsonList,
  bestBid: numberish,
  bestAsk: numberish,
  lastTradePrice: numberish,
  volumeNum: numberish,
  volume: numberish,
  closed: z.boolean().nullish(),
  gameStartTime: z.string().nullish(),
});

const eventSchema = z.object({
  id: idSchema,
  slug: z.string(),
  title: z.string().nullish(),
  startTime: z.string().nullish(),
  closed: z.boolean().nullish(),
  teams: z
    .array(z.object({ abbreviation: z.string().nullish(), ordering: z.string().nullish(), name: z.string().nullish() }))
    .nullish(),
  markets: z.array(z.unknown()).nullish(),
});

const keysetSchema = z.object({ events: z.array(z.unknown()), next_cursor: z.string().nullish() });

const NFL_SLUG = /^nfl-([a-z]{2,3})-([a-z]{2,3})-(\d{4}-\d{2}-\d{2})(?:-([a-z0-9-]+))?$/;
const FIRST_TD_SLUG_SUFFIX = "first-td-scorer";

export interface PolymarketNflSlug {
  awayCode: string;
  homeCode: string;
  utcDate: string;
  /** What follows the date: 'first-td-scorer', 'player-props', ...; null for the game event itself. */
  suffix: string | null;
}

/** nfl-atl-gb-2026-09-25-first-td-scorer -> ATL @ GB, 2026-09-25, 'first-td-scorer'. */
export function parseNflSlug(slug: string): PolymarketNflSlug | null {
  const match = NFL_SLUG.exec(slug.trim().toLowerCase());
  if (!match) return null;
  const awayCode = toTeamCode(match[1]);
  const homeCode = toTeamCode(match[2]);
  const utcDate = match[3]!;
  if (!awayCode || !homeCode || awayCode === homeCode) return null;
  if (Number.isNaN(Date.parse(`${utcDate}T00:00:00Z`))) return null;
  return { awayCode, homeCode, utcDate, suffix: match[4] ?? null };
}

/** A JSON-string list ('["Yes","No"]') or a list, as strings; null when it is neither. */
export function parseJsonList(value: string | ReadonlyArray<string | number> | null | undefined): string[] | null {
  if (value === null || value === undefined) return null;
  let list: unknown = value;
  if (typeof value === "string") {
    try {
      list = JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (!Array.isArray(list) || !list.every((item) => typeof item === "string" || typeof item === "number")) return null;
  return list.map(String);
}

function toPrice(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined || value === "") return null;
  const price = Number(value);
  return Number.isFinite(price) && price >= 0 && price <= 1 ? price : null;
}

function toAmount(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined || value === "") return null;
  const amount = Number(value);
  return Number.isFinite(amount) && amount >= 0 ? amount : null;
}

/** '2026-09-25 00:15:00+00' (Gamma's gameStartTime) or an ISO instant, as 'YYYY-MM-DDTHH:MM:SSZ'. */
export function parseGammaInstant(text: string | null | undefined): string | null {
  if (!text) return null;
  const iso = text.trim().replace(" ", "T").replace(/([+-]\d{2})$/, "$1:00");
  return normalizeUtcIso(iso);
}

function kindOf(market: z.infer<typeof marketSchema>, slugSuffix: string | null): PolymarketTdKind | null {
  const type = (market.sportsMarketType ?? "").toLowerCase();
  const question = market.question ?? "";
  if (/anytime_?(td|touchdown)/.test(type) || /anytime\s+(td|touchdown)/i.test(question)) return "anytime_td";
  if (/(first|1st)_?(td|touchdown)/.test(type) || /\b(first|1st)\s+(td|touchdown)/i.test(question)) return "first_td";
  if (slugSuffix === FIRST_TD_SLUG_SUFFIX) return "first_td";
  return null;
}

/** groupItemTitle; else the question's '<Player>: Anytime Touchdown' or 'Will <Player> score ...' part. */
function labelOf(market: z.infer<typeof marketSchema>): string | null {
  const title = market.groupItemTitle?.trim();
  if (title) return title;
  const question = market.question?.trim() ?? "";
  const colon = /^(.+?):\s*(anytime|first|1st)\b/i.exec(question);
  if (colon) return colon[1]!.trim();
  const will = /^will\s+(?:the\s+)?(.+?)\s+score\b/i.exec(question);
  return will ? will[1]!.trim() : null;
}

type MarketReading = { market: PolymarketTdMarket } | { skip: string } | null;

function readMarket(rawMarket: unknown, slugSuffix: string | null): MarketReading {
  const parsed = marketSchema.safeParse(rawMarket);
  if (!parsed.success) return { skip: "market without an id" };
  const market = parsed.data;
  const kind = kindOf(market, slugSuffix);
  if (kind === null) return null;
  if (market.closed === true) return { skip: "closed" };
  const label = labelOf(market);
  if (!label) return { skip: "no outcome name (groupItemTitle or question)" };

  const outcomes = parseJsonList(market.outcomes);
  const prices = parseJsonList(market.outcomePrices);
  if (!outcomes || !prices || prices.length !== outcomes.length) return { skip: "outcomes/outcomePrices unreadable" };
  const yesIndex = outcomes.findIndex((outcome) => outcome.trim().toLowerCase() === "yes");
  const noIndex = outcomes.findIndex((outcome) => outcome.trim().toLowerCase() === "no");
  if (yesIndex < 0) return { skip: `not a Yes/No market (${outcomes.join("/")})` };
  const tokens = parseJsonList(market.clobTokenIds);

  return {
    market: {
      marketId: market.id,
      conditionId: market.conditionId ?? null,
      kind,
      label,
      question: market.question ?? "",
      yesPrice: toPrice(prices[yesIndex]),
      yesBid: toPrice(market.bestBid),
      yesAsk: toPrice(market.bestAsk),
      lastPrice: toPrice(market.lastTradePrice),
      volume: toAmount(market.volumeNum ?? market.volume),
      yesTokenId: tokens?.[yesIndex] ?? null,
      noTokenId: noIndex >= 0 ? (tokens?.[noIndex] ?? null) : null,
      gameStartTime: parseGammaInstant(market.gameStartTime),
    },
  };
}

/** Away and home from event.teams (ordering away/home), which must agree with the slug when present. */
function teamsAgree(event: z.infer<typeof eventSchema>, slug: PolymarketNflSlug): boolean {
  const teams = event.teams ?? [];
  const away = teams.find((team) => team.ordering?.toLowerCase() === "away")?.abbreviation;
  const home = teams.find((team) => team.ordering?.toLowerCase() === "home")?.abbreviation;
  if (!away || !home) return true;
  return toTeamCode(away) === slug.awayCode && toTeamCode(home) === slug.homeCode;
}

function readEvent(rawEvent: unknown, skipped: SkippedPolymarketItem[]): PolymarketTdEvent | null {
  const parsed = eventSchema.safeParse(rawEvent);
  if (!parsed.success) {
    skipped.push({ reason: "event without id or slug" });
    return null;
  }
  const event = parsed.data;
  const slug = parseNflSlug(event.slug);
  if (!slug) {
    skipped.push({ slug: event.slug, reason: "not an NFL game slug" });
    return null;
  }
  if (event.closed === true) {
    skipped.push({ slug: event.slug, reason: "closed" });
    return null;
  }
  if (!teamsAgree(event, slug)) {
    skipped.push({ slug: event.slug, reason: "event.teams disagree with the slug" });
    return null;
  }

  const markets: PolymarketTdMarket[] = [];
  for (const rawMarket of event.markets ?? []) {
    const reading = readMarket(rawMarket, slug.suffix);
    if (reading === null) continue;
    if ("skip" in reading) {
      const marketId = (rawMarket as { id?: unknown } | null)?.id;
      skipped.push({ slug: event.slug, ...(marketId !== undefined ? { marketId: String(marketId) } : {}), reason: reading.skip });
    } else {
      markets.push(reading.market);
    }
  }
  if (markets.length === 0) {
    skipped.push({ slug: event.slug, reason: "no open touchdown market" });
    return null;
  }
  return {
    eventId: event.id,
    slug: event.slug,
    title: event.title ?? "",
    awayCode: slug.awayCode,
    homeCode: slug.homeCode,
    utcDate: slug.utcDate,
    startsAt: parseGammaInstant(event.startTime) ?? markets.find((m) => m.gameStartTime)?.gameStartTime ?? null,
    markets,
  };
}

/**
 * A Gamma response: a keyset page ({ events, next_cursor }), an `/events` list, or one event
 * (`/events/slug/...`). Throws PolymarketFormatError when it is none of these.
 */
export function parsePolymarketEvents(body: unknown): PolymarketEventsPage {
  let rawEvents: unknown[];
  let nextCursor: string | null = null;
  const keyset = keysetSchema.safeParse(body);
  if (Array.isArray(body)) {
    rawEvents = body;
  } else if (keyset.success) {
    rawEvents = keyset.data.events;
    nextCursor = keyset.data.next_cursor ? keyset.data.next_cursor : null;
  } else if (eventSchema.safeParse(body).success) {
    rawEvents = [body];
  } else {
    throw new PolymarketFormatError("not a Gamma events response: no events list and no event");
  }
  const skipped: SkippedPolymarketItem[] = [];
  const events: PolymarketTdEvent[] = [];
  for (const rawEvent of rawEvents) {
    const event = readEvent(rawEvent, skipped);
    if (event) events.push(event);
  }
  return { events, skipped, nextCursor };
}

/** The event as market-mapping matches it to a game: the slug's UTC date, and the start instant when known. */
export function polymarketEventKey(event: PolymarketTdEvent): MarketEventKey {
  return { awayCode: event.awayCode, homeCode: event.homeCode, date: event.utcDate, dateZone: "utc", startsAt: event.startsAt };
}

/**
 * The quote for the price rule. Gamma gives no sizes at the best bid and ask: the market's volume (USDC) stands in
 * for depth. Without a lastTradePrice, the Yes outcome price is stored as the last price (Polymarket displays the
 * mid, or the last trade when the spread is wide); neither ever prices a leg.
 */
export function polymarketQuote(market: PolymarketTdMarket): Quote {
  return {
    yesBid: market.yesBid,
    yesAsk: market.yesAsk,
    lastPrice: market.lastPrice ?? market.yesPrice,
    yesBidSize: null,
    yesAskSize: null,
    volume: market.volume,
  };
}

export type PolymarketMarketLeg = MarketLeg & { market: PolymarketTdMarket };

/** The event's markets of one kind as market-mapping legs (no team or jersey: Polymarket names only). */
export function polymarketMarketLegs(event: PolymarketTdEvent, kind: PolymarketTdKind): PolymarketMarketLeg[] {
  return event.markets
    .filter((market) => market.kind === kind)
    .map((market) => ({ marketId: market.marketId, label: market.label, volume: market.volume, market }));
}
