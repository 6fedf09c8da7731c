/**
 * Notifications: a user's push devices and opt-ins, a test message, and a league's chat webhook (its commissioner
 * sets it; its members see only whether one is set and its host). Delivery itself is the queue consumer's
 * (src/notifications/consumer.ts); what is due, the notify job's (src/jobs/notify.ts). Decision 0015.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { NOTIFICATION_TOPICS, WEBHOOK_PROVIDERS } from "../db/schema";
import { callerUserSql, leagueReaderOf, requireUserId } from "../http/auth";
import { createRouter } from "../http/router";
import { errorResponses, IdParamSchema, security } from "../http/schemas";
import {
  deleteLeagueWebhook,
  deletePushSubscription,
  getLeagueWebhook,
  getNotificationSettings,
  savePushSubscription,
  sendTestNotification,
  setLeagueWebhook,
  setPushPreferences,
} from "../notifications/store";

const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });

const topicFlags = (description: (topic: string) => string) =>
  Object.fromEntries(NOTIFICATION_TOPICS.map((topic) => [topic, z.boolean().openapi({ description: description(topic) })])) as Record<
    (typeof NOTIFICATION_TOPICS)[number],
    z.ZodBoolean
  >;

const TOPIC_MEANING: Record<string, string> = {
  reminders: "a game kicks off within 24 hours, and within the hour, and you have no pick in it (members of a league)",
  results: "the first TD of a game you picked, with your result, minutes after it is recorded; a correction if it is regraded",
  week_summary: "your leagues' week, summed up after its last game: the winners and how the board moved",
  member_joined: "someone joined a league you run",
};

const PushPreferencesSchema = z.object(topicFlags((t) => `Push: ${TOPIC_MEANING[t]}`)).openapi("PushPreferences");

const PushSubscriptionSchema = z
  .object({
    id: z.number().int(),
    endpoint: z.string(),
    service: z.string().openapi({ description: "The push service's host (fcm.googleapis.com, web.push.apple.com, ...)" }),
    createdAt: z.string(),
    lastSuccessAt: z.string().nullable(),
    lastError: z.string().nullable(),
  })
  .openapi("PushSubscription");

const NotificationSettingsSchema = z
  .object({
    push: z.object({
      configured: z.boolean().openapi({ description: "false: this deployment has no VAPID keys, push is off" }),
      publicKey: z.string().nullable().openapi({ description: "The VAPID public key to subscribe with (PushManager.subscribe's applicationServerKey)" }),
      subscriptions: z.array(PushSubscriptionSchema),
    }),
    preferences: z.object({ push: PushPreferencesSchema }),
  })
  .openapi("NotificationSettings");

const Base64urlSchema = (bytes: string) => z.string().regex(/^[A-Za-z0-9_-]+=*$/, "base64url").min(16).max(200).openapi({ description: `base64url, ${bytes}` });

const NewPushSubscriptionSchema = z
  .object({
    endpoint: z.string().url().max(1000).openapi({ description: "PushSubscription.endpoint: https, a known push service" }),
    expirationTime: z.number().nullable().optional(),
    keys: z.object({ p256dh: Base64urlSchema("an uncompressed P-256 public key (65 bytes)"), auth: Base64urlSchema("16 bytes") }),
  })
  .openapi("NewPushSubscription");

const LeagueWebhookSchema = z
  .object({
    configured: z.boolean(),
    provider: z.enum(WEBHOOK_PROVIDERS).nullable(),
    host: z.string().nullable().openapi({ description: "Only the host: the URL is a credential and is never shown once set" }),
    setAt: z.string().nullable(),
    lastSuccessAt: z.string().nullable(),
    lastError: z.string().nullable(),
  })
  .openapi("LeagueWebhook");

const getSettingsRoute = createRoute({
  method: "get",
  path: "/me/notifications",
  operationId: "getMyNotificationSettings",
  tags: ["Notifications"],
  summary: "Your notification opt-ins, your devices subscribed to push, and the key to subscribe another",
  security,
  responses: { 200: { description: "Settings", ...json(NotificationSettingsSchema) }, ...errorResponses(403) },
});

const updatePreferencesRoute = createRoute({
  method: "patch",
  path: "/me/notifications/preferences",
  operationId: "updateMyNotificationPreferences",
  tags: ["Notifications"],
  summary: "Opt in or out of each kind of notification (everything is off until you turn it on)",
  security,
  request: {
    body: {
      required: true,
      ...json(
        z
          .object({ push: PushPreferencesSchema.partial() })
          .refine((b) => Object.keys(b.push).length > 0, { message: "Name at least one topic to change." }),
      ),
    },
  },
  responses: { 200: { description: "Your push opt-ins after the change", ...json(z.object({ push: PushPreferencesSchema })) }, ...errorResponses(403) },
});

const createSubscriptionRoute = createRoute({
  method: "post",
  path: "/me/push-subscriptions",
  operationId: "createMyPushSubscription",
  tags: ["Notifications"],
  summary: "Register this device for Web Push (the browser's PushSubscription.toJSON()); a device already registered moves to you",
  security,
  request: { body: { required: true, ...json(NewPushSubscriptionSchema) } },
  responses: { 201: { description: "The device", ...json(PushSubscriptionSchema) }, ...errorResponses(403) },
});

const deleteSubscriptionRoute = createRoute({
  method: "delete",
  path: "/me/push-subscriptions/{id}",
  operationId: "deleteMyPushSubscription",
  tags: ["Notifications"],
  summary: "Stop push to one of your devices",
  security,
  request: { params: IdParamSchema },
  responses: { 204: { description: "Removed" }, ...errorResponses(403, 404) },
});

const testRoute = createRoute({
  method: "post",
  path: "/me/notifications/test",
  operationId: "sendMyTestNotification",
  tags: ["Notifications"],
  summary: "Send a test notification to every device you subscribed (queued: it arrives within seconds)",
  security,
  responses: {
    202: { description: "Queued", ...json(z.object({ notificationId: z.number().int(), devices: z.number().int() }).openapi("TestNotification")) },
    ...errorResponses(403, 409),
  },
});

const getWebhookRoute = createRoute({
  method: "get",
  path: "/leagues/{id}/webhook",
  operationId: "getLeagueWebhook",
  tags: ["Leagues", "Notifications"],
  summary: "Whether the league posts to a chat webhook, and its host (members, operator); never the URL",
  security,
  request: { params: IdParamSchema },
  responses: { 200: { description: "The webhook", ...json(LeagueWebhookSchema) }, ...errorResponses(403, 404) },
});

const setWebhookRoute = createRoute({
  method: "put",
  path: "/leagues/{id}/webhook",
  operationId: "setLeagueWebhook",
  tags: ["Leagues", "Notifications"],
  summary: "Post the league's week summaries to a Discord or Slack incoming webhook (commissioner); the URL is stored encrypted and never shown again",
  security,
  request: {
    params: IdParamSchema,
    body: {
      required: true,
      ...json(z.object({ url: z.string().max(500).openapi({ example: "https://discord.com/api/webhooks/123456789/abcdef" }) })),
    },
  },
  responses: { 200: { description: "The webhook", ...json(LeagueWebhookSchema) }, ...errorResponses(403, 404) },
});

const deleteWebhookRoute = createRoute({
  method: "delete",
  path: "/leagues/{id}/webhook",
  operationId: "deleteLeagueWebhook",
  tags: ["Leagues", "Notifications"],
  summary: "Stop posting to the league's webhook (commissioner)",
  security,
  request: { params: IdParamSchema },
  responses: { 204: { description: "Removed" }, ...errorResponses(403, 404) },
});

export const notificationRoutes = createRouter()
  .openapi(getSettingsRoute, async (c) => c.json(await getNotificationSettings(c.get("db"), c.env, await callerUserSql(c)), 200))
  .openapi(updatePreferencesRoute, async (c) => {
    const userId = requireUserId(c);
    const push = await setPushPreferences(c.get("db"), userId, c.req.valid("json").push, new Date());
    return c.json({ push }, 200);
  })
  .openapi(createSubscriptionRoute, async (c) => {
    const userId = requireUserId(c);
    const body = c.req.valid("json");
    return c.json(await savePushSubscription(c.get("db"), userId, body, c.req.header("user-agent") ?? null, new Date()), 201);
  })
  .openapi(deleteSubscriptionRoute, async (c) => {
    await deletePushSubscription(c.get("db"), requireUserId(c), c.req.valid("param").id);
    return c.body(null, 204);
  })
  .openapi(testRoute, async (c) => c.json(await sendTestNotification(c.get("db"), c.env, requireUserId(c), new Date()), 202))
  .openapi(getWebhookRoute, async (c) => c.json(await getLeagueWebhook(c.get("db"), c.req.valid("param").id, leagueReaderOf(c)), 200))
  .openapi(setWebhookRoute, async (c) => {
    const userId = requireUserId(c);
    return c.json(await setLeagueWebhook(c.get("db"), c.env, { leagueId: c.req.valid("param").id, userId, url: c.req.valid("json").url }, new Date()), 200);
  })
  .openapi(deleteWebhookRoute, async (c) => {
    await deleteLeagueWebhook(c.get("db"), { leagueId: c.req.valid("param").id, userId: requireUserId(c) });
    return c.body(null, 204);
  });


