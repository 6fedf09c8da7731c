import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { nowIso } from "../../src/lib/clock";
import { ASSETS } from "../../src/web/assets";
import { WEB_CSP } from "../../src/web/layout";
import { createUserWithToken, defaultKickoff, makePick, seedMarketOdds, seedMatchup, seedPlayers, seedTeams, setFirstTd, type SeedPlayer } from "../helpers/api";
import { accept, createLeague, uniqueName } from "../helpers/invites";
import { realNow } from "../helpers/real-clock";
import { assetsOf, firstLoadBytes, page, type PageResponse } from "../helpers/web-pages";
import { signInAs, type WebSession } from "../helpers/web-session";

/**
 * Every page is light and self-contained: its first load (the HTML, then each stylesheet and script it loads) stays
 * under 100 KB uncompressed, for heavy but real cases (90-man preseason rosters with prices, a league of 120 with the
 * boards and picks of everyone, a season of picks); nothing is loaded from elsewhere; no inline script or style; the
 * CSP allows scripts from the Worker only. The markup keeps the rules the accessibility check (axe-core, in the
 * browser test) holds it to, as far as they can be read from the HTML: language, viewport, skip link, one main, one
 * h1, a label for every field, a name for every button.
 */

const BUDGET_BYTES = 100 * 1024;
const SEASON = Number(defaultKickoff(1).slice(0, 4));
const WEEK = 9;

interface World {
  pages: Record<string, { path: string; session: WebSession | null; status: number }>;
}

const world: World = { pages: {} };

/** A realistic preseason roster: 90 players, about 45 of them pickable, each with a price. */
async function bigRoster(team: string, gameId: string): Promise<void> {
  const players: SeedPlayer[] = [];
  const counts: Record<string, number> = { QB: 4, RB: 7, WR: 14, TE: 6, K: 2, OL: 17, DL: 14, LB: 10, DB: 16 };
  for (const [position, count] of Object.entries(counts)) {
    for (let i = 1; i <= count; i++) {
      players.push({ id: `${SEASON}-${team}-${position}${i}`, name: `${team} Longername-Hyphenated ${position} Player${i} Jr.`, team, position, jersey: players.length + 1 });
    }
  }
  await seedPlayers(SEASON, players);
  const at = nowIso(new Date(realNow() - 5 * 60_000));
  const pickable = players.filter((p) => ["QB", "RB", "WR", "TE", "K"].includes(p.position));
  for (let i = 0; i < pickable.length; i += 40) {
    await seedMarketOdds(
      pickable.slice(i, i + 40).map((p, j) => ({ gameId, playerId: p.id, playerName: p.name, impliedProbability: 0.02 + (i + j) / 1000, americanOdds: 4000 - (i + j) * 50, snapshotTime: at })),
    );
  }
}

beforeAll(async () => {
  const teams = await seedTeams(SEASON, ["KC", "LA", "BUF", "MIA", "NE", "NYJ", "DAL", "PHI"]);
  const open = await seedMatchup(SEASON, WEEK, "KC", "LA");
  await bigRoster("KC", open);
  await bigRoster("LA", open);
  const played = await seedMatchup(SEASON, WEEK, "BUF", "MIA", { kickoffAt: defaultKickoff(WEEK).replace("T17", "T20") });
  for (const [away, home] of [["NE", "NYJ"], ["DAL", "PHI"]] as const) await seedMatchup(SEASON, WEEK, away, home);

  // A league of 120 (its board kept sorted from 50 members on), everyone picking the game that is then played.
  const commissioner = await createUserWithToken(uniqueName("Commissioner With A Long Name"));
  const league = await createLeague(commissioner.token, { name: "The Longest League Name Anyone Gave" });
  const slots = ["QB", "RB", "WR", "TE", "K", "DEF"] as const;
  const members = [commissioner];
  for (let i = 0; i < 119; i++) {
    const member = await createUserWithToken(uniqueName(`Member ${i} Quite Long Display Name`));
    expect((await accept(league.invite.code, { token: member.token })).status).toBe(201);
    members.push(member);
  }
  for (const [i, member] of members.entries()) {
    const team = i % 2 === 0 ? "BUF" : "MIA";
    await makePick(member, played, teams[team]![slots[i % slots.length]!]);
  }
  await setFirstTd(played, { type: "player", playerId: teams.BUF!.WR, kind: "reception" });
  await env.DB.prepare("UPDATE games SET status = 'in_progress', home_score = 7, away_score = 0 WHERE id = ?").bind(played).run();

  // A season of picks for one member: 4 games a week for 12 more weeks.
  const pairs = [["KC", "LA"], ["BUF", "MIA"], ["NE", "NYJ"], ["DAL", "PHI"]] as const;
  for (let week = 10; week <= 21; week++) {
    for (const [g, [away, home]] of pairs.entries()) {
      const game = await seedMatchup(SEASON, week, away, home);
      await makePick(members[7]!, game, teams[g % 2 === 0 ? away : home]![slots[(week + g) % slots.length]!]);
    }
  }

  const cs = await signInAs(commissioner.id);
  const ms = await signInAs(members[7]!.id);
  world.pages = {
    "home, signed out": { path: "/", session: null, status: 200 },
    "home, signed in": { path: "/", session: cs, status: 200 },
    "game before kickoff (two 90-man rosters, all priced)": { path: `/games/${open}`, session: ms, status: 200 },
    "game live (a league of 120 picks)": { path: `/games/${played}`, session: ms, status: 200 },
    "league of 120, commissioner": { path: `/leagues/${league.id}?week=${WEEK}`, session: cs, status: 200 },
    "league of 120, member": { path: `/leagues/${league.id}?week=${WEEK}`, session: ms, status: 200 },
    "league, not a member": { path: `/leagues/${league.id}`, session: await signInAs((await createUserWithToken()).id), status: 403 },
    join: { path: `/join/${league.invite.code}`, session: null, status: 200 },
    "join, unknown link": { path: "/join/AAAAAAAAAAAAAAAAAAAAAA", session: null, status: 404 },
    "sign in": { path: "/sign-in", session: null, status: 200 },
    "sign-in link": { path: "/sign-in/link", session: null, status: 200 },
    "sign up, invite-only": { path: "/sign-up", session: null, status: 403 },
    "me (49 picks this season)": { path: "/me", session: ms, status: 200 },
  };
}, 120_000);

