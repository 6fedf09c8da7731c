import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_BODY_BYTES, fetchJson, fetchText, UpstreamError, type Fetcher } from "../../src/sources/http";

const URL_ = "https://upstream.example/data.csv";

/**
 * A body of `total` bytes of `fill`, produced on demand in chunks; `pulled()` says how many bytes the reader asked
 * for, so a test can tell that reading stopped at the cap instead of running to the end.
 */
function lazyBody(total: number, chunk = 64 * 1024, fill = "a") {
  let produced = 0;
  const block = new TextEncoder().encode(fill.repeat(chunk));
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (produced >= total) return controller.close();
      const size = Math.min(chunk, total - produced);
      produced += size;
      controller.enqueue(block.slice(0, size));
    },
  });
  return { stream, pulled: () => produced };
}

function serving(response: () => Response): Fetcher {
  return async () => response();
}

async function refusal(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

describe("upstream body size cap", () => {
  it("defaults to 8 MiB", () => {
    expect(DEFAULT_MAX_BODY_BYTES).toBe(8 * 1024 * 1024);
  });

  it("a declared Content-Length over the cap is refused before the body is read", async () => {
    const body = lazyBody(1024);
    const fetcher = serving(() => new Response(body.stream, { headers: { "content-length": String(DEFAULT_MAX_BODY_BYTES + 1) } }));
    const error = await refusal(fetchText(URL_, { fetcher }));
    expect(error.problem).toBe("too_large");
    expect(error.message).toBe(
      `Upstream body is larger than the ${DEFAULT_MAX_BODY_BYTES}-byte limit (Content-Length says ${DEFAULT_MAX_BODY_BYTES + 1}) (${URL_})`,
    );
    expect(body.pulled()).toBeLessThanOrEqual(64 * 1024);
  });

  it("without Content-Length the bytes are counted as they arrive, and reading stops past the cap", async () => {
    const body = lazyBody(4 * DEFAULT_MAX_BODY_BYTES);
    const error = await refusal(fetchText(URL_, { fetcher: serving(() => new Response(body.stream)) }));
    expect(error.problem).toBe("too_large");
    expect(error.message).toMatch(/^Upstream body is larger than the 8388608-byte limit \(stopped reading after \d+ bytes\)/);
    expect(body.pulled()).toBeLessThan(DEFAULT_MAX_BODY_BYTES + 4 * 64 * 1024);
  });

  it("a Content-Length that lies (says small, sends more) does not get past the count", async () => {
    const body = lazyBody(5000, 1000);
    const fetcher = serving(() => new Response(body.stream, { headers: { "content-length": "10" } }));
    const error = await refusal(fetchText(URL_, { fetcher, maxBytes: 2000 }));
    expect(error.problem).toBe("too_large");
  });

  it("per call: maxBytes overrides the default, for fetchText and fetchJson; a body of exactly the cap is read", async () => {
    const json = JSON.stringify({ values: "x".repeat(990) });
    const fetcher = serving(() => new Response(json, { headers: { "content-type": "application/json" } }));
    expect(await fetchJson(URL_, { fetcher, maxBytes: json.length })).toEqual({ values: "x".repeat(990) });
    expect((await refusal(fetchJson(URL_, { fetcher, maxBytes: json.length - 1 }))).problem).toBe("too_large");
    expect(await fetchText(URL_, { fetcher, maxBytes: json.length })).toBe(json);
    // Well above the 1 KiB body of a real 'small' upstream, the default lets it through.
    expect(await fetchText(URL_, { fetcher })).toBe(json);
  });

  it("not retried: one request, one refusal", async () => {
    let calls = 0;
    const fetcher: Fetcher = async () => {
      calls++;
      return new Response("y".repeat(3000));
    };
    await refusal(fetchText(URL_, { fetcher, maxBytes: 100, attempts: 3, backoffMs: 1 }));
    expect(calls).toBe(1);
  });

  it("the text is what Response.text() gives: UTF-8 split across chunks, a byte-order mark dropped", async () => {
    const text = "\uFEFFfull_name,team\nJa'Marr Chase,CIN\nAmon-Ra St. Brown,DET\nJosé Ramírez — ñ 🏈,XYZ\n";
    const bytes = new TextEncoder().encode(text);
    // One byte per chunk: every multi-byte character is split.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const byte of bytes) controller.enqueue(new Uint8Array([byte]));
        controller.close();
      },
    });
    const read = await fetchText(URL_, { fetcher: serving(() => new Response(stream)) });
    expect(read).toBe(await new Response(bytes).text());
    expect(read.startsWith("full_name")).toBe(true);
  });
});
