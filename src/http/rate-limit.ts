import type { Context, MiddlewareHandler } from "hono";
import type { AppBindings } from "../env";
import { clientAddressKey } from "../lib/client-address";
import { credentialLabel } from "./auth";
import { ApiError } from "./errors";

/**
 * The two budgets of a caller, each a Workers rate limiting binding (`[[ratelimits]]` in wrangler.toml, which holds the
 * numbers; test/api/rate-limits.test.ts keeps this table equal to it):
 * - changes (POST, PUT, PATCH, DELETE): 60 a minute. A person makes a handful of picks a week; 60 covers a script
 *   that fixes a week of picks in one go, and stops a loop before it fills the picks history.
 * - reads (everything else): 600 a minute, 10 a second sustained. Generous on purpose: a page of the app fires a few
 *   reads at once, several tabs polling the live games every 10 s stay near 100, and a client paging a 100,000-user
 *   leaderboard 200 at a time takes a minute or two; no person reaches it. What it stops is a runaway loop or a scraper
 *   holding one token, which would otherwise be served as fast as the Worker answers (hundreds a second in the bench),
 *   each request a D1 read.
 * Both count in windows of 60 s (the bindings allow 10 or 60): a burst of a page load passes whole. The Workers
 * limiter counts per Cloudflare location and is eventually consistent: a guard against abuse, not an exact quota.
 */
export const RATE_LIMITS = {
  MUTATION_RATE_LIMITER: { limit: 60, periodSeconds: 60, what: "changes" },
  READ_RATE_LIMITER: { limit: 600, periodSeconds: 60, what: "reads" },
} as const;

type LimiterName = keyof typeof RATE_LIMITS;

const MUTATING_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

function limiterFor(method: string): LimiterName {
  return MUTATING_METHODS.has(method) ? "MUTATION_RATE_LIMITER" : "READ_RATE_LIMITER";
}

/**
 * Whom a request is counted against, one rule for both budgets: the credential it authenticated with (a user's token
 * or web session by its id, so that a user's phone and script do not share; the ADMIN_TOKEN secret as the one
 * credential it is), and a request that has not authenticated (signing in) by its address (src/lib/client-address.ts:
 * CF-Connecting-IP, IPv6 by /64).
 */
export function rateLimitKey(c: Context<AppBindings>): string {
  // A bearer token is known by its hash before it is checked (its check may ride in the route's first read, src/http/auth.ts).
  const bearer = c.get("bearer");
  if (bearer) return bearer.kind === "user" ? `token-hash:${bearer.tokenHash.slice(0, 32)}` : "admin_token";
  const caller = c.get("caller") as AppBindings["Variables"]["caller"] | undefined;
  if (caller?.kind === "user") return credentialLabel(caller);
  if (caller?.kind === "admin_secret") return "admin_token";
  return `address:${clientAddressKey(c.req.raw.headers)}`;
}

async function enforce(c: Context<AppBindings>, name: LimiterName) {
  const limiter = c.env[name];
  // Absent only where a runtime has no such binding configured (a bare app.fetch in a script); wrangler.toml has both.
  if (!limiter) return;
  const { success } = await limiter.limit({ key: rateLimitKey(c) });
  if (success) return;
  const { periodSeconds, what } = RATE_LIMITS[name];
  c.header("Retry-After", String(periodSeconds));
  throw new ApiError("rate_limited", `Too many ${what}; retry in ${periodSeconds} seconds.`);
}

/** Both budgets, per token: on /v1, after authentication (so that the token is known). */
export const rateLimit: MiddlewareHandler<AppBindings> = async (c, next) => {
  await enforce(c, limiterFor(c.req.method));
  return next();
};

/**
 * Reads of what answers without a /v1 token (health, the OpenAPI document and docs, the status page), per address.
 * Changes there are the status page's sign-in, which the failed-authentication throttle guards.
 */
export const rateLimitAnonymousReads: MiddlewareHandler<AppBindings> = async (c, next) => {
  if (limiterFor(c.req.method) === "READ_RATE_LIMITER") await enforce(c, "READ_RATE_LIMITER");
  return next();
};
