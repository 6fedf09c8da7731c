import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";

describe("GET /health", () => {
  it("reports the database reachable and the latest applied migration", async () => {
    const response = await SELF.fetch("http://localhost/health");
    expect(response.status).toBe(200);
    const body = await response.json<{ status: string; database: string; migration: { name: string } }>();
    expect(body.status).toBe("ok");
    expect(body.database).toBe("reachable");
    expect(body.migration.name).toBe(env.TEST_MIGRATIONS.at(-1)!.name);
    expect(response.headers.get("x-request-id")).toBeTruthy();
  });
});
