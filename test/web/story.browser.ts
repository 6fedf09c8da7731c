/**
 * The players' web app in a real browser, as the people of a league use it from their phones (360 px wide): the
 * Worker on a temporary local D1 with the demo loaded as of today (test/helpers/browser-harness.ts), Debian's
 * chromium through playwright-core, every page driven by its labels and button names.
 *
 * Avery makes an account through the operator's invite link and starts "Sunday Crew"; Blair opens its invite link,
 * joins, adds a passkey (a virtual authenticator over CDP), picks a player in a game of the open week, changes the
 * pick, sees the league count it, signs out and back in with the passkey. Avery picks too; Cory makes his account
 * through open sign-up (/sign-up), joins by the same link and picks.
 * Then kickoff passes (the game's kickoff moved into the past in the D1: the Worker reads the real clock), Blair's
 * change from the page still open is refused, the game page shows everyone's picks; the operator records the first
 * TD and the game page and the league board show the grades and the ranks.
 *
 * Every page visited is saved as a screenshot (test/web/__screenshots__/, git-ignored), checked by axe-core (no
 * serious or critical violation), checked for width (nothing wider than the phone) and for console errors (none).
 * Run: npm run test:browser (not part of `npm test`: it needs chromium and runs in Node, not workerd).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, CHROMIUM_LAUNCH, chromiumIsInstalled, ROOT, startDemoWorker, type LocalWorker } from "../helpers/browser-harness";

const SCREENSHOTS = join(ROOT, "test", "web", "__screenshots__");
const ADMIN_TOKEN = `browser-story-${crypto.randomUUID()}`;
const PHONE = { width: 360, height: 780 };
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

let worker: LocalWorker;
let browser: Browser;
let shots = 0;

/**
 * One person's phone: a browser context of its own (cookies), one tab, what its console said since the last check.
 * `check` is run on every page the story shows: screenshot, axe-core, width, console.
 */
class Phone {
  readonly problems: string[] = [];

  private constructor(
    readonly who: string,
    readonly context: BrowserContext,
    readonly page: Page,
  ) {
    page.on("console", (message) => {
      if (message.type() === "error") this.problems.push(`console error on ${page.url()}: ${message.text()} (${message.location().url})`);
    });
    page.on("pageerror", (error) => this.problems.push(`page error on ${page.url()}: ${error.message}`));
  }

