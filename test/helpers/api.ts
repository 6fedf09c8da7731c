import { env, SELF } from "cloudflare:test";
import { expect } from "vitest";
import { legPriceOf } from "../../src/domain/market-prices";
import { normalizePlayerName } from "../../src/domain/names";
import { snapshotBucket } from "../../src/jobs/market-sync";
import { nowIso } from "../../src/lib/clock";
import { generateToken, sha256Hex } from "../../src/lib/crypto";
import { DAY_MS, realNow } from "./real-clock";

export const ADMIN_TOKEN = "test-admin-token";

export interface ApiResponse {
  status: number;
  headers: Headers;
  json: any;
}

/**
 * A fresh client address for every request unless a test gives one: failed authentications are throttled per
 * CF-Connecting-IP (src/services/auth-throttle.ts), and the tests that send many bad tokens on purpose (the auth
 * matrix) are not about the throttle; test/api/auth-throttle.test.ts is, with addresses of its own.
 */
export function randomClientAddress(): string {
  const [a, b, c] = crypto.getRandomValues(new Uint8Array(3));
  return `10.${a}.${b}.${c}`;
}

export async function api(
  path: string,
  init: { method?: string; token?: string | null; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { "cf-connecting-ip": randomClientAddress(), ...init.headers };
  if (init.token !== null) headers.authorization = `Bearer ${init.token ?? ADMIN_TOKEN}`;
  if (init.body !== undefined && headers["content-type"] === undefined) headers["content-type"] = "application/json";
  const response = await SELF.fetch(`http://localhost${path}`, {
    method: init.method ?? "GET",
    headers,
    body: init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body),
  });
  const text = await response.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: response.status, headers: response.headers, json };
}

/** Asserts the status and the error envelope `{ error: { code, message[, details] } }`, nothing else. */
export function expectError(response: ApiResponse, status: number, code: string) {
  expect({ status: response.status, code: response.json?.error?.code }).toEqual({ status, code });
  expect(Object.keys(response.json)).toEqual(["error"]);
  expect(typeof response.json.error.message).toBe("string");
  expect(response.json.error.message.length).toBeGreaterThan(0);
  for (const key of Object.keys(response.json.error)) expect(["code", "message", "details"]).toContain(key);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
}

/** The `details` fields of a validation_failed answer, sorted. */
export function problemFields(response: ApiResponse): string[] {
  return (response.json.error.details as { field: string }[]).map((d) => d.field).sort();
}

let userCounter = 0;

export interface TestUser {
  id: number;
  name: string;
  token: string;
  tokenId: number;
}

/**
 * A user with an API token, written straight to the database exactly as POST /v1/users and
 * POST /v1/users/{id}/tokens write them (token stored as its SHA-256). Setup does not go through the admin API
 * because MUTATION_RATE_LIMITER (60 per 60 s per token) is enforced by miniflare too: a file that created many
 * users through the ADMIN_TOKEN would hit 429. The admin endpoints themselves are tested in users-tokens.test.ts.
 */
export async function createUserWithToken(
  name = `user-${++userCounter}-${crypto.randomUUID().slice(0, 6)}`,
  isAdmin = false,
): Promise<TestUser> {
  const user = await env.DB.prepare("INSERT INTO users (name, is_admin, created_at) VALUES (?, ?, ?) RETURNING id")
    .bind(name, isAdmin ? 1 : 0, nowIso())
    .first<{ id: number }>();
  const token = generateToken();
  const row = await env.DB.prepare(
    "INSERT INTO api_tokens (user_id, name, token_hash, token_prefix, created_at, created_by) VALUES (?, 'test', ?, ?, ?, 'test') RETURNING id",
  )
    .bind(user!.id, await sha256Hex(token), token.slice(0, 10), nowIso())
    .first<{ id: number }>();
  return { id: user!.id, name, token, tokenId: row!.id };
}

