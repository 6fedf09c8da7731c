import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import wranglerToml from "../../wrangler.toml?raw";
import worker from "../../src/index";
import { RATE_LIMITS } from "../../src/http/rate-limit";
import { nowIso } from "../../src/lib/clock";
import { generateToken, sha256Hex } from "../../src/lib/crypto";
import { createUserWithToken, expectError, type ApiResponse } from "../helpers/api";

/**
 * The read budget (READ_RATE_LIMITER, 600 per 60 s), enforced by miniflare as in production. The mutation budget is
 * tested in everywhere.test.ts. Every test uses its own token or address, so no test spends another's budget.
 *
 * Requests go to the Worker's fetch handler with the test environment's bindings (the limiters included) rather than
 * through SELF.fetch, whose cost here grows with every request a file has made (hundreds of ms each after a few
 * hundred): these tests make over 600 requests inside one minute.
 */
async function api(path: string, init: { method?: string; token?: string | null; headers?: Record<string, string> } = {}): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const ctx = createExecutionContext();
  const request = new Request<unknown, IncomingRequestCfProperties>(`http://localhost${path}`, { method: init.method ?? "GET", headers });
  const response = await worker.fetch(request, env, ctx);
  const text = await response.text();
  await waitOnExecutionContext(ctx);
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : null };
}

const READS = RATE_LIMITS.READ_RATE_LIMITER.limit;

/**
 * The limiter counts in fixed 60-second windows of the clock. A loop of a few hundred requests takes seconds: when
 * less than `needMs` of the window is left, wait for the next one, so that the whole loop counts in one window and
 * the exact number can be asserted.
 */
async function startOfAWindow(needMs = 10_000) {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < needMs) await new Promise((resolve) => setTimeout(resolve, left + 50));
  return Math.floor(Date.now() / 60_000);
}

/** Sends `read` until it is refused (or limit + 1 times); the number served and the refusal. */
async function readUntilLimited(read: () => Promise<ApiResponse>, expectStatus: number) {
  let served = 0;
  for (let i = 0; i <= READS; i++) {
    const response = await read();
    if (response.status === 429) return { served, limited: response };
    expect(response.status).toBe(expectStatus);
    served++;
  }
  return { served, limited: undefined };
}

function expectRateLimited(response: ApiResponse | undefined) {
  expect(response).toBeDefined();
  expectError(response!, 429, "rate_limited");
  expect(response!.headers.get("retry-after")).toBe("60");
  expect(response!.json.error.message).toMatch(/reads/);
}

describe("the limits in wrangler.toml", () => {
  it("are the ones the code answers with (limit, period), each binding with its own namespace", () => {
    const blocks = wranglerToml.split("[[ratelimits]]").slice(1);
    const configured = Object.fromEntries(
      blocks.map((block) => {
        const name = /^name\s*=\s*"([^"]+)"/m.exec(block)![1]!;
        const [, limit, period] = /^simple\s*=\s*\{\s*limit\s*=\s*(\d+),\s*period\s*=\s*(\d+)\s*\}/m.exec(block)!;
        return [name, { limit: Number(limit), periodSeconds: Number(period), namespaceId: /^namespace_id\s*=\s*"([^"]+)"/m.exec(block)![1]! }];
      }),
    );
    expect(Object.keys(configured).sort()).toEqual(Object.keys(RATE_LIMITS).sort());
    for (const [name, { limit, periodSeconds }] of Object.entries(RATE_LIMITS)) {
      expect(configured[name], name).toMatchObject({ limit, periodSeconds });
    }
    const namespaces = Object.values(configured).map((c) => c.namespaceId);
    expect(new Set(namespaces).size).toBe(namespaces.length);
    expect(READS).toBe(600);
    expect(RATE_LIMITS.MUTATION_RATE_LIMITER.limit).toBe(60);
  });
});

describe("rate limit on reads (READ_RATE_LIMITER: 600 per 60 s per token)", () => {
  it("the 601st read of a token in a window is 429 rate_limited with Retry-After; its changes, and other tokens, are not held back", async () => {
    const user = await createUserWithToken();
    const other = await createUserWithToken();
    const window = await startOfAWindow();

    const { served, limited } = await readUntilLimited(() => api("/v1/me", { token: user.token }), 200);
    expectRateLimited(limited);
    expect(Math.floor(Date.now() / 60_000)).toBe(window);
    expect(served).toBe(READS);
    // Any read route counts against the same budget, and none is served.
    expectError(await api("/v1/leaderboards/2085", { token: user.token }), 429, "rate_limited");
    // Changes have their own budget: a change is still answered (404: the token id is not the caller's).
    expectError(await api("/v1/me/tokens/99999999", { method: "DELETE", token: user.token }), 404, "token_not_found");
    // Per token: another user's reads are served.
    expect((await api("/v1/me", { token: other.token })).status).toBe(200);
  });

  it("a user's second token has its own budget (keyed by token, not by user)", async () => {
    const user = await createUserWithToken();
    await startOfAWindow();
    expectRateLimited((await readUntilLimited(() => api("/v1/me", { token: user.token }), 200)).limited);
    const second = generateToken();
    await env.DB.prepare(
      "INSERT INTO api_tokens (user_id, name, token_hash, token_prefix, created_at, created_by) VALUES (?, 'second', ?, ?, ?, 'test')",
    )
      .bind(user.id, await sha256Hex(second), second.slice(0, 10), nowIso())
      .run();
    expect((await api("/v1/me", { token: second })).status).toBe(200);
  });
});

describe("rate limit on anonymous reads (outside /v1: per address, CF-Connecting-IP)", () => {
  const fromAddress = (address: string) => () => api("/health", { token: null, headers: { "cf-connecting-ip": address } });

  it("the 601st read from an address in a window is 429 rate_limited; another address is served", async () => {
    const window = await startOfAWindow();
    const { served, limited } = await readUntilLimited(fromAddress("203.0.113.7"), 200);
    expectRateLimited(limited);
    expect(Math.floor(Date.now() / 60_000)).toBe(window);
    expect(served).toBe(READS);
    expectError(await api("/openapi.json", { token: null, headers: { "cf-connecting-ip": "203.0.113.7" } }), 429, "rate_limited");
    expect((await fromAddress("203.0.113.8")()).status).toBe(200);
  });

  it("an IPv6 client is one budget per /64 (it holds the whole prefix)", async () => {
    await startOfAWindow();
    expectRateLimited((await readUntilLimited(fromAddress("2001:db8:aa:1::1"), 200)).limited);
    expectError(await fromAddress("2001:db8:aa:1:ffff::2")(), 429, "rate_limited");
    expect((await fromAddress("2001:db8:aa:2::1")()).status).toBe(200);
  });
});
