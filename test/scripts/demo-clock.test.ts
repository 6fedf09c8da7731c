/**
 * The demo's open week never lies in the past (scripts/lib/demo-clock.mjs): moved by whole weeks at the same
 * US Eastern wall-clock times, across daylight saving time too.
 */
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs module of the scripts (no types)
import { seedForDate, shiftWeeksEastern, weeksToShift } from "../../scripts/lib/demo-clock.mjs";

const SEED = `INSERT INTO weeks (season, week, started_at, ended_at) VALUES
  (2025, 13, '2025-11-27T17:30:00Z', '2025-12-02T01:15:00Z'),
  (2026, 13, '2026-12-04T01:15:00Z', '2026-12-08T01:15:00Z');
INSERT INTO games (id, season, week, game_type, kickoff_at, home_team, away_team) VALUES
  ('2025_13_GB_DET', 2025, 13, 'REG', '2025-11-27T17:30:00Z', 'DET', 'GB'),
  ('2026_13_KC_LA', 2026, 13, 'REG', '2026-12-04T01:15:00Z', 'LA', 'KC'),
  ('2026_13_CIN_CLE', 2026, 13, 'REG', '2026-12-06T18:00:00Z', 'CLE', 'CIN');`;

describe("the demo's clock", () => {
  it("leaves a week that is still ahead as it is", () => {
    const seed = seedForDate(SEED, new Date("2026-11-20T12:00:00Z"));
    expect(seed).toMatchObject({ weeks: 0, sql: SEED });
  });

  it("moves a week that has begun by whole weeks, the past season untouched", () => {
    const seed = seedForDate(SEED, new Date("2026-12-07T10:00:00Z"));
    expect(seed.weeks).toBe(1);
    expect(seed.firstKickoff).toBe("2026-12-11T01:15:00Z");
    expect(seed.sql).toContain("'2026_13_CIN_CLE', 2026, 13, 'REG', '2026-12-13T18:00:00Z'");
    expect(seed.sql).toContain("(2026, 13, '2026-12-11T01:15:00Z', '2026-12-15T01:15:00Z')");
    expect(seed.sql).toContain("'2025_13_GB_DET', 2025, 13, 'REG', '2025-11-27T17:30:00Z'");
  });

  it("keeps the Eastern wall-clock time across daylight saving time (1 pm ET is 18:00Z in winter, 17:00Z in summer)", () => {
    expect(shiftWeeksEastern("2026-12-06T18:00:00Z", 26)).toBe("2027-06-06T17:00:00Z");
    expect(shiftWeeksEastern("2027-06-06T17:00:00Z", -26)).toBe("2026-12-06T18:00:00Z");
    const seed = seedForDate(SEED, new Date("2027-06-01T00:00:00Z"));
    expect(Date.parse(seed.firstKickoff)).toBeGreaterThan(Date.parse("2027-06-02T00:00:00Z"));
    expect(new Date(seed.firstKickoff).getUTCDay()).toBe(5); // Thursday night in Eastern time is Friday in UTC
  });

  it("always puts the first kickoff at least a day ahead", () => {
    for (const now of ["2026-12-03T01:16:00Z", "2027-01-15T00:00:00Z", "2031-03-08T12:00:00Z"]) {
      const weeks = weeksToShift("2026-12-04T01:15:00Z", new Date(now));
      const first = Date.parse(shiftWeeksEastern("2026-12-04T01:15:00Z", weeks));
      expect(first - Date.parse(now)).toBeGreaterThanOrEqual(86_400_000 - 3_600_000);
      expect(first - Date.parse(now)).toBeLessThan(8 * 86_400_000 + 3_600_000);
    }
  });
});
