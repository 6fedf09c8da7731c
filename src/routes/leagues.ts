import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { LEAGUE_RANKINGS } from "../db/schema";
import type { AppBindings } from "../env";
import { auditActor, callerUserSql, leagueReaderOf, requireUserId } from "../http/auth";
import { webOrigin } from "../http/relying-party";
import { createRouter } from "../http/router";
import { errorResponses, IdParamSchema, nullable, security } from "../http/schemas";
import {
  createLeague,
  createLeagueInvite,
  getLeague,
  leagueGamePicks,
  leaveLeague,
  listLeagueInvites,
  listMembers,
  listMyLeagues,
  removeMember,
  requireCommissionerOfMember,
  revokeLeagueInvite,
  rotateLeagueInvite,
  transferCommissioner,
  updateLeague,
  type InviteLinks,
} from "../services/leagues";
import { GameIdParamSchema } from "./games";
import { InviteOptionsSchema, InviteSchema, LeagueSummarySchema } from "./invites";
import { SignInLinkSchema } from "./users";
import { issueSignInLink } from "../services/sign-in-links";

const LeagueNameSchema = z.string().trim().min(1).max(60).openapi({ example: "Sunday Crew" });
const RankingSchema = z.enum(LEAGUE_RANKINGS).openapi({ description: "wins (tiebreak: units) or units (tiebreak: wins); members still level share a rank" });

const PersonSchema = z.object({ id: z.number().int(), name: z.string() });

export const LeagueSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    commissioner: PersonSchema,
    ranking: RankingSchema,
    tiebreak: z.enum(LEAGUE_RANKINGS).openapi({ description: "The measure that breaks ties of the ranking; then a shared rank" }),
    membersMayInvite: z.boolean(),
    memberCount: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string().nullable(),
    you: z.object({ isMember: z.boolean(), isCommissioner: z.boolean(), mayInvite: z.boolean() }),
    invite: nullable(InviteSchema, "The league's newest open invite, for a reader who may invite; otherwise null"),
  })
  .openapi("League");

const MyLeagueSchema = LeagueSummarySchema.extend({ ranking: RankingSchema, isCommissioner: z.boolean(), joinedAt: z.string() }).openapi("MyLeague");

const MemberSchema = z
  .object({ userId: z.number().int(), name: z.string(), joinedAt: z.string(), isCommissioner: z.boolean() })
  .openapi("LeagueMember");

const LeaguePickSchema = z
  .object({
    userId: z.number().int(),
    name: z.string(),
    playerId: z.string().nullable(),
    playerName: z.string(),
    team: z.string().nullable(),
    position: z.string().nullable(),
    americanOdds: z.number().int().nullable(),
    decimalOdds: z.number().nullable(),
    outcome: z.enum(["win", "loss", "void"]).nullable().openapi({ description: "null until the game is graded" }),
    units: z.number().nullable(),
  })
  .openapi("LeaguePick");

const MemberParamSchema = z.object({ id: z.coerce.number().int().positive(), userId: z.coerce.number().int().positive() });
const InviteParamSchema = z.object({ id: z.coerce.number().int().positive(), inviteId: z.coerce.number().int().positive() });
const LeagueGameParamSchema = z.object({ id: z.coerce.number().int().positive(), gameId: GameIdParamSchema.shape.id });

const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });

const createLeagueRoute = createRoute({
  method: "post",
  path: "/leagues",
  operationId: "createLeague",
  tags: ["Leagues"],
  summary: "Make a league (any user): you are its commissioner and first member; its first invite link comes with it",
  security,
  request: {
    body: {
      required: true,
      ...json(z.object({ name: LeagueNameSchema, ranking: RankingSchema.default("wins"), membersMayInvite: z.boolean().default(true) })),
    },
  },
  responses: { 201: { description: "The league", ...json(LeagueSchema) }, ...errorResponses(403) },
});

const listMyLeaguesRoute = createRoute({
  method: "get",
  path: "/leagues",
  operationId: "listMyLeagues",
  tags: ["Leagues"],
  summary: "The leagues you belong to",
  security,
  responses: { 200: { description: "Leagues", ...json(z.object({ leagues: z.array(MyLeagueSchema) })) }, ...errorResponses(403) },
});

const getLeagueRoute = createRoute({
  method: "get",
  path: "/leagues/{id}",
  operationId: "getLeague",
  tags: ["Leagues"],
  summary: "A league (its members and the operator): settings, commissioner, member count, and its invite link for those who may invite",
  security,
  request: { params: IdParamSchema },
  responses: { 200: { description: "The league", ...json(LeagueSchema) }, ...errorResponses(403, 404) },
});

