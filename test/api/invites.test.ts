import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createDatabase } from "../../src/db/client";
import { ApiError } from "../../src/http/errors";
import { sha256Hex } from "../../src/lib/crypto";
import { acceptInvite } from "../../src/services/invites";
import { api, countRows, createUserWithToken, expectError } from "../helpers/api";
import { accept, createLeague, joinAs, leagueInvite, signUpInvite, uniqueName, viaWorker } from "../helpers/invites";

/**
 * Invite links: the operator's sign-up invite and a league's invites, looked at and accepted without a token; 404 for
 * a code nobody issued, 410 with the reason for one that expired, was used up or revoked; accepting is one atomic
 * batch (the account, the membership, the token and the counted use, or nothing).
 */

const CODE = /^[A-Za-z0-9_-]{22}$/;

afterEach(() => {
  vi.useRealTimers();
});

async function inviteRow(id: number) {
  return env.DB.prepare("SELECT * FROM invites WHERE id = ?").bind(id).first<Record<string, unknown>>();
}

describe("the operator's sign-up invite", () => {
  it("only the operator makes one: a code of 132 bits as a link, the code itself stored nowhere, audited", async () => {
    const admin = await createUserWithToken(uniqueName("admin"), true);
    expectError(await api("/v1/invites", { method: "POST", token: admin.token, body: {} }), 403, "forbidden");
    expectError(await api("/v1/invites", { method: "POST", token: null, body: {} }), 401, "unauthorized");

    const invite = await signUpInvite({ expiresInDays: 7, maxUses: 3 });
    expect(invite).toMatchObject({ leagueId: null, createdBy: "admin_token", maxUses: 3, uses: 0, revokedAt: null, status: "open" });
    expect(invite.code).toMatch(CODE);
    expect(invite.url).toBe(`http://localhost/join/${invite.code}`);
    expect(Date.parse(invite.expiresAt) - Date.parse(invite.createdAt)).toBe(7 * 24 * 3600 * 1000);

    const row = await inviteRow(invite.id);
    expect(row!.code_hash).toBe(await sha256Hex(invite.code));
    expect(Object.values(row!)).not.toContain(invite.code);

    const audit = await api("/v1/admin/audit?limit=5");
    const entry = audit.json.entries.find((e: any) => e.action === "invite.created" && e.detail.inviteId === invite.id);
    expect(entry).toMatchObject({ actor: "admin_token", targetUserId: null, detail: { leagueId: null, maxUses: 3, expiresAt: invite.expiresAt, credential: "operator" } });

    const listed = await api("/v1/invites");
    expect(listed.json.invites[0]).toEqual(invite);
    expectError(await api("/v1/invites", { token: admin.token }), 403, "forbidden");
  });

  it("shows no league, and lets a person in: an account and a personal token, shown once, that works", async () => {
    const invite = await signUpInvite();
    const seen = await api(`/v1/invites/${invite.code}`, { token: null });
    expect(seen.status).toBe(200);
    expect(seen.json).toEqual({ league: null, expiresAt: null, usesLeft: null });

    const name = uniqueName("Ann");
    const joined = await accept(invite.code, { name });
    expect(joined.status).toBe(201);
    expect(joined.json).toMatchObject({ user: { name, isAdmin: false, email: null }, token: { name: "personal", userId: joined.json.user.id }, league: null });
    expect((await api("/v1/me", { token: joined.json.token.token })).json.user.name).toBe(name);
    expect(await countRows("SELECT count(*) AS n FROM api_tokens WHERE user_id = ? AND created_by = ?", joined.json.user.id, `invite:${invite.id}`)).toBe(1);
    expect((await inviteRow(invite.id))!.uses).toBe(1);

    // Signed in, there is nothing more it can give; the operator is no user.
    expectError(await accept(invite.code, { token: joined.json.token.token }), 409, "already_has_account");
    expectError(await api(`/v1/invites/${invite.code}/accept`, { method: "POST", body: {} }), 403, "forbidden");
    expect((await inviteRow(invite.id))!.uses).toBe(1);
  });

  it("the operator revokes one by its code (audited): its link answers 410 revoked", async () => {
    const invite = await signUpInvite();
    const revoked = await api(`/v1/invites/${invite.code}`, { method: "DELETE" });
    expect(revoked.status).toBe(200);
    expect(revoked.json).toMatchObject({ id: invite.id, status: "revoked" });
    expect(revoked.json.revokedAt).not.toBeNull();
    const again = await api(`/v1/invites/${invite.code}`, { method: "DELETE" });
    expect(again.json.revokedAt).toBe(revoked.json.revokedAt);

    const seen = await api(`/v1/invites/${invite.code}`, { token: null });
    expectError(seen, 410, "invite_gone");
    expect(seen.json.error.details).toEqual({ reason: "revoked" });
    expectError(await accept(invite.code, { name: uniqueName("Late") }), 410, "invite_gone");
    const audit = await api("/v1/admin/audit?limit=10");
    expect(audit.json.entries.filter((e: any) => e.action === "invite.revoked" && e.detail.inviteId === invite.id)).toHaveLength(1);

    const user = await createUserWithToken();
    expectError(await api(`/v1/invites/${invite.code}`, { method: "DELETE", token: user.token }), 403, "forbidden");
    // Anonymous callers meet authentication on every other method of the path.
    expectError(await api(`/v1/invites/${invite.code}`, { method: "DELETE", token: null }), 401, "unauthorized");
  });
});

