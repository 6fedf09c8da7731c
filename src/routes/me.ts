import { createRoute, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { callerLabel, callerUserIdSql, callerUserSql, refuseOperatorFirst, requireUserId, type Caller } from "../http/auth";
import { createRouter } from "../http/router";
import { errorResponses, IdParamSchema, nullable, SeasonSchema, security, WeekSchema } from "../http/schemas";
import { getUser, issueToken, listTokens, revokeToken } from "../services/users";
import { listUserPicks } from "../services/picks";
import { PickSchema } from "./picks";

export const UserSchema = z
  .object({ id: z.number().int(), name: z.string(), email: z.string().nullable(), isAdmin: z.boolean(), createdAt: z.string().nullable() })
  .openapi("User");

export const TokenSchema = z
  .object({
    id: z.number().int(),
    userId: z.number().int(),
    name: z.string(),
    prefix: z.string().openapi({ description: "First characters of the token, to tell tokens apart" }),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    expiresAt: z.string().nullable().openapi({ description: "When the token stops working by itself; null: never" }),
    revokedAt: z.string().nullable(),
    revokedBy: z.string().nullable().openapi({ description: "Who revoked it: 'user:<id>' (its owner or an admin) or 'admin_token'" }),
  })
  .openapi("Token");

export const NewTokenSchema = TokenSchema.extend({ token: z.string().openapi({ description: "The token itself: shown in this answer only" }) }).openapi(
  "NewToken",
);

export const NewTokenBodySchema = z.object({
  name: z.string().trim().min(1).max(60).default("api"),
  expiresInDays: z.number().int().min(1).max(3650).optional().openapi({ description: "The token stops working after this many days; omitted: never" }),
});

const getMe = createRoute({
  method: "get",
  path: "/me",
  operationId: "getMe",
  tags: ["Users"],
  summary: "Who the token or session belongs to",
  security,
  responses: {
    200: {
      description: "The caller",
      content: {
        "application/json": {
          schema: z.object({
            user: nullable(UserSchema, "null for the operator (ADMIN_TOKEN), who is no user"),
            isAdmin: z.boolean(),
            via: z.enum(["user_token", "session", "admin_token"]).openapi({ description: "The credential: an API token, a web session cookie, the ADMIN_TOKEN" }),
          }),
        },
      },
    },
    ...errorResponses(),
  },
});

const listMyTokens = createRoute({
  method: "get",
  path: "/me/tokens",
  operationId: "listMyTokens",
  tags: ["Users"],
  summary: "The caller's API tokens (never the secrets)",
  security,
  responses: { 200: { description: "Tokens", content: { "application/json": { schema: z.object({ tokens: z.array(TokenSchema) }) } } }, ...errorResponses(403) },
});

const createMyToken = createRoute({
  method: "post",
  path: "/me/tokens",
  operationId: "createMyToken",
  tags: ["Users"],
  summary: "Make an API token for the caller (named, optionally expiring); the token is shown only in this response",
  security,
  request: { body: { required: true, content: { "application/json": { schema: NewTokenBodySchema } } } },
  responses: { 201: { description: "The new token", content: { "application/json": { schema: NewTokenSchema } } }, ...errorResponses(403) },
});

const revokeMyToken = createRoute({
  method: "delete",
  path: "/me/tokens/{id}",
  operationId: "revokeMyToken",
  tags: ["Users"],
  summary: "Revoke one of the caller's tokens",
  security,
  request: { params: IdParamSchema },
  responses: { 200: { description: "The revoked token", content: { "application/json": { schema: TokenSchema } } }, ...errorResponses(403, 404) },
});

const listMyPicks = createRoute({
  method: "get",
  path: "/me/picks",
  operationId: "listMyPicks",
  tags: ["Picks"],
  summary: "The caller's picks with their results",
  security,
  request: { query: z.object({ season: SeasonSchema.optional(), week: WeekSchema.optional() }) },
  responses: { 200: { description: "Picks", content: { "application/json": { schema: z.object({ picks: z.array(PickSchema) }) } } }, ...errorResponses(403) },
});

export const meRoutes = createRouter()
  .openapi(getMe, async (c) => {
    if (c.get("bearer")?.kind === "operator") {
      await c.get("database").settle();
      return c.json({ user: null, isAdmin: true, via: "admin_token" as const }, 200);
    }
    const user = await getUser(c.get("db"), await callerUserSql(c));
    const caller = c.get("caller") as Extract<Caller, { kind: "user" }>;
    return c.json({ user, isAdmin: caller.isAdmin, via: caller.sessionId !== undefined ? ("session" as const) : ("user_token" as const) }, 200);
  })
  .openapi(listMyTokens, async (c) => c.json({ tokens: await listTokens(c.get("db"), await callerUserSql(c)) }, 200))
  .openapi(createMyToken, async (c) => {
    const userId = requireUserId(c);
    const body = c.req.valid("json");
    const token = await issueToken(
      c.get("db"),
      { userId, name: body.name, expiresInDays: body.expiresInDays, createdBy: callerLabel(c.get("caller")) },
      new Date(),
    );
    return c.json(token, 201);
  })
  .openapi(revokeMyToken, async (c) => {
    const userId = requireUserId(c);
    const token = await revokeToken(c.get("db"), { userId, tokenId: c.req.valid("param").id, revokedBy: callerLabel(c.get("caller")) }, new Date());
    return c.json(token, 200);
  })
  .openapi(listMyPicks, async (c) => {
    // The caller named in SQL: their token's check rides in this one read (src/http/auth.ts).
    await refuseOperatorFirst(c);
    return c.json({ picks: await listUserPicks(c.get("db"), sql.raw(callerUserIdSql(c)!), c.req.valid("query")) }, 200);
  });
