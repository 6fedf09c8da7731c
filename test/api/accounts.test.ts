import { describe, expect, it } from "vitest";
import wranglerToml from "../../wrangler.toml?raw";
import { api, countRows, createUserWithToken, expectError, makePick, seedMatchup, seedTeams } from "../helpers/api";
import { uniqueName, viaWorker } from "../helpers/invites";

describe("open sign-up or invite-only (the SIGN_UP var)", () => {
  it("is invite-only unless the operator opens it: wrangler.toml says so, and POST /v1/accounts is 403 sign_up_closed", async () => {
    expect(wranglerToml).toMatch(/^SIGN_UP = "invite-only"$/m);
    const name = uniqueName("Closed");
    const response = await api("/v1/accounts", { method: "POST", token: null, body: { name } });
    expectError(response, 403, "sign_up_closed");
    expect(response.json.error.message).toContain("invite");
    for (const setting of [undefined, "", "invite-only", "nonsense"]) {
      expectError(await viaWorker("/v1/accounts", { method: "POST", body: { name } }, { SIGN_UP: setting }), 403, "sign_up_closed");
    }
    expect(await countRows("SELECT count(*) AS n FROM users WHERE name = ?", name)).toBe(0);
  });

  it("open: anyone makes an account with no token, and gets a personal token shown once that works at once", async () => {
    const name = uniqueName("Sam");
    const made = await viaWorker("/v1/accounts", { method: "POST", body: { name: `  ${name}  ` } }, { SIGN_UP: "open" });
    expect(made.status).toBe(201);
    expect(made.json.user).toMatchObject({ name, email: null, isAdmin: false });
    expect(made.json.token).toMatchObject({ userId: made.json.user.id, name: "personal", expiresAt: null, revokedAt: null });
    expect(made.json.token.token).toMatch(/^ftd_/);
    const me = await api("/v1/me", { token: made.json.token.token });
    expect(me.json).toMatchObject({ user: { id: made.json.user.id, name }, via: "user_token" });
    // Only the token's hash is stored.
    expect(await countRows("SELECT count(*) AS n FROM api_tokens WHERE token_hash = ?", made.json.token.token)).toBe(0);
    expect(await countRows("SELECT count(*) AS n FROM api_tokens WHERE user_id = ? AND created_by = 'sign_up'", made.json.user.id)).toBe(1);

    // ... and then makes leagues like any user.
    const league = await api("/v1/leagues", { method: "POST", token: made.json.token.token, body: { name: "Open Crew" } });
    expect(league.status).toBe(201);
  });

  it("a taken name is 409 user_name_taken asking for another, and nothing is written", async () => {
    const taken = await createUserWithToken(uniqueName("Taken"));
    const users = await countRows("SELECT count(*) AS n FROM users");
    const response = await viaWorker("/v1/accounts", { method: "POST", body: { name: taken.name } }, { SIGN_UP: "open" });
    expectError(response, 409, "user_name_taken");
    expect(response.json.error.message).toContain("choose another");
    expect(await countRows("SELECT count(*) AS n FROM users")).toBe(users);
  });

  it("a display name is 1 to 60 characters once trimmed, without control characters", async () => {
    for (const name of ["", "   ", "x".repeat(61), "bad\u0000name", "zero\u200bwidth"]) {
      expectError(await viaWorker("/v1/accounts", { method: "POST", body: { name } }, { SIGN_UP: "open" }), 400, "validation_failed");
    }
    expectError(await viaWorker("/v1/accounts", { method: "POST", body: {} }, { SIGN_UP: "open" }), 400, "validation_failed");
  });

  it("a wrong token is refused (401) even on this route, rather than ignored", async () => {
    expectError(await api("/v1/accounts", { method: "POST", token: "ftd_not-a-token", body: { name: uniqueName("X") } }), 401, "unauthorized");
  });
});

describe("the global leaderboard is opt-in (PATCH /v1/me/profile)", () => {
  it("is off by default; opting in puts the user's standings on the public board (league 0), opting out takes them off", async () => {
    const season = 2161;
    const teams = await seedTeams(season, ["KC", "BUF"]);
    const game = await seedMatchup(season, 1, "KC", "BUF");
    const user = await createUserWithToken(uniqueName("Board"));
    await makePick(user, game, teams.KC!.WR);
    const onPublicBoard = () => countRows("SELECT count(*) AS n FROM league_standings WHERE league_id = 0 AND user_id = ?", user.id);

    expect((await api("/v1/me/profile", { token: user.token })).json).toEqual({ id: user.id, name: user.name, onGlobalBoard: false });
    expect(await onPublicBoard()).toBe(0);

    const optIn = await api("/v1/me/profile", { method: "PATCH", token: user.token, body: { onGlobalBoard: true } });
    expect(optIn.status).toBe(200);
    expect(optIn.json.onGlobalBoard).toBe(true);
    expect(await onPublicBoard()).toBe(2); // the season (week 0) and week 1

    const optOut = await api("/v1/me/profile", { method: "PATCH", token: user.token, body: { onGlobalBoard: false } });
    expect(optOut.json.onGlobalBoard).toBe(false);
    expect(await onPublicBoard()).toBe(0);
  });

  it("needs a field, and a user: the operator has no profile", async () => {
    const user = await createUserWithToken();
    expectError(await api("/v1/me/profile", { method: "PATCH", token: user.token, body: {} }), 400, "validation_failed");
    expectError(await api("/v1/me/profile", { method: "PATCH", body: { onGlobalBoard: true } }), 403, "forbidden");
  });
});
