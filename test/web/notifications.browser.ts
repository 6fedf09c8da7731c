/**
 * Notifications in a real (headless) chromium: a player signs in, opens /me with the notifications permission granted,
 * and the push script registers the service worker (/sw.js, scope "/") and shows "Turn on notifications on this
 * device"; the player turns the opt-ins on with the form. A push event dispatched in the service worker is shown as a
 * notification with the message's title, body, tag and page. Subscribing is tried too: offline, chromium has no push
 * service to subscribe with, so the test checks only that permission passed and the subscription was asked for. Delivery itself (encryption, VAPID) is tested server-side
 * (test/jobs/notify-delivery.test.ts decrypts what a stub endpoint receives).
 * Run: npm run test:browser (needs /usr/bin/chromium).
 */
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, CHROMIUM_LAUNCH, chromiumIsInstalled, startDemoWorker, type LocalWorker } from "../helpers/browser-harness";

const TOKEN = `browser-notify-${crypto.randomUUID()}`;
// The dev-only pair of .dev.vars.example (public in the repository): any valid pair would do.
const VAPID = {
  VAPID_PUBLIC_KEY: "BM32_ZlRSjk0VZOLTYCHsvj6yzjCcxLN46LU5uv4beqfLxhRXY5wOxW2E1HKSTz-yto6wgpREhxvuNhaf0jJ8BY",
  VAPID_PRIVATE_KEY: '{"kty":"EC","crv":"P-256","x":"zfb9mVFKOTRVk4tNgIey-PrLOMJzEs3jotTm6_ht6p8","y":"LxhRXY5wOxW2E1HKSTz-yto6wgpREhxvuNhaf0jJ8BY","d":"zQuwpyUxqyC61epp6nxEeTJNRGvupaO_8l6dfp85wIM"}',
  VAPID_SUBJECT: "mailto:browser-test@firsttd.invalid",
};

let worker: LocalWorker;
let context: BrowserContext;
let page: Page;
let userId: number;

beforeAll(async () => {
  expect(chromiumIsInstalled(), `${CHROMIUM} missing: apt-get install -y chromium`).toBe(true);
  worker = await startDemoWorker({ name: "notify", adminToken: TOKEN, vars: VAPID });
  const user = await worker.api("/v1/users", { method: "POST", body: { name: `Nia ${crypto.randomUUID().slice(0, 6)}` } });
  userId = user.id;
  const link = await worker.api(`/v1/users/${userId}/sign-in-link`, { method: "POST" });
  context = await chromium.launchPersistentContext(join(worker.scratch, "chromium-profile"), { ...CHROMIUM_LAUNCH, viewport: { width: 420, height: 900 } });
  // Granted as a person clicking "Allow" would.
  await context.grantPermissions(["notifications"], { origin: worker.origin });
  page = await context.newPage();
  // The link, on localhost (a secure context, as service workers need: http://localhost is one).
  await page.goto(`${worker.origin}${new URL(link.url).pathname}${new URL(link.url).hash}`);
  await page.waitForURL((url) => !url.pathname.startsWith("/sign-in"), { timeout: 15_000 });
});

afterAll(async () => {
  await context?.close();
  await worker?.dispose();
});

describe("notifications in chromium", () => {
  it("/me registers the service worker and offers to turn push on for this device", async () => {
    await page.goto(`${worker.origin}/me#notifications`);
    await expect.poll(() => page.locator("#push").getAttribute("data-worker"), { timeout: 15_000 }).toBe("registered");
    // In the page (DOM types are not this project's: tsconfig has the Workers' types only).
    const registration = await page.evaluate(async () => {
      const browser = globalThis as any;
      const found = await browser.navigator.serviceWorker.getRegistration("/");
      return { scope: found?.scope, script: (found?.active ?? found?.waiting ?? found?.installing)?.scriptURL, permission: browser.Notification.permission };
    });
    expect(registration).toEqual({ scope: `${worker.origin}/`, script: `${worker.origin}/sw.js`, permission: "granted" });
    expect(await page.getByRole("button", { name: "Turn on notifications on this device" }).isVisible()).toBe(true);
    expect(await page.locator("[data-needs-push]").isHidden()).toBe(true);
  });

  it("turns the opt-ins on with the form", async () => {
    for (const label of [/Remind me to pick/, /The first TD of each game I picked/, /week summary/]) await page.getByLabel(label).check();
    await Promise.all([page.waitForURL(/flash=notifications-saved/), page.getByRole("button", { name: "Save notification choices" }).click()]);
    expect(await page.locator("main").innerText()).toContain("Your notification choices are saved.");
    expect(await page.getByLabel(/Remind me to pick/).isChecked()).toBe(true);
    expect(worker.sql(`SELECT topic FROM notification_preferences WHERE user_id = ${userId} AND enabled = 1 ORDER BY topic`)).toEqual([
      { topic: "reminders" },
      { topic: "results" },
      { topic: "week_summary" },
    ]);
  });

  it("the service worker shows a push message with its title, body, tag and page", async () => {
    const serviceWorker = context.serviceWorkers().find((w) => w.url() === `${worker.origin}/sw.js`) ?? (await context.waitForEvent("serviceworker"));
    const message = { title: "KC at BUF: your pick scored first!", body: "First TD: Travis Kelce (KC).", url: "/games/2026_01_KC_BUF", tag: "first-td:2026_01_KC_BUF" };
    // A push event as the browser dispatches one (headless chromium has no push service offline, and keeps no
    // notification it could list): the worker's own handler runs, and what it asks the browser to show is recorded.
    const shown = await serviceWorker.evaluate(async (data) => {
      const scope = globalThis as any;
      const calls: { title: string; options: any }[] = [];
      scope.registration.showNotification = async (title: string, options: any = {}) => {
        calls.push({ title, options });
      };
      const event = new scope.PushEvent("push", { data });
      const pending: Promise<unknown>[] = [];
      Object.defineProperty(event, "waitUntil", { value: (promise: Promise<unknown>) => pending.push(promise) });
      scope.dispatchEvent(event);
      await Promise.all(pending);
      return calls.map((c) => ({ title: c.title, body: c.options.body, tag: c.options.tag, url: c.options.data.url }));
    }, JSON.stringify(message));
    expect(shown).toEqual([{ title: message.title, body: message.body, tag: message.tag, url: message.url }]);
  });

  it("turning push on: permission passes and the subscription is asked for (offline, chromium's push service cannot answer it)", async () => {
    await page.getByRole("button", { name: "Turn on notifications on this device" }).click();
    const outcome = async () => {
      const status = await page.locator("#push-status").innerText();
      const rows = worker.sql(`SELECT count(*) AS n FROM push_subscriptions WHERE user_id = ${userId}`);
      // Permission granted, chromium asked to subscribe: offline it waits on its push service, or fails, or succeeds.
      return status === "Subscribing this device…" || status.startsWith("Could not turn notifications on") || Number(rows[0]?.n) === 1;
    };
    await expect.poll(outcome, { timeout: 20_000 }).toBe(true);
  });
});