/** Creates several users in order (ascending ids), named `${prefix}-A`, `${prefix}-B`, ... */
export async function createUsers(prefix: string, count: number): Promise<TestUser[]> {
  const users: TestUser[] = [];
  for (let i = 0; i < count; i++) users.push(await createUserWithToken(`${prefix}-${String.fromCharCode(65 + i)}`));
  return users;
}

export interface SeedPlayer {
  id: string;
  name: string;
  team: string;
  position: string;
  status?: string;
  jersey?: number;
}

/** Raw SQL seeding of players (name_key as the importers write it) and their current roster rows for a season. */
export async function seedPlayers(season: number, players: SeedPlayer[]) {
  const statements = players.flatMap((p) => [
    env.DB.prepare("INSERT INTO players (id, full_name, name_key) VALUES (?, ?, ?) ON CONFLICT DO NOTHING").bind(
      p.id,
      p.name,
      normalizePlayerName(p.name),
    ),
    env.DB.prepare(
      "INSERT INTO rosters (season, player_id, player_name, team, position, raw_position, status, jersey) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
    ).bind(season, p.id, p.name, p.team, p.position, p.position, p.status ?? "ACT", p.jersey ?? null),
  ]);
  await env.DB.batch(statements);
}

export async function seedDefenseRosters(season: number, teams: string[]) {
  await env.DB.batch(
    teams.map((team) =>
      env.DB.prepare(
        "INSERT INTO rosters (season, player_id, player_name, team, position, raw_position, status) VALUES (?, ?, ?, ?, 'DEF', 'DEF', 'ACT') ON CONFLICT DO NOTHING",
      ).bind(season, `DEF-${team}`, `${team} Defense`, team),
    ),
  );
}

export interface SeedGame {
  id: string;
  season: number;
  week: number;
  home: string;
  away: string;
  kickoffAt: string;
  status?: string;
}

export async function seedGame(game: SeedGame) {
  await env.DB.prepare(
    "INSERT INTO games (id, season, week, game_type, kickoff_at, home_team, away_team, status) VALUES (?, ?, ?, 'REG', ?, ?, ?, ?)",
  )
    .bind(game.id, game.season, game.week, game.kickoffAt, game.home, game.away, game.status ?? "scheduled")
    .run();
}

/** nflverse game id: `{season}_{week:02}_{away}_{home}`. */
export function gameIdOf(season: number, week: number, away: string, home: string): string {
  return `${season}_${String(week).padStart(2, "0")}_${away}_${home}`;
}

/** The pickable and non-pickable players seeded for a team by seedTeams. */
export interface TeamRoster {
  QB: string;
  RB: string;
  WR: string;
  TE: string;
  K: string;
  /** An offensive lineman: on the roster, not pickable. */
  OL: string;
  /** A wide receiver with status INA: on the roster, not pickable. */
  INA: string;
  DEF: string;
}

/** Players named `${team} ${position} ${season}` with ids `${season}-${team}-${position}`, plus the team's DEF. */
export async function seedTeams(season: number, teams: string[]): Promise<Record<string, TeamRoster>> {
  const rosters: Record<string, TeamRoster> = {};
  const players: SeedPlayer[] = [];
  for (const team of teams) {
    const id = (slot: string) => `${season}-${team}-${slot}`;
    for (const slot of ["QB", "RB", "WR", "TE", "K", "OL"]) {
      players.push({ id: id(slot), name: `${team} ${slot} ${season}`, team, position: slot });
    }
    players.push({ id: id("INA"), name: `${team} INA ${season}`, team, position: "WR", status: "INA" });
    rosters[team] = {
      QB: id("QB"),
      RB: id("RB"),
      WR: id("WR"),
      TE: id("TE"),
      K: id("K"),
      OL: id("OL"),
      INA: id("INA"),
      DEF: `DEF-${team}`,
    };
  }
  await seedPlayers(season, players);
  await seedDefenseRosters(season, teams);
  return rosters;
}

/**
 * Week 1's Sunday, 17:00Z: the first Sunday from the day two weeks after the real time this test file started. The
 * database judges a pick's lock by its own, real clock (test/helpers/real-clock.ts), so games that take picks must
 * kick off ahead of real time, whatever day the tests run.
 */
