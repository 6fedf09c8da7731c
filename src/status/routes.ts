/**
 * GET /status: a small server-rendered page for admins (data-quality checks, the trend, the last run of every
 * job). Outside /v1 and the OpenAPI document: it answers HTML, not JSON. Authentication: see ./session.ts.
 */
import { Hono, type Context } from "hono";
import type { AppBindings } from "../env";
import { bearerToken } from "../http/auth";
import { clearSessionCookie, readSessionCookie, writeSessionCookie } from "../http/session-cookie";
import { clientAddressKey } from "../lib/client-address";
import { lastJobRuns, latestQualityRun, qualityResults, qualityTrend } from "../quality/store";
import { loginPage, problemPage, statusPage } from "./page";
import { accessBySession, accessByToken, signIn, signOut, STATUS_COOKIE, type Access } from "./session";

export const TREND_RUNS = 30;

/** No script, no external resource, no framing; inline styles only. */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const TOKEN_IN_URL =
  "A token in the address is never accepted: addresses are kept in history and logs. Treat that token as exposed " +
  "(revoke it, or rotate ADMIN_TOKEN) and sign in with the form.";

type StatusContext = Context<AppBindings>;

function send(c: StatusContext, body: string | Promise<string>, status: 200 | 400 | 401 | 403 | 429 | 500) {
  c.header("content-security-policy", CSP);
  c.header("cache-control", "no-store");
  if (status === 401) c.header("www-authenticate", 'Bearer realm="firsttd status"');
  return c.html(body, status);
}

function refuse(c: StatusContext, access: Exclude<Access, { ok: true }>) {
  if (access.status === 429) c.header("retry-after", String(access.retryAfterSeconds));
  if (access.status === 403 || access.status === 500) return send(c, problemPage(access.status, access.reason), access.status);
  return send(c, loginPage(access.reason), access.status);
}

async function render(c: StatusContext) {
  const db = c.env.DB;
  const run = await latestQualityRun(db);
  const [checks, trend, jobs] = await Promise.all([run ? qualityResults(db, run.id) : [], qualityTrend(db, TREND_RUNS), lastJobRuns(db)]);
  return send(c, statusPage({ now: new Date(), run, checks, trend, jobs }), 200);
}

const client = (c: StatusContext) => clientAddressKey(c.req.raw.headers);

export const statusRoutes = new Hono<AppBindings>()
  .get("/status", async (c) => {
    // Refused outright (not even a session cookie is read), and never echoed.
    if (c.req.query("token") !== undefined) return send(c, loginPage(TOKEN_IN_URL), 400);

    const header = c.req.header("authorization");
    if (header !== undefined) {
      const token = bearerToken(header);
      const access = token
        ? await accessByToken(c.get("db"), c.env, token, client(c), new Date())
        : { ok: false as const, status: 401 as const, reason: "Send 'Authorization: Bearer <token>'." };
      return access.ok ? render(c) : refuse(c, access);
    }

    const session = readSessionCookie(c, STATUS_COOKIE);
    if (session === undefined) return send(c, loginPage(null), 401);
    const access = await accessBySession(c.get("db"), c.env, session, new Date());
    if (access.ok) return render(c);
    clearSessionCookie(c, STATUS_COOKIE);
    return refuse(c, access);
  })
  .post("/status/login", async (c) => {
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const token = typeof form.token === "string" ? form.token : "";
    if (token.trim() === "") return send(c, loginPage("Paste a token."), 401);
    const access = await signIn(c.get("db"), c.env, { token, client: client(c), userAgent: c.req.header("user-agent") }, new Date());
    if (!access.ok) return refuse(c, access);
    if (!access.credential) return send(c, problemPage(500, "Could not start a session."), 500);
    writeSessionCookie(c, STATUS_COOKIE, access.credential);
    c.header("cache-control", "no-store");
    return c.redirect("/status", 303);
  })
  .post("/status/logout", async (c) => {
    const session = readSessionCookie(c, STATUS_COOKIE);
    if (session !== undefined) await signOut(c.get("db"), c.env, session, new Date());
    clearSessionCookie(c, STATUS_COOKIE);
    c.header("cache-control", "no-store");
    return c.redirect("/status", 303);
  });
