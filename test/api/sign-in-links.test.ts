/**
 * One-time sign-in links (src/services/sign-in-links.ts): issued by the operator only (or, through issueSignInLink, by a
 * commissioner), audited, only the token's SHA-256 stored; used once within 24 hours to start a web session; used or
 * expired 410, unknown 404.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createDatabase } from "../../src/db/client";
import { relyingParty } from "../../src/http/relying-party";
import { sha256Hex } from "../../src/lib/crypto";
import { AUTH_FAILURE_LIMIT } from "../../src/services/auth-throttle";
import { issueSignInLink } from "../../src/services/sign-in-links";
import { ADMIN_TOKEN, api, countRows, createUserWithToken, expectError, randomClientAddress } from "../helpers/api";
import { asBrowser, seedSignInLink, sessionCookieOf, signInAs } from "../helpers/web-session";

const LINK = /^http:\/\/localhost\/sign-in\/link#token=([A-Za-z0-9_-]{43})$/;

async function issue(userId: number, token: string | null = ADMIN_TOKEN) {
  return api(`/v1/users/${userId}/sign-in-link`, { method: "POST", token });
}

function tokenOf(url: string): string {
  const match = LINK.exec(url);
  expect(match, url).not.toBeNull();
  return match![1]!;
}

function use(token: string, headers: Record<string, string> = {}) {
  return api("/v1/sign-in/link", { method: "POST", token: null, body: { token }, headers });
}

describe("issuing a link (POST /v1/users/{id}/sign-in-link)", () => {
  it("the operator gets a link to this site, good for 24 hours; only its SHA-256 is stored; the issue is audited", async () => {
    const user = await createUserWithToken();
    const before = Date.now();
    const response = await issue(user.id);
    expect(response.status, JSON.stringify(response.json)).toBe(201);
    expect(Object.keys(response.json).sort()).toEqual(["expiresAt", "url", "userId"]);
    expect(response.json.userId).toBe(user.id);
    const token = tokenOf(response.json.url);
    const expires = Date.parse(response.json.expiresAt);
    expect(expires).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 24 * 3600_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 24 * 3600_000);

    const row = await env.DB.prepare("SELECT * FROM sign_in_links WHERE user_id = ?").bind(user.id).first<Record<string, unknown>>();
    expect(row).toMatchObject({ token_hash: await sha256Hex(token), created_by: "admin_token", used_at: null, expires_at: response.json.expiresAt });
    expect(JSON.stringify(row)).not.toContain(token);

    const audit = await api(`/v1/admin/audit?userId=${user.id}`);
    expect(audit.json.entries[0]).toMatchObject({
      actor: "admin_token",
      action: "sign_in_link.issued",
      targetUserId: user.id,
      detail: { expiresAt: response.json.expiresAt, credential: "operator" },
    });
  });

  it("nobody but the operator: an admin user 403, a player 403 (by token or session); an unknown user 404", async () => {
    const [admin, player] = [await createUserWithToken(undefined, true), await createUserWithToken()];
    const target = await createUserWithToken();
    expectError(await issue(target.id, admin.token), 403, "forbidden");
    expectError(await issue(target.id, player.token), 403, "forbidden");
    const adminSession = await signInAs(admin.id);
    expectError(await asBrowser(adminSession, `/v1/users/${target.id}/sign-in-link`, { method: "POST", csrf: true }), 403, "forbidden");
    expectError(await issue(target.id, null), 401, "unauthorized");
    expect(await countRows("SELECT count(*) AS n FROM sign_in_links WHERE user_id = ?", target.id)).toBe(0);
    expectError(await issue(99_999_999), 404, "user_not_found");
  });

  it("not for a disabled account (the link could not work)", async () => {
    const user = await createUserWithToken();
    await env.DB.prepare("UPDATE users SET disabled_at = '2026-01-01T00:00:00Z' WHERE id = ?").bind(user.id).run();
    expectError(await issue(user.id), 403, "forbidden");
  });

  it("issueSignInLink (the commissioners' door): WEB_ORIGIN, when set, is the link's base; audited as the caller", async () => {
    const [commissioner, member] = [await createUserWithToken(), await createUserWithToken()];
    const db = createDatabase(env.DB);
    const link = await issueSignInLink(
      db,
      { WEB_ORIGIN: "https://app.example/" },
      { userId: member.id, createdBy: { actor: `user:${commissioner.id}`, credential: "session:7" }, origin: "http://localhost" },
    );
    expect(link.url).toMatch(/^https:\/\/app\.example\/sign-in\/link#token=[A-Za-z0-9_-]{43}$/);
    const audit = await env.DB.prepare("SELECT actor, detail FROM admin_audit WHERE target_user_id = ? AND action = 'sign_in_link.issued'")
      .bind(member.id)
      .first<{ actor: string; detail: string }>();
    expect(audit!.actor).toBe(`user:${commissioner.id}`);
    expect(JSON.parse(audit!.detail)).toMatchObject({ credential: "session:7" });
    const row = await env.DB.prepare("SELECT created_by FROM sign_in_links WHERE user_id = ?").bind(member.id).first<{ created_by: string }>();
    expect(row!.created_by).toBe(`user:${commissioner.id}`);
  });
});

describe("using a link (POST /v1/sign-in/link)", () => {
  it("once: a web session for its user (cookie + CSRF token); the second use is 410 and signs nobody in", async () => {
    const user = await createUserWithToken();
    const token = tokenOf((await issue(user.id)).json.url);
    const first = await use(token);
    expect(first.status, JSON.stringify(first.json)).toBe(200);
    expect(first.json.user).toMatchObject({ id: user.id, name: user.name });
    expect(first.json.session.expiresAt).toEqual(expect.any(String));
    const cookie = sessionCookieOf(first)!;
    expect((await api("/v1/me", { token: null, headers: { cookie } })).json).toMatchObject({ user: { id: user.id }, via: "session" });
    const row = await env.DB.prepare("SELECT used_at FROM sign_in_links WHERE token_hash = ?").bind(await sha256Hex(token)).first<{ used_at: string }>();
    expect(row!.used_at).not.toBeNull();

    const second = await use(token);
    expectError(second, 410, "sign_in_link_gone");
    expect(second.json.error.message).toContain("used");
    expect(sessionCookieOf(second)).toBeNull();
  });

  it("two uses at the same moment: exactly one signs in", async () => {
    const user = await createUserWithToken();
    const token = await seedSignInLink(user.id);
    const results = await Promise.all([use(token), use(token), use(token)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 410, 410]);
    expect(await countRows("SELECT count(*) AS n FROM sessions WHERE user_id = ? AND purpose = 'web'", user.id)).toBe(1);
  });

  it("expired: 410, and it stays unused", async () => {
    const user = await createUserWithToken();
    const token = await seedSignInLink(user.id, { expiresAt: "2020-01-01T00:00:00Z" });
    const expired = await use(token);
    expectError(expired, 410, "sign_in_link_gone");
    expect(expired.json.error.message).toContain("expired");
    expect(await countRows("SELECT count(*) AS n FROM sign_in_links WHERE user_id = ? AND used_at IS NULL", user.id)).toBe(1);
  });

  it("unknown: 404, counted as a failed authentication", async () => {
    const client = randomClientAddress();
    expectError(await use("no-such-link-token", { "cf-connecting-ip": client }), 404, "sign_in_link_not_found");
    expect(await countRows("SELECT failures AS n FROM auth_failures WHERE client = ?", `ip4:${client}`)).toBe(1);
  });

  it("from an address over the failed-authentication limit even a good link is refused (429) and stays unused", async () => {
    const user = await createUserWithToken();
    const token = await seedSignInLink(user.id);
    const client = randomClientAddress();
    for (let i = 0; i < AUTH_FAILURE_LIMIT; i++) expectError(await use(`guess-${i}`, { "cf-connecting-ip": client }), 404, "sign_in_link_not_found");
    const refused = await use(token, { "cf-connecting-ip": client });
    expectError(refused, 429, "too_many_failed_attempts");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await countRows("SELECT count(*) AS n FROM sign_in_links WHERE user_id = ? AND used_at IS NULL", user.id)).toBe(1);
  });

  it("a disabled account's link: 403, and it stays unused", async () => {
    const user = await createUserWithToken();
    const token = await seedSignInLink(user.id);
    await env.DB.prepare("UPDATE users SET disabled_at = '2026-01-01T00:00:00Z' WHERE id = ?").bind(user.id).run();
    expectError(await use(token), 403, "forbidden");
    expect(await countRows("SELECT count(*) AS n FROM sign_in_links WHERE user_id = ? AND used_at IS NULL", user.id)).toBe(1);
  });

  it("a cross-site form cannot use it (text/plain or form bodies are refused: no signing a victim in as someone else)", async () => {
    const user = await createUserWithToken();
    const token = await seedSignInLink(user.id);
    const attempts: [string, string][] = [
      ["text/plain", JSON.stringify({ token })],
      ["application/x-www-form-urlencoded", `token=${token}`],
    ];
    for (const [type, body] of attempts) {
      const response = await api("/v1/sign-in/link", { method: "POST", token: null, body, headers: { "content-type": type } });
      expectError(response, 400, "validation_failed");
      expect(sessionCookieOf(response)).toBeNull();
    }
    expect(await countRows("SELECT count(*) AS n FROM sign_in_links WHERE user_id = ? AND used_at IS NULL", user.id)).toBe(1);
  });

  it("needs no caller, and a bad bearer header alongside does not matter", async () => {
    const user = await createUserWithToken();
    const response = await api("/v1/sign-in/link", { method: "POST", token: "ftd_not_a_token", body: { token: await seedSignInLink(user.id) } });
    expect(response.status).toBe(200);
  });
});

describe("the relying party", () => {
  it("is the request's origin, or WEB_ORIGIN when set", () => {
    const context = (url: string, WEB_ORIGIN?: string) => ({ env: { WEB_ORIGIN }, req: { url } }) as unknown as Parameters<typeof relyingParty>[0];
    expect(relyingParty(context("http://localhost:8787/v1/sign-in/passkey"))).toEqual({ id: "localhost", name: "firsttd", origin: "http://localhost:8787" });
    expect(relyingParty(context("https://firsttd.workers.dev/v1/x", "https://app.example/"))).toEqual({ id: "app.example", name: "firsttd", origin: "https://app.example" });
    expect(() => relyingParty(context("https://firsttd.workers.dev/v1/x", "not an origin"))).toThrow(/WEB_ORIGIN/);
  });
});
