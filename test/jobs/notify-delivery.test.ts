/**
 * Delivery, server-side: what the queue consumer sends to a push service (an RFC 8291 aes128gcm message that the test
 * decrypts with the subscription's private key, under a VAPID JWT it verifies), its retries, the dead-letter queue,
 * a message the queue delivers twice, Discord and Slack webhooks, and the URLs the Worker refuses to send to.
 */
import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDatabase } from "../../src/db/client";
import type { AppEnv } from "../../src/env";
import worker from "../../src/index";
import { nowIso } from "../../src/lib/clock";
import { retryDelaySeconds } from "../../src/notifications/consumer";
import { NOTIFICATIONS_KEPT_DAYS } from "../../src/jobs/retention";
import { runJob } from "../../src/jobs/runner";
import { sendTestNotification } from "../../src/notifications/store";
import { pushEndpointProblem, webhookTarget } from "../../src/notifications/targets";
import { vapidKeysFromEnv } from "../../src/notifications/web-push";
import { decryptWebhookUrl } from "../../src/notifications/webhook-secret";
import { summarizeWeek, type MemberWeek } from "../../src/notifications/week-summary";
import { api, createUserWithToken, type TestUser } from "../helpers/api";
import { decryptPush, DeliveryStub, makeDevice, verifyVapid, type TestDevice } from "../helpers/push-stub";

const stub = new DeliveryStub();
const fakeQueue = { send: async () => {}, sendBatch: async () => {} } as unknown as Queue;
const testEnv = (vars: Partial<AppEnv> = {}) => ({ ...(env as AppEnv), NOTIFICATIONS: fakeQueue, ...vars }) as AppEnv;
const db = () => createDatabase(env.DB);

/** One batch through the Worker's queue() handler: which messages it acked and which it will retry, and when. */
async function consume(queue: string, ids: number[], attempts = 1) {
  const batch = createMessageBatch(queue, ids.map((notificationId, i) => ({ id: `d${Date.now()}-${i}`, timestamp: new Date(), attempts, body: { notificationId } })));
  // The delay each retry asks for (getQueueResult reports which messages are retried, not when).
  const delays: (number | undefined)[] = [];
  for (const message of batch.messages) {
    const retry = message.retry.bind(message);
    Object.defineProperty(message, "retry", { value: (options?: QueueRetryOptions) => (delays.push(options?.delaySeconds), retry(options)) });
  }
  const ctx = createExecutionContext();
  await (worker.queue as (b: MessageBatch, e: AppEnv, c: ExecutionContext) => Promise<void>)(batch, testEnv(), ctx);
  return { ...(await getQueueResult(batch, ctx)), delays };
}

async function subscribe(user: TestUser, name: string): Promise<TestDevice> {
  const device = await makeDevice(name);
  const saved = await api("/v1/me/push-subscriptions", { method: "POST", token: user.token, body: { endpoint: device.endpoint, keys: device.keys } });
  expect(saved.status, JSON.stringify(saved.json)).toBe(201);
  return device;
}

const row = (id: number) => env.DB.prepare("SELECT status, attempts, delivered_to AS deliveredTo, last_error AS lastError FROM notifications WHERE id = ?").bind(id).first();

beforeAll(() => stub.install());
afterAll(() => stub.restore());
beforeEach(() => {
  stub.take();
  stub.answers.clear();
});

