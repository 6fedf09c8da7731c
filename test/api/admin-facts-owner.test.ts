import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { FEED_RECORDER, PERSON_OWNS_FACTS_SQL } from "../../src/db/sql-rules";
import { firstTdFactsStatement } from "../../src/services/game-facts";
import { api, createUserWithToken, makePick, seedMatchup, seedTeams } from "../helpers/api";

/**
 * Who owns a game's first-TD facts (games.first_td_recorded_by) through the admin endpoints. Whoever records facts
 * owns them, and the live sync never overwrites a person's; a void is a decision about the pick'em, not a fact, so it
 * leaves the owner alone; cleared facts belong to nobody, which hands the game back to the feed. Every change is in
 * game_fact_changes under who made it.
 */

// Storage is per file: every test takes its own season.
let nextSeason = 2160;

/** KC at BUF with two picks, and the live sync's first TD: KC's WR. */
async function gameTheFeedRecorded() {
  const season = nextSeason++;
  const teams = await seedTeams(season, ["KC", "BUF"]);
  const game = await seedMatchup(season, 1, "KC", "BUF");
  const [kcFan, bufFan] = [await createUserWithToken(), await createUserWithToken()];
  await makePick(kcFan, game, teams.KC!.WR);
  await makePick(bufFan, game, teams.BUF!.WR);
  const admin = await createUserWithToken(undefined, true);
  // The live sync's write (the one statement that records facts, whoever finds them).
  const facts = { firstTdPlayerId: teams.KC!.WR, firstTdPlayerName: `KC WR ${season}`, firstTdTeam: "KC", firstTdKind: "reception", firstTdPlayText: null, noTd: 0 };
  await firstTdFactsStatement(env.DB, game, facts, FEED_RECORDER, new Date()).run();
  return { season, teams, game, admin, kcFan, bufFan };
}

/** The facts' owner, and whether the live sync takes it for a person's (and leaves the game alone). */
async function owner(game: string) {
  return env.DB.prepare(`SELECT g.first_td_recorded_by AS recordedBy, ${PERSON_OWNS_FACTS_SQL} AS personOwns FROM games g WHERE g.id = ?`)
    .bind(game)
    .first<{ recordedBy: string | null; personOwns: number }>();
}

/** The change log: [changed_by, what changed (before -> after)] for the columns that did. */
async function changeLog(game: string) {
  const { results } = await env.DB.prepare("SELECT changed_by, before, after FROM game_fact_changes WHERE game_id = ? ORDER BY id")
    .bind(game)
    .all<{ changed_by: string; before: string; after: string }>();
  return results.map((change) => {
    const [before, after] = [JSON.parse(change.before), JSON.parse(change.after)];
    const changed = Object.keys(after).filter((key) => before[key] !== after[key]);
    return [change.changed_by, Object.fromEntries(changed.map((key) => [key, [before[key], after[key]]]))];
  });
}

async function put(game: string, path: "void" | "first-td", body: unknown, token: string) {
  const response = await api(`/v1/admin/games/${game}/${path}`, { method: "PUT", token, body });
  expect(response.status).toBe(200);
  return response.json;
}

describe("the owner of a game's first-TD facts, through the admin endpoints", () => {
  it("void then un-void: the picks go void and back, the live sync keeps its facts; both changes logged as the admin", async () => {
    const { teams, game, admin } = await gameTheFeedRecorded();
    expect(await owner(game)).toEqual({ recordedBy: FEED_RECORDER, personOwns: 0 });

    expect((await put(game, "void", { voided: true }, admin.token)).grading).toEqual({ picks: 2, wins: 0, losses: 0, voids: 2, ungraded: 0 });
    expect(await owner(game)).toEqual({ recordedBy: FEED_RECORDER, personOwns: 0 });
    expect((await put(game, "void", { voided: false }, admin.token)).grading).toEqual({ picks: 2, wins: 1, losses: 1, voids: 0, ungraded: 0 });
    expect(await owner(game)).toEqual({ recordedBy: FEED_RECORDER, personOwns: 0 });

    expect(await changeLog(game)).toEqual([
      [FEED_RECORDER, { first_td_player_id: [null, teams.KC!.WR], first_td_player_name: [null, expect.any(String)], first_td_team: [null, "KC"], first_td_kind: [null, "reception"] }],
      [`user:${admin.id}`, { is_voided: [0, 1] }],
      [`user:${admin.id}`, { is_voided: [1, 0] }],
    ]);
  });

  it("an admin's PUT first-td makes the admin the owner: the live sync leaves the game alone", async () => {
    const { teams, game, admin } = await gameTheFeedRecorded();
    await put(game, "first-td", { type: "player", playerId: teams.BUF!.WR, kind: "reception" }, admin.token);
    expect(await owner(game)).toEqual({ recordedBy: `user:${admin.id}`, personOwns: 1 });
    expect((await changeLog(game)).at(-1)).toEqual([`user:${admin.id}`, expect.objectContaining({ first_td_player_id: [teams.KC!.WR, teams.BUF!.WR] })]);
  });

  it("PUT {type: clear} leaves no owner: the picks are ungraded and the game is the feed's again; logged as the admin", async () => {
    const { teams, game, admin } = await gameTheFeedRecorded();
    await put(game, "first-td", { type: "player", playerId: teams.BUF!.WR, kind: "reception" }, admin.token);
    expect((await put(game, "first-td", { type: "clear" }, admin.token)).grading).toEqual({ picks: 2, wins: 0, losses: 0, voids: 0, ungraded: 2 });
    expect(await owner(game)).toEqual({ recordedBy: null, personOwns: 0 });
    expect((await changeLog(game)).at(-1)).toEqual([
      `user:${admin.id}`,
      expect.objectContaining({ first_td_player_id: [teams.BUF!.WR, null], first_td_team: ["BUF", null] }),
    ]);
  });
});
