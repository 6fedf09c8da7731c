/**
 * The admin side of the token lifecycle: disabling and enabling users, granting and revoking admin (the operator
 * only), revoking any token, and the audit of every such change (GET /v1/admin/audit).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { api, countRows, createUserWithToken, expectError, makePick, problemFields, seedMatchup, seedTeams, type TestUser } from "../helpers/api";

const SEASON = 2081;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
let gameId: string;
let teams: Awaited<ReturnType<typeof seedTeams>>;
let admin: TestUser;

const name = (prefix: string) => `${prefix}-${crypto.randomUUID().slice(0, 8)}`;

async function auditOf(userId: number) {
  return (await api(`/v1/admin/audit?userId=${userId}`)).json.entries as {
    id: number;
    at: string;
    actor: string;
    action: string;
    targetUserId: number | null;
    targetTokenId: number | null;
    detail: Record<string, unknown> | null;
  }[];
}

beforeAll(async () => {
  teams = await seedTeams(SEASON, ["KC", "BUF"]);
  gameId = await seedMatchup(SEASON, 1, "KC", "BUF");
  admin = await createUserWithToken(name("admin"), true);
});

describe("PATCH /v1/users/{id}: disable and enable", () => {
  it("an admin disables a player: every token of theirs gets 401 at once, their picks stay; enabling lets the tokens back in; both audited", async () => {
    const player = await createUserWithToken(name("player"));
    const spare = (await api("/v1/me/tokens", { method: "POST", token: player.token, body: { name: "spare" } })).json;
    const pick = await makePick(player, gameId, teams.KC!.QB);

    const disabled = await api(`/v1/users/${player.id}`, { method: "PATCH", token: admin.token, body: { disabled: true } });
    expect(disabled.status).toBe(200);
    expect(disabled.json).toMatchObject({ id: player.id, disabledAt: expect.stringMatching(ISO), disabledBy: `user:${admin.id}` });
    for (const token of [player.token, spare.token]) {
      const refused = await api("/v1/me", { token });
      expectError(refused, 401, "unauthorized");
      expect(refused.json.error.message).toBe("The account this token belongs to is disabled.");
    }
    expect(await countRows("SELECT count(*) AS n FROM picks WHERE id = ?", pick.id)).toBe(1);
    expect((await api(`/v1/games/${gameId}`)).status).toBe(200);
    // Tokens are not revoked: they are refused while the user is disabled.
    expect(await countRows("SELECT count(*) AS n FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL", player.id)).toBe(2);
    expect((await api(`/v1/users/${player.id}`, { token: admin.token })).json).toMatchObject({ disabledAt: disabled.json.disabledAt });

    const enabled = await api(`/v1/users/${player.id}`, { method: "PATCH", body: { disabled: false } });
    expect(enabled.json).toMatchObject({ disabledAt: null, disabledBy: null });
    expect((await api("/v1/me", { token: player.token })).status).toBe(200);
    expect((await api(`/v1/picks/${pick.id}`, { token: spare.token })).status).toBe(200);

    const audit = await auditOf(player.id);
    expect(audit.map((e) => [e.action, e.actor, e.targetUserId])).toEqual([
      ["user.enabled", "admin_token", player.id],
      ["user.disabled", `user:${admin.id}`, player.id],
    ]);
    expect(audit[1]!.detail).toEqual({ credential: `token:${admin.tokenId}` });
    expect(audit[0]!.detail).toEqual({ credential: "operator" });
    expect(audit[1]!.at).toMatch(ISO);
  });

  it("disabling twice changes nothing more and is audited once; 404 for nobody; 400 for an empty change", async () => {
    const player = await createUserWithToken(name("twice"));
    const first = await api(`/v1/users/${player.id}`, { method: "PATCH", token: admin.token, body: { disabled: true } });
    const second = await api(`/v1/users/${player.id}`, { method: "PATCH", token: admin.token, body: { disabled: true } });
    expect(second.json.disabledAt).toBe(first.json.disabledAt);
    expect((await auditOf(player.id)).map((e) => e.action)).toEqual(["user.disabled"]);
    expectError(await api("/v1/users/99999999", { method: "PATCH", body: { disabled: true } }), 404, "user_not_found");
    const empty = await api(`/v1/users/${player.id}`, { method: "PATCH", body: {} });
    expectError(empty, 400, "validation_failed");
    expect(problemFields(empty)).toEqual(["body"]);
  });

  it("an admin user cannot disable an admin (themselves included): 403, nothing changes; the operator can", async () => {
    const other = await createUserWithToken(name("other-admin"), true);
    for (const target of [other, admin]) {
      const refused = await api(`/v1/users/${target.id}`, { method: "PATCH", token: admin.token, body: { disabled: true } });
      expectError(refused, 403, "forbidden");
      expect(await countRows("SELECT count(*) AS n FROM users WHERE id = ? AND disabled_at IS NULL", target.id)).toBe(1);
    }
    expect((await api(`/v1/users/${other.id}`, { method: "PATCH", body: { disabled: true } })).json.disabledBy).toBe("admin_token");
    expectError(await api("/v1/me", { token: other.token }), 401, "unauthorized");
    expect((await auditOf(other.id)).map((e) => e.action)).toEqual(["user.disabled"]);
  });
});

describe("PATCH /v1/users/{id}: admin is granted and taken away by the operator only", () => {
  it("an admin user gets 403 (and changes nothing), with isAdmin alone or with disabled", async () => {
    const player = await createUserWithToken(name("hopeful"));
    for (const body of [{ isAdmin: true }, { isAdmin: true, disabled: false }]) {
      expectError(await api(`/v1/users/${player.id}`, { method: "PATCH", token: admin.token, body }), 403, "forbidden");
    }
    expectError(await api(`/v1/users/${admin.id}`, { method: "PATCH", token: admin.token, body: { isAdmin: false } }), 403, "forbidden");
    expect(await countRows("SELECT count(*) AS n FROM users WHERE id = ? AND is_admin = 0", player.id)).toBe(1);
    expect(await countRows("SELECT count(*) AS n FROM users WHERE id = ? AND is_admin = 1", admin.id)).toBe(1);
    expect(await auditOf(player.id)).toEqual([]);
  });

  it("the operator grants admin (the user's token opens the admin routes) and takes it away (403 again); audited", async () => {
    const player = await createUserWithToken(name("promoted"));
    expectError(await api("/v1/admin/audit", { token: player.token }), 403, "forbidden");
    const granted = await api(`/v1/users/${player.id}`, { method: "PATCH", body: { isAdmin: true } });
    expect(granted.json.isAdmin).toBe(true);
    expect((await api("/v1/admin/audit", { token: player.token })).status).toBe(200);
    const revoked = await api(`/v1/users/${player.id}`, { method: "PATCH", body: { isAdmin: false } });
    expect(revoked.json.isAdmin).toBe(false);
    expectError(await api("/v1/admin/audit", { token: player.token }), 403, "forbidden");
    expect((await auditOf(player.id)).map((e) => [e.action, e.actor])).toEqual([
      ["user.admin_revoked", "admin_token"],
      ["user.admin_granted", "admin_token"],
    ]);
  });

  it("POST /v1/users is audited with who made whom", async () => {
    const made = await api("/v1/users", { method: "POST", token: admin.token, body: { name: name("made") } });
    const audit = await auditOf(made.json.id);
    expect(audit).toEqual([
      {
        id: expect.any(Number),
        at: expect.stringMatching(ISO),
        actor: `user:${admin.id}`,
        action: "user.created",
        targetUserId: made.json.id,
        targetTokenId: null,
        detail: { name: made.json.name, isAdmin: false, credential: `token:${admin.tokenId}` },
      },
    ]);
  });
});

describe("DELETE /v1/users/{id}/tokens/{tokenId}: an admin revokes any token", () => {
  it("the token gets 401 at once, the user's others keep working; revokedBy and the audit say who; twice is harmless and audited once", async () => {
    const player = await createUserWithToken(name("leaky"));
    const spare = (await api("/v1/me/tokens", { method: "POST", token: player.token, body: { name: "spare" } })).json;
    const revoked = await api(`/v1/users/${player.id}/tokens/${player.tokenId}`, { method: "DELETE", token: admin.token });
    expect(revoked.status).toBe(200);
    expect(revoked.json).toMatchObject({ id: player.tokenId, userId: player.id, revokedAt: expect.stringMatching(ISO), revokedBy: `user:${admin.id}` });
    expectError(await api("/v1/me", { token: player.token }), 401, "unauthorized");
    expect((await api("/v1/me", { token: spare.token })).status).toBe(200);

    const again = await api(`/v1/users/${player.id}/tokens/${player.tokenId}`, { method: "DELETE" });
    expect(again.json.revokedAt).toBe(revoked.json.revokedAt);
    expect(again.json.revokedBy).toBe(`user:${admin.id}`);
    expect((await auditOf(player.id)).map((e) => [e.action, e.actor, e.targetTokenId, e.detail])).toEqual([
      ["token.revoked", `user:${admin.id}`, player.tokenId, { name: "test", credential: `token:${admin.tokenId}` }],
    ]);
  });

  it("an admin's token too (by another admin); 404 token_not_found for a token of someone else or nobody", async () => {
    const other = await createUserWithToken(name("other"), true);
    expect((await api(`/v1/users/${other.id}/tokens/${other.tokenId}`, { method: "DELETE", token: admin.token })).status).toBe(200);
    expectError(await api("/v1/me", { token: other.token }), 401, "unauthorized");
    const player = await createUserWithToken(name("bystander"));
    expectError(await api(`/v1/users/${other.id}/tokens/${player.tokenId}`, { method: "DELETE", token: admin.token }), 404, "token_not_found");
    expect((await api("/v1/me", { token: player.token })).status).toBe(200);
    expectError(await api(`/v1/users/${player.id}/tokens/99999999`, { method: "DELETE" }), 404, "token_not_found");
  });
});

describe("POST /v1/users/{id}/tokens (the operator) is audited", () => {
  it("with the new token's id and name, never the token", async () => {
    const player = await createUserWithToken(name("minted"));
    const issued = (await api(`/v1/users/${player.id}/tokens`, { method: "POST", body: { name: "bot", expiresInDays: 30 } })).json;
    const [entry] = await auditOf(player.id);
    expect(entry).toMatchObject({ action: "token.issued", actor: "admin_token", targetUserId: player.id, targetTokenId: issued.id });
    expect(entry!.detail).toEqual({ name: "bot", expiresAt: issued.expiresAt, credential: "operator" });
    expect(JSON.stringify(entry)).not.toContain(issued.token);
  });
});

describe("GET /v1/admin/audit", () => {
  it("newest first, paged with before/nextBefore, filtered by user; for admins only", async () => {
    const players = [await createUserWithToken(name("a")), await createUserWithToken(name("b")), await createUserWithToken(name("c"))];
    for (const p of players) await api(`/v1/users/${p.id}`, { method: "PATCH", token: admin.token, body: { disabled: true } });
    const all = await countRows("SELECT count(*) AS n FROM admin_audit");

    const first = await api("/v1/admin/audit?limit=2", { token: admin.token });
    expect(first.status).toBe(200);
    expect(first.json.entries.map((e: { targetUserId: number }) => e.targetUserId)).toEqual([players[2]!.id, players[1]!.id]);
    expect(first.json.nextBefore).toBe(first.json.entries[1].id);
    const second = await api(`/v1/admin/audit?limit=2&before=${first.json.nextBefore}`);
    expect(second.json.entries[0].targetUserId).toBe(players[0]!.id);

    const seen: number[] = [];
    let before: number | null = null;
    do {
      const page: { entries: { id: number }[]; nextBefore: number | null } = (await api(`/v1/admin/audit?limit=7${before ? `&before=${before}` : ""}`)).json;
      seen.push(...page.entries.map((e) => e.id));
      before = page.nextBefore;
    } while (before !== null);
    expect(seen).toHaveLength(all);
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);

    expect((await auditOf(players[1]!.id)).map((e) => e.targetUserId)).toEqual([players[1]!.id]);
    expectError(await api("/v1/admin/audit", { token: (await createUserWithToken()).token }), 403, "forbidden");
    expectError(await api("/v1/admin/audit?limit=0"), 400, "validation_failed");
  });
});
