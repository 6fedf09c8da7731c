/**
 * The failed-authentication throttle (src/services/auth-throttle.ts): per client address (CF-Connecting-IP; IPv6 by
 * its /64), after 10 failures in the 15-minute window the first failure opened, every credential from that address
 * gets 429 with Retry-After until the window ends, a right one included. One count for the API's bearer tokens and
 * the status page's sign-in.
 */
import { env, SELF } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { clientAddressKey } from "../../src/lib/client-address";
import { AUTH_FAILURE_LIMIT, AUTH_FAILURE_WINDOW_SECONDS } from "../../src/services/auth-throttle";
import { ADMIN_TOKEN, api, type ApiResponse, countRows, createUserWithToken, expectError, type TestUser } from "../helpers/api";

let user: TestUser;
let admin: TestUser;
let addressCounter = 0;
/** An address no other test uses. */
const freshAddress = () => `198.51.100.${++addressCounter}`;

const fromAddress = (address: string, token: string | null, path = "/v1/me") => api(path, { token, headers: { "cf-connecting-ip": address } });

async function fail(address: string, times: number, token = "ftd_wrong-guess") {
  for (let i = 0; i < times; i++) expectError(await fromAddress(address, token), 401, "unauthorized");
}

function expectThrottled(response: ApiResponse, maxSeconds = AUTH_FAILURE_WINDOW_SECONDS) {
  expectError(response, 429, "too_many_failed_attempts");
  expect(response.json.error.message).toMatch(/^Too many failed authentications from this address; try again in \d+ seconds\.$/);
  const retryAfter = Number(response.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(maxSeconds);
  return retryAfter;
}

function statusLogin(address: string, token: string) {
  return SELF.fetch("http://localhost/status/login", {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": address },
    body: `token=${encodeURIComponent(token)}`,
  });
}

beforeAll(async () => {
  user = await createUserWithToken("throttle-user");
  admin = await createUserWithToken("throttle-admin", true);
});

afterEach(() => {
  vi.useRealTimers();
});

describe("the bearer API", () => {
  it(`after ${AUTH_FAILURE_LIMIT} failures the address gets 429 with Retry-After, for a right token and the ADMIN_TOKEN too; other addresses are untouched`, async () => {
    const address = freshAddress();
    await fail(address, AUTH_FAILURE_LIMIT);
    const retryAfter = expectThrottled(await fromAddress(address, user.token));
    expect(retryAfter).toBeGreaterThan(AUTH_FAILURE_WINDOW_SECONDS - 60);
    expectThrottled(await fromAddress(address, ADMIN_TOKEN));
    expectThrottled(await fromAddress(address, "ftd_another-guess"));
    // A throttled request uses no token and counts no further failure.
    expect(await env.DB.prepare("SELECT last_used_at FROM api_tokens WHERE id = ?").bind(user.tokenId).first("last_used_at")).toBeNull();
    expect(await env.DB.prepare("SELECT failures FROM auth_failures WHERE client = ?").bind(`ip4:${address}`).first("failures")).toBe(AUTH_FAILURE_LIMIT);

    expect((await fromAddress(freshAddress(), user.token)).status).toBe(200);
    // No credential, nothing to guess: still the plain 401.
    expectError(await fromAddress(address, null), 401, "unauthorized");
  });

  it("one failure short of the limit, the right token still passes; successes do not count and do not reset", async () => {
    const address = freshAddress();
    await fail(address, AUTH_FAILURE_LIMIT - 1);
    for (let i = 0; i < 5; i++) expect((await fromAddress(address, user.token)).status).toBe(200);
    await fail(address, 1);
    expectThrottled(await fromAddress(address, user.token));
  });

  it("the window ends 15 minutes after the first failure: then the address is let in and counts from zero", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2032-05-01T10:00:00Z"));
    const address = freshAddress();
    await fail(address, 1);
    vi.setSystemTime(new Date("2032-05-01T10:10:00Z"));
    await fail(address, AUTH_FAILURE_LIMIT - 1);
    expect(expectThrottled(await fromAddress(address, user.token))).toBe(5 * 60);

    vi.setSystemTime(new Date("2032-05-01T10:14:59Z"));
    expect(expectThrottled(await fromAddress(address, user.token))).toBe(1);
    vi.setSystemTime(new Date("2032-05-01T10:15:00Z"));
    expect((await fromAddress(address, user.token)).status).toBe(200);
    await fail(address, AUTH_FAILURE_LIMIT - 1);
    expect((await fromAddress(address, user.token)).status).toBe(200);
    expect(await env.DB.prepare("SELECT failures, window_started_at AS w FROM auth_failures WHERE client = ?").bind(`ip4:${address}`).first()).toEqual({
      failures: AUTH_FAILURE_LIMIT - 1,
      w: "2032-05-01T10:15:00Z",
    });
  });

  it("rows of ended windows are dropped by the next failure", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2033-01-01T00:00:00Z"));
    const old = freshAddress();
    await fail(old, 2);
    expect(await countRows("SELECT count(*) AS n FROM auth_failures WHERE client = ?", `ip4:${old}`)).toBe(1);
    vi.setSystemTime(new Date("2033-01-01T00:16:00Z"));
    await fail(freshAddress(), 1);
    expect(await countRows("SELECT count(*) AS n FROM auth_failures WHERE client = ?", `ip4:${old}`)).toBe(0);
  });

  it("revoked, expired and disabled users' tokens count as failures", async () => {
    const address = freshAddress();
    const revoked = await createUserWithToken();
    await env.DB.prepare("UPDATE api_tokens SET revoked_at = '2030-01-01T00:00:00Z' WHERE id = ?").bind(revoked.tokenId).run();
    const expired = await createUserWithToken();
    await env.DB.prepare("UPDATE api_tokens SET expires_at = '2020-01-01T00:00:00Z' WHERE id = ?").bind(expired.tokenId).run();
    const disabled = await createUserWithToken();
    await env.DB.prepare("UPDATE users SET disabled_at = '2030-01-01T00:00:00Z' WHERE id = ?").bind(disabled.id).run();
    for (let i = 0; i < AUTH_FAILURE_LIMIT; i++) {
      expectError(await fromAddress(address, [revoked, expired, disabled][i % 3]!.token), 401, "unauthorized");
    }
    expectThrottled(await fromAddress(address, user.token));
  });

  it("IPv6 addresses count by their /64", async () => {
    const prefix = `2001:db8:${++addressCounter}:7`;
    for (let i = 1; i <= AUTH_FAILURE_LIMIT; i++) expectError(await fromAddress(`${prefix}::${i.toString(16)}`, "ftd_wrong"), 401, "unauthorized");
    expectThrottled(await fromAddress(`${prefix}:ffff:ffff:ffff:1`, user.token));
    expect((await fromAddress(`2001:db8:${addressCounter}:8::1`, user.token)).status).toBe(200);
  });
});

