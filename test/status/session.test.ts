/**
 * The status page's sessions (src/status/session.ts over src/services/sessions.ts), through the Worker: no secret in
 * the URL, a server-side `sessions` row per sign-in whose cookie is `<random token>.<HMAC under SESSION_SECRET>` with
 * only the token's SHA-256 stored, sign-out that revokes the row, sessions ended by revoking the admin's token,
 * disabling them or taking their admin away, and a 12-hour life.
 */
import { env, SELF } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { sha256Hex, signValue } from "../../src/lib/crypto";
import { ADMIN_TOKEN, api, countRows, createUserWithToken, randomClientAddress, type TestUser } from "../helpers/api";

const SESSION_SECRET = "test-session-secret-0123456789abcdef"; // vitest.config.ts
const COOKIE = /^ftd_status=([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43}); Max-Age=43200; Path=\/status; HttpOnly; SameSite=Strict$/;

let adminUser: TestUser;
let plain: TestUser;

async function page(path: string, init: RequestInit & { cookie?: string } = {}) {
  const headers = new Headers(init.headers);
  headers.set("cf-connecting-ip", randomClientAddress());
  if (init.cookie) headers.set("cookie", init.cookie);
  const response = await SELF.fetch(`http://localhost${path}`, { redirect: "manual", ...init, headers });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** Signs in through the form; returns the cookie pair (`ftd_status=...`) and the parts of its value. */
async function signIn(token: string, userAgent = "vitest") {
  const response = await page("/status/login", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "user-agent": userAgent },
    body: `token=${encodeURIComponent(token)}`,
  });
  expect(response.status).toBe(303);
  expect(response.headers.get("location")).toBe("/status");
  const setCookie = response.headers.get("set-cookie")!;
  const match = COOKIE.exec(setCookie);
  expect(match, setCookie).not.toBeNull();
  return { cookie: setCookie.split(";")[0]!, token: match![1]!, signature: match![2]! };
}

const statusWith = (cookie: string) => page("/status", { cookie });

async function sessionRow(token: string) {
  return env.DB.prepare("SELECT * FROM sessions WHERE token_hash = ?").bind(await sha256Hex(token)).first<Record<string, unknown>>();
}

beforeAll(async () => {
  adminUser = await createUserWithToken("status-admin", true);
  plain = await createUserWithToken("status-plain");
});

afterEach(() => {
  vi.useRealTimers();
});

describe("no secret in the URL", () => {
  it("?token= never signs in, not even with the right token: 400, the form, no cookie, no session, the token echoed nowhere", async () => {
    const sessions = await countRows("SELECT count(*) AS n FROM sessions");
    for (const token of [ADMIN_TOKEN, adminUser.token]) {
      const response = await page(`/status?token=${encodeURIComponent(token)}`);
      expect(response.status).toBe(400);
      expect(response.headers.get("set-cookie")).toBeNull();
      expect(response.text).toContain('<form method="post" action="/status/login">');
      expect(response.text).toContain("never accepted");
      expect(response.text).not.toContain(token);
      expect(response.text).not.toContain(encodeURIComponent(token));
      for (const [, value] of response.headers) expect(value).not.toContain(token);
      expect(response.text).not.toContain('id="job-runs"');
    }
    expect(await countRows("SELECT count(*) AS n FROM sessions")).toBe(sessions);
  });

  it("?token= next to a good session cookie still shows no data", async () => {
    const { cookie } = await signIn(ADMIN_TOKEN);
    const response = await page(`/status?token=${encodeURIComponent(ADMIN_TOKEN)}`, { cookie });
    expect(response.status).toBe(400);
    expect(response.text).not.toContain('id="job-runs"');
  });
});

describe("signing in makes a server-side session", () => {
  it("the operator: a 'status' row with no user, only the token's SHA-256 stored; the cookie is the token and its HMAC under SESSION_SECRET", async () => {
    const { cookie, token, signature } = await signIn(ADMIN_TOKEN, "Mozilla/5.0 test");
    expect(cookie).not.toContain(ADMIN_TOKEN);
    expect(`${token}.${signature}`).toBe(await signValue(SESSION_SECRET, "session", token));
    const row = await sessionRow(token);
    expect(row).toMatchObject({ user_id: null, purpose: "status", revoked_at: null, user_agent: "Mozilla/5.0 test" });
    expect(Date.parse(row!.expires_at as string) - Date.parse(row!.created_at as string)).toBe(12 * 3600 * 1000);
    for (const value of Object.values(row!)) {
      if (typeof value === "string") expect(value.includes(token)).toBe(false);
    }
    const shown = await statusWith(cookie);
    expect(shown.status).toBe(200);
    expect(shown.text).toContain('<section id="job-runs">');
  });

  it("an admin user: the row names them", async () => {
    const { token } = await signIn(adminUser.token);
    expect((await sessionRow(token))!.user_id).toBe(adminUser.id);
  });

  it("each sign-in is a new session", async () => {
    const first = await signIn(ADMIN_TOKEN);
    const second = await signIn(ADMIN_TOKEN);
    expect(first.token).not.toBe(second.token);
  });
});

