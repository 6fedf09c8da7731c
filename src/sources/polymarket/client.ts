import { fetchJson, UpstreamError, upstreamUrl, type FetchOptions } from "../http";
import { parsePolymarketEvents, type PolymarketTdEvent, type SkippedPolymarketItem } from "./events";

/** Gamma's NFL tag (the nfl row of GET /sports: primaryTagId 450). */
export const NFL_TAG_ID = 450;
const PAGE_LIMIT = 100;
/** A week's NFL events (game, first-TD, props and futures) fit in a few pages of 100. */
export const DEFAULT_MAX_PAGES = 10;

export interface PolymarketClientOptions extends FetchOptions {
  maxPages?: number;
  tagId?: number;
}

export interface PolymarketOpenEvents {
  events: PolymarketTdEvent[];
  skipped: SkippedPolymarketItem[];
  pages: number;
  /** True when the page cap stopped the listing while Gamma still had a next_cursor. */
  truncated: boolean;
}

/** `closed=false` is always sent: settled markets must never be read as prices. */
export function gammaKeysetUrl(base: string, tagId: number, afterCursor: string | null): string {
  const query = new URLSearchParams({ tag_id: String(tagId), closed: "false", limit: String(PAGE_LIMIT) });
  if (afterCursor) query.set("after_cursor", afterCursor);
  return upstreamUrl(base, `/events/keyset?${query.toString()}`);
}

export function gammaEventBySlugUrl(base: string, slug: string): string {
  return upstreamUrl(base, `/events/slug/${encodeURIComponent(slug)}`);
}

/** Polymarket's Gamma API under POLYMARKET_GAMMA_URL. */
export class PolymarketClient {
  constructor(
    private readonly base: string,
    private readonly options: PolymarketClientOptions = {},
  ) {}

  /** The open NFL events that hold first-TD or anytime-TD markets, following next_cursor up to the page cap. */
  async openNflTouchdownEvents(): Promise<PolymarketOpenEvents> {
    const maxPages = Math.max(1, this.options.maxPages ?? DEFAULT_MAX_PAGES);
    const tagId = this.options.tagId ?? NFL_TAG_ID;
    const events: PolymarketTdEvent[] = [];
    const skipped: SkippedPolymarketItem[] = [];
    const seenCursors = new Set<string>();
    const seenEvents = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = parsePolymarketEvents(await fetchJson(gammaKeysetUrl(this.base, tagId, cursor), this.options));
      pages += 1;
      for (const event of page.events) {
        if (seenEvents.has(event.eventId)) continue;
        seenEvents.add(event.eventId);
        events.push(event);
      }
      skipped.push(...page.skipped);
      cursor = page.nextCursor !== null && !seenCursors.has(page.nextCursor) ? page.nextCursor : null;
      if (cursor) seenCursors.add(cursor);
    } while (cursor !== null && pages < maxPages);
    return { events, skipped, pages, truncated: cursor !== null };
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
