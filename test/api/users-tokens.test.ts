import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { sha256Hex } from "../../src/lib/crypto";
import { ADMIN_TOKEN, api, createUserWithToken, expectError, problemFields } from "../helpers/api";

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/;
let counter = 0;
const uniqueName = (prefix: string) => `${prefix}-${++counter}-${crypto.randomUUID().slice(0, 8)}`;

/** Creates a user and issues a token through the admin API (ADMIN_TOKEN unless given). */
async function createViaApi(options: { name?: string; email?: string; isAdmin?: boolean; token?: string } = {}) {
  const name = options.name ?? uniqueName("api-user");
  const user = await api("/v1/users", { method: "POST", token: options.token ?? ADMIN_TOKEN, body: { name, email: options.email, isAdmin: options.isAdmin } });
  expect(user.status).toBe(201);
  const token = await api(`/v1/users/${user.json.id}/tokens`, { method: "POST", token: options.token ?? ADMIN_TOKEN, body: { name: "laptop" } });
  expect(token.status).toBe(201);
  return { user: user.json, token: token.json };
}

async function tokenRow(id: number) {
  return env.DB.prepare("SELECT * FROM api_tokens WHERE id = ?").bind(id).first<Record<string, unknown>>();
}

afterEach(() => {
  vi.useRealTimers();
});

describe("POST /v1/users and GET /v1/users/{id}: happy path", () => {
  it("the ADMIN_TOKEN creates a user; GET shows the user and the tokens' metadata", async () => {
    const name = uniqueName("alice");
    const created = await api("/v1/users", { method: "POST", body: { name: `  ${name}  `, email: `${name}@example.com` } });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({
      id: expect.any(Number),
      name,
      email: `${name}@example.com`,
      isAdmin: false,
      createdAt: expect.stringMatching(ISO),
      disabledAt: null,
      disabledBy: null,
    });

    const got = await api(`/v1/users/${created.json.id}`);
    expect(got.status).toBe(200);
    expect(got.json).toEqual({ ...created.json, tokens: [] });
  });

  it("an admin user creates players, but only the operator makes admins (403, nobody created)", async () => {
    const admin = await createUserWithToken(uniqueName("boss"), true);
    const player = await api("/v1/users", { method: "POST", token: admin.token, body: { name: uniqueName("player") } });
    expect(player.status).toBe(201);
    expect(player.json.isAdmin).toBe(false);
    const name = uniqueName("would-be-admin");
    const refused = await api("/v1/users", { method: "POST", token: admin.token, body: { name, isAdmin: true } });
    expectError(refused, 403, "forbidden");
    expect(refused.json.error.message).toContain("ADMIN_TOKEN");
    expect(await env.DB.prepare("SELECT count(*) AS n FROM users WHERE name = ?").bind(name).first("n")).toBe(0);
    const { user } = await createViaApi({ isAdmin: true });
    expect(user.isAdmin).toBe(true);
    const me = await api("/v1/me", { token: admin.token });
    expect(me.json).toMatchObject({ isAdmin: true, via: "user_token", user: { id: admin.id, isAdmin: true } });
  });
});

describe("POST /v1/users: errors", () => {
  it("409 user_name_taken for a name in use, 409 user_email_taken for an email in use", async () => {
    const name = uniqueName("taken");
    await createViaApi({ name, email: `${name}@example.com` });
    expectError(await api("/v1/users", { method: "POST", body: { name } }), 409, "user_name_taken");
    expectError(await api("/v1/users", { method: "POST", body: { name: uniqueName("other"), email: `${name}@example.com` } }), 409, "user_email_taken");
    const count = await env.DB.prepare("SELECT count(*) AS n FROM users WHERE name = ? OR email = ?").bind(name, `${name}@example.com`).first<{ n: number }>();
    expect(count!.n).toBe(1);
  });

  it("400 validation_failed naming each bad field", async () => {
    const bad = await api("/v1/users", { method: "POST", body: { name: "", email: "not-an-email", isAdmin: "yes" } });
    expectError(bad, 400, "validation_failed");
    expect(problemFields(bad)).toEqual(["body.email", "body.isAdmin", "body.name"]);
    const tooLong = await api("/v1/users", { method: "POST", body: { name: "x".repeat(61) } });
    expect(problemFields(tooLong)).toEqual(["body.name"]);
    expectError(await api("/v1/users", { method: "POST", body: "{" }), 400, "validation_failed");
  });

  it("404 user_not_found for GET /v1/users/{id} and for issuing a token to nobody; 400 for a bad id", async () => {
    expectError(await api("/v1/users/99999999"), 404, "user_not_found");
    expectError(await api("/v1/users/99999999/tokens", { method: "POST", body: { name: "x" } }), 404, "user_not_found");
    const bad = await api("/v1/users/0");
    expectError(bad, 400, "validation_failed");
    expect(problemFields(bad)).toEqual(["param.id"]);
  });
});