  static async open(who: string): Promise<Phone> {
    // The pages' CSP stays on (script-src 'self'): a violation shows as a console error. axe-core is evaluated through
    // the DevTools protocol, which the CSP does not govern.
    const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, locale: "en-US", timezoneId: "America/New_York" });
    return new Phone(who, context, await context.newPage());
  }

  goto(path: string) {
    return this.page.goto(`${worker.origin}${path}`);
  }

  /** Clicks and waits for the page it leads to (a form post's redirect, or a script's navigation); its path. */
  async submit(button: ReturnType<Page["getByRole"]>): Promise<string> {
    const navigated = this.page.waitForEvent("framenavigated", { predicate: (frame) => frame === this.page.mainFrame(), timeout: 30_000 });
    await button.click();
    await navigated;
    await this.page.waitForLoadState("load");
    return new URL(this.page.url()).pathname;
  }

  /** The page as it stands: saved, and held to the accessibility, width and console rules. */
  async check(name: string, options: { allowedConsoleErrors?: RegExp[] } = {}) {
    const { page } = this;
    await page.waitForLoadState("load");
    const file = join(SCREENSHOTS, `${String(++shots).padStart(2, "0")}-${this.who}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });

    await page.evaluate(AXE_SOURCE);
    // Runs in the page (tsconfig has no DOM types: the page's globals are reached through globalThis).
    const { violations, rulesPassed }: { violations: AxeViolation[]; rulesPassed: number } = await page.evaluate(async () => {
      const { axe, document } = globalThis as any;
      const results = await axe.run(document);
      return { violations: results.violations, rulesPassed: results.passes.length };
    });
    expect(rulesPassed, `axe-core ran on ${name}`).toBeGreaterThan(10);
    const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(serious.map(describeViolation), `axe-core on ${name} (${page.url()})`).toEqual([]);

    const width: number = await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth);
    expect(width, `${name}: nothing wider than the phone`).toBeLessThanOrEqual(PHONE.width);

    const allowed = options.allowedConsoleErrors ?? [];
    const unexpected = this.problems.filter((problem) => !allowed.some((pattern) => pattern.test(problem)));
    expect(unexpected, `console errors up to ${name}`).toEqual([]);
    this.problems.length = 0;
  }

  /** Text of the main region, whitespace collapsed. */
  async main(): Promise<string> {
    return (await this.page.locator("main").innerText()).replace(/\s+/g, " ");
  }

  close() {
    return this.context.close();
  }
}

function describeViolation(v: AxeViolation): string {
  const nodes = v.nodes.map((n) => `    ${n.target.join(" ")}: ${(n.failureSummary ?? "").replace(/\s+/g, " ")}`).join("\n");
  return `${v.id} (${v.impact}): ${v.help} ${v.helpUrl}\n${nodes}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

interface StoryGame {
  id: string;
  title: string;
  homeTeam: string;
  awayTeam: string;
}

/** The first game of the demo's open week still ahead, from the API's week listing (never an id known in advance). */
async function openGame(): Promise<StoryGame> {
  const { games } = await worker.api(`/v1/games?season=${worker.seed.season}&week=${worker.seed.week}`);
  const game = (games as any[]).find((g) => !g.locked && !g.isPlaceholder && g.kickoffAt && Date.parse(g.kickoffAt) > Date.now() + 3_600_000);
  expect(game, `an open game in ${worker.seed.season} week ${worker.seed.week}`).toBeDefined();
  return { id: game.id, title: `${game.awayTeam} at ${game.homeTeam}`, homeTeam: game.homeTeam, awayTeam: game.awayTeam };
}

/** Wide receivers of a team on the game page (position filter, as a person would narrow the list): their names. */
async function receiversOn(phone: Phone, team: string): Promise<{ name: string; id: string }[]> {
  await phone.page.getByLabel("Position").selectOption("WR");
  const rows = phone.page.locator(`#players fieldset:has(legend:text-matches("^${team} ")) li:not([hidden])`);
  await expect.poll(() => rows.count()).toBeGreaterThan(1);
  const found: { name: string; id: string }[] = [];
  for (const row of await rows.all()) {
    found.push({ name: (await row.locator(".name").innerText()).trim(), id: (await row.locator("input").getAttribute("value"))! });
  }
  return found;
}

/** A receiver's radio button, by its label: his name, then his position ("Jalen Nailor WR #83 · MIN · ..."). */
function receiverRadio(phone: Phone, name: string) {
  return phone.page.getByRole("radio", { name: new RegExp(`^${escapeRegExp(name)} WR\\b`) });
}

beforeAll(async () => {
  expect(chromiumIsInstalled(), `${CHROMIUM} missing: apt-get install -y chromium`).toBe(true);
  // A run leaves this run's pictures only (the folder's .gitignore stays).
  mkdirSync(SCREENSHOTS, { recursive: true });
  for (const file of readdirSync(SCREENSHOTS)) if (file.endsWith(".png")) rmSync(join(SCREENSHOTS, file));
  // Open sign-up, so that the story also passes through /sign-up (invite links work the same either way).
  worker = await startDemoWorker({ name: "story", adminToken: ADMIN_TOKEN, vars: { SIGN_UP: "open" } });
  browser = await chromium.launch(CHROMIUM_LAUNCH);
});

afterAll(async () => {
  await browser?.close();
  await worker?.dispose();
});

describe("a league's week on phones, in chromium", () => {
  it("invite, join, passkey, pick and change, counts, sign in again with the passkey, the lock at kickoff, the grade and the board", async () => {
    const game = await openGame();
    const gamePath = `/games/${encodeURIComponent(game.id)}`;

    // Avery: the operator's invite link makes an account, then Avery starts a league from the home page.
    const operatorInvite = await worker.api("/v1/invites", { method: "POST", body: { maxUses: 1 } });
    const avery = await Phone.open("avery");
    await avery.goto(`/join/${operatorInvite.code}`);
    await expect.poll(() => avery.page.getByRole("heading", { level: 1 }).innerText()).toBe("Create your account");
    await avery.check("operator-invite");
    await avery.page.getByLabel("Display name").fill("Avery");
    expect(await avery.submit(avery.page.getByRole("button", { name: "Join" }))).toBe("/me");
    expect(await avery.main()).toContain("Your account is ready.");
    await avery.check("account-ready");

    await avery.goto("/");
    await avery.check("home");
    await avery.page.getByLabel("League name").fill("Sunday Crew");
    const leaguePath = await avery.submit(avery.page.getByRole("button", { name: "Create league" }));
    expect(leaguePath).toMatch(/^\/leagues\/\d+$/);
    await expect.poll(() => avery.page.getByRole("heading", { level: 1 }).innerText()).toBe("Sunday Crew");
    const inviteLink = await avery.page.getByLabel("Invite link").inputValue();
    expect(inviteLink.startsWith(`${worker.origin}/join/`)).toBe(true);
    await avery.check("league-created");

    // Blair: opens the link on a phone with a platform authenticator (virtual, over CDP), joins, adds a passkey.
    const blair = await Phone.open("blair");
    const cdp = await blair.context.newCDPSession(blair.page);
    await cdp.send("WebAuthn.enable");
    const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
      options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
    await blair.page.goto(inviteLink);
    await expect.poll(() => blair.page.getByRole("heading", { level: 1 }).innerText()).toBe("Join Sunday Crew");
    expect(await blair.main()).toContain("Commissioner Avery");
    await blair.check("invite");
    await blair.page.getByLabel("Display name").fill("Blair");
    expect(await blair.submit(blair.page.getByRole("button", { name: "Join" }))).toBe(leaguePath);
    expect(await blair.main()).toContain("Welcome: your account is ready and you joined the league.");
    expect(await blair.page.locator("#member-list").innerText()).toContain("Blair (you)");
    await blair.check("joined");

    await blair.page.getByLabel("Passkey name (optional)").fill("Blair's phone");
    expect(await blair.submit(blair.page.getByRole("button", { name: "Add a passkey" }))).toBe("/me");
    await expect.poll(() => blair.main()).toContain("Your passkey is added");
    expect(await blair.page.locator("#passkeys").locator("..").innerText()).toContain("Blair's phone");
    const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]!.isResidentCredential).toBe(true);
    await blair.check("passkey-added");

    // Blair picks in the open game, from the week's list, then changes the pick.
    await blair.goto("/");
    await blair.check("week");
    expect(await blair.submit(blair.page.getByRole("link", { name: game.title, exact: true }))).toBe(gamePath);
    expect(await blair.page.locator("#my-pick").innerText()).toBe("You have no pick in this game yet.");
    await blair.check("game-open");
    const homeReceivers = await receiversOn(blair, game.homeTeam);
    const awayReceivers = await receiversOn(blair, game.awayTeam);
    const [first, second] = homeReceivers as [{ name: string; id: string }, { name: string; id: string }];
    await receiverRadio(blair, first.name).check();
    expect(await blair.submit(blair.page.getByRole("button", { name: "Pick", exact: true }))).toBe(gamePath);
    await expect.poll(() => blair.main()).toContain("Your pick is in.");
    expect(await blair.page.locator("#my-pick").innerText()).toContain(`Your pick: ${first.name}`);
    await blair.check("picked");

    await receiversOn(blair, game.homeTeam);
    await receiverRadio(blair, second.name).check();
    expect(await blair.submit(blair.page.getByRole("button", { name: "Change pick" }))).toBe(gamePath);
    await expect.poll(() => blair.main()).toContain("Your pick is changed.");
    expect(await blair.page.locator("#my-pick").innerText()).toContain(`Your pick: ${second.name}`);
    expect(await blair.main()).toContain("Sunday Crew: 1 of 2 members have picked");
    await blair.check("pick-changed");

    // The count on the league's pages: the week's list and the league's week board.
    await blair.goto("/");
    expect(await blair.main()).toContain("Sunday Crew: 1 of 2 picked");
    await blair.goto(leaguePath);
    const blairRow = blair.page.locator("#week-board tr", { hasText: "Blair (you)" });
    await expect.poll(() => blairRow.locator("td").nth(2).innerText()).toBe("1");
    await blair.check("league-counts");

    // Signed out, Blair signs in again with the passkey through /sign-in.
    expect(await blair.submit(blair.page.getByRole("button", { name: "Sign out" }))).toBe("/");
    expect(await blair.main()).toContain("You are signed out.");
    await blair.check("signed-out");
    await blair.goto("/sign-in");
    await blair.check("sign-in");
    expect(await blair.submit(blair.page.getByRole("button", { name: "Sign in" }))).toBe("/");
    await expect.poll(() => blair.page.getByRole("link", { name: "My account" }).isVisible()).toBe(true);
    expect(await blair.main()).toContain(`Your pick: ${second.name}`);
    await blair.check("signed-in-with-passkey");

    // Avery picks the other team's receiver.
    await avery.goto(gamePath);
    const [averyPick] = awayReceivers as [{ name: string; id: string }];
    await receiversOn(avery, game.awayTeam);
    await receiverRadio(avery, averyPick.name).check();
    expect(await avery.submit(avery.page.getByRole("button", { name: "Pick", exact: true }))).toBe(gamePath);
    await expect.poll(() => avery.main()).toContain("Your pick is in.");
    expect(await avery.main()).toContain("Sunday Crew: 2 of 2 members have picked");
    await avery.check("picked");

    // Cory has no invite of his own: open sign-up makes his account, Avery's link then joins him, and he picks.
    const cory = await Phone.open("cory");
    await cory.goto("/");
    expect(await cory.submit(cory.page.getByRole("link", { name: "Create an account" }))).toBe("/sign-up");
    await cory.check("sign-up");
    await cory.page.getByLabel("Display name").fill("Cory");
    expect(await cory.submit(cory.page.getByRole("button", { name: "Create account" }))).toBe("/me");
    expect(await cory.main()).toContain("Your account is ready.");
    expect(await cory.page.getByRole("button", { name: "Add a passkey" }).isVisible()).toBe(true);
    await cory.check("account-ready");
    await cory.page.goto(inviteLink);
    expect(await cory.main()).toContain("You join as Cory.");
    await cory.check("invite");
    expect(await cory.submit(cory.page.getByRole("button", { name: "Join" }))).toBe(leaguePath);
    expect(await cory.main()).toContain("You joined the league.");
    await cory.goto(gamePath);
    await receiversOn(cory, game.homeTeam);
    await receiverRadio(cory, first.name).check();
    expect(await cory.submit(cory.page.getByRole("button", { name: "Pick", exact: true }))).toBe(gamePath);
    await expect.poll(() => cory.main()).toContain("Your pick is in.");
    expect(await cory.main()).toContain("Sunday Crew: 3 of 3 members have picked");
    await cory.check("picked");

    // Kickoff passes while Blair's game page is open: the change sent from it is refused (409), with the rule.
    await blair.goto(gamePath);
    await receiversOn(blair, game.homeTeam);
    await receiverRadio(blair, first.name).check();
    const moved = worker.sql(
      `UPDATE games SET kickoff_at = strftime('%Y-%m-%dT%H:%M:00Z', 'now', '-2 minutes') WHERE id = '${game.id}' RETURNING kickoff_at AS kickoffAt`,
    );
    expect(moved).toHaveLength(1);
    // Fake timers from here on (time still flows), so that the live region's 30 s refresh can be run at once.
    await blair.context.clock.install();
    const [refused] = await Promise.all([
      blair.page.waitForResponse((r) => r.request().method() === "POST" && r.url().endsWith("/pick/change")),
      blair.page.getByRole("button", { name: "Change pick" }).click(),
    ]);
    expect(refused.status()).toBe(409);
    await blair.page.waitForLoadState("load");
    expect(await blair.page.locator("#form-error").innerText()).toContain("Picks lock at kickoff");
    await blair.check("change-refused-after-kickoff", { allowedConsoleErrors: [/status of 409/] });
    // The game is live: its region refreshes from the game's own address, not the form's the refusal answered.
    const refresh = blair.page.waitForResponse((r) => r.request().resourceType() === "fetch");
    await blair.page.clock.runFor(31_000);
    expect(new URL((await refresh).url()).pathname).toBe(gamePath);
    expect((await refresh).status()).toBe(200);

    // Locked: no form, and the league's picks are shown to its members.
    await blair.goto(gamePath);
    expect(await blair.page.getByRole("button", { name: "Change pick" }).count()).toBe(0);
    expect(await blair.page.locator("#my-pick").innerText()).toContain(`Your pick: ${second.name}`);
    const picksTable = blair.page.locator("#live table");
    await expect.poll(() => picksTable.locator("caption").innerText()).toBe("Sunday Crew: 3 of 3 picked");
    expect(await picksTable.locator("tbody").innerText()).toMatch(new RegExp(`Avery\\s+${escapeRegExp(averyPick.name)}`));
    await blair.check("locked");

    // The first TD is recorded (Avery's receiver): the game page and the league board show the grades and the ranks.
    await worker.api(`/v1/admin/games/${encodeURIComponent(game.id)}/first-td`, {
      method: "PUT",
      body: { type: "player", playerId: averyPick.id, kind: "reception" },
    });
    await blair.page.reload();
    await expect.poll(() => blair.page.locator("#first-td").innerText()).toContain(`First TD: ${averyPick.name}`);
    expect(await blair.page.locator("#my-pick").innerText()).toContain("Lost");
    const averyRow = picksTable.locator("tbody tr", { hasText: "Avery" });
    expect(await averyRow.innerText()).toContain("Won");
    await blair.check("graded");

    await blair.goto(leaguePath);
    const board = blair.page.locator("#week-board tbody tr");
    await expect.poll(() => board.count()).toBe(3);
    const rows = (await board.allInnerTexts()).map((row) => row.split("\t").map((cell) => cell.trim()));
    // Ranked by wins, ties broken by units: Avery first; Blair and Cory level on both share second.
    expect(rows.map((r) => [r[0], r[1], r[2], r[3]])).toEqual([
      ["1", "Avery", "1", "1–0"],
      ["2", expect.stringMatching(/^(Blair \(you\)|Cory)$/), "1", "0–1"],
      ["2", expect.stringMatching(/^(Blair \(you\)|Cory)$/), "1", "0–1"],
    ]);
    expect(await blair.page.locator("#week-winners").innerText()).toBe(`Week ${worker.seed.week} winner: Avery`);
    await blair.check("board-graded");

    await avery.goto(leaguePath);
    expect(await avery.page.locator("#season-board tbody tr").first().innerText()).toMatch(/^1\s+Avery \(you\)\s+1\s+1–0/);
    await avery.check("board-graded");

    await Promise.all([avery.close(), blair.close(), cory.close()]);
  });
});
