import { describe, expect, it } from "vitest";
import { api, countRows, createUserWithToken, expectError, makePick, seedMatchup, seedTeams, setFirstTd } from "../helpers/api";
import { accept, createLeague, joinAs, leagueInvite, signUpInvite, uniqueName } from "../helpers/invites";
import { kickoffPassesNow } from "../helpers/real-clock";

/**
 * Leagues through the API, the whole story as API clients live it, with no admin involved but the operator's sign-up
 * invite: A comes in by it, makes "Sunday Crew" and shares its link; B and C join by it with the names they choose;
 * the league is viewed, its role handed on, renamed, re-ranked; C leaves; the link is rotated. Then who may see what.
 */

describe("the story: a league made and run by its players", () => {
  type Person = Awaited<ReturnType<typeof joinAs>>;
  const s = {} as {
    a: Person;
    b: Person;
    c: Person;
    leagueId: number;
    code: string;
  };

  it("A accepts the operator's invite and makes 'Sunday Crew': commissioner, first member, and its link", async () => {
    const invite = await signUpInvite({ maxUses: 1 });
    s.a = await joinAs(invite.code, uniqueName("Avery"));
    const league = await createLeague(s.a.token, { name: "  Sunday Crew  " });
    expect(league).toMatchObject({
      name: "Sunday Crew",
      commissioner: { id: s.a.id, name: s.a.name },
      ranking: "wins",
      tiebreak: "units",
      membersMayInvite: true,
      memberCount: 1,
      you: { isMember: true, isCommissioner: true, mayInvite: true },
      invite: { leagueId: league.id, status: "open", maxUses: null, expiresAt: null, uses: 0, createdBy: `user:${s.a.id}` },
    });
    expect(league.invite.url).toBe(`http://localhost/join/${league.invite.code}`);
    s.leagueId = league.id;
    s.code = league.invite.code;
  });

  it("B and C see what the link leads to, and join with the names they choose: each gets a token, shown once", async () => {
    const seen = await api(`/v1/invites/${s.code}`, { token: null });
    expect(seen.status).toBe(200);
    expect(seen.json).toEqual({
      league: { id: s.leagueId, name: "Sunday Crew", commissioner: { id: s.a.id, name: s.a.name }, memberCount: 1 },
      expiresAt: null,
      usesLeft: null,
    });
    s.b = await joinAs(s.code, uniqueName("Blake"));
    expect(s.b.body.league).toMatchObject({ id: s.leagueId, name: "Sunday Crew", memberCount: 2 });
    expect(s.b.body.token.token).toMatch(/^ftd_/);
    expectError(await accept(s.code, { name: s.b.name }), 409, "user_name_taken");
    s.c = await joinAs(s.code, uniqueName("Casey"));
    expect((await api(`/v1/invites/${s.code}`, { token: null })).json.league.memberCount).toBe(3);
  });

  it("each sees the league: in their list, its view, its members", async () => {
    const mine = await api("/v1/leagues", { token: s.b.token });
    expect(mine.json.leagues).toEqual([
      {
        id: s.leagueId,
        name: "Sunday Crew",
        commissioner: { id: s.a.id, name: s.a.name },
        memberCount: 3,
        ranking: "wins",
        isCommissioner: false,
        joinedAt: expect.any(String),
      },
    ]);
    const view = await api(`/v1/leagues/${s.leagueId}`, { token: s.b.token });
    expect(view.json).toMatchObject({ memberCount: 3, you: { isMember: true, isCommissioner: false, mayInvite: true } });
    // Members may invite (the default): B sees the link A shared.
    expect(view.json.invite.code).toBe(s.code);

    const members = await api(`/v1/leagues/${s.leagueId}/members`, { token: s.c.token });
    expect(members.json).toEqual({
      members: [
        { userId: s.a.id, name: s.a.name, joinedAt: expect.any(String), isCommissioner: true },
        { userId: s.b.id, name: s.b.name, joinedAt: expect.any(String), isCommissioner: false },
        { userId: s.c.id, name: s.c.name, joinedAt: expect.any(String), isCommissioner: false },
      ],
      nextAfter: null,
    });
    const page = await api(`/v1/leagues/${s.leagueId}/members?limit=2`, { token: s.c.token });
    expect(page.json.members.map((m: any) => m.userId)).toEqual([s.a.id, s.b.id]);
    const rest = await api(`/v1/leagues/${s.leagueId}/members?limit=2&after=${page.json.nextAfter}`, { token: s.c.token });
    expect(rest.json).toMatchObject({ members: [{ userId: s.c.id }], nextAfter: null });
  });

  it("A hands the commissioner role to B; B renames the league and ranks it by units; A no longer may", async () => {
    expectError(await api(`/v1/leagues/${s.leagueId}/commissioner`, { method: "POST", token: s.b.token, body: { userId: s.b.id } }), 403, "forbidden");
    const outsider = await createUserWithToken();
    expectError(await api(`/v1/leagues/${s.leagueId}/commissioner`, { method: "POST", token: s.a.token, body: { userId: outsider.id } }), 404, "member_not_found");

    const moved = await api(`/v1/leagues/${s.leagueId}/commissioner`, { method: "POST", token: s.a.token, body: { userId: s.b.id } });
    expect(moved.status).toBe(200);
    expect(moved.json).toMatchObject({ commissioner: { id: s.b.id, name: s.b.name }, you: { isMember: true, isCommissioner: false } });

    const renamed = await api(`/v1/leagues/${s.leagueId}`, { method: "PATCH", token: s.b.token, body: { name: "Sunday Crew II", ranking: "units" } });
    expect(renamed.status).toBe(200);
    expect(renamed.json).toMatchObject({ name: "Sunday Crew II", ranking: "units", tiebreak: "wins", you: { isCommissioner: true } });
    expect(renamed.json.updatedAt).not.toBeNull();
    expectError(await api(`/v1/leagues/${s.leagueId}`, { method: "PATCH", token: s.a.token, body: { name: "Mine Again" } }), 403, "forbidden");
    expectError(await api(`/v1/leagues/${s.leagueId}`, { method: "PATCH", token: s.b.token, body: {} }), 400, "validation_failed");
    expectError(await api(`/v1/leagues/${s.leagueId}`, { method: "PATCH", token: s.b.token, body: { ranking: "vibes" } }), 400, "validation_failed");
    expectError(await api(`/v1/leagues/${s.leagueId}`, { method: "PATCH", token: s.b.token, body: { name: " " } }), 400, "validation_failed");
    expect((await api("/v1/leagues", { token: s.a.token })).json.leagues[0]).toMatchObject({ name: "Sunday Crew II", ranking: "units", isCommissioner: false });
  });

  it("C leaves; the commissioner cannot leave before handing the role on; B removes A", async () => {
    const left = await api(`/v1/leagues/${s.leagueId}/members/me`, { method: "DELETE", token: s.c.token });
    expect(left.status).toBe(204);
    expectError(await api(`/v1/leagues/${s.leagueId}`, { token: s.c.token }), 403, "forbidden");
    expect((await api("/v1/leagues", { token: s.c.token })).json.leagues).toEqual([]);
    expectError(await api(`/v1/leagues/${s.leagueId}/members/me`, { method: "DELETE", token: s.c.token }), 403, "forbidden");

    const stay = await api(`/v1/leagues/${s.leagueId}/members/me`, { method: "DELETE", token: s.b.token });
    expectError(stay, 409, "commissioner_must_transfer");
    expectError(await api(`/v1/leagues/${s.leagueId}/members/${s.b.id}`, { method: "DELETE", token: s.b.token }), 409, "commissioner_must_transfer");
    expectError(await api(`/v1/leagues/${s.leagueId}/members/${s.b.id}`, { method: "DELETE", token: s.a.token }), 403, "forbidden");
    expectError(await api(`/v1/leagues/${s.leagueId}/members/${s.c.id}`, { method: "DELETE", token: s.b.token }), 404, "member_not_found");

    expect((await api(`/v1/leagues/${s.leagueId}/members/${s.a.id}`, { method: "DELETE", token: s.b.token })).status).toBe(204);
    expect((await api(`/v1/leagues/${s.leagueId}`, { token: s.b.token })).json.memberCount).toBe(1);
  });

  it("B rotates the invite: the old link answers 410, the new one lets C back in", async () => {
    const rotated = await api(`/v1/leagues/${s.leagueId}/invites/rotate`, { method: "POST", token: s.b.token });
    expect(rotated.status).toBe(201);
    expect(rotated.json.code).not.toBe(s.code);
    expect(rotated.json).toMatchObject({ leagueId: s.leagueId, status: "open", uses: 0 });

    const old = await api(`/v1/invites/${s.code}`, { token: null });
    expectError(old, 410, "invite_gone");
    expect(old.json.error.details).toEqual({ reason: "revoked" });
    expectError(await accept(s.code, { token: s.c.token }), 410, "invite_gone");
    expectError(await accept(s.code, { name: uniqueName("Dana") }), 410, "invite_gone");

    expect((await accept(rotated.json.code, { token: s.c.token })).status).toBe(201);
    const view = await api(`/v1/leagues/${s.leagueId}`, { token: s.b.token });
    expect(view.json).toMatchObject({ memberCount: 2, invite: { id: rotated.json.id, code: rotated.json.code } });

    const listed = await api(`/v1/leagues/${s.leagueId}/invites`, { token: s.b.token });
    expect(listed.json.invites.map((i: any) => [i.id, i.status])).toEqual([
      [rotated.json.id, "open"],
      [expect.any(Number), "revoked"],
    ]);
    expectError(await api(`/v1/leagues/${s.leagueId}/invites`, { token: s.c.token }), 403, "forbidden");
    expectError(await api(`/v1/leagues/${s.leagueId}/invites/rotate`, { method: "POST", token: s.c.token }), 403, "forbidden");
  });

  it("a user's picks are one per game, the same in every league: no league has picks of its own", async () => {
    const other = await createLeague(s.c.token, { name: "Casey's Other League" });
    expect(other.commissioner.id).toBe(s.c.id);
    expect((await api("/v1/leagues", { token: s.c.token })).json.leagues.map((l: any) => l.name)).toEqual(["Sunday Crew II", "Casey's Other League"]);
  });
});

