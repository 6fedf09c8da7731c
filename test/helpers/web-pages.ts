/** The web app's pages as a browser without JavaScript sees them: GETs and form posts, redirects not followed. */
import { createExecutionContext, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import worker from "../../src/index";
import type { AppEnv } from "../../src/env";
import { randomClientAddress } from "./api";
import type { WebSession } from "./web-session";

export interface PageResponse {
  status: number;
  headers: Headers;
  html: string;
  /** Where a redirect points (path and query), or null. */
  location: string | null;
}

export interface PageRequest {
  session?: WebSession | null;
  method?: string;
  /** Form fields, sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
  /** Add the session's CSRF token as the `_csrf` field (as the rendered forms do); default true with a session. */
  csrf?: boolean;
  headers?: Record<string, string>;
  /** Vars replaced for this request (a deployment configured otherwise, e.g. SIGN_UP "open"). */
  vars?: Partial<Record<keyof AppEnv, string>>;
}

export async function page(path: string, init: PageRequest = {}): Promise<PageResponse> {
  const headers: Record<string, string> = { "cf-connecting-ip": randomClientAddress(), accept: "text/html", ...init.headers };
  if (init.session) headers.cookie = init.session.cookie;
  let body: string | undefined;
  if (init.form !== undefined || init.method === "POST") {
    const fields = { ...init.form };
    if (init.session && init.csrf !== false) fields._csrf = init.session.csrfToken;
    body = new URLSearchParams(fields).toString();
    headers["content-type"] = "application/x-www-form-urlencoded";
  }
  const request = new Request(`http://localhost${path}`, { method: init.method ?? (body === undefined ? "GET" : "POST"), headers, body, redirect: "manual" });
  const response = init.vars ? await fetchWithVars(request, init.vars) : await SELF.fetch(request);
  const location = response.headers.get("location");
  return {
    status: response.status,
    headers: response.headers,
    html: await response.text(),
    location: location === null ? null : location.replace(/^http:\/\/localhost/, ""),
  };
}

/** The Worker called in this isolate with the test bindings and some vars replaced (SELF always has wrangler.toml's). */
async function fetchWithVars(request: Request, vars: Partial<Record<keyof AppEnv, string>>): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, { ...(env as AppEnv), ...vars } as AppEnv, ctx);
  const body = await response.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return new Response(body, { status: response.status, headers: response.headers });
}

/** A form post from a page: POST with the session's cookie and CSRF field. */
export function post(path: string, session: WebSession | null, form: Record<string, string> = {}, init: Omit<PageRequest, "form" | "session" | "method"> = {}) {
  return page(path, { ...init, session, form, method: "POST" });
}

/** The text of an element with this id (tags stripped, whitespace collapsed), or null. */
export function textOf(html: string, id: string): string | null {
  const start = html.search(new RegExp(`<[a-z0-9]+[^>]*\\sid="${id}"`));
  if (start < 0) return null;
  const tag = /^<([a-z0-9]+)/.exec(html.slice(start))![1]!;
  // Balanced enough for the pages' own markup: count nested tags of the same name.
  let depth = 0;
  const pattern = new RegExp(`<(/?)${tag}(?=[\\s>])[^>]*>`, "g");
  pattern.lastIndex = start;
  for (let match = pattern.exec(html); match; match = pattern.exec(html)) {
    depth += match[1] ? -1 : 1;
    if (depth === 0) return plainText(html.slice(start, match.index + match[0].length));
  }
  return null;
}

export function plainText(html: string): string {
  return html
    .replace(/<[^>]+>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, " ")
    .trim();
}

/** The URLs of the stylesheets and scripts a page loads. */
export function assetsOf(html: string): string[] {
  const urls = [...html.matchAll(/<link rel="stylesheet" href="([^"]+)"/g), ...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]!);
  return [...new Set(urls)];
}

/** What a first load of the page transfers: its HTML, then each stylesheet and script it loads (uncompressed bytes). */
export async function firstLoadBytes(pageResponse: PageResponse): Promise<{ total: number; parts: Record<string, number> }> {
  const parts: Record<string, number> = { html: new TextEncoder().encode(pageResponse.html).byteLength };
  for (const url of assetsOf(pageResponse.html)) {
    const asset = await SELF.fetch(`http://localhost${url}`);
    if (asset.status !== 200) throw new Error(`${url}: ${asset.status}`);
    parts[url] = (await asset.arrayBuffer()).byteLength;
  }
  return { total: Object.values(parts).reduce((a, b) => a + b, 0), parts };
}