async function load(name: string): Promise<PageResponse> {
  const entry = world.pages[name]!;
  const response = await page(entry.path, { session: entry.session });
  expect(response.status, name).toBe(entry.status);
  return response;
}

describe("first load", () => {
  it("every page's HTML, stylesheet and scripts together stay under 100 KB (uncompressed)", async () => {
    const report: Record<string, number> = {};
    for (const name of Object.keys(world.pages)) {
      const weight = await firstLoadBytes(await load(name));
      report[name] = weight.total;
      expect(weight.total, `${name}: ${JSON.stringify(weight.parts)}`).toBeLessThan(BUDGET_BYTES);
    }
    console.log(JSON.stringify({ firstLoadBytes: report }));
  });

  it("/docs, the API reference, stays under 100 KB over the wire (gzip, as Cloudflare serves HTML)", async () => {
    const docs = await page("/docs");
    expect(docs.status).toBe(200);
    let gzipped = 0;
    const stream = new Blob([docs.html]).stream().pipeThrough(new CompressionStream("gzip"));
    for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) gzipped += chunk.byteLength;
    const assets = (await firstLoadBytes(docs)).total - new TextEncoder().encode(docs.html).byteLength;
    expect(gzipped + assets).toBeLessThan(BUDGET_BYTES);
  });

  it("assets: content-hashed URLs, cached for a year, typed; an old hash is 404", async () => {
    for (const asset of Object.values(ASSETS)) {
      expect(asset.url).toMatch(/^\/app\/[a-z]+\.[0-9a-f]{8}\.(js|css)$/);
      const response = await SELF.fetch(`http://localhost${asset.url}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      expect(response.headers.get("content-type")).toBe(asset.contentType);
      expect(await response.text()).toBe(asset.body);
    }
    expect((await SELF.fetch("http://localhost/app/app.00000000.js")).status).toBe(404);
  });
});

describe("every page", () => {
  it("loads nothing from elsewhere and runs no inline script or style, under CSP script-src 'self'", async () => {
    for (const name of Object.keys(world.pages)) {
      const response = await load(name);
      const html = response.html;
      expect(response.headers.get("content-security-policy"), name).toBe(WEB_CSP);
      expect(WEB_CSP).toContain("script-src 'self'");
      expect(response.headers.get("cache-control"), name).toBe("no-store");
      for (const script of html.match(/<script\b[^>]*>/g) ?? []) expect(script, name).toMatch(/^<script src="\/app\/[a-z]+\.[0-9a-f]{8}\.js" defer="">$/);
      expect(html, name).not.toMatch(/<script[^>]*>[^<]+<\/script>/);
      expect(html, name).not.toMatch(/\sstyle="|<style\b|\son[a-z]+="/i);
      expect(html, name).not.toMatch(/(src|href)="(https?:)?\/\//);
      for (const url of assetsOf(html)) expect(url.startsWith("/app/"), name).toBe(true);
    }
  });

  it("has what an accessibility check looks for first: language, viewport, skip link, one main, one h1, labelled fields, named buttons", async () => {
    for (const name of Object.keys(world.pages)) {
      const html = (await load(name)).html;
      expect(html, name).toMatch(/^<!doctype html><html lang="en">/);
      expect(html, name).toContain('<meta name="viewport" content="width=device-width, initial-scale=1"/>');
      expect(html, name).toContain('<a class="skip" href="#main">Skip to content</a>');
      expect(html.match(/<main\b/g)?.length, name).toBe(1);
      expect(html.match(/<h1\b/g)?.length, name).toBe(1);
      expect(html, name).toMatch(/<header class="site">[\s\S]*<nav aria-label="Main">[\s\S]*<\/header>[\s\S]*<main [\s\S]*<\/main>[\s\S]*<footer>/);
      const labelled = new Set([...html.matchAll(/<label for="([^"]+)"/g)].map((m) => m[1]));
      for (const field of html.match(/<(input|select|textarea)\b[^>]*>/g) ?? []) {
        if (/type="hidden"/.test(field)) continue;
        if (/type="radio"/.test(field)) continue; // each inside its <label> (checked below)
        const id = /\sid="([^"]+)"/.exec(field)?.[1];
        expect(id !== undefined && labelled.has(id), `${name}: ${field} has no label`).toBe(true);
      }
      for (const radio of html.match(/<label><input type="radio"[^>]*>/g) ?? []) expect(radio).toBeTruthy();
      expect(html.match(/<input type="radio"/g)?.length ?? 0, name).toBe(html.match(/<label><input type="radio"/g)?.length ?? 0);
      for (const button of html.match(/<button\b[^>]*>[\s\S]*?<\/button>/g) ?? []) {
        expect(button.replace(/<[^>]+>/g, "").trim().length, `${name}: ${button}`).toBeGreaterThan(0);
      }
    }
  });
});
