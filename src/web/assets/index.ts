/**
 * The web app's static assets: one stylesheet and two small scripts, kept as TypeScript string constants and served
 * by the Worker at /app/<name>.<content hash>.<ext>. The hash is in the URL, so the answer can be cached for a year
 * (`immutable`): a new deployment with changed content has new URLs. No asset directory, no vendor file.
 */
import { Hono } from "hono";
import { APP_SCRIPT } from "./app-script";
import { PASSKEY_SCRIPT } from "./passkey-script";
import { PUSH_SCRIPT } from "./push-script";
import { STYLESHEET } from "./styles";

export interface Asset {
  url: string;
  body: string;
  contentType: string;
}

/** FNV-1a (32 bits) of the text: a cache key, not a security measure. Synchronous, so URLs are known at load time. */
function contentHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, "0");
}

function asset(name: string, ext: "js" | "css", body: string): Asset {
  const contentType = ext === "js" ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
  return { url: `/app/${name}.${contentHash(body)}.${ext}`, body, contentType };
}

export const ASSETS = {
  styles: asset("app", "css", STYLESHEET),
  app: asset("app", "js", APP_SCRIPT),
  passkey: asset("passkey", "js", PASSKEY_SCRIPT),
  push: asset("push", "js", PUSH_SCRIPT),
} as const;

export type ScriptName = "app" | "passkey" | "push";

const BY_URL = new Map<string, Asset>(Object.values(ASSETS).map((a) => [a.url, a]));

const YEAR_SECONDS = 365 * 24 * 60 * 60;

/** GET /app/<file>: the current assets only (an old hash is 404, like any unknown path). */
export const assetRoutes = new Hono().get("/app/:file", (c) => {
  const found = BY_URL.get(c.req.path);
  if (!found) return c.notFound();
  c.header("content-type", found.contentType);
  c.header("cache-control", `public, max-age=${YEAR_SECONDS}, immutable`);
  return c.body(found.body, 200);
});
