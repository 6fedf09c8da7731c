import { OpenAPIHono } from "@hono/zod-openapi";
import { swaggerUI } from "@hono/swagger-ui";
import { except } from "hono/combine";
import { secureHeaders } from "hono/secure-headers";
import type { AppBindings } from "./env";
import { adminOnly, authenticate } from "./http/auth";
import { limitRequestBody } from "./http/body-limit";
import { handleError, handleNotFound } from "./http/errors-handler";
import { rateLimit, rateLimitAnonymousReads } from "./http/rate-limit";
import { corsFromEnv, requestContext } from "./http/request-context";
import { createRouter } from "./http/router";
import { adminRoutes } from "./routes/admin";
import { accountRoutes } from "./routes/accounts";
import { auditRoutes } from "./routes/audit";
import { gameRoutes } from "./routes/games";
import { healthRoutes } from "./routes/health";
import { inviteRoutes, publicInviteRoutes } from "./routes/invites";
import { jobRoutes } from "./routes/jobs";
import { leaderboardRoutes } from "./routes/leaderboards";
import { leagueRoutes } from "./routes/leagues";
import { meRoutes } from "./routes/me";
import { passkeyRoutes } from "./routes/passkeys";
import { pickRoutes } from "./routes/picks";
import { profileRoutes } from "./routes/profile";
import { qualityRoutes } from "./routes/quality";
import { sessionRoutes } from "./routes/sessions";
import { signInRoutes } from "./routes/sign-in";
import { playerRoutes } from "./routes/players";
import { userRoutes } from "./routes/users";
import { statusRoutes } from "./status/routes";

const v1Middleware = createRouter();
// Registered apart from the route chain below: a chained .use() would erase the routes' types from App.
v1Middleware.use("*", authenticate);
v1Middleware.use("/users/*", adminOnly);
v1Middleware.use("/admin/*", adminOnly);
v1Middleware.use("*", rateLimit);

// Routes a person without an account calls (each authenticates only a request that sends credentials, and is
// rate-limited per token or address): mounted before the /v1 chain, whose authentication they answer ahead of.
const v1WithoutAccount = createRouter().route("/", accountRoutes).route("/", publicInviteRoutes);

const v1 = v1Middleware
  .route("/", meRoutes)
  .route("/", profileRoutes)
  .route("/", sessionRoutes)
  .route("/", passkeyRoutes)
  .route("/", signInRoutes)
  .route("/", userRoutes)
  .route("/", gameRoutes)
  .route("/", playerRoutes)
  .route("/", pickRoutes)
  .route("/", leaderboardRoutes)
  .route("/", leagueRoutes)
  .route("/", inviteRoutes)
  .route("/", adminRoutes)
  .route("/", auditRoutes)
  .route("/", jobRoutes)
  .route("/", qualityRoutes);

export function createApp() {
  const app = new OpenAPIHono<AppBindings>();
  app.use("*", requestContext);
  app.use("*", secureHeaders());
  app.use("*", corsFromEnv);
  app.use("*", limitRequestBody());
  // /v1 limits per token after its authentication; what answers without one is limited per address here.
  app.use("*", except("/v1/*", rateLimitAnonymousReads));
  app.onError(handleError);
  app.notFound(handleNotFound);

  app.route("/", healthRoutes);
  // Admin status page (HTML; its own authentication: bearer header, or a session cookie from its login form).
  app.route("/", statusRoutes);
  const routes = app.route("/v1", v1WithoutAccount).route("/v1", v1);

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
