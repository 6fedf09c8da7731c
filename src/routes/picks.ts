import { createRoute, z } from "@hono/zod-openapi";
import { credentialLabel, refuseOperatorFirst, requireUserId } from "../http/auth";
import { createRouter } from "../http/router";
import { errorResponses, IdParamSchema, security } from "../http/schemas";
import { ODDS_REASONS } from "../domain/odds-freeze";
import { getPick, readNewPick, readPickChange, readPickDeletion, writeNewPick, writePickChange, writePickDeletion } from "../services/picks";

const FROZEN_PRICE = "the median of the player's first-TD market snapshots taken in the 30 minutes before the pick";

export const PickOddsSnapshotSchema = z
  .object({
    id: z.number().int().openapi({ description: "market_odds id" }),
    source: z.string().nullable().openapi({ description: "kalshi or polymarket; null when the snapshot is no longer stored" }),
    capturedAt: z.string().nullable().openapi({ description: "When the snapshot was taken" }),
    probability: z.number().nullable().openapi({ description: "The snapshot's price under the price rule" }),
    basis: z.enum(["mid", "ask"]).nullable().openapi({ description: "mid of a narrow two-sided book, or the ask" }),
  })
  .openapi("PickOddsSnapshot");

export const PickSchema = z
  .object({
    id: z.number().int(),
    userId: z.number().int(),
    gameId: z.string(),
    season: z.number().int(),
    week: z.number().int(),
    kickoffAt: z.string().nullable(),
    playerId: z.string().nullable(),
    playerName: z.string(),
    team: z.string().nullable(),
    position: z.string().nullable(),
    impliedProbability: z.number().nullable().openapi({
      description: `Market probability frozen when the pick was made (or last changed): ${FROZEN_PRICE}, each priced by the mid of a narrow two-sided book or the ask (never the last trade), at least 1/51 (+5000). null: unpriced, see oddsReason`,
    }),
    americanOdds: z.number().int().nullable(),
    decimalOdds: z.number().nullable().openapi({ description: "null: unpriced; graded at even money (2.0: a win is +1 unit)" }),
    oddsSource: z.string().nullable().openapi({ description: "kalshi, polymarket, or kalshi+polymarket when the median took both" }),
    oddsSnapshotAt: z.string().nullable().openapi({ description: "When the newest snapshot of the median was taken" }),
    oddsReason: z.enum(ODDS_REASONS).nullable().openapi({
      description:
        "Why the pick carries no price: no_market (no snapshot of the player in this game at all), stale (none taken in the 30 minutes before the pick), too_thin (fresh snapshots, none with a usable quote). null when priced (and for picks older than the rule)",
    }),
    oddsSnapshots: z.array(PickOddsSnapshotSchema).openapi({ description: `The snapshots that priced the pick (${FROZEN_PRICE}), oldest first; empty when unpriced` }),
    createdAt: z.string().nullable(),
    updatedAt: z.string().nullable(),
    outcome: z.enum(["win", "loss", "void"]).nullable().openapi({ description: "null until the game is graded" }),
    units: z.number().nullable(),
    actualScorer: z.string().nullable(),
    gradedAt: z.string().nullable(),
  })
  .openapi("Pick");

const PlayerIdSchema = z.string().trim().min(1).max(40).openapi({ example: "00-0036389", description: "gsis id, or DEF-<TEAM>" });

const createPickRoute = createRoute({
  method: "post",
  path: "/picks",
  operationId: "createPick",
  tags: ["Picks"],
  summary: "Pick the first-TD scorer of a game (before kickoff)",
  security,
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.object({ gameId: z.string().trim().min(1).max(40).openapi({ example: "2025_13_KC_DAL" }), playerId: PlayerIdSchema }),
        },
      },
    },
  },
  responses: {
    201: { description: "The pick, with its position and frozen market price", content: { "application/json": { schema: PickSchema } } },
    ...errorResponses(403, 404, 409, 422),
  },
});

const getPickRoute = createRoute({
  method: "get",
  path: "/picks/{id}",
  operationId: "getPick",
  tags: ["Picks"],
  summary: "One of the caller's picks",
  security,
  request: { params: IdParamSchema },
  responses: { 200: { description: "The pick", content: { "application/json": { schema: PickSchema } } }, ...errorResponses(403, 404) },
});

const changePickRoute = createRoute({
  method: "patch",
  path: "/picks/{id}",
  operationId: "changePick",
  tags: ["Picks"],
  summary: "Change the picked player (before kickoff)",
  security,
  request: {
    params: IdParamSchema,
    body: { required: true, content: { "application/json": { schema: z.object({ playerId: PlayerIdSchema }) } } },
  },
  responses: { 200: { description: "The changed pick", content: { "application/json": { schema: PickSchema } } }, ...errorResponses(403, 404, 409, 422) },
});

const deletePickRoute = createRoute({
  method: "delete",
  path: "/picks/{id}",
  operationId: "deletePick",
  tags: ["Picks"],
  summary: "Delete a pick (before kickoff)",
  security,
  request: { params: IdParamSchema },
  responses: { 204: { description: "Deleted" }, ...errorResponses(403, 404, 409) },
});

export const pickRoutes = createRouter()
  .openapi(createPickRoute, async (c) => {
    // One read (the caller's authentication rides in it: src/http/auth.ts), then one write.
    await refuseOperatorFirst(c);
    const now = new Date();
    const reads = await readNewPick(c.get("db"), { ...c.req.valid("json"), now });
    const pick = await writeNewPick(c.get("db"), reads, { userId: requireUserId(c), changedBy: credentialLabel(c.get("caller")), now });
    return c.json(pick, 201);
  })
  .openapi(getPickRoute, async (c) => c.json(await getPick(c.get("db"), requireUserId(c), c.req.valid("param").id), 200))
  .openapi(changePickRoute, async (c) => {
    // One read (the token's check riding in it), then one write.
    await refuseOperatorFirst(c);
    const now = new Date();
    const change = { pickId: c.req.valid("param").id, playerId: c.req.valid("json").playerId, now };
    const reads = await readPickChange(c.get("db"), change);
    const pick = await writePickChange(c.get("db"), reads, { ...change, userId: requireUserId(c), changedBy: credentialLabel(c.get("caller")) });
    return c.json(pick, 200);
  })
  .openapi(deletePickRoute, async (c) => {
    await refuseOperatorFirst(c);
    const pickId = c.req.valid("param").id;
    const reads = await readPickDeletion(c.get("db"), pickId);
    await writePickDeletion(c.get("db"), reads, { userId: requireUserId(c), pickId, now: new Date() });
    return c.body(null, 204);
  });
