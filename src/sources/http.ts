/**
 * Fetching from an upstream: timeout, bounded retries with exponential backoff on 429/5xx/network errors
 * (honoring Retry-After), refusal of bodies that are not what was asked for (an HTML error page instead of CSV or
 * JSON) or larger than a cap. Every failure is an UpstreamError whose message says what went wrong.
 */
export type UpstreamProblem = "http_status" | "timeout" | "network" | "wrong_content" | "too_large";

export class UpstreamError extends Error {
  constructor(
    readonly problem: UpstreamProblem,
    readonly url: string,
    message: string,
    readonly status?: number,
  ) {
    super(`${message} (${url})`);
    this.name = "UpstreamError";
  }
}

export type Fetcher = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

export interface FetchOptions {
  fetcher?: Fetcher;
  timeoutMs?: number;
  /** Attempts in all, the first included. */
  attempts?: number;
  /** First backoff; doubles on each retry. */
  backoffMs?: number;
  /** Upper bound on any single wait, Retry-After included. */
  maxWaitMs?: number;
  headers?: Record<string, string>;
  /** The largest body accepted, in bytes (DEFAULT_MAX_BODY_BYTES when absent). */
  maxBytes?: number;
}

/**
 * The largest upstream body read by default: 8 MiB. The largest real ones (measured December 2026) are nflverse's
 * games.csv, every game since 1999 (2.1 MB, growing ~80 KB a season), a season's roster CSV (1.05 MB) and ESPN's core
 * plays of a game (0.9 MB): 8 MiB is ~4x the largest. Higher buys nothing: games.csv's parsed rows hold ~31 MB of V8
 * heap, so a CSV of that shape much over 8 MiB could not be parsed within the isolate's 128 MB anyway, and a run
 * killed for memory records no outcome, where this cap fails it with a clear error. Overridable per call (maxBytes).
 */
export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

const RETRYABLE_STATUS = (status: number) => status === 429 || status >= 500;

function retryAfterMs(response: Response): number | null {
  const header = response.headers.get("retry-after");
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const DEFAULT_TIMEOUT_MS = 15_000;

async function fetchOnce(url: string, options: FetchOptions): Promise<Response> {
  const fetcher = options.fetcher ?? fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    return await fetcher(url, { headers: options.headers, signal: controller.signal });
  } catch (error) {
    if (controller.signal.aborted) throw new UpstreamError("timeout", url, `No answer within ${timeoutMs} ms`);
    throw new UpstreamError("network", url, `Network error: ${String(error)}`);
  } finally {
    clearTimeout(timer);
  }
}

/** GET with retries; returns the response of the first attempt that is not retryable. */
export async function fetchWithRetry(url: string, options: FetchOptions = {}): Promise<Response> {
  const attempts = options.attempts ?? 3;
  let wait = options.backoffMs ?? 500;
  const maxWait = options.maxWaitMs ?? 10_000;
  for (let attempt = 1; ; attempt++) {
    let response: Response | null = null;
    try {
      response = await fetchOnce(url, options);
      if (!RETRYABLE_STATUS(response.status)) return response;
      if (attempt >= attempts) return response;
    } catch (error) {
      if (attempt >= attempts || !(error instanceof UpstreamError)) throw error;
    }
    const delay = Math.min(maxWait, (response && retryAfterMs(response)) ?? wait);
    await response?.body?.cancel();
    await sleep(delay);
    wait *= 2;
  }
}

function looksLikeHtml(text: string): boolean {
  return /^\s*(<!doctype html|<html|<head|<body)/i.test(text);
}

function tooLarge(url: string, maxBytes: number, what: string): UpstreamError {
  return new UpstreamError("too_large", url, `Upstream body is larger than the ${maxBytes}-byte limit (${what})`);
}

/**
 * The body as text, within the timeout too (an upstream that sends its headers and then stalls would otherwise hold
 * the run until the platform kills it), and at most `maxBytes`: a declared Content-Length over it is refused before
 * reading, and the bytes are counted as they arrive, since a Content-Length may be absent or wrong.
 * (Not retried: the next scheduled run tries again.)
 */
async function readBody(url: string, response: Response, timeoutMs: number, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get("content-length") ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge(url, maxBytes, `Content-Length says ${declared}`);
  }
  if (!response.body) return "";
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const read = async () => {
    let text = "";
    let bytes = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return text + decoder.decode();
      bytes += value.byteLength;
      if (bytes > maxBytes) throw tooLarge(url, maxBytes, `stopped reading after ${bytes} bytes`);
      text += decoder.decode(value, { stream: true });
    }
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UpstreamError("timeout", url, `The body did not arrive within ${timeoutMs} ms`)), timeoutMs);
  });
  const text = read();
  text.catch(() => {});
  try {
    return await Promise.race([text, timedOut]);
  } catch (error) {
    // Stop the transfer: nothing more of this body is wanted.
    reader.cancel().catch(() => {});
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

async function okText(url: string, options: FetchOptions): Promise<string> {
  const response = await fetchWithRetry(url, options);
  if (!response.ok) {
    await response.body?.cancel();
    throw new UpstreamError("http_status", url, `Upstream answered ${response.status}`, response.status);
  }
  const text = await readBody(url, response, options.timeoutMs ?? DEFAULT_TIMEOUT_MS, options.maxBytes ?? DEFAULT_MAX_BODY_BYTES);
  if (looksLikeHtml(text) || (response.headers.get("content-type") ?? "").includes("text/html")) {
    throw new UpstreamError("wrong_content", url, "Upstream sent an HTML page instead of data");
  }
  return text;
}

export async function fetchText(url: string, options: FetchOptions = {}): Promise<string> {
  return okText(url, options);
}

export async function fetchJson(url: string, options: FetchOptions = {}): Promise<unknown> {
  const text = await okText(url, { ...options, headers: { accept: "application/json", ...options.headers } });
  try {
    return JSON.parse(text);
  } catch {
    throw new UpstreamError("wrong_content", url, "Upstream sent a body that is not valid JSON");
  }
}

/**
 * A value from data (an id read from an upstream or the database) as one URL path segment: percent-encoded, so that
 * '/', '?', '#' and '%' stay inside the segment. '.' and '..' cannot be encoded away (a URL parser resolves '%2E%2E'
 * as '..' too), and '' would merge two segments: those are refused.
 */
export function pathSegment(value: string | number): string {
  const text = String(value);
  if (text === "" || text === "." || text === "..") throw new RangeError(`'${text}' cannot be a URL path segment`);
  return encodeURIComponent(text);
}

/** A base URL from a var, with the upstream's own path below it (mirrors and test servers stand in this way). */
export function upstreamUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
}
