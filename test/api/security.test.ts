/**
 * The security promises, one door per test, each through HTTP: the index of docs/security.md. Every door is also
 * tested in detail elsewhere; the comment above each test names where. A test here that fails means a door opened.
 */
import { env, SELF } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { REQUEST_BODY_LIMIT_BYTES } from "../../src/http/body-limit";
import { AUTH_FAILURE_LIMIT } from "../../src/services/auth-throttle";
import {
  ADMIN_TOKEN,
  api,
  countRows,
  createUserWithToken,
  expectError,
  makePick,
  minutesAgo,
  randomClientAddress,
  seedBookSnapshots,
  seedMatchup,
  seedTeams,
} from "../helpers/api";
import { page, post } from "../helpers/web-pages";
import { seedSignInLink, signInAs } from "../helpers/web-session";

const SEASON = 2096;
let teams: Awaited<ReturnType<typeof seedTeams>>;
/** A game that takes picks: it kicks off in the real future (defaultKickoff). */
let gameId: string;

beforeAll(async () => {
  teams = await seedTeams(SEASON, ["KC", "BUF"]);
  gameId = await seedMatchup(SEASON, 1, "KC", "BUF");
});

afterEach(() => {
  vi.useRealTimers();
});

const picksOf = (userId: number) => countRows("SELECT count(*) AS n FROM picks WHERE user_id = ?", userId);

/** The status page's sign-in form; returns the session cookie pair (`ftd_status=...`). */
async function statusSignIn(token: string): Promise<string> {
  const response = await SELF.fetch("http://localhost/status/login", {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": randomClientAddress() },
    body: `token=${encodeURIComponent(token)}`,
  });
  expect(response.status).toBe(303);
  return response.headers.get("set-cookie")!.split(";")[0]!;
}

function statusPage(path: string, headers: Record<string, string> = {}) {
  return SELF.fetch(`http://localhost${path}`, { redirect: "manual", headers: { "cf-connecting-ip": randomClientAddress(), ...headers } });
}

describe("requests", () => {
  // Closes: a client editing a cursor to have the API show a false rank. Detail: test/api/cursors.test.ts
  it("a forged (edited) leaderboard cursor: 400 invalid_cursor", async () => {
    const [first, second] = [await createUserWithToken(), await createUserWithToken()];
    // The public board lists the users who opted in (v23 users.on_global_board).
    await env.DB.prepare("UPDATE users SET on_global_board = 1 WHERE id IN (?, ?)").bind(first.id, second.id).run();
    await makePick(first, gameId, teams.KC!.WR);
    await makePick(second, gameId, teams.BUF!.WR);
    const board = `/v1/leaderboards/${SEASON}?limit=1`;
    const cursor: string = (await api(board, { token: first.token })).json.nextCursor;
    expect((await api(`${board}&cursor=${cursor}`, { token: first.token })).status).toBe(200);

    // A client decodes the payload (base64url JSON before the dot), moves the position and rank it ends with, keeps the signature.
    const dot = cursor.lastIndexOf(".");
    const [scope, fields] = JSON.parse(atob(cursor.slice(0, dot).replace(/-/g, "+").replace(/_/g, "/"))) as [unknown, number[]];
    const moved = [...fields.slice(0, -2), fields.at(-2)! + 1, fields.at(-1)! + 1];
    const payload = btoa(JSON.stringify([scope, moved])).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    const forged = await api(`${board}&cursor=${payload}${cursor.slice(dot)}`, { token: first.token });
    expectError(forged, 400, "invalid_cursor");
    expect(forged.json.error.details[0].problem).toMatch(/not a cursor this API issued/);
  });

  // Closes: one request filling memory or the database with an oversized body. Detail: test/api/limits.test.ts
  it("a body over 64 KiB: 413 payload_too_large, and nothing is written", async () => {
    const user = await createUserWithToken();
    const pick = JSON.stringify({ gameId, playerId: teams.KC!.RB });
    const response = await api("/v1/picks", { method: "POST", token: user.token, body: pick + " ".repeat(REQUEST_BODY_LIMIT_BYTES + 1 - pick.length) });
    expectError(response, 413, "payload_too_large");
    expect(await picksOf(user.id)).toBe(0);
  });
});

