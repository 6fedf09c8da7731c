import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../http/router";
import { CursorSchema, errorResponses, LimitSchema, SeasonSchema, security, WeekSchema } from "../http/schemas";
import { cursorSigner } from "../services/keyset";
import { getLeaderboard } from "../services/leaderboards";

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
    me: LeaderboardEntrySchema.nullable().openapi({ description: "The caller's own row and rank, when they have picks" }),
  })
  .openapi("Leaderboard");

const PageQuerySchema = z.object({ sort: z.enum(["wins", "units"]).default("wins"), limit: LimitSchema, cursor: CursorSchema });

const seasonRoute = createRoute({
  method: "get",
  path: "/leaderboards/{season}",
  tags: ["Leaderboards"],
  summary: "Season leaderboard",
  security,
  request: { params: z.object({ season: SeasonSchema }), query: PageQuerySchema },
  responses: { 200: { description: "A page of the leaderboard", content: { "application/json": { schema: LeaderboardSchema } } }, ...errorResponses() },
});

const weekRoute = createRoute({
  method: "get",
  path: "/leaderboards/{season}/weeks/{week}",
  tags: ["Leaderboards"],
  summary: "Week leaderboard",
  security,
  request: { params: z.object({ season: SeasonSchema, week: WeekSchema }), query: PageQuerySchema },
  responses: { 200: { description: "A page of the leaderboard", content: { "application/json": { schema: LeaderboardSchema } } }, ...errorResponses() },
});

function callerUserId(caller: { kind: string; userId?: number }): number | null {
  return caller.kind === "user" ? caller.userId! : null;
}

export const leaderboardRoutes = createRouter()
  .openapi(seasonRoute, async (c) => {
    const query = { ...c.req.valid("param"), ...c.req.valid("query"), callerUserId: callerUserId(c.get("caller")) };
    const board = await getLeaderboard(c.env.DB, query, cursorSigner(c.env.SESSION_SECRET));
    return c.json(board, 200);
  })
  .openapi(weekRoute, async (c) => {
    const query = { ...c.req.valid("param"), ...c.req.valid("query"), callerUserId: callerUserId(c.get("caller")) };
    const board = await getLeaderboard(c.env.DB, query, cursorSigner(c.env.SESSION_SECRET));
    return c.json(board, 200);
  });
