import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { api, countRows, createUserWithToken, defaultKickoff, makePick, seedMatchup, seedTeams } from "../helpers/api";
import { accept, createLeague, signUpInvite, uniqueName } from "../helpers/invites";
import { kickoffPassesNow } from "../helpers/real-clock";
import { page, plainText, post, textOf } from "../helpers/web-pages";
import { seedSignInLink, sessionCookieOf, signInAs, type WebSession } from "../helpers/web-session";

/**
 * The forms work without JavaScript: each posts to a web route that calls the same service as the API, answers a
 * redirect (303) whose page shows the change with a short message, or the page again with the API's message and
 * status when a rule refuses. Every form sent with the session cookie needs its CSRF field.
 */

const SEASON = Number(defaultKickoff(1).slice(0, 4));
let weeks = 0;

async function setup() {
  const week = 5 + weeks++;
  const teams = await seedTeams(SEASON, ["KC", "LA", "BUF", "MIA"]);
  const game = await seedMatchup(SEASON, week, "KC", "LA");
  const sameWeek = await seedMatchup(SEASON, week, "BUF", "MIA", { kickoffAt: defaultKickoff(week).replace("T17", "T21") });
  const user = await createUserWithToken(uniqueName("Pat"));
  return { week, teams, game, sameWeek, user, session: await signInAs(user.id) };
}

async function myPickIn(userId: number, gameId: string) {
  return env.DB.prepare("SELECT player_id AS playerId, changed_by AS changedBy FROM picks WHERE user_id = ? AND game_id = ?").bind(userId, gameId).first<{ playerId: string; changedBy: string }>();
}

