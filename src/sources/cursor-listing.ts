/**
 * Reading a cursor-paged listing to its end (Kalshi `cursor`, Gamma keyset `next_cursor`). A listing that stops
 * before its end says why and where, so that a job can report the run partial instead of taking part of a
 * listing for the whole of it.
 */

/**
 * Pages one listing may read before it stops. At the page sizes we ask for, a week fits in a page or two, but an
 * upstream may serve far fewer than asked (a week of 16 first-TD events has been served 3 to a page, and Gamma's NFL
 * tag lists several events per game besides futures): 100 pages hold a whole week even then. The bound is only there
 * to stop a cursor that never ends: 100 pages x 3 attempts x 2 venues (600 fetches) stays within the subrequests a
 * paid Worker invocation may make (1,000 on the older plans). Hitting it is never silent: the listing comes back
 * incomplete and the job logs it and reports the run partial.
 */
export const MAX_LISTING_PAGES = 100;

/**
 * Why a listing stopped before its end: the page bound reached with a cursor still to follow, a cursor that came
 * back (following it would loop), or a page that could not be read after its retries.
 */
export type ListingStop = "page_limit" | "cursor_repeated" | "page_failed";

export interface IncompleteListing {
  reason: ListingStop;
  /** Pages read and kept (their items are in the listing). */
  pagesRead: number;
  /** The cursor not followed: the next page's (page_limit, page_failed), or the one that came back (cursor_repeated). */
  lastCursor: string;
  /** The page bound in force (page_limit). */
  maxPages?: number;
  /** Why the page could not be read (page_failed). */
  error?: string;
}

export interface CursorListing<P> {
  pages: P[];
  /** null when the upstream said the listing ended (no next cursor). */
  incomplete: IncompleteListing | null;
}

export interface CursorListingOptions<P> {
  /** Fetches and parses one page; `cursor` is null for the first. */
  readPage: (cursor: string | null) => Promise<P>;
  /** The cursor of the page after `page`, or null on the last page. */
  nextCursor: (page: P) => string | null;
  maxPages?: number;
  /**
   * Whether an error of a later page only cuts the listing short (an upstream failure after its retries): the pages
   * before it are kept. Any other error (format drift) is thrown, as is any error of the first page (nothing read).
   */
  isPageFailure: (error: unknown) => boolean;
}

/** Every page of a listing, following the cursor until the upstream sends none; see IncompleteListing for the stops. */
export async function readCursorListing<P>(options: CursorListingOptions<P>): Promise<CursorListing<P>> {
  const maxPages = Math.max(1, Math.floor(options.maxPages ?? MAX_LISTING_PAGES));
  const pages: P[] = [];
  const followed = new Set<string>();
  let cursor: string | null = null;
  for (;;) {
    let page: P;
    try {
      page = await options.readPage(cursor);
    } catch (error) {
      if (cursor === null || !options.isPageFailure(error)) throw error;
      const message = error instanceof Error ? error.message : String(error);
      return { pages, incomplete: { reason: "page_failed", pagesRead: pages.length, lastCursor: cursor, error: message } };
    }
    pages.push(page);
    const next = options.nextCursor(page);
    if (next === null) return { pages, incomplete: null };
    if (followed.has(next)) return { pages, incomplete: { reason: "cursor_repeated", pagesRead: pages.length, lastCursor: next } };
    if (pages.length >= maxPages) {
      return { pages, incomplete: { reason: "page_limit", pagesRead: pages.length, lastCursor: next, maxPages } };
    }
    followed.add(next);
    cursor = next;
  }
}
