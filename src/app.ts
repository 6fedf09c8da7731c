import { OpenAPIHono } from "@hono/zod-openapi";
import { swaggerUI } from "@hono/swagger-ui";
import { cors } from "hono/cors";
import { secureHeaders } from "hono/secure-headers";
import { createDatabase } from "./db/client";
import type { AppBindings } from "./env";
import { adminOnly, authenticate } from "./http/auth";
import { handleError, handleNotFound } from "./http/errors-handler";
import { rateLimitMutations } from "./http/rate-limit";
import { createRouter } from "./http/router";
import { adminRoutes } from "./routes/admin";
import { gameRoutes } from "./routes/games";
import { healthRoutes } from "./routes/health";
import { jobRoutes } from "./routes/jobs";
import { leaderboardRoutes } from "./routes/leaderboards";
import { meRoutes } from "./routes/me";
import { pickRoutes } from "./routes/picks";
import { qualityRoutes } from "./routes/quality";
import { playerRoutes } from "./routes/players";
import { userRoutes } from "./routes/users";
import { statusRoutes } from "./status/routes";
import { benchApp, benchEnabled } from "./routes/bench";
import { BENCH_METRICS_HEADER, emptyUsage, meterD1, usageHeader } from "./services/bench-meter";

function allowedOrigins(setting: string | undefined): string | string[] {
  if (!setting || setting.trim() === "*") return "*";
  return setting.split(",").map((origin) => origin.trim()).filter(Boolean);
}

const v1Middleware = createRouter();
// Registered apart from the route chain below: a chained .use() would erase the routes' types from App.
v1Middleware.use("*", authenticate);
v1Middleware.use("/users/*", adminOnly);
v1Middleware.use("/admin/*", adminOnly);
v1Middleware.use("*", rateLimitMutations);

const v1 = v1Middleware
  .route("/", meRoutes)
  .route("/", userRoutes)
  .route("/", gameRoutes)
  .route("/", playerRoutes)
  .route("/", pickRoutes)
  .route("/", leaderboardRoutes)
  .route("/", adminRoutes)
  .route("/", jobRoutes)
  .route("/", qualityRoutes);

export function createApp() {
  const app = new OpenAPIHono<AppBindings>();
  app.use("*", async (c, next) => {
    const started = Date.now();
    c.set("requestId", c.req.header("cf-ray") ?? crypto.randomUUID());
    // `npm run bench` only (BENCH_METRICS = "1", never set in wrangler.toml): this request's D1 binding is metered
    // and its cost returned in a header (src/services/bench-meter.ts).
    const usage = benchEnabled(c.env) ? emptyUsage() : null;
    if (usage) c.env = { ...c.env, DB: meterD1(c.env.DB, usage) };
    c.set("db", createDatabase(c.env.DB));
    await next();
    c.header("x-request-id", c.get("requestId"));
    if (usage) c.header(BENCH_METRICS_HEADER, usageHeader(usage));
    console.log(
      JSON.stringify({ requestId: c.get("requestId"), method: c.req.method, path: c.req.path, status: c.res.status, ms: Date.now() - started }),
    );
  });
  app.use("*", secureHeaders());
  app.use("*", (c, next) => cors({ origin: allowedOrigins(c.env.CORS_ORIGINS), exposeHeaders: ["x-request-id", "retry-after"] })(c, next));
  app.onError(handleError);
  app.notFound(handleNotFound);

  // Bench-only routes (src/routes/bench.ts): served only when BENCH_METRICS = "1", else this falls through to 404.
  app.use("/__bench/*", async (c, next) => {
    if (!benchEnabled(c.env)) return next();
    return benchApp.fetch(c.req.raw, c.env, c.executionCtx);
  });

  app.route("/", healthRoutes);
  // Admin status page (HTML; its own authentication: bearer header, or a session cookie from its login form).
  app.route("/", statusRoutes);
  const routes = app.route("/v1", v1);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", { type: "http", scheme: "bearer" });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: { title: "firsttd API", version: "1.0.0", description: "NFL first-touchdown-scorer pick'em." },
  });
  app.get("/docs", swaggerUI({ url: "/openapi.json" }));
  return routes;
}

export const app = createApp();
/** The app's type, for a typed client: `hc<App>("https://...")` from "hono/client". */
export type App = typeof app;
