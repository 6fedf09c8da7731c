/**
 * The status page in a real (headless) browser: the Worker started by wrangler's unstable_startWorker against a
 * temporary local D1 with the migrations and the demo data (demo/seed.sql), three quality runs made through the
 * admin API with two games graded in between (so the trend moves), then Debian's chromium through playwright-core:
 * sign in through the form, see the checks table, the SVG chart and the jobs, take a screenshot
 * (test/quality/__screenshots__/status.png, git-ignored); then, in a fresh context, a token in the URL refused, a
 * wrong token refused, signing out (the session row revoked: the old cookie, replayed, fails).
 * Run: npm run test:browser (not part of `npm test`: it needs chromium and runs in Node, not workerd).
 */
import { mkdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, CHROMIUM_LAUNCH, chromiumIsInstalled, ROOT, startDemoWorker, type LocalWorker } from "../helpers/browser-harness";
import { CHECKS } from "../../src/quality/checks";

const SCREENSHOT = join(ROOT, "test", "quality", "__screenshots__", "status.png");
const TOKEN = `browser-test-${crypto.randomUUID()}`;

const CLEARED_GAMES = [
  "2025_13_ATL_NYJ",
  "2025_13_BUF_PIT",
  "2025_13_DEN_WAS",
  "2025_13_HOU_IND",
  "2025_13_JAX_TEN",
  "2025_13_LA_CAR",
  "2025_13_LV_LAC",
  "2025_13_NO_MIA",
];

let worker: LocalWorker;
let base: string;
let context: BrowserContext;

function api(path: string, init: { method?: string; body?: unknown } = {}) {
  return worker.api(path, init);
}

beforeAll(async () => {
  expect(chromiumIsInstalled(), `${CHROMIUM} missing: apt-get install -y chromium`).toBe(true);
  // The demo as `npm start` loads it today: its open week (2026) moved ahead of the clock when it has begun, so the
  // nightly checks judge the same data whatever the date (scripts/lib/demo-clock.ts).
  worker = await startDemoWorker({ name: "status", adminToken: TOKEN });
  base = worker.loopbackOrigin;

  // The demo grades every game of 2025 week 13. Here a correction clears the first-TD facts of eight of them (as an
  // overturned TD would), then three nightly runs, with an admin grading one of the eight between two runs.
  for (const id of CLEARED_GAMES) await api(`/v1/admin/games/${id}/first-td`, { method: "PUT", body: { type: "clear" } });
  await api("/v1/admin/quality/run", { method: "POST", body: { season: 2025 } });
  await api("/v1/admin/games/2025_13_ATL_NYJ/first-td", { method: "PUT", body: { type: "no_td" } });
  await api("/v1/admin/quality/run", { method: "POST", body: { season: 2025 } });
  await api("/v1/admin/games/2025_13_BUF_PIT/first-td", { method: "PUT", body: { type: "no_td" } });
  await api("/v1/admin/quality/run", { method: "POST", body: { season: 2025 } });

  context = await chromium.launchPersistentContext(join(worker.scratch, "chromium-profile"), { ...CHROMIUM_LAUNCH, viewport: { width: 1200, height: 900 } });
});

afterAll(async () => {
  await context?.close();
  await worker?.dispose();
});

