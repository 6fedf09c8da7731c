/**
 * A session credential (src/services/sessions.ts) in a cookie: HttpOnly (no script reads it), SameSite=Strict (no
 * other site's page sends it: no cross-site request forgery of a signed-in action), Secure over https, and limited
 * to the path of the pages it serves.
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";

export interface SessionCookie {
  name: string;
  path: string;
  maxAgeSeconds: number;
}

export function readSessionCookie(c: Context, cookie: SessionCookie): string | undefined {
  const value = getCookie(c, cookie.name);
  return value === undefined || value === "" ? undefined : value;
}

export function writeSessionCookie(c: Context, cookie: SessionCookie, credential: string): void {
  setCookie(c, cookie.name, credential, {
    path: cookie.path,
    httpOnly: true,
    sameSite: "Strict",
    secure: new URL(c.req.url).protocol === "https:",
    maxAge: cookie.maxAgeSeconds,
  });
}

export function clearSessionCookie(c: Context, cookie: SessionCookie): void {
  deleteCookie(c, cookie.name, { path: cookie.path });
}
