/**
 * Notification settings and the log's writes: a user's push subscriptions (one per device) and opt-ins, a league's
 * webhook, and putting logged messages on the queue. Routes and the web app call these; the notify job (src/jobs/
 * notify.ts) finds what is due; the queue consumer (./consumer.ts) delivers.
 */
import { and, desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import { readTogether } from "../db/client";
import { leagueWebhooks, NOTIFICATION_TOPICS, notificationPreferences, notifications, pushSubscriptions } from "../db/schema";
import type { AppEnv, Database } from "../env";
import { ApiError } from "../http/errors";
import { nowIso } from "../lib/clock";
import { leagueForReader, type LeagueReader } from "../services/leagues";
import { pushEndpointProblem, webhookTarget } from "./targets";
import { vapidKeysFromEnv } from "./web-push";
import { encryptWebhookUrl } from "./webhook-secret";

export type NotificationTopic = (typeof NOTIFICATION_TOPICS)[number];
export type PushPreferences = Record<NotificationTopic, boolean>;

/** What the queue carries: the id of a notifications row (the row holds everything else). */
export interface NotificationMessage {
  notificationId: number;
}

export interface PushSubscriptionView {
  id: number;
  endpoint: string;
  /** The push service (fcm.googleapis.com, web.push.apple.com, ...): which browser family the device uses. */
  service: string;
  createdAt: string;
  lastSuccessAt: string | null;
  lastError: string | null;
}

export interface NotificationSettings {
  push: {
    /** Whether the deployment has VAPID keys (push works at all). */
    configured: boolean;
    /** The key browsers subscribe with (applicationServerKey), null when push is not configured. */
    publicKey: string | null;
    subscriptions: PushSubscriptionView[];
  };
  preferences: { push: PushPreferences };
}

function toSubscriptionView(row: typeof pushSubscriptions.$inferSelect): PushSubscriptionView {
  return {
    id: row.id,
    endpoint: row.endpoint,
    service: new URL(row.endpoint).hostname,
    createdAt: row.createdAt,
    lastSuccessAt: row.lastSuccessAt,
    lastError: row.lastError,
  };
}

/** The VAPID public key, or null without keys; a key that is set but broken is the deployment's fault (500). */
export function pushPublicKey(env: AppEnv): string | null {
  try {
    return vapidKeysFromEnv(env)?.publicKey ?? null;
  } catch (error) {
    throw new ApiError("server_misconfigured", `Web Push keys are set but unusable: ${(error as Error).message}`);
  }
}

export async function getNotificationSettings(db: Database, env: AppEnv, userId: number | SQL): Promise<NotificationSettings> {
  const read = await readTogether(db, {
    subscriptions: db.select().from(pushSubscriptions).where(eq(pushSubscriptions.userId, userId)).orderBy(pushSubscriptions.id),
    preferences: pushPreferencesQuery(db, userId),
  });
  const publicKey = pushPublicKey(env);
  return {
    push: { configured: publicKey !== null, publicKey, subscriptions: read.subscriptions.map(toSubscriptionView) },
    preferences: { push: pushPreferencesOf(read.preferences) },
  };
}

export async function getPushPreferences(db: Database, userId: number): Promise<PushPreferences> {
  return pushPreferencesOf((await readTogether(db, { rows: pushPreferencesQuery(db, userId) })).rows);
}

function pushPreferencesQuery(db: Database, userId: number | SQL) {
  return db
    .select({ topic: notificationPreferences.topic, enabled: notificationPreferences.enabled })
    .from(notificationPreferences)
    .where(and(eq(notificationPreferences.userId, userId), eq(notificationPreferences.channel, "push")));
}

function pushPreferencesOf(rows: { topic: string; enabled: number }[]): PushPreferences {
  const preferences = Object.fromEntries(NOTIFICATION_TOPICS.map((t) => [t, false])) as PushPreferences;
  for (const row of rows) preferences[row.topic as NotificationTopic] = row.enabled === 1;
  return preferences;
}

/** Sets the topics given (the others stay as they are); one statement per topic, in one batch. */
export async function setPushPreferences(db: Database, userId: number, changes: Partial<PushPreferences>, now: Date): Promise<PushPreferences> {
  const entries = Object.entries(changes).filter(([, v]) => v !== undefined) as [NotificationTopic, boolean][];
  if (entries.length > 0) {
    const statements = entries.map(([topic, enabled]) =>
      db
        .insert(notificationPreferences)
        .values({ userId, channel: "push", topic, enabled: enabled ? 1 : 0, updatedAt: nowIso(now) })
        .onConflictDoUpdate({
          target: [notificationPreferences.userId, notificationPreferences.channel, notificationPreferences.topic],
          set: { enabled: enabled ? 1 : 0, updatedAt: nowIso(now) },
        }),
    );
    await db.batch(statements as [(typeof statements)[number], ...typeof statements]);
  }
  return getPushPreferences(db, userId);
}

export interface NewPushSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/**
 * Stores a device's subscription. The endpoint is the device's: one that another account registered on this browser
 * before moves to the caller (the browser has one subscription per origin, whoever is signed in).
 */
export async function savePushSubscription(db: Database, userId: number, input: NewPushSubscription, userAgent: string | null, now: Date): Promise<PushSubscriptionView> {
  const problem = pushEndpointProblem(input.endpoint);
  if (problem) throw new ApiError("validation_failed", `The push endpoint is refused: ${problem}.`, [{ field: "body.endpoint", problem }]);
  const values = { userId, endpoint: input.endpoint, p256dh: input.keys.p256dh, auth: input.keys.auth, userAgent: userAgent?.slice(0, 300) ?? null, createdAt: nowIso(now) };
  const [row] = await db
    .insert(pushSubscriptions)
    .values(values)
    .onConflictDoUpdate({
      target: pushSubscriptions.endpoint,
      set: { userId, p256dh: values.p256dh, auth: values.auth, userAgent: values.userAgent, createdAt: values.createdAt, lastError: null, lastFailureAt: null },
    })
    .returning();
  return toSubscriptionView(row!);
}

export async function deletePushSubscription(db: Database, userId: number, id: number): Promise<void> {
  const deleted = await db
    .delete(pushSubscriptions)
    .where(and(eq(pushSubscriptions.id, id), eq(pushSubscriptions.userId, userId)))
    .returning({ id: pushSubscriptions.id });
  if (deleted.length === 0) throw new ApiError("not_found", "You have no such push subscription.");
}

export interface LeagueWebhookView {
  configured: boolean;
  provider: "discord" | "slack" | null;
  /** Only the host: the URL is a credential and is never shown again once set. */
  host: string | null;
  setAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
}

const NO_WEBHOOK: LeagueWebhookView = { configured: false, provider: null, host: null, setAt: null, lastSuccessAt: null, lastError: null };

async function webhookView(db: Database, leagueId: number): Promise<LeagueWebhookView> {
  return webhookViewOf((await readTogether(db, { webhook: webhookQuery(db, leagueId) })).webhook[0]);
}

function webhookQuery(db: Database, leagueId: number) {
  return db.select().from(leagueWebhooks).where(eq(leagueWebhooks.leagueId, leagueId));
}

function webhookViewOf(row: typeof leagueWebhooks.$inferSelect | undefined): LeagueWebhookView {
  if (!row) return NO_WEBHOOK;
  return { configured: true, provider: row.provider as "discord" | "slack", host: row.host, setAt: row.setAt, lastSuccessAt: row.lastSuccessAt, lastError: row.lastError };
}

/** Whether a league has a webhook, and where it posts (its members and the operator). */
export async function getLeagueWebhook(db: Database, leagueId: number, reader: LeagueReader): Promise<LeagueWebhookView> {
  // Read with the league; shown only to a reader of the league.
  const [, webhook] = await Promise.all([leagueForReader(db, leagueId, reader), readTogether(db, { webhook: webhookQuery(db, leagueId) })]);
  return webhookViewOf(webhook.webhook[0]);
}

async function requireCommissioner(db: Database, leagueId: number, userId: number): Promise<void> {
  const league = await leagueForReader(db, leagueId, { kind: "user", userId });
  if (!league.readerIsCommissioner) throw new ApiError("forbidden", "Only the league's commissioner can set its webhook.");
}

/** Sets (or replaces) the league's webhook: its commissioner only; Discord and Slack incoming webhooks only. */
export async function setLeagueWebhook(db: Database, env: AppEnv, input: { leagueId: number; userId: number; url: string }, now: Date): Promise<LeagueWebhookView> {
  await requireCommissioner(db, input.leagueId, input.userId);
  const target = webhookTarget(input.url);
  if (!target) {
    const problem = "a Discord (https://discord.com/api/webhooks/...) or Slack (https://hooks.slack.com/services/...) incoming webhook URL";
    throw new ApiError("validation_failed", `The webhook must be ${problem}.`, [{ field: "body.url", problem: `must be ${problem}` }]);
  }
  if (!env.SESSION_SECRET) throw new ApiError("server_misconfigured", "SESSION_SECRET is not set: webhooks cannot be stored encrypted.");
  const values = {
    leagueId: input.leagueId,
    provider: target.provider,
    host: target.host,
    urlCiphertext: await encryptWebhookUrl(env.SESSION_SECRET, target.url),
    setBy: input.userId,
    setAt: nowIso(now),
    lastSuccessAt: null,
    lastFailureAt: null,
    lastError: null,
  };
  await db.insert(leagueWebhooks).values(values).onConflictDoUpdate({ target: leagueWebhooks.leagueId, set: values });
  return webhookView(db, input.leagueId);
}

export async function deleteLeagueWebhook(db: Database, input: { leagueId: number; userId: number }): Promise<void> {
  await requireCommissioner(db, input.leagueId, input.userId);
  await db.delete(leagueWebhooks).where(eq(leagueWebhooks.leagueId, input.leagueId));
}

/**
 * "Send me a test notification": a log row of kind `test` (its subject unique to this request), queued at once. 409
 * when the user has no device to send it to; 500 when the deployment has no VAPID keys.
 */
export async function sendTestNotification(db: Database, env: AppEnv, userId: number, now: Date): Promise<{ notificationId: number; devices: number }> {
  if (pushPublicKey(env) === null) throw new ApiError("server_misconfigured", "Web Push is not configured on this deployment (VAPID keys unset).");
  const [{ devices } = { devices: 0 }] = await db
    .select({ devices: sql<number>`count(*)` })
    .from(pushSubscriptions)
    .where(eq(pushSubscriptions.userId, userId));
  if (devices === 0) throw new ApiError("no_push_subscription", "Turn on notifications in this browser first: you have no device subscribed.");
  const payload = { title: "firsttd: test notification", body: "Notifications work on this device.", url: "/me#notifications", tag: "test" };
  const [row] = await db
    .insert(notifications)
    .values({
      recipient: `user:${userId}`,
      userId,
      kind: "test",
      subject: `test:${nowIso(now)}:${crypto.randomUUID()}`,
      payload: JSON.stringify(payload),
      createdAt: nowIso(now),
    })
    .returning({ id: notifications.id });
  await enqueueNotifications(db, env, [row!.id], now);
  return { notificationId: row!.id, devices };
}

/** Ids per UPDATE: D1 binds at most 100 parameters per statement. */
const IDS_PER_STATEMENT = 90;
/** Messages per sendBatch: the Queues limit. */
const MESSAGES_PER_SEND = 100;

/**
 * Puts logged messages on the queue, then marks them queued. A failure to send leaves them `pending`: the next notify
 * run queues them again (nothing is lost; the consumer skips a row already sent, so a double send delivers once).
 */
export async function enqueueNotifications(db: Database, env: AppEnv, ids: number[], now: Date): Promise<number> {
  for (let i = 0; i < ids.length; i += MESSAGES_PER_SEND) {
    const chunk = ids.slice(i, i + MESSAGES_PER_SEND);
    await env.NOTIFICATIONS.sendBatch(chunk.map((notificationId) => ({ body: { notificationId } satisfies NotificationMessage, contentType: "json" as const })));
    for (let j = 0; j < chunk.length; j += IDS_PER_STATEMENT) {
      await db
        .update(notifications)
        .set({ status: "queued", enqueuedAt: nowIso(now) })
        .where(and(inArray(notifications.id, chunk.slice(j, j + IDS_PER_STATEMENT)), eq(notifications.status, "pending")));
    }
  }
  return ids.length;
}

export interface NotificationLogEntry {
  id: number;
  kind: string;
  subject: string;
  status: string;
  attempts: number;
  createdAt: string;
  sentAt: string | null;
  title: string;
}

/** The user's latest messages (for /me): what was sent, or why not. */
export async function recentNotifications(db: Database, userId: number, limit = 10): Promise<NotificationLogEntry[]> {
  const rows = await db.select().from(notifications).where(eq(notifications.recipient, `user:${userId}`)).orderBy(desc(notifications.id)).limit(limit);
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    subject: r.subject,
    status: r.status,
    attempts: r.attempts,
    createdAt: r.createdAt,
    sentAt: r.sentAt,
    title: (JSON.parse(r.payload) as { title?: string }).title ?? r.kind,
  }));
}
