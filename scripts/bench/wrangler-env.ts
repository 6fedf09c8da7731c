// Where the bench finds the project and its wrangler, and the environment every wrangler run gets (offline and
// quiet): the bench's own copy of what scripts/lib/local-d1 provides (kept from when the harness was plain .mjs run
// by `node`, which could not import local-d1.ts; both now run with tsx and give the same values).
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const WRANGLER_BIN = join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");

/**
 * Without these wrangler reaches out on its own: telemetry, error reports, and miniflare's `Request.cf` fetch
 * (3 s timeout each when offline). Values the user set win; `extra` wins over both.
 */
export function wranglerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  const defaults = { WRANGLER_SEND_METRICS: "false", WRANGLER_SEND_ERROR_REPORTS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };
  for (const [key, value] of Object.entries(defaults)) env[key] ??= value;
  return { ...env, ...extra };
}
