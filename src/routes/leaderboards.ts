import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppBindings } from "../env";
import { callerUserIdSql } from "../http/auth";
import { createRouter } from "../http/router";
import { CursorSchema, errorResponses, IdParamSchema, LimitSchema, nullable, SeasonSchema, security, WeekSchema } from "../http/schemas";
import { cursorSigner } from "../services/keyset";
import { leagueShapes, pageCache } from "../http/edge-cache";
import { getLeaderboard, getLeagueBoard, leagueBoardPlan, planFits, type BoardPage } from "../services/leaderboards";
import { leagueBoardReaderStatement, leagueOfBoardReader, type LeagueBoardShape } from "../services/leagues";

const LeaderboardEntrySchema = z
  .object({
    rank: z.number().int().openapi({ description: "Standard competition rank: equal scores share a rank (1, 1, 3)" }),
    userId: z.number().int(),
    name: z.string(),
    picks: z.number().int(),
    wins: z.number().int(),
    losses: z.number().int(),
    voids: z.number().int(),
    hitRate: z.number().nullable().openapi({ description: "wins / (wins + losses)" }),
    units: z.number().openapi({ description: "Profit at 1 unit per pick at the frozen odds (even money without odds)" }),
  })
  .openapi("LeaderboardEntry");

const LeaderboardSchema = z
  .object({
    season: z.number().int(),
    week: z.number().int().nullable(),
    sort: z.enum(["wins", "units"]),
    entries: z.array(LeaderboardEntrySchema),
    nextCursor: z.string().nullable(),
    me: nullable(
      LeaderboardEntrySchema,
      "The caller's own row and rank among every player (on the board or not), when they have picks; null otherwise (and for the operator)",
    ),
  })
  .openapi("Leaderboard");

const LeagueLeaderboardSchema = z
  .object({
    leagueId: z.number().int(),
    season: z.number().int(),
    week: z.number().int().nullable(),
    ranking: z.enum(["wins", "units"]),
    tiebreak: z.enum(["wins", "units"]).openapi({ description: "Breaks ties of the ranking; members level on both share a rank" }),
    entries: z.array(LeaderboardEntrySchema),
    nextCursor: z.string().nullable(),
    me: nullable(LeaderboardEntrySchema, "The caller's own row and rank in the league, when they have picks; null otherwise (and for the operator)"),
    winners: z
      .array(z.object({ userId: z.number().int(), name: z.string() }))
      .openapi({ description: "A week's winners: every member ranked first once the week has graded picks (empty on the season board)" }),
  })
  .openapi("LeagueLeaderboard");

const PageQuerySchema = z.object({ sort: z.enum(["wins", "units"]).default("wins"), limit: LimitSchema, cursor: CursorSchema });

const seasonRoute = createRoute({
  method: "get",
  path: "/leaderboards/{season}",
  operationId: "getSeasonLeaderboard",
  tags: ["Leaderboards"],
  summary: "Season leaderboard",
  security,
  request: { params: z.object({ season: SeasonSchema }), query: PageQuerySchema },
  responses: { 200: { description: "A page of the leaderboard", content: { "application/json": { schema: LeaderboardSchema } } }, ...errorResponses() },
});

const weekRoute = createRoute({
  method: "get",
  path: "/leaderboards/{season}/weeks/{week}",
  operationId: "getWeekLeaderboard",
  tags: ["Leaderboards"],
  summary: "Week leaderboard",
  security,
  request: { params: z.object({ season: SeasonSchema, week: WeekSchema }), query: PageQuerySchema },
  responses: { 200: { description: "A page of the leaderboard", content: { "application/json": { schema: LeaderboardSchema } } }, ...errorResponses() },
});

const LeaguePageQuerySchema = z.object({ limit: LimitSchema, cursor: CursorSchema });

const leagueSeasonRoute = createRoute({
  method: "get",
  path: "/leagues/{id}/leaderboards/{season}",
  operationId: "getLeagueSeasonLeaderboard",
  tags: ["Leagues"],
  summary: "A league's season board (members and the operator)",
  security,
  request: { params: IdParamSchema.extend({ season: SeasonSchema }), query: LeaguePageQuerySchema },
  responses: {
    200: { description: "A page of the league's board", content: { "application/json": { schema: LeagueLeaderboardSchema } } },
    ...errorResponses(403, 404),
  },
});

