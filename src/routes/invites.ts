import { createRoute, z } from "@hono/zod-openapi";
import { auditActor, callerLabel, requireOperator } from "../http/auth";
import { ApiError } from "../http/errors";
import { webOrigin } from "../http/relying-party";
import { createRouter } from "../http/router";
import { errorResponses, nullable, security } from "../http/schemas";
import { acceptInvite, createSignUpInvite, describeInvite, INVITE_STATUSES, listSignUpInvites, revokeInviteByCode } from "../services/invites";
import { DisplayNameSchema, optionalAuthentication, optionalCaller, optionalSecurity } from "./accounts";
import { NewTokenSchema, UserSchema } from "./me";

export const InviteSchema = z
  .object({
    id: z.number().int(),
    leagueId: z.number().int().nullable().openapi({ description: "null: the operator's invite to create an account" }),
    code: z.string().nullable().openapi({ description: "null when it can no longer be shown (SESSION_SECRET rotated since): rotate for a new one" }),
    url: z.string().nullable().openapi({ description: "The link to share: <web origin>/join/<code>" }),
    createdBy: z.string(),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    maxUses: z.number().int().nullable().openapi({ description: "null: no limit" }),
    uses: z.number().int(),
    revokedAt: z.string().nullable(),
    status: z.enum(INVITE_STATUSES),
  })
  .openapi("Invite");

export const InviteOptionsSchema = z.object({
  expiresInDays: z.number().int().min(1).max(365).optional().openapi({ description: "The link stops working after this many days; omitted: never" }),
  maxUses: z.number().int().min(1).max(100_000).optional().openapi({ description: "The link lets this many people in; omitted: no limit" }),
});

export const LeagueSummarySchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    commissioner: z.object({ id: z.number().int(), name: z.string() }),
    memberCount: z.number().int(),
  })
  .openapi("LeagueSummary");

const CodeParamSchema = z.object({ code: z.string().min(1).max(200).openapi({ description: "The invite code: the last part of its link" }) });

const describeInviteRoute = createRoute({
  method: "get",
  path: "/invites/{code}",
  operationId: "describeInvite",
  tags: ["Invites"],
  summary: "What an invite link leads to (no token needed): the league, its commissioner and member count (null: the invite creates an account)",
  security: optionalSecurity,
  middleware: optionalAuthentication,
  request: { params: CodeParamSchema },
  responses: {
    200: {
      description: "The invite",
      content: {
        "application/json": {
          schema: z.object({
            league: nullable(LeagueSummarySchema, "null: the invite creates an account and joins no league"),
            expiresAt: z.string().nullable(),
            usesLeft: z.number().int().nullable().openapi({ description: "null: no limit" }),
          }),
        },
      },
    },
    ...errorResponses(404, 410),
  },
});

const acceptInviteRoute = createRoute({
  method: "post",
  path: "/invites/{code}/accept",
  operationId: "acceptInvite",
  tags: ["Invites"],
  summary:
    "Accept an invite. Without a token: creates your account with the display name you choose (409 user_name_taken: choose another), " +
    "joins the league and answers your personal token, shown once. Signed in: joins the league (409 already_member)",
  security: optionalSecurity,
  middleware: optionalAuthentication,
  request: {
    params: CodeParamSchema,
    body: {
      required: false,
      content: { "application/json": { schema: z.object({ name: DisplayNameSchema.optional().openapi({ description: "Required without a token" }) }) } },
    },
  },
  responses: {
    201: {
      description: "Joined (and the account made)",
      content: {
        "application/json": {
          schema: z
            .object({
              user: UserSchema,
              token: nullable(NewTokenSchema, "The new account's personal token, shown once; null when a signed-in user joined"),
              league: nullable(LeagueSummarySchema, "null: an invite that only creates an account"),
            })
            .openapi("AcceptedInvite"),
        },
      },
    },
    ...errorResponses(403, 404, 409, 410),
  },
});

/** Mounted outside the authenticated /v1 chain (src/app.ts): a person without an account opens these. */
export const publicInviteRoutes = createRouter()
  .openapi(describeInviteRoute, async (c) => c.json(await describeInvite(c.get("db"), c.req.valid("param").code, new Date()), 200))
  .openapi(acceptInviteRoute, async (c) => {
    const caller = optionalCaller(c);
    if (caller?.kind === "admin_secret") throw new ApiError("forbidden", "The operator is no user and joins no league: accept without a token, or with a user's.");
    const body = (c.req.valid("json") as { name?: string } | undefined) ?? {};
    const accepted = await acceptInvite(c.get("db"), { code: c.req.valid("param").code, userId: caller?.userId ?? null, name: body.name }, new Date());
    return c.json(accepted, 201);
  });

const createSignUpInviteRoute = createRoute({
  method: "post",
  path: "/invites",
  operationId: "createSignUpInvite",
  tags: ["Invites"],
  summary: "The operator's invite to create an account, joining no league (operator only: ADMIN_TOKEN); audited",
  security,
  request: { body: { required: true, content: { "application/json": { schema: InviteOptionsSchema } } } },
  responses: { 201: { description: "The invite with its link", content: { "application/json": { schema: InviteSchema } } }, ...errorResponses(403) },
});

const listSignUpInvitesRoute = createRoute({
  method: "get",
  path: "/invites",
  operationId: "listSignUpInvites",
  tags: ["Invites"],
  summary: "The operator's sign-up invites, newest first (operator only)",
  security,
  responses: {
    200: { description: "Invites", content: { "application/json": { schema: z.object({ invites: z.array(InviteSchema) }) } } },
    ...errorResponses(403),
  },
});

const revokeInviteRoute = createRoute({
  method: "delete",
  path: "/invites/{code}",
  operationId: "revokeInvite",
  tags: ["Invites"],
  summary: "Revoke any invite by its code (operator only); audited. Its link answers 410 from now on",
  security,
  request: { params: CodeParamSchema },
  responses: { 200: { description: "The revoked invite", content: { "application/json": { schema: InviteSchema } } }, ...errorResponses(403, 404) },
});

export const inviteRoutes = createRouter()
  .openapi(createSignUpInviteRoute, async (c) => {
    const caller = requireOperator(c, "Creating a sign-up invite");
    const invite = await createSignUpInvite(
      c.get("db"),
      c.env.SESSION_SECRET,
      { ...c.req.valid("json"), createdBy: callerLabel(caller), audit: auditActor(caller), origin: webOrigin(c) },
      new Date(),
    );
    return c.json(invite, 201);
  })
  .openapi(listSignUpInvitesRoute, async (c) => {
    requireOperator(c, "Listing sign-up invites");
    return c.json({ invites: await listSignUpInvites(c.get("db"), c.env.SESSION_SECRET, webOrigin(c), new Date()) }, 200);
  })
  .openapi(revokeInviteRoute, async (c) => {
    const caller = requireOperator(c, "Revoking an invite by its code");
    const invite = await revokeInviteByCode(c.get("db"), c.env.SESSION_SECRET, { code: c.req.valid("param").code, audit: auditActor(caller), origin: webOrigin(c) }, new Date());
    return c.json(invite, 200);
  });
