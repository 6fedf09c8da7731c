import { createRoute, z } from "@hono/zod-openapi";
import { callerLabel, requireAdmin } from "../http/auth";
import { createRouter } from "../http/router";
import { errorResponses, IdParamSchema, security } from "../http/schemas";
import { createUser, getUser, issueToken, listTokens } from "../services/users";
import { TokenSchema, UserSchema } from "./me";

const createUserRoute = createRoute({
  method: "post",
  path: "/users",
  tags: ["Users"],
  summary: "Create a user (admin)",
  security,
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.object({
            name: z.string().trim().min(1).max(60),
            email: z.email().max(200).nullish(),
            isAdmin: z.boolean().default(false),
          }),
        },
      },
    },
  },
  responses: { 201: { description: "The user", content: { "application/json": { schema: UserSchema } } }, ...errorResponses(403, 409) },
});

const getUserRoute = createRoute({
  method: "get",
  path: "/users/{id}",
  tags: ["Users"],
  summary: "One user with their tokens (admin)",
  security,
  request: { params: IdParamSchema },
  responses: {
    200: { description: "The user", content: { "application/json": { schema: UserSchema.extend({ tokens: z.array(TokenSchema) }) } } },
    ...errorResponses(403, 404),
  },
});

const issueTokenRoute = createRoute({
  method: "post",
  path: "/users/{id}/tokens",
  tags: ["Users"],
  summary: "Issue an API token for a user (admin); the token is shown only in this response",
  security,
  request: {
    params: IdParamSchema,
    body: { required: true, content: { "application/json": { schema: z.object({ name: z.string().trim().min(1).max(60).default("api") }) } } },
  },
  responses: {
    201: { description: "The new token", content: { "application/json": { schema: TokenSchema.extend({ token: z.string() }) } } },
    ...errorResponses(403, 404),
  },
});

export const userRoutes = createRouter()
  .openapi(createUserRoute, async (c) => {
    requireAdmin(c);
    return c.json(await createUser(c.get("db"), c.req.valid("json"), new Date()), 201);
  })
  .openapi(getUserRoute, async (c) => {
    requireAdmin(c);
    const { id } = c.req.valid("param");
    const [user, tokens] = await Promise.all([getUser(c.get("db"), id), listTokens(c.get("db"), id)]);
    return c.json({ ...user, tokens }, 200);
  })
  .openapi(issueTokenRoute, async (c) => {
    const caller = requireAdmin(c);
    const token = await issueToken(
      c.get("db"),
      { userId: c.req.valid("param").id, name: c.req.valid("json").name, createdBy: callerLabel(caller) },
      new Date(),
    );
    return c.json(token, 201);
  });
