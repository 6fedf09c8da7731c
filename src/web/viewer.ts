/**
 * Who looks at a page: the user of the web session cookie (`ftd_session`), read by the same code as the API's
 * authentication (callerOfWebSession of src/http/web-session.ts), so that a form post made with the cookie is held to
 * the same CSRF rule as /v1: its `_csrf` field (or x-csrf-token) must be the session's token, or 403
 * csrf_token_invalid. One implementation of the guard for both.
 *
 * A missing, expired or revoked session is no viewer (the cookie is cleared): pages that need one send the browser
 * to /sign-in. Web form posts are also refused when the browser says they come from another site (Origin), which
 * covers the forms that work without a session (joining, a sign-in link): a cross-site page could otherwise sign a
 * browser into an account of the attacker's.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { AppBindings, AppVariables } from "../env";
import { ApiError } from "../http/errors";
import { rateLimit } from "../http/rate-limit";
import { webOrigin } from "../http/relying-party";
import { csrfTokenFor, webSessionCredential, webSessionUser } from "../http/web-session";

export interface Viewer {
  userId: number;
  name: string;
  isAdmin: boolean;
  sessionId: number;
  /** The session's CSRF token: a hidden `_csrf` field of every form the page renders. */
  csrfToken: string;
}

export type WebBindings = { Bindings: AppBindings["Bindings"]; Variables: AppVariables & { viewer: Viewer | null } };
export type WebContext = Context<WebBindings>;

/** The same request as the API's helpers type it (the web's variables are a superset of the app's). */
export function asAppContext(c: WebContext): Context<AppBindings> {
  return c as unknown as Context<AppBindings>;
}

/**
 * A form post from a page of another site: refused. Browsers say where a request comes from in Sec-Fetch-Site
 * (Chromium, Firefox, Safari 16.4+: "same-origin" for our own forms, whatever the referrer policy) and in Origin
 * (older ones; "null" when the sending page hides its origin, which a hostile page can choose: refused too). A client
 * that sends neither is no browser, and has no cookie a page could have lent it.
 */
function refuseCrossSiteForm(c: WebContext): void {
  const site = c.req.header("sec-fetch-site");
  if (site !== undefined) {
    if (site === "same-origin" || site === "none") return;
  } else {
    const origin = c.req.header("origin");
    if (origin === undefined || origin === new URL(c.req.url).origin || origin === webOrigin(asAppContext(c))) return;
  }
  throw new ApiError("forbidden", "This form was sent from another site: open the page here and send it again.");
}

/** Sets c.var.viewer (null: signed out) and, for the rate limiters, c.var.caller. */
export const identifyViewer: MiddlewareHandler<WebBindings> = async (c, next) => {
  c.set("viewer", null);
  if (c.req.method === "POST") refuseCrossSiteForm(c);
  const credential = webSessionCredential(asAppContext(c));
  if (credential !== undefined) {
    try {
      const { caller, name } = await webSessionUser(asAppContext(c), credential);
      if (caller.sessionId !== undefined && c.env.SESSION_SECRET) {
        c.set("caller", caller);
        c.set("viewer", {
          userId: caller.userId,
          name,
          isAdmin: caller.isAdmin,
          sessionId: caller.sessionId,
          csrfToken: await csrfTokenFor(c.env.SESSION_SECRET, caller.sessionId),
        });
      }
    } catch (error) {
      // A session that ended is no viewer (its cookie is cleared); a missing CSRF token is refused.
      if (!(error instanceof ApiError && error.code === "unauthorized")) throw error;
    }
  }
  return next();
};

/** The form posts count in the same change budget as /v1 (per session, or per address without one). */
export const limitFormPosts: MiddlewareHandler<WebBindings> = async (c, next) => {
  if (c.req.method !== "POST") return next();
  return rateLimit(asAppContext(c), next);
};

/** A local path to come back to after signing in (never another site: `//host` and `/\host` are refused). */
export function localPath(value: string | undefined | null, fallback = "/"): string {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return fallback;
  return value;
}

/** The sign-in page, coming back to this page afterwards. */
export function signInRedirect(c: WebContext): Response {
  const url = new URL(c.req.url);
  return c.redirect(`/sign-in?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
}
