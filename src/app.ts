import { OpenAPIHono } from "@hono/zod-openapi";
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
import { notificationRoutes } from "./routes/notifications";
import { passkeyRoutes } from "./routes/passkeys";
import { pickRoutes } from "./routes/picks";
import { profileRoutes } from "./routes/profile";
import { qualityRoutes } from "./routes/quality";
import { sessionRoutes } from "./routes/sessions";
import { signInRoutes } from "./routes/sign-in";
import { playerRoutes } from "./routes/players";
import { userRoutes } from "./routes/users";
import { statusRoutes } from "./status/routes";
import { apiReference, webRoutes } from "./web";

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
  .route("/", notificationRoutes)
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
  // The players' web app (HTML pages and their form posts, outside /v1; src/web, decision 0011).
  app.route("/", webRoutes);
  const routes = app.route("/v1", v1WithoutAccount).route("/v1", v1);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", { type: "http", scheme: "bearer" });
  // The document is the same for every request: built once per isolate (building it from every route's zod schemas
  // allocates megabytes, bench/README.md "Memory: what the heap holds"), sent as the same bytes each time.
  let openApiJson: string | null = null;
  const openApiDocument = () => (openApiJson ??= JSON.stringify(app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "firsttd API",
      version: "1.0.0",
      description: "NFL first-touchdown-scorer pick'em.",
      // The project is private (package.json) and ships no license file: nothing is licensed to anyone. OpenAPI 3.1 asks
      // only for a name; linters (Redocly's info-license-strict) also want a url or an SPDX identifier, and a
      // LicenseRef-... is SPDX's form for a license that is on no list, so no open-source license is claimed.
      // (`identifier` is OpenAPI 3.1's: the type of this argument is 3.0's License Object, which knows only `url`.)
      license: { name: "Proprietary: all rights reserved", identifier: "LicenseRef-Proprietary" } as { name: string },
    },
    // Relative: the Worker that serves this document, whichever host it is reached by (workers.dev, a custom domain,
    // localhost under `npm start`). The repository fixes no production URL, and the document stays the same bytes.
    servers: [{ url: "/", description: "This Worker: the origin that served this document" }],
  })));
  app.get("/openapi.json", (c) => c.body(openApiDocument(), 200, { "content-type": "application/json" }));
  // The API reference, rendered from the document above by the Worker itself (works offline; decision 0011).
  app.get("/docs", apiReference(async () => JSON.parse(openApiDocument())));
  return routes;
}

export const app = createApp();
/** The app's type, for a typed client: `hc<App>("https://...")` from "hono/client". */
export type App = typeof app;
