/**
 * The upstreams of the jobs, faked: the worker runs in the isolate of the tests, so replacing
 * `globalThis.fetch` serves every request the jobs make. Bodies are routed by URL under the base URLs of the
 * test environment (the wrangler.toml vars), so the tests also check that the jobs ask for the upstreams' own
 * paths. Nothing reaches the network: an unrouted URL is recorded and answered with a network error.
 */
import { env } from "cloudflare:test";
import { vi, type MockInstance } from "vitest";

export interface UpstreamCall {
  url: string;
  /** Date.now() when the request was made (real time: do not fake Date in tests that measure waits). */
  at: number;
}

/** Answers one request; a route holds a sequence of them (the last one repeats). */
export type Reply = (request: { url: string; signal: AbortSignal | null }) => Response | Promise<Response>;

export const NFLVERSE = () => env.NFLVERSE_BASE_URL.replace(/\/+$/, "");
export const ESPN_SITE = () => env.ESPN_SITE_API_URL.replace(/\/+$/, "");
export const ESPN_CORE = () => env.ESPN_CORE_API_URL.replace(/\/+$/, "");

export const urls = {
  games: () => `${NFLVERSE()}/nfldata/raw/master/data/games.csv`,
  roster: (season: number) => `${NFLVERSE()}/nflverse-data/releases/download/rosters/roster_${season}.csv`,
  playerAliases: () => `${NFLVERSE()}/nflreadr/raw/main/data-raw/clean_player_names.csv`,
  /** `date`: the Eastern calendar date, 'YYYY-MM-DD'. */
  scoreboard: (date: string) => `${ESPN_SITE()}/apis/site/v2/sports/football/nfl/scoreboard?dates=${date.replace(/-/g, "")}`,
  summary: (eventId: string) => `${ESPN_SITE()}/apis/site/v2/sports/football/nfl/summary?event=${eventId}`,
  corePlay: (eventId: string, playId: string) =>
    `${ESPN_CORE()}/v2/sports/football/leagues/nfl/events/${eventId}/competitions/${eventId}/plays/${playId}`,
};

export class FakeUpstream {
  private readonly routes = new Map<string, { replies: Reply[]; served: number }>();
  readonly calls: UpstreamCall[] = [];
  readonly unrouted: string[] = [];
  /** Answers unrouted URLs (still recorded in `unrouted`) instead of failing them as a network error would. */
  fallback: Reply | null = null;
  private spy: MockInstance<typeof fetch> | null = null;

  install(): this {
    this.spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      const signal = init?.signal ?? (input instanceof Request ? input.signal : null);
      this.calls.push({ url, at: Date.now() });
      const route = this.routes.get(url);
      if (!route) {
        this.unrouted.push(url);
        if (this.fallback) return this.fallback({ url, signal });
        throw new TypeError(`fake upstream: no route for ${url}`);
      }
      const reply = route.replies[Math.min(route.served, route.replies.length - 1)]!;
      route.served++;
      return reply({ url, signal });
    });
    return this;
  }

  restore() {
    this.spy?.mockRestore();
    this.spy = null;
  }

  /** Routes `url` to `replies`, in order (the last repeats). Replaces an earlier route and its count. */
  on(url: string, ...replies: Reply[]): this {
    if (replies.length === 0) throw new Error("a route needs at least one reply");
    this.routes.set(url, { replies, served: 0 });
    return this;
  }

  off(url: string): this {
    this.routes.delete(url);
    return this;
  }

  callsTo(url: string): UpstreamCall[] {
    return this.calls.filter((call) => call.url === url);
  }

  clearCalls() {
    this.calls.length = 0;
  }

  reset() {
    this.fallback = null;
    this.routes.clear();
    this.calls.length = 0;
    this.unrouted.length = 0;
  }
}

/** A CSV body as raw.githubusercontent.com / GitHub release downloads serve it. */
export function csv(body: string): Reply {
  return () => new Response(body, { headers: { "content-type": "text/plain; charset=utf-8" } });
}

export function json(body: unknown): Reply {
  const text = JSON.stringify(body);
  return () => new Response(text, { headers: { "content-type": "application/json;charset=UTF-8" } });
}

export function status(code: number, headers: Record<string, string> = {}, body = `status ${code}`): Reply {
  return () => new Response(body, { status: code, headers });
}

export function html(code = 200): Reply {
  return () =>
    new Response("<!DOCTYPE html>\n<html><head><title>Unicorn! · GitHub</title></head><body>No server is currently available.</body></html>", {
      status: code,
      headers: { "content-type": "text/html; charset=utf-8" },
    });
}

/** Never answers; rejects the way fetch does once the caller's signal aborts (as a timeout does). */
export function noAnswer(): Reply {
  return ({ signal }) =>
    new Promise<Response>((_, reject) => {
      if (!signal) return;
      const abort = () => reject(new DOMException("The operation was aborted.", "AbortError"));
      if (signal.aborted) abort();
      else signal.addEventListener("abort", abort);
    });
}

/**
 * Answers 200 with headers at once and the first part of `body`, then stalls: the rest never comes. Like a
 * real fetch, the body stream errors when the caller's signal aborts.
 */
export function stalledBody(firstPart: string): Reply {
  return ({ signal }) => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(firstPart));
        signal?.addEventListener("abort", () => controller.error(new DOMException("The operation was aborted.", "AbortError")));
      },
    });
    return new Response(stream, { headers: { "content-type": "text/plain; charset=utf-8" } });
  };
}

/** Routes URL -> body pairs: a JSON body as 200, a body `isNotFound` says is missing as a 404. */
export function routeBodies(upstream: FakeUpstream, bodies: Map<string, unknown>, isNotFound: (body: unknown) => boolean): void {
  for (const [url, body] of bodies) upstream.on(url, isNotFound(body) ? status(404) : json(body));
}
