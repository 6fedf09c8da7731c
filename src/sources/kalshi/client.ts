import { fetchJson, upstreamUrl, type FetchOptions } from "../http";
import { parseKalshiEventsPage, type KalshiEvent, type RejectedKalshiEvent } from "./events";

export const FIRST_TD_SERIES = "KXNFLFIRSTTD";
/** Kalshi's maximum page size for /events. */
const PAGE_LIMIT = 200;
/** A week has at most 16 games: one page of 200 holds them; the cap only stops a cursor that never ends. */
export const DEFAULT_MAX_PAGES = 5;

export interface KalshiOpenEvents {
  events: KalshiEvent[];
  rejected: RejectedKalshiEvent[];
  pages: number;
  /** True when the page cap stopped the listing while Kalshi still had a cursor: some events may be missing. */
  truncated: boolean;
}

export interface KalshiClientOptions extends FetchOptions {
  maxPages?: number;
}

export function kalshiEventsUrl(base: string, seriesTicker: string, cursor: string | null): string {
  const query = new URLSearchParams({
    series_ticker: seriesTicker,
    status: "open",
    with_nested_markets: "true",
    limit: String(PAGE_LIMIT),
  });
  if (cursor) query.set("cursor", cursor);
  return upstreamUrl(base, `/events?${query.toString()}`);
}

/** Kalshi's public trade API under KALSHI_API_URL (which already ends in /trade-api/v2). */
export class KalshiClient {
  constructor(
    private readonly base: string,
    private readonly options: KalshiClientOptions = {},
  ) {}

  /**
   * Every open event of a series with its markets, following `cursor` page by page up to the page cap.
   * A KalshiDriftError on any page aborts the whole listing.
   */
  async openEvents(seriesTicker: string = FIRST_TD_SERIES): Promise<KalshiOpenEvents> {
    const maxPages = Math.max(1, this.options.maxPages ?? DEFAULT_MAX_PAGES);
    const events: KalshiEvent[] = [];
    const rejected: RejectedKalshiEvent[] = [];
    const seenCursors = new Set<string>();
    const seenEvents = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = parseKalshiEventsPage(await fetchJson(kalshiEventsUrl(this.base, seriesTicker, cursor), this.options));
      pages += 1;
      // Events listed while paging can shift one onto two pages: keep the first copy.
      for (const event of page.events) {
        if (seenEvents.has(event.eventTicker)) continue;
        seenEvents.add(event.eventTicker);
        events.push(event);
      }
      rejected.push(...page.rejected);
      // A cursor seen before would loop forever: the listing is complete as far as Kalshi can tell it.
      cursor = page.cursor !== null && !seenCursors.has(page.cursor) ? page.cursor : null;
      if (cursor) seenCursors.add(cursor);
    } while (cursor !== null && pages < maxPages);
    return { events, rejected, pages, truncated: cursor !== null };
  }
}
