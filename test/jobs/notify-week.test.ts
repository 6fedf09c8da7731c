/**
 * A week of notifications, walked with the notify job's clock (injected: the test does not depend on the day it runs)
 * and the queue consumer, against a stub of the push services and Discord: who gets what, when, exactly once.
 *
 * League L (commissioner Ann; Ben, Cat, Dan) and league M (Dan, Fay). Eve is in no league. Everyone opted into every
 * topic and has a device; Dan has two, one of which the push service reports gone. Fay picks nothing all week. Week 1: G1 (KC at BUF) and G2
 * (NYJ at MIA), G2 postponed before kickoff to two days later. Ann and Cat pick G1 early, Ben late (after the 24-hour
 * reminder), Cat changes hers; Dan never picks G1. Ann picks G2. G1's first TD is recorded, then regraded.
 */
import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppEnv } from "../../src/env";
import worker from "../../src/index";
import { runJob } from "../../src/jobs/runner";
import { nowIso } from "../../src/lib/clock";
import { api, createUserWithToken, defaultKickoff, makePick, seedMatchup, seedTeams, type TeamRoster, type TestUser } from "../helpers/api";
import { decryptPush, DeliveryStub, makeDevice, verifyVapid, type TestDevice } from "../helpers/push-stub";
import { HOUR_MS, MINUTE_MS } from "../helpers/real-clock";

const SEASON = 2049;
const stub = new DeliveryStub();
const DISCORD = "https://discord.com/api/webhooks/123456789012345678/league-L-token";

let teams: Record<string, TeamRoster>;
let ann: TestUser, ben: TestUser, cat: TestUser, dan: TestUser, eve: TestUser, fay: TestUser;
let names: Map<number, string>;
const devices = new Map<string, { user: string; device: TestDevice }>();
let g1: string, g2: string;
let k1: number;
let leagueL: number, leagueM: number;
let catPickId: number;

/** Messages the job put on the queue (the test's queue binding keeps them). */
const queued: { body: unknown }[] = [];
const fakeQueue = {
  async send(body: unknown) {
    queued.push({ body });
  },
  async sendBatch(messages: Iterable<{ body: unknown }>) {
    for (const m of messages) queued.push({ body: m.body });
  },
} as unknown as Queue;
const testEnv = () => ({ ...(env as AppEnv), NOTIFICATIONS: fakeQueue }) as AppEnv;

interface Delivered {
  user: string;
  kind?: string;
  title: string;
  body: string;
}

/** Runs the notify job at `at`, then the consumer on what it queued: what each device received (decrypted). */
async function runAt(at: number): Promise<{ created: Record<string, number>; pushes: Delivered[]; webhooks: unknown[] }> {
  const report = await runJob(testEnv(), { job: "notify", trigger: "cli", now: new Date(at), progress: () => {} });
  expect(report.status, report.error ?? "").toBe("ok");
  const messages = queued.splice(0);
  const pushes: Delivered[] = [];
  const webhooks: unknown[] = [];
  if (messages.length > 0) {
    const batch = createMessageBatch("firsttd-notifications", messages.map((m, i) => ({ id: `m${at}-${i}`, timestamp: new Date(at), attempts: 1, body: m.body })));
    const ctx = createExecutionContext();
    await (worker.queue as (batch: MessageBatch, env: AppEnv, ctx: ExecutionContext) => Promise<void>)(batch, testEnv(), ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.retryMessages).toEqual([]);
    for (const request of stub.take()) {
      if (request.url.startsWith("https://discord.com/")) {
        webhooks.push(JSON.parse(new TextDecoder().decode(request.body)));
        continue;
      }
      const target = devices.get(request.url);
      if (!target) throw new Error(`a push to an unknown endpoint ${request.url}`);
      if (stub.answers.get(request.url) === 410) {
        pushes.push({ user: `${target.user} (gone)`, title: "", body: "" });
        continue;
      }
      expect(request.headers["content-encoding"]).toBe("aes128gcm");
      expect((await verifyVapid(request.headers.authorization!)).aud).toBe("https://fcm.googleapis.com");
      const payload = (await decryptPush(target.device, request.body)) as { title: string; body: string };
      pushes.push({ user: target.user, title: payload.title, body: payload.body });
    }
  }
  return { created: (report.outcome?.details as { created: Record<string, number> }).created, pushes, webhooks };
}

const who = (pushes: Delivered[]) => pushes.map((p) => p.user).sort();
const kinds = (created: Record<string, number>) => Object.fromEntries(Object.entries(created).filter(([, n]) => n > 0));

