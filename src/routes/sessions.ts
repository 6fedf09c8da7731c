import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppBindings } from "../env";
import { callerUserSql, requireUserId } from "../http/auth";
import { ApiError } from "../http/errors";
import { createRouter } from "../http/router";
import { errorResponses, IdParamSchema, security } from "../http/schemas";
import { clearSessionCookie } from "../http/session-cookie";
import { csrfTokenFor, endWebSession, WEB_SESSION_COOKIE } from "../http/web-session";
import { listUserSessions, revokeUserSession } from "../services/sessions";
import { SESSION_PURPOSES } from "../db/schema";

export const SessionSchema = z
  .object({
    id: z.number().int(),
    purpose: z.enum(SESSION_PURPOSES).openapi({ description: "'web': the app; 'status': the admin status page" }),
    createdAt: z.string(),
    expiresAt: z.string(),
    lastSeenAt: z.string().nullable().openapi({ description: "Written at most every 5 minutes" }),
    userAgent: z.string().nullable(),
    current: z.boolean().openapi({ description: "The session this request was made with" }),
  })
  .openapi("Session");

const SetCookieHeaders = z.object({
  "Set-Cookie": z.string().openapi({ description: "ftd_session: the session's credential (HttpOnly, SameSite=Lax, Path=/; Secure over https)" }),
});

const listMySessions = createRoute({
  method: "get",
  path: "/me/sessions",
  operationId: "listMySessions",
  tags: ["Sessions"],
  summary: "The caller's signed-in browsers (sessions that still work), newest first",
  security,
  responses: { 200: { description: "Sessions", content: { "application/json": { schema: z.object({ sessions: z.array(SessionSchema) }) } } }, ...errorResponses(403) },
});

const getCurrentSession = createRoute({
  method: "get",
  path: "/me/sessions/current",
  operationId: "getCurrentSession",
  tags: ["Sessions"],
  summary: "The web session this request was made with, and its CSRF token (for a page that lost it); 403 for a bearer token",
  security,
  responses: {
    200: {
      description: "The session and the CSRF token its changes need (x-csrf-token header or _csrf form field)",
      content: { "application/json": { schema: z.object({ session: SessionSchema, csrfToken: z.string() }) } },
    },
    ...errorResponses(403),
  },
});

const revokeMySession = createRoute({
  method: "delete",
  path: "/me/sessions/{id}",
  operationId: "revokeMySession",
  tags: ["Sessions"],
  summary: "End one of the caller's sessions (another browser, or this one: then its cookie is cleared too)",
  security,
  request: { params: IdParamSchema },
  responses: {
    200: { description: "Ended", content: { "application/json": { schema: z.object({ id: z.number().int(), current: z.boolean() }) } } },
    ...errorResponses(403, 404),
  },
});

const signOut = createRoute({
  method: "post",
  path: "/me/sign-out",
  operationId: "signOut",
  tags: ["Sessions"],
  summary: "Sign out: end the web session this request was made with and clear its cookie (403 for a bearer token: revoke tokens instead)",
  security,
  responses: {
    200: {
      description: "Signed out; Set-Cookie clears ftd_session",
      headers: SetCookieHeaders,
      content: { "application/json": { schema: z.object({ id: z.number().int(), ended: z.literal(true) }) } },
    },
    ...errorResponses(403),
  },
});

function currentSessionId(c: Context<AppBindings>): number | undefined {
  const caller = c.get("caller");
  return caller.kind === "user" ? caller.sessionId : undefined;
}

/** The web session of this request, or 403: a bearer caller has none. */
function requireSessionId(c: Context<AppBindings>): number {
  const sessionId = currentSessionId(c);
  if (sessionId === undefined) throw new ApiError("forbidden", "This request was not made with a web session (ftd_session cookie).");
  return sessionId;
}

const router = createRouter();
// The cookie as a security scheme of every /v1 route (security in src/http/schemas.ts).
router.openAPIRegistry.registerComponent("securitySchemes", "sessionCookie", {
  type: "apiKey",
  in: "cookie",
  name: WEB_SESSION_COOKIE.name,
  description: "A player's web session (POST /v1/sign-in/...). Every POST, PUT, PATCH and DELETE made with it also needs its CSRF token in x-csrf-token.",
});

export const sessionRoutes = router
  .openapi(listMySessions, async (c) => {
    const sessions = await listUserSessions(c.get("db"), await callerUserSql(c), new Date());
    const current = currentSessionId(c);
    return c.json({ sessions: sessions.map((session) => ({ ...session, current: session.id === current })) }, 200);
  })
  .openapi(getCurrentSession, async (c) => {
    const sessionId = requireSessionId(c);
    const sessions = await listUserSessions(c.get("db"), requireUserId(c), new Date());
    const session = sessions.find((s) => s.id === sessionId);
    if (!session || !c.env.SESSION_SECRET) throw new ApiError("forbidden", "This request's session has ended.");
    return c.json({ session: { ...session, current: true }, csrfToken: await csrfTokenFor(c.env.SESSION_SECRET, sessionId) }, 200);
  })
  .openapi(revokeMySession, async (c) => {
    const userId = requireUserId(c);
    const { id } = c.req.valid("param");
    if (!(await revokeUserSession(c.get("db"), userId, id, new Date()))) throw new ApiError("session_not_found", `You have no session ${id} that still works.`);
    const current = currentSessionId(c) === id;
    if (current) clearSessionCookie(c, WEB_SESSION_COOKIE);
    return c.json({ id, current }, 200);
  })
  .openapi(signOut, async (c) => {
    const sessionId = requireSessionId(c);
    await endWebSession(c);
    return c.json({ id: sessionId, ended: true as const }, 200);
  });