describe("unknown, expired, used up and revoked codes", () => {
  it("a code nobody issued is 404 invite_not_found, looked at or accepted, and creates nothing", async () => {
    const users = await countRows("SELECT count(*) AS n FROM users");
    for (const code of ["AAAAAAAAAAAAAAAAAAAAAA", "not-a-code", "x".repeat(200)]) {
      expectError(await api(`/v1/invites/${code}`, { token: null }), 404, "invite_not_found");
      expectError(await accept(code, { name: uniqueName("Nobody") }), 404, "invite_not_found");
    }
    expect(await countRows("SELECT count(*) AS n FROM users")).toBe(users);
  });

  it("expired: 410 with reason 'expired' once its days have passed", async () => {
    const owner = await createUserWithToken();
    const league = await createLeague(owner.token, { name: "Expiring" });
    const invite = await leagueInvite(owner.token, league.id, { expiresInDays: 1 });
    expect((await api(`/v1/invites/${invite.code}`, { token: null })).status).toBe(200);

    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.parse(invite.expiresAt) + 1000);
    const seen = await api(`/v1/invites/${invite.code}`, { token: null });
    expectError(seen, 410, "invite_gone");
    expect(seen.json.error.details).toEqual({ reason: "expired" });
    const accepted = await accept(invite.code, { name: uniqueName("Late") });
    expectError(accepted, 410, "invite_gone");
    expect(accepted.json.error.details).toEqual({ reason: "expired" });
    expectError(await accept(invite.code, { token: (await createUserWithToken()).token }), 410, "invite_gone");
    expect((await inviteRow(invite.id))!.uses).toBe(0);
  });

  it("used up: the use limit lets exactly that many in, then 410 with reason 'used_up'", async () => {
    const owner = await createUserWithToken();
    const league = await createLeague(owner.token, { name: "Two Seats" });
    const invite = await leagueInvite(owner.token, league.id, { maxUses: 2 });
    expect((await api(`/v1/invites/${invite.code}`, { token: null })).json.usesLeft).toBe(2);
    await joinAs(invite.code, uniqueName("One"));
    const signedIn = await createUserWithToken();
    expect((await accept(invite.code, { token: signedIn.token })).status).toBe(201);
    const third = await accept(invite.code, { name: uniqueName("Three") });
    expectError(third, 410, "invite_gone");
    expect(third.json.error.details).toEqual({ reason: "used_up" });
    expect((await api(`/v1/leagues/${league.id}`, { token: owner.token })).json.memberCount).toBe(3);
  });
});

