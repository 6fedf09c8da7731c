/**
 * The API's contract, held for every client and not only the TypeScript one: real requests to every operation of
 * /openapi.json (a success and the error answers each route documents), each answer checked against the document:
 * its status is one the operation documents, its JSON body validates against the documented schema (JSON Schema
 * 2020-12, as OpenAPI 3.1 writes it), and it carries no property the schema does not name, so that a client generated
 * in a strict language (a Rust struct that denies unknown fields, a Kotlin class that refuses null in a non-null
 * field) reads every answer. The last test fails when an operation, or one of its documented error statuses, was not
 * exercised (test/api/auth-matrix.test.ts holds who may call what; this file holds what the answers look like).
 *
 * The validator is @cfworker/json-schema (2020-12 supported): it interprets schemas, where Ajv compiles them to code
 * with new Function, which workerd refuses (the test pool allows it; a validator that needs it would not run in the
 * Worker). The document's `#/components/schemas/...` references resolve inside the document itself: it is
 * dereferenced once, under an id of its own.
 */
import { dereference, validate, type Schema } from "@cfworker/json-schema";
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../src/index";
import type { AppEnv } from "../../src/env";
import { REQUEST_BODY_LIMIT_BYTES } from "../../src/http/body-limit";
import { AUTH_FAILURE_LIMIT } from "../../src/services/auth-throttle";
import { ADMIN_TOKEN, createUserWithToken, makePick, minutesAgo, randomClientAddress, seedMarketOdds, seedMatchup, seedTeams, setFirstTd, type TeamRoster, type TestUser } from "../helpers/api";
import { kickoffPassesNow } from "../helpers/real-clock";
import { SoftwareAuthenticator } from "../helpers/webauthn";
import { seedSignInLink, sessionCookieOf, type WebSession } from "../helpers/web-session";

const SEASON = 2047;
const DOCUMENT_ID = "https://firsttd.invalid/openapi.json";
const METHODS = ["get", "put", "post", "delete", "patch"] as const;

/** The error statuses each operation must be seen answering, where it documents them (413, 429, 500: once, below). */
const ERROR_STATUSES = ["400", "401", "403", "404", "409", "410", "422"];

/** Documented answers no request can produce, with the reason; every other documented error status is exercised. */
const UNREACHABLE: Record<string, string> = {
  "passkeySignInOptions 401": "asks for nothing and needs no caller: nothing to refuse",
  "signInWithLink 401": "a link never answers 401: an unknown one is 404, a used or expired one 410, a disabled account's 403",
};

interface Operation {
  id: string;
  method: string;
  path: string;
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
  hasInput: boolean;
  /** Whether the operation reads credentials (every /v1 route but signing in). */
  takesCredentials: boolean;
}

/** Who sends a request: nobody, a bearer token, or a signed-in browser (cookie; its CSRF token on changes unless told). */
type Caller = null | { token: string } | { session: WebSession; csrf?: boolean };

interface Call {
  as?: Caller;
  params?: Record<string, string | number>;
  query?: Record<string, string | number>;
  body?: unknown;
  /** A body sent as it is (not JSON-encoded). */
  rawBody?: string;
  headers?: Record<string, string>;
  /** Vars of another deployment (SIGN_UP open, no SESSION_SECRET). */
  vars?: Partial<Record<keyof AppEnv, string | undefined>>;
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

let spec: any;
let operations: Map<string, Operation>;
/** Every `$ref` target of the document, by absolute URI, for the validator. */
let lookup: Record<string, Schema>;
/** "operationId status" of every answer checked. */
const seen = new Set<string>();

const operation = (id: string): Operation => {
  const op = operations.get(id);
  if (!op) throw new Error(`no operation ${id} in the document`);
  return op;
};

async function send(method: string, path: string, req: Call): Promise<Answer> {
  const headers: Record<string, string> = { "cf-connecting-ip": randomClientAddress(), ...req.headers };
  const as = req.as === undefined ? { token: ADMIN_TOKEN } : req.as;
  if (as && "token" in as) headers.authorization = `Bearer ${as.token}`;
  if (as && "session" in as) {
    headers.cookie = as.session.cookie;
    if (as.csrf !== false) headers["x-csrf-token"] = as.session.csrfToken;
  }
  let body: string | undefined = req.rawBody;
  if (req.body !== undefined) body = JSON.stringify(req.body);
  if (body !== undefined) headers["content-type"] ??= "application/json";
  const query = new URLSearchParams(Object.entries(req.query ?? {}).map(([k, v]): [string, string] => [k, String(v)]));
  const url = `http://localhost${path}${query.size ? `?${query}` : ""}`;
  const ctx = createExecutionContext();
  const request = new Request<unknown, IncomingRequestCfProperties>(url, { method: method.toUpperCase(), headers, body });
  const response = await worker.fetch(request, { ...(env as AppEnv), ...req.vars } as AppEnv, ctx);
  const text = await response.text();
  await waitOnExecutionContext(ctx);
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/**
 * The properties of `value` (at `at`) that `schema` does not name, at any depth. An object schema is closed by its
 * `properties` (those of every `allOf` member together); `additionalProperties` opens it. Of an `anyOf`/`oneOf`, the
 * branches whose type fits the value are followed (a nullable `anyOf: [$ref, null]` has one).
 */
function undocumentedProperties(value: unknown, schema: any, at: string): string[] {
  if (schema === true || schema === undefined || value === null || typeof value !== "object") return [];
  if (schema.$ref) return undocumentedProperties(value, resolve(schema.$ref), at);
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches) {
    const fitting = (branches as any[]).map((b) => (b.$ref ? resolve(b.$ref) : b)).filter((b) => fits(value, b));
    return fitting.length === 1 ? undocumentedProperties(value, fitting[0], at) : [];
  }
  if (Array.isArray(value)) return value.flatMap((item, i) => undocumentedProperties(item, schema.items, `${at}/${i}`));
  const members = allOfMembers(schema);
  const named = new Map<string, unknown>();
  for (const member of members) for (const [key, sub] of Object.entries(member.properties ?? {})) named.set(key, sub);
  const open = members.find((m) => m.additionalProperties !== undefined && m.additionalProperties !== false);
  const problems: string[] = [];
  for (const [key, item] of Object.entries(value)) {
    const sub = named.get(key) ?? open?.additionalProperties;
    if (sub === undefined && members.some((m) => m.properties || m.type === "object")) problems.push(`${at}/${key}: not in the document`);
    else problems.push(...undocumentedProperties(item, sub, `${at}/${key}`));
  }
  return problems;
}

/** A schema and, through `$ref`s, every schema its `allOf` combines (at any depth): together they name the properties. */
function allOfMembers(schema: any): any[] {
  const resolved = schema.$ref ? resolve(schema.$ref) : schema;
  return [resolved, ...(resolved.allOf ?? []).flatMap(allOfMembers)];
}

function fits(value: unknown, schema: any): boolean {
  const types = schema.type === undefined ? [] : [schema.type].flat();
  if (types.length === 0) return true;
  const kind = value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
  return types.includes(kind) || (kind === "number" && types.includes("integer"));
}

function resolve(ref: string): any {
  const target = lookup[new URL(ref, DOCUMENT_ID).href];
  if (!target) throw new Error(`unresolved $ref ${ref}`);
  return target;
}

/** What is wrong with an answer of an operation, by its document; [] when the document promises exactly it. */
function contractProblems(op: Operation, answer: Pick<Answer, "status" | "headers" | "text" | "json">): string[] {
  const documented = op.responses[String(answer.status)] ?? op.responses.default;
  if (!documented) return [`status ${answer.status} is not documented (documented: ${Object.keys(op.responses).join(", ")})`];
  const json = documented.content?.["application/json"];
  if (!json) return answer.text === "" ? [] : [`status ${answer.status} documents no body, got ${answer.text.slice(0, 200)}`];
  const problems: string[] = [];
  if (!/^application\/json/.test(answer.headers.get("content-type") ?? "")) problems.push(`content-type ${answer.headers.get("content-type")}`);
  if (answer.json === undefined) return [...problems, `a JSON body is documented, got ${JSON.stringify(answer.text.slice(0, 200))}`];
  const result = validate(answer.json, json.schema, "2020-12", lookup, false);
  // The errors of the deepest locations say what broke; the rest repeat it up the tree.
  problems.push(...result.errors.filter((e) => !["properties", "allOf", "anyOf", "$ref", "items"].includes(e.keyword)).map((e) => `${e.instanceLocation}: ${e.error}`));
  if (result.valid) problems.push(...undocumentedProperties(answer.json, json.schema, "#"));
  return [...new Set(problems)];
}

/**
 * Sends a request to an operation (path from the document, its parameters filled in), asserts the status the test
 * expects and that the document promises the answer, and returns the body.
 */
async function hit(operationId: string, req: Call, status: number): Promise<any> {
  const op = operation(operationId);
  const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = req.params?.[name];
    if (value === undefined) throw new Error(`${operationId}: no value for {${name}}`);
    return encodeURIComponent(String(value));
  });
  const answer = await send(op.method, path, req);
  seen.add(`${operationId} ${answer.status}`);
  expect({ status: answer.status, problems: contractProblems(op, answer) }, `${operationId} ${op.method.toUpperCase()} ${path} -> ${answer.status} ${answer.text.slice(0, 500)}`).toEqual({
    status,
    problems: [],
  });
  return answer.json;
}

