import { createRoute, z } from "@hono/zod-openapi";
import { auditActor, callerLabel, requireAdmin, requireOperator } from "../http/auth";
import { ApiError } from "../http/errors";
import { createRouter } from "../http/router";
import { errorResponses, IdParamSchema, security } from "../http/schemas";
import { webOrigin } from "../http/relying-party";
import { issueSignInLink } from "../services/sign-in-links";
import { createUser, getUserForAdmin, issueToken, listTokens, revokeToken, updateUser } from "../services/users";
import { NewTokenBodySchema, NewTokenSchema, TokenSchema, UserSchema } from "./me";

export const AdminUserSchema = UserSchema.extend({
  disabledAt: z.string().nullable().openapi({ description: "Set while the user is disabled: their tokens and sessions are refused" }),
  disabledBy: z.string().nullable(),
}).openapi("AdminUser");

const UserTokenParamSchema = z.object({ id: z.coerce.number().int().positive(), tokenId: z.coerce.number().int().positive() });

const createUserRoute = createRoute({
  method: "post",
  path: "/users",
  operationId: "createUser",
  tags: ["Users"],
  summary: "Create a user (admin; an admin user only with isAdmin false: only the operator makes admins); audited",
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
  responses: { 201: { description: "The user", content: { "application/json": { schema: AdminUserSchema } } }, ...errorResponses(403, 409) },
});

const getUserRoute = createRoute({
  method: "get",
  path: "/users/{id}",
  operationId: "getUser",
  tags: ["Users"],
  summary: "One user with their tokens (admin)",
  security,
  request: { params: IdParamSchema },
  responses: {
    200: { description: "The user", content: { "application/json": { schema: AdminUserSchema.extend({ tokens: z.array(TokenSchema) }) } } },
    ...errorResponses(403, 404),
  },
});

const updateUserRoute = createRoute({
  method: "patch",
  path: "/users/{id}",
  operationId: "updateUser",
  tags: ["Users"],
  summary:
    "Disable or enable a user (admin; an admin's account: operator only), grant or revoke admin (operator only); audited. " +
    "A disabled user's tokens and sessions stop working at once; their picks stay",
  security,
  request: {
    params: IdParamSchema,
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .object({ isAdmin: z.boolean().optional(), disabled: z.boolean().optional() })
            .refine((body) => body.isAdmin !== undefined || body.disabled !== undefined, { message: "Send isAdmin, disabled or both." }),
        },
      },
    },
  },
  responses: { 200: { description: "The user after the change", content: { "application/json": { schema: AdminUserSchema } } }, ...errorResponses(403, 404) },
});

const issueTokenRoute = createRoute({
  method: "post",
  path: "/users/{id}/tokens",
  operationId: "issueUserToken",
  tags: ["Users"],
  summary: "Issue an API token for a user (operator only: it lets the caller act as that user); audited; the token is shown only in this response",
  security,
  request: { params: IdParamSchema, body: { required: true, content: { "application/json": { schema: NewTokenBodySchema } } } },
  responses: { 201: { description: "The new token", content: { "application/json": { schema: NewTokenSchema } } }, ...errorResponses(403, 404) },
});

const revokeUserTokenRoute = createRoute({
  method: "delete",
  path: "/users/{id}/tokens/{tokenId}",
  operationId: "revokeUserToken",
  tags: ["Users"],
  summary: "Revoke any user's token (admin); audited; ends the user's status-page sessions. Revoking twice is harmless",
  security,
  request: { params: UserTokenParamSchema },
  responses: { 200: { description: "The revoked token", content: { "application/json": { schema: TokenSchema } } }, ...errorResponses(403, 404) },
});

export const SignInLinkSchema = z
  .object({
    userId: z.number().int(),
    url: z.string().openapi({ description: "The link (shown in this answer only): signs the user in once, until expiresAt. Hand it over by a channel you trust" }),
    expiresAt: z.string(),
  })
  .openapi("SignInLink");

const issueSignInLinkRoute = createRoute({
  method: "post",
  path: "/users/{id}/sign-in-link",
  operationId: "issueUserSignInLink",
  tags: ["Users"],
  summary: "Issue a one-time sign-in link for a user who lost their passkeys (operator only: it lets the holder act as them); audited; 24 hours",
  security,
  request: { params: IdParamSchema },
  responses: { 201: { description: "The link", content: { "application/json": { schema: SignInLinkSchema } } }, ...errorResponses(403, 404) },
});

export const userRoutes = createRouter()
  .openapi(createUserRoute, async (c) => {
    const body = c.req.valid("json");
    const caller = body.isAdmin ? requireOperator(c, "Creating an admin") : requireAdmin(c);
    return c.json(await createUser(c.get("db"), body, auditActor(caller), new Date()), 201);
  })
  .openapi(getUserRoute, async (c) => {
    requireAdmin(c);
    const { id } = c.req.valid("param");
    const [user, tokens] = await Promise.all([getUserForAdmin(c.get("db"), id), listTokens(c.get("db"), id)]);
    return c.json({ ...user, tokens }, 200);
  })
  .openapi(updateUserRoute, async (c) => {
    let caller = requireAdmin(c);
    const { id } = c.req.valid("param");
    const change = c.req.valid("json");
    if (change.isAdmin !== undefined) caller = requireOperator(c, "Granting or revoking admin");
    if (caller.kind !== "admin_secret" && (await getUserForAdmin(c.get("db"), id)).isAdmin) {
      throw new ApiError("forbidden", "Disabling or enabling an admin needs the operator's ADMIN_TOKEN; an admin user's token is not enough.");
    }
    return c.json(await updateUser(c.get("db"), id, change, auditActor(caller), new Date()), 200);
  })
  .openapi(issueTokenRoute, async (c) => {
    const caller = requireOperator(c, "Issuing a token for a user");
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const token = await issueToken(
      c.get("db"),
      { userId: id, name: body.name, expiresInDays: body.expiresInDays, createdBy: callerLabel(caller), audit: auditActor(caller) },
      new Date(),
    );
    return c.json(token, 201);
  })
  .openapi(revokeUserTokenRoute, async (c) => {
    const caller = requireAdmin(c);
    const { id, tokenId } = c.req.valid("param");
    const token = await revokeToken(c.get("db"), { userId: id, tokenId, revokedBy: callerLabel(caller), audit: auditActor(caller) }, new Date());
    return c.json(token, 200);
  })
  .openapi(issueSignInLinkRoute, async (c) => {
    const caller = requireOperator(c, "Issuing a sign-in link for a user");
    const link = await issueSignInLink(c.get("db"), c.env, { userId: c.req.valid("param").id, createdBy: auditActor(caller), origin: webOrigin(c) });
    return c.json(link, 201);
  });
