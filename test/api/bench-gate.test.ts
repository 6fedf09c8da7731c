import { describe, expect, it } from "vitest";
import { api, expectError } from "../helpers/api";

/**
 * The production Worker (src/index.ts) has no bench routes and no D1 meter at all: they live in the bench Worker
 * (bench/worker.ts, test/bench/worker.test.ts), and test/build/production-bundle.node.ts checks the deployable bundle.
 */
describe("the production Worker carries nothing of the bench", () => {
  it("every /__bench path is the ordinary 404, even for the admin token and with the bench's old switch", async () => {
    for (const [method, path] of [
      ["GET", "/__bench/select1"],
      ["GET", "/__bench/naive-leaderboard/2025"],
      ["POST", "/__bench/sql"],
      ["GET", "/__bench/verify"],
      ["GET", "/__bench/selfcheck"],
    ] as const) {
      const response = await api(path, { method, body: method === "POST" ? { statements: [{ sql: "SELECT 1" }] } : undefined });
      expectError(response, 404, "not_found");
    }
  });

  it("no response carries the bench's D1 cost header", async () => {
    const response = await api("/v1/leaderboards/2025");
    expect(response.status).toBe(200);
    expect(response.headers.get("x-bench-d1")).toBeNull();
    expect((await api("/health", { token: null })).headers.get("x-bench-d1")).toBeNull();
  });
});
