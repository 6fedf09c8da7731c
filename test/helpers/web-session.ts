import { env } from "cloudflare:test";
import { expect } from "vitest";
import { nowIso } from "../../src/lib/clock";
import { randomSecret, sha256Hex } from "../../src/lib/crypto";
import { api, type ApiResponse } from "./api";

/** A player's signed-in browser: the cookie pair to send (`ftd_session=...`) and the CSRF token its changes need. */
export interface WebSession {
  cookie: string;
  csrfToken: string;
  sessionId: number;
}

/** `ftd_session=<value>` from a response's Set-Cookie, or null. */
export function sessionCookieOf(response: ApiResponse): string | null {
  const setCookie = response.headers.get("set-cookie");
  const match = /(?:^|,\s*)(ftd_session=[^;]*)/.exec(setCookie ?? "");
  return match ? match[1]! : null;
}

/** A one-time sign-in link's token for the user, written straight to the table as issueSignInLink writes it. */
export async function seedSignInLink(userId: number, options: { expiresAt?: string } = {}): Promise<string> {
  const token = randomSecret();
  await env.DB.prepare("INSERT INTO sign_in_links (user_id, token_hash, created_by, created_at, expires_at) VALUES (?, ?, 'test', ?, ?)")
    .bind(userId, await sha256Hex(token), nowIso(), options.expiresAt ?? nowIso(new Date(Date.now() + 60 * 60 * 1000)))
    .run();
  return token;
}

/** Signs the user in through POST /v1/sign-in/link, as a browser would, asserting 200. */
export async function signInAs(userId: number, headers: Record<string, string> = {}): Promise<WebSession> {
  const response = await api("/v1/sign-in/link", { method: "POST", token: null, body: { token: await seedSignInLink(userId) }, headers });
  expect(response.status, JSON.stringify(response.json)).toBe(200);
  const cookie = sessionCookieOf(response);
  expect(cookie).not.toBeNull();
  return { cookie: cookie!, csrfToken: response.json.csrfToken, sessionId: response.json.session.id };
}

/** A request made by a signed-in browser: the cookie, no bearer token; `csrf` true sends the session's CSRF token. */
export function asBrowser(session: WebSession, path: string, init: { method?: string; body?: unknown; csrf?: boolean | string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { cookie: session.cookie, ...init.headers };
  if (init.csrf === true) headers["x-csrf-token"] = session.csrfToken;
  else if (typeof init.csrf === "string") headers["x-csrf-token"] = init.csrf;
  return api(path, { method: init.method, body: init.body, token: null, headers });
}
