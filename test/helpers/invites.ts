/** Leagues and invites through the API, as a client without an admin makes them. */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { expect } from "vitest";
import worker from "../../src/index";
import type { AppEnv } from "../../src/env";
import { api, randomClientAddress, type ApiResponse } from "./api";

/** A display name no other test of the file has taken. */
export function uniqueName(base: string): string {
  return `${base} ${crypto.randomUUID().slice(0, 6)}`;
}

/** POST /v1/invites/{code}/accept: anonymous with a name, or signed in with a token. */
export function accept(code: string, as: { name?: string; token?: string }): Promise<ApiResponse> {
  return api(`/v1/invites/${code}/accept`, { method: "POST", token: as.token ?? null, body: as.name === undefined ? {} : { name: as.name } });
}

/** Accepts anonymously, asserting 201: the new account's user and personal token. */
export async function joinAs(code: string, name: string): Promise<{ id: number; name: string; token: string; body: any }> {
  const response = await accept(code, { name });
  expect(response.status, JSON.stringify(response.json)).toBe(201);
  return { id: response.json.user.id, name, token: response.json.token.token, body: response.json };
}

/** The operator's sign-up invite (ADMIN_TOKEN), asserting 201. */
export async function signUpInvite(options: { expiresInDays?: number; maxUses?: number } = {}): Promise<any> {
  const response = await api("/v1/invites", { method: "POST", body: options });
  expect(response.status, JSON.stringify(response.json)).toBe(201);
  return response.json;
}

/** POST /v1/leagues, asserting 201. */
export async function createLeague(token: string, body: { name: string; ranking?: string; membersMayInvite?: boolean }): Promise<any> {
  const response = await api("/v1/leagues", { method: "POST", token, body });
  expect(response.status, JSON.stringify(response.json)).toBe(201);
  return response.json;
}

/** POST /v1/leagues/{id}/invites, asserting 201. */
export async function leagueInvite(token: string, leagueId: number, options: { expiresInDays?: number; maxUses?: number } = {}): Promise<any> {
  const response = await api(`/v1/leagues/${leagueId}/invites`, { method: "POST", token, body: options });
  expect(response.status, JSON.stringify(response.json)).toBe(201);
  return response.json;
}

/** A request to the Worker with the test bindings, some vars replaced (a deployment configured otherwise). */
export async function viaWorker(
  path: string,
  init: { method?: string; body?: unknown; token?: string },
  vars: Partial<Record<keyof AppEnv, string | undefined>>,
): Promise<ApiResponse> {
  const ctx = createExecutionContext();
  const headers: Record<string, string> = { "cf-connecting-ip": randomClientAddress() };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers["content-type"] = "application/json";
  const request = new Request<unknown, IncomingRequestCfProperties>(`http://localhost${path}`, {
    method: init.method ?? "GET",
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const response = await worker.fetch(request, { ...(env as AppEnv), ...vars } as AppEnv, ctx);
  const text = await response.text();
  await waitOnExecutionContext(ctx);
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : null };
}
