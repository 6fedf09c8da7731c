/**
 * A session credential (src/services/sessions.ts) in a cookie: HttpOnly (no script reads it), Secure over https, and
 * limited to the path of the pages it serves. SameSite=Strict by default (no other site's page sends it: the status
 * page); the players' web session is Lax (a link from a mail or a chat opens the app signed in) and every change made
 * with it needs its CSRF token instead (src/http/web-session.ts).
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";

export interface SessionCookie {
  name: string;
  path: string;
  maxAgeSeconds: number;
  sameSite?: "Strict" | "Lax";
}

export function readSessionCookie(c: Context, cookie: SessionCookie): string | undefined {
  const value = getCookie(c, cookie.name);
  return value === undefined || value === "" ? undefined : value;
}

export function writeSessionCookie(c: Context, cookie: SessionCookie, credential: string): void {
  setCookie(c, cookie.name, credential, {
    path: cookie.path,
    httpOnly: true,
    sameSite: cookie.sameSite ?? "Strict",
    secure: new URL(c.req.url).protocol === "https:",
    maxAge: cookie.maxAgeSeconds,
  });
}

export function clearSessionCookie(c: Context, cookie: SessionCookie): void {
  deleteCookie(c, cookie.name, { path: cookie.path });
}
