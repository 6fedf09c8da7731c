import { MAX_LISTING_PAGES, readCursorListing, type IncompleteListing } from "../cursor-listing";
import { fetchJson, pathSegment, UpstreamError, upstreamUrl, type FetchOptions } from "../http";
import { parsePolymarketEvents, PolymarketFormatError, type PolymarketTdEvent, type SkippedPolymarketItem } from "./events";

/** Gamma's NFL tag (the nfl row of GET /sports: primaryTagId 450). */
export const NFL_TAG_ID = 450;
/** Gamma allows up to 500; it may still serve fewer (the listing follows next_cursor, not the count). */
const PAGE_LIMIT = 100;

export interface PolymarketClientOptions extends FetchOptions {
  /** The page bound (MAX_LISTING_PAGES). */
  maxPages?: number;
  tagId?: number;
}

export interface PolymarketOpenEvents {
  events: PolymarketTdEvent[];
  skipped: SkippedPolymarketItem[];
  /** Pages read. */
  pages: number;
  /** Why the listing stopped before Gamma's last page (events may be missing), or null when it was read to its end. */
  incomplete: IncompleteListing | null;
}

/** `closed=false` is always sent: settled markets must never be read as prices. */
export function gammaKeysetUrl(base: string, tagId: number, afterCursor: string | null): string {
  const query = new URLSearchParams({ tag_id: String(tagId), closed: "false", limit: String(PAGE_LIMIT) });
  if (afterCursor) query.set("after_cursor", afterCursor);
  return upstreamUrl(base, `/events/keyset?${query.toString()}`);
}

export function gammaEventBySlugUrl(base: string, slug: string): string {
  return upstreamUrl(base, `/events/slug/${pathSegment(slug)}`);
}

/** Polymarket's Gamma API under POLYMARKET_GAMMA_URL. */
export class PolymarketClient {
  constructor(
    private readonly base: string,
    private readonly options: PolymarketClientOptions = {},
  ) {}

  /**
   * The open NFL events that hold first-TD or anytime-TD markets, following `next_cursor` (sent back as
   * `after_cursor`) until Gamma omits it, as it does on the last page. A listing stopped early (the page bound, a
   * cursor that comes back, a later page that fails after its retries or is not a Gamma page) keeps the pages read
   * and says why in `incomplete`; a failure of the first page throws.
   */
  async openNflTouchdownEvents(): Promise<PolymarketOpenEvents> {
    const tagId = this.options.tagId ?? NFL_TAG_ID;
    const listing = await readCursorListing({
      readPage: async (cursor) => parsePolymarketEvents(await fetchJson(gammaKeysetUrl(this.base, tagId, cursor), this.options)),
      nextCursor: (page) => page.nextCursor,
      maxPages: this.options.maxPages ?? MAX_LISTING_PAGES,
      isPageFailure: (error) => error instanceof UpstreamError || error instanceof PolymarketFormatError,
    });
    const events: PolymarketTdEvent[] = [];
    const skipped: SkippedPolymarketItem[] = [];
    const seenEvents = new Set<string>();
    for (const page of listing.pages) {
      for (const event of page.events) {
        if (seenEvents.has(event.eventId)) continue;
        seenEvents.add(event.eventId);
        events.push(event);
      }
      skipped.push(...page.skipped);
    }
    return { events, skipped, pages: listing.pages.length, incomplete: listing.incomplete };
  }

  /** One event by slug (nfl-atl-gb-2026-09-25-first-td-scorer); null when absent (404), closed or without TD markets. */
  async eventBySlug(slug: string): Promise<PolymarketTdEvent | null> {
    let body: unknown;
    try {
      body = await fetchJson(gammaEventBySlugUrl(this.base, slug), this.options);
    } catch (error) {
      if (error instanceof UpstreamError && error.status === 404) return null;
      throw error;
    }
    return parsePolymarketEvents(body).events[0] ?? null;
  }
}
