/**
 * GET /status: a small server-rendered page for admins (data-quality checks, the trend, the last run of every
 * job). Outside /v1 and the OpenAPI document: it answers HTML, not JSON. Authentication: see ./session.ts.
 */
import { Hono, type Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { AppBindings } from "../env";
import { lastJobRuns, latestQualityRun, qualityResults, qualityTrend } from "../quality/store";
import { loginPage, problemPage, statusPage } from "./page";
import { accessBySession, accessByToken, bearerToken, SESSION_COOKIE, SESSION_SECONDS } from "./session";

export const TREND_RUNS = 30;

/** No script, no external resource, no framing; inline styles only. */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

type StatusContext = Context<AppBindings>;

function send(c: StatusContext, body: string | Promise<string>, status: 200 | 401 | 403) {
  c.header("content-security-policy", CSP);
  c.header("cache-control", "no-store");
  if (status === 401) c.header("www-authenticate", 'Bearer realm="firsttd status"');
  return c.html(body, status);
}

function startSession(c: StatusContext, session: string) {
  setCookie(c, SESSION_COOKIE, session, {
    path: "/status",
    httpOnly: true,
    sameSite: "Strict",
    secure: new URL(c.req.url).protocol === "https:",
    maxAge: SESSION_SECONDS,
  });
  c.header("cache-control", "no-store");
  return c.redirect("/status", 303);
}

async function render(c: StatusContext) {
  const db = c.env.DB;
  const run = await latestQualityRun(db);
  const [checks, trend, jobs] = await Promise.all([run ? qualityResults(db, run.id) : [], qualityTrend(db, TREND_RUNS), lastJobRuns(db)]);
  return send(c, statusPage({ now: new Date(), run, checks, trend, jobs }), 200);
}

/** A token from the query or the login form: good ones start a session, bad ones get the form again. */
async function signIn(c: StatusContext, token: string) {
  const access = await accessByToken(c.env, token, new Date());
  if (access.ok && access.session) return startSession(c, access.session);
  if (access.ok) return send(c, loginPage("Could not start a session."), 401);
  return send(c, access.status === 403 ? problemPage(403, access.reason) : loginPage(access.reason), access.status);
}

export const statusRoutes = new Hono<AppBindings>()
  .get("/status", async (c) => {
    const queryToken = c.req.query("token");
    if (queryToken !== undefined) return signIn(c, queryToken);

    const header = c.req.header("authorization");
    if (header !== undefined) {
      const token = bearerToken(header);
      const access = token ? await accessByToken(c.env, token, new Date()) : { ok: false as const, status: 401 as const, reason: "Send 'Authorization: Bearer <token>'." };
      if (access.ok) return render(c);
      return send(c, access.status === 403 ? problemPage(403, access.reason) : loginPage(access.reason), access.status);
    }

    const session = getCookie(c, SESSION_COOKIE);
    if (session === undefined) return send(c, loginPage(null), 401);
    const access = await accessBySession(c.env, session, new Date());
    if (access.ok) return render(c);
    deleteCookie(c, SESSION_COOKIE, { path: "/status" });
    return send(c, access.status === 403 ? problemPage(403, access.reason) : loginPage(access.reason), access.status);
  })
  .post("/status/login", async (c) => {
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const token = typeof form.token === "string" ? form.token : "";
    if (token.trim() === "") return send(c, loginPage("Paste a token."), 401);
    return signIn(c, token);
  })
  .post("/status/logout", (c) => {
    deleteCookie(c, SESSION_COOKIE, { path: "/status" });
    c.header("cache-control", "no-store");
    return c.redirect("/status", 303);
  });
