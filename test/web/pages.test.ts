import { describe, expect, it } from "vitest";
import { createUserWithToken, defaultKickoff, makePick, seedMarketOdds, seedMatchup, seedTeams, setFirstTd } from "../helpers/api";
import { accept, createLeague, uniqueName } from "../helpers/invites";
import { kickoffPassesNow, realNow } from "../helpers/real-clock";
import { page, plainText, textOf } from "../helpers/web-pages";
import { signInAs } from "../helpers/web-session";
import { nowIso } from "../../src/lib/clock";

/**
 * Each page for the right viewer, with the right status: signed out (the landing page, or a redirect to /sign-in
 * that comes back), a member, a non-member (403), something unknown (404). What each page shows is checked on the
 * markup a browser without JavaScript gets.
 */

const SEASON = Number(defaultKickoff(1).slice(0, 4));
const WEEK = 3;
let worlds = 0;

/** Two games of a week (the first world: WEEK, the earliest week seeded, so "this week"), a league of two, an outsider. */
async function world() {
  const week = WEEK + worlds++;
  const teams = await seedTeams(SEASON, ["KC", "LA", "BUF", "MIA"]);
  const openGame = await seedMatchup(SEASON, week, "KC", "LA");
  const otherGame = await seedMatchup(SEASON, week, "BUF", "MIA", { kickoffAt: defaultKickoff(week).replace("T17", "T20") });
  const commissioner = await createUserWithToken(uniqueName("Cam"));
  const member = await createUserWithToken(uniqueName("Mo"));
  const outsider = await createUserWithToken(uniqueName("Otto"));
  const league = await createLeague(commissioner.token, { name: "Sunday Crew" });
  expect((await accept(league.invite.code, { token: member.token })).status).toBe(201);
  return { week, teams, openGame, otherGame, commissioner, member, outsider, league };
}