describe("Web Push delivery", () => {
  it("a subscription whose endpoint is a stub receives a correctly encrypted message, which the test decrypts", async () => {
    const user = await createUserWithToken("delivery-decrypt");
    const device = await subscribe(user, "decrypt");
    const now = new Date();
    const { notificationId, devices } = await sendTestNotification(db(), testEnv(), user.id, now);
    expect(devices).toBe(1);
    const result = await consume("firsttd-notifications", [notificationId]);
    expect(result.explicitAcks).toEqual([expect.any(String)]);
    const [request, ...more] = stub.take();
    expect(more).toEqual([]);
    expect(request!.url).toBe(device.endpoint);
    expect(request!.headers).toMatchObject({ "content-encoding": "aes128gcm", "content-type": "application/octet-stream", ttl: "86400", urgency: "normal" });
    expect(await decryptPush(device, request!.body)).toEqual({
      title: "firsttd: test notification",
      body: "Notifications work on this device.",
      url: "/me#notifications",
      tag: "test",
    });
    const vapid = await verifyVapid(request!.headers.authorization!);
    expect(vapid.aud).toBe("https://fcm.googleapis.com");
    expect(vapid.sub).toBe("mailto:operator@firsttd.invalid");
    expect(vapid.k).toBe(vapidKeysFromEnv(env as AppEnv)!.publicKey);
    expect(vapid.exp * 1000).toBeGreaterThan(now.getTime());
    expect(vapid.exp * 1000).toBeLessThanOrEqual(now.getTime() + 24 * 3600_000);
    expect(await row(notificationId)).toMatchObject({ status: "sent", attempts: 1 });
  });

  it("a transient failure is retried later with a growing delay, and the device that already got it is not sent it again", async () => {
    const user = await createUserWithToken("delivery-retry");
    const good = await subscribe(user, "good");
    const flaky = await subscribe(user, "flaky");
    stub.answers.set(flaky.endpoint, 503);
    const { notificationId } = await sendTestNotification(db(), testEnv(), user.id, new Date());
    const first = await consume("firsttd-notifications", [notificationId]);
    expect(first.retryMessages).toEqual([expect.objectContaining({ msgId: expect.any(String) })]);
    expect(first.delays).toEqual([30]);
    expect(stub.take().map((r) => r.url).sort()).toEqual([flaky.endpoint, good.endpoint].sort());
    expect(await row(notificationId)).toMatchObject({ status: "queued", attempts: 1, lastError: expect.stringContaining("503") });

    stub.answers.delete(flaky.endpoint);
    const second = await consume("firsttd-notifications", [notificationId], 2);
    expect(second.retryMessages).toEqual([]);
    expect(stub.take().map((r) => r.url)).toEqual([flaky.endpoint]);
    expect(await row(notificationId)).toMatchObject({ status: "sent", attempts: 2, lastError: null });
    expect(retryDelaySeconds(1)).toBe(30);
    expect(retryDelaySeconds(4)).toBe(240);
    expect(retryDelaySeconds(20)).toBe(3600);
    expect(retryDelaySeconds(1, 120)).toBe(120);
  });

  it("the queue delivering a message twice sends it once; the dead-letter queue marks what ran out of retries failed", async () => {
    const user = await createUserWithToken("delivery-twice");
    await subscribe(user, "twice");
    const { notificationId } = await sendTestNotification(db(), testEnv(), user.id, new Date());
    await consume("firsttd-notifications", [notificationId]);
    await consume("firsttd-notifications", [notificationId]);
    expect(stub.take()).toHaveLength(1);

    const down = await createUserWithToken("delivery-dead");
    const device = await subscribe(down, "dead");
    stub.answers.set(device.endpoint, 500);
    const failing = await sendTestNotification(db(), testEnv(), down.id, new Date());
    const delays: (number | undefined)[] = [];
    for (let attempt = 1; attempt <= 6; attempt++) {
      const result = await consume("firsttd-notifications", [failing.notificationId], attempt);
      expect(result.retryMessages).toHaveLength(1);
      delays.push(...result.delays);
    }
    expect(delays).toEqual([30, 60, 120, 240, 480, 960]);
    const dead = await consume("firsttd-notifications-dlq", [failing.notificationId], 1);
    expect(dead.explicitAcks).toHaveLength(1);
    expect(await row(failing.notificationId)).toMatchObject({ status: "failed", attempts: 6, lastError: expect.stringContaining("dead-letter") });
  });

  it("a subscription the push service reports gone (410, 404) is removed; a refused one (403) is kept with its error", async () => {
    const user = await createUserWithToken("delivery-gone");
    const gone = await subscribe(user, "gone");
    const missing = await subscribe(user, "missing");
    const refused = await subscribe(user, "refused");
    stub.answers.set(gone.endpoint, 410);
    stub.answers.set(missing.endpoint, 404);
    stub.answers.set(refused.endpoint, 403);
    const { notificationId } = await sendTestNotification(db(), testEnv(), user.id, new Date());
    const result = await consume("firsttd-notifications", [notificationId]);
    expect(result.retryMessages).toEqual([]);
    const left = await env.DB.prepare("SELECT endpoint, last_error AS lastError FROM push_subscriptions WHERE user_id = ?").bind(user.id).all();
    expect(left.results).toEqual([{ endpoint: refused.endpoint, lastError: "push service answered 403" }]);
    expect(await row(notificationId)).toMatchObject({ status: "failed" });
    // No device left to send a test to: 409.
    await env.DB.prepare("DELETE FROM push_subscriptions WHERE user_id = ?").bind(user.id).run();
    const none = await api("/v1/me/notifications/test", { method: "POST", token: user.token });
    expect([none.status, none.json.error.code]).toEqual([409, "no_push_subscription"]);
  });

  it("refuses push endpoints that are no browser push service, and keys that are not a P-256 key", async () => {
    expect(pushEndpointProblem("https://fcm.googleapis.com/fcm/send/abc")).toBeNull();
    expect(pushEndpointProblem("https://updates.push.services.mozilla.com/wpush/v2/abc")).toBeNull();
    expect(pushEndpointProblem("https://web.push.apple.com/QGx")).toBeNull();
    expect(pushEndpointProblem("https://db5p.notify.windows.com/w/?token=x")).toBeNull();
    for (const bad of ["http://fcm.googleapis.com/fcm/send/a", "https://169.254.169.254/latest", "https://internal.example/x", "https://fcm.googleapis.com:8443/x", "https://u:p@fcm.googleapis.com/x", "https://fcm.googleapis.com.evil.example/x", "not a url"]) {
      expect(pushEndpointProblem(bad), bad).not.toBeNull();
    }
    const user = await createUserWithToken("delivery-bad-keys");
    const response = await api("/v1/me/push-subscriptions", { method: "POST", token: user.token, body: { endpoint: "http://localhost:8080/push", keys: { p256dh: `B${"A".repeat(86)}`, auth: "AAAAAAAAAAAAAAAAAAAAAA" } } });
    expect([response.status, response.json.error.code]).toEqual([400, "validation_failed"]);
  });

  it("a VAPID public key that is not the private key's half is the deployment's fault: 500, and push stays off", async () => {
    expect(() => vapidKeysFromEnv({ ...(env as AppEnv), VAPID_PUBLIC_KEY: "BAAAA" })).toThrow(/not the public half/);
    expect(vapidKeysFromEnv({ ...(env as AppEnv), VAPID_PRIVATE_KEY: undefined })).toBeNull();
  });
});

