import { describe, expect, it } from "vitest";
import { CsvInputError } from "../../../src/sources/csv";
import { fallbackPlayerKey, parseRoster, type RosterPlayer } from "../../../src/sources/nflverse/roster";
import roster2024Csv from "../../fixtures/nflverse/roster_2024_sample.csv?raw";
import roster2025Csv from "../../fixtures/nflverse/roster_2025_sample.csv?raw";

function playerNamed(players: RosterPlayer[], fullName: string): RosterPlayer {
  const found = players.filter((player) => player.fullName === fullName);
  if (found.length !== 1) throw new Error(`${found.length} players named ${fullName}`);
  return found[0]!;
}

describe("parseRoster: the re-saved 2025 format (`69.0`, `4429025.0`)", () => {
  const { players, rejected, missingGsisIds } = parseRoster(roster2025Csv, 2025);

  it("reads every row", () => {
    expect(rejected).toEqual([]);
    expect(players).toHaveLength(9);
  });

  it("cleans `.0` from ids and jersey numbers", () => {
    expect(playerNamed(players, "Quentin Johnston")).toEqual({
      id: "00-0038544",
      isFallbackId: false,
      fullName: "Quentin Johnston",
      nameKey: "quentin johnston",
      espnId: "4429025",
      sleeperId: "9754",
      team: "LAC",
      position: "WR",
      rawPosition: "WR",
      depthChartPosition: "WR",
      status: "ACT",
      jersey: 1,
      birthDate: "2001-09-06",
    });
  });

  it("gives a player without gsis_id a fallback key and reports him", () => {
    expect(playerNamed(players, "Dante Barnett")).toMatchObject({
      id: "X-IT-58805",
      isFallbackId: true,
      espnId: null,
      sleeperId: null,
      jersey: 69,
      status: "DEV",
      position: "DL",
      birthDate: null,
    });
    expect(missingGsisIds).toEqual([
      { line: 2, id: "X-IT-58805", fullName: "Dante Barnett", team: "GB" },
      { line: 8, id: "X-IT-59246", fullName: "Wyett Ekeler", team: "IND" },
    ]);
  });

  it("reads a blank jersey as null", () => {
    expect(playerNamed(players, "Wyett Ekeler").jersey).toBeNull();
  });

  it("makes a fullback an RB and keeps both raw columns", () => {
    expect(playerNamed(players, "Kyle Juszczyk")).toMatchObject({ position: "RB", rawPosition: "RB", depthChartPosition: "FB" });
  });

  it("normalizes names with a comma before the suffix and with accents", () => {
    expect(playerNamed(players, "Kenneth Murray, Jr.").nameKey).toBe("kenneth murray");
    expect(playerNamed(players, "Audric Estimé").nameKey).toBe("audric estime");
  });
});

describe("parseRoster: the original 2024 format", () => {
  const { players, rejected, missingGsisIds } = parseRoster(roster2024Csv, 2024);

  it("reads plain integer ids", () => {
    expect(playerNamed(players, "Aaron Rodgers")).toMatchObject({ id: "00-0023459", espnId: "8439", sleeperId: "96", jersey: 8 });
  });

  it("keys rookies without gsis_id on gsis_it_id, even when esb_id is present", () => {
    expect(missingGsisIds.map(({ id, fullName, team }) => ({ id, fullName, team }))).toEqual([
      { id: "X-IT-57152", fullName: "Ricky Pearsall", team: "SF" },
      { id: "X-IT-57223", fullName: "Troy Franklin", team: "DEN" },
      { id: "X-IT-57850", fullName: "Jotham Russell", team: "NE" },
    ]);
  });

  it("keeps two players with the same name apart", () => {
    const lamars = players.filter((player) => player.nameKey === "lamar jackson");
    expect(lamars.map((p) => [p.id, p.team, p.position])).toEqual([
      ["00-0034796", "BAL", "QB"],
      ["00-0036152", "CAR", "DB"],
    ]);
  });

  it("rejects the second row of a player listed twice (Tyron Johnson is, in the real file)", () => {
    expect(rejected).toEqual([
      { line: 6, fullName: "Tyron Johnson", reason: "duplicate player 00-0035457 (first on line 5)" },
    ]);
    expect(players.filter((player) => player.fullName === "Tyron Johnson")).toHaveLength(1);
  });

  it("keeps the non-pickable raw positions", () => {
    expect(playerNamed(players, "J.J. Jansen").position).toBe("LS");
    expect(playerNamed(players, "Jon Ryan")).toMatchObject({ position: "P", status: "RET" });
  });
});

describe("parseRoster: bad rows and untrusted input", () => {
  it("maps other sources' team codes and rejects unknown ones and other seasons", () => {
    const lines = roster2025Csv.trimEnd().split("\n");
    const edited = [
      lines[0],
      lines[1]!.replace("2025,GB,", "2025,GNB,"),
      lines[2]!.replace("2025,IND,", "2025,XYZ,"),
      lines[3]!.replace("2025,SF,", "2024,SF,"),
      ...lines.slice(4),
    ].join("\n");
    const { players, rejected } = parseRoster(edited + "\n", 2025);
    expect(playerNamed(players, "Dante Barnett").team).toBe("GB");
    expect(rejected).toEqual([
      { line: 3, fullName: "Philip Rivers", reason: "unknown team 'XYZ'" },
      { line: 4, fullName: "Kyle Juszczyk", reason: "season '2024', expected 2025" },
    ]);
  });

  it("refuses a file without gsis_id", () => {
    expect(() => parseRoster(roster2025Csv.replace(",gsis_id,", ",gsis,"), 2025)).toThrow(CsvInputError);
  });
});

describe("fallbackPlayerKey", () => {
  const base = { gsisItId: null, esbId: null, smartId: null, nameKey: "travis clayton", birthDate: null, team: "BUF" };

  it("uses esb_id, then smart_id, when there is no gsis_it_id", () => {
    expect(fallbackPlayerKey({ ...base, esbId: "CLA123456", smartId: "32004341-4c12" })).toBe("X-ESB-CLA123456");
    expect(fallbackPlayerKey({ ...base, smartId: "32004341-4c12" })).toBe("X-SMART-32004341-4c12");
  });

  it("hashes name, birth date and team as the last resort, deterministically", () => {
    const key = fallbackPlayerKey(base);
    expect(key).toMatch(/^X-N-[0-9a-f]{8}$/);
    expect(fallbackPlayerKey({ ...base })).toBe(key);
    expect(fallbackPlayerKey({ ...base, team: "NYJ" })).not.toBe(key);
    expect(fallbackPlayerKey({ ...base, birthDate: "2001-01-01" })).not.toBe(key);
  });
});