const updateLeagueRoute = createRoute({
  method: "patch",
  path: "/leagues/{id}",
  operationId: "updateLeague",
  tags: ["Leagues"],
  summary: "Rename the league, set its ranking, or whether members may invite (commissioner)",
  security,
  request: {
    params: IdParamSchema,
    body: {
      required: true,
      ...json(
        z
          .object({ name: LeagueNameSchema.optional(), ranking: RankingSchema.optional(), membersMayInvite: z.boolean().optional() })
          .refine((b) => b.name !== undefined || b.ranking !== undefined || b.membersMayInvite !== undefined, { message: "Send name, ranking or membersMayInvite." }),
      ),
    },
  },
  responses: { 200: { description: "The league after the change", ...json(LeagueSchema) }, ...errorResponses(403, 404) },
});

const listMembersRoute = createRoute({
  method: "get",
  path: "/leagues/{id}/members",
  operationId: "listLeagueMembers",
  tags: ["Leagues"],
  summary: "The league's members by user id (its members and the operator)",
  security,
  request: {
    params: IdParamSchema,
    query: z.object({
      limit: z.coerce.number().int().min(1).max(500).default(200),
      after: z.coerce.number().int().positive().optional().openapi({ description: "Members with a user id above this one: the previous answer's nextAfter" }),
    }),
  },
  responses: {
    200: { description: "Members", ...json(z.object({ members: z.array(MemberSchema), nextAfter: z.number().int().nullable() })) },
    ...errorResponses(403, 404),
  },
});

const leaveLeagueRoute = createRoute({
  method: "delete",
  path: "/leagues/{id}/members/me",
  operationId: "leaveLeague",
  tags: ["Leagues"],
  summary: "Leave the league (the commissioner hands the role on first: 409 commissioner_must_transfer)",
  security,
  request: { params: IdParamSchema },
  responses: { 204: { description: "Left" }, ...errorResponses(403, 404, 409) },
});

const removeMemberRoute = createRoute({
  method: "delete",
  path: "/leagues/{id}/members/{userId}",
  operationId: "removeLeagueMember",
  tags: ["Leagues"],
  summary: "Remove a member (commissioner). Links they hold still work: rotate the invite to end them",
  security,
  request: { params: MemberParamSchema },
  responses: { 204: { description: "Removed" }, ...errorResponses(403, 404, 409) },
});

const transferRoute = createRoute({
  method: "post",
  path: "/leagues/{id}/commissioner",
  operationId: "transferLeagueCommissioner",
  tags: ["Leagues"],
  summary: "Hand the commissioner role to another member (commissioner)",
  security,
  request: { params: IdParamSchema, body: { required: true, ...json(z.object({ userId: z.number().int().positive() })) } },
  responses: { 200: { description: "The league with its new commissioner", ...json(LeagueSchema) }, ...errorResponses(403, 404) },
});

const createInviteRoute = createRoute({
  method: "post",
  path: "/leagues/{id}/invites",
  operationId: "createLeagueInvite",
  tags: ["Leagues"],
  summary: "A new invite link to the league, optionally expiring or limited in uses (commissioner; any member while members may invite)",
  security,
  request: { params: IdParamSchema, body: { required: true, ...json(InviteOptionsSchema) } },
  responses: { 201: { description: "The invite", ...json(InviteSchema) }, ...errorResponses(403, 404) },
});

const listInvitesRoute = createRoute({
  method: "get",
  path: "/leagues/{id}/invites",
  operationId: "listLeagueInvites",
  tags: ["Leagues"],
  summary: "Every invite of the league, newest first, with its status (commissioner, operator)",
  security,
  request: { params: IdParamSchema },
  responses: { 200: { description: "Invites", ...json(z.object({ invites: z.array(InviteSchema) })) }, ...errorResponses(403, 404) },
});

const rotateInviteRoute = createRoute({
  method: "post",
  path: "/leagues/{id}/invites/rotate",
  operationId: "rotateLeagueInvite",
  tags: ["Leagues"],
  summary: "Revoke every open invite of the league (their links answer 410) and make a new one (commissioner)",
  security,
  request: { params: IdParamSchema, body: { required: false, ...json(InviteOptionsSchema) } },
  responses: { 201: { description: "The new invite", ...json(InviteSchema) }, ...errorResponses(403, 404) },
});

const revokeInviteRoute = createRoute({
  method: "delete",
  path: "/leagues/{id}/invites/{inviteId}",
  operationId: "revokeLeagueInvite",
  tags: ["Leagues"],
  summary: "Revoke one invite of the league (commissioner, or the member who made it); its link answers 410",
  security,
  request: { params: InviteParamSchema },
  responses: { 200: { description: "The revoked invite", ...json(InviteSchema) }, ...errorResponses(403, 404) },
});

const leaguePicksRoute = createRoute({
  method: "get",
  path: "/leagues/{id}/games/{gameId}/picks",
  operationId: "listLeagueGamePicks",
  tags: ["Leagues"],
  summary: "The league's picks in a game (members, operator): from kickoff on every member's pick and result; before, only how many have picked",
  security,
  request: { params: LeagueGameParamSchema },
  responses: {
    200: {
      description: "Picks, or before kickoff their count",
      ...json(
        z
          .object({
            gameId: z.string(),
            kickoffAt: z.string().nullable(),
            locked: z.boolean().openapi({ description: "true from kickoff on" }),
            memberCount: z.number().int(),
            pickedCount: z.number().int(),
            picks: z.array(LeaguePickSchema).nullable().openapi({ description: "null before kickoff: who picked what stays private until then" }),
          })
          .openapi("LeagueGamePicks"),
      ),
    },
    ...errorResponses(403, 404),
  },
});