describe("inviting: by the commissioner, by members only while they may", () => {
  it("members may invite by default; when the commissioner turns it off they get 403 and no longer see the link", async () => {
    const owner = await createUserWithToken();
    const league = await createLeague(owner.token, { name: "Closed Doors" });
    const member = await joinAs(league.invite.code, uniqueName("Member"));

    const byMember = await leagueInvite(member.token, league.id, { maxUses: 1, expiresInDays: 3 });
    expect(byMember).toMatchObject({ createdBy: `user:${member.id}`, maxUses: 1, status: "open" });

    const off = await api(`/v1/leagues/${league.id}`, { method: "PATCH", token: owner.token, body: { membersMayInvite: false } });
    expect(off.json.membersMayInvite).toBe(false);
    expectError(await api(`/v1/leagues/${league.id}/invites`, { method: "POST", token: member.token, body: {} }), 403, "forbidden");
    const seen = await api(`/v1/leagues/${league.id}`, { token: member.token });
    expect(seen.json).toMatchObject({ invite: null, you: { isMember: true, isCommissioner: false, mayInvite: false } });
    expect((await api(`/v1/leagues/${league.id}`, { token: owner.token })).json.invite).not.toBeNull();
    // The commissioner still invites.
    await leagueInvite(owner.token, league.id);

    // A member revokes their own invite, not another's; the commissioner revokes any.
    expect((await api(`/v1/leagues/${league.id}/invites/${byMember.id}`, { method: "DELETE", token: member.token })).json.status).toBe("revoked");
    expectError(await api(`/v1/leagues/${league.id}/invites/${league.invite.id}`, { method: "DELETE", token: member.token }), 403, "forbidden");
    expect((await api(`/v1/leagues/${league.id}/invites/${league.invite.id}`, { method: "DELETE", token: owner.token })).json.status).toBe("revoked");
    expectError(await api(`/v1/leagues/${league.id}/invites/999999`, { method: "DELETE", token: owner.token }), 404, "invite_not_found");
    expectError(await accept(league.invite.code, { name: uniqueName("Late") }), 410, "invite_gone");
  });

  it("a league can be created with members not allowed to invite, and ranked by units", async () => {
    const owner = await createUserWithToken();
    const league = await createLeague(owner.token, { name: "Strict", ranking: "units", membersMayInvite: false });
    expect(league).toMatchObject({ ranking: "units", tiebreak: "wins", membersMayInvite: false });
    const member = await joinAs(league.invite.code, uniqueName("Quiet"));
    expectError(await api(`/v1/leagues/${league.id}/invites`, { method: "POST", token: member.token, body: {} }), 403, "forbidden");
  });

  it("league names are 1 to 60 characters; the operator is no user and makes no league", async () => {
    const owner = await createUserWithToken();
    for (const name of ["", "   ", "x".repeat(61)]) {
      expectError(await api("/v1/leagues", { method: "POST", token: owner.token, body: { name } }), 400, "validation_failed");
    }
    expectError(await api("/v1/leagues", { method: "POST", body: { name: "Operator's" } }), 403, "forbidden");
  });
});

