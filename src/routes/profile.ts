import { createRoute, z } from "@hono/zod-openapi";
import { requireUserId } from "../http/auth";
import { createRouter } from "../http/router";
import { bumpStandingsVersion } from "../services/standings-version";
import { errorResponses, security } from "../http/schemas";
import { getProfile, updateProfile } from "../services/accounts";

const ProfileSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    onGlobalBoard: z
      .boolean()
      .openapi({ description: "Whether you appear on the public global leaderboard (off by default); your own global rank is yours either way" }),
  })
  .openapi("Profile");

const getProfileRoute = createRoute({
  method: "get",
  path: "/me/profile",
  operationId: "getProfile",
  tags: ["Users"],
  summary: "Your profile settings",
  security,
  responses: { 200: { description: "The profile", content: { "application/json": { schema: ProfileSchema } } }, ...errorResponses(403) },
});

const updateProfileRoute = createRoute({
  method: "patch",
  path: "/me/profile",
  operationId: "updateProfile",
  tags: ["Users"],
  summary: "Change your profile settings: appear on the global leaderboard or not",
  security,
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.object({ onGlobalBoard: z.boolean().optional() }).refine((body) => body.onGlobalBoard !== undefined, { message: "Send onGlobalBoard." }),
        },
      },
    },
  },
  responses: { 200: { description: "The profile after the change", content: { "application/json": { schema: ProfileSchema } } }, ...errorResponses(403) },
});

export const profileRoutes = createRouter()
  .openapi(getProfileRoute, async (c) => c.json(await getProfile(c.get("db"), requireUserId(c)), 200))
  .openapi(updateProfileRoute, async (c) => {
    const profile = await updateProfile(c.get("db"), requireUserId(c), c.req.valid("json"));
    // Joining or leaving the public board changes its cached pages (src/services/standings-version.ts).
    await bumpStandingsVersion(c.env);
    return c.json(profile, 200);
  });