const WEEK_1_SUNDAY_MS = (() => {
  const day = new Date(realNow() + 14 * DAY_MS);
  return Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate() + ((7 - day.getUTCDay()) % 7), 17);
})();

/** 17:00Z on the Sunday of a week, in the real future: week 1's Sunday (above) plus 7 days per week. */
export function defaultKickoff(week: number): string {
  return new Date(WEEK_1_SUNDAY_MS + (week - 1) * 7 * DAY_MS).toISOString().replace(".000Z", "Z");
}

/** A game between two seeded teams (kickoff from defaultKickoff unless given: in the real future). */
export async function seedMatchup(
  season: number,
  week: number,
  away: string,
  home: string,
  options: { kickoffAt?: string; status?: string } = {},
): Promise<string> {
  const id = gameIdOf(season, week, away, home);
  const kickoffAt = options.kickoffAt ?? defaultKickoff(week);
  await seedGame({ id, season, week, home, away, kickoffAt, status: options.status });
  return id;
}

export interface SeedMarketOdds {
  gameId: string;
  playerId: string | null;
  playerName: string;
  impliedProbability: number | null;
  americanOdds: number | null;
  /** The start of the snapshot's bucket; also when it was taken, unless capturedAt says otherwise. */
  snapshotTime: string;
  capturedAt?: string;
  source?: "kalshi" | "polymarket" | "odds_api";
  /** v17: first_td (the default) or anytime_td. */
  kind?: "first_td" | "anytime_td";
  /** What the price rule said: 'mid' by default for a priced row (a row without a basis never prices a pick). */
  priceBasis?: "mid" | "ask" | null;
}

/**
 * Snapshots with a given price, as if the price rule had set it. A pick counts a snapshot only when it was taken in
 * the 30 minutes before the pick (src/domain/odds-freeze.ts): seed them relative to the real time (realNow), or to
 * the Worker's faked clock. seedBookSnapshots seeds books and lets the rule price them.
 */
export async function seedMarketOdds(rows: SeedMarketOdds[]) {
  await env.DB.batch(
    rows.map((r) =>
      env.DB.prepare(
        // Kalshi says how many contracts rest at its quotes (a real book's: plenty); Polymarket's listing does not.
        `INSERT INTO market_odds (source, kind, game_id, player_id, player_name, implied_probability, american_odds, price_basis,
           snapshot_time, captured_at, market_id, bid_size, ask_size)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, CASE WHEN ?1 = 'kalshi' THEN 1000 END, CASE WHEN ?1 = 'kalshi' THEN 1000 END)`,
      ).bind(
        r.source ?? "kalshi",
        r.kind ?? "first_td",
        r.gameId,
        r.playerId,
        r.playerName,
        r.impliedProbability,
        r.americanOdds,
        r.priceBasis !== undefined ? r.priceBasis : r.impliedProbability === null ? null : "mid",
        r.snapshotTime,
        r.capturedAt ?? r.snapshotTime,
        `KXNFLFIRSTTD-${r.gameId}-${r.playerId}`,
      ),
    ),
  );
}

/** A book as a venue quotes it, taken at `capturedAt`. */
export interface SeedBook {
  gameId: string;
  playerId: string;
  playerName?: string;
  capturedAt: string;
  source?: "kalshi" | "polymarket";
  bid?: number;
  ask: number;
  lastPrice?: number;
  /** Kalshi defaults: 300 contracts on a quoted bid (0 on an empty one), 100,000 on the ask, as in the real sample. */
  bidSize?: number | null;
  askSize?: number | null;
  /** Polymarket (no sizes) default: 5,000 traded. */
  volume?: number | null;
}

/**
 * Snapshots written as the market sync writes them (src/jobs/market-sync.ts): the book, its sizes, and the price,
 * basis and odds that the price rule (legPriceOf) gives it, in the 10-minute bucket of capturedAt. Returns the ids.
 */
