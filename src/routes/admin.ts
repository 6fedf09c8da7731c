import { createRoute, z } from "@hono/zod-openapi";
import { FIRST_TD_KINDS } from "../db/schema";
import { callerLabel, requireAdmin } from "../http/auth";
import { createRouter } from "../http/router";
import { bumpStandingsVersion } from "../services/standings-version";
import { errorResponses, security } from "../http/schemas";
import { recordFirstTd, setGameVoided } from "../services/game-facts";
import { GameIdParamSchema, TeamQuerySchema } from "./games";

const FirstTdBodySchema = z
  .discriminatedUnion("type", [
    z.object({
      type: z.literal("player"),
      playerId: z.string().trim().min(1).max(40),
      kind: z.enum(FIRST_TD_KINDS),
      playText: z.string().max(500).nullish(),
    }),
    z.object({
      type: z.literal("defense"),
      team: TeamQuerySchema,
      kind: z.enum(["return", "defense"]).default("defense"),
      playText: z.string().max(500).nullish(),
    }),
    z.object({ type: z.literal("no_td") }),
    z.object({ type: z.literal("clear") }),
  ])
  .openapi("FirstTdFact");

const GradingResultSchema = z
  .object({
    gameId: z.string(),
    grading: z.object({ picks: z.number().int(), wins: z.number().int(), losses: z.number().int(), voids: z.number().int(), ungraded: z.number().int() }),
    lastChange: z
      .object({ id: z.number().int(), gameId: z.string(), changedAt: z.string(), changedBy: z.string().nullable(), before: z.string(), after: z.string() })
      .nullable(),
  })
  .openapi("GradingResult");

const setFirstTdRoute = createRoute({
  method: "put",
  path: "/admin/games/{id}/first-td",
  operationId: "setGameFirstTd",
  tags: ["Admin"],
  summary: "Set, correct or clear a game's first-TD facts (a player, a team's defense, or no TD; 409 game_not_started before kickoff); regrades the game",
  security,
  request: { params: GameIdParamSchema, body: { required: true, content: { "application/json": { schema: FirstTdBodySchema } } } },
  responses: { 200: { description: "Grading after the change", content: { "application/json": { schema: GradingResultSchema } } }, ...errorResponses(403, 404, 409, 422) },
});

const voidGameRoute = createRoute({
  method: "put",
  path: "/admin/games/{id}/void",
  operationId: "setGameVoided",
  tags: ["Admin"],
  summary: "Void (or un-void) a game: its picks become void",
  security,
  request: { params: GameIdParamSchema, body: { required: true, content: { "application/json": { schema: z.object({ voided: z.boolean() }) } } } },
  responses: { 200: { description: "Grading after the change", content: { "application/json": { schema: GradingResultSchema } } }, ...errorResponses(403, 404) },
});

export const adminRoutes = createRouter()
  .openapi(setFirstTdRoute, async (c) => {
    const caller = requireAdmin(c);
    const grading = await recordFirstTd(c.get("db"), c.req.valid("param").id, c.req.valid("json"), callerLabel(caller), new Date());
    // Cached boards and player lists were computed before this grading (src/services/standings-version.ts).
    await bumpStandingsVersion(c.env);
    return c.json(grading, 200);
  })
  .openapi(voidGameRoute, async (c) => {
    const caller = requireAdmin(c);
    const grading = await setGameVoided(c.get("db"), c.req.valid("param").id, c.req.valid("json").voided, callerLabel(caller), new Date());
    await bumpStandingsVersion(c.env);
    return c.json(grading, 200);
  });