describe("POST /v1/users/{id}/tokens: tokens are shown once and stored hashed", () => {
  it("issues a token: shown in the answer only, stored as its SHA-256, never listed", async () => {
    const { user, token } = await createViaApi();
    expect(token).toEqual({
      id: expect.any(Number),
      userId: user.id,
      name: "laptop",
      prefix: token.token.slice(0, 10),
      createdAt: expect.stringMatching(ISO),
      lastUsedAt: null,
      expiresAt: null,
      revokedAt: null,
      revokedBy: null,
      token: expect.stringMatching(/^ftd_[A-Za-z0-9_-]{40,}$/),
    });

    const row = await tokenRow(token.id);
    expect(row!.token_hash).toBe(await sha256Hex(token.token));
    expect(row!.token_prefix).toBe(token.token.slice(0, 10));
    expect(row!.created_by).toBe("admin_token");
    for (const value of Object.values(row!)) {
      if (typeof value === "string") expect(value.includes(token.token.slice(10))).toBe(false);
    }

    const shown = await api(`/v1/users/${user.id}`);
    expect(shown.json.tokens).toEqual([
      { id: token.id, userId: user.id, name: "laptop", prefix: token.prefix, createdAt: token.createdAt, lastUsedAt: null, expiresAt: null, revokedAt: null, revokedBy: null },
    ]);
    const text = JSON.stringify(shown.json);
    expect(text).not.toContain(token.token);
    expect(text).not.toContain(row!.token_hash as string);
  });

  it("each token is new; the name defaults to 'api'; only the operator mints tokens for a user (an admin user gets 403)", async () => {
    const admin = await createUserWithToken(uniqueName("issuer"), true);
    const { user, token } = await createViaApi();
    const second = await api(`/v1/users/${user.id}/tokens`, { method: "POST", body: {} });
    expect(second.status).toBe(201);
    expect(second.json.name).toBe("api");
    expect(second.json.token).not.toBe(token.token);
    expect((await tokenRow(second.json.id))!.created_by).toBe("admin_token");
    // An admin user who could mint another user's token could act as them.
    const tokensBefore = await env.DB.prepare("SELECT count(*) AS n FROM api_tokens WHERE user_id = ?").bind(user.id).first("n");
    for (const target of [user.id, admin.id]) {
      const refused = await api(`/v1/users/${target}/tokens`, { method: "POST", token: admin.token, body: { name: "mine now" } });
      expectError(refused, 403, "forbidden");
    }
    expect(await env.DB.prepare("SELECT count(*) AS n FROM api_tokens WHERE user_id = ?").bind(user.id).first("n")).toBe(tokensBefore);
    const bad = await api(`/v1/users/${user.id}/tokens`, { method: "POST", body: { name: "n".repeat(61) } });
    expectError(bad, 400, "validation_failed");
    expect(problemFields(bad)).toEqual(["body.name"]);
  });

  it("the issued token authenticates its user", async () => {
    const { user, token } = await createViaApi({ email: `${uniqueName("me")}@example.com` });
    const me = await api("/v1/me", { token: token.token });
    expect(me.status).toBe(200);
    const { disabledAt, disabledBy, ...asUser } = user;
    expect([disabledAt, disabledBy]).toEqual([null, null]);
    expect(me.json).toEqual({ user: asUser, isAdmin: false, via: "user_token" });
  });
});

describe("GET /v1/me", () => {
  it("for the ADMIN_TOKEN: no user, admin", async () => {
    const me = await api("/v1/me");
    expect(me.status).toBe(200);
    expect(me.json).toEqual({ user: null, isAdmin: true, via: "admin_token" });
  });
});