describe("picking without JavaScript", () => {
  it("Pick, Change pick, Remove pick: each a POST answered by a redirect whose page shows the change", async () => {
    const s = await setup();
    const picked = await post(`/games/${s.game}/pick`, s.session, { playerId: s.teams.KC!.WR });
    expect(picked.status).toBe(303);
    expect(picked.location).toBe(`/games/${s.game}?flash=picked`);
    expect(await myPickIn(s.user.id, s.game)).toEqual({ playerId: s.teams.KC!.WR, changedBy: `session:${s.session.sessionId}` });
    const after = await page(picked.location!, { session: s.session });
    expect(textOf(after.html, "main")).toContain("Your pick is in.");
    expect(textOf(after.html, "my-pick")).toContain(`Your pick: KC WR ${SEASON} (KC WR)`);
    // The form now changes the pick, the current one selected.
    expect(after.html).toContain(`<form method="post" action="/games/${s.game}/pick/change">`);
    expect(after.html).toContain(`value="${s.teams.KC!.WR}" checked=""`);
    expect(after.html).toContain('<button type="submit">Change pick</button>');

    const changed = await post(`/games/${s.game}/pick/change`, s.session, { playerId: s.teams.LA!.TE });
    expect(changed.location).toBe(`/games/${s.game}?flash=pick-changed`);
    expect((await myPickIn(s.user.id, s.game))!.playerId).toBe(s.teams.LA!.TE);
    expect(textOf((await page(changed.location!, { session: s.session })).html, "my-pick")).toContain(`LA TE ${SEASON}`);

    const removed = await post(`/games/${s.game}/pick/remove`, s.session);
    expect(removed.location).toBe(`/games/${s.game}?flash=pick-removed`);
    expect(await myPickIn(s.user.id, s.game)).toBeNull();
    const empty = await page(removed.location!, { session: s.session });
    expect(textOf(empty.html, "my-pick")).toBe("You have no pick in this game yet.");
    expect(empty.html).toContain('<button type="submit">Pick</button>');
  });

  it("the same player twice in a week: 409, the page again with the rule and the game he was picked in", async () => {
    const s = await setup();
    await makePick(s.user, s.sameWeek, s.teams.BUF!.WR);
    // BUF plays twice that week (a made-up schedule): its receiver is pickable in both games.
    const other = await seedMatchup(SEASON, s.week, "KC", "BUF", { kickoffAt: defaultKickoff(s.week).replace("T17", "T23") });
    const refused = await post(`/games/${other}/pick`, s.session, { playerId: s.teams.BUF!.WR });
    expect(refused.status).toBe(409);
    const error = textOf(refused.html, "form-error")!;
    expect(error).toContain("You already picked this player this week.");
    expect(error).toContain("A player can be your pick only once a week, across all of the week's games.");
    expect(error).toContain(`You picked BUF WR ${SEASON} in ${s.sameWeek} this week`);
    expect(refused.html).toContain(`href="/games/${s.sameWeek}"`);
    // The page is the game's page, the player chosen still selected.
    expect(refused.html).toContain(`value="${s.teams.BUF!.WR}" checked=""`);
    expect(await myPickIn(s.user.id, other!)).toBeNull();
  });

  it("kickoff passed: 409, the page says picks lock at kickoff and stay locked; nothing changes", async () => {
    const s = await setup();
    await makePick(s.user, s.game, s.teams.KC!.RB);
    const form = await page(`/games/${s.game}`, { session: s.session });
    expect(form.html).toContain("Remove pick");
    await kickoffPassesNow(s.game);
    for (const [path, fields] of [
      [`/games/${s.game}/pick/change`, { playerId: s.teams.KC!.QB }],
      [`/games/${s.game}/pick/remove`, {}],
    ] as const) {
      const refused = await post(path, s.session, fields);
      expect(refused.status, path).toBe(409);
      const error = textOf(refused.html, "form-error")!;
      expect(error).toMatch(new RegExp(`Picks for ${s.game} locked at kickoff`));
      expect(error).toContain("Picks lock at kickoff");
      expect(error).toContain("no pick can be made, changed or removed after it");
    }
    expect((await myPickIn(s.user.id, s.game))!.playerId).toBe(s.teams.KC!.RB);
    const late = await post(`/games/${s.sameWeek}/pick`, s.session, { playerId: s.teams.BUF!.QB });
    expect(late.status).toBe(303);
  });

  it("no player chosen: 400 with 'Choose a player first.'; a player of neither team: 422", async () => {
    const s = await setup();
    const none = await post(`/games/${s.game}/pick`, s.session, {});
    expect(none.status).toBe(400);
    expect(textOf(none.html, "form-error")).toBe("Choose a player first.");
    const wrong = await post(`/games/${s.game}/pick`, s.session, { playerId: s.teams.BUF!.QB });
    expect(wrong.status).toBe(422);
    expect(textOf(wrong.html, "form-error")).toBe("The player is not on the current roster of either team in this game.");
  });

  it("CSRF: a form sent with the cookie but without the _csrf field, or with another session's, is refused (403) and changes nothing", async () => {
    const s = await setup();
    const other = await signInAs((await createUserWithToken()).id);
    const missing = await post(`/games/${s.game}/pick`, s.session, { playerId: s.teams.KC!.WR }, { csrf: false });
    expect(missing.status).toBe(403);
    expect(textOf(missing.html, "problem")).toMatch(/needs its CSRF token/);
    const foreign = await post(`/games/${s.game}/pick`, { ...s.session, csrfToken: other.csrfToken }, { playerId: s.teams.KC!.WR });
    expect(foreign.status).toBe(403);
    expect(textOf(foreign.html, "problem")).toMatch(/The CSRF token is not this session's/);
    expect(await myPickIn(s.user.id, s.game)).toBeNull();
    for (const path of ["/leagues", "/me/profile", "/me/tokens", "/sign-out"]) {
      expect((await post(path, s.session, { name: "x", onGlobalBoard: "on" }, { csrf: false })).status, path).toBe(403);
    }
    expect(await countRows("SELECT count(*) AS n FROM leagues WHERE commissioner_id = ?", s.user.id)).toBe(0);
  });

  it("a form posted from another site is refused (Sec-Fetch-Site, else Origin), even without a session", async () => {
    const s = await setup();
    const crossSite = await post(`/games/${s.game}/pick`, s.session, { playerId: s.teams.KC!.WR }, { headers: { "sec-fetch-site": "cross-site" } });
    expect(crossSite.status).toBe(403);
    expect(textOf(crossSite.html, "problem")).toBe("This form was sent from another site: open the page here and send it again.");
    for (const origin of ["https://evil.example", "null"]) {
      expect((await post("/sign-in/link", null, { token: "x" }, { headers: { origin } })).status, origin).toBe(403);
    }
    const sameOrigin = await post(`/games/${s.game}/pick`, s.session, { playerId: s.teams.KC!.WR }, { headers: { "sec-fetch-site": "same-origin", origin: "null" } });
    expect(sameOrigin.status).toBe(303);
    expect((await post(`/games/${s.game}/pick/remove`, s.session, {}, { headers: { origin: "http://localhost" } })).status).toBe(303);
  });

  it("a form sent after the session ended: 401 with a way to sign in again", async () => {
    const s = await setup();
    expect((await post("/sign-out", s.session)).status).toBe(303);
    const late = await post(`/games/${s.game}/pick`, s.session, { playerId: s.teams.KC!.WR });
    expect(late.status).toBe(401);
    expect(late.html).toContain('<a href="/sign-in">Sign in</a>');
  });
});

describe("joining by invite link", () => {
  async function league() {
    const commissioner = await createUserWithToken(uniqueName("Cam"));
    return { commissioner, league: await createLeague(commissioner.token, { name: "Sunday Crew" }) };
  }

  it("/join/{code} shows the league; 'Display name' and 'Join' make the account, sign the browser in and lead to the league with a passkey offer", async () => {
    const { league: made, commissioner } = await league();
    const join = await page(`/join/${made.invite.code}`);
    expect(join.status).toBe(200);
    expect(textOf(join.html, "main")).toContain(`Join Sunday Crew Commissioner ${commissioner.name} Members 1`);
    expect(join.html).toContain('<label for="display-name">Display name</label>');
    expect(join.html).toContain('<button type="submit">Join</button>');

    const name = uniqueName("Jo");
    const joined = await post(`/join/${made.invite.code}`, null, { name });
    expect(joined.status).toBe(303);
    expect(joined.location).toBe(`/leagues/${made.id}?flash=welcome-league`);
    const cookie = sessionCookieOf({ status: joined.status, headers: joined.headers, json: null });
    expect(cookie).not.toBeNull();
    const welcome = await page(joined.location!, { headers: { cookie: cookie! } });
    expect(welcome.status).toBe(200);
    expect(textOf(welcome.html, "main")).toContain("Welcome: your account is ready and you joined the league.");
    expect(textOf(welcome.html, "members")).toBe("Members (2)");
    expect(welcome.html).toContain(`${name} (you)`);
    expect(welcome.html).toContain('<button type="button" id="passkey-add" hidden="">Add a passkey</button>');
    expect(welcome.html).toMatch(/<script src="\/app\/passkey\.[0-9a-f]{8}\.js" defer=""><\/script>/);
  });

  it("the operator's sign-up invite makes an account that joins no league: to /me, where passkeys are added", async () => {
    const invite = await signUpInvite({ maxUses: 1 });
    const join = await page(`/join/${invite.code}`);
    expect(join.status).toBe(200);
    expect(textOf(join.html, "main")).toContain("Create your account");
    const joined = await post(`/join/${invite.code}`, null, { name: uniqueName("Solo") });
    expect(joined.location).toBe("/me?flash=welcome#passkeys");
    expect(joined.headers.get("set-cookie")).toMatch(/^ftd_session=/);
    // Used up: its one use is taken.
    expect((await page(`/join/${invite.code}`)).status).toBe(410);
  });

  it("a display name taken: 409, the form again with the message and what was typed", async () => {
    const { league: made, commissioner } = await league();
    const taken = await post(`/join/${made.invite.code}`, null, { name: commissioner.name });
    expect(taken.status).toBe(409);
    expect(textOf(taken.html, "form-error")).toBe(`The name '${commissioner.name}' is taken: choose another.`);
    expect(taken.html).toContain(`value="${commissioner.name}"`);
    expect(taken.headers.get("set-cookie")).toBeNull();
    const blank = await post(`/join/${made.invite.code}`, null, { name: "   " });
    expect(blank.status).toBe(400);
  });

  it("signed in, the button alone joins; a member already sees a link to the league instead", async () => {
    const { league: made } = await league();
    const user = await createUserWithToken();
    const session = await signInAs(user.id);
    const before = await page(`/join/${made.invite.code}`, { session });
    expect(before.html).not.toContain("Display name");
    expect(before.html).toContain('<button type="submit">Join</button>');
    const joined = await post(`/join/${made.invite.code}`, session);
    expect(joined.location).toBe(`/leagues/${made.id}?flash=joined`);
    const again = await page(`/join/${made.invite.code}`, { session });
    expect(textOf(again.html, "main")).toContain("You are a member of Sunday Crew already.");
    expect(again.html).not.toContain('<button type="submit">Join</button>');
  });

  it("an unknown link: 404; a revoked or expired one: 410, each saying so", async () => {
    const { league: made, commissioner } = await league();
    const unknown = await page("/join/NoSuchCodeAtAll0000000");
    expect(unknown.status).toBe(404);
    expect(textOf(unknown.html, "main")).toContain("This invite link is unknown");

    const rotated = await api(`/v1/leagues/${made.id}/invites/rotate`, { method: "POST", token: commissioner.token });
    expect(rotated.status).toBe(201);
    const revoked = await page(`/join/${made.invite.code}`);
    expect(revoked.status).toBe(410);
    expect(textOf(revoked.html, "main")).toContain("This invite link was revoked");
    expect((await post(`/join/${made.invite.code}`, null, { name: uniqueName("Late") })).status).toBe(410);

    const expiring = await api(`/v1/leagues/${made.id}/invites`, { method: "POST", token: commissioner.token, body: { expiresInDays: 1 } });
    await env.DB.prepare("UPDATE invites SET expires_at = '2000-01-01T00:00:00Z' WHERE id = ?").bind(expiring.json.id).run();
    const expired = await page(`/join/${expiring.json.code}`);
    expect(expired.status).toBe(410);
    expect(textOf(expired.html, "main")).toContain("This invite link has expired");
  });
});

describe("the league's forms", () => {
  async function crew() {
    const commissioner = await createUserWithToken(uniqueName("Cam"));
    const member = await createUserWithToken(uniqueName("Mo"));
    const made = await createLeague(commissioner.token, { name: "Sunday Crew" });
    expect((await accept(made.invite.code, { token: member.token })).status).toBe(201);
    return { commissioner, member, made, cs: await signInAs(commissioner.id), ms: await signInAs(member.id) };
  }

  it("Create league (from the home page) makes the viewer its commissioner", async () => {
    const user = await createUserWithToken();
    const session = await signInAs(user.id);
    const created = await post("/leagues", session, { name: "  Monday Club " });
    expect(created.status).toBe(303);
    const id = Number(/^\/leagues\/(\d+)\?flash=league-created$/.exec(created.location!)![1]);
    const view = await page(created.location!, { session });
    expect(textOf(view.html, "main")).toContain("Your league is ready: share its invite link.");
    expect(textOf(view.html, "main")).toContain(`Monday Club Commissioner: ${user.name} · 1 member`);
    expect(view.html).toContain(`action="/leagues/${id}/settings"`);
  });

  it("the commissioner's settings: rename, rank by units, members may not invite; a member cannot (403)", async () => {
    const c = await crew();
    const saved = await post(`/leagues/${c.made.id}/settings`, c.cs, { name: "Sunday Best", ranking: "units" });
    expect(saved.location).toBe(`/leagues/${c.made.id}?flash=settings-saved`);
    const league = (await api(`/v1/leagues/${c.made.id}`, { token: c.commissioner.token })).json;
    expect(league).toMatchObject({ name: "Sunday Best", ranking: "units", membersMayInvite: false });
    const view = await page(saved.location!, { session: c.cs });
    expect(view.html).toContain('<option value="units" selected="">Units (ties broken by wins)</option>');
    expect(view.html).toMatch(/<input id="settings-invite" type="checkbox" name="membersMayInvite" value="on"\/>/);

    const refused = await post(`/leagues/${c.made.id}/settings`, c.ms, { name: "Mine now", ranking: "wins" });
    expect(refused.status).toBe(403);
    expect(textOf(refused.html, "form-error")).toBe("Only the league's commissioner can change its settings.");
    expect((await api(`/v1/leagues/${c.made.id}`, { token: c.commissioner.token })).json.name).toBe("Sunday Best");
    // With members not inviting, a member sees no link.
    expect((await page(`/leagues/${c.made.id}`, { session: c.ms })).html).not.toContain('id="invite-link"');
  });

  it("New invite link ends the old one (410); remove a member; hand the role on", async () => {
    const c = await crew();
    const rotated = await post(`/leagues/${c.made.id}/invite/rotate`, c.cs);
    expect(rotated.location).toBe(`/leagues/${c.made.id}?flash=invite-rotated`);
    expect((await page(`/join/${c.made.invite.code}`)).status).toBe(410);
    const view = await page(`/leagues/${c.made.id}`, { session: c.cs });
    const link = /<input id="invite-link" type="text" readonly="" value="([^"]+)"/.exec(view.html)![1]!;
    expect(link).not.toBe(c.made.invite.url);
    expect((await page(link.replace("http://localhost", ""))).status).toBe(200);

    const handed = await post(`/leagues/${c.made.id}/members/commissioner`, c.cs, { userId: String(c.member.id) });
    expect(handed.location).toBe(`/leagues/${c.made.id}?flash=commissioner-changed`);
    const removed = await post(`/leagues/${c.made.id}/members/remove`, c.ms, { userId: String(c.commissioner.id) });
    expect(removed.location).toBe(`/leagues/${c.made.id}?flash=member-removed`);
    expect((await page(`/leagues/${c.made.id}`, { session: c.cs })).status).toBe(403);
  });

  it("a commissioner issues a member's sign-in link: shown once on the page (201), and it signs the member in", async () => {
    const c = await crew();
    const issued = await post(`/leagues/${c.made.id}/members/sign-in-link`, c.cs, { userId: String(c.member.id) });
    expect(issued.status).toBe(201);
    const box = textOf(issued.html, "issued-sign-in-link")!;
    expect(box).toContain(`Sign-in link for ${c.member.name}`);
    const url = /http:\/\/localhost\/sign-in\/link#token=([A-Za-z0-9_-]+)/.exec(box)!;
    const signedIn = await post("/sign-in/link", null, { token: url[0] });
    expect(signedIn.location).toBe("/?flash=signed-in");
  });

  it("a member leaves; the commissioner cannot (409, hand the role on first)", async () => {
    const c = await crew();
    const refused = await post(`/leagues/${c.made.id}/leave`, c.cs);
    expect(refused.status).toBe(409);
    expect(textOf(refused.html, "form-error")).toMatch(/^The commissioner cannot leave the league/);
    const left = await post(`/leagues/${c.made.id}/leave`, c.ms);
    expect(left.location).toBe("/?flash=left-league");
    expect((await page(`/leagues/${c.made.id}`, { session: c.ms })).status).toBe(403);
  });
});