const memberSignInLinkRoute = createRoute({
  method: "post",
  path: "/leagues/{id}/members/{userId}/sign-in-link",
  operationId: "issueMemberSignInLink",
  tags: ["Leagues"],
  summary:
    "Issue a one-time sign-in link for a member who lost their passkeys (commissioner; not for an admin's account, whose link only the operator issues); audited; 24 hours",
  security,
  request: { params: MemberParamSchema },
  responses: { 201: { description: "The link", ...json(SignInLinkSchema) }, ...errorResponses(403, 404) },
});

function inviteLinks(c: Context<AppBindings>): InviteLinks {
  return { secret: c.env.SESSION_SECRET, origin: webOrigin(c) };
}

export const leagueRoutes = createRouter()
  .openapi(createLeagueRoute, async (c) => {
    const userId = requireUserId(c);
    return c.json(await createLeague(c.get("db"), { ...c.req.valid("json"), userId, links: inviteLinks(c) }, new Date()), 201);
  })
  .openapi(listMyLeaguesRoute, async (c) => c.json({ leagues: await listMyLeagues(c.get("db"), await callerUserSql(c)) }, 200))
  .openapi(getLeagueRoute, async (c) => c.json(await getLeague(c.get("db"), c.req.valid("param").id, leagueReaderOf(c), inviteLinks(c), new Date()), 200))
  .openapi(updateLeagueRoute, async (c) => {
    const userId = requireUserId(c);
    const league = await updateLeague(c.get("db"), { leagueId: c.req.valid("param").id, userId, ...c.req.valid("json"), links: inviteLinks(c) }, new Date());
    return c.json(league, 200);
  })
  .openapi(listMembersRoute, async (c) =>
    c.json(await listMembers(c.get("db"), { leagueId: c.req.valid("param").id, reader: leagueReaderOf(c), ...c.req.valid("query") }), 200),
  )
  // Before /members/{userId}: "me" is no user id.
  .openapi(leaveLeagueRoute, async (c) => {
    await leaveLeague(c.get("db"), c.req.valid("param").id, requireUserId(c));
    return c.body(null, 204);
  })
  .openapi(removeMemberRoute, async (c) => {
    const { id, userId: memberId } = c.req.valid("param");
    await removeMember(c.get("db"), { leagueId: id, userId: requireUserId(c), memberId });
    return c.body(null, 204);
  })
  .openapi(memberSignInLinkRoute, async (c) => {
    const { id, userId: memberId } = c.req.valid("param");
    await requireCommissionerOfMember(c.get("db"), { leagueId: id, userId: requireUserId(c), memberId });
    const link = await issueSignInLink(c.get("db"), c.env, { userId: memberId, createdBy: auditActor(c.get("caller")), origin: webOrigin(c) }, new Date());
    return c.json(link, 201);
  })
  .openapi(transferRoute, async (c) => {
    const userId = requireUserId(c);
    const league = await transferCommissioner(
      c.get("db"),
      { leagueId: c.req.valid("param").id, userId, newCommissionerId: c.req.valid("json").userId, links: inviteLinks(c) },
      new Date(),
    );
    return c.json(league, 200);
  })
  .openapi(createInviteRoute, async (c) => {
    const userId = requireUserId(c);
    const invite = await createLeagueInvite(c.get("db"), { leagueId: c.req.valid("param").id, userId, ...c.req.valid("json"), links: inviteLinks(c) }, new Date());
    return c.json(invite, 201);
  })
  .openapi(listInvitesRoute, async (c) =>
    c.json({ invites: await listLeagueInvites(c.get("db"), { leagueId: c.req.valid("param").id, reader: leagueReaderOf(c), links: inviteLinks(c) }, new Date()) }, 200),
  )
  .openapi(rotateInviteRoute, async (c) => {
    const userId = requireUserId(c);
    const options = (c.req.valid("json") as z.infer<typeof InviteOptionsSchema> | undefined) ?? {};
    const invite = await rotateLeagueInvite(c.get("db"), { leagueId: c.req.valid("param").id, userId, ...options, links: inviteLinks(c) }, new Date());
    return c.json(invite, 201);
  })
  .openapi(revokeInviteRoute, async (c) => {
    const { id, inviteId } = c.req.valid("param");
    const invite = await revokeLeagueInvite(c.get("db"), { leagueId: id, inviteId, userId: requireUserId(c), links: inviteLinks(c) }, new Date());
    return c.json(invite, 200);
  })
  .openapi(leaguePicksRoute, async (c) => {
    const { id, gameId } = c.req.valid("param");
    return c.json(await leagueGamePicks(c.get("db"), { leagueId: id, gameId, reader: leagueReaderOf(c) }), 200);
  });
