/**
 * Shared setup of the market-sync job tests (test/jobs/market-sync*.test.ts): a 2026 week-1 slate with its
 * rosters, the Kalshi and Polymarket upstreams served from the fixtures (test/fixtures/kalshi, /polymarket,
 * /market-sync) by a small URL router on globalThis.fetch (the worker runs in the tests' isolate), and runs of
 * the job through runJob, the admin endpoint or the scheduled handler.
 */
import { env, SELF } from "cloudflare:test";
import { vi, type MockInstance } from "vitest";
import type { RetryPolicy } from "../../src/jobs/job";
import { runJob, type RunReport } from "../../src/jobs/runner";
import kalshiPage1 from "../fixtures/kalshi/firsttd_events_page1.json?raw";
import kalshiPage2 from "../fixtures/kalshi/firsttd_events_page2.json?raw";
import kalshiPage3 from "../fixtures/kalshi/firsttd_events_page3.json?raw";
import kalshiCentsOnly from "../fixtures/kalshi/firsttd_events_cents_only.json?raw";
import cleJaxEvent from "../fixtures/market-sync/gamma_cle_jax_first_td_event.json?raw";
import gammaPage1 from "../fixtures/polymarket/gamma_events_keyset_page1.json?raw";
import gammaPage2 from "../fixtures/polymarket/gamma_events_keyset_page2.json?raw";
import { seedDefenseRosters, seedGame, seedPlayers, type SeedPlayer } from "../helpers/api";
import { addDays, shiftDatesInText } from "../helpers/real-clock";

// ---------------------------------------------------------------------------------------------
// The week
// ---------------------------------------------------------------------------------------------

export const SEASON = 2026;

/** Week 1 of 2026 as the fixtures price it (Kalshi tickers carry the US-Eastern date, Gamma slugs the UTC date). */
export const GAMES = {
  /** Thursday 20:35 ET: Kalshi KXNFLFIRSTTD-26SEP10SFLAR, Gamma nfl-sf-lar-2026-09-11. */
  sfLa: { id: "2026_01_SF_LA", season: SEASON, week: 1, away: "SF", home: "LA", kickoffAt: "2026-09-11T00:35:00Z" },
  /** Sunday 13:00 ET: Kalshi KXNFLFIRSTTD-26SEP13CLEJAC, Gamma nfl-cle-jax-2026-09-13 (fixture of this suite). */
  cleJax: { id: "2026_01_CLE_JAX", season: SEASON, week: 1, away: "CLE", home: "JAX", kickoffAt: "2026-09-13T17:00:00Z" },
  /** Monday 20:15 ET, Tuesday in UTC: Kalshi KXNFLFIRSTTD-26SEP14DENKC. */
  denKc: { id: "2026_01_DEN_KC", season: SEASON, week: 1, away: "DEN", home: "KC", kickoffAt: "2026-09-15T00:15:00Z" },
} as const;

export const P = {
  mccaffrey: "00-0033280",
  robinson: "00-0037746",
  nacua: "00-0039075",
  kyren: "00-0037256",
  adams: "00-0031381",
  ford: "00-0037249",
  mikeWilliamsCle: "00-0033536",
  mikeWilliamsJax: "00-0090001",
  judkins: "00-0040700",
  thomas: "00-0039893",
  parkerWashington: "00-0039400",
  kelce: "00-0030506",
  sutton: "00-0034348",
  /** A KC cornerback: not in any market, scores a defensive TD in the outcome tests. */
  kcCorner: "00-0090002",
} as const;

