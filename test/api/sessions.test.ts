/**
 * Players' web sessions (src/http/web-session.ts): the ftd_session cookie authenticates /v1 like a token, every change
 * made with it needs the session's CSRF token (a bearer token needs none), the owner lists and ends their sessions,
 * signing out ends the row and clears the cookie, and a disabled user's session stops at once.
 */
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { signValue } from "../../src/lib/crypto";
import { api, countRows, createUserWithToken, expectError, makePick, randomClientAddress, seedMatchup, seedTeams } from "../helpers/api";
import { asBrowser, seedSignInLink, sessionCookieOf, signInAs } from "../helpers/web-session";

const SESSION_SECRET = "test-session-secret-0123456789abcdef"; // vitest.config.ts
const tokensOf = (userId: number) => countRows("SELECT count(*) AS n FROM api_tokens WHERE user_id = ?", userId);

describe("the session cookie", () => {
  it("is HttpOnly, SameSite=Lax, Path=/, 30 days; Secure over https", async () => {
    const user = await createUserWithToken();
    const http = await api("/v1/sign-in/link", { method: "POST", token: null, body: { token: await seedSignInLink(user.id) } });
    expect(http.status).toBe(200);
    expect(http.headers.get("set-cookie")).toMatch(/^ftd_session=[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}; Max-Age=2592000; Path=\/; HttpOnly; SameSite=Lax$/);
    const https = await SELF.fetch("https://localhost/v1/sign-in/link", {
      method: "POST",
      headers: { "content-type": "application/json", "cf-connecting-ip": randomClientAddress() },
      body: JSON.stringify({ token: await seedSignInLink(user.id) }),
    });
    expect(https.status).toBe(200);
    expect(https.headers.get("set-cookie")).toMatch(/; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
  });

  it("authenticates /v1 reads as its user (via 'session'); without it or forged: 401, and a refused cookie is cleared", async () => {
    const user = await createUserWithToken();
    const session = await signInAs(user.id);
    const me = await asBrowser(session, "/v1/me");
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ user: { id: user.id }, isAdmin: false, via: "session" });
    expect((await asBrowser(session, "/v1/me/picks")).status).toBe(200);

    expectError(await api("/v1/me", { token: null }), 401, "unauthorized");
    const [value] = session.cookie.split(".");
    const forged = await api("/v1/me", { token: null, headers: { cookie: `${value}.${"A".repeat(43)}` } });
    expectError(forged, 401, "unauthorized");
    expect(forged.headers.get("set-cookie")).toMatch(/^ftd_session=; Max-Age=0; Path=\//);
  });

  it("a bearer header wins over a cookie", async () => {
    const [owner, other] = [await createUserWithToken(), await createUserWithToken()];
    const session = await signInAs(owner.id);
    const me = await api("/v1/me", { token: other.token, headers: { cookie: session.cookie } });
    expect(me.json).toMatchObject({ user: { id: other.id }, via: "user_token" });
  });
});