describe("my account's forms", () => {
  async function me(): Promise<{ user: Awaited<ReturnType<typeof createUserWithToken>>; session: WebSession }> {
    const user = await createUserWithToken();
    return { user, session: await signInAs(user.id) };
  }

  it("Make token shows the token once (201) and it works; Revoke ends it", async () => {
    const { user, session } = await me();
    const made = await post("/me/tokens", session, { name: "script", expiresInDays: "30" });
    expect(made.status).toBe(201);
    const token = /<code class="secret">(ftd_[A-Za-z0-9_-]+)<\/code>/.exec(made.html)![1]!;
    expect((await api("/v1/me", { token })).json.user.id).toBe(user.id);
    const id = (await env.DB.prepare("SELECT id FROM api_tokens WHERE user_id = ? AND name = 'script'").bind(user.id).first<{ id: number }>())!.id;
    const again = await page("/me", { session });
    expect(again.html).not.toContain(token);
    const revoked = await post(`/me/tokens/${id}/revoke`, session);
    expect(revoked.location).toBe("/me?flash=token-revoked");
    expect((await api("/v1/me", { token })).status).toBe(401);
    const bad = await post("/me/tokens", session, { name: "", expiresInDays: "0" });
    expect(bad.status).toBe(400);
  });

  it("the global-board opt-in is saved, and shown", async () => {
    const { user, session } = await me();
    expect((await post("/me/profile", session, { onGlobalBoard: "on" })).location).toBe("/me?flash=profile-saved");
    expect((await api("/v1/me/profile", { token: user.token })).json.onGlobalBoard).toBe(true);
    expect((await page("/me", { session })).html).toContain('name="onGlobalBoard" value="on" checked=""');
    await post("/me/profile", session, {});
    expect((await api("/v1/me/profile", { token: user.token })).json.onGlobalBoard).toBe(false);
  });

  it("End session ends another browser's; ending this one signs out", async () => {
    const { user, session } = await me();
    const phone = await signInAs(user.id);
    const ended = await post(`/me/sessions/${phone.sessionId}/end`, session);
    expect(ended.location).toBe("/me?flash=session-ended");
    expect((await page("/me", { session: phone })).status).toBe(303);
    const out = await post(`/me/sessions/${session.sessionId}/end`, session);
    expect(out.location).toBe("/?flash=signed-out");
    expect(out.headers.get("set-cookie")).toMatch(/ftd_session=;/);
    expect((await page("/me", { session })).status).toBe(303);
    const missing = await post(`/me/sessions/${session.sessionId}/end`, await signInAs(user.id));
    expect(missing.status).toBe(404);
  });

  it("Sign out ends the session and clears the cookie", async () => {
    const { session } = await me();
    const out = await post("/sign-out", session);
    expect(out.location).toBe("/?flash=signed-out");
    expect(out.headers.get("set-cookie")).toMatch(/ftd_session=;/);
    const home = await page("/?flash=signed-out", { session });
    expect(plainText(home.html)).toContain("You are signed out.");
    expect(plainText(home.html)).toContain("Pick the first touchdown scorer");
  });
});

