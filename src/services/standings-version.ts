/**
 * The standings version: what a cached board or player list was computed under (src/http/edge-cache.ts). Bumped by
 * whatever grades or regrades (an admin's first-TD facts or void, the live sync, the schedule sync voiding a canceled
 * game, an archive restored), by the roster sync (player lists) and by the API's profile change (joining or leaving the
 * public board), so that a board cached before a grading is never served after it. Other changes to a board (new
 * picks' counts, names) show when the cached entry expires (PAGE_MAX_AGE_SECONDS).
 *
 * Kept in KV (CACHE_VERSIONS) so that reading it costs no D1 call: otherwise a cached board would save nothing. KV is
 * eventually consistent: a bump reaches the other Cloudflare locations within about a minute (the cacheTtl of the reads
 * below), so a board may be that stale elsewhere after a grading. The location that bumped also keeps the new version
 * in its own cache (the Cache API, immediate there), which its readers take when it is newer than KV's.
 */

/** How long a location keeps a KV read of the version (KV's minimum cacheTtl): the staleness bound elsewhere. */
export const VERSION_CACHE_SECONDS = 60;
const KEY = "standings";
/** The version as this location's cache holds it (a URL only the Worker asks its cache for; never fetched). */
const LOCAL_VERSION_URL = "https://edge-cache.firsttd.internal/versions/standings";

type VersionEnv = { CACHE_VERSIONS?: KVNamespace };

function newest(...versions: (string | null | undefined)[]): string {
  return versions.reduce<string>((best, version) => (version && Number(version) > Number(best) ? version : best), "0");
}

async function localVersion(): Promise<string | null> {
  const cached = await caches.default.match(LOCAL_VERSION_URL);
  return cached ? cached.text() : null;
}

/** The current version, or null when there is no KV binding (a bare app in a script: nothing is cached then). */
export async function readStandingsVersion(env: VersionEnv): Promise<string | null> {
  if (!env.CACHE_VERSIONS) return null;
  const [local, shared] = await Promise.all([localVersion(), env.CACHE_VERSIONS.get(KEY, { cacheTtl: VERSION_CACHE_SECONDS })]);
  return newest(local, shared);
}

/** A new version (a time in ms, above every version seen here): every board and list cached before is left behind. */
/**
 * Never throws: the change it follows is made already. KV takes about one write a second per key; a bump refused
 * there still holds at this location, and the cached entries elsewhere expire by themselves (edge-cache.ts).
 */
export async function bumpStandingsVersion(env: VersionEnv): Promise<void> {
  if (!env.CACHE_VERSIONS) return;
  try {
    const seen = await readStandingsVersion(env);
    const version = String(Math.max(Date.now(), Number(seen ?? 0) + 1));
    await caches.default.put(LOCAL_VERSION_URL, new Response(version, { headers: { "cache-control": `max-age=${VERSION_CACHE_SECONDS}` } }));
    await env.CACHE_VERSIONS.put(KEY, version);
  } catch (error) {
    console.error(JSON.stringify({ msg: "standings version bump failed", error: String(error) }));
  }
}
