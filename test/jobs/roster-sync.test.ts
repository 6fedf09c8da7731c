import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { isPickablePosition } from "../../src/domain/positions";
import { TEAM_CODES } from "../../src/domain/teams";
import rosterV1 from "../fixtures/jobs/roster_2025.csv?raw";
import rosterV2 from "../fixtures/jobs/roster_2025_v2.csv?raw";
import aliasesV1 from "../fixtures/nflverse/clean_player_names_excerpt.csv?raw";
import { api, createUserWithToken, seedGame } from "../helpers/api";
import { futureKickoff } from "../helpers/real-clock";
import { expectRun, row, rows, run, snapshot } from "./support/db";
import { csv, FakeUpstream, html, status, urls } from "./support/upstream";

/**
 * The roster sync over the nflverse roster file (test/fixtures/jobs/roster_2025.csv: 48 real rows of
 * roster_2025.csv, re-saved with `.0` ids, a few edited: Juszczyk as an old-style `FB`, Covey without a
 * position but WR on the depth chart, Bigsby still in Jacksonville; v2 moves Bigsby to Philadelphia and
 * activates AJ Dillon), and nflverse's alias list (test/fixtures/nflverse/clean_player_names_excerpt.csv: 15 real
 * rows, 11 links once rows that add nothing are dropped). The steps run in order against one database.
 */

const SEASON = 2025;
const FILE_ROWS = 48;
const ALIAS_LINKS = 11;
/** The list a few weeks on: one link gone (Mahomes), one new (Ced Wilson), one respelled (HaSean Clinton-Dix first). */
const aliasesV2 = (() => {
  const lines = aliasesV1.split("\r\n").filter((line) => line !== "" && !line.startsWith("Patrick Mahomes,"));
  const hasean = lines.findIndex((line) => line === "HaHa Clinton-Dix,Hasean Clinton-Dix");
  [lines[hasean], lines[hasean + 1]] = [lines[hasean + 1]!, lines[hasean]!];
  return [...lines, "Cedrick Wilson,Ced Wilson", ""].join("\r\n");
})();
const upstream = new FakeUpstream();

interface RosterRow {
  player_id: string;
  player_name: string;
  team: string;
  position: string | null;
  raw_position: string | null;
  depth_chart_position: string | null;
  status: string;
  jersey: number | null;
  is_current: number;
}

async function rosterRows(playerId: string): Promise<RosterRow[]> {
  return rows<RosterRow>(
    `SELECT player_id, player_name, team, position, raw_position, depth_chart_position, status, jersey, is_current
     FROM rosters WHERE season = ? AND player_id = ? ORDER BY team`,
    SEASON,
    playerId,
  );
}

interface AliasRow {
  alias_key: string;
  canonical_key: string;
  alias_name: string;
  canonical_name: string;
  updated_at: string;
}

const aliasRows = () => rows<AliasRow>("SELECT * FROM player_name_aliases ORDER BY alias_key, canonical_key");

async function playerIdOf(name: string): Promise<string> {
  const found = await rows<{ id: string }>("SELECT id FROM players WHERE full_name = ?", name);
  expect(found, name).toHaveLength(1);
  return found[0]!.id;
}

/** POST /v1/picks for the Week 1 opener (DAL at PHI), which is still to be played. */
async function tryPick(playerId: string) {
  const user = await createUserWithToken();
  return api("/v1/picks", { method: "POST", token: user.token, body: { gameId: "2025_01_DAL_PHI", playerId } });
}

beforeAll(async () => {
  upstream.install();
  // The opener of the rosters' season, on a Thursday night in the real future: the database judges a pick's lock by
  // its own (real) clock, so only a game still ahead in real time takes picks.
  await seedGame({ id: "2025_01_DAL_PHI", season: SEASON, week: 1, home: "PHI", away: "DAL", kickoffAt: futureKickoff(4, "20:20") });
});
afterAll(() => upstream.restore());
afterEach(() => expect(upstream.unrouted).toEqual([]));