const leagueWeekRoute = createRoute({
  method: "get",
  path: "/leagues/{id}/leaderboards/{season}/weeks/{week}",
  operationId: "getLeagueWeekLeaderboard",
  tags: ["Leagues"],
  summary: "A league's week board with the week's winners (members and the operator)",
  security,
  request: { params: IdParamSchema.extend({ season: SeasonSchema, week: WeekSchema }), query: LeaguePageQuerySchema },
  responses: {
    200: { description: "A page of the league's week board", content: { "application/json": { schema: LeagueLeaderboardSchema } } },
    ...errorResponses(403, 404),
  },
});

function callerUserId(caller: { kind: string; userId?: number }): number | null {
  return caller.kind === "user" ? caller.userId! : null;
}

/**
 * A page of the global board: the page from the edge cache when this standings version has it (src/http/edge-cache.ts),
 * "me" read for the caller, named in SQL so that their token's check rides in the same one read (src/http/auth.ts).
 */
async function globalBoard(c: Context<AppBindings>, params: { season: number; week?: number }, page: { sort: "wins" | "units"; limit: number; cursor?: string }) {
  const pages = await pageCache<BoardPage>(c, "leaderboards", { ...params, ...page });
  return getLeaderboard(c.get("db").$client, { ...params, ...page, callerUserId: callerUserIdSql(c) }, cursorSigner(c.env.SESSION_SECRET), pages);
}

export const leaderboardRoutes = createRouter()
  .openapi(seasonRoute, async (c) => c.json(await globalBoard(c, c.req.valid("param"), c.req.valid("query")), 200))
  .openapi(weekRoute, async (c) => c.json(await globalBoard(c, c.req.valid("param"), c.req.valid("query")), 200))
  .openapi(leagueSeasonRoute, async (c) => {
    const { id, ...scope } = c.req.valid("param");
    return c.json(await leagueBoard(c, id, { ...scope, ...c.req.valid("query") }), 200);
  })
  .openapi(leagueWeekRoute, async (c) => {
    const { id, ...scope } = c.req.valid("param");
    return c.json(await leagueBoard(c, id, { ...scope, ...c.req.valid("query") }), 200);
  });

/**
 * A league's board in one read: the league with the caller's membership (their token's check riding along) and the
 * board's statements, chosen by the league's shape as this location last saw it, or as a small league's when it has
 * not seen it (most leagues are small, and a small league's read does not depend on its ranking); the league's row
 * checks that guess. A wrong guess (a league grown to a mirrored board, a mirrored board's new ranking): the board in a
 * second call, the shape kept.
 */
async function leagueBoard(
  c: Context<AppBindings>,
  leagueId: number,
  q: { season: number; week?: number; limit: number; cursor?: string },
) {
  const d1 = c.get("db").$client;
  const cursors = cursorSigner(c.env.SESSION_SECRET);
  const reader = callerUserIdSql(c);
  const shapes = leagueShapes<LeagueBoardShape>(c);
  const guess = (await shapes.get(leagueId)) ?? SMALL_LEAGUE_SHAPE;
  // A mirrored board's cursor of another ranking than the guess is read again against the league's own, after the read.
  const plan = await leagueBoardPlan(d1, { id: leagueId, ...guess }, { ...q, caller: reader }, cursors).catch(() => null);
  const [leagueRow, ...boardRows] = await d1.batch([leagueBoardReaderStatement(d1, leagueId, reader), ...(plan?.statements ?? [])]);
  const league = leagueOfBoardReader(leagueRow!, leagueId, reader);
  const callerId = callerUserId(c.get("caller"));
  if (plan && planFits(guess, league)) return plan.finish(boardRows, callerId, league);
  shapes.put(leagueId, { ranking: league.ranking, boardMaterialized: league.boardMaterialized });
  return getLeagueBoard(d1, league, { ...q, callerUserId: callerId }, cursors);
}

const SMALL_LEAGUE_SHAPE: LeagueBoardShape = { ranking: "wins", boardMaterialized: false };
