import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, api, createUserWithToken, expectError, seedMatchup, seedTeams } from "../helpers/api";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("x-request-id", () => {
  it("is on every response: success, 400, 401, 403, 404, preflight", async () => {
    const user = await createUserWithToken();
    const responses = [
      await api("/health", { token: null }),
      await api("/v1/me", { token: user.token }),
      await api("/v1/games?week=99", { token: user.token }),
      await api("/v1/me", { token: null }),
      await api("/v1/users/1", { token: user.token }),
      await api("/v1/nothing-here", { token: user.token }),
      await api("/nothing-here", { token: null }),
      await api("/v1/picks", { method: "OPTIONS", token: null, headers: { origin: "https://app.example", "access-control-request-method": "POST" } }),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 200, 400, 401, 403, 404, 404, 204]);
    const ids = responses.map((r) => r.headers.get("x-request-id"));
    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("carries Cloudflare's cf-ray when there is one", async () => {
    const response = await api("/health", { token: null, headers: { "cf-ray": "8c1f2a3b4c5d6e7f-IAD" } });
    expect(response.headers.get("x-request-id")).toBe("8c1f2a3b4c5d6e7f-IAD");
  });
});

describe("secure headers", () => {
  it("are set on successes and on errors", async () => {
    for (const response of [await api("/v1/me"), await api("/v1/me", { token: null }), await api("/nope", { token: null }), await api("/docs", { token: null })]) {
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("x-frame-options")).toBe("SAMEORIGIN");
      expect(response.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
      expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    }
  });
});

describe("CORS", () => {
  it("answers a preflight with the allowed origin, methods and headers, without needing a token", async () => {
    const response = await SELF.fetch("http://localhost/v1/picks", {
      method: "OPTIONS",
      headers: {
        origin: "https://app.example",
        "access-control-request-method": "PATCH",
        "access-control-request-headers": "authorization, content-type",
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-methods")).toContain("PATCH");
    expect(response.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
  });

  it("marks ordinary answers (errors too) and exposes x-request-id and retry-after", async () => {
    for (const token of [ADMIN_TOKEN, null]) {
      const response = await api("/v1/me", { token, headers: { origin: "https://app.example" } });
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
      const exposed = response.headers.get("access-control-expose-headers")?.toLowerCase() ?? "";
      expect(exposed).toContain("x-request-id");
      expect(exposed).toContain("retry-after");
    }
  });
});

describe("unknown routes and methods", () => {
  it("404 not_found with the envelope, inside and outside /v1", async () => {
    const user = await createUserWithToken();
    expectError(await api("/nope", { token: null }), 404, "not_found");
    expectError(await api("/v1/nope", { token: user.token }), 404, "not_found");
    expectError(await api("/v1/picks", { method: "PUT", token: user.token, body: {} }), 404, "not_found");
    // Under /v1, authentication comes first: an anonymous caller learns nothing about which routes exist.
    expectError(await api("/v1/nope", { token: null }), 401, "unauthorized");
  });
});

describe("rate limit on mutations (MUTATION_RATE_LIMITER: 60 per 60 s per token, enforced by miniflare too)", () => {
  it("the 61st change in a window is 429 rate_limited with Retry-After, changes nothing, and other tokens and reads are unaffected", async () => {
    const season = 2090;
    const teams = await seedTeams(season, ["KC", "BUF"]);
    const game = await seedMatchup(season, 1, "KC", "BUF");
    const user = await createUserWithToken();
    const other = await createUserWithToken();

    // Cheap mutations: revoking a token id that is not the caller's (404 until the limiter says 429).
    // The limiter counts in fixed 60-second windows of the real clock, so a window boundary may fall inside the
    // loop: then more than 60 pass, and the exact count is only checked when the loop stayed in one window.
    const windowOf = () => Math.floor(Date.now() / 60_000);
    const firstWindow = windowOf();
    let passed = 0;
    let limited: Awaited<ReturnType<typeof api>> | undefined;
    for (let i = 0; i < 130 && !limited; i++) {
      const response = await api("/v1/me/tokens/99999999", { method: "DELETE", token: user.token });
      if (response.status === 429) limited = response;
      else {
        expectError(response, 404, "token_not_found");
        passed++;
      }
    }
    expect(limited).toBeDefined();
    if (windowOf() === firstWindow) expect(passed).toBe(60);
    else expect(passed).toBeGreaterThanOrEqual(1);
    expectError(limited!, 429, "rate_limited");
    expect(limited!.headers.get("retry-after")).toBe("60");
    expect(limited!.headers.get("x-request-id")).toMatch(UUID);

    if (windowOf() === firstWindow) {
      const pick = await api("/v1/picks", { method: "POST", token: user.token, body: { gameId: game, playerId: teams.KC!.QB } });
      expectError(pick, 429, "rate_limited");
      const rows = await env.DB.prepare("SELECT count(*) AS n FROM picks WHERE user_id = ?").bind(user.id).first<{ n: number }>();
      expect(rows!.n).toBe(0);
    }
    // Reads have their own budget (READ_RATE_LIMITER, rate-limits.test.ts), and the limit is per token.
    expect((await api("/v1/me", { token: user.token })).status).toBe(200);
    expect((await api(`/v1/games/${game}`, { token: user.token })).status).toBe(200);
    const otherPick = await api("/v1/picks", { method: "POST", token: other.token, body: { gameId: game, playerId: teams.KC!.QB } });
    expect(otherPick.status).toBe(201);
  });
});