async function optInEverywhere(user: TestUser, name: string, count = 1): Promise<void> {
  const prefs = await api("/v1/me/notifications/preferences", {
    method: "PATCH",
    token: user.token,
    body: { push: { reminders: true, results: true, week_summary: true, member_joined: true } },
  });
  expect(prefs.status, JSON.stringify(prefs.json)).toBe(200);
  for (let i = 0; i < count; i++) {
    const device = await makeDevice(`${name}-${i}`);
    devices.set(device.endpoint, { user: count > 1 ? `${name}#${i}` : name, device });
    const saved = await api("/v1/me/push-subscriptions", { method: "POST", token: user.token, body: { endpoint: device.endpoint, keys: device.keys } });
    expect(saved.status, JSON.stringify(saved.json)).toBe(201);
  }
}

/** Records G1's first-TD facts as the live sync does (the triggers grade every pick), at the job's clock. */
async function recordFirstTd(gameId: string, playerId: string, team: string, at: number) {
  await env.DB.prepare(
    `UPDATE games SET first_td_player_id = ?, first_td_player_name = (SELECT full_name FROM players WHERE id = ?), first_td_team = ?,
       first_td_kind = 'rush', no_td = 0, first_td_recorded_at = ?, first_td_recorded_by = 'job:live-sync', updated_at = ?, updated_by = 'job:live-sync',
       status = 'in_progress' WHERE id = ?`,
  )
    .bind(playerId, playerId, team, nowIso(new Date(at)), nowIso(new Date(at)), gameId)
    .run();
}

const finish = (gameId: string) => env.DB.prepare("UPDATE games SET status = 'final', home_score = 24, away_score = 17 WHERE id = ?").bind(gameId).run();

beforeAll(async () => {
  stub.install();
  teams = await seedTeams(SEASON, ["KC", "BUF", "NYJ", "MIA"]);
  k1 = Date.parse(defaultKickoff(1));
  g1 = await seedMatchup(SEASON, 1, "KC", "BUF", { kickoffAt: nowIso(new Date(k1)) });
  g2 = await seedMatchup(SEASON, 1, "NYJ", "MIA", { kickoffAt: nowIso(new Date(k1 + 3 * HOUR_MS)) });
  [ann, ben, cat, dan, eve, fay] = (await Promise.all(["ann", "ben", "cat", "dan", "eve", "fay"].map((n) => createUserWithToken(`notify-${n}`)))) as [
    TestUser,
    TestUser,
    TestUser,
    TestUser,
    TestUser,
    TestUser,
  ];
  names = new Map([ann, ben, cat, dan, eve, fay].map((u) => [u.id, u.name.replace("notify-", "")]));
  for (const [user, count] of [[ann, 1], [ben, 1], [cat, 1], [dan, 2], [eve, 1], [fay, 1]] as const) await optInEverywhere(user, names.get(user.id)!, count);

  const made = await api("/v1/leagues", { method: "POST", token: ann.token, body: { name: "League L" } });
  leagueL = made.json.id;
  const other = await api("/v1/leagues", { method: "POST", token: fay.token, body: { name: "League M" } });
  leagueM = other.json.id;
  // Members who joined long before the week (the commissioners' join messages are another test's).
  const longAgo = nowIso(new Date(k1 - 30 * 24 * HOUR_MS));
  await env.DB.batch(
    [
      [leagueL, ben],
      [leagueL, cat],
      [leagueL, dan],
      [leagueM, dan],
    ].map(([league, user]) => env.DB.prepare("INSERT INTO league_members (league_id, user_id, joined_at) VALUES (?, ?, ?)").bind(league, (user as TestUser).id, longAgo)),
  );
  await env.DB.prepare("UPDATE league_members SET joined_at = ? WHERE league_id IN (?, ?)").bind(longAgo, leagueL, leagueM).run();
  const webhook = await api(`/v1/leagues/${leagueL}/webhook`, { method: "PUT", token: ann.token, body: { url: DISCORD } });
  expect(webhook.status, JSON.stringify(webhook.json)).toBe(200);

  await makePick(ann, g1, teams.BUF!.WR);
  catPickId = (await makePick(cat, g1, teams.KC!.QB)).id;
  await makePick(ann, g2, teams.MIA!.RB);
});

afterAll(() => stub.restore());

