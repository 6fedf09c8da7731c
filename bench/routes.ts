/**
 * The bench Worker's own routes (bench/worker.ts), for `npm run bench` (scripts/bench/, bench/README.md). They exist
 * only in the bench's bundle: src/index.ts, which wrangler deploys, never imports this file. Same request middleware
 * and authentication as /v1 (so the floor measures the same stack), no rate limit and no body limit (the bench loads
 * its league through /__bench/sql).
 *
 * - GET  /__bench/select1                      the floor: one trivial D1 query through the same middleware
 * - GET  /__bench/naive-leaderboard/{season}   the original's leaderboard: aggregate every pick per request
 * - POST /__bench/sql (admin)                  statements run as one D1 batch: the bench's set-based league loader
 * - GET  /__bench/verify?season= (admin)       maintained tables against src/db/recompute.ts, the score histogram and
 *                                              the sorted league boards (league_standings)
 * - GET  /__bench/selfcheck (admin)            the meter's raw() gives exactly the runtime's raw() rows, with meta
 * - GET  /__bench/leaderboard-cursor (admin)   the signed cursor the API issues after a given row of a board (global or
 *                                              a league's, season or week)
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { secureHeaders } from "hono/secure-headers";
import { findDifferences, leagueBoardDifferences } from "../src/db/recompute";
import type { AppBindings } from "../src/env";
import { authenticate, requireAdmin } from "../src/http/auth";
import { ApiError } from "../src/http/errors";
import { handleError, handleNotFound } from "../src/http/errors-handler";
import { corsFromEnv, requestContext } from "../src/http/request-context";
import { cursorSigner } from "../src/services/keyset";
import { boardScope, histogramDifferences } from "../src/services/leaderboards";
import { unwrap } from "./d1-meter";

interface NaiveRow {
  userId: number;
  name: string;
  picks: number;
  wins: number;
  losses: number;
  voids: number;
  unitsCu: number;
}

/** What the original system did for every leaderboard request: GROUP BY over all the season's picks JOIN results. */
const NAIVE_LEADERBOARD_SQL = `
  SELECT p.user_id AS userId, u.name AS name, count(*) AS picks,
    count(*) FILTER (WHERE r.outcome = 'win') AS wins,
    count(*) FILTER (WHERE r.outcome = 'loss') AS losses,
    count(*) FILTER (WHERE r.outcome = 'void') AS voids,
    coalesce(sum(r.profit_cu) FILTER (WHERE r.outcome IS NOT NULL), 0) AS unitsCu
  FROM picks p
  JOIN weeks w ON w.id = p.week_id
  JOIN users u ON u.id = p.user_id
  LEFT JOIN results r ON r.pick_id = p.id
  WHERE w.season = ?1
  GROUP BY p.user_id
  ORDER BY wins DESC, p.user_id
  LIMIT ?2`;

export const benchApp = new OpenAPIHono<AppBindings>();
benchApp.use("*", requestContext);
benchApp.use("*", secureHeaders());
benchApp.use("*", corsFromEnv);
benchApp.onError(handleError);
benchApp.notFound(handleNotFound);
benchApp.use("*", authenticate);

benchApp.get("/__bench/select1", async (c) => {
  const row = await c.env.DB.prepare("SELECT 1 AS one").first<{ one: number }>();
  return c.json({ one: row?.one ?? null });
});

benchApp.get("/__bench/naive-leaderboard/:season", async (c) => {
  const season = Number(c.req.param("season"));
  const limit = Math.min(200, Math.max(1, Number(c.req.query("limit") ?? 50)));
  const { results } = await c.env.DB.prepare(NAIVE_LEADERBOARD_SQL).bind(season, limit).all<NaiveRow>();
  let rank = 0;
  let previous: number | null = null;
  const entries = results.map((row, i) => {
    if (row.wins !== previous) rank = i + 1;
    previous = row.wins;
    const decided = row.wins + row.losses;
    return { rank, ...row, hitRate: decided === 0 ? null : row.wins / decided, units: row.unitsCu / 100 };
  });
  return c.json({ season, sort: "wins", entries });
});

interface SqlStatement {
  sql: string;
  params?: unknown[];
}

benchApp.post("/__bench/sql", async (c) => {
  requireAdmin(c);
  const body = (await c.req.json()) as { statements?: SqlStatement[] };
  const statements = body.statements ?? [];
  if (statements.length === 0) throw new ApiError("validation_failed", "No statements.");
  const started = Date.now();
  try {
    const results = await c.env.DB.batch(statements.map((s) => c.env.DB.prepare(s.sql).bind(...(s.params ?? []))));
    return c.json({
      ok: true,
      ms: Date.now() - started,
      results: results.map((r) => ({ results: r.results ?? [], meta: r.meta })),
    });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    return c.json({ ok: false, error: cause ?? (error instanceof Error ? error.message : String(error)) }, 500);
  }
});