describe("/v1/me/tokens: a user lists and revokes their own tokens", () => {
  it("lists only the caller's tokens, newest first, without secrets", async () => {
    const { user, token } = await createViaApi();
    const second = (await api(`/v1/users/${user.id}/tokens`, { method: "POST", body: { name: "phone" } })).json;
    await createViaApi(); // someone else's token
    const list = await api("/v1/me/tokens", { token: token.token });
    expect(list.status).toBe(200);
    expect(list.json.tokens.map((t: { id: number; name: string }) => [t.id, t.name])).toEqual([
      [second.id, "phone"],
      [token.id, "laptop"],
    ]);
    const text = JSON.stringify(list.json);
    expect(text).not.toContain(token.token);
    expect(text).not.toContain(second.token);
    expect(text).not.toContain(await sha256Hex(token.token));
  });

  it("revoking a token: 200 with revokedAt, then the token is refused with 401 while the others still work", async () => {
    const { user, token } = await createViaApi();
    const spare = (await api(`/v1/users/${user.id}/tokens`, { method: "POST", body: { name: "spare" } })).json;
    const revoked = await api(`/v1/me/tokens/${token.id}`, { method: "DELETE", token: token.token });
    expect(revoked.status).toBe(200);
    expect(revoked.json).toMatchObject({ id: token.id, userId: user.id, revokedAt: expect.stringMatching(ISO) });
    expect(JSON.stringify(revoked.json)).not.toContain(token.token);

    expectError(await api("/v1/me", { token: token.token }), 401, "unauthorized");
    expectError(await api(`/v1/me/tokens/${spare.id}`, { method: "DELETE", token: token.token }), 401, "unauthorized");
    expect((await api("/v1/me", { token: spare.token })).status).toBe(200);

    // Revoking again is harmless and keeps the first revocation time.
    const again = await api(`/v1/me/tokens/${token.id}`, { method: "DELETE", token: spare.token });
    expect(again.status).toBe(200);
    expect(again.json.revokedAt).toBe(revoked.json.revokedAt);
    expect((await api(`/v1/users/${user.id}`)).json.tokens.find((t: { id: number }) => t.id === token.id).revokedAt).toBe(revoked.json.revokedAt);
  });

  it("404 token_not_found for another user's token id (which keeps working) or an unknown id; 400 for a bad id; 403 for the ADMIN_TOKEN", async () => {
    const mine = await createViaApi();
    const theirs = await createViaApi();
    const attempt = await api(`/v1/me/tokens/${theirs.token.id}`, { method: "DELETE", token: mine.token.token });
    expectError(attempt, 404, "token_not_found");
    expect((await tokenRow(theirs.token.id))!.revoked_at).toBeNull();
    expect((await api("/v1/me", { token: theirs.token.token })).status).toBe(200);
    expectError(await api("/v1/me/tokens/99999999", { method: "DELETE", token: mine.token.token }), 404, "token_not_found");
    const badId = await api("/v1/me/tokens/first", { method: "DELETE", token: mine.token.token });
    expectError(badId, 400, "validation_failed");
    expect(problemFields(badId)).toEqual(["param.id"]);
    expectError(await api("/v1/me/tokens"), 403, "forbidden");
    expectError(await api(`/v1/me/tokens/${theirs.token.id}`, { method: "DELETE" }), 403, "forbidden");
  });
});

describe("last_used_at", () => {
  it("is null until the token is used, set on use, and rewritten at most every 5 minutes", async () => {
    const { user, token } = await createViaApi();
    expect((await tokenRow(token.id))!.last_used_at).toBeNull();

    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2031-01-01T12:00:00Z"));
    expect((await api("/v1/me", { token: token.token })).status).toBe(200);
    expect((await tokenRow(token.id))!.last_used_at).toBe("2031-01-01T12:00:00Z");

    vi.setSystemTime(new Date("2031-01-01T12:04:00Z"));
    await api("/v1/me", { token: token.token });
    expect((await tokenRow(token.id))!.last_used_at).toBe("2031-01-01T12:00:00Z");

    vi.setSystemTime(new Date("2031-01-01T12:06:00Z"));
    await api("/v1/me", { token: token.token });
    expect((await tokenRow(token.id))!.last_used_at).toBe("2031-01-01T12:06:00Z");
    const shown = await api(`/v1/users/${user.id}`);
    expect(shown.json.tokens[0].lastUsedAt).toBe("2031-01-01T12:06:00Z");

    // A failed authentication uses no token.
    const other = await createViaApi();
    await api("/v1/me", { token: `${other.token.token}x` });
    expect((await tokenRow(other.token.id))!.last_used_at).toBeNull();
  });
});