describe("signed out", () => {
  it("/ says what this is, with a way to sign in", async () => {
    const home = await page("/");
    expect(home.status).toBe(200);
    expect(home.headers.get("content-type")).toMatch(/^text\/html/);
    expect(home.html).toMatch(/^<!doctype html><html lang="en">/);
    expect(home.html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1"/>');
    expect(home.html).toContain('href="/sign-in"');
    expect(plainText(home.html)).toContain("Pick the first touchdown scorer");
  });

  it("the pages of a signed-in user send the browser to /sign-in, which comes back to them", async () => {
    for (const path of ["/games/2026_03_KC_LA", "/leagues/1", "/me", "/me?season=2025"]) {
      const response = await page(path);
      expect(response.status, path).toBe(303);
      expect(response.location).toBe(`/sign-in?next=${encodeURIComponent(path)}`);
    }
    const signIn = await page(`/sign-in?next=${encodeURIComponent("/leagues/1")}`);
    expect(signIn.status).toBe(200);
    expect(signIn.html).toMatch(/<button type="button" id="passkey-sign-in" data-next="\/leagues\/1" hidden="">Sign in<\/button>/);
  });

  it("/sign-in never sends anyone to another site afterwards", async () => {
    for (const next of ["//evil.example", "https://evil.example/", "/\\evil.example"]) {
      const signIn = await page(`/sign-in?next=${encodeURIComponent(next)}`);
      expect(signIn.html).toContain('data-next="/"');
    }
  });

  it("a cookie that names no live session is no viewer: the landing page, and the cookie cleared", async () => {
    const home = await page("/", { headers: { cookie: "ftd_session=forged.value" } });
    expect(home.status).toBe(200);
    expect(plainText(home.html)).toContain("Pick the first touchdown scorer");
    expect(home.headers.get("set-cookie")).toMatch(/ftd_session=;/);
  });
});

describe("signed in", () => {
  it("/ lists this week's games: kickoff in UTC for the script to localize, countdown, lock state, my pick, league counts", async () => {
    const w = await world();
    await makePick(w.member, w.openGame, w.teams.KC!.WR);
    await seedMarketOdds([
      { gameId: w.openGame, playerId: w.teams.LA!.RB, playerName: "LA RB", impliedProbability: 0.1, americanOdds: 900, snapshotTime: nowIso(new Date(realNow() - 5 * 60_000)) },
    ]);
    const session = await signInAs(w.member.id);
    const home = await page("/", { session });
    expect(home.status).toBe(200);
    expect(textOf(home.html, "main")).toContain(`Week ${WEEK}, ${SEASON}`);
    const kickoff = defaultKickoff(WEEK);
    expect(home.html).toContain(`<time datetime="${kickoff}" data-local="">`);
    expect(home.html).toContain(`data-countdown="${kickoff}"`);
    const games = textOf(home.html, "games")!;
    expect(games).toContain("KC at LA");
    expect(games).toContain("BUF at MIA");
    expect(games).toContain("Open");
    expect(games).toContain(`Your pick: KC WR ${SEASON} (KC WR)`);
    expect(games).toContain("Sunday Crew: 1 of 2 picked");
    expect(games).toContain("Sunday Crew: 0 of 2 picked");
    expect(home.html).toContain(`href="/games/${w.openGame}"`);
    expect(home.html).toContain(`href="/leagues/${w.league.id}"`);
  });

  it("/games/{id} before kickoff: both teams' pickable players with price and first TDs, DEF included; filters on the server", async () => {
    const w = await world();
    await seedMarketOdds([
      { gameId: w.openGame, playerId: w.teams.LA!.RB, playerName: "LA RB", impliedProbability: 0.125, americanOdds: 700, snapshotTime: nowIso(new Date(realNow() - 5 * 60_000)) },
    ]);
    const session = await signInAs(w.member.id);
    const game = await page(`/games/${w.openGame}`, { session });
    expect(game.status).toBe(200);
    const players = textOf(game.html, "players")!;
    for (const team of ["KC", "LA"]) {
      for (const slot of ["QB", "RB", "WR", "TE", "K"]) expect(players).toContain(`${team} ${slot} ${SEASON}`);
      expect(players).toContain(`Defense DEF · ${team} ·`);
      // Not pickable: a lineman, an inactive receiver.
      expect(players).not.toContain(`${team} OL ${SEASON}`);
      expect(players).not.toContain(`${team} INA ${SEASON}`);
    }
    expect(players).not.toContain("BUF");
    expect(players).toContain("RB · LA · +700 (12.5%) · 0 first TDs this season");
    expect(game.html).toMatch(/<label for="position">Position<\/label>/);
    expect(game.html).toMatch(/<label for="q">Name<\/label>/);
    expect(game.html).toContain('<button type="submit">Pick</button>');
    expect(textOf(game.html, "player-count")).toBe("12 players shown");

    const filtered = await page(`/games/${w.openGame}?position=WR&q=kc`, { session });
    expect(textOf(filtered.html, "player-count")).toBe("1 player shown");
    // Every row is sent (the script can widen the filter again); the others are hidden.
    expect(filtered.html).toMatch(new RegExp(`<li data-name="kc wr ${SEASON}" data-position="WR"><label>`));
    expect(filtered.html).toMatch(new RegExp(`<li data-name="la wr ${SEASON}" data-position="WR" hidden="">`));
  });

  it("/games/{id} after kickoff: every league member's pick, the score and the first TD, refreshing while live", async () => {
    const w = await world();
    await makePick(w.member, w.openGame, w.teams.KC!.WR);
    await makePick(w.commissioner, w.openGame, w.teams.LA!.TE);
    await kickoffPassesNow(w.openGame);
    const session = await signInAs(w.member.id);
    const live = await page(`/games/${w.openGame}`, { session });
    expect(live.status).toBe(200);
    expect(live.html).toContain(`<section id="live" aria-labelledby="live-heading" data-live-refresh="30" data-live-src="/games/${w.openGame}">`);
    expect(live.html).toContain('id="live-toggle"');
    const region = textOf(live.html, "live")!;
    expect(region).toContain(`${w.member.name} (you)`);
    expect(region).toContain(`KC WR ${SEASON} (KC)`);
    expect(region).toContain(w.commissioner.name);
    expect(region).toContain(`LA TE ${SEASON} (LA)`);
    expect(region).toContain("Sunday Crew: 2 of 2 picked");
    expect(live.html).not.toContain('id="players"');

    await setFirstTd(w.openGame, { type: "player", playerId: w.teams.KC!.WR, kind: "reception" });
    const graded = await page(`/games/${w.openGame}`, { session });
    const result = textOf(graded.html, "live")!;
    expect(result).toContain(`First TD: KC WR ${SEASON}, KC (reception).`);
    expect(textOf(graded.html, "my-pick")).toContain("Won");
  });

  it("/games/{id} for a game that does not exist: 404", async () => {
    const user = await createUserWithToken();
    const session = await signInAs(user.id);
    const missing = await page("/games/1999_01_XX_YY", { session });
    expect(missing.status).toBe(404);
    expect(textOf(missing.html, "problem")).toBe("No game 1999_01_XX_YY.");
  });

  it("/leagues/{id}: boards with my row highlighted, members, the invite link with copy button and QR code", async () => {
    const w = await world();
    const session = await signInAs(w.member.id);
    const league = await page(`/leagues/${w.league.id}`, { session });
    expect(league.status).toBe(200);
    const main = textOf(league.html, "main")!;
    expect(main).toContain("Sunday Crew");
    expect(main).toContain(`Commissioner: ${w.commissioner.name} · 2 members`);
    expect(league.html).toContain(`<input id="invite-link" type="text" readonly="" value="${w.league.invite.url}"/>`);
    expect(league.html).toContain('<button type="button" class="secondary" data-copy="invite-link" data-status="copy-status" hidden="">Copy link</button>');
    expect(league.html).toMatch(/<div role="img" aria-label="QR code to scan to join"><svg aria-hidden="true" focusable="false" xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="0 0 \d+ \d+">/);
    expect(textOf(league.html, "members")).toBe("Members (2)");
    expect(textOf(league.html, "member-list")).toBe(`${w.commissioner.name} · commissioner ${w.member.name} (you)`);
    expect(league.html).not.toContain('id="manage-members"');
    // A member sees no commissioner's settings.
    expect(league.html).not.toContain('action="/leagues/' + w.league.id + '/settings"');
    expect(league.html).toContain("Leave league");

    const asCommissioner = await page(`/leagues/${w.league.id}`, { session: await signInAs(w.commissioner.id) });
    expect(asCommissioner.html).toContain(`action="/leagues/${w.league.id}/settings"`);
    expect(asCommissioner.html).toContain('<label for="settings-name">League name</label>');
    expect(asCommissioner.html).toContain('<label for="member">Member</label>');
    expect(asCommissioner.html).toContain(`<option value="${w.member.id}">${w.member.name}</option>`);
    for (const button of ["Remove member", "Make commissioner", "Issue sign-in link"]) expect(asCommissioner.html).toContain(`>${button}</button>`);
  });

  it("/leagues/{id}: 403 for a user who is no member, 404 for no such league", async () => {
    const w = await world();
    const session = await signInAs(w.outsider.id);
    const forbidden = await page(`/leagues/${w.league.id}`, { session });
    expect(forbidden.status).toBe(403);
    expect(textOf(forbidden.html, "problem")).toBe("Only the league's members can see it.");
    expect((await page("/leagues/999999", { session })).status).toBe(404);
    expect((await page("/leagues/abc", { session })).status).toBe(404);
  });

  it("/me: picks by week with results, leagues, passkeys, sessions, tokens, the global-board opt-in", async () => {
    const w = await world();
    await makePick(w.member, w.openGame, w.teams.KC!.QB);
    const session = await signInAs(w.member.id);
    const me = await page("/me", { session });
    expect(me.status).toBe(200);
    expect(textOf(me.html, "main")).toContain(w.member.name);
    expect(me.html).toContain(`Week ${w.week}: 0 won, 0.00 units`);
    expect(me.html).toContain(`KC QB ${SEASON}`);
    expect(me.html).toContain('<label for="on-global-board">Show me on the global leaderboard</label>');
    expect(me.html).toContain('<button type="button" id="passkey-add" hidden="">Add a passkey</button>');
    expect(me.html).toContain("This browser");
    expect(me.html).toContain('<label for="token-name">Token name</label>');
  });

  it("the navigation links the admin's /status for admins only", async () => {
    const admin = await createUserWithToken(uniqueName("Ada"), true);
    const player = await createUserWithToken();
    expect((await page("/", { session: await signInAs(admin.id) })).html).toContain('<a href="/status">Status</a>');
    expect((await page("/", { session: await signInAs(player.id) })).html).not.toContain('href="/status"');
  });
});
