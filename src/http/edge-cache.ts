/**
 * Leaderboard pages and player lists at the edge (the Cache API of the location the Worker runs in), keyed by what
 * they depend on: the route, its validated parameters, the standings version (src/services/standings-version.ts),
 * which every grading bumps, and the secret that signs their cursors. Only the shared part is cached: a board's "me" is the caller's, read in the request's one
 * D1 call together with the caller's authentication (which no cache may answer: a revoked token stops at once).
 *
 * A cached entry lives at most PAGE_MAX_AGE_SECONDS: what changes a board between gradings without bumping the version
 * (new picks' counts, a renamed player, a user joining the public board) shows within that time.
 */
import type { Context } from "hono";
import type { AppBindings } from "../env";
import { sha256Hex } from "../lib/crypto";
import { readStandingsVersion } from "../services/standings-version";

export const PAGE_MAX_AGE_SECONDS = 300;
const ORIGIN = "https://edge-cache.firsttd.internal";

/** A value a service may take from the cache, or compute and hand back to be stored. */
export interface PageCache<T> {
  get(): Promise<T | null>;
  put(value: T): void;
}

/**
 * The cache of one page: `what` names the route, `key` its parameters (validated: the same request always gives the
 * same key). null when caching is off (no version: no KV binding).
 */
export async function pageCache<T>(c: Context<AppBindings>, what: string, key: Record<string, unknown>): Promise<PageCache<T> | null> {
  const version = await readStandingsVersion(c.env);
  if (version === null) return null;
  const params = new URLSearchParams(
    Object.entries(key)
      .filter(([, value]) => value !== undefined && value !== null)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]): [string, string] => [name, String(value)]),
  );
  params.set("v", version);
  // Cached pages carry cursors signed under SESSION_SECRET: a rotated secret is another cache.
  params.set("k", (await sha256Hex(c.env.SESSION_SECRET ?? "")).slice(0, 16));
  const url = `${ORIGIN}/${what}?${params}`;
  return {
    async get() {
      const hit = await caches.default.match(url);
      return hit ? ((await hit.json()) as T) : null;
    },
    put(value) {
      const response = new Response(JSON.stringify(value), {
        headers: { "content-type": "application/json", "cache-control": `max-age=${PAGE_MAX_AGE_SECONDS}` },
      });
      c.executionCtx.waitUntil(caches.default.put(url, response));
    },
  };
}

/**
 * What each league's board looks like (its ranking, whether it is mirrored), remembered at this location so that the
 * board's statements can go in the request's first read with the league's own row, which checks the guess: a wrong or
 * missing one costs a second call and is corrected.
 */
export function leagueShapes<T>(c: Context<AppBindings>) {
  const url = (leagueId: number) => `${ORIGIN}/league-shape/${leagueId}`;
  return {
    async get(leagueId: number): Promise<T | null> {
      const hit = await caches.default.match(url(leagueId));
      return hit ? ((await hit.json()) as T) : null;
    },
    put(leagueId: number, shape: T) {
      const response = new Response(JSON.stringify(shape), { headers: { "content-type": "application/json", "cache-control": "max-age=86400" } });
      c.executionCtx.waitUntil(caches.default.put(url(leagueId), response));
    },
  };
}