describe("roster-sync, first run over the file", () => {
  it("loads every row and logs the run", async () => {
    upstream.on(urls.roster(SEASON), csv(rosterV1));
    upstream.on(urls.playerAliases(), csv(aliasesV1));
    const report = await run("roster-sync", { season: SEASON, now: "2025-08-20T09:00:00Z" });
    const logged = await expectRun(report, {
      job: "roster-sync",
      trigger: "cli",
      season: SEASON,
      status: "ok",
      read_count: FILE_ROWS,
      inserted_count: FILE_ROWS,
      updated_count: 0,
      unchanged_count: 0,
      rejected_count: 0,
      error: null,
    });
    expect(upstream.callsTo(urls.roster(SEASON))).toHaveLength(1);
    expect(logged.d1_rows_written).toBeGreaterThan(0);
    expect(logged.details).toMatchObject({ rejectedRows: [], moves: 0, defenseRowsAdded: 32, activeSkillPlayersWithoutPosition: 0 });
    // 48 players of the file plus the 32 team defenses.
    expect(await row("SELECT count(*) AS n FROM rosters WHERE season = ?", SEASON)).toEqual({ n: FILE_ROWS + 32 });
  });

  it("stores nflverse's alias list by name key, with the rows that add nothing counted", async () => {
    const logged = (await rows<{ details: string }>("SELECT details FROM sync_runs ORDER BY id DESC LIMIT 1"))[0]!;
    expect(JSON.parse(logged.details).playerAliases).toEqual({
      refreshed: true,
      links: ALIAS_LINKS,
      inserted: ALIAS_LINKS,
      updated: 0,
      deleted: 0,
      droppedRows: 4,
      rejectedRows: [],
    });
    const aliases = await aliasRows();
    expect(aliases).toHaveLength(ALIAS_LINKS);
    expect(aliases.find((a) => a.alias_key === "gabe davis")).toEqual({
      alias_key: "gabe davis",
      canonical_key: "gabriel davis",
      alias_name: "Gabe Davis",
      canonical_name: "Gabriel Davis",
      updated_at: "2025-08-20T09:00:00Z",
    });
    expect(upstream.callsTo(urls.playerAliases())).toHaveLength(1);
  });

  it("normalizes fullbacks to RB and keeps the raw and depth-chart positions", async () => {
    expect(await rosterRows("00-0038738")).toMatchObject([
      { player_name: "Hunter Luepke", team: "DAL", position: "RB", raw_position: "RB", depth_chart_position: "FB", status: "ACT" },
    ]);
    expect(await rosterRows("00-0029892")).toMatchObject([
      { player_name: "Kyle Juszczyk", team: "SF", position: "RB", raw_position: "FB", depth_chart_position: "FB" },
    ]);
  });

  it("keeps OL, DL, LB, DB, P and LS as they are, not pickable", async () => {
    const nonSkill = await rows<{ player_name: string; position: string; raw_position: string }>(
      `SELECT player_name, position, raw_position FROM rosters
       WHERE season = ? AND raw_position IN ('OL', 'DL', 'LB', 'DB', 'P', 'LS') ORDER BY player_name`,
      SEASON,
    );
    expect(nonSkill.map((r) => [r.player_name, r.position])).toEqual([
      ["Braden Mann", "P"],
      ["Charley Hughlett", "LS"],
      ["Dante Barnett", "DL"],
      ["Derwin James", "DB"],
      ["Jalen Carter", "DL"],
      ["Lane Johnson", "OL"],
      ["Quinyon Mitchell", "DB"],
      ["Trent McDuffie", "DB"],
      ["Zack Baun", "LB"],
    ]);
    for (const r of nonSkill) expect(r.position).toBe(r.raw_position);
    expect(nonSkill.some((r) => isPickablePosition(r.position))).toBe(false);

    const lineman = await tryPick("00-0030561"); // Lane Johnson, OL, active
    expect([lineman.status, lineman.json.error?.code]).toEqual([422, "player_not_pickable"]);
    const quarterback = await tryPick("00-0036389"); // Jalen Hurts
    expect(quarterback.status).toBe(201);
  });

  it("cleans pandas' `.0` from ids and jerseys", async () => {
    expect(await row("SELECT espn_id, sleeper_id, birth_date, is_fallback_id FROM players WHERE id = '00-0036389'")).toEqual({
      espn_id: "4040715",
      sleeper_id: "6904",
      birth_date: "1998-08-07",
      is_fallback_id: 0,
    });
    expect((await rosterRows("00-0036389"))[0]).toMatchObject({ jersey: 1, status: "ACT" });
    const dotted = await row<{ n: number }>(
      `SELECT count(*) AS n FROM players WHERE espn_id LIKE '%.%' OR sleeper_id LIKE '%.%'`,
    );
    expect(dotted).toEqual({ n: 0 });
    // Lane Johnson has no ESPN or Sleeper id in the file: NULL, not ''.
    expect(await row("SELECT espn_id, sleeper_id FROM players WHERE id = '00-0030561'")).toEqual({ espn_id: null, sleeper_id: null });
  });

  it("gives players without a gsis id a stable fallback key and reports them", async () => {
    expect(await row("SELECT id, is_fallback_id FROM players WHERE full_name = 'Layne Pryor'")).toEqual({ id: "X-IT-59332", is_fallback_id: 1 });
    expect(await row("SELECT id, is_fallback_id FROM players WHERE full_name = 'Dante Barnett'")).toEqual({ id: "X-IT-58805", is_fallback_id: 1 });
    const details = (await rows<{ details: string }>("SELECT details FROM sync_runs ORDER BY id DESC LIMIT 1"))[0]!;
    const parsed = JSON.parse(details.details);
    expect(parsed.playersWithoutGsisId).toBe(2);
    expect(parsed.playersWithoutGsisIdSample).toEqual([
      { line: 48, id: "X-IT-59332", fullName: "Layne Pryor", team: "HOU" },
      { line: 49, id: "X-IT-58805", fullName: "Dante Barnett", team: "GB" },
    ]);
  });

  it("keeps each row's status", async () => {
    const statuses = await rows<{ player_name: string; status: string }>(
      "SELECT player_name, status FROM rosters WHERE season = ? AND status <> 'ACT' ORDER BY player_name",
      SEASON,
    );
    expect(statuses).toEqual([
      { player_name: "AJ Dillon", status: "INA" },
      { player_name: "Ben VanSumeren", status: "RES" },
      { player_name: "Dante Barnett", status: "DEV" },
      { player_name: "Javonte Williams", status: "RES" },
      { player_name: "Layne Pryor", status: "DEV" },
      { player_name: "Rashee Rice", status: "RES" },
      { player_name: "Trent McDuffie", status: "RES" },
    ]);
    const inactive = await tryPick("00-0036265"); // AJ Dillon, INA
    expect([inactive.status, inactive.json.error?.code]).toEqual([422, "player_not_pickable"]);
  });

  it("has a DEF-<TEAM> row for each of the 32 teams", async () => {
    const defenses = await rows<{ player_id: string; team: string; position: string; status: string; is_current: number }>(
      "SELECT player_id, team, position, status, is_current FROM rosters WHERE season = ? AND position = 'DEF' ORDER BY team",
      SEASON,
    );
    expect(defenses.map((d) => d.team)).toEqual([...TEAM_CODES].sort());
    for (const d of defenses) expect(d).toEqual({ player_id: `DEF-${d.team}`, team: d.team, position: "DEF", status: "ACT", is_current: 1 });
  });

  it("leaves no active QB, RB, WR, TE or K of the file without a position", async () => {
    const skill = await rows<{ player_name: string; position: string | null }>(
      `SELECT player_name, position FROM rosters WHERE season = ? AND status = 'ACT' AND position IS NOT 'DEF'
         AND (raw_position IN ('QB', 'RB', 'FB', 'WR', 'TE', 'K') OR depth_chart_position IN ('QB', 'RB', 'FB', 'WR', 'TE', 'K'))`,
      SEASON,
    );
    expect(skill.length).toBe(34);
    expect(skill.filter((r) => !isPickablePosition(r.position))).toEqual([]);
    // Covey's file row has no position, only the depth chart's WR.
    expect((await rosterRows("00-0037132"))[0]).toMatchObject({ position: "WR", raw_position: null, depth_chart_position: "WR" });
  });
});

