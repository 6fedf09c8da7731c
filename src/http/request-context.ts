import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { BOOKMARK_HEADER, openRequestDatabase, sessionStart, validBookmark } from "../db/client";
import type { AppBindings } from "../env";
import { webSessionCredential } from "./web-session";

/**
 * The first middleware of every request: its id (Cloudflare's cf-ray when there is one), the request's D1 session on
 * c.var (src/db/client.ts: started from the x-d1-bookmark the client sent, else where sessionStart says), the
 * x-request-id header, the session's latest bookmark (x-d1-bookmark: send it back to read your own writes), and one
 * JSON log line when the answer is ready.
 */
export const requestContext: MiddlewareHandler<AppBindings> = async (c, next) => {
  const started = Date.now();
  c.set("requestId", c.req.header("cf-ray") ?? crypto.randomUUID());
  const start = sessionStart({
    method: c.req.method,
    bookmark: validBookmark(c.req.header(BOOKMARK_HEADER)),
    signedInBrowser: webSessionCredential(c) !== undefined,
  });
  const database = openRequestDatabase(c.env.DB, start);
  c.set("database", database);
  c.set("db", database.db);
  await next();
  c.header("x-request-id", c.get("requestId"));
  const bookmark = database.bookmark();
  if (bookmark) c.header(BOOKMARK_HEADER, bookmark);
  console.log(JSON.stringify({ requestId: c.get("requestId"), method: c.req.method, path: loggedPath(c.req.path), status: c.res.status, ms: Date.now() - started }));
};

/** Paths that carry a secret: a one-time sign-in link in its path form (`/sign-in/link/<token>`, src/web). */
const SECRET_IN_PATH = /^(\/sign-in\/link\/)[^/]+/;

/** The path as the log line keeps it: a secret in it is replaced, so that logs never hold a usable link. */
export function loggedPath(path: string): string {
  return path.replace(SECRET_IN_PATH, "$1[redacted]");
}

function allowedOrigins(setting: string | undefined): string | string[] {
  if (!setting || setting.trim() === "*") return "*";
  return setting.split(",").map((origin) => origin.trim()).filter(Boolean);
}

/**
 * CORS for the origins in the CORS_ORIGINS var ("*" or a comma-separated list). Request headers are allowed as a
 * preflight asks for them (x-d1-bookmark among them); the bookmark of the answer is exposed to scripts.
 */
export const corsFromEnv: MiddlewareHandler<AppBindings> = (c, next) =>
  cors({ origin: allowedOrigins(c.env.CORS_ORIGINS), exposeHeaders: ["x-request-id", "retry-after", BOOKMARK_HEADER] })(c, next);
