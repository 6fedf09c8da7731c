import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { expectRun, row, run, snapshot } from "./support/db";
import { csv, FakeUpstream, urls } from "./support/upstream";

/**
 * The ingestion jobs over the full-size real nflverse files of ../shared/data (which exists beside the
 * development checkout only; Vite reads it, so the tests are skipped when it is absent, as in
 * test/sources/real-data.test.ts): each file lands in one batch, and a second run over it writes nothing.
 */
const REAL = "../../../shared/data/nflverse/";
const files = import.meta.glob<string>(
  [
    "../../../shared/data/nflverse/games.csv",
    "../../../shared/data/nflverse/roster_2024.csv",
    "../../../shared/data/nflverse/roster_2025.csv",
    "../../../shared/data/nflverse/clean_player_names.csv",
  ],
  { query: "?raw", import: "default" },
);
const hasRealData = Object.keys(files).length === 4;
if (!hasRealData) console.warn("real nflverse files: skipped, ../shared/data is absent");

const upstream = new FakeUpstream();

beforeAll(async () => {
  if (!hasRealData) return;
  upstream.install();
  upstream.on(urls.games(), csv(await files[`${REAL}games.csv`]!()));
  upstream.on(urls.roster(2024), csv(await files[`${REAL}roster_2024.csv`]!()));
  upstream.on(urls.roster(2025), csv(await files[`${REAL}roster_2025.csv`]!()));
  upstream.on(urls.playerAliases(), csv(await files[`${REAL}clean_player_names.csv`]!()));
});
afterAll(() => upstream.restore());
afterEach(() => expect(upstream.unrouted).toEqual([]));

describe.skipIf(!hasRealData)("real nflverse files", () => {
  it("games.csv: the 272 games of 2025 land, and a second run writes nothing", async () => {
    await expectRun(await run("schedule-sync", { season: 2025, now: "2025-08-20T09:30:00Z" }), {
      status: "ok",
      read_count: 272,
      inserted_count: 272,
      rejected_count: 0,
    });
    const before = await snapshot();
    await expectRun(await run("schedule-sync", { season: 2025, now: "2025-08-21T09:30:00Z" }), {
      status: "ok",
      inserted_count: 0,
      updated_count: 0,
      unchanged_count: 272,
      d1_rows_written: 0,
    });
    expect(await snapshot()).toEqual(before);
  });

  it("roster_2025.csv: 3,137 players land, four with fallback keys, every active skill player with a position", async () => {
    const report = await run("roster-sync", { season: 2025, now: "2025-08-20T09:00:00Z" });
    const logged = await expectRun(report, { status: "ok", read_count: 3137, inserted_count: 3137, rejected_count: 0 });
    expect(logged.details).toMatchObject({ playersWithoutGsisId: 4, activeSkillPlayersWithoutPosition: 0, defenseRowsAdded: 32, espnIdConflicts: [] });
    expect(await row("SELECT count(*) AS n FROM rosters WHERE season = 2025")).toEqual({ n: 3137 + 32 });
    const before = await snapshot();
    await expectRun(await run("roster-sync", { season: 2025, now: "2025-08-21T09:00:00Z" }), {
      status: "ok",
      inserted_count: 0,
      updated_count: 0,
      unchanged_count: 3137,
      d1_rows_written: 0,
    });
    expect(await snapshot()).toEqual(before);
  });

  it("ESPN ids that nflverse swapped between two players settle, then runs write nothing", async () => {
    // roster_2024 gives Michael Carter II (00-0036501) ESPN id 4240657 and Michael Carter (00-0036924) 4240456;
    // roster_2025 (loaded above) the other way round. ESPN ids are unique among players, so a sync cannot swap them
    // in one run: it reports the conflicts, and the next run of the current season puts its ids back.
    const r2024 = await run("roster-sync", { season: 2024, now: "2025-08-22T09:00:00Z" });
    await expectRun(r2024, { status: "partial", rejected_count: 1 }); // Tyron Johnson is listed twice in 2024
    expect(r2024.outcome?.details).toMatchObject({
      espnIdConflicts: [
        { playerId: "00-0036501", espnId: "4240657", ownedBy: "00-0036924" },
        { playerId: "00-0036924", espnId: "4240456", ownedBy: "00-0036501" },
      ],
    });
    const ids = () => row("SELECT group_concat(id || '=' || coalesce(espn_id, '-'), ' ') AS ids FROM players WHERE id IN ('00-0036501', '00-0036924')");
    // players is not per season: syncing the older season took both ids away (each is claimed by the other).
    expect(await ids()).toEqual({ ids: "00-0036501=- 00-0036924=-" });
    for (let attempt = 0; attempt < 2; attempt++) await run("roster-sync", { season: 2025, now: "2025-08-23T09:00:00Z" });
    expect(await ids()).toEqual({ ids: "00-0036501=4240456 00-0036924=4240657" });
    await expectRun(await run("roster-sync", { season: 2025, now: "2025-08-24T09:00:00Z" }), { status: "ok", d1_rows_written: 0 });
  });
});