describe("accepting is all or nothing", () => {
  it("two people racing for the last use: one 201, one 410 used_up, and the loser leaves no user, member or token", async () => {
    const owner = await createUserWithToken();
    const league = await createLeague(owner.token, { name: "Last Seat" });
    for (const [maxUses, racers] of [
      [1, 2],
      [2, 3],
      [1, 4],
    ] as const) {
      const invite = await leagueInvite(owner.token, league.id, { maxUses });
      const names = Array.from({ length: racers }, (_, i) => uniqueName(`Racer${i}`));
      const responses = await Promise.all(names.map((name) => accept(invite.code, { name })));
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses).toEqual([...Array(maxUses).fill(201), ...Array(racers - maxUses).fill(410)]);
      for (const lost of responses.filter((r) => r.status === 410)) expect(lost.json.error.details).toEqual({ reason: "used_up" });

      const winners = responses.filter((r) => r.status === 201).map((r) => r.json.user.name);
      const placeholders = names.map(() => "?").join(", ");
      expect((await env.DB.prepare(`SELECT name FROM users WHERE name IN (${placeholders})`).bind(...names).all()).results.map((r) => r.name).sort()).toEqual(
        [...winners].sort(),
      );
      expect(
        await countRows(`SELECT count(*) AS n FROM league_members m JOIN users u ON u.id = m.user_id WHERE m.league_id = ? AND u.name IN (${placeholders})`, league.id, ...names),
      ).toBe(maxUses);
      expect(await countRows(`SELECT count(*) AS n FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE u.name IN (${placeholders})`, ...names)).toBe(maxUses);
      expect((await inviteRow(invite.id))!.uses).toBe(maxUses);
    }
  });

  it("the batch holds itself to the invite: closed between the read and the write (the last use taken, a rotation), nothing is written", async () => {
    const owner = await createUserWithToken();
    const league = await createLeague(owner.token, { name: "Closed Meanwhile" });
    const signedIn = await createUserWithToken();
    for (const [closing, reason] of [
      ["UPDATE invites SET max_uses = uses + 1, uses = uses + 1 WHERE id = ?", "used_up"],
      ["UPDATE invites SET revoked_at = '2026-01-01T00:00:00Z' WHERE id = ?", "revoked"],
    ] as const) {
      const invite = await leagueInvite(owner.token, league.id, { maxUses: 5 });
      // Another request closes the invite right before this one's batch runs: the service has read it open.
      const d1 = new Proxy(env.DB, {
        get(target, prop) {
          if (prop === "batch") {
            return async (statements: D1PreparedStatement[]) => {
              await target.prepare(closing).bind(invite.id).run();
              return target.batch(statements);
            };
          }
          const value = Reflect.get(target, prop);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
      const before = await inviteRow(invite.id);
      for (const as of [{ userId: null, name: uniqueName("Stale") }, { userId: signedIn.id }]) {
        await env.DB.prepare("UPDATE invites SET max_uses = 5, uses = 0, revoked_at = NULL WHERE id = ?").bind(invite.id).run();
        const refused = await acceptInvite(createDatabase(d1), { code: invite.code, ...as }, new Date()).catch((error: unknown) => error);
        expect(refused).toBeInstanceOf(ApiError);
        expect(refused).toMatchObject({ code: "invite_gone", details: { reason } });
      }
      expect(await countRows("SELECT count(*) AS n FROM users WHERE name LIKE 'Stale %'")).toBe(0);
      expect(await countRows("SELECT count(*) AS n FROM league_members WHERE league_id = ? AND user_id = ?", league.id, signedIn.id)).toBe(0);
      expect((await inviteRow(invite.id))!.uses).toBe(reason === "used_up" ? 1 : 0);
      expect(before!.uses).toBe(0);
    }
  });

  it("a taken name is 409 user_name_taken asking for another, and the use is not counted", async () => {
    const owner = await createUserWithToken(uniqueName("Owner"));
    const league = await createLeague(owner.token, { name: "Taken Names" });
    const invite = await leagueInvite(owner.token, league.id, { maxUses: 1 });
    const taken = await accept(invite.code, { name: owner.name });
    expectError(taken, 409, "user_name_taken");
    expect(taken.json.error.message).toContain("choose another");
    expect((await inviteRow(invite.id))!.uses).toBe(0);
    expect((await api(`/v1/leagues/${league.id}`, { token: owner.token })).json.memberCount).toBe(1);
    // The one use is still there for the next name.
    await joinAs(invite.code, uniqueName("Free"));
  });

  it("without a token a name is required (400 naming body.name); a wrong token is 401, never taken as no token", async () => {
    const invite = await signUpInvite();
    const noName = await accept(invite.code, {});
    expectError(noName, 400, "validation_failed");
    expect(noName.json.error.details).toEqual([{ field: "body.name", problem: expect.any(String) }]);
    expectError(await api(`/v1/invites/${invite.code}/accept`, { method: "POST", token: null }), 400, "validation_failed");
    expectError(await accept(invite.code, { name: "bad\u0007name" }), 400, "validation_failed");
    expectError(await accept(invite.code, { token: "ftd_wrong", name: uniqueName("X") }), 401, "unauthorized");
    expectError(await api(`/v1/invites/${invite.code}`, { token: "ftd_wrong" }), 401, "unauthorized");
    expect((await inviteRow(invite.id))!.uses).toBe(0);
  });

  it("signed in: joins once (no new account, no token), then 409 already_member without counting a use", async () => {
    const owner = await createUserWithToken();
    const league = await createLeague(owner.token, { name: "Signed In" });
    const user = await createUserWithToken();
    const joined = await accept(league.invite.code, { token: user.token, name: "ignored" });
    expect(joined.status).toBe(201);
    expect(joined.json).toMatchObject({ user: { id: user.id, name: user.name }, token: null, league: { id: league.id, name: "Signed In", memberCount: 2 } });
    expectError(await accept(league.invite.code, { token: user.token }), 409, "already_member");
    expectError(await accept(league.invite.code, { token: owner.token }), 409, "already_member");
    expect((await inviteRow(league.invite.id))!.uses).toBe(1);
  });
});

describe("codes are derived under SESSION_SECRET", () => {
  it("after SESSION_SECRET is rotated a link keeps working, but the API can no longer show it (code null) until rotated", async () => {
    const owner = await createUserWithToken();
    const league = await createLeague(owner.token, { name: "Rotated Secret" });
    const other = { SESSION_SECRET: "another-secret-0123456789abcdef" };
    const seen = await viaWorker(`/v1/leagues/${league.id}`, { token: owner.token }, other);
    expect(seen.json.invite).toMatchObject({ id: league.invite.id, code: null, url: null, status: "open" });
    expect((await viaWorker(`/v1/invites/${league.invite.code}`, {}, other)).status).toBe(200);
    const rotated = await viaWorker(`/v1/leagues/${league.id}/invites/rotate`, { method: "POST", token: owner.token }, other);
    expect(rotated.json.code).toMatch(CODE);
  });

  it("without SESSION_SECRET no invite is made (500 server_misconfigured), and no league half-made", async () => {
    const owner = await createUserWithToken();
    const leagues = await countRows("SELECT count(*) AS n FROM leagues");
    const response = await viaWorker("/v1/leagues", { method: "POST", token: owner.token, body: { name: "No Secret" } }, { SESSION_SECRET: undefined });
    expectError(response, 500, "server_misconfigured");
    expect(await countRows("SELECT count(*) AS n FROM leagues")).toBe(leagues);
  });
});
