/**
 * Passkeys end to end through the Worker with a software authenticator (test/helpers/webauthn.ts): register for the
 * signed-in user, sign in anonymously with a discoverable credential, the counter moving, and every answer that must
 * not sign anyone in: a replayed one, one for another RP ID or origin, an unknown credential, a counter going back, an
 * expired challenge, a deleted passkey, a disabled account, and a throttled address.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { AUTH_FAILURE_LIMIT } from "../../src/services/auth-throttle";
import { api, countRows, createUserWithToken, expectError, randomClientAddress, type TestUser } from "../helpers/api";
import { SoftwareAuthenticator } from "../helpers/webauthn";
import { asBrowser, sessionCookieOf, signInAs } from "../helpers/web-session";

async function registrationOptions(user: TestUser) {
  const response = await api("/v1/me/passkeys/options", { method: "POST", token: user.token });
  expect(response.status, JSON.stringify(response.json)).toBe(200);
  return response.json;
}

/** A user with a passkey on a fresh authenticator, registered through the API. */
async function userWithPasskey(name?: string) {
  const user = await createUserWithToken();
  const authenticator = new SoftwareAuthenticator();
  const response = await authenticator.register(await registrationOptions(user));
  const registered = await api("/v1/me/passkeys", { method: "POST", token: user.token, body: { name, response } });
  expect(registered.status, JSON.stringify(registered.json)).toBe(201);
  return { user, authenticator, passkeyId: registered.json.id as string };
}

async function signInOptions(client = randomClientAddress()) {
  const response = await api("/v1/sign-in/passkey/options", { method: "POST", token: null, headers: { "cf-connecting-ip": client } });
  expect(response.status, JSON.stringify(response.json)).toBe(200);
  return response.json;
}

function signIn(response: unknown, client = randomClientAddress()) {
  return api("/v1/sign-in/passkey", { method: "POST", token: null, body: { response }, headers: { "cf-connecting-ip": client } });
}

const passkeyRow = (id: string) => env.DB.prepare("SELECT * FROM passkeys WHERE id = ?").bind(id).first<Record<string, any>>();