describe("roster-sync, later runs", () => {
  it("writes nothing when the file has not changed", async () => {
    const before = await snapshot();
    const report = await run("roster-sync", { season: SEASON, now: "2025-08-21T09:00:00Z" });
    await expectRun(report, {
      status: "ok",
      read_count: FILE_ROWS,
      inserted_count: 0,
      updated_count: 0,
      unchanged_count: FILE_ROWS,
      rejected_count: 0,
      d1_rows_written: 0,
    });
    expect(report.rowsWritten).toBe(0);
    expect(report.outcome?.details).toMatchObject({
      defenseRowsAdded: 0,
      moves: 0,
      playerAliases: { refreshed: true, links: ALIAS_LINKS, inserted: 0, updated: 0, deleted: 0 },
    });
    expect(await snapshot()).toEqual(before);
  });

  it("moves a player who changed teams: his old row stops being current", async () => {
    upstream.on(urls.roster(SEASON), csv(rosterV2));
    const report = await run("roster-sync", { season: SEASON, now: "2025-09-02T09:00:00Z" });
    await expectRun(report, { status: "ok", read_count: FILE_ROWS, inserted_count: 1, updated_count: 1, unchanged_count: FILE_ROWS - 2 });
    expect(report.outcome?.details).toMatchObject({ moves: 1 });
    const bigsby = await playerIdOf("Tank Bigsby");
    expect((await rosterRows(bigsby)).map((r) => [r.team, r.is_current])).toEqual([
      ["JAX", 0],
      ["PHI", 1],
    ]);
    // Now on a team of the opener, he can be picked for it.
    expect((await tryPick(bigsby)).status).toBe(201);
  });

  it("takes a status change (AJ Dillon activated) and then he is pickable", async () => {
    expect((await rosterRows("00-0036265"))[0]).toMatchObject({ team: "PHI", status: "ACT", is_current: 1 });
    expect((await tryPick("00-0036265")).status).toBe(201);
  });

  it("writes nothing on a second run over the changed file", async () => {
    const before = await snapshot();
    const report = await run("roster-sync", { season: SEASON, now: "2025-09-03T09:00:00Z" });
    await expectRun(report, { status: "ok", inserted_count: 0, updated_count: 0, unchanged_count: FILE_ROWS, d1_rows_written: 0 });
    expect(await snapshot()).toEqual(before);
    expect(upstream.callsTo(urls.roster(SEASON))).toHaveLength(4);
  });

  it("takes a changed alias list: only the links that differ are written", async () => {
    const before = await aliasRows();
    upstream.on(urls.playerAliases(), csv(aliasesV2));
    const report = await run("roster-sync", { season: SEASON, now: "2025-09-04T09:00:00Z" });
    await expectRun(report, { status: "ok", inserted_count: 0, updated_count: 0, unchanged_count: FILE_ROWS });
    expect(report.outcome?.details).toMatchObject({ playerAliases: { refreshed: true, links: ALIAS_LINKS, inserted: 1, updated: 1, deleted: 1 } });

    const after = await aliasRows();
    expect(after.find((a) => a.canonical_key === "patrick mahomes")).toBeUndefined();
    expect(after.find((a) => a.alias_key === "ced wilson")).toMatchObject({ canonical_name: "Cedrick Wilson", updated_at: "2025-09-04T09:00:00Z" });
    expect(after.find((a) => a.canonical_key === "haha clinton dix")).toMatchObject({
      alias_name: "HaSean Clinton-Dix",
      updated_at: "2025-09-04T09:00:00Z",
    });
    // The links that did not change were not rewritten.
    const untouched = after.filter((a) => !["ced wilson", "hasean clinton dix"].includes(a.alias_key));
    expect(untouched).toEqual(before.filter((a) => a.canonical_key !== "patrick mahomes" && a.alias_key !== "hasean clinton dix"));

    const again = await run("roster-sync", { season: SEASON, now: "2025-09-05T09:00:00Z" });
    await expectRun(again, { status: "ok", d1_rows_written: 0 });
  });
});