let teams: Record<string, TeamRoster>;
let openGame: string; // kicks off in the real future: takes picks
let playedGame: string; // kicked off, graded: alice's pick won
let alice: TestUser; // commissioner of `league`
let bob: TestUser; // member of `league`
let carol: TestUser; // in no league, no picks
let admin: TestUser; // an admin user
let league: { id: number; invite: { id: number; code: string } };

const asAlice = () => ({ token: alice.token });
const asBob = () => ({ token: bob.token });
const asCarol = () => ({ token: carol.token });
const asAdmin = () => ({ token: admin.token });
const OPERATOR = { token: ADMIN_TOKEN };
const TOO_LONG = "x".repeat(201);

/** Signs a user in through the API with a one-time link: the browser's cookie and CSRF token. */
async function signIn(user: TestUser): Promise<WebSession> {
  const answer = await send("post", "/v1/sign-in/link", { as: null, body: { token: await seedSignInLink(user.id) } });
  expect(answer.status, answer.text).toBe(200);
  return { cookie: sessionCookieOf({ status: answer.status, headers: answer.headers, json: answer.json })!, csrfToken: answer.json.csrfToken, sessionId: answer.json.session.id };
}

beforeAll(async () => {
  const answer = await send("get", "/openapi.json", { as: null });
  expect(answer.status).toBe(200);
  spec = answer.json;
  lookup = dereference(spec as Schema, Object.create(null), new URL(DOCUMENT_ID)) as Record<string, Schema>;
  operations = new Map();
  for (const [path, item] of Object.entries(spec.paths as Record<string, Record<string, any>>)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      operations.set(op.operationId, {
        id: op.operationId,
        method,
        path,
        responses: op.responses,
        hasInput: (op.parameters ?? []).length > 0 || op.requestBody !== undefined,
        takesCredentials: JSON.stringify(op.security ?? []).includes("bearerAuth"),
      });
    }
  }

  teams = await seedTeams(SEASON, ["KC", "BUF"]);
  openGame = await seedMatchup(SEASON, 1, "KC", "BUF");
  playedGame = await seedMatchup(SEASON, 2, "KC", "BUF");
  [alice, bob, carol] = [await createUserWithToken("contract-alice"), await createUserWithToken("contract-bob"), await createUserWithToken("contract-carol")];
  admin = await createUserWithToken("contract-admin", true);
  // Fresh prices, so that picks freeze odds and games list markets: every field of those answers is filled.
  for (const gameId of [openGame, playedGame]) {
    await seedMarketOdds(
      [teams.KC!.QB, teams.KC!.WR, teams.BUF!.RB].map((playerId) => ({
        gameId,
        playerId,
        playerName: playerId,
        impliedProbability: 0.1,
        americanOdds: 900,
        snapshotTime: minutesAgo(5),
      })),
    );
  }
  await makePick(alice, playedGame, teams.KC!.QB);
  await makePick(bob, playedGame, teams.BUF!.RB);
  await kickoffPassesNow(playedGame);
  await setFirstTd(playedGame, { type: "player", playerId: teams.KC!.QB, kind: "rush" });
});