export const ROSTER: SeedPlayer[] = [
  { id: P.mccaffrey, name: "Christian McCaffrey", team: "SF", position: "RB", jersey: 23 },
  { id: P.robinson, name: "Brian Robinson", team: "SF", position: "RB", jersey: 30 },
  { id: P.nacua, name: "Puka Nacua", team: "LA", position: "WR", jersey: 12 },
  { id: P.kyren, name: "Kyren Williams", team: "LA", position: "RB", jersey: 23 },
  { id: P.adams, name: "Davante Adams", team: "LA", position: "WR", jersey: 17 },
  { id: P.ford, name: "Jerome Ford", team: "CLE", position: "RB", jersey: 34 },
  // Two players of the same name, one on each team of CLE @ JAX: only a team hint (Kalshi's ticker) tells them apart.
  { id: P.mikeWilliamsCle, name: "Mike Williams", team: "CLE", position: "WR", jersey: 2 },
  { id: P.mikeWilliamsJax, name: "Mike Williams", team: "JAX", position: "TE", jersey: 88 },
  { id: P.judkins, name: "Quinshon Judkins", team: "CLE", position: "RB", jersey: 10 },
  { id: P.thomas, name: "Brian Thomas", team: "JAX", position: "WR", jersey: 7 },
  { id: P.parkerWashington, name: "Parker Washington", team: "JAX", position: "WR", jersey: 11 },
  { id: P.kelce, name: "Travis Kelce", team: "KC", position: "TE", jersey: 87 },
  { id: P.sutton, name: "Courtland Sutton", team: "DEN", position: "WR", jersey: 14 },
  { id: P.kcCorner, name: "Trent McDuffie", team: "KC", position: "DB", jersey: 21 },
];

export type WeekGames = { [K in keyof typeof GAMES]: Omit<(typeof GAMES)[K], "kickoffAt"> & { kickoffAt: string } };

/**
 * The week's games with their kickoffs moved by whole days (0: the fixtures' own dates). A file that makes picks
 * through the API moves the week into the real future (test/helpers/real-clock.ts): the database judges a pick's lock
 * by its own, real clock. The upstream bodies move with it (kalshiPages, gammaPages and Upstreams take the same days).
 */
export function movedGames(days: number): WeekGames {
  return Object.fromEntries(Object.entries(GAMES).map(([key, game]) => [key, { ...game, kickoffAt: addDays(game.kickoffAt, days) }])) as WeekGames;
}

export async function seedWeek(games: WeekGames = GAMES) {
  for (const game of Object.values(games)) {
    await seedGame({ id: game.id, season: game.season, week: game.week, home: game.home, away: game.away, kickoffAt: game.kickoffAt });
  }
  await seedPlayers(SEASON, ROSTER);
  await seedDefenseRosters(SEASON, ["SF", "LA", "CLE", "JAX", "DEN", "KC"]);
}

// ---------------------------------------------------------------------------------------------
// Upstream bodies
// ---------------------------------------------------------------------------------------------

type Json = any;

export const KALSHI_CURSOR_2: string = JSON.parse(kalshiPage1).cursor;
export const KALSHI_CURSOR_3: string = JSON.parse(kalshiPage2).cursor;
export const GAMMA_CURSOR_2: string = JSON.parse(gammaPage1).next_cursor;

/** [yes_bid, yes_ask, last_price] in dollars, by market ticker. */
export type KalshiPrices = Record<string, [number, number, number]>;
/** [bestBid, bestAsk, lastTradePrice], by Gamma market id. */
export type GammaPrices = Record<string, [number, number, number]>;

const dollars = (price: number) => price.toFixed(4);

/**
 * A fixture body with its dates moved by whole days (tickers '26SEP10', slugs, instants; see shiftDatesInText). Texts
 * meant for people ('SF vs LAR (Sep 10)', rules) keep theirs: nothing reads a date from them.
 */
const moved = (text: string, days: number): Json => JSON.parse(shiftDatesInText(text, days));

/**
 * The three Kalshi fixture pages, with some markets repriced (the strings as Kalshi writes them: "0.1700"), their
 * dates moved by `days` (the tickers of `prices` are the moved ones).
 */
export function kalshiPages(prices: KalshiPrices = {}, days = 0): Json[] {
  const pages = [kalshiPage1, kalshiPage2, kalshiPage3].map((text) => moved(text, days));
  const seen = new Set<string>();
  for (const page of pages) {
    for (const event of page.events) {
      for (const market of event.markets ?? []) {
        const price = prices[market.ticker];
        if (!price) continue;
        seen.add(market.ticker);
        [market.yes_bid_dollars, market.yes_ask_dollars, market.last_price_dollars] = price.map(dollars);
      }
    }
  }
  const unknown = Object.keys(prices).filter((ticker) => !seen.has(ticker));
  if (unknown.length > 0) throw new Error(`no Kalshi fixture market ${unknown.join(", ")}`);
  return pages;
}

/**
 * The two Gamma fixture pages, this suite's CLE @ JAX first-TD event appended to the second, some markets repriced,
 * their dates moved by `days`.
 */
