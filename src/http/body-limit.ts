import type { MiddlewareHandler } from "hono";
import type { AppBindings } from "../env";
import { ApiError } from "./errors";

/**
 * The largest request body any route accepts. The API's bodies are small JSON documents (a pick, a first-TD fact with
 * its play text, a user, a token name, a job's scope): the largest is well under 1 KiB. 64 KiB leaves ample room and
 * keeps what one request can make the Worker buffer and parse far below its 128 MB memory (Cloudflare itself
 * accepts bodies up to 100 MB).
 */
export const REQUEST_BODY_LIMIT_BYTES = 64 * 1024;

function tooLarge(maxBytes: number): ApiError {
  return new ApiError("payload_too_large", `The request body is larger than ${maxBytes} bytes.`, { maxBytes });
}

/**
 * Refuses request bodies over `maxBytes` with 413 payload_too_large. A declared Content-Length over the limit is
 * refused before reading; otherwise the body is counted as it is read, whatever Content-Length says (absent, or a
 * lie: hono/body-limit believes the header, and a Worker can be handed a body longer than its header), and the
 * request continues with the bytes read. Registered before authentication, so nobody can make the Worker read more.
 */
export function limitRequestBody(maxBytes: number = REQUEST_BODY_LIMIT_BYTES): MiddlewareHandler<AppBindings> {
  return async (c, next) => {
    const body = c.req.raw.body;
    if (!body) return next();
    const declared = Number(c.req.header("content-length"));
    if (Number.isFinite(declared) && declared > maxBytes) {
      await body.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    const reader = body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge(maxBytes);
      }
      chunks.push(value);
    }
    const bytes = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.byteLength;
    }
    const headers = new Headers(c.req.raw.headers);
    headers.set("content-length", String(size));
    headers.delete("transfer-encoding");
    c.req.raw = new Request(c.req.raw, { headers, body: bytes });
    return next();
  };
}