describe("the contract checker", () => {
  it("refuses what the document does not promise: an undocumented status, a wrong type, null where an object is due, an extra field", () => {
    const op = operation("getSeasonLeaderboard");
    const answer = (status: number, json: unknown) => ({ status, headers: new Headers({ "content-type": "application/json" }), text: JSON.stringify(json), json });
    const entry = { rank: 1, userId: 1, name: "a", picks: 1, wins: 1, losses: 0, voids: 0, hitRate: 1, units: 1 };
    const board = { season: SEASON, week: null, sort: "wins", entries: [entry], nextCursor: null, me: entry };
    expect(contractProblems(op, answer(200, board))).toEqual([]);
    expect(contractProblems(op, answer(200, { ...board, me: null }))).toEqual([]);
    expect(contractProblems(op, answer(418, board))[0]).toMatch(/status 418 is not documented/);
    expect(contractProblems(op, answer(200, { ...board, season: "2047" })).join()).toMatch(/#\/season/);
    expect(contractProblems(op, answer(200, { ...board, entries: [null] })).join()).toMatch(/#\/entries\/0/);
    expect(contractProblems(op, answer(200, { ...board, me: { ...entry, secret: 1 } }))).toEqual(["#/me/secret: not in the document"]);
    expect(contractProblems(op, answer(200, { ...board, extra: 1 }))).toEqual(["#/extra: not in the document"]);
    const { nextCursor: _, ...missing } = board;
    expect(contractProblems(op, answer(200, missing)).join()).toMatch(/nextCursor/);
    expect(contractProblems(op, { ...answer(200, board), headers: new Headers({ "content-type": "text/plain" }) }).join()).toMatch(/content-type/);
    expect(contractProblems(operation("deletePick"), { ...answer(204, {}), text: "{}" }).join()).toMatch(/documents no body/);
  });

  it("every operation has a unique operationId (the keys of this file)", () => {
    const ids = Object.values(spec.paths as Record<string, Record<string, any>>).flatMap((item) => METHODS.filter((m) => item[m]).map((m) => item[m].operationId));
    expect(ids.length).toBeGreaterThanOrEqual(60);
    expect(new Set(ids).size).toBe(ids.length);
    expect(operations.size).toBe(ids.length);
  });
});

describe("401: every operation that reads credentials refuses a bad token with the documented envelope", () => {
  it("for every operation", async () => {
    for (const op of operations.values()) {
      if (!op.takesCredentials) continue;
      const params = Object.fromEntries([...op.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => [name!, "1"]));
      await hit(op.id, { as: { token: "ftd_contract-not-a-token" }, params, body: op.method === "get" ? undefined : {} }, 401);
    }
  });
});

describe("games, players, markets", () => {
  it("games", async () => {
    const { games } = await hit("listGames", { as: asAlice(), query: { season: SEASON } }, 200);
    expect(games.map((g: any) => [g.id, g.firstTd === null])).toEqual([
      [openGame, true],
      [playedGame, false],
    ]);
    await hit("listGames", { as: asAlice(), query: { season: "abc" } }, 400);
    const game = await hit("getGame", { as: asAlice(), params: { id: openGame } }, 200);
    expect(game.markets.length).toBeGreaterThan(0);
    await hit("getGame", { as: asAlice(), params: { id: `${SEASON}_01_NO_GAME` } }, 404);
    await hit("getGame", { as: asAlice(), params: { id: "x".repeat(41) } }, 400);
    expect((await hit("listGameMarkets", { as: asAlice(), params: { id: openGame } }, 200)).markets.length).toBeGreaterThan(0);
    await hit("listGameMarkets", { as: asAlice(), params: { id: openGame }, query: { kind: "nope" } }, 400);
    await hit("listGameMarkets", { as: asAlice(), params: { id: `${SEASON}_01_NO_GAME` } }, 404);
    expect((await hit("listGamePicks", { as: asAlice(), params: { id: playedGame } }, 200)).picks.length).toBe(2);
    await hit("listGamePicks", { as: asAlice(), params: { id: openGame } }, 403);
    await hit("listGamePicks", { as: asAlice(), params: { id: `${SEASON}_01_NO_GAME` } }, 404);
    await hit("listGamePicks", { as: asAlice(), params: { id: "x".repeat(41) } }, 400);
  });

  it("players and their stats", async () => {
    const { players, nextCursor } = await hit("listPlayers", { as: asAlice(), query: { season: SEASON, limit: 3 } }, 200);
    expect([players.length, typeof nextCursor]).toEqual([3, "string"]);
    await hit("listPlayers", { as: asAlice(), query: { season: SEASON, cursor: "made-up" } }, 400);
    const player = await hit("getPlayer", { as: asAlice(), params: { id: teams.KC!.QB }, query: { season: SEASON } }, 200);
    expect([player.stats.length, player.markets.length > 0]).toEqual([1, true]);
    await hit("getPlayer", { as: asAlice(), params: { id: "00-no-such-player" } }, 404);
    await hit("getPlayer", { as: asAlice(), params: { id: teams.KC!.QB }, query: { season: 1 } }, 400);
    expect((await hit("listPlayerStats", { as: asAlice(), query: { season: SEASON } }, 200)).entries.length).toBeGreaterThan(0);
    await hit("listPlayerStats", { as: asAlice(), query: {} }, 400);
  });
});

describe("picks", () => {
  it("make, read, change, delete; each refusal", async () => {
    const pick = await hit("createPick", { as: asAlice(), body: { gameId: openGame, playerId: teams.KC!.WR } }, 201);
    expect(pick.oddsSnapshots.length).toBeGreaterThan(0);
    await hit("createPick", { as: asAlice(), body: { gameId: openGame, playerId: teams.KC!.RB } }, 409);
    await hit("createPick", { as: asAlice(), body: { gameId: playedGame, playerId: teams.KC!.RB } }, 409);
    await hit("createPick", { as: asBob(), body: { gameId: `${SEASON}_01_NO_GAME`, playerId: teams.KC!.RB } }, 404);
    await hit("createPick", { as: asBob(), body: { gameId: openGame, playerId: teams.KC!.OL } }, 422);
    await hit("createPick", { as: OPERATOR, body: { gameId: openGame, playerId: teams.KC!.RB } }, 403);
    await hit("createPick", { as: asBob(), body: { gameId: openGame } }, 400);

    await hit("getPick", { as: asAlice(), params: { id: pick.id } }, 200);
    await hit("getPick", { as: asBob(), params: { id: pick.id } }, 403);
    await hit("getPick", { as: asAlice(), params: { id: 999_999 } }, 404);
    await hit("getPick", { as: asAlice(), params: { id: "abc" } }, 400);

    await hit("changePick", { as: asAlice(), params: { id: pick.id }, body: { playerId: teams.KC!.TE } }, 200);
    await hit("changePick", { as: asAlice(), params: { id: pick.id }, body: { playerId: teams.KC!.OL } }, 422);
    await hit("changePick", { as: asBob(), params: { id: pick.id }, body: { playerId: teams.KC!.TE } }, 403);
    await hit("changePick", { as: asAlice(), params: { id: 999_999 }, body: { playerId: teams.KC!.TE } }, 404);
    await hit("changePick", { as: asAlice(), params: { id: pick.id }, body: {} }, 400);
    const played = (await hit("listMyPicks", { as: asAlice(), query: { season: SEASON } }, 200)).picks.find((p: any) => p.gameId === playedGame);
    expect(played.outcome).toBe("win");
    await hit("changePick", { as: asAlice(), params: { id: played.id }, body: { playerId: teams.KC!.TE } }, 409);

    await hit("deletePick", { as: asBob(), params: { id: pick.id } }, 403);
    await hit("deletePick", { as: asAlice(), params: { id: played.id } }, 409);
    await hit("deletePick", { as: asAlice(), params: { id: "abc" } }, 400);
    await hit("deletePick", { as: asAlice(), params: { id: pick.id } }, 204);
    await hit("deletePick", { as: asAlice(), params: { id: pick.id } }, 404);
    await hit("listMyPicks", { as: asAlice(), query: { week: 99 } }, 400);
    await hit("listMyPicks", { as: OPERATOR }, 403);
  });
});

describe("the caller: me, tokens, profile", () => {
  it("me: a user, and the operator, who is no user (user: null)", async () => {
    expect((await hit("getMe", { as: asAlice() }, 200)).user.id).toBe(alice.id);
    expect((await hit("getMe", { as: OPERATOR }, 200)).user).toBeNull();
  });

  it("tokens", async () => {
    const token = await hit("createMyToken", { as: asCarol(), body: { name: "contract", expiresInDays: 30 } }, 201);
    await hit("createMyToken", { as: asCarol(), body: { name: "x".repeat(61) } }, 400);
    await hit("createMyToken", { as: OPERATOR, body: {} }, 403);
    expect((await hit("listMyTokens", { as: asCarol() }, 200)).tokens.length).toBe(2);
    await hit("listMyTokens", { as: OPERATOR }, 403);
    await hit("revokeMyToken", { as: asCarol(), params: { id: token.id } }, 200);
    await hit("revokeMyToken", { as: asCarol(), params: { id: 999_999 } }, 404);
    await hit("revokeMyToken", { as: asCarol(), params: { id: "abc" } }, 400);
    await hit("revokeMyToken", { as: OPERATOR, params: { id: token.id } }, 403);
  });

  it("profile", async () => {
    await hit("getProfile", { as: asAlice() }, 200);
    await hit("getProfile", { as: OPERATOR }, 403);
    await hit("updateProfile", { as: asAlice(), body: { onGlobalBoard: true } }, 200);
    await hit("updateProfile", { as: asAlice(), body: {} }, 400);
    await hit("updateProfile", { as: OPERATOR, body: { onGlobalBoard: true } }, 403);
  });
});

describe("leaderboards", () => {
  it("the global boards: the caller's own row (me), or null without picks and for the operator", async () => {
    const board = await hit("getSeasonLeaderboard", { as: asAlice(), params: { season: SEASON }, query: { limit: 1 } }, 200);
    expect(board.me?.userId).toBe(alice.id);
    expect((await hit("getSeasonLeaderboard", { as: asCarol(), params: { season: SEASON } }, 200)).me).toBeNull();
    expect((await hit("getSeasonLeaderboard", { as: OPERATOR, params: { season: SEASON }, query: { sort: "units" } }, 200)).me).toBeNull();
    await hit("getSeasonLeaderboard", { as: asAlice(), params: { season: SEASON }, query: { cursor: "made-up" } }, 400);
    await hit("getSeasonLeaderboard", { as: asAlice(), params: { season: 1 } }, 400);
    expect((await hit("getWeekLeaderboard", { as: asAlice(), params: { season: SEASON, week: 2 } }, 200)).me?.userId).toBe(alice.id);
    expect((await hit("getWeekLeaderboard", { as: asCarol(), params: { season: SEASON, week: 2 } }, 200)).me).toBeNull();
    await hit("getWeekLeaderboard", { as: asAlice(), params: { season: SEASON, week: 23 } }, 400);
  });
});

describe("invites and accounts", () => {
  it("the operator's sign-up invite: made, described (league: null), accepted anonymously (a token), listed, revoked", async () => {
    const invite = await hit("createSignUpInvite", { as: OPERATOR, body: { maxUses: 5, expiresInDays: 7 } }, 201);
    await hit("createSignUpInvite", { as: OPERATOR, body: { maxUses: 0 } }, 400);
    await hit("createSignUpInvite", { as: asAdmin(), body: {} }, 403);
    expect((await hit("describeInvite", { as: null, params: { code: invite.code } }, 200)).league).toBeNull();
    await hit("describeInvite", { as: null, params: { code: "no-such-code" } }, 404);
    await hit("describeInvite", { as: null, params: { code: TOO_LONG } }, 400);
    const accepted = await hit("acceptInvite", { as: null, params: { code: invite.code }, body: { name: "contract-newcomer" } }, 201);
    expect([accepted.league, typeof accepted.token.token]).toEqual([null, "string"]);
    await hit("acceptInvite", { as: null, params: { code: invite.code }, body: { name: "contract-newcomer" } }, 409);
    await hit("acceptInvite", { as: null, params: { code: invite.code }, body: {} }, 400);
    await hit("acceptInvite", { as: null, params: { code: "no-such-code" }, body: { name: "contract-nobody" } }, 404);
    await hit("acceptInvite", { as: OPERATOR, params: { code: invite.code }, body: {} }, 403);
    expect((await hit("listSignUpInvites", { as: OPERATOR }, 200)).invites.length).toBeGreaterThan(0);
    await hit("listSignUpInvites", { as: asAdmin() }, 403);
    await hit("revokeInvite", { as: asAdmin(), params: { code: invite.code } }, 403);
    await hit("revokeInvite", { as: OPERATOR, params: { code: invite.code } }, 200);
    await hit("revokeInvite", { as: OPERATOR, params: { code: "no-such-code" } }, 404);
    await hit("revokeInvite", { as: OPERATOR, params: { code: TOO_LONG } }, 400);
    await hit("describeInvite", { as: null, params: { code: invite.code } }, 410);
    await hit("acceptInvite", { as: null, params: { code: invite.code }, body: { name: "contract-late" } }, 410);
  });

  it("accounts: closed by default (403), open where SIGN_UP says so", async () => {
    await hit("createAccount", { as: null, body: { name: "contract-closed" } }, 403);
    const open = { SIGN_UP: "open" };
    await hit("createAccount", { as: null, body: { name: "contract-open" }, vars: open }, 201);
    await hit("createAccount", { as: null, body: { name: "contract-open" }, vars: open }, 409);
    await hit("createAccount", { as: null, body: { name: "" }, vars: open }, 400);
  });
});

describe("leagues", () => {
  it("made, joined, read, listed; its board and its picks in a game", async () => {
    const made = await hit("createLeague", { as: asAlice(), body: { name: "Contract Crew" } }, 201);
    league = { id: made.id, invite: made.invite };
    expect(made.invite.code).toEqual(expect.any(String));
    await hit("createLeague", { as: asAlice(), body: { name: "" } }, 400);
    await hit("createLeague", { as: OPERATOR, body: { name: "No Crew" } }, 403);
    const joined = await hit("acceptInvite", { as: asBob(), params: { code: league.invite.code }, body: {} }, 201);
    expect([joined.token, joined.league.id]).toEqual([null, league.id]);
    await hit("acceptInvite", { as: asBob(), params: { code: league.invite.code }, body: {} }, 409);
    expect((await hit("describeInvite", { as: asCarol(), params: { code: league.invite.code } }, 200)).league.id).toBe(league.id);

    expect((await hit("listMyLeagues", { as: asBob() }, 200)).leagues.map((l: any) => l.id)).toEqual([league.id]);
    await hit("listMyLeagues", { as: OPERATOR }, 403);
    await hit("getLeague", { as: asBob(), params: { id: league.id } }, 200);
    await hit("getLeague", { as: asCarol(), params: { id: league.id } }, 403);
    await hit("getLeague", { as: asAlice(), params: { id: 999_999 } }, 404);
    await hit("getLeague", { as: asAlice(), params: { id: "abc" } }, 400);
    await hit("listLeagueMembers", { as: asBob(), params: { id: league.id }, query: { limit: 1 } }, 200);
    await hit("listLeagueMembers", { as: asCarol(), params: { id: league.id } }, 403);
    await hit("listLeagueMembers", { as: asAlice(), params: { id: 999_999 } }, 404);
    await hit("listLeagueMembers", { as: asAlice(), params: { id: league.id }, query: { limit: 0 } }, 400);

    const seasonBoard = await hit("getLeagueSeasonLeaderboard", { as: asAlice(), params: { id: league.id, season: SEASON } }, 200);
    expect(seasonBoard.me?.userId).toBe(alice.id);
    expect((await hit("getLeagueSeasonLeaderboard", { as: OPERATOR, params: { id: league.id, season: SEASON } }, 200)).me).toBeNull();
    await hit("getLeagueSeasonLeaderboard", { as: asCarol(), params: { id: league.id, season: SEASON } }, 403);
    await hit("getLeagueSeasonLeaderboard", { as: asAlice(), params: { id: 999_999, season: SEASON } }, 404);
    await hit("getLeagueSeasonLeaderboard", { as: asAlice(), params: { id: league.id, season: SEASON }, query: { cursor: "made-up" } }, 400);
    const weekBoard = await hit("getLeagueWeekLeaderboard", { as: asBob(), params: { id: league.id, season: SEASON, week: 2 } }, 200);
    expect(weekBoard.winners.map((w: any) => w.userId)).toEqual([alice.id]);
    await hit("getLeagueWeekLeaderboard", { as: asCarol(), params: { id: league.id, season: SEASON, week: 2 } }, 403);
    await hit("getLeagueWeekLeaderboard", { as: asAlice(), params: { id: 999_999, season: SEASON, week: 2 } }, 404);
    await hit("getLeagueWeekLeaderboard", { as: asAlice(), params: { id: league.id, season: SEASON, week: 0 } }, 400);

    // Before kickoff only the count (picks: null); once played, every member's pick.
    await makePick(bob, openGame, teams.BUF!.WR);
    const before = await hit("listLeagueGamePicks", { as: asAlice(), params: { id: league.id, gameId: openGame } }, 200);
    expect([before.picks, before.pickedCount]).toEqual([null, 1]);
    expect((await hit("listLeagueGamePicks", { as: asAlice(), params: { id: league.id, gameId: playedGame } }, 200)).picks.length).toBe(2);
    await hit("listLeagueGamePicks", { as: asCarol(), params: { id: league.id, gameId: playedGame } }, 403);
    await hit("listLeagueGamePicks", { as: asAlice(), params: { id: league.id, gameId: `${SEASON}_01_NO_GAME` } }, 404);
    await hit("listLeagueGamePicks", { as: asAlice(), params: { id: league.id, gameId: "x".repeat(41) } }, 400);
  });

  it("the commissioner's settings and invites; a member who may not invite sees no link (invite: null)", async () => {
    await hit("updateLeague", { as: asAlice(), params: { id: league.id }, body: { membersMayInvite: false, ranking: "units" } }, 200);
    await hit("updateLeague", { as: asBob(), params: { id: league.id }, body: { name: "Bob's" } }, 403);
    await hit("updateLeague", { as: asAlice(), params: { id: 999_999 }, body: { name: "Gone" } }, 404);
    await hit("updateLeague", { as: asAlice(), params: { id: league.id }, body: {} }, 400);
    expect((await hit("getLeague", { as: asBob(), params: { id: league.id } }, 200)).invite).toBeNull();

    const invite = await hit("createLeagueInvite", { as: asAlice(), params: { id: league.id }, body: { maxUses: 2 } }, 201);
    await hit("createLeagueInvite", { as: asBob(), params: { id: league.id }, body: {} }, 403);
    await hit("createLeagueInvite", { as: asAlice(), params: { id: 999_999 }, body: {} }, 404);
    await hit("createLeagueInvite", { as: asAlice(), params: { id: league.id }, body: { maxUses: 0 } }, 400);
    expect((await hit("listLeagueInvites", { as: asAlice(), params: { id: league.id } }, 200)).invites.length).toBe(2);
    await hit("listLeagueInvites", { as: OPERATOR, params: { id: league.id } }, 200);
    await hit("listLeagueInvites", { as: asBob(), params: { id: league.id } }, 403);
    await hit("listLeagueInvites", { as: asAlice(), params: { id: 999_999 } }, 404);
    await hit("listLeagueInvites", { as: asAlice(), params: { id: "abc" } }, 400);
    await hit("revokeLeagueInvite", { as: asBob(), params: { id: league.id, inviteId: invite.id } }, 403);
    await hit("revokeLeagueInvite", { as: asAlice(), params: { id: league.id, inviteId: invite.id } }, 200);
    await hit("revokeLeagueInvite", { as: asAlice(), params: { id: league.id, inviteId: 999_999 } }, 404);
    await hit("revokeLeagueInvite", { as: asAlice(), params: { id: league.id, inviteId: "abc" } }, 400);
    const rotated = await hit("rotateLeagueInvite", { as: asAlice(), params: { id: league.id }, body: { expiresInDays: 30 } }, 201);
    await hit("rotateLeagueInvite", { as: asBob(), params: { id: league.id } }, 403);
    await hit("rotateLeagueInvite", { as: asAlice(), params: { id: 999_999 } }, 404);
    await hit("rotateLeagueInvite", { as: asAlice(), params: { id: league.id }, body: { expiresInDays: 0 } }, 400);
    await hit("describeInvite", { as: null, params: { code: league.invite.code } }, 410);
    league.invite = rotated;
  });

  it("members: sign-in links, removal, leaving, handing the role on", async () => {
    const dave = await createUserWithToken("contract-dave");
    const erin = await createUserWithToken("contract-erin");
    for (const member of [dave, erin]) await hit("acceptInvite", { as: { token: member.token }, params: { code: league.invite.code }, body: {} }, 201);

    await hit("issueMemberSignInLink", { as: asAlice(), params: { id: league.id, userId: bob.id } }, 201);
    await hit("issueMemberSignInLink", { as: asBob(), params: { id: league.id, userId: dave.id } }, 403);
    await hit("issueMemberSignInLink", { as: asAlice(), params: { id: league.id, userId: carol.id } }, 404);
    await hit("issueMemberSignInLink", { as: asAlice(), params: { id: league.id, userId: "abc" } }, 400);

    await hit("removeLeagueMember", { as: asBob(), params: { id: league.id, userId: dave.id } }, 403);
    await hit("removeLeagueMember", { as: asAlice(), params: { id: league.id, userId: alice.id } }, 409);
    await hit("removeLeagueMember", { as: asAlice(), params: { id: league.id, userId: carol.id } }, 404);
    await hit("removeLeagueMember", { as: asAlice(), params: { id: league.id, userId: "abc" } }, 400);
    await hit("removeLeagueMember", { as: asAlice(), params: { id: league.id, userId: dave.id } }, 204);

    await hit("leaveLeague", { as: asAlice(), params: { id: league.id } }, 409);
    await hit("leaveLeague", { as: asCarol(), params: { id: league.id } }, 403);
    await hit("leaveLeague", { as: asCarol(), params: { id: 999_999 } }, 404);
    await hit("leaveLeague", { as: asCarol(), params: { id: "abc" } }, 400);
    await hit("leaveLeague", { as: { token: erin.token }, params: { id: league.id } }, 204);

    await hit("transferLeagueCommissioner", { as: asBob(), params: { id: league.id }, body: { userId: bob.id } }, 403);
    await hit("transferLeagueCommissioner", { as: asAlice(), params: { id: league.id }, body: { userId: carol.id } }, 404);
    await hit("transferLeagueCommissioner", { as: asAlice(), params: { id: league.id }, body: { userId: 0 } }, 400);
    const handedOn = await hit("transferLeagueCommissioner", { as: asAlice(), params: { id: league.id }, body: { userId: bob.id } }, 200);
    expect(handedOn.commissioner.id).toBe(bob.id);
  });
});

describe("notifications", () => {
  const keys = { p256dh: `B${"A".repeat(86)}`, auth: "AAAAAAAAAAAAAAAAAAAAAA" };

  it("a user's settings, opt-ins, devices and a test message", async () => {
    const settings = await hit("getMyNotificationSettings", { as: asBob() }, 200);
    expect(settings.push.configured).toBe(true);
    await hit("getMyNotificationSettings", { as: OPERATOR }, 403);
    expect((await hit("updateMyNotificationPreferences", { as: asBob(), body: { push: { results: true } } }, 200)).push.results).toBe(true);
    await hit("updateMyNotificationPreferences", { as: asBob(), body: { push: {} } }, 400);
    await hit("updateMyNotificationPreferences", { as: OPERATOR, body: { push: { results: true } } }, 403);
    await hit("sendMyTestNotification", { as: asBob() }, 409);
    const device = await hit("createMyPushSubscription", { as: asBob(), body: { endpoint: `https://fcm.googleapis.com/fcm/send/contract-${crypto.randomUUID()}`, keys } }, 201);
    await hit("createMyPushSubscription", { as: asBob(), body: { endpoint: "https://push.example.com/not-a-push-service", keys } }, 400);
    await hit("createMyPushSubscription", { as: OPERATOR, body: { endpoint: "https://fcm.googleapis.com/fcm/send/x", keys } }, 403);
    expect((await hit("sendMyTestNotification", { as: asBob() }, 202)).devices).toBe(1);
    await hit("sendMyTestNotification", { as: OPERATOR }, 403);
    await hit("deleteMyPushSubscription", { as: asAlice(), params: { id: device.id } }, 404);
    await hit("deleteMyPushSubscription", { as: asBob(), params: { id: "abc" } }, 400);
    await hit("deleteMyPushSubscription", { as: OPERATOR, params: { id: device.id } }, 403);
    await hit("deleteMyPushSubscription", { as: asBob(), params: { id: device.id } }, 204);
  });

  it("a league's webhook: set and removed by its commissioner (Bob, since the role was handed on), seen by its members as a host only", async () => {
    expect((await hit("getLeagueWebhook", { as: asAlice(), params: { id: league.id } }, 200)).configured).toBe(false);
    await hit("getLeagueWebhook", { as: asCarol(), params: { id: league.id } }, 403);
    await hit("getLeagueWebhook", { as: asAlice(), params: { id: 999_999 } }, 404);
    await hit("getLeagueWebhook", { as: asAlice(), params: { id: "abc" } }, 400);
    const url = "https://discord.com/api/webhooks/123456789/contract-secret-token";
    const set = await hit("setLeagueWebhook", { as: asBob(), params: { id: league.id }, body: { url } }, 200);
    expect(set).toMatchObject({ configured: true, provider: "discord", host: "discord.com" });
    expect(JSON.stringify(await hit("getLeagueWebhook", { as: asAlice(), params: { id: league.id } }, 200))).not.toContain("contract-secret-token");
    await hit("setLeagueWebhook", { as: asBob(), params: { id: league.id }, body: { url: "https://evil.example/api/webhooks/1/x" } }, 400);
    await hit("setLeagueWebhook", { as: asAlice(), params: { id: league.id }, body: { url } }, 403);
    await hit("setLeagueWebhook", { as: asBob(), params: { id: 999_999 }, body: { url } }, 404);
    await hit("deleteLeagueWebhook", { as: asAlice(), params: { id: league.id } }, 403);
    await hit("deleteLeagueWebhook", { as: asBob(), params: { id: 999_999 } }, 404);
    await hit("deleteLeagueWebhook", { as: asBob(), params: { id: "abc" } }, 400);
    await hit("deleteLeagueWebhook", { as: asBob(), params: { id: league.id } }, 204);
  });
});

describe("web sessions, passkeys, signing in", () => {
  it("sessions: listed, the current one with its CSRF token, one ended, signing out", async () => {
    const browser = await signIn(carol);
    const other = await signIn(carol);
    const { sessions } = await hit("listMySessions", { as: { session: browser } }, 200);
    expect(sessions.length).toBe(2);
    await hit("listMySessions", { as: OPERATOR }, 403);
    expect((await hit("getCurrentSession", { as: { session: browser } }, 200)).session.id).toBe(browser.sessionId);
    await hit("getCurrentSession", { as: asCarol() }, 403);
    await hit("revokeMySession", { as: { session: browser, csrf: false }, params: { id: other.sessionId } }, 403);
    await hit("revokeMySession", { as: { session: browser }, params: { id: other.sessionId } }, 200);
    await hit("revokeMySession", { as: { session: browser }, params: { id: other.sessionId } }, 404);
    await hit("revokeMySession", { as: { session: browser }, params: { id: "abc" } }, 400);
    await hit("signOut", { as: asCarol() }, 403);
    await hit("signOut", { as: { session: browser } }, 200);
  });

  it("sign-in links: used once (then 410), unknown 404, a disabled account's 403", async () => {
    const token = await seedSignInLink(carol.id);
    const signedIn = await hit("signInWithLink", { as: null, body: { token } }, 200);
    expect(signedIn.user.id).toBe(carol.id);
    await hit("signInWithLink", { as: null, body: { token } }, 410);
    await hit("signInWithLink", { as: null, body: { token: "no-such-link" } }, 404);
    await hit("signInWithLink", { as: null, body: { token: "" } }, 400);
    const disabled = await createUserWithToken("contract-disabled");
    const link = await seedSignInLink(disabled.id);
    await env.DB.prepare("UPDATE users SET disabled_at = '2026-01-01T00:00:00Z' WHERE id = ?").bind(disabled.id).run();
    await hit("signInWithLink", { as: null, body: { token: link } }, 403);
  });

  it("passkeys: registered (a second time 409), listed, signed in with (a replay 401), deleted", async () => {
    const authenticator = new SoftwareAuthenticator();
    const options = await hit("passkeyRegistrationOptions", { as: asCarol() }, 200);
    await hit("passkeyRegistrationOptions", { as: OPERATOR }, 403);
    const response = await authenticator.register(options);
    const passkey = await hit("registerPasskey", { as: asCarol(), body: { name: "Phone", response } }, 201);
    await hit("registerPasskey", { as: asCarol(), body: { response } }, 400);
    await hit("registerPasskey", { as: asCarol(), body: { response: { ...response, type: "other" } } }, 400);
    await hit("registerPasskey", { as: OPERATOR, body: { response } }, 403);
    // The same credential registered again (an authenticator that answers with one it registered before).
    const again = await authenticator.register(await hit("passkeyRegistrationOptions", { as: asCarol() }, 200));
    await env.DB.prepare(
      "INSERT INTO passkeys (id, user_id, name, public_key, counter, transports, device_type, backed_up, created_at) SELECT ?, user_id, name, public_key, counter, transports, device_type, backed_up, created_at FROM passkeys WHERE id = ?",
    )
      .bind(again.id, passkey.id)
      .run();
    await hit("registerPasskey", { as: asCarol(), body: { response: again } }, 409);
    await env.DB.prepare("DELETE FROM passkeys WHERE id = ?").bind(again.id).run();
    expect((await hit("listMyPasskeys", { as: asCarol() }, 200)).passkeys.map((p: any) => p.id)).toEqual([passkey.id]);
    await hit("listMyPasskeys", { as: OPERATOR }, 403);

    const signInOptions = await hit("passkeySignInOptions", { as: null }, 200);
    const assertion = await authenticator.signIn(signInOptions, { credential: authenticator.credentials[0] });
    expect((await hit("signInWithPasskey", { as: null, body: { response: assertion } }, 200)).user.id).toBe(carol.id);
    await hit("signInWithPasskey", { as: null, body: { response: assertion } }, 401);
    await hit("signInWithPasskey", { as: null, body: { response: { id: "x" } } }, 400);

    await hit("deleteMyPasskey", { as: OPERATOR, params: { id: passkey.id } }, 403);
    await hit("deleteMyPasskey", { as: asCarol(), params: { id: passkey.id } }, 200);
    await hit("deleteMyPasskey", { as: asCarol(), params: { id: passkey.id } }, 404);
    await hit("deleteMyPasskey", { as: asCarol(), params: { id: "not base64url!" } }, 400);
  });
});

describe("users (admin) and the operator's powers", () => {
  it("create, read, change, tokens, sign-in links", async () => {
    const name = "contract-made-by-admin";
    const user = await hit("createUser", { as: asAdmin(), body: { name, email: "made@example.test" } }, 201);
    await hit("createUser", { as: asAdmin(), body: { name } }, 409);
    await hit("createUser", { as: asAdmin(), body: { name: "" } }, 400);
    await hit("createUser", { as: asAdmin(), body: { name: "contract-would-be-admin", isAdmin: true } }, 403);
    expect((await hit("getUser", { as: asAdmin(), params: { id: user.id } }, 200)).tokens).toEqual([]);
    await hit("getUser", { as: asAdmin(), params: { id: 999_999 } }, 404);
    await hit("getUser", { as: asAdmin(), params: { id: "abc" } }, 400);
    await hit("getUser", { as: asAlice(), params: { id: user.id } }, 403);

    const token = await hit("issueUserToken", { as: OPERATOR, params: { id: user.id }, body: { name: "contract" } }, 201);
    await hit("issueUserToken", { as: OPERATOR, params: { id: 999_999 }, body: {} }, 404);
    await hit("issueUserToken", { as: OPERATOR, params: { id: user.id }, body: { name: "x".repeat(61) } }, 400);
    await hit("issueUserToken", { as: asAdmin(), params: { id: user.id }, body: {} }, 403);
    await hit("revokeUserToken", { as: asAdmin(), params: { id: user.id, tokenId: token.id } }, 200);
    await hit("revokeUserToken", { as: asAdmin(), params: { id: user.id, tokenId: 999_999 } }, 404);
    await hit("revokeUserToken", { as: asAdmin(), params: { id: user.id, tokenId: "abc" } }, 400);
    await hit("revokeUserToken", { as: asAlice(), params: { id: user.id, tokenId: token.id } }, 403);

    await hit("issueUserSignInLink", { as: OPERATOR, params: { id: user.id } }, 201);
    await hit("issueUserSignInLink", { as: OPERATOR, params: { id: 999_999 } }, 404);
    await hit("issueUserSignInLink", { as: OPERATOR, params: { id: "abc" } }, 400);
    await hit("issueUserSignInLink", { as: asAdmin(), params: { id: user.id } }, 403);

    const disabled = await hit("updateUser", { as: asAdmin(), params: { id: user.id }, body: { disabled: true } }, 200);
    expect(disabled.disabledAt).toEqual(expect.any(String));
    await hit("updateUser", { as: asAdmin(), params: { id: user.id }, body: { isAdmin: true } }, 403);
    await hit("updateUser", { as: asAdmin(), params: { id: 999_999 }, body: { disabled: true } }, 404);
    await hit("updateUser", { as: asAdmin(), params: { id: user.id }, body: {} }, 400);
  });

  it("the audit of it", async () => {
    expect((await hit("listAudit", { as: asAdmin(), query: { limit: 5 } }, 200)).entries.length).toBe(5);
    await hit("listAudit", { as: asAdmin(), query: { limit: 0 } }, 400);
    await hit("listAudit", { as: asAlice() }, 403);
  });
});

describe("admin: game facts, jobs, quality", () => {
  it("first-TD facts and voids", async () => {
    await hit("setGameFirstTd", { as: asAdmin(), params: { id: playedGame }, body: { type: "player", playerId: teams.KC!.QB, kind: "rush", playText: "QB 1 yd run" } }, 200);
    await hit("setGameFirstTd", { as: asAdmin(), params: { id: openGame }, body: { type: "no_td" } }, 409);
    await hit("setGameFirstTd", { as: asAdmin(), params: { id: playedGame }, body: { type: "defense", team: "DAL" } }, 422);
    await hit("setGameFirstTd", { as: asAdmin(), params: { id: `${SEASON}_01_NO_GAME` }, body: { type: "no_td" } }, 404);
    await hit("setGameFirstTd", { as: asAdmin(), params: { id: playedGame }, body: { type: "nope" } }, 400);
    await hit("setGameFirstTd", { as: asAlice(), params: { id: playedGame }, body: { type: "no_td" } }, 403);
    await hit("setGameVoided", { as: asAdmin(), params: { id: playedGame }, body: { voided: false } }, 200);
    await hit("setGameVoided", { as: asAdmin(), params: { id: `${SEASON}_01_NO_GAME` }, body: { voided: true } }, 404);
    await hit("setGameVoided", { as: asAdmin(), params: { id: playedGame }, body: {} }, 400);
    await hit("setGameVoided", { as: asAlice(), params: { id: playedGame }, body: { voided: true } }, 403);
  });

  it("quality: none yet (run: null), a run, its history; jobs and their log", async () => {
    expect((await hit("getQualityReport", { as: asAdmin() }, 200)).run).toBeNull();
    await hit("getQualityReport", { as: asAlice() }, 403);
    expect((await hit("runQualityChecks", { as: asAdmin(), body: { season: SEASON } }, 200)).checks.length).toBeGreaterThan(0);
    await hit("runQualityChecks", { as: asAdmin(), body: { season: 1800 } }, 400);
    await hit("runQualityChecks", { as: asAlice(), body: {} }, 403);
    expect((await hit("getQualityReport", { as: asAdmin() }, 200)).run).not.toBeNull();
    expect((await hit("listQualityRuns", { as: asAdmin() }, 200)).runs.length).toBe(1);
    await hit("listQualityRuns", { as: asAdmin(), query: { before: 0 } }, 400);
    await hit("listQualityRuns", { as: asAlice() }, 403);

    // The quality job through the jobs endpoint: the one job that reaches no upstream.
    expect((await hit("runJob", { as: asAdmin(), params: { job: "quality" }, body: { season: SEASON } }, 200)).job).toBe("quality");
    await hit("runJob", { as: asAdmin(), params: { job: "no-such-job" }, body: {} }, 404);
    await hit("runJob", { as: asAdmin(), params: { job: "quality" }, body: { season: 1800 } }, 400);
    await hit("runJob", { as: asAlice(), params: { job: "quality" }, body: {} }, 403);
    expect((await hit("listSyncRuns", { as: asAdmin(), query: { job: "quality" } }, 200)).runs.length).toBeGreaterThan(0);
    await hit("listSyncRuns", { as: asAdmin(), query: { limit: 500 } }, 400);
    await hit("listSyncRuns", { as: asAlice() }, 403);
  });
});

describe("the answers every route can give", () => {
  it("413: a body over 64 KiB", async () => {
    await hit("createPick", { as: asBob(), rawBody: JSON.stringify({ gameId: openGame, playerId: "x".repeat(REQUEST_BODY_LIMIT_BYTES) }) }, 413);
  });

  it("429: too many failed authentications from one address", async () => {
    const headers = { "cf-connecting-ip": "198.51.100.77" };
    for (let i = 0; i < AUTH_FAILURE_LIMIT; i++) await hit("listGames", { as: { token: `ftd_contract-wrong-${i}` }, headers }, 401);
    await hit("listGames", { as: asAlice(), headers }, 429);
  });

  it("500: a deployment without SESSION_SECRET cannot sign its cursors", async () => {
    await hit("listPlayers", { as: asAlice(), query: { season: SEASON }, vars: { SESSION_SECRET: undefined } }, 500);
  });
});

describe("coverage", () => {
  it("every operation answered with a success and with each error status it documents", () => {
    const missing: string[] = [];
    for (const op of operations.values()) {
      const statuses = Object.keys(op.responses);
      if (!statuses.some((s) => s.startsWith("2") && seen.has(`${op.id} ${s}`))) missing.push(`${op.id} 2xx`);
      for (const status of statuses.filter((s) => ERROR_STATUSES.includes(s))) {
        if (status === "400" && !op.hasInput) continue; // nothing the caller sends can be invalid
        if (!seen.has(`${op.id} ${status}`) && UNREACHABLE[`${op.id} ${status}`] === undefined) missing.push(`${op.id} ${status}`);
      }
    }
    expect(missing).toEqual([]);
    for (const status of ["413", "429", "500"]) expect([...seen].some((s) => s.endsWith(` ${status}`)), status).toBe(true);
    // Nothing listed as unreachable was reached after all.
    expect(Object.keys(UNREACHABLE).filter((key) => seen.has(key))).toEqual([]);
  });
});
