import { createRoute, z } from "@hono/zod-openapi";
import { GAME_STATUSES, MARKET_KINDS } from "../db/schema";
import { toTeamCode } from "../domain/teams";
import { createRouter } from "../http/router";
import { errorResponses, nullable, SeasonSchema, security, TeamCodeSchema, WeekSchema } from "../http/schemas";
import { getGameWithMarkets, listGames } from "../services/games";
import { listGamePicks } from "../services/picks";
import { PickSchema } from "./picks";

/** A team given as any code or name a source uses (KC, LAR, WSH, "Chiefs"), read as its nflverse code. */
export const TeamQuerySchema = TeamCodeSchema.transform((value, ctx) => {
  const code = toTeamCode(value);
  if (!code) ctx.addIssue({ code: "custom", message: `unknown team '${value}'` });
  return code ?? value;
}).openapi({ type: "string", example: "KC" });

export const GameIdParamSchema = z.object({ id: z.string().min(1).max(40).openapi({ example: "2025_13_KC_DAL" }) });

export const FirstTdSchema = z
  .object({
    playerId: z.string().nullable(),
    playerName: z.string().nullable(),
    team: z.string().nullable(),
    kind: z.string().nullable(),
    playText: z.string().nullable(),
    recordedAt: z.string().nullable(),
  })
  .openapi("FirstTd");

export const GameSchema = z
  .object({
    id: z.string(),
    season: z.number().int(),
    week: z.number().int(),
    gameType: z.string(),
    kickoffAt: z.string().nullable(),
    homeTeam: z.string(),
    awayTeam: z.string(),
    homeScore: z.number().int().nullable(),
    awayScore: z.number().int().nullable(),
    status: z.enum(GAME_STATUSES),
    isVoided: z.boolean(),
    isPlaceholder: z.boolean(),
    espnEventId: z.string().nullable(),
    locked: z.boolean().openapi({ description: "true from kickoff on: picks can no longer change" }),
    noTd: z.boolean(),
    firstTd: nullable(FirstTdSchema, "null until the first TD (or no TD) is known"),
  })
  .openapi("Game");

export const MarketPriceSchema = z
  .object({
    source: z.string(),
    kind: z.enum(MARKET_KINDS),
    gameId: z.string(),
    marketId: z.string().nullable(),
    playerId: z.string().nullable().openapi({ description: "null for the 'No Touchdown' leg" }),
    playerName: z.string().nullable(),
    impliedProbability: z
      .number()
      .nullable()
      .openapi({ description: "The snapshot's price under the price rule (see priceBasis), at least 1/51; null: too thin to price" }),
    normalizedProbability: z.number().nullable().openapi({ description: "Divided by the sum over the game's first-TD legs" }),
    americanOdds: z.number().int().nullable(),
    bid: z.number().nullable(),
    ask: z.number().nullable(),
    bidSize: z.number().nullable().openapi({ description: "Contracts resting at the bid (Kalshi); null where the venue gives no sizes" }),
    askSize: z.number().nullable().openapi({ description: "Contracts resting at the ask (Kalshi); null where the venue gives no sizes" }),
    lastPrice: z.number().nullable().openapi({ description: "The last trade: shown, never a price" }),
    priceBasis: z
      .enum(["mid", "ask"])
      .nullable()
      .openapi({ description: "mid (narrow two-sided book with depth on both sides) or ask; null: no usable ask (too thin)" }),
    snapshotTime: z.string().openapi({ description: "Start of the snapshot's 10-minute bucket" }),
    capturedAt: z.string().nullable(),
    ageSeconds: z.number().int(),
  })
  .openapi("MarketPrice");

const listGamesRoute = createRoute({
  method: "get",
  path: "/games",
  operationId: "listGames",
  tags: ["Games"],
  summary: "Games by season, week, team and status",
  security,
  request: {
    query: z.object({
      season: SeasonSchema.optional(),
      week: WeekSchema.optional(),
      team: TeamQuerySchema.optional(),
      status: z.enum(GAME_STATUSES).optional(),
    }),
  },
  responses: { 200: { description: "Games in kickoff order", content: { "application/json": { schema: z.object({ games: z.array(GameSchema) }) } } }, ...errorResponses() },
});

const getGameRoute = createRoute({
  method: "get",
  path: "/games/{id}",
  operationId: "getGame",
  tags: ["Games"],
  summary: "One game with its first-TD facts and the latest market price per player",
  security,
  request: { params: GameIdParamSchema },
  responses: {
    200: { description: "The game", content: { "application/json": { schema: GameSchema.extend({ markets: z.array(MarketPriceSchema) }) } } },
    ...errorResponses(404),
  },
});

const gameMarketsRoute = createRoute({
  method: "get",
  path: "/games/{id}/markets",
  operationId: "listGameMarkets",
  tags: ["Games"],
  summary: "The latest market price per player and source of a game, with its age",
  security,
  request: { params: GameIdParamSchema, query: z.object({ kind: z.enum(MARKET_KINDS).optional() }) },
  responses: {
    200: { description: "Prices", content: { "application/json": { schema: z.object({ gameId: z.string(), markets: z.array(MarketPriceSchema) }) } } },
    ...errorResponses(404),
  },
});

const gamePicksRoute = createRoute({
  method: "get",
  path: "/games/{id}/picks",
  operationId: "listGamePicks",
  tags: ["Games"],
  summary: "Every user's pick in a game, once the game has locked (before: the operator only, never an admin user)",
  security,
  request: { params: GameIdParamSchema },
  responses: { 200: { description: "Picks", content: { "application/json": { schema: z.object({ picks: z.array(PickSchema) }) } } }, ...errorResponses(403, 404) },
});

export const gameRoutes = createRouter()
  .openapi(listGamesRoute, async (c) => c.json({ games: await listGames(c.get("db"), c.req.valid("query"), new Date()) }, 200))
  .openapi(getGameRoute, async (c) => c.json(await getGameWithMarkets(c.get("db"), c.req.valid("param").id, new Date()), 200))
  .openapi(gameMarketsRoute, async (c) => {
    const { id } = c.req.valid("param");
    const game = await getGameWithMarkets(c.get("db"), id, new Date(), c.req.valid("query").kind);
    return c.json({ gameId: id, markets: game.markets }, 200);
  })
  // Before kickoff only the operator sees the picks: an admin user is also a player.
  .openapi(gamePicksRoute, async (c) =>
    c.json({ picks: await listGamePicks(c.get("db"), c.req.valid("param").id, c.get("bearer")?.kind === "operator") }, 200),
  );