describe("league webhooks", () => {
  let commissioner: TestUser;
  let leagueId: number;

  beforeAll(async () => {
    commissioner = await createUserWithToken("delivery-commissioner");
    leagueId = (await api("/v1/leagues", { method: "POST", token: commissioner.token, body: { name: "Webhook League" } })).json.id;
  });

  async function summaryRow(subject: string): Promise<number> {
    const inserted = await env.DB.prepare(
      "INSERT INTO notifications (recipient, league_id, kind, subject, payload, created_at) VALUES (?, ?, 'week_summary', ?, ?, ?) RETURNING id",
    )
      .bind(`league:${leagueId}`, leagueId, subject, JSON.stringify({ title: "Webhook League: week 3 summed up", body: "Winner: @everyone (2 wins).", url: `/leagues/${leagueId}` }), nowIso())
      .first<{ id: number }>();
    return inserted!.id;
  }

  it("only Discord's and Slack's incoming-webhook URLs are taken; the URL is stored encrypted and never shown again", async () => {
    expect(webhookTarget("https://discord.com/api/webhooks/123/abc-DEF_1")).toMatchObject({ provider: "discord", host: "discord.com" });
    expect(webhookTarget("https://hooks.slack.com/services/T000/B000/XXXX")).toMatchObject({ provider: "slack", host: "hooks.slack.com" });
    for (const bad of ["http://discord.com/api/webhooks/1/a", "https://discord.com/channels/1/2", "https://evil.example/api/webhooks/1/a", "https://hooks.slack.com.evil.example/services/x", "https://169.254.169.254/"]) {
      expect(webhookTarget(bad), bad).toBeNull();
    }
    const url = "https://hooks.slack.com/services/T000/B000/very-secret-token";
    const set = await api(`/v1/leagues/${leagueId}/webhook`, { method: "PUT", token: commissioner.token, body: { url } });
    expect(set.status).toBe(200);
    expect(JSON.stringify(set.json)).not.toContain("very-secret-token");
    const stored = await env.DB.prepare("SELECT url_ciphertext AS sealed FROM league_webhooks WHERE league_id = ?").bind(leagueId).first<{ sealed: string }>();
    expect(stored!.sealed).not.toContain("very-secret-token");
    expect(await decryptWebhookUrl((env as AppEnv).SESSION_SECRET!, stored!.sealed)).toBe(url);
    expect(await decryptWebhookUrl("another-secret-entirely-0123456789", stored!.sealed)).toBeNull();
    const bad = await api(`/v1/leagues/${leagueId}/webhook`, { method: "PUT", token: commissioner.token, body: { url: "https://169.254.169.254/latest/meta-data" } });
    expect([bad.status, bad.json.error.code]).toEqual([400, "validation_failed"]);
  });

  it("Slack gets its text format; a deleted webhook (404) fails without retries and the league shows why", async () => {
    const id = await summaryRow("league:test:slack");
    await consume("firsttd-notifications", [id]);
    const [posted] = stub.take();
    expect(posted!.url).toBe("https://hooks.slack.com/services/T000/B000/very-secret-token");
    expect(JSON.parse(new TextDecoder().decode(posted!.body))).toEqual({ text: "*Webhook League: week 3 summed up*\nWinner: @everyone (2 wins)." });
    expect(await row(id)).toMatchObject({ status: "sent" });

    stub.answers.set("https://hooks.slack.com/services/T000/B000/very-secret-token", 404);
    const gone = await summaryRow("league:test:gone");
    expect((await consume("firsttd-notifications", [gone])).retryMessages).toEqual([]);
    expect(await row(gone)).toMatchObject({ status: "failed", lastError: "slack answered 404" });
    const view = await api(`/v1/leagues/${leagueId}/webhook`, { token: commissioner.token });
    expect(view.json).toMatchObject({ configured: true, provider: "slack", host: "hooks.slack.com", lastError: "slack answered 404" });
  });

  it("Discord gets content with every mention disabled", async () => {
    await api(`/v1/leagues/${leagueId}/webhook`, { method: "PUT", token: commissioner.token, body: { url: "https://discord.com/api/webhooks/42/discord-token" } });
    const id = await summaryRow("league:test:discord");
    await consume("firsttd-notifications", [id]);
    const [posted] = stub.take();
    expect(JSON.parse(new TextDecoder().decode(posted!.body))).toEqual({
      content: "**Webhook League: week 3 summed up**\nWinner: @everyone (2 wins).",
      allowed_mentions: { parse: [] },
    });
  });
});

