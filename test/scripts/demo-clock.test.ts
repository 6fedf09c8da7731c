/**
 * The demo never ages (scripts/lib/demo-clock.ts): the open week is the next real week of the 2026 schedule in
 * demo/seed.sql when one is still ahead, loaded with the weeks after it and none before; after the season, a real week
 * moved by whole weeks to the coming days at the same US Eastern wall-clock times, across daylight saving time too.
 * A database that holds a demo already keeps its week.
 */
import { describe, expect, it } from "vitest";
import seedSql from "../../demo/seed.sql?raw";
import { chooseOpenWeek, describeChoice, parseSeed, seedForDate, shiftWeeksEastern, weeksToShift } from "../../scripts/lib/demo-clock";

const DAY_MS = 86_400_000;

/** Game id -> kickoff (or null) of the games the SQL inserts. */
function kickoffsIn(sql: string): Map<string, string | null> {
  return new Map([...sql.matchAll(/\('(\d{4}_\d\d_\w+_\w+)', \d{4}, \d+, '\w+', (NULL|'[^']+')/g)].map((m) => [m[1]!, m[2] === "NULL" ? null : m[2]!.slice(1, -1)]));
}
const REAL = kickoffsIn(seedSql);

/** "Thu 20:15": weekday and wall-clock time in US Eastern time. */
function easternSlot(iso: string): string {
  return new Intl.DateTimeFormat("en-US", { timeZone: "America/New_York", weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(iso));
}

describe("the demo's open week", () => {
  it("inside the 2026 season: the next real week, unchanged, with the weeks after it and none of those begun", () => {
    const now = new Date("2026-12-07T12:48:00Z"); // Monday of week 13 (its last game tonight)
    const seed = seedForDate(seedSql, now);
    expect(seed).toMatchObject({ season: 2026, week: 14, how: "real", real: true, shiftWeeks: 0, firstKickoff: "2026-12-11T01:15:00Z" });
    expect(seed.weeksLoaded).toEqual([14, 15, 16, 17, 18]);
    expect(seed.weeksLeftOut).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    const loaded = kickoffsIn(seed.sql);
    for (const [id, kickoff] of loaded) {
      if (id.startsWith("2025_")) continue;
      expect(kickoff, id).toBe(REAL.get(id)); // the real kickoffs, as the schedule has them
      expect(Number(id.slice(5, 7)), id).toBeGreaterThanOrEqual(14);
    }
    expect([...loaded.keys()].filter((id) => id.startsWith("2026_14_"))).toHaveLength(15);
    expect([...loaded.keys()].filter((id) => id.startsWith("2026_"))).toHaveLength(15 + 16 + 16 + 16 + 16);
    // Only the open week's picks, made a day before the load, on the minute.
    expect(seed.sql).not.toContain("{{PICKED_AT}}");
    expect(seed.pickedAt).toBe("2026-12-06T12:48:00Z");
    expect(seed.sql.match(/'2026-12-06T12:48:00Z'\)/g)).toHaveLength(9);
    expect(seed.sql).not.toMatch(/\('(?:blake|casey|devon)', '2026_1[5-8]_/);
    expect(describeChoice(seed, now)).toContain("2026 week 14");
    expect(describeChoice(seed, now)).toContain("the real schedule");
  });

  it("a week starting in less than a day is passed over for the one after it; before the season, week 1", () => {
    // Week 14's first kickoff is 2026-12-11T01:15Z (Thursday night Eastern).
    expect(seedForDate(seedSql, new Date("2026-12-10T01:15:00Z"))).toMatchObject({ week: 14, real: true });
    expect(seedForDate(seedSql, new Date("2026-12-10T01:16:00Z"))).toMatchObject({ week: 15, real: true });
    const summer = seedForDate(seedSql, new Date("2026-06-01T00:00:00Z"));
    expect(summer).toMatchObject({ week: 1, real: true, firstKickoff: "2026-09-10T00:20:00Z" });
    expect(summer.weeksLoaded).toHaveLength(18);
  });

  it("after the 2026 season: the last complete week (15) moved by whole weeks to the coming days, loaded alone", () => {
    const now = new Date("2027-02-20T10:00:00Z");
    const seed = seedForDate(seedSql, now);
    expect(seed).toMatchObject({ season: 2026, week: 15, how: "shifted", real: false, realFirstKickoff: "2026-12-18T01:15:00Z" });
    expect(seed.shiftWeeks).toBe(10);
    expect(seed.weeksLoaded).toEqual([15]);
    const first = Date.parse(seed.firstKickoff);
    expect(first - now.getTime()).toBeGreaterThanOrEqual(DAY_MS);
    expect(first - now.getTime()).toBeLessThan(8 * DAY_MS);
    const loaded = [...kickoffsIn(seed.sql)].filter(([id]) => id.startsWith("2026_"));
    expect(loaded).toHaveLength(16);
    for (const [id, kickoff] of loaded) {
      // Same weekday, same Eastern time, exactly the same number of weeks later (no DST change between Dec and Feb).
      expect(easternSlot(kickoff!), id).toBe(easternSlot(REAL.get(id)!));
      expect(Date.parse(kickoff!) - Date.parse(REAL.get(id)!), id).toBe(10 * 7 * DAY_MS);
    }
    // The weeks row moved with its games; the 2025 week and the picks' time did not.
    expect(seed.sql).toContain(`(2026, 15, '${seed.firstKickoff}', '${seed.lastKickoff}')`);
    expect(seed.sql).toContain("'2025_13_GB_DET', 2025, 13, 'REG', '2025-11-27T18:00:00Z'");
    expect(seed.pickedAt).toBe("2027-02-19T10:00:00Z");
    expect(describeChoice(seed, now)).toContain("SHIFTED");
  });

  it("keeps the Eastern wall-clock time across daylight saving time (1 pm ET is 18:00Z in winter, 17:00Z in summer)", () => {
    expect(shiftWeeksEastern("2026-12-06T18:00:00Z", 26)).toBe("2027-06-06T17:00:00Z");
    expect(shiftWeeksEastern("2027-06-06T17:00:00Z", -26)).toBe("2026-12-06T18:00:00Z");
    // Week 15 moved past the start of DST (2027-03-14): Thursday 20:15 ET is 00:15Z on Friday now, not 01:15Z.
    const now = new Date("2027-03-20T12:00:00Z");
    const seed = seedForDate(seedSql, now);
    expect(seed).toMatchObject({ week: 15, real: false, shiftWeeks: 14, firstKickoff: "2027-03-26T00:15:00Z" });
    for (const [id, kickoff] of [...kickoffsIn(seed.sql)].filter(([id]) => id.startsWith("2026_")))
      expect(easternSlot(kickoff!), id).toBe(easternSlot(REAL.get(id)!));
    // And on the day DST begins itself, a shifted week still lands a day or more ahead.
    const spring = new Date("2027-03-13T12:00:00Z");
    expect(Date.parse(seedForDate(seedSql, spring).firstKickoff) - spring.getTime()).toBeGreaterThanOrEqual(DAY_MS);
  });

  it("always puts the first kickoff at least a day ahead, and less than eight days", () => {
    for (const now of ["2026-08-01T00:00:00Z", "2026-11-26T02:00:00Z", "2026-12-31T00:00:00Z", "2027-01-15T00:00:00Z", "2031-03-08T12:00:00Z"]) {
      const seed = seedForDate(seedSql, new Date(now));
      const ahead = Date.parse(seed.firstKickoff) - Date.parse(now);
      expect(ahead, now).toBeGreaterThanOrEqual(DAY_MS);
      if (now !== "2026-08-01T00:00:00Z") expect(ahead, now).toBeLessThan(8 * DAY_MS + 3_600_000);
    }
    for (const now of ["2026-12-03T01:16:00Z", "2027-01-15T00:00:00Z", "2031-03-08T12:00:00Z"]) {
      const weeks = weeksToShift("2026-12-04T01:15:00Z", new Date(now));
      const first = Date.parse(shiftWeeksEastern("2026-12-04T01:15:00Z", weeks));
      expect(first - Date.parse(now)).toBeGreaterThanOrEqual(DAY_MS - 3_600_000);
      expect(first - Date.parse(now)).toBeLessThan(8 * DAY_MS + 3_600_000);
    }
  });

  it("a database that holds a demo keeps its open week and shift: loading again adds nothing new", () => {
    const first = seedForDate(seedSql, new Date("2027-02-20T10:00:00Z"));
    const later = new Date("2027-04-01T00:00:00Z");
    const kept = seedForDate(seedSql, later, { previous: { week: first.week, startedAt: first.firstKickoff } });
    expect(kept).toMatchObject({ week: 15, how: "kept", shiftWeeks: first.shiftWeeks, firstKickoff: first.firstKickoff });
    expect(kickoffsIn(kept.sql)).toEqual(kickoffsIn(first.sql));
    expect(describeChoice(kept, later)).toContain("It has begun since");
    const real = seedForDate(seedSql, new Date("2026-12-20T00:00:00Z"), { previous: { week: 14, startedAt: "2026-12-11T01:15:00Z" } });
    expect(real).toMatchObject({ week: 14, how: "kept", real: true });
    expect(real.weeksLoaded).toEqual([14, 15, 16, 17, 18]);
  });

  it("the seed's weeks follow one another, so the first one ahead is well defined", () => {
    const weeks = parseSeed(seedSql).weeks;
    const scheduled = weeks.filter((w) => w.firstKickoff !== null);
    for (let i = 1; i < scheduled.length; i++) expect(scheduled[i]!.firstKickoff! > scheduled[i - 1]!.lastKickoff!).toBe(true);
    expect(chooseOpenWeek(weeks, new Date("2027-06-01T00:00:00Z")).week.week).toBe(15);
    expect(weeks.filter((w) => w.tbd > 0).map((w) => w.week)).toEqual([16, 17, 18]);
  });
});
