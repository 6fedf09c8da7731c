/**
 * The queue consumer: delivers each logged message (its id is what the queue carries) to its recipient's channels,
 * a user's push devices or a league's webhook. The log row says what already happened, so a message delivered twice
 * by the queue (at-least-once) or retried after a partial failure reaches each device once: a row already sent is
 * acked as it is, and the devices that accepted it are skipped on a retry (`delivered_to`).
 *
 * Failures: a device the push service reports gone (404, 410) is deleted; another refusal (400, 401, 403, 413) is
 * recorded on the device and not retried; a network error, 429 or 5xx is retried with growing delays, and after the
 * queue's max_retries the message goes to the dead-letter queue, whose consumer (here too) marks the row failed.
 * Nothing here touches games, picks or grading: a delivery that fails never holds anything else up.
 */
import { eq, inArray } from "drizzle-orm";
import { createDatabase } from "../db/client";
import { leagueWebhooks, notifications, pushSubscriptions } from "../db/schema";
import type { AppEnv, Database } from "../env";
import { nowIso } from "../lib/clock";
import type { NotificationMessage } from "./store";
import { buildPushRequest, vapidKeysFromEnv, type VapidKeys } from "./web-push";
import { decryptWebhookUrl } from "./webhook-secret";

export interface NotificationPayload {
  title: string;
  body: string;
  /** The page a click opens (a local path). */
  url: string;
  /** Messages with the same tag replace each other on a device (a correction replaces the first-TD message). */
  tag?: string;
  /** Reminders: the kickoff, after which the message is worthless (its push TTL ends there). */
  kickoffAt?: string;
}

export interface DeliveryOptions {
  fetcher?: typeof fetch;
  now?: () => Date;
}

type NotificationRow = typeof notifications.$inferSelect;

/** What one delivery attempt came to. `retry`: something transient failed; the rest is recorded. */
type Attempt = { result: "sent" } | { result: "skipped"; reason: string } | { result: "failed"; reason: string } | { result: "retry"; reason: string; retryAfterSeconds?: number };

const FETCH_TIMEOUT_MS = 10_000;
/** Push TTL of messages that do not expire with a kickoff: a result or a summary is still worth reading tomorrow. */
const DEFAULT_TTL_SECONDS = 24 * 60 * 60;

/** The queue's delay before the next attempt: 30 s, 1, 2, 4, 8 minutes ... at most an hour (or what the service asked). */
export function retryDelaySeconds(attempts: number, retryAfterSeconds?: number): number {
  const backoff = Math.min(3600, 30 * 2 ** Math.max(0, attempts - 1));
  return Math.min(3600, Math.max(backoff, Math.ceil(retryAfterSeconds ?? 0)));
}

function retryAfterOf(response: Response): number | undefined {
  const header = response.headers.get("retry-after");
  if (!header) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) ? seconds : undefined;
}

