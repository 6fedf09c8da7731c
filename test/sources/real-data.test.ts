import { describe, expect, it } from "vitest";
import { easternDateOf, easternWallClockToUtc } from "../../src/domain/eastern-time";
import { isPickablePosition } from "../../src/domain/positions";
import { cell, parseCsv } from "../../src/sources/csv";
import { parseRoster } from "../../src/sources/nflverse/roster";
import { parseSchedule } from "../../src/sources/nflverse/schedule";

/**
 * Checks the parsers against the real nflverse files in ../shared/data, which exists beside the development
 * checkout and in CI but not in a user's clone. Tests run inside workerd, which cannot read the host's files,
 * so Vite reads them: import.meta.glob resolves the pattern when the test is bundled and yields nothing when
 * the directory is absent, in which case the checks are skipped.
 */
const REAL_DATA = "../../../shared/data/";
const realFiles = import.meta.glob<string>(
  [
    "../../../shared/data/nflverse/roster_2025.csv",
    "../../../shared/data/nflverse/games.csv",
    "../../../shared/data/truth/schedule_2025_2026_nfl_shield.csv",
  ],
  { query: "?raw", import: "default" },
);
const loadRoster2025 = realFiles[`${REAL_DATA}nflverse/roster_2025.csv`];
const loadGames = realFiles[`${REAL_DATA}nflverse/games.csv`];
const loadShieldSchedule = realFiles[`${REAL_DATA}truth/schedule_2025_2026_nfl_shield.csv`];
const hasRealData = loadRoster2025 !== undefined && loadGames !== undefined && loadShieldSchedule !== undefined;

const SKIP_MESSAGE = "real nflverse data: skipped, ../shared/data is absent (it exists beside the development checkout only)";
if (!hasRealData) console.warn(SKIP_MESSAGE);

// The skip message is the suite's name, so the reporter shows it even when console output is silenced.
describe.skipIf(!hasRealData)(hasRealData ? "real nflverse data (../shared/data)" : SKIP_MESSAGE, () => {
  it("parses the 2025 roster: every row, and a position for every active player", async () => {
    const { players, rejected, missingGsisIds } = parseRoster(await loadRoster2025!(), 2025);
    const active = players.filter((player) => player.status === "ACT");
    const activeWithoutPosition = active.filter((player) => player.position === null);
    const pickableByPosition = countBy(active.filter((p) => isPickablePosition(p.position)), (p) => p.position ?? "none");
    console.log("roster 2025:", {
      players: players.length,
      rejected: rejected.length,
      missingGsisIds: missingGsisIds.map((p) => `${p.id} ${p.fullName} ${p.team}`),
      active: active.length,
      activeWithoutPosition: activeWithoutPosition.length,
      activePickableByPosition: pickableByPosition,
      withEspnId: players.filter((p) => p.espnId !== null).length,
      withJersey: players.filter((p) => p.jersey !== null).length,
    });
    expect(rejected).toEqual([]);
    expect(players.length).toBeGreaterThan(3000);
    expect(activeWithoutPosition).toEqual([]);
    expect(players.every((p) => p.espnId === null || /^\d+$/.test(p.espnId))).toBe(true);
    expect(players.find((p) => p.espnId === "4429025")?.fullName).toBe("Quentin Johnston");
  });

  it("parses the 2025 season of games.csv: 272 regular-season games with plausible UTC kickoffs", async () => {
    const text = await loadGames!();
    const { games, rejected } = parseSchedule(text, 2025);
    const gamedayById = new Map(parseCsv(text).rows.map((row) => [cell(row, "game_id"), cell(row, "gameday")]));
    const utcHours = countBy(games, (game) => game.kickoffAt.slice(11, 16));
    console.log("games 2025:", {
      games: games.length,
      rejected: rejected.length,
      byGameType: countBy(games, (game) => game.gameType),
      final: games.filter((game) => game.homeScore !== null).length,
      kickoffsUtc: utcHours,
      first: games[0]?.kickoffAt,
      last: games[games.length - 1]?.kickoffAt,
    });
    expect(rejected).toEqual([]);
    expect(games.filter((game) => game.gameType === "REG")).toHaveLength(272);
    expect(games.find((game) => game.id === "2025_01_DAL_PHI")?.kickoffAt).toBe("2025-09-05T00:20:00Z");
    for (const game of games) {
      expect(game.kickoffAt >= "2025-09-04T00:00:00Z" && game.kickoffAt <= "2026-02-16T00:00:00Z").toBe(true);
      expect(easternDateOf(game.kickoffAt)).toBe(gamedayById.get(game.id));
      expect(game.espnEventId).toMatch(/^\d+$/);
    }
  });

  it("agrees with the NFL's own UTC kickoffs wherever the Eastern date and time agree (2025 and 2026)", async () => {
    const gamesText = await loadGames!();
    const shieldRows = parseCsv(await loadShieldSchedule!()).rows;
    const shieldById = new Map(shieldRows.map((row) => [cell(row, "game_id"), row]));
    const nflverseById = new Map(parseCsv(gamesText).rows.map((row) => [cell(row, "game_id"), row]));
    let agreed = 0;
    const flexed: string[] = [];
    for (const game of parseSchedule(gamesText, 2025).games) {
      const shield = shieldById.get(game.id);
      const nflverse = nflverseById.get(game.id)!;
      if (!shield) continue;
      const sameWallClock =
        cell(shield, "gameday_et") === cell(nflverse, "gameday") && cell(shield, "gametime_et") === cell(nflverse, "gametime");
      if (!sameWallClock) {
        flexed.push(`${game.id} ${cell(nflverse, "gameday")} ${cell(nflverse, "gametime")} -> ${cell(shield, "kickoff_utc")}`);
        continue;
      }
      expect(game.kickoffAt).toBe(cell(shield, "kickoff_utc"));
      agreed += 1;
    }
    // Late-season 2026 games still have their date and time to be decided (blank).
    const season2026 = shieldRows.filter((row) => cell(row, "season") === "2026" && cell(row, "kickoff_utc") !== "");
    for (const row of season2026) {
      expect(easternWallClockToUtc(cell(row, "gameday_et"), cell(row, "gametime_et"))).toBe(cell(row, "kickoff_utc"));
    }
    console.log("kickoffs vs NFL schedule:", { agreed2025: agreed, flexedAfterSnapshot: flexed, checked2026: season2026.length });
    expect(agreed).toBeGreaterThan(250);
    expect(season2026.length).toBeGreaterThan(240);
  });
});

function countBy<T>(items: readonly T[], keyOf: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[keyOf(item)] = (counts[keyOf(item)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}
