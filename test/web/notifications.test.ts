/**
 * Notifications in the web app without a browser: /me's section (this device's switch for the push script, the opt-ins
 * form, "Send me a test notification"), the commissioner's webhook form on the league page (the URL never shown back),
 * and the service worker served at /sw.js.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "../../src/env";
import { vapidKeysFromEnv } from "../../src/notifications/web-push";
import { api, createUserWithToken } from "../helpers/api";
import { uniqueName } from "../helpers/invites";
import { page, post, textOf } from "../helpers/web-pages";
import { signInAs } from "../helpers/web-session";

describe("/me: notifications", () => {
  it("shows the push switch with the server's key, saves the opt-ins, and sends a test once a device is subscribed", async () => {
    const user = await createUserWithToken(uniqueName("Nora"));
    const session = await signInAs(user.id);
    const me = await page("/me", { session });
    expect(me.status).toBe(200);
    expect(me.html).toContain(`data-vapid-key="${vapidKeysFromEnv(env as AppEnv)!.publicKey}"`);
    expect(me.html).toMatch(/<script src="\/app\/push\.[0-9a-f]{8}\.js"/);
    expect(textOf(me.html, "main")).toContain("Send me a test notification");

    const saved = await post("/me/notifications", session, { reminders: "on", results: "on" });
    expect([saved.status, saved.location]).toEqual([303, "/me?flash=notifications-saved#notifications"]);
    const prefs = await api("/v1/me/notifications", { token: user.token });
    expect(prefs.json.preferences.push).toEqual({ reminders: true, results: true, week_summary: false, member_joined: false });
    const after = await page(saved.location!, { session });
    expect(textOf(after.html, "main")).toContain("Your notification choices are saved.");
    expect(after.html).toMatch(/id="notify-reminders" type="checkbox" name="reminders" value="on" checked/);

    // No device yet: the page says why (409).
    const refused = await post("/me/notifications/test", session);
    expect(refused.status).toBe(409);
    const device = await api("/v1/me/push-subscriptions", {
      method: "POST",
      token: user.token,
      body: { endpoint: "https://fcm.googleapis.com/fcm/send/web-form-test", keys: { p256dh: `B${"A".repeat(86)}`, auth: "AAAAAAAAAAAAAAAAAAAAAA" } },
    });
    expect(device.status).toBe(201);
    const sent = await post("/me/notifications/test", session);
    expect([sent.status, sent.location]).toEqual([303, "/me?flash=test-notification-sent#notifications"]);
    const listed = await page("/me", { session });
    expect(listed.html).toContain(`data-endpoint="https://fcm.googleapis.com/fcm/send/web-form-test"`);
    const removed = await post(`/me/push-subscriptions/${device.json.id}/delete`, session);
    expect([removed.status, removed.location]).toEqual([303, "/me?flash=push-device-removed#notifications"]);
  });

  it("serves the service worker at the root, as JavaScript, revalidated on every load", async () => {
    const sw = await page("/sw.js");
    expect(sw.status).toBe(200);
    expect(sw.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(sw.headers.get("cache-control")).toBe("no-cache");
    expect(sw.html).toContain('self.addEventListener("push"');
    expect(sw.html).toContain('self.addEventListener("notificationclick"');
  });
});

describe("the league page: the commissioner's chat webhook", () => {
  it("sets it by form, shows its host only, and removes it; a member sees no such form", async () => {
    const commissioner = await createUserWithToken(uniqueName("Cleo"));
    const member = await createUserWithToken(uniqueName("Milo"));
    const made = await api("/v1/leagues", { method: "POST", token: commissioner.token, body: { name: "Hook Crew" } });
    const joined = await api(`/v1/invites/${made.json.invite.code}/accept`, { method: "POST", token: member.token, body: {} });
    expect(joined.status).toBe(201);
    const session = await signInAs(commissioner.id);
    const url = "https://discord.com/api/webhooks/987654321/web-form-secret";
    const set = await post(`/leagues/${made.json.id}/webhook`, session, { url });
    expect([set.status, set.location]).toEqual([303, `/leagues/${made.json.id}?flash=webhook-saved#webhook`]);
    const shown = await page(set.location!, { session });
    expect(textOf(shown.html, "main")).toContain("Posting to Discord (discord.com)");
    expect(shown.html).not.toContain("web-form-secret");
    const bad = await post(`/leagues/${made.json.id}/webhook`, session, { url: "https://example.com/hook" });
    expect(bad.status).toBe(400);
    const memberPage = await page(`/leagues/${made.json.id}`, { session: await signInAs(member.id) });
    expect(memberPage.html).not.toContain('id="webhook"');
    const removed = await post(`/leagues/${made.json.id}/webhook/delete`, session);
    expect([removed.status, removed.location]).toEqual([303, `/leagues/${made.json.id}?flash=webhook-removed#webhook`]);
    expect(textOf((await page(removed.location!, { session })).html, "main")).toContain("No webhook is set.");
  });
});