export function gammaPages(prices: GammaPrices = {}, days = 0): Json[] {
  const pages = [moved(gammaPage1, days), moved(gammaPage2, days)];
  pages[1].events.push(moved(cleJaxEvent, days).event);
  const seen = new Set<string>();
  for (const page of pages) {
    for (const event of page.events) {
      for (const market of event.markets ?? []) {
        const price = prices[String(market.id)];
        if (!price) continue;
        seen.add(String(market.id));
        [market.bestBid, market.bestAsk, market.lastTradePrice] = price;
        market.outcomePrices = JSON.stringify([String(price[2]), String(Math.round((1 - price[2]) * 100) / 100)]);
      }
    }
  }
  const unknown = Object.keys(prices).filter((id) => !seen.has(id));
  if (unknown.length > 0) throw new Error(`no Gamma fixture market ${unknown.join(", ")}`);
  return pages;
}

export const kalshiCentsOnlyPage = (): Json => JSON.parse(kalshiCentsOnly);

// ---------------------------------------------------------------------------------------------
// The upstreams
// ---------------------------------------------------------------------------------------------

const KALSHI = () => env.KALSHI_API_URL.replace(/\/+$/, "");
const GAMMA = () => env.POLYMARKET_GAMMA_URL.replace(/\/+$/, "");

