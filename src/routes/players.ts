import { createRoute, z } from "@hono/zod-openapi";
import { normalizePlayerName } from "../domain/names";
import { POSITIONS } from "../domain/positions";
import { createRouter } from "../http/router";
import { CursorSchema, errorResponses, LimitSchema, SeasonSchema, security } from "../http/schemas";
import { cursorSigner } from "../services/keyset";
import { pageCache } from "../http/edge-cache";
import { getPlayer, listPlayers, listPlayerStats, type PlayerListPage, type PlayerStatsPage } from "../services/players";
import { MarketPriceSchema, TeamQuerySchema } from "./games";

const PositionSchema = z.enum(POSITIONS);

const PlayerListItemSchema = z
  .object({
    id: z.string(),
    fullName: z.string(),
    season: z.number().int(),
    team: z.string(),
    position: z.string().nullable(),
    status: z.string(),
    jersey: z.number().int().nullable(),
  })
  .openapi("RosteredPlayer");

const PlayerDetailSchema = z
  .object({
    id: z.string(),
    fullName: z.string(),
    espnId: z.string().nullable(),
    sleeperId: z.string().nullable(),
    defenseTeam: z.string().nullable(),
    rosters: z.array(
      z.object({
        season: z.number().int(),
        team: z.string(),
        position: z.string().nullable(),
        rawPosition: z.string().nullable(),
        status: z.string(),
        jersey: z.number().int().nullable(),
        isCurrent: z.boolean(),
      }),
    ),
    stats: z.array(
      z.object({
        season: z.number().int(),
        team: z.string().nullable(),
        position: z.string().nullable(),
        firstTdCount: z.number().int(),
        lastTdWeek: z.number().int().nullable(),
      }),
    ),
    markets: z.array(MarketPriceSchema).openapi({ description: "Latest first-TD prices in games not yet kicked off" }),
  })
  .openapi("Player");

const PlayerStatsEntrySchema = z
  .object({
    rank: z.number().int(),
    playerId: z.string().nullable(),
    playerName: z.string(),
    team: z.string().nullable(),
    position: z.string().nullable(),
    firstTdCount: z.number().int(),
    lastTdWeek: z.number().int().nullable(),
  })
  .openapi("PlayerStatsEntry");

const listPlayersRoute = createRoute({
  method: "get",
  path: "/players",
  operationId: "listPlayers",
  tags: ["Players"],
  summary: "Rostered players by season, team, position and name (ignores case, accents, punctuation, suffixes)",
  security,
  request: {
    query: z.object({
      season: SeasonSchema.optional().openapi({ description: "Defaults to the latest season with rosters" }),
      team: TeamQuerySchema.optional(),
      position: PositionSchema.optional(),
      q: z
        .string()
        .trim()
        .max(60)
        .refine((q) => normalizePlayerName(q) !== "", "must contain a letter or digit")
        .optional(),
      limit: LimitSchema,
      cursor: CursorSchema,
    }),
  },
  responses: {
    200: {
      description: "Players ordered by name",
      content: { "application/json": { schema: z.object({ players: z.array(PlayerListItemSchema), nextCursor: z.string().nullable() }) } },
    },
    ...errorResponses(),
  },
});

const getPlayerRoute = createRoute({
  method: "get",
  path: "/players/{id}",
  operationId: "getPlayer",
  tags: ["Players"],
  summary: "One player with rosters and season stats",
  security,
  request: {
    params: z.object({ id: z.string().min(1).max(40).openapi({ example: "00-0033873" }) }),
    query: z.object({ season: SeasonSchema.optional() }),
  },
  responses: { 200: { description: "The player", content: { "application/json": { schema: PlayerDetailSchema } } }, ...errorResponses(404) },
});

const playerStatsRoute = createRoute({
  method: "get",
  path: "/player-stats",
  operationId: "listPlayerStats",
  tags: ["Players"],
  summary: "First-TD leaderboard of players, filtered by season, position and team",
  security,
  request: {
    query: z.object({ season: SeasonSchema, position: PositionSchema.optional(), team: TeamQuerySchema.optional(), limit: LimitSchema, cursor: CursorSchema }),
  },
  responses: {
    200: {
      description: "Players ranked by first-TD count (ties share a rank)",
      content: {
        "application/json": { schema: z.object({ season: z.number().int(), entries: z.array(PlayerStatsEntrySchema), nextCursor: z.string().nullable() }) },
      },
    },
    ...errorResponses(),
  },
});

export const playerRoutes = createRouter()
  .openapi(listPlayersRoute, async (c) => {
    // The same for every reader: from the edge cache while the standings version holds (roster syncs bump it).
    const pages = await pageCache<PlayerListPage>(c, "players", c.req.valid("query"));
    return c.json(await listPlayers(c.get("db").$client, c.req.valid("query"), cursorSigner(c.env.SESSION_SECRET), pages), 200);
  })
  .openapi(getPlayerRoute, async (c) => c.json(await getPlayer(c.get("db").$client, c.req.valid("param").id, c.req.valid("query").season, new Date()), 200))
  .openapi(playerStatsRoute, async (c) => {
    // The same for every reader: from the edge cache while the standings version holds (src/http/edge-cache.ts).
    const pages = await pageCache<PlayerStatsPage>(c, "player-stats", c.req.valid("query"));
    return c.json(await listPlayerStats(c.get("db").$client, c.req.valid("query"), cursorSigner(c.env.SESSION_SECRET), pages), 200);
  });