describe("roster-sync when the alias list cannot be read", () => {
  it.each([
    ["a 404", status(404, {}, "Not Found"), /^UpstreamError: Upstream answered 404 \(https:\/\/.*clean_player_names\.csv\)$/],
    ["an HTML page", html(200), /^UpstreamError: Upstream sent an HTML page instead of data/],
    ["a file without alt_name", csv("correct_name,other\r\nTank Dell,x\r\n"), /^CsvInputError: missing required column\(s\): alt_name$/],
  ])("%s: the rosters land, the stored aliases stay, the run is partial and says why", async (_, reply, error) => {
    const aliasesBefore = await aliasRows();
    const bigsby = await playerIdOf("Tank Bigsby");
    // Bigsby back in Jacksonville (file v1) or in Philadelphia (v2): a roster change each time.
    const backInJacksonville = (await rosterRows(bigsby)).find((r) => r.is_current === 1)!.team === "PHI";
    upstream.on(urls.roster(SEASON), csv(backInJacksonville ? rosterV1 : rosterV2));
    upstream.on(urls.playerAliases(), reply);

    const report = await run("roster-sync", { season: SEASON, now: "2025-09-06T09:00:00Z" });
    const logged = await expectRun(report, { status: "partial", read_count: FILE_ROWS, updated_count: 2, rejected_count: 1, error: null });
    expect(logged.details.playerAliases).toEqual({ refreshed: false, error: expect.stringMatching(error) });
    expect(logged.d1_rows_written).toBeGreaterThan(0);
    expect((await rosterRows(bigsby)).find((r) => r.is_current === 1)!.team).toBe(backInJacksonville ? "JAX" : "PHI");
    expect(await aliasRows()).toEqual(aliasesBefore);
  });

  it("a failed roster download still fails the run, and the alias list is not even asked for", async () => {
    const before = await snapshot();
    upstream.clearCalls();
    upstream.on(urls.roster(SEASON), status(404, {}, "Not Found"));
    upstream.on(urls.playerAliases(), csv(aliasesV1));
    const report = await run("roster-sync", { season: SEASON, now: "2025-09-07T09:00:00Z" });
    await expectRun(report, { status: "failed", d1_rows_written: 0, error: `UpstreamError: Upstream answered 404 (${urls.roster(SEASON)})` });
    expect(upstream.callsTo(urls.playerAliases())).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });
});
