/**
 * The players' web app, served by the same Worker as the API (docs/decisions/0011-web-app.md): server-rendered pages
 * (Hono JSX) whose forms post to the web routes here, which call the same services as /v1 and redirect. Mounted at
 * the root by src/app.ts, outside /v1.
 *
 * The middleware is registered per path prefix, never on "*": mounted at "/", a sub-app's "*" would run for every
 * request of the Worker, /v1 and /status included.
 */
import { Hono } from "hono";
import { assetRoutes } from "./assets";
import { gameRoutes } from "./pages/game";
import { homeRoutes } from "./pages/home";
import { joinRoutes } from "./pages/join";
import { leagueRoutes } from "./pages/league";
import { meRoutes } from "./pages/me";
import { notificationWebRoutes } from "./pages/notifications";
import { signInRoutes } from "./pages/sign-in";
import { signUpRoutes } from "./pages/sign-up";
import { handleWebError } from "./problem";
import { identifyViewer, limitFormPosts, type WebBindings } from "./viewer";

/** Every path a page or a form of the app answers on ("/me/*" matches "/me" too: listing both would run it twice). */
export const WEB_PATHS = ["/", "/games/*", "/leagues/*", "/join/*", "/me/*", "/sign-in/*", "/sign-up", "/sign-out"] as const;

const web = new Hono<WebBindings>();
web.onError(handleWebError);
for (const path of WEB_PATHS) web.use(path, identifyViewer, limitFormPosts);

export const webRoutes = web
  .route("/", assetRoutes)
  .route("/", homeRoutes)
  .route("/", gameRoutes)
  .route("/", leagueRoutes)
  .route("/", joinRoutes)
  .route("/", signInRoutes)
  .route("/", signUpRoutes)
  .route("/", notificationWebRoutes)
  .route("/", meRoutes);

export { apiReference } from "./pages/api-reference";