describe("the status page's sign-in shares the count", () => {
  it("failed sign-ins throttle the address for the form, the bearer header and the API; the 429 page says when, sets no cookie, echoes no token", async () => {
    const address = freshAddress();
    for (let i = 0; i < AUTH_FAILURE_LIMIT / 2; i++) expect((await statusLogin(address, `wrong-${i}`)).status).toBe(401);
    await fail(address, AUTH_FAILURE_LIMIT / 2);

    const refused = await statusLogin(address, admin.token);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(refused.headers.get("set-cookie")).toBeNull();
    const page = await refused.text();
    expect(page).toMatch(/Too many failed authentications from this address; try again in \d+ seconds\./);
    expect(page).not.toContain(admin.token);
    expect(await countRows("SELECT count(*) AS n FROM sessions WHERE user_id = ?", admin.id)).toBe(0);

    const bearer = await SELF.fetch("http://localhost/status", { headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "cf-connecting-ip": address } });
    expect(bearer.status).toBe(429);
    expectThrottled(await fromAddress(address, admin.token));

    // From elsewhere the same sign-in works.
    expect((await statusLogin(freshAddress(), admin.token)).status).toBe(303);
  });

  it("an empty form and a plain user's valid token are not failed authentications", async () => {
    const address = freshAddress();
    for (let i = 0; i < AUTH_FAILURE_LIMIT + 2; i++) expect((await statusLogin(address, user.token)).status).toBe(403);
    expect((await statusLogin(address, admin.token)).status).toBe(303);
  });
});

describe("clientAddressKey", () => {
  it("reads CF-Connecting-IP: IPv4 as is, IPv6 by its /64, IPv4-mapped IPv6 as IPv4, none as 'unknown'", () => {
    const key = (address?: string) => clientAddressKey(new Headers(address === undefined ? {} : { "cf-connecting-ip": address }));
    expect(key("203.0.113.9")).toBe("ip4:203.0.113.9");
    expect(key("2001:DB8:0:0012::1")).toBe("ip6:2001:db8:0:12::/64");
    expect(key("2001:db8::1")).toBe("ip6:2001:db8:0:0::/64");
    expect(key("2001:db8:1:2:3:4:5:6")).toBe("ip6:2001:db8:1:2::/64");
    expect(key("::ffff:203.0.113.9")).toBe("ip4:203.0.113.9");
    expect(key("::1")).toBe("ip6:0:0:0:0::/64");
    expect(key("not:an::address::")).toBe("ip6:not:an::address::");
    expect(key(undefined)).toBe("unknown");
    expect(key("")).toBe("unknown");
  });
});