describe("who sees a league", () => {
  it("members and the operator; a non-member (an admin user too) gets 403; an unknown league 404", async () => {
    const owner = await createUserWithToken();
    const league = await createLeague(owner.token, { name: "Private" });
    const outsider = await createUserWithToken();
    const admin = await createUserWithToken(uniqueName("admin"), true);
    for (const path of [`/v1/leagues/${league.id}`, `/v1/leagues/${league.id}/members`, `/v1/leagues/${league.id}/invites`]) {
      expectError(await api(path, { token: outsider.token }), 403, "forbidden");
      expectError(await api(path, { token: admin.token }), 403, "forbidden");
      expect((await api(path)).status).toBe(200);
    }
    const asOperator = await api(`/v1/leagues/${league.id}`);
    expect(asOperator.json).toMatchObject({ you: { isMember: false, isCommissioner: false, mayInvite: false }, invite: { id: league.invite.id } });
    expectError(await api("/v1/leagues/999999", { token: owner.token }), 404, "league_not_found");
    expectError(await api("/v1/leagues/999999/members", { token: owner.token }), 404, "league_not_found");
    expectError(await api(`/v1/leagues/${league.id}`, { token: null }), 401, "unauthorized");
  });
});

describe("a league's picks in a game", () => {
  const SEASON = 2162;

  it("before kickoff only how many members have picked; from kickoff every member's pick and then its result", async () => {
    const teams = await seedTeams(SEASON, ["KC", "BUF"]);
    const game = await seedMatchup(SEASON, 1, "KC", "BUF");
    const owner = await createUserWithToken(uniqueName("Owner"));
    const league = await createLeague(owner.token, { name: "Pickers" });
    const b = await joinAs(league.invite.code, uniqueName("B"));
    await joinAs(league.invite.code, uniqueName("C")); // a member who does not pick
    const outsider = await createUserWithToken();

    await makePick(owner, game, teams.KC!.WR);
    await makePick({ token: b.token }, game, "DEF-BUF");
    await makePick(outsider, game, teams.BUF!.QB); // not a member: never counted

    const path = `/v1/leagues/${league.id}/games/${game}/picks`;
    const before = await api(path, { token: b.token });
    expect(before.status).toBe(200);
    expect(before.json).toEqual({ gameId: game, kickoffAt: expect.any(String), locked: false, memberCount: 3, pickedCount: 2, picks: null });
    // Nothing about who picked what: no player in the answer.
    for (const playerId of [teams.KC!.WR, "DEF-BUF", teams.BUF!.QB]) expect(JSON.stringify(before.json)).not.toContain(playerId);
    expectError(await api(path, { token: outsider.token }), 403, "forbidden");
    expect((await api(path)).json.picks).toBeNull(); // the operator too: a league shows counts before kickoff

    await kickoffPassesNow(game);
    const after = await api(path, { token: b.token });
    expect(after.json).toMatchObject({ gameId: game, locked: true, memberCount: 3, pickedCount: 2 });
    expect(after.json.picks).toEqual(
      [
        { userId: owner.id, name: owner.name, playerId: teams.KC!.WR, playerName: `KC WR ${SEASON}`, team: "KC", position: "WR", americanOdds: null, decimalOdds: null, outcome: null, units: null },
        { userId: b.id, name: b.name, playerId: "DEF-BUF", playerName: "Buffalo Bills Defense", team: "BUF", position: "DEF", americanOdds: null, decimalOdds: null, outcome: null, units: null },
      ].sort((x, y) => (x.name < y.name ? -1 : 1)),
    );
    expectError(await api(path, { token: outsider.token }), 403, "forbidden");

    await setFirstTd(game, { type: "player", playerId: teams.KC!.WR, kind: "reception" });
    const graded = await api(path, { token: owner.token });
    const byUser = Object.fromEntries(graded.json.picks.map((p: any) => [p.userId, [p.outcome, p.units]]));
    expect(byUser).toEqual({ [owner.id]: ["win", 1], [b.id]: ["loss", -1] });
  });

  it("an unknown game is 404 game_not_found (for members), a non-member is refused before anything is said about the game", async () => {
    const owner = await createUserWithToken();
    const league = await createLeague(owner.token, { name: "No Game" });
    expectError(await api(`/v1/leagues/${league.id}/games/2099_01_XX_YY/picks`, { token: owner.token }), 404, "game_not_found");
    const outsider = await createUserWithToken();
    expectError(await api(`/v1/leagues/${league.id}/games/2099_01_XX_YY/picks`, { token: outsider.token }), 403, "forbidden");
  });
});