describe("what the database gives away is not a session", () => {
  it("a cookie made from what the table holds, a tampered signature, a signature under another secret: 401, cookie cleared", async () => {
    const { cookie, token, signature } = await signIn(ADMIN_TOKEN);
    const hash = (await sessionRow(token))!.token_hash as string;
    const forgeries = [
      `ftd_status=${hash}`,
      `ftd_status=${await signValue(hash, "session", hash)}`,
      `ftd_status=${hash}.${signature}`,
      `ftd_status=${token}`,
      `ftd_status=${token}.${signature.slice(0, -2)}AA`,
      `ftd_status=${await signValue("another-secret", "session", token)}`,
      `ftd_status=${await signValue(SESSION_SECRET, "cursor", token)}`,
      // Signed right, but for a token that has no row (whoever knew SESSION_SECRET could make one of these, not a session).
      `ftd_status=${await signValue(SESSION_SECRET, "session", "no-such-session")}`,
    ];
    for (const forged of forgeries) {
      const response = await statusWith(forged);
      expect([forged, response.status]).toEqual([forged, 401]);
      expect(response.headers.get("set-cookie")).toMatch(/^ftd_status=; Max-Age=0; Path=\/status/);
      expect(response.text).not.toContain('id="job-runs"');
    }
    expect((await statusWith(cookie)).status).toBe(200);
  });
});

describe("a session ends", () => {
  it("on sign-out: the row is revoked and the cookie, replayed, no longer works", async () => {
    const { cookie, token } = await signIn(adminUser.token);
    const out = await page("/status/logout", { method: "POST", cookie });
    expect(out.status).toBe(303);
    expect(out.headers.get("set-cookie")).toMatch(/^ftd_status=; Max-Age=0; Path=\/status/);
    expect((await sessionRow(token))!.revoked_at).not.toBeNull();
    const replayed = await statusWith(cookie);
    expect(replayed.status).toBe(401);
    expect(replayed.text).toContain("The session has ended: sign in again.");
  });

  it("after 12 hours", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2031-06-01T08:00:00Z"));
    const { cookie } = await signIn(ADMIN_TOKEN);
    vi.setSystemTime(new Date("2031-06-01T19:59:59Z"));
    expect((await statusWith(cookie)).status).toBe(200);
    vi.setSystemTime(new Date("2031-06-01T20:00:00Z"));
    const expired = await statusWith(cookie);
    expect(expired.status).toBe(401);
    expect(expired.text).toContain("The session expired");
  });

  it("when the admin's token is revoked (by them, or by another admin)", async () => {
    const admin = await createUserWithToken(undefined, true);
    const spare = (await api("/v1/me/tokens", { method: "POST", token: admin.token, body: { name: "spare" } })).json;
    const first = await signIn(admin.token);
    expect((await statusWith(first.cookie)).status).toBe(200);
    await api(`/v1/me/tokens/${admin.tokenId}`, { method: "DELETE", token: admin.token });
    expect((await statusWith(first.cookie)).status).toBe(401);

    const second = await signIn(spare.token);
    expect((await statusWith(second.cookie)).status).toBe(200);
    expect((await api(`/v1/users/${admin.id}/tokens/${spare.id}`, { method: "DELETE", token: adminUser.token })).status).toBe(200);
    expect((await statusWith(second.cookie)).status).toBe(401);
  });

  it("when the admin is disabled (and stays ended once enabled again), or loses admin", async () => {
    const admin = await createUserWithToken(undefined, true);
    const { cookie } = await signIn(admin.token);
    expect((await api(`/v1/users/${admin.id}`, { method: "PATCH", body: { disabled: true } })).status).toBe(200);
    expect((await statusWith(cookie)).status).toBe(401);
    expect((await api(`/v1/users/${admin.id}`, { method: "PATCH", body: { disabled: false } })).status).toBe(200);
    expect((await statusWith(cookie)).status).toBe(401);

    const again = await signIn(admin.token);
    expect((await statusWith(again.cookie)).status).toBe(200);
    expect((await api(`/v1/users/${admin.id}`, { method: "PATCH", body: { isAdmin: false } })).status).toBe(200);
    expect((await statusWith(again.cookie)).status).toBe(401);
    // And their token no longer opens a session.
    expect((await page("/status/login", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: `token=${admin.token}` })).status).toBe(403);
  });

  it("a disabled user whose row was somehow left live is refused by the check itself", async () => {
    const admin = await createUserWithToken(undefined, true);
    const { cookie } = await signIn(admin.token);
    await env.DB.prepare("UPDATE users SET disabled_at = '2030-01-01T00:00:00Z' WHERE id = ?").bind(admin.id).run();
    const refused = await statusWith(cookie);
    expect(refused.status).toBe(401);
    expect(refused.text).toContain("the account is disabled");
  });
});

describe("who may sign in", () => {
  it("a plain user's token: 403 and no session; an expired or a disabled admin's token: 401 and no session", async () => {
    const post = (token: string) =>
      page("/status/login", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: `token=${encodeURIComponent(token)}` });
    const sessions = await countRows("SELECT count(*) AS n FROM sessions");
    expect((await post(plain.token)).status).toBe(403);
    const expired = await createUserWithToken(undefined, true);
    await env.DB.prepare("UPDATE api_tokens SET expires_at = '2020-01-01T00:00:00Z' WHERE id = ?").bind(expired.tokenId).run();
    const refused = await post(expired.token);
    expect(refused.status).toBe(401);
    expect(refused.text).toContain("expired at 2020-01-01T00:00:00Z");
    const disabled = await createUserWithToken(undefined, true);
    await env.DB.prepare("UPDATE users SET disabled_at = '2030-01-01T00:00:00Z' WHERE id = ?").bind(disabled.id).run();
    expect((await post(disabled.token)).status).toBe(401);
    expect(await countRows("SELECT count(*) AS n FROM sessions")).toBe(sessions);
  });
});