async function post(fetcher: typeof fetch, url: string, init: RequestInit): Promise<Response | Error> {
  try {
    return await fetcher(url, { ...init, method: "POST", signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: "manual" });
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

function transient(status: number): boolean {
  return status === 429 || status >= 500;
}

async function deliverToDevices(db: Database, env: AppEnv, row: NotificationRow, payload: NotificationPayload, fetcher: typeof fetch, now: Date): Promise<Attempt> {
  let vapid: VapidKeys | null;
  try {
    vapid = vapidKeysFromEnv(env);
  } catch (error) {
    return { result: "retry", reason: `VAPID keys unusable: ${(error as Error).message}` };
  }
  if (!vapid) return { result: "skipped", reason: "push is not configured (VAPID keys unset)" };
  let ttlSeconds = DEFAULT_TTL_SECONDS;
  if (payload.kickoffAt) {
    ttlSeconds = Math.floor((Date.parse(payload.kickoffAt) - now.getTime()) / 1000);
    if (ttlSeconds <= 0) return { result: "skipped", reason: "kickoff has passed" };
  }
  const delivered = new Set<number>(row.deliveredTo ? (JSON.parse(row.deliveredTo) as number[]) : []);
  const devices = (await db.select().from(pushSubscriptions).where(eq(pushSubscriptions.userId, row.userId!))).filter((d) => !delivered.has(d.id));
  if (devices.length === 0) {
    return delivered.size > 0 ? { result: "sent" } : { result: "skipped", reason: "no push subscription" };
  }

  const urgency = row.kind === "pick_reminder_1h" ? "high" : "normal";
  const gone: number[] = [];
  const problems: string[] = [];
  let retryAfter: number | undefined;
  let transientFailures = 0;
  for (const device of devices) {
    const request = await buildPushRequest(device, payload, vapid, { ttlSeconds, urgency, now });
    const response = await post(fetcher, request.url, { headers: request.headers, body: request.body });
    if (response instanceof Error) {
      transientFailures++;
      problems.push(`device ${device.id}: ${response.message}`);
      await db.update(pushSubscriptions).set({ lastFailureAt: nowIso(now), lastError: response.message.slice(0, 300) }).where(eq(pushSubscriptions.id, device.id));
      continue;
    }
    if (response.ok) {
      delivered.add(device.id);
      await db.update(pushSubscriptions).set({ lastSuccessAt: nowIso(now) }).where(eq(pushSubscriptions.id, device.id));
    } else if (response.status === 404 || response.status === 410) {
      gone.push(device.id);
    } else {
      const reason = `push service answered ${response.status}`;
      problems.push(`device ${device.id}: ${reason}`);
      if (transient(response.status)) {
        transientFailures++;
        retryAfter = Math.max(retryAfter ?? 0, retryAfterOf(response) ?? 0);
      }
      await db.update(pushSubscriptions).set({ lastFailureAt: nowIso(now), lastError: reason }).where(eq(pushSubscriptions.id, device.id));
    }
    await response.body?.cancel();
  }
  // The push service says the subscription ended (unsubscribed, expired, app data cleared): it never comes back.
  if (gone.length > 0) await db.delete(pushSubscriptions).where(inArray(pushSubscriptions.id, gone));
  await db.update(notifications).set({ deliveredTo: JSON.stringify([...delivered]) }).where(eq(notifications.id, row.id));

  if (transientFailures > 0) return { result: "retry", reason: problems.join("; "), retryAfterSeconds: retryAfter };
  if (delivered.size > 0) return { result: "sent" };
  if (problems.length > 0) return { result: "failed", reason: problems.join("; ") };
  return { result: "skipped", reason: "every push subscription was gone" };
}

/** The JSON body each provider's incoming webhook takes. */
export function webhookBody(provider: string, payload: NotificationPayload, origin: string | undefined): unknown {
  const link = origin ? `${origin.replace(/\/$/, "")}${payload.url}` : null;
  if (provider === "slack") return { text: `*${payload.title}*\n${payload.body}${link ? `\n<${link}|Open>` : ""}` };
  // Discord: content at most 2000 characters; no mentions of anyone (a name like "@everyone" stays text).
  const content = `**${payload.title}**\n${payload.body}${link ? `\n${link}` : ""}`.slice(0, 2000);
  return { content, allowed_mentions: { parse: [] } };
}

async function deliverToLeague(db: Database, env: AppEnv, row: NotificationRow, payload: NotificationPayload, fetcher: typeof fetch, now: Date): Promise<Attempt> {
  const [webhook] = await db.select().from(leagueWebhooks).where(eq(leagueWebhooks.leagueId, row.leagueId!));
  if (!webhook) return { result: "skipped", reason: "the league has no webhook" };
  const url = env.SESSION_SECRET ? await decryptWebhookUrl(env.SESSION_SECRET, webhook.urlCiphertext) : null;
  const record = (values: Partial<typeof leagueWebhooks.$inferInsert>) => db.update(leagueWebhooks).set(values).where(eq(leagueWebhooks.leagueId, webhook.leagueId));
  if (!url) {
    await record({ lastFailureAt: nowIso(now), lastError: "stored under another SESSION_SECRET: set the webhook again" });
    return { result: "failed", reason: "webhook URL unreadable (SESSION_SECRET rotated?)" };
  }
  const response = await post(fetcher, url, { headers: { "content-type": "application/json" }, body: JSON.stringify(webhookBody(webhook.provider, payload, env.WEB_ORIGIN)) });
  if (response instanceof Error) {
    await record({ lastFailureAt: nowIso(now), lastError: response.message.slice(0, 300) });
    return { result: "retry", reason: response.message };
  }
  await response.body?.cancel();
  if (response.ok) {
    await record({ lastSuccessAt: nowIso(now), lastError: null });
    return { result: "sent" };
  }
  const reason = `${webhook.provider} answered ${response.status}`;
  await record({ lastFailureAt: nowIso(now), lastError: reason });
  return transient(response.status) ? { result: "retry", reason, retryAfterSeconds: retryAfterOf(response) } : { result: "failed", reason };
}

/** Delivers one logged message (once: a row that is no longer pending or queued is left alone). */
export async function deliverNotification(db: Database, env: AppEnv, notificationId: number, options: DeliveryOptions = {}): Promise<Attempt & { attempts: number }> {
  const fetcher = options.fetcher ?? fetch;
  const now = (options.now ?? (() => new Date()))();
  const [row] = await db.select().from(notifications).where(eq(notifications.id, notificationId));
  if (!row) return { result: "skipped", reason: "no such notification", attempts: 0 };
  if (!["pending", "queued"].includes(row.status)) return { result: "skipped", reason: `already ${row.status}`, attempts: row.attempts };
  const payload = JSON.parse(row.payload) as NotificationPayload;
  const attempt = row.userId !== null ? await deliverToDevices(db, env, row, payload, fetcher, now) : await deliverToLeague(db, env, row, payload, fetcher, now);
  const attempts = row.attempts + 1;
  const finished = attempt.result !== "retry";
  await db
    .update(notifications)
    .set({
      attempts,
      status: attempt.result === "retry" ? row.status : attempt.result,
      lastError: "reason" in attempt ? attempt.reason.slice(0, 500) : null,
      sentAt: attempt.result === "sent" ? nowIso(now) : finished ? null : row.sentAt,
    })
    .where(eq(notifications.id, row.id));
  return { ...attempt, attempts };
}

/** The dead-letter queue's consumer: the message ran out of retries; its row says so. */
async function markGivenUp(db: Database, notificationId: number): Promise<void> {
  await db
    .update(notifications)
    .set({ status: "failed", lastError: "gave up after the queue's retries (dead-letter queue)" })
    .where(eq(notifications.id, notificationId));
}

/** The Worker's queue() handler: both queues (the notifications queue and its dead-letter queue) come here. */
export async function handleNotificationBatch(batch: MessageBatch<unknown>, env: AppEnv, options: DeliveryOptions = {}): Promise<void> {
  const db = createDatabase(env.DB);
  const deadLetters = batch.queue.endsWith("-dlq");
  for (const message of batch.messages) {
    const body = message.body as Partial<NotificationMessage> | null;
    const id = typeof body?.notificationId === "number" ? body.notificationId : null;
    if (id === null) {
      console.error(JSON.stringify({ msg: "notification message without an id", queue: batch.queue, id: message.id }));
      message.ack();
      continue;
    }
    try {
      if (deadLetters) {
        await markGivenUp(db, id);
        message.ack();
        continue;
      }
      const attempt = await deliverNotification(db, env, id, options);
      if (attempt.result === "retry") {
        console.warn(JSON.stringify({ msg: "notification delivery will be retried", notificationId: id, attempts: attempt.attempts, reason: attempt.reason }));
        message.retry({ delaySeconds: retryDelaySeconds(attempt.attempts, attempt.retryAfterSeconds) });
      } else {
        message.ack();
      }
    } catch (error) {
      console.error(JSON.stringify({ msg: "notification delivery failed", notificationId: id, error: String(error) }));
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    }
  }
}