describe("registering a passkey", () => {
  it("options: a discoverable credential for this site (RP ID from the request), the challenge kept for 5 minutes, single use", async () => {
    const user = await createUserWithToken();
    const options = await registrationOptions(user);
    expect(options.rp).toEqual({ id: "localhost", name: "firsttd" });
    expect(options.user.name).toBe(user.name);
    expect(options.authenticatorSelection).toMatchObject({ residentKey: "required", userVerification: "preferred" });
    expect(options.attestation).toBe("none");
    expect(options.excludeCredentials).toEqual([]);
    const challenge = await env.DB.prepare("SELECT * FROM webauthn_challenges WHERE challenge = ?").bind(options.challenge).first<Record<string, any>>();
    expect(challenge).toMatchObject({ purpose: "register", user_id: user.id });
    const lifetime = Date.parse(challenge!.expires_at) - Date.now();
    expect(lifetime).toBeGreaterThan(4 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(5 * 60_000);
  });

  it("end to end: verified and stored (public key as base64url), listed, then excluded from the next options", async () => {
    const { user, passkeyId } = await userWithPasskey("Phone");
    const row = await passkeyRow(passkeyId);
    expect(row).toMatchObject({ user_id: user.id, name: "Phone", counter: 0, transports: '["internal","hybrid"]', last_used_at: null });
    expect(row!.public_key).toMatch(/^[A-Za-z0-9_-]+$/);
    const list = await api("/v1/me/passkeys", { token: user.token });
    expect(list.json.passkeys).toEqual([
      { id: passkeyId, name: "Phone", createdAt: row!.created_at, lastUsedAt: null, deviceType: "singleDevice", backedUp: false, transports: ["internal", "hybrid"] },
    ]);
    expect((await registrationOptions(user)).excludeCredentials).toEqual([{ id: passkeyId, type: "public-key", transports: ["internal", "hybrid"] }]);
  });

  it("with a web session: the options and the registration are changes, so they need the CSRF token", async () => {
    const user = await createUserWithToken();
    const session = await signInAs(user.id);
    expectError(await asBrowser(session, "/v1/me/passkeys/options", { method: "POST" }), 403, "csrf_token_invalid");
    const options = await asBrowser(session, "/v1/me/passkeys/options", { method: "POST", csrf: true });
    expect(options.status).toBe(200);
    const response = await new SoftwareAuthenticator().register(options.json);
    expectError(await asBrowser(session, "/v1/me/passkeys", { method: "POST", body: { response } }), 403, "csrf_token_invalid");
    expect((await asBrowser(session, "/v1/me/passkeys", { method: "POST", body: { response }, csrf: true })).status).toBe(201);
  });

  it("refused: the same answer twice (challenge used), another RP ID, another origin, another user's challenge", async () => {
    const user = await createUserWithToken();
    const authenticator = new SoftwareAuthenticator();
    const response = await authenticator.register(await registrationOptions(user));
    expect((await api("/v1/me/passkeys", { method: "POST", token: user.token, body: { response } })).status).toBe(201);
    expectError(await api("/v1/me/passkeys", { method: "POST", token: user.token, body: { response } }), 400, "passkey_registration_failed");

    const otherRp = await authenticator.register(await registrationOptions(user), { rpId: "evil.example" });
    const rpRefused = await api("/v1/me/passkeys", { method: "POST", token: user.token, body: { response: otherRp } });
    expectError(rpRefused, 400, "passkey_registration_failed");
    expect(rpRefused.json.error.message).toContain("RP ID");
    const otherOrigin = await authenticator.register(await registrationOptions(user), { origin: "https://evil.example" });
    const originRefused = await api("/v1/me/passkeys", { method: "POST", token: user.token, body: { response: otherOrigin } });
    expectError(originRefused, 400, "passkey_registration_failed");
    expect(originRefused.json.error.message).toContain("origin");

    const stranger = await createUserWithToken();
    const theirs = await authenticator.register(await registrationOptions(stranger));
    expectError(await api("/v1/me/passkeys", { method: "POST", token: user.token, body: { response: theirs } }), 400, "passkey_registration_failed");
    expect(await countRows("SELECT count(*) AS n FROM passkeys WHERE user_id IN (?, ?)", user.id, stranger.id)).toBe(1);
  });

  it("the operator acts for no user: 403", async () => {
    expectError(await api("/v1/me/passkeys/options", { method: "POST" }), 403, "forbidden");
  });
});

describe("signing in with a passkey", () => {
  it("end to end: a web session (cookie + CSRF token) for the passkey's user; the counter and last use move", async () => {
    const { user, authenticator, passkeyId } = await userWithPasskey();
    const options = await signInOptions();
    expect(options.rpId).toBe("localhost");
    expect(options.allowCredentials ?? []).toEqual([]);
    const signedIn = await signIn(await authenticator.signIn(options));
    expect(signedIn.status, JSON.stringify(signedIn.json)).toBe(200);
    expect(signedIn.json.user).toMatchObject({ id: user.id, name: user.name });
    expect(signedIn.json.csrfToken).toEqual(expect.any(String));
    const cookie = sessionCookieOf(signedIn)!;
    expect(cookie).toMatch(/^ftd_session=/);
    const me = await api("/v1/me", { token: null, headers: { cookie } });
    expect(me.json).toMatchObject({ user: { id: user.id }, via: "session" });

    let row = await passkeyRow(passkeyId);
    expect(row!.counter).toBe(1);
    expect(row!.last_used_at).not.toBeNull();
    expect((await signIn(await authenticator.signIn(await signInOptions()))).status).toBe(200);
    row = await passkeyRow(passkeyId);
    expect(row!.counter).toBe(2);
    // The challenges were consumed.
    expect(await countRows("SELECT count(*) AS n FROM webauthn_challenges WHERE challenge = ?", options.challenge)).toBe(0);
  });

  it("a replayed answer (its challenge used): 401 passkey_sign_in_failed, counted as a failed authentication", async () => {
    const { authenticator } = await userWithPasskey();
    const answer = await authenticator.signIn(await signInOptions());
    expect((await signIn(answer)).status).toBe(200);
    const client = randomClientAddress();
    const replay = await signIn(answer, client);
    expectError(replay, 401, "passkey_sign_in_failed");
    expect(sessionCookieOf(replay)).toBeNull();
    expect(await countRows("SELECT failures AS n FROM auth_failures WHERE client = ?", `ip4:${client}`)).toBe(1);
  });

  it("an answer for another RP ID or from another origin: 401, and the challenge is spent", async () => {
    const { authenticator, passkeyId } = await userWithPasskey();
    const options = await signInOptions();
    const otherRp = await signIn(await authenticator.signIn(options, { rpId: "evil.example" }));
    expectError(otherRp, 401, "passkey_sign_in_failed");
    expect(otherRp.json.error.message).toContain("RP ID");
    expectError(await signIn(await authenticator.signIn(options)), 401, "passkey_sign_in_failed");
    const otherOrigin = await signIn(await authenticator.signIn(await signInOptions(), { origin: "https://evil.example" }));
    expectError(otherOrigin, 401, "passkey_sign_in_failed");
    expect(otherOrigin.json.error.message).toContain("origin");
    expect((await passkeyRow(passkeyId))!.last_used_at).toBeNull();
  });

  it("an unknown credential (never registered here, or deleted): 401", async () => {
    const { user, authenticator, passkeyId } = await userWithPasskey();
    const stranger = new SoftwareAuthenticator();
    // A credential made on the authenticator, never sent to the server, claiming the user's handle.
    await stranger.register({ challenge: "never-sent", rp: { id: "localhost" }, user: { id: authenticator.credentials[0]!.userHandle } });
    expectError(await signIn(await stranger.signIn(await signInOptions())), 401, "passkey_sign_in_failed");

    const deleted = await api(`/v1/me/passkeys/${passkeyId}`, { method: "DELETE", token: user.token });
    expect(deleted.status).toBe(200);
    expect(deleted.json.id).toBe(passkeyId);
    expectError(await signIn(await authenticator.signIn(await signInOptions())), 401, "passkey_sign_in_failed");
  });

  it("an answer naming another account's user handle: 401 (the passkey says whose account it is)", async () => {
    const { authenticator } = await userWithPasskey();
    const other = await userWithPasskey();
    const answer = await authenticator.signIn(await signInOptions());
    answer.response.userHandle = other.authenticator.credentials[0]!.userHandle;
    const refused = await signIn(answer);
    expectError(refused, 401, "passkey_sign_in_failed");
    expect(refused.json.error.message).toContain("does not belong");
  });

  it("a counter that does not move up (a cloned authenticator): 401", async () => {
    const { authenticator, passkeyId } = await userWithPasskey();
    expect((await signIn(await authenticator.signIn(await signInOptions(), { counter: 5 }))).status).toBe(200);
    expectError(await signIn(await authenticator.signIn(await signInOptions(), { counter: 5 })), 401, "passkey_sign_in_failed");
    expectError(await signIn(await authenticator.signIn(await signInOptions(), { counter: 3 })), 401, "passkey_sign_in_failed");
    expect((await passkeyRow(passkeyId))!.counter).toBe(5);
  });

  it("an expired challenge: 401", async () => {
    const { authenticator } = await userWithPasskey();
    const options = await signInOptions();
    await env.DB.prepare("UPDATE webauthn_challenges SET expires_at = '2020-01-01T00:00:00Z' WHERE challenge = ?").bind(options.challenge).run();
    expectError(await signIn(await authenticator.signIn(options)), 401, "passkey_sign_in_failed");
  });

  it("a registration challenge (its row names a user and the purpose register) does not sign in", async () => {
    const { user, authenticator } = await userWithPasskey();
    const registration = await registrationOptions(user);
    expectError(await signIn(await authenticator.signIn(registration)), 401, "passkey_sign_in_failed");
  });

  it("a disabled account's passkey: 401", async () => {
    const { user, authenticator } = await userWithPasskey();
    await env.DB.prepare("UPDATE users SET disabled_at = '2026-01-01T00:00:00Z' WHERE id = ?").bind(user.id).run();
    const refused = await signIn(await authenticator.signIn(await signInOptions()));
    expectError(refused, 401, "passkey_sign_in_failed");
    expect(refused.json.error.message).toContain("disabled");
  });

  it("an address over the failed-authentication limit is refused even with a good passkey (429)", async () => {
    const { authenticator } = await userWithPasskey();
    const client = randomClientAddress();
    const stale = await authenticator.signIn(await signInOptions());
    expect((await signIn(stale)).status).toBe(200);
    for (let i = 0; i < AUTH_FAILURE_LIMIT; i++) expectError(await signIn(stale, client), 401, "passkey_sign_in_failed");
    const good = await signIn(await authenticator.signIn(await signInOptions()), client);
    expectError(good, 429, "too_many_failed_attempts");
    expect(Number(good.headers.get("retry-after"))).toBeGreaterThan(0);
    // Bearer tokens share the throttle.
    expectError(await api("/v1/me", { token: "ftd_wrong", headers: { "cf-connecting-ip": client } }), 429, "too_many_failed_attempts");
  });
});

describe("managing passkeys", () => {
  it("a user deletes their own passkey only: another's is 404 and stays", async () => {
    const { passkeyId } = await userWithPasskey();
    const stranger = await createUserWithToken();
    expectError(await api(`/v1/me/passkeys/${passkeyId}`, { method: "DELETE", token: stranger.token }), 404, "passkey_not_found");
    expect(await passkeyRow(passkeyId)).not.toBeNull();
    expect((await api("/v1/me/passkeys", { token: stranger.token })).json.passkeys).toEqual([]);
  });
});