describe("tokens", () => {
  // Closes: a disabled user acting through tokens they still hold. Detail: test/api/admin-users.test.ts
  it("the token of a disabled user: 401", async () => {
    const player = await createUserWithToken();
    expect((await api(`/v1/users/${player.id}`, { method: "PATCH", body: { disabled: true } })).status).toBe(200);
    expectError(await api("/v1/me", { token: player.token }), 401, "unauthorized");
  });

  // Closes: a token living past the end its owner gave it. Detail: test/api/users-tokens.test.ts ("token expiry")
  it("an expired token: 401", async () => {
    const user = await createUserWithToken();
    const made = await api("/v1/me/tokens", { method: "POST", token: user.token, body: { name: "day pass", expiresInDays: 1 } });
    expect((await api("/v1/me", { token: made.json.token })).status).toBe(200);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date(Date.parse(made.json.expiresAt) + 1000));
    expectError(await api("/v1/me", { token: made.json.token }), 401, "unauthorized");
  });

  // Closes: a leaked token that keeps working after its owner revoked it. Detail: test/api/users-tokens.test.ts
  it("a revoked token: 401", async () => {
    const user = await createUserWithToken();
    expect((await api(`/v1/me/tokens/${user.tokenId}`, { method: "DELETE", token: user.token })).status).toBe(200);
    expectError(await api("/v1/me", { token: user.token }), 401, "unauthorized");
  });

  // Closes: guessing tokens, and a guesser ignoring 429s until the one right guess. Detail: test/api/auth-throttle.test.ts
  it(`${AUTH_FAILURE_LIMIT} failed authentications from one address: 429 after, even for a right token`, async () => {
    const user = await createUserWithToken();
    const address = "192.0.2.77";
    const from = (token: string) => api("/v1/me", { token, headers: { "cf-connecting-ip": address } });
    for (let i = 0; i < AUTH_FAILURE_LIMIT; i++) expectError(await from(`ftd_guess-${i}`), 401, "unauthorized");
    const refused = await from(user.token);
    expectError(refused, 429, "too_many_failed_attempts");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});

describe("roles", () => {
  // Closes: an admin user who plays copying others' picks before kickoff. Detail: test/api/games.test.ts, test/api/auth-matrix.test.ts
  it("an admin user peeking at others' picks before kickoff: 403; the operator may", async () => {
    const player = await createUserWithToken();
    const adminPlayer = await createUserWithToken(undefined, true);
    await makePick(player, gameId, teams.KC!.TE);
    expectError(await api(`/v1/games/${gameId}/picks`, { token: adminPlayer.token }), 403, "forbidden");
    const operator = await api(`/v1/games/${gameId}/picks`, { token: ADMIN_TOKEN });
    expect(operator.status).toBe(200);
    expect(operator.json.picks.map((p: { userId: number }) => p.userId)).toContain(player.id);
  });

  // Closes: an admin user making themselves anyone (new admins, tokens of other users). Detail: test/api/admin-users.test.ts, test/api/users-tokens.test.ts
  it("an admin user cannot make admins or mint tokens for others: 403, nothing changed", async () => {
    const admin = await createUserWithToken(undefined, true);
    const player = await createUserWithToken();
    const name = `would-be-admin-${crypto.randomUUID().slice(0, 8)}`;
    expectError(await api("/v1/users", { method: "POST", token: admin.token, body: { name, isAdmin: true } }), 403, "forbidden");
    expectError(await api(`/v1/users/${player.id}`, { method: "PATCH", token: admin.token, body: { isAdmin: true } }), 403, "forbidden");
    expectError(await api(`/v1/users/${player.id}/tokens`, { method: "POST", token: admin.token, body: { name: "mine now" } }), 403, "forbidden");
    expect(await countRows("SELECT count(*) AS n FROM users WHERE name = ? OR (id = ? AND is_admin = 1)", name, player.id)).toBe(0);
    expect(await countRows("SELECT count(*) AS n FROM api_tokens WHERE user_id = ?", player.id)).toBe(1);
  });
});

describe("the frozen price", () => {
  // Closes: buying one contract at 1 cent where nobody bids to freeze one's own pick at +9900. Detail: test/api/pick-odds.test.ts, test/domain/market-prices.test.ts
  it("a 1-cent last trade with no bid (and no ask) does not price a pick", async () => {
    const player = teams.BUF!.QB;
    await seedBookSnapshots([{ gameId, playerId: player, capturedAt: minutesAgo(4), bid: 0, ask: 1, lastPrice: 0.01 }]);
    const pick = await makePick(await createUserWithToken(), gameId, player);
    expect(pick).toMatchObject({ impliedProbability: null, americanOdds: null, decimalOdds: null, oddsReason: "too_thin" });
  });

  // Closes: posting a 1-contract ask under the real one just before picking. Detail: test/api/pick-odds.test.ts, test/domain/odds-freeze.test.ts
  it("one tiny ask (size 1) posted minutes before a pick is ignored", async () => {
    const player = teams.KC!.QB;
    await seedBookSnapshots([
      { gameId, playerId: player, capturedAt: minutesAgo(25), ask: 0.1 },
      { gameId, playerId: player, capturedAt: minutesAgo(15), ask: 0.1 },
      { gameId, playerId: player, capturedAt: minutesAgo(3), ask: 0.01, askSize: 1 },
    ]);
    const pick = await makePick(await createUserWithToken(), gameId, player);
    expect(pick).toMatchObject({ impliedProbability: 0.1, americanOdds: 900 });
  });
});

describe("the status page", () => {
  // Closes: tokens in URLs (kept in history, logs, Referer). Detail: test/status/session.test.ts
  it("?token= on /status does not authenticate, not even the right token: 400, no cookie, no data", async () => {
    const response = await statusPage(`/status?token=${encodeURIComponent(ADMIN_TOKEN)}`);
    expect(response.status).toBe(400);
    expect(response.headers.get("set-cookie")).toBeNull();
    const html = await response.text();
    expect(html).not.toContain(ADMIN_TOKEN);
    expect(html).not.toContain('id="job-runs"');
  });

  // Closes: a copied session cookie outliving sign-out. Detail: test/status/session.test.ts
  it("a /status session cookie replayed after logout: refused", async () => {
    const admin = await createUserWithToken(undefined, true);
    const cookie = await statusSignIn(admin.token);
    expect((await statusPage("/status", { cookie })).status).toBe(200);
    const logout = await SELF.fetch("http://localhost/status/logout", { method: "POST", redirect: "manual", headers: { cookie } });
    expect(logout.status).toBe(303);
    const replayed = await statusPage("/status", { cookie });
    expect(replayed.status).toBe(401);
    expect(await replayed.text()).not.toContain('id="job-runs"');
  });
});

describe("the web app", () => {
  // Closes: cross-site request forgery through the app's forms, which the session cookie (SameSite=Lax) would
  // otherwise authenticate. Detail: test/web/forms.test.ts
  it("a pick form posted with the session cookie but without its _csrf field: 403, no pick", async () => {
    const user = await createUserWithToken();
    const session = await signInAs(user.id);
    const response = await post(`/games/${gameId}/pick`, session, { playerId: teams.KC!.WR }, { csrf: false });
    expect(response.status).toBe(403);
    expect(await picksOf(user.id)).toBe(0);
  });

  // Closes: login CSRF (another site signing a browser into an account of its own). Detail: test/web/forms.test.ts
  it("a form posted from another site (Sec-Fetch-Site cross-site, or Origin null): 403, no session started", async () => {
    const user = await createUserWithToken();
    for (const headers of [{ "sec-fetch-site": "cross-site" }, { origin: "null" }] as Record<string, string>[]) {
      const response = await post("/sign-in/link", null, { token: await seedSignInLink(user.id) }, { headers });
      expect(response.status).toBe(403);
      expect(response.headers.get("set-cookie")).toBeNull();
    }
  });

  // Closes: script injected into a page running. Detail: test/web/weight.test.ts
  it("pages allow scripts from the Worker only (CSP script-src 'self') and carry no inline script", async () => {
    const response = await page("/sign-in");
    expect(response.headers.get("content-security-policy")).toMatch(/(^|; )script-src 'self'(;|$)/);
    expect(response.html).not.toMatch(/<script(?![^>]*\ssrc=")[^>]*>/);
  });
});
