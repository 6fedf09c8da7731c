import { MAX_LISTING_PAGES, readCursorListing, type IncompleteListing } from "../cursor-listing";
import { fetchJson, UpstreamError, upstreamUrl, type FetchOptions } from "../http";
import { parseKalshiEventsPage, type KalshiEvent, type RejectedKalshiEvent } from "./events";

export const FIRST_TD_SERIES = "KXNFLFIRSTTD";
/** Kalshi's maximum page size for /events (it may still serve fewer: the listing follows the cursor, not the count). */
const PAGE_LIMIT = 200;

export interface KalshiOpenEvents {
  events: KalshiEvent[];
  rejected: RejectedKalshiEvent[];
  /** Pages read. */
  pages: number;
  /** Why the listing stopped before Kalshi's last page (events may be missing), or null when it was read to its end. */
  incomplete: IncompleteListing | null;
}

export interface KalshiClientOptions extends FetchOptions {
  /** The page bound (MAX_LISTING_PAGES). */
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
   * Every open event of a series with its markets, following `cursor` until Kalshi sends an empty one. A listing
   * stopped early (the page bound, a cursor that comes back, a later page that fails after its retries) keeps the
   * pages read and says why in `incomplete`. A KalshiDriftError on any page, or any failure of the first page, throws.
   */
  async openEvents(seriesTicker: string = FIRST_TD_SERIES): Promise<KalshiOpenEvents> {
    const listing = await readCursorListing({
      readPage: async (cursor) => parseKalshiEventsPage(await fetchJson(kalshiEventsUrl(this.base, seriesTicker, cursor), this.options)),
      nextCursor: (page) => page.cursor,
      maxPages: this.options.maxPages ?? MAX_LISTING_PAGES,
      isPageFailure: (error) => error instanceof UpstreamError,
    });
    const events: KalshiEvent[] = [];
    const rejected: RejectedKalshiEvent[] = [];
    const seenEvents = new Set<string>();
    for (const page of listing.pages) {
      // Events listed while paging can shift one onto two pages: keep the first copy.
      for (const event of page.events) {
        if (seenEvents.has(event.eventTicker)) continue;
        seenEvents.add(event.eventTicker);
        events.push(event);
      }
      rejected.push(...page.rejected);
    }
    return { events, rejected, pages: listing.pages.length, incomplete: listing.incomplete };
  }
}