describe("a week of notifications", () => {
  it("24 hours before G1: a reminder to each league member without a pick, once, however many leagues they are in", async () => {
    const run = await runAt(k1 - 23 * HOUR_MS);
    expect(kinds(run.created)).toEqual({ pick_reminder_24h: 3 });
    // Dan's second device is gone from the push service: it answers 410 and the subscription is deleted.
    const [goneDevice] = [...devices.entries()].filter(([, d]) => d.user === "dan#1").map(([endpoint]) => endpoint);
    expect(goneDevice).toBeDefined();
    stub.answers.set(goneDevice!, 410);
    const deliveredNow = run; // delivered before the 410 was set: both of Dan's devices got it
    expect(who(deliveredNow.pushes)).toEqual(["ben", "dan#0", "dan#1", "fay"]);
    expect(deliveredNow.pushes.find((p) => p.user === "ben")).toMatchObject({ title: "Pick for KC at BUF", body: "KC at BUF kicks off within 24 hours. You have no pick yet." });
    // The same run again, and five minutes later: nothing new.
    expect(kinds((await runAt(k1 - 23 * HOUR_MS)).created)).toEqual({});
    expect((await runAt(k1 - 23 * HOUR_MS + 5 * MINUTE_MS)).pushes).toEqual([]);
  });

  it("a late pick and a changed pick: the hour-before reminder goes only to whoever still has no pick", async () => {
    await makePick(ben, g1, teams.KC!.QB);
    const changed = await api(`/v1/picks/${catPickId}`, { method: "PATCH", token: cat.token, body: { playerId: teams.KC!.RB } });
    expect(changed.status).toBe(200);
    const run = await runAt(k1 - 50 * MINUTE_MS);
    // G1 within the hour: Dan and Fay. G2 (kickoff 3 h later) within 24 hours: all but Ann, who picked it.
    expect(kinds(run.created)).toEqual({ pick_reminder_1h: 2, pick_reminder_24h: 4 });
    const oneHour = run.pushes.filter((p) => p.body.includes("within the hour"));
    // Dan's gone device was tried once more, answered 410 and was removed; his other device got it.
    expect(who(oneHour)).toEqual(["dan#0", "fay"]);
    expect(run.pushes.filter((p) => p.user === "dan#1 (gone)").length).toBeGreaterThan(0);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM push_subscriptions WHERE user_id = ?").bind(dan.id).first<{ n: number }>()).toEqual({ n: 1 });
    expect(who(run.pushes.filter((p) => p.title === "Pick for NYJ at MIA"))).toEqual(["ben", "cat", "dan#0", "fay"]);
  });

  it("G2 postponed before kickoff: its reminders follow the new kickoff", async () => {
    const newKickoff = k1 + 2 * 24 * HOUR_MS;
    await env.DB.prepare("UPDATE games SET kickoff_at = ? WHERE id = ?").bind(nowIso(new Date(newKickoff)), g2).run();
    // At the old kickoff's hour-before, nothing: the game is two days away.
    expect(kinds((await runAt(k1 + 2 * HOUR_MS + 10 * MINUTE_MS)).created)).toEqual({});
    const day = await runAt(newKickoff - 20 * HOUR_MS);
    expect(kinds(day.created)).toEqual({ pick_reminder_24h: 4 });
    const hour = await runAt(newKickoff - 30 * MINUTE_MS);
    expect(kinds(hour.created)).toEqual({ pick_reminder_1h: 4 });
    expect(who(hour.pushes)).toEqual(["ben", "cat", "dan#0", "fay"]);
  });

  it("G1's first TD: each picker gets their result once; a regrade sends a correction, not a duplicate", async () => {
    const recordedAt = k1 + 20 * MINUTE_MS;
    await recordFirstTd(g1, teams.BUF!.WR, "BUF", recordedAt);
    const run = await runAt(recordedAt + 5 * MINUTE_MS);
    expect(kinds(run.created)).toEqual({ first_td: 3 });
    const byUser = Object.fromEntries(run.pushes.map((p) => [p.user, p]));
    expect(Object.keys(byUser).sort()).toEqual(["ann", "ben", "cat"]);
    expect(byUser.ann!.title).toBe("KC at BUF: your pick scored first!");
    expect(byUser.ann!.body).toBe(`First TD: BUF WR ${SEASON} (BUF). Your pick BUF WR ${SEASON}: a win, +1.00 units.`);
    expect(byUser.cat!.body).toBe(`First TD: BUF WR ${SEASON} (BUF). Your pick KC RB ${SEASON}: a loss, -1.00 units.`);
    expect(kinds((await runAt(recordedAt + 10 * MINUTE_MS)).created)).toEqual({});

    // The scorer is corrected: Cat's pick won after all, Ann's lost; Ben's still lost, but the facts he was told changed.
    const correctedAt = k1 + 2 * HOUR_MS;
    await recordFirstTd(g1, teams.KC!.RB, "KC", correctedAt);
    const regrade = await runAt(correctedAt + 5 * MINUTE_MS);
    expect(kinds(regrade.created)).toEqual({ first_td_correction: 3 });
    const corrected = Object.fromEntries(regrade.pushes.map((p) => [p.user, p]));
    expect(corrected.cat).toMatchObject({ title: "Correction: KC at BUF", body: `The first TD was corrected: KC RB ${SEASON} (KC). Your pick KC RB ${SEASON} is now a win, +1.00 units.` });
    expect(corrected.ann!.body).toContain("is now a loss, -1.00 units");
    expect(corrected.ben!.body).toContain("is now a loss");
    // Again: nothing, and never a second first_td message.
    expect(kinds((await runAt(correctedAt + 10 * MINUTE_MS)).created)).toEqual({});
    const log = await env.DB.prepare("SELECT kind, count(*) AS n FROM notifications WHERE game_id = ? AND kind LIKE 'first_td%' GROUP BY kind ORDER BY kind").bind(g1).all();
    expect(log.results).toEqual([
      { kind: "first_td", n: 3 },
      { kind: "first_td_correction", n: 3 },
    ]);
  });

  it("after the week's last game: the summary names the right winners, to the league's webhook and each member who opted in", async () => {
    await finish(g1);
    const newKickoff = k1 + 2 * 24 * HOUR_MS;
    // The week is not over while G2 is still to play: no summary.
    expect(kinds((await runAt(newKickoff - 10 * MINUTE_MS)).created)).toEqual({});
    await recordFirstTd(g2, teams.MIA!.RB, "MIA", newKickoff + 15 * MINUTE_MS);
    await finish(g2);
    const run = await runAt(newKickoff + 4 * HOUR_MS);
    // Ann's G2 result, and the summaries: league L to its webhook and its four members, league M to Dan and Fay.
    expect(kinds(run.created)).toEqual({ first_td: 1, week_summary: 7 });
    expect(run.webhooks).toHaveLength(1);
    const posted = run.webhooks[0] as { content: string; allowed_mentions: unknown };
    expect(posted.allowed_mentions).toEqual({ parse: [] });
    // Week 1 in L (ranked by wins, tiebreak units): Ann won G2 but lost G1 after the regrade (1 win, 0 units); Cat won
    // G1 (1 win, +1.00 at even money): the tiebreak makes Cat the week's only winner.
    expect(posted.content).toContain("**League L: week 1 summed up**");
    expect(posted.content).toContain(`Winner: ${cat.name} (1 win, +1.00 units).`);
    expect(posted.content).toContain(`Season board: 1. ${cat.name} (new), 2. ${ann.name} (new), 3. ${ben.name} (new)`);
    const summaries = run.pushes.filter((p) => p.title.endsWith("week 1 summed up"));
    expect(who(summaries.filter((p) => p.title.startsWith("League L")))).toEqual(["ann", "ben", "cat", "dan#0"]);
    expect(who(summaries.filter((p) => p.title.startsWith("League M")))).toEqual(["dan#0", "fay"]);
    expect(summaries.find((p) => p.title.startsWith("League M"))!.body).toContain("Nobody in the league picked this week.");
    // Once.
    expect(kinds((await runAt(newKickoff + 4 * HOUR_MS + 5 * MINUTE_MS)).created)).toEqual({});
  });

  it("Eve, in no league, was never reminded; every message went out exactly once", async () => {
    const eveRows = await env.DB.prepare("SELECT count(*) AS n FROM notifications WHERE user_id = ?").bind(eve.id).first<{ n: number }>();
    expect(eveRows).toEqual({ n: 0 });
    const states = await env.DB.prepare("SELECT status, count(*) AS n FROM notifications GROUP BY status").all();
    expect(states.results).toEqual([{ status: "sent", n: expect.any(Number) }]);
    const duplicates = await env.DB.prepare("SELECT recipient, kind, subject FROM notifications GROUP BY recipient, kind, subject HAVING count(*) > 1").all();
    expect(duplicates.results).toEqual([]);
  });

  it("a member who joins: their league's commissioner is told, once", async () => {
    // A week after G1: the week's summary is no longer news (a member joining now is not sent last week's).
    const at = k1 + 7 * 24 * HOUR_MS;
    await env.DB.prepare("INSERT INTO league_members (league_id, user_id, joined_at) VALUES (?, ?, ?)").bind(leagueL, eve.id, nowIso(new Date(at - 10 * MINUTE_MS))).run();
    const run = await runAt(at);
    expect(kinds(run.created)).toEqual({ member_joined: 1 });
    expect(run.pushes).toEqual([{ user: "ann", title: "New member in League L", body: `${eve.name} joined League L.` }]);
    expect(kinds((await runAt(at + 5 * MINUTE_MS)).created)).toEqual({});
  });
});
