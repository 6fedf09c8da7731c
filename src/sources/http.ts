/**
 * Fetching from an upstream: timeout, bounded retries with exponential backoff on 429/5xx/network errors
 * (honoring Retry-After), and refusal of bodies that are not what was asked for (an HTML error page
 * instead of CSV or JSON). Every failure is an UpstreamError whose message says what went wrong.
 */
export type UpstreamProblem = "http_status" | "timeout" | "network" | "wrong_content";

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
}

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

/**
 * The body, within the timeout too: an upstream that sends its headers and then stalls would otherwise hold
 * the run until the platform kills it. (Not retried: the next scheduled run tries again.)
 */
async function readBody(url: string, response: Response, timeoutMs: number): Promise<string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UpstreamError("timeout", url, `The body did not arrive within ${timeoutMs} ms`)), timeoutMs);
  });
  const text = response.text();
  text.catch(() => {});
  try {
    return await Promise.race([text, timedOut]);
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
  const text = await readBody(url, response, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
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

/** A base URL from a var, with the upstream's own path below it (mirrors and test servers stand in this way). */
export function upstreamUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
}