/** The URLs the job must ask for: Kalshi's open first-TD events with nested markets, Gamma's open NFL events. */
export const urls = {
  kalshi: (cursor?: string) =>
    `${KALSHI()}/events?series_ticker=KXNFLFIRSTTD&status=open&with_nested_markets=true&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
  gamma: (cursor?: string) => `${GAMMA()}/events/keyset?tag_id=450&closed=false&limit=100${cursor ? `&after_cursor=${encodeURIComponent(cursor)}` : ""}`,
};

export type Reply = () => Response;

export const json = (body: unknown): Reply => {
  const text = JSON.stringify(body);
  return () => new Response(text, { headers: { "content-type": "application/json; charset=utf-8" } });
};
export const status = (code: number, headers: Record<string, string> = {}): Reply => () =>
  new Response(`{"error":"status ${code}"}`, { status: code, headers: { "content-type": "application/json", ...headers } });
export const html = (): Reply => () =>
  new Response("<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>", {
    status: 200,
    headers: { "content-type": "text/html; charset=UTF-8" },
  });

/**
 * globalThis.fetch replaced by a router of exact URLs. Each route answers its replies in order, the last one
 * repeating; an unrouted URL is recorded and fails like a network error (tests assert there was none).
 */
export class Upstreams {
  private routes = new Map<string, { replies: Reply[]; served: number }>();
  /** Answers any URL under a prefix that has no exact route (endless cursors). */
  private prefixRoutes: { prefix: string; reply: (url: string) => Response }[] = [];
  readonly calls: string[] = [];
  readonly unrouted: string[] = [];
  private spy: MockInstance<typeof fetch> | null = null;

  /** `days`: how far the week's dates are moved (see movedGames); the default bodies move with them. */
  constructor(private readonly days = 0) {}

  install(): this {
    this.spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input) => {
      const url = input instanceof Request ? input.url : String(input);
      this.calls.push(url);
      const route = this.routes.get(url);
      const prefixRoute = route ? undefined : this.prefixRoutes.find((r) => url.startsWith(r.prefix));
      if (prefixRoute) return prefixRoute.reply(url);
      if (!route) {
        this.unrouted.push(url);
        throw new TypeError(`no route for ${url}`);
      }
      const reply = route.replies[Math.min(route.served, route.replies.length - 1)]!;
      route.served++;
      return reply();
    });
    return this;
  }

  restore() {
    this.spy?.mockRestore();
    this.spy = null;
  }

  reset() {
    this.routes.clear();
    this.prefixRoutes = [];
    this.calls.length = 0;
    this.unrouted.length = 0;
  }

  on(url: string, ...replies: Reply[]): this {
    this.routes.set(url, { replies, served: 0 });
    return this;
  }

  onPrefix(prefix: string, reply: (url: string) => Response): this {
    this.prefixRoutes.push({ prefix, reply });
    return this;
  }

  /** Requests of exactly this URL. */
  callsOf(url: string): string[] {
    return this.calls.filter((call) => call === url);
  }

  callsTo(prefix: string): string[] {
    return this.calls.filter((url) => url.startsWith(prefix));
  }

  /** Kalshi's three pages (cursor chain of the fixtures). */
  kalshi(pages: Json[] = kalshiPages({}, this.days)): this {
    const [p1, p2, p3] = pages;
    return this.on(urls.kalshi(), json(p1)).on(urls.kalshi(KALSHI_CURSOR_2), json(p2)).on(urls.kalshi(KALSHI_CURSOR_3), json(p3));
  }

  /** Gamma's two keyset pages. */
  gamma(pages: Json[] = gammaPages({}, this.days)): this {
    const [p1, p2] = pages;
    return this.on(urls.gamma(), json(p1)).on(urls.gamma(GAMMA_CURSOR_2), json(p2));
  }

  /** Both venues, each with its default (or given) bodies. */
  week(kalshi: Json[] = kalshiPages({}, this.days), gamma: Json[] = gammaPages({}, this.days)): this {
    return this.kalshi(kalshi).gamma(gamma);
  }
}

export const KALSHI_PREFIX = () => `${KALSHI()}/`;
export const GAMMA_PREFIX = () => `${GAMMA()}/`;

// ---------------------------------------------------------------------------------------------
// Runs and clock
// ---------------------------------------------------------------------------------------------

/** Millisecond waits so that retries take no time (the job's defaults are 500 ms backoff, 15 s timeout). */
export const FAST: RetryPolicy = { timeoutMs: 2_000, attempts: 3, backoffMs: 5, maxWaitMs: 2_000 };

/** The job as the CLI runs it (always runs, whatever the minute), at `now`. */
export function runSync(now: string, options: { trigger?: "cli" | "admin" | "cron"; retryPolicy?: RetryPolicy } = {}): Promise<RunReport> {
  return runJob(env, {
    job: "market-sync",
    trigger: options.trigger ?? "cli",
    now: new Date(now),
    retryPolicy: options.retryPolicy ?? FAST,
    progress: () => {},
  });
}

/** Moves the server clock (Date only: timers stay real, so retry waits still elapse). */
export function at(iso: string) {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date(iso));
}

interface ScheduledFetcher {
  scheduled(options: { cron?: string; scheduledTime?: Date | number }): Promise<{ outcome: string; noRetry: boolean }>;
}

/** The Worker's scheduled handler for the market-sync cron, with the server clock at `when`. */
export async function cronAt(when: string) {
  at(when);
  try {
    return await (SELF as unknown as ScheduledFetcher).scheduled({ cron: "*/10 * * * *", scheduledTime: new Date(when) });
  } finally {
    vi.useRealTimers();
  }
}

// ---------------------------------------------------------------------------------------------
// Reading back
// ---------------------------------------------------------------------------------------------

export async function rows<T = Record<string, any>>(sql: string, ...params: unknown[]): Promise<T[]> {
  return (await env.DB.prepare(sql).bind(...params).all<T>()).results;
}

export async function count(sql: string, ...params: unknown[]): Promise<number> {
  const row = await env.DB.prepare(sql).bind(...params).first<{ n: number }>();
  return row!.n;
}

export interface LoggedRun {
  id: number;
  trigger: string;
  status: string;
  read_count: number;
  inserted_count: number;
  updated_count: number;
  rejected_count: number;
  error: string | null;
  details: any;
}

export async function loggedRun(runId: number): Promise<LoggedRun> {
  const [row] = await rows<LoggedRun & { details: string | null }>("SELECT * FROM sync_runs WHERE id = ?", runId);
  if (!row) throw new Error(`no run ${runId}`);
  return { ...row, details: row.details === null ? null : JSON.parse(row.details) };
}

export async function lastMarketRun(): Promise<LoggedRun> {
  const [row] = await rows<{ id: number }>("SELECT id FROM sync_runs WHERE job = 'market-sync' ORDER BY id DESC LIMIT 1");
  if (!row) throw new Error("no market-sync run");
  return loggedRun(row.id);
}

/** Every market_odds row, in a stable order, for before/after comparisons. */
export function allOdds() {
  return rows("SELECT * FROM market_odds ORDER BY source, kind, game_id, player_name, snapshot_time");
}