describe("CSRF: every change made with the cookie needs the session's token", () => {
  it("without it: 403 csrf_token_invalid and nothing changes (POST and DELETE alike)", async () => {
    const user = await createUserWithToken();
    const session = await signInAs(user.id);
    const before = await tokensOf(user.id);
    const post = await asBrowser(session, "/v1/me/tokens", { method: "POST", body: { name: "web" } });
    expectError(post, 403, "csrf_token_invalid");
    expect(post.json.error.message).toContain("x-csrf-token");
    expect(await tokensOf(user.id)).toBe(before);
    // Refused before the route runs: not the 404 an unknown token id would get.
    expectError(await asBrowser(session, "/v1/me/tokens/99999999", { method: "DELETE" }), 403, "csrf_token_invalid");
    expectError(await asBrowser(session, "/v1/me/sign-out", { method: "POST" }), 403, "csrf_token_invalid");
    expect(await countRows("SELECT count(*) AS n FROM sessions WHERE id = ? AND revoked_at IS NULL", session.sessionId)).toBe(1);
  });

  it("another session's token, an edited one or a token signed for another purpose: 403", async () => {
    const user = await createUserWithToken();
    const [session, other] = [await signInAs(user.id), await signInAs(user.id)];
    const attempts = [other.csrfToken, `${session.csrfToken}x`, await signValue(SESSION_SECRET, "cursor", String(session.sessionId)), String(session.sessionId)];
    for (const csrf of attempts) {
      expectError(await asBrowser(session, "/v1/me/tokens", { method: "POST", body: { name: "web" }, csrf }), 403, "csrf_token_invalid");
    }
    expect(await tokensOf(user.id)).toBe(1);
  });

  it("with it, in the x-csrf-token header or a _csrf form field: the change is made", async () => {
    const user = await createUserWithToken();
    const session = await signInAs(user.id);
    const made = await asBrowser(session, "/v1/me/tokens", { method: "POST", body: { name: "web" }, csrf: true });
    expect(made.status).toBe(201);
    expect(await tokensOf(user.id)).toBe(2);

    const form = await asBrowser(session, "/v1/me/sign-out", {
      method: "POST",
      body: `_csrf=${encodeURIComponent(session.csrfToken)}`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(form.status).toBe(200);
    expect(form.json).toEqual({ id: session.sessionId, ended: true });
  });

  it("a pick made with the cookie records the session as its credential (changed_by 'session:<id>')", async () => {
    const season = 2091;
    const teams = await seedTeams(season, ["KC", "BUF"]);
    const game = await seedMatchup(season, 1, "KC", "BUF");
    const user = await createUserWithToken();
    const session = await signInAs(user.id);
    const pick = await asBrowser(session, "/v1/picks", { method: "POST", body: { gameId: game, playerId: teams.KC!.QB }, csrf: true });
    expect(pick.status).toBe(201);
    const row = await env.DB.prepare("SELECT changed_by FROM picks WHERE user_id = ?").bind(user.id).first<{ changed_by: string }>();
    expect(row!.changed_by).toBe(`session:${session.sessionId}`);
  });

  it("a bearer change needs none, even with a session cookie along", async () => {
    const season = 2092;
    const teams = await seedTeams(season, ["KC", "BUF"]);
    const game = await seedMatchup(season, 1, "KC", "BUF");
    const user = await createUserWithToken();
    const session = await signInAs(user.id);
    expect((await api("/v1/me/tokens", { method: "POST", token: user.token, body: { name: "script" } })).status).toBe(201);
    expect((await api("/v1/me/tokens", { method: "POST", token: user.token, body: { name: "both" }, headers: { cookie: session.cookie } })).status).toBe(201);
    await makePick(user, game, teams.KC!.QB);
  });

  it("GET /v1/me/sessions/current answers the same token (for a page that lost it); a bearer caller has no session: 403", async () => {
    const user = await createUserWithToken();
    const session = await signInAs(user.id, { "user-agent": "Firefox test" });
    const current = await asBrowser(session, "/v1/me/sessions/current");
    expect(current.status).toBe(200);
    expect(current.json.csrfToken).toBe(session.csrfToken);
    expect(current.json.session).toMatchObject({ id: session.sessionId, purpose: "web", userAgent: "Firefox test", current: true });
    expectError(await api("/v1/me/sessions/current", { token: user.token }), 403, "forbidden");
  });
});

describe("the owner lists and ends their sessions", () => {
  it("lists the sessions that still work, newest first, marking the current one; never another user's", async () => {
    const [user, stranger] = [await createUserWithToken(), await createUserWithToken()];
    const laptop = await signInAs(user.id, { "user-agent": "laptop" });
    const phone = await signInAs(user.id, { "user-agent": "phone" });
    await signInAs(stranger.id);
    const ended = await signInAs(user.id);
    await env.DB.prepare("UPDATE sessions SET revoked_at = created_at WHERE id = ?").bind(ended.sessionId).run();

    const list = await asBrowser(phone, "/v1/me/sessions");
    expect(list.status).toBe(200);
    expect(list.json.sessions.map((s: { id: number; userAgent: string; current: boolean }) => [s.id, s.userAgent, s.current])).toEqual([
      [phone.sessionId, "phone", true],
      [laptop.sessionId, "laptop", false],
    ]);
    const byToken = await api("/v1/me/sessions", { token: user.token });
    expect(byToken.json.sessions.map((s: { current: boolean }) => s.current)).toEqual([false, false]);
  });

  it("DELETE /v1/me/sessions/{id} ends another browser's session: its cookie is refused from then on", async () => {
    const user = await createUserWithToken();
    const [laptop, phone] = [await signInAs(user.id), await signInAs(user.id)];
    const revoke = await asBrowser(phone, `/v1/me/sessions/${laptop.sessionId}`, { method: "DELETE", csrf: true });
    expect(revoke.status).toBe(200);
    expect(revoke.json).toEqual({ id: laptop.sessionId, current: false });
    expect(sessionCookieOf(revoke)).toBeNull();
    expectError(await asBrowser(laptop, "/v1/me"), 401, "unauthorized");
    expect((await asBrowser(phone, "/v1/me")).status).toBe(200);
    // Ending it again, or a session of someone else: 404.
    expectError(await asBrowser(phone, `/v1/me/sessions/${laptop.sessionId}`, { method: "DELETE", csrf: true }), 404, "session_not_found");
    const stranger = await signInAs((await createUserWithToken()).id);
    expectError(await asBrowser(phone, `/v1/me/sessions/${stranger.sessionId}`, { method: "DELETE", csrf: true }), 404, "session_not_found");
    expect((await asBrowser(stranger, "/v1/me")).status).toBe(200);
  });

  it("a token can end its user's sessions too (a lost laptop, from a script)", async () => {
    const user = await createUserWithToken();
    const laptop = await signInAs(user.id);
    expect((await api(`/v1/me/sessions/${laptop.sessionId}`, { method: "DELETE", token: user.token })).status).toBe(200);
    expectError(await asBrowser(laptop, "/v1/me"), 401, "unauthorized");
  });

  it("signing out ends the session server-side and clears the cookie; the old cookie is refused", async () => {
    const user = await createUserWithToken();
    const session = await signInAs(user.id);
    const out = await asBrowser(session, "/v1/me/sign-out", { method: "POST", csrf: true });
    expect(out.status).toBe(200);
    expect(out.headers.get("set-cookie")).toMatch(/^ftd_session=; Max-Age=0; Path=\//);
    const row = await env.DB.prepare("SELECT revoked_at FROM sessions WHERE id = ?").bind(session.sessionId).first<{ revoked_at: string | null }>();
    expect(row!.revoked_at).not.toBeNull();
    expectError(await asBrowser(session, "/v1/me"), 401, "unauthorized");
    // A bearer caller has no session to end.
    expectError(await api("/v1/me/sign-out", { method: "POST", token: user.token }), 403, "forbidden");
  });

  it("signing in again on the same browser ends the session it held", async () => {
    const user = await createUserWithToken();
    const first = await signInAs(user.id);
    const second = await signInAs(user.id, { cookie: first.cookie });
    expectError(await asBrowser(first, "/v1/me"), 401, "unauthorized");
    expect((await asBrowser(second, "/v1/me")).status).toBe(200);
  });
});

describe("sessions that must not work", () => {
  it("a disabled user's session is refused at once, even before any revocation", async () => {
    const user = await createUserWithToken();
    const session = await signInAs(user.id);
    expect((await asBrowser(session, "/v1/me")).status).toBe(200);
    // Straight in the table: the check at every request is what is tested, not the revocation that disabling also does.
    await env.DB.prepare("UPDATE users SET disabled_at = '2026-01-01T00:00:00Z' WHERE id = ?").bind(user.id).run();
    const refused = await asBrowser(session, "/v1/me");
    expectError(refused, 401, "unauthorized");
    expect(refused.json.error.message).toContain("disabled");
  });

  it("an expired session: 401", async () => {
    const user = await createUserWithToken();
    const session = await signInAs(user.id);
    await env.DB.prepare("UPDATE sessions SET expires_at = '2020-01-01T00:00:00Z' WHERE id = ?").bind(session.sessionId).run();
    expectError(await asBrowser(session, "/v1/me"), 401, "unauthorized");
  });

  it("a status-page session cookie value does not open a web session (the purposes are apart)", async () => {
    const admin = await createUserWithToken(undefined, true);
    const login = await SELF.fetch("http://localhost/status/login", {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": randomClientAddress() },
      body: `token=${encodeURIComponent(admin.token)}`,
    });
    const statusValue = login.headers.get("set-cookie")!.split(";")[0]!.split("=")[1]!;
    expectError(await api("/v1/me", { token: null, headers: { cookie: `ftd_session=${statusValue}` } }), 401, "unauthorized");
  });
});