export async function seedBookSnapshots(books: SeedBook[]): Promise<number[]> {
  const statements = books.map((b) => {
    const isKalshi = (b.source ?? "kalshi") === "kalshi";
    const bid = b.bid ?? 0;
    const quote = {
      yesBid: bid,
      yesAsk: b.ask,
      lastPrice: b.lastPrice ?? 0,
      yesBidSize: b.bidSize !== undefined ? b.bidSize : isKalshi ? (bid > 0 ? 300 : 0) : null,
      yesAskSize: b.askSize !== undefined ? b.askSize : isKalshi ? (b.ask < 1 ? 100_000 : 0) : null,
      volume: b.volume !== undefined ? b.volume : isKalshi ? 0 : 5_000,
    };
    const price = legPriceOf(quote);
    const bucket = snapshotBucket(new Date(b.capturedAt));
    return env.DB.prepare(
      `INSERT INTO market_odds (source, kind, game_id, player_id, player_name, implied_probability, american_odds, raw_price, volume,
         market_id, bid, ask, bid_size, ask_size, last_price, price_basis, snapshot_time, captured_at, created_at)
       VALUES (?, 'first_td', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    ).bind(
      b.source ?? "kalshi",
      b.gameId,
      b.playerId,
      b.playerName ?? b.playerId,
      price?.probability ?? null,
      price?.americanOdds ?? null,
      price?.rawProbability ?? null,
      quote.volume,
      `${b.source ?? "kalshi"}-${b.gameId}-${b.playerId}`,
      quote.yesBid,
      quote.yesAsk,
      quote.yesBidSize,
      quote.yesAskSize,
      quote.lastPrice,
      price?.basis ?? null,
      bucket,
      b.capturedAt,
      b.capturedAt,
    );
  });
  const results = await env.DB.batch<{ id: number }>(statements);
  return results.map((r) => r.results[0]!.id);
}

/** An instant `minutes` before the real time (the Worker's clock in a test that does not fake it), as stored. */
export function minutesAgo(minutes: number): string {
  return nowIso(new Date(realNow() - minutes * 60_000));
}

/** POST /v1/picks, asserting 201. */
export async function makePick(user: { token: string }, gameId: string, playerId: string) {
  const response = await api("/v1/picks", { method: "POST", token: user.token, body: { gameId, playerId } });
  if (response.status !== 201) throw new Error(`pick ${gameId}/${playerId} failed: ${response.status} ${JSON.stringify(response.json)}`);
  return response.json;
}

export type FirstTdBody =
  | { type: "player"; playerId: string; kind: string; playText?: string }
  | { type: "defense"; team: string; kind?: string }
  | { type: "no_td" }
  | { type: "clear" };

/** PUT /v1/admin/games/{id}/first-td, asserting 200. */
/**
 * Records a game's first-TD facts as an admin, as after the game: a game whose kickoff is still ahead (test games kick
 * off in the real future so that they take picks) kicks off first, a minute ago, since facts of a game not begun are
 * refused (409 game_not_started).
 */
export async function setFirstTd(gameId: string, fact: FirstTdBody, token: string = ADMIN_TOKEN) {
  if (fact.type !== "clear") {
    await env.DB.prepare("UPDATE games SET kickoff_at = ? WHERE id = ? AND kickoff_at > ?").bind(nowIso(new Date(realNow() - 60_000)), gameId, nowIso(new Date(realNow() - 60_000))).run();
  }
  const response = await api(`/v1/admin/games/${gameId}/first-td`, { method: "PUT", token, body: fact });
  if (response.status !== 200) throw new Error(`first-td ${gameId} failed: ${response.status} ${JSON.stringify(response.json)}`);
  return response.json;
}

/** Counts rows of a table matching a condition, straight from the database. */
export async function countRows(sql: string, ...params: unknown[]): Promise<number> {
  const row = await env.DB.prepare(sql).bind(...params).first<{ n: number }>();
  return row!.n;
}
