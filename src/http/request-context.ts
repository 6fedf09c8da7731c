import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { createDatabase } from "../db/client";
import type { AppBindings } from "../env";

/**
 * The first middleware of every request: its id (Cloudflare's cf-ray when there is one), the database handle on
 * c.var, the x-request-id header, and one JSON log line when the answer is ready.
 */
export const requestContext: MiddlewareHandler<AppBindings> = async (c, next) => {
  const started = Date.now();
  c.set("requestId", c.req.header("cf-ray") ?? crypto.randomUUID());
  c.set("db", createDatabase(c.env.DB));
  await next();
  c.header("x-request-id", c.get("requestId"));
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

/** CORS for the origins in the CORS_ORIGINS var ("*" or a comma-separated list). */
export const corsFromEnv: MiddlewareHandler<AppBindings> = (c, next) =>
  cors({ origin: allowedOrigins(c.env.CORS_ORIGINS), exposeHeaders: ["x-request-id", "retry-after"] })(c, next);