/** The metered raw() (bench/d1-meter.ts) against the runtime's raw(): same rows, and metered. */
benchApp.get("/__bench/selfcheck", async (c) => {
  requireAdmin(c);
  const query = `SELECT u.id, u.name, t.id, t.user_id, X'0102' AS b, 2.5 AS r, NULL AS n
    FROM users u LEFT JOIN api_tokens t ON t.user_id = u.id ORDER BY u.id LIMIT 3`;
  const metered = c.env.DB.prepare(query);
  const mine = await metered.raw({ columnNames: true });
  const runtime = await unwrap(metered).raw({ columnNames: true });
  return c.json({ identical: JSON.stringify(mine) === JSON.stringify(runtime), rows: mine.length - 1 });
});

/**
 * recompute.ts's leagueBoardDifferences joins each board member to `standings s ON s.user_id = b.user_id`, and no index
 * of standings leads with user_id (its key is season, week, user): SQLite, without statistics, scans the season's
 * standings once per board member (at 100,000 users: ~30,000 members x 1.9 M rows; natively it did not finish in 60 s).
 * The bench runs the same statement with that one join turned around (standings scanned once, the members found by an
 * automatic index: ~2.4 s natively); once recompute.ts orders the join itself, the text no longer matches and its SQL
 * runs unchanged. Reported in bench/README.md ("Leagues").
 */
const MEMBERS_THEN_STANDINGS = "FROM board_members b JOIN standings s ON s.user_id = b.user_id";
const STANDINGS_THEN_MEMBERS = "FROM standings s CROSS JOIN board_members b ON b.user_id = s.user_id";

function standingsFirst(db: D1Database, seen: { rewritten: boolean }): D1Database {
  return {
    prepare: (query: string) => {
      if (query.includes(MEMBERS_THEN_STANDINGS)) seen.rewritten = true;
      return db.prepare(query.replace(MEMBERS_THEN_STANDINGS, STANDINGS_THEN_MEMBERS));
    },
  } as D1Database;
}

benchApp.get("/__bench/verify", async (c) => {
  requireAdmin(c);
  const season = c.req.query("season") ? Number(c.req.query("season")) : undefined;
  const started = Date.now();
  const differences = await findDifferences(c.env.DB, { season, limit: 20 });
  const histogram = await histogramDifferences(c.env.DB, season, 20);
  const joinOrder = { rewritten: false };
  const leagueBoards = await leagueBoardDifferences(standingsFirst(c.env.DB, joinOrder), { season, limit: 20 });
  return c.json({
    ms: Date.now() - started,
    exact:
      differences.results.length === 0 &&
      differences.standings.length === 0 &&
      differences.playerStats.length === 0 &&
      histogram.length === 0 &&
      leagueBoards.length === 0,
    counts: {
      results: differences.results.length,
      standings: differences.standings.length,
      playerStats: differences.playerStats.length,
      histogram: histogram.length,
      leagueBoards: leagueBoards.length,
    },
    leagueBoardsJoinTurnedAround: joinOrder.rewritten,
    sample: { ...differences, histogram, leagueBoards },
  });
});

/**
 * A deep page's cursor without paging there: the cursor the API would have issued after the row at `position` of a
 * board (its two metrics, user id and rank read by the bench from league_standings), signed with the Worker's
 * SESSION_SECRET as the API signs it. `board`: 'global' (the public board, sort wins) or a league id (its ranking).
 */
benchApp.get("/__bench/leaderboard-cursor", async (c) => {
  requireAdmin(c);
  const number = (name: string) => Number(c.req.query(name));
  const board = c.req.query("board") === undefined || c.req.query("board") === "global" ? "global" : number("board");
  const sort = (c.req.query("sort") ?? "wins") as "wins" | "units";
  const week = c.req.query("week") === undefined ? undefined : number("week");
  const scope = boardScope(board, { season: number("season"), week, sort });
  const fields = ["primary", "secondary", "key", "position", "rank"].map(number);
  if (!fields.every(Number.isInteger) || !Number.isInteger(scope[2]) || !(board === "global" || Number.isInteger(board))) {
    throw new ApiError("validation_failed", "board is global or a league id; season, primary, secondary, key, position and rank are integers.");
  }
  const cursor = await cursorSigner(c.env.SESSION_SECRET).issue(scope, fields);
  return c.json({ cursor });
});
