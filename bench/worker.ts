/**
 * The Worker that `npm run bench` runs (scripts/bench/runtime.ts bundles this file, not src/index.ts): the production
 * Worker unchanged, wrapped. Each request gets a D1 binding that meters every statement (./d1-meter.ts) and its answer
 * a header with the sums; /__bench/* is served here (./routes.ts). wrangler.toml's `main` is src/index.ts, which
 * imports nothing from bench/, so none of this reaches a deployment (test/build/production-bundle.node.ts builds the
 * production bundle and checks).
 */
import production from "../src/index";
import type { AppEnv } from "../src/env";
import { D1_USAGE_HEADER, emptyUsage, meterD1, usageHeader } from "./d1-meter";
import { benchApp } from "./routes";

const BENCH_PATHS = "/__bench/";

export default {
  async fetch(request, env, ctx) {
    // /__bench/sql runs any SQL for the admin token: refuse to serve with production's vars (wrangler.toml sets
    // ENVIRONMENT = "production"; the bench runs with "bench"), in case someone deploys this entry by hand.
    if (env.ENVIRONMENT === "production") return new Response("The bench Worker does not run in production.\n", { status: 503 });
    const usage = emptyUsage();
    const metered: AppEnv = { ...env, DB: meterD1(env.DB, usage) };
    const isBenchPath = new URL(request.url).pathname.startsWith(BENCH_PATHS);
    const response = isBenchPath ? await benchApp.fetch(request, metered, ctx) : await production.fetch(request, metered, ctx);
    return withHeader(response, D1_USAGE_HEADER, usageHeader(usage));
  },
  scheduled: production.scheduled,
} satisfies ExportedHandler<AppEnv>;

/** Hono's responses have mutable headers; a response passed through from elsewhere may not, and is copied. */
function withHeader(response: Response, name: string, value: string): Response {
  try {
    response.headers.set(name, value);
    return response;
  } catch {
    const copy = new Response(response.body, response);
    copy.headers.set(name, value);
    return copy;
  }
}