describe("a sign-in link without JavaScript", () => {
  it("the token pasted into 'Sign-in token' signs in once; again it is 410, an unknown one 404", async () => {
    const user = await createUserWithToken();
    const token = await seedSignInLink(user.id);
    const linkPage = await page("/sign-in/link");
    expect(linkPage.html).toContain('<label for="sign-in-token">Sign-in token</label>');
    const signedIn = await post("/sign-in/link", null, { token });
    expect(signedIn.status).toBe(303);
    expect(signedIn.location).toBe("/?flash=signed-in");
    const cookie = sessionCookieOf({ status: 303, headers: signedIn.headers, json: null })!;
    expect(textOf((await page(signedIn.location!, { headers: { cookie } })).html, "main")).toContain("You are signed in.");

    const reused = await post("/sign-in/link", null, { token });
    expect(reused.status).toBe(410);
    expect(textOf(reused.html, "form-error")).toBe("This sign-in link was used already: ask for a new one.");
    expect((await post("/sign-in/link", null, { token: "not-a-token" })).status).toBe(404);
  });

  it("the path form /sign-in/link/{token} (what npm start prints): the page with the token filled in, used only by its button; the log line hides it", async () => {
    const user = await createUserWithToken();
    const token = await seedSignInLink(user.id);
    const log = vi.spyOn(console, "log");
    try {
      const shown = await page(`/sign-in/link/${token}`);
      expect(shown.status).toBe(200);
      expect(shown.html).toContain(`<input id="sign-in-token" name="token" required="" autocomplete="off" spellcheck="false" value="${token}"/>`);
      const lines = log.mock.calls.map((call) => String(call[0]));
      expect(lines.some((line) => line.includes('"path":"/sign-in/link/[redacted]"'))).toBe(true);
      expect(lines.some((line) => line.includes(token))).toBe(false);
    } finally {
      log.mockRestore();
    }
    // Showing the page spent nothing: the link still signs in, once.
    expect((await post("/sign-in/link", null, { token })).location).toBe("/?flash=signed-in");
  });

  it("signed in already, the page's form carries the session's CSRF field: switching accounts works", async () => {
    const [first, second] = [await createUserWithToken(), await createUserWithToken()];
    const session = await signInAs(first.id);
    const shown = await page("/sign-in/link", { session });
    expect(shown.html).toContain(`<input type="hidden" name="_csrf" value="${session.csrfToken}"/>`);
    const switched = await post("/sign-in/link", session, { token: await seedSignInLink(second.id) });
    expect(switched.location).toBe("/?flash=signed-in");
    // The browser's former session is ended: one browser, one session.
    expect((await page("/me", { session })).status).toBe(303);
  });
});

describe("the change budget", () => {
  it("form posts count like /v1 changes, per session: the 61st in a minute is a 429 page with Retry-After", async () => {
    const user = await createUserWithToken();
    const session = await signInAs(user.id);
    // The limiter counts in fixed 60-second windows: start early in one, so that the loop counts in it alone.
    const left = 60_000 - (Date.now() % 60_000);
    if (left < 20_000) await new Promise((resolve) => setTimeout(resolve, left + 50));
    for (let i = 0; i < 60; i++) expect((await post("/me/profile", session, { onGlobalBoard: "on" })).status).toBe(303);
    const over = await post("/me/profile", session, { onGlobalBoard: "on" });
    expect(over.status).toBe(429);
    expect(over.headers.get("retry-after")).toBe("60");
    expect(textOf(over.html, "problem")).toBe("Too many changes; retry in 60 seconds.");
    // Another browser of the same user has its own budget.
    expect((await post("/me/profile", await signInAs(user.id), {})).status).toBe(303);
  });
});
