import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { REQUEST_BODY_LIMIT_BYTES } from "../../src/http/body-limit";
import { ADMIN_TOKEN, api, countRows, createUserWithToken, expectError, seedMatchup, seedTeams, type ApiResponse } from "../helpers/api";

let nextSeason = 2070;

/** A game a user can pick in (kickoff in the future), and a pick body for it. */
async function pickable() {
  const season = nextSeason++;
  const teams = await seedTeams(season, ["KC", "BUF"]);
  const gameId = await seedMatchup(season, 1, "KC", "BUF");
  const user = await createUserWithToken();
  return { user, gameId, json: JSON.stringify({ gameId, playerId: teams.KC!.WR }) };
}

/** A JSON body of exactly `size` bytes: the document, then whitespace (still valid JSON). */
function padded(json: string, size: number): string {
  if (size < json.length) throw new Error("size below the document");
  return json + " ".repeat(size - json.length);
}

/**
 * The bytes of `text` as a stream of 8 KiB chunks: a request with no Content-Length (chunked). When the Worker refuses
 * the body and stops reading it, workerd logs the sending side's aborted pipe ("Network connection lost"): expected.
 */
function streamOf(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + 8192));
      offset += 8192;
    },
  });
}

async function send(path: string, init: { method?: string; token: string; body: BodyInit; headers?: Record<string, string> }): Promise<ApiResponse> {
  const response = await SELF.fetch(`http://localhost${path}`, {
    method: init.method ?? "POST",
    headers: { authorization: `Bearer ${init.token}`, "content-type": "application/json", ...init.headers },
    body: init.body,
    // A stream body needs it (fetch's rule for request streams).
    ...(init.body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : null };
}

const picksOf = (userId: number) => countRows("SELECT count(*) AS n FROM picks WHERE user_id = ?", userId);

describe("request body limit: 64 KiB", () => {
  it("is 64 KiB", () => {
    expect(REQUEST_BODY_LIMIT_BYTES).toBe(64 * 1024);
  });

  it("a body of exactly the limit is served", async () => {
    const { user, json } = await pickable();
    const response = await send("/v1/picks", { token: user.token, body: padded(json, REQUEST_BODY_LIMIT_BYTES) });
    expect(response.status).toBe(201);
    expect(await picksOf(user.id)).toBe(1);
  });

  it("one byte over: 413 payload_too_large with the envelope and the limit in details; nothing written", async () => {
    const { user, json } = await pickable();
    const response = await send("/v1/picks", { token: user.token, body: padded(json, REQUEST_BODY_LIMIT_BYTES + 1) });
    expectError(response, 413, "payload_too_large");
    expect(response.json.error.details).toEqual({ maxBytes: REQUEST_BODY_LIMIT_BYTES });
    expect(response.headers.get("x-request-id")).not.toBeNull();
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await picksOf(user.id)).toBe(0);
  });

  it("without Content-Length (a streamed body): counted while read; over the limit is 413, under is served", async () => {
    const { user, json } = await pickable();
    const over = await send("/v1/picks", { token: user.token, body: streamOf(padded(json, 200 * 1024)) });
    expectError(over, 413, "payload_too_large");
    expect(await picksOf(user.id)).toBe(0);
    const under = await send("/v1/picks", { token: user.token, body: streamOf(padded(json, 20 * 1024)) });
    expect(under.status).toBe(201);
    expect(await picksOf(user.id)).toBe(1);
  });

  it("a Content-Length that lies (says small, sends more) is not believed", async () => {
    const { user, json } = await pickable();
    const body = padded(json, 200 * 1024);
    const response = await send("/v1/picks", { token: user.token, body: streamOf(body), headers: { "content-length": String(json.length) } });
    expectError(response, 413, "payload_too_large");
    expect(await picksOf(user.id)).toBe(0);
  });

  it("a declared Content-Length over the limit is refused before the body is read", async () => {
    const { user, json } = await pickable();
    const response = await send("/v1/picks", { token: user.token, body: padded(json, 1024 * 1024) });
    expectError(response, 413, "payload_too_large");
    expect(await picksOf(user.id)).toBe(0);
  });

  it("applies before authentication and to every route: admin, anonymous, the status page's login form", async () => {
    const { gameId } = await pickable();
    const big = padded(JSON.stringify({ type: "no_td" }), REQUEST_BODY_LIMIT_BYTES + 100);
    expectError(await send(`/v1/admin/games/${gameId}/first-td`, { method: "PUT", token: ADMIN_TOKEN, body: big }), 413, "payload_too_large");
    expect(await countRows("SELECT count(*) AS n FROM games WHERE id = ? AND first_td_recorded_at IS NULL AND no_td = 0", gameId)).toBe(1);
    expectError(await send("/v1/users", { token: "no-such-token", body: big }), 413, "payload_too_large");
    const form = await SELF.fetch("http://localhost/status/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `token=${"a".repeat(REQUEST_BODY_LIMIT_BYTES)}`,
    });
    expect(form.status).toBe(413);
    // Small bodies are untouched: the ordinary answers.
    expectError(await api("/v1/users", { method: "POST", token: "no-such-token", body: { name: "x" } }), 401, "unauthorized");
  });

  it("is documented: 413 with the error envelope on the routes that take a body", async () => {
    const spec = (await api("/openapi.json", { token: null })).json;
    expect(spec.paths["/v1/picks"].post.responses["413"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/Error" });
  });
});