describe("GET /status in chromium", () => {
  it("the sign-in form opens a session and the page shows the checks, the trend chart and the jobs; screenshot saved", async () => {
    const latest = await api("/v1/admin/quality");
    expect(latest.run).toMatchObject({ status: "fail", checksFailed: 1 });

    const page = await context.newPage();
    const first = await page.goto(`${base}/status`);
    expect(first!.status()).toBe(401);
    await page.fill("#token", TOKEN);
    // The navigation the form starts, to its loaded page (waiting only for the GET's response once let the reload
    // below start before that navigation committed: "Not attached to an active page").
    const [signedIn] = await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click('button[type="submit"]')]);
    expect(signedIn!.status()).toBe(200);
    expect(signedIn!.request().method()).toBe("GET");
    expect(signedIn!.url()).toBe(`${base}/status`);

    // The page itself, loaded again with the session: what it loads and what the console says (CSP violations would
    // show there; the sign-in's 401 would too, hence listening only from here).
    const problems: string[] = [];
    page.on("console", (message) => problems.push(`${message.type()}: ${message.text()}`));
    page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
    const requests: string[] = [];
    page.on("request", (request) => requests.push(request.url()));
    const response = await page.reload();
    expect(response!.status()).toBe(200);
    expect(page.url()).toBe(`${base}/status`);
    await expect.poll(() => page.title()).toBe("firsttd status");

    // Checks: one row per check, the failing one first with its count and sample keys.
    const rows = page.locator("table#checks tbody tr");
    expect(await rows.count()).toBe(CHECKS.length);
    const failing = page.locator('table#checks tr[data-check="games_final_without_first_td"]');
    expect(await failing.isVisible()).toBe(true);
    expect(await rows.first().getAttribute("data-check")).toBe("games_final_without_first_td");
    expect(await failing.locator("td").nth(3).innerText()).toBe("fail");
    expect(await failing.locator("td").nth(4).innerText()).toBe("6");
    expect(await failing.locator("td.keys code").allInnerTexts()).toEqual([
      "games#2025_13_DEN_WAS",
      "games#2025_13_HOU_IND",
      "games#2025_13_JAX_TEN",
      "games#2025_13_LA_CAR",
      "games#2025_13_LV_LAC",
    ]);
    expect(await page.locator('table#checks tr[data-status="pass"]').count()).toBe(CHECKS.length - 1);

    // The chart: an inline SVG with a visible line for the failing check, three points 8 -> 7 -> 6.
    const chart = page.locator("svg#trend-chart");
    expect(await chart.isVisible()).toBe(true);
    expect(await chart.getAttribute("data-runs")).toBe("3");
    const line = chart.locator('g.series[data-check="games_final_without_first_td"] polyline');
    expect(await line.isVisible()).toBe(true);
    const ys = (await line.getAttribute("points"))!.split(" ").map((p) => Number(p.split(",")[1]));
    expect(ys).toHaveLength(3);
    expect(ys[0]! < ys[1]! && ys[1]! < ys[2]!).toBe(true);
    const box = await chart.boundingBox();
    expect(box!.width).toBeGreaterThan(600);
    expect(await page.locator('.legend li[data-check="games_final_without_first_td"]').innerText()).toContain("6 now, max 8");

    // Jobs: the quality job's last sync_runs row, and the last quality run.
    expect(await page.locator('table#jobs tr[data-job="quality"]').isVisible()).toBe(true);
    expect(await page.locator('table#jobs tr[data-job="quality-run"]').innerText()).toContain(`#${latest.run.id}`);

    // Nothing but the page itself was loaded, and nothing complained (CSP violations would show in the console).
    expect(new Set(requests.map((u) => new URL(u).origin))).toEqual(new Set([base]));
    expect(problems).toEqual([]);

    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(20_000);
    await page.close();
  });

  it("a token in the URL is refused, a wrong one too, the right one signs in; signing out ends the session for good", async () => {
    await context.clearCookies();
    const page = await context.newPage();
    const inUrl = await page.goto(`${base}/status?token=${encodeURIComponent(TOKEN)}`);
    expect(inUrl!.status()).toBe(400);
    expect(await page.locator("#login-problem").innerText()).toContain("never accepted");
    expect(await page.content()).not.toContain(TOKEN);
    expect(await context.cookies(`${base}/status`)).toEqual([]);

    const first = await page.goto(`${base}/status`);
    expect(first!.status()).toBe(401);
    await page.fill("#token", "not-the-token");
    await page.click('button[type="submit"]');
    expect(await page.locator("#login-problem").innerText()).toContain("unknown or revoked");
    await page.fill("#token", TOKEN);
    await Promise.all([page.waitForURL(`${base}/status`), page.click('button[type="submit"]')]);
    expect(await page.locator("svg#trend-chart").isVisible()).toBe(true);
    const cookie = (await context.cookies(`${base}/status`)).find((c) => c.name === "ftd_status");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/status" });
    expect(cookie!.value).not.toContain(TOKEN);
    expect(cookie!.value).toMatch(/^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/);
    // The session lasts across reloads; signing out ends it, and the old cookie put back is refused.
    await page.reload();
    expect(await page.locator("table#checks").isVisible()).toBe(true);
    await Promise.all([page.waitForURL(`${base}/status`), page.click('header button[type="submit"]')]);
    expect(await page.locator("#token").isVisible()).toBe(true);
    expect(await context.cookies(`${base}/status`)).toEqual([]);
    await context.addCookies([{ ...cookie!, expires: -1 }]);
    const replayed = await page.goto(`${base}/status`);
    expect(replayed!.status()).toBe(401);
    expect(await page.locator("#login-problem").innerText()).toContain("The session has ended");
    await page.close();
  });
});