describe("the log's retention", () => {
  it("the nightly retention deletes finished rows older than every notify window; pending and recent rows stay", async () => {
    const user = await createUserWithToken("delivery-retention");
    const old = nowIso(new Date(Date.now() - (NOTIFICATIONS_KEPT_DAYS + 1) * 24 * 3600_000));
    const insert = (subject: string, status: string, createdAt: string) =>
      env.DB.prepare("INSERT INTO notifications (recipient, user_id, kind, subject, payload, status, created_at) VALUES (?, ?, 'test', ?, '{}', ?, ?)")
        .bind(`user:${user.id}`, user.id, subject, status, createdAt)
        .run();
    await insert("old-sent", "sent", old);
    await insert("old-failed", "failed", old);
    await insert("old-pending", "pending", old);
    await insert("new-sent", "sent", nowIso());
    const report = await runJob(env as AppEnv, { job: "retention", trigger: "cli", progress: () => {} });
    expect(report.status).not.toBe("failed");
    const left = await env.DB.prepare("SELECT subject FROM notifications WHERE user_id = ? ORDER BY subject").bind(user.id).all();
    expect(left.results).toEqual([{ subject: "new-sent" }, { subject: "old-pending" }]);
  });
});

describe("the week summary's arithmetic", () => {
  const member = (userId: number, name: string, week: [number, number, number], season: [number, number, number]): MemberWeek => ({
    userId,
    name,
    weekPicks: week[0],
    weekWins: week[1],
    weekUnitsCu: week[2],
    seasonPicks: season[0],
    seasonWins: season[1],
    seasonUnitsCu: season[2],
  });

  it("winners share the week when level on both measures; the board moves from the season less the week", () => {
    const members = [
      member(1, "Ann", [2, 1, 400], [10, 3, 500]),
      member(2, "Ben", [2, 1, 400], [10, 4, 100]),
      member(3, "Cat", [1, 0, -100], [9, 4, 300]),
      member(4, "Dan", [0, 0, 0], [0, 0, 0]),
    ];
    const byWins = summarizeWeek(members, "wins");
    expect(byWins.winners.map((w) => w.name)).toEqual(["Ann", "Ben"]);
    // Before the week: Cat 4 wins (+4.00), Ben 3 (-3.00), Ann 2 (+1.00); after: Cat 4 (+3.00), Ben 4 (+1.00), Ann 3.
    expect(byWins.board).toEqual([
      { userId: 3, name: "Cat", rank: 1, rankBefore: 1 },
      { userId: 2, name: "Ben", rank: 2, rankBefore: 2 },
      { userId: 1, name: "Ann", rank: 3, rankBefore: 3 },
    ]);
    const byUnits = summarizeWeek(members, "units");
    expect(byUnits.board.map((r) => [r.name, r.rank, r.rankBefore])).toEqual([
      ["Ann", 1, 2],
      ["Cat", 2, 1],
      ["Ben", 3, 3],
    ]);
  });
});