describe("a commissioner's sign-in link for a member", () => {
  it("for a member only (404 otherwise), never for an admin's account, by the commissioner only; audited", async () => {
    const owner = await createUserWithToken();
    const league = await createLeague(owner.token, { name: "Recovery" });
    const member = await joinAs(league.invite.code, uniqueName("Lost"));
    const admin = await createUserWithToken(uniqueName("admin"), true);
    expect((await accept(league.invite.code, { token: admin.token })).status).toBe(201);
    const outsider = await createUserWithToken();

    const link = await api(`/v1/leagues/${league.id}/members/${member.id}/sign-in-link`, { method: "POST", token: owner.token });
    expect(link.status).toBe(201);
    expect(link.json).toMatchObject({ userId: member.id, url: expect.stringContaining("/sign-in/link#token="), expiresAt: expect.any(String) });
    expect(await countRows("SELECT count(*) AS n FROM admin_audit WHERE action = 'sign_in_link.issued' AND target_user_id = ? AND actor = ?", member.id, `user:${owner.id}`)).toBe(1);

    expectError(await api(`/v1/leagues/${league.id}/members/${admin.id}/sign-in-link`, { method: "POST", token: owner.token }), 403, "forbidden");
    expectError(await api(`/v1/leagues/${league.id}/members/${outsider.id}/sign-in-link`, { method: "POST", token: owner.token }), 404, "member_not_found");
    expectError(await api(`/v1/leagues/${league.id}/members/${owner.id}/sign-in-link`, { method: "POST", token: member.token }), 403, "forbidden");
    expect(await countRows("SELECT count(*) AS n FROM sign_in_links WHERE user_id IN (?, ?, ?)", admin.id, outsider.id, owner.id)).toBe(0);
  });
});