describe("POST /v1/me/tokens: a user makes their own tokens", () => {
  it("named, shown once, stored as its SHA-256, listed without the secret; it authenticates the same user", async () => {
    const { user, token } = await createViaApi();
    const made = await api("/v1/me/tokens", { method: "POST", token: token.token, body: { name: "  phone  " } });
    expect(made.status).toBe(201);
    expect(made.json).toEqual({
      id: expect.any(Number),
      userId: user.id,
      name: "phone",
      prefix: made.json.token.slice(0, 10),
      createdAt: expect.stringMatching(ISO),
      lastUsedAt: null,
      expiresAt: null,
      revokedAt: null,
      revokedBy: null,
      token: expect.stringMatching(/^ftd_[A-Za-z0-9_-]{40,}$/),
    });
    const row = await tokenRow(made.json.id);
    expect(row).toMatchObject({ token_hash: await sha256Hex(made.json.token), created_by: `user:${user.id}`, user_id: user.id });
    const list = await api("/v1/me/tokens", { token: made.json.token });
    expect(list.json.tokens.map((t: { id: number }) => t.id)).toEqual([made.json.id, token.id]);
    expect(JSON.stringify(list.json)).not.toContain(made.json.token);
    expect((await api("/v1/me", { token: made.json.token })).json.user.id).toBe(user.id);
    // Not an admin action: nothing in the audit.
    expect(await env.DB.prepare("SELECT count(*) AS n FROM admin_audit WHERE target_token_id = ?").bind(made.json.id).first("n")).toBe(0);
  });

  it("400 for a bad name or expiry; 403 for the ADMIN_TOKEN, which is nobody's", async () => {
    const { token } = await createViaApi();
    const bad = await api("/v1/me/tokens", { method: "POST", token: token.token, body: { name: "", expiresInDays: 0 } });
    expectError(bad, 400, "validation_failed");
    expect(problemFields(bad)).toEqual(["body.expiresInDays", "body.name"]);
    expect(problemFields(await api("/v1/me/tokens", { method: "POST", token: token.token, body: { expiresInDays: 1.5 } }))).toEqual(["body.expiresInDays"]);
    expectError(await api("/v1/me/tokens", { method: "POST", body: { name: "x" } }), 403, "forbidden");
  });
});

describe("token expiry", () => {
  it("a token made to expire works until then, then gets 401 saying it expired (and when); the user's other tokens keep working", async () => {
    const { token } = await createViaApi();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2031-03-01T12:00:00Z"));
    const made = await api("/v1/me/tokens", { method: "POST", token: token.token, body: { name: "week pass", expiresInDays: 7 } });
    expect(made.status).toBe(201);
    expect(made.json.expiresAt).toBe("2031-03-08T12:00:00Z");
    expect((await tokenRow(made.json.id))!.expires_at).toBe("2031-03-08T12:00:00Z");

    vi.setSystemTime(new Date("2031-03-08T11:59:59Z"));
    expect((await api("/v1/me", { token: made.json.token })).status).toBe(200);
    const lastUsed = (await tokenRow(made.json.id))!.last_used_at;

    vi.setSystemTime(new Date("2031-03-08T12:00:00Z"));
    const refused = await api("/v1/me", { token: made.json.token });
    expectError(refused, 401, "unauthorized");
    expect(refused.json.error.message).toBe("The API token expired at 2031-03-08T12:00:00Z; ask for a new one.");
    expect((await tokenRow(made.json.id))!.last_used_at).toBe(lastUsed);
    expect((await api("/v1/me", { token: token.token })).status).toBe(200);
    // The listing says when.
    const listed = (await api("/v1/me/tokens", { token: token.token })).json.tokens.find((t: { id: number }) => t.id === made.json.id);
    expect(listed.expiresAt).toBe("2031-03-08T12:00:00Z");
  });

  it("the operator can issue an expiring token for a user", async () => {
    const { user } = await createViaApi();
    const issued = await api(`/v1/users/${user.id}/tokens`, { method: "POST", body: { name: "temp", expiresInDays: 1 } });
    expect(issued.status).toBe(201);
    expect(Date.parse(issued.json.expiresAt) - Date.parse(issued.json.createdAt)).toBe(24 * 3600 * 1000);
  });
});

describe("revoking one's own token records who revoked it", () => {
  it("revokedBy is the user", async () => {
    const { user, token } = await createViaApi();
    const revoked = await api(`/v1/me/tokens/${token.id}`, { method: "DELETE", token: token.token });
    expect(revoked.json).toMatchObject({ revokedBy: `user:${user.id}` });
    expect((await tokenRow(token.id))!.revoked_by).toBe(`user:${user.id}`);
  });
});
