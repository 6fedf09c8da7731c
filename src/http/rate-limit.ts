import type { MiddlewareHandler } from "hono";
import type { AppBindings } from "../env";
import { ApiError } from "./errors";

const MUTATING_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
/** The period configured for the binding in wrangler.toml (seconds); a client may retry after it. */
export const RATE_LIMIT_PERIOD_SECONDS = 60;

/** Workers rate limiting on mutating endpoints, per caller (token), after authentication. */
export const rateLimitMutations: MiddlewareHandler<AppBindings> = async (c, next) => {
  const limiter = c.env.MUTATION_RATE_LIMITER;
  if (!limiter || !MUTATING_METHODS.has(c.req.method)) return next();
  const caller = c.get("caller");
  const key = caller.kind === "user" ? `token:${caller.tokenId}` : "admin_token";
  const { success } = await limiter.limit({ key });
  if (!success) {
    c.header("Retry-After", String(RATE_LIMIT_PERIOD_SECONDS));
    throw new ApiError("rate_limited", `Too many changes; retry in ${RATE_LIMIT_PERIOD_SECONDS} seconds.`);
  }
  return next();
};
