import { describe, expect, it } from "vitest";
import { easternDateOf, easternWallClockToUtc } from "../../src/domain/eastern-time";

describe("easternWallClockToUtc", () => {
  it("puts a Thursday night game on the next UTC day (EDT, UTC-4)", () => {
    expect(easternWallClockToUtc("2025-09-04", "20:20")).toBe("2025-09-05T00:20:00Z");
  });

  it("uses EST (UTC-5) for a Thursday 20:15 game after the November switch", () => {
    expect(easternWallClockToUtc("2025-11-20", "20:15")).toBe("2025-11-21T01:15:00Z");
  });

  it("reads games abroad as Eastern time: London 09:30 in October, Berlin 09:30 in November", () => {
    expect(easternWallClockToUtc("2025-10-19", "09:30")).toBe("2025-10-19T13:30:00Z");
    expect(easternWallClockToUtc("2025-11-09", "09:30")).toBe("2025-11-09T14:30:00Z");
  });

  it("switches back on the first Sunday of November at 02:00", () => {
    expect(easternWallClockToUtc("2025-10-26", "13:00")).toBe("2025-10-26T17:00:00Z");
    expect(easternWallClockToUtc("2025-11-01", "23:59")).toBe("2025-11-02T03:59:00Z");
    expect(easternWallClockToUtc("2025-11-02", "01:30")).toBe("2025-11-02T05:30:00Z");
    expect(easternWallClockToUtc("2025-11-02", "02:00")).toBe("2025-11-02T07:00:00Z");
    expect(easternWallClockToUtc("2025-11-02", "13:00")).toBe("2025-11-02T18:00:00Z");
    expect(easternWallClockToUtc("2026-10-31", "13:00")).toBe("2026-10-31T17:00:00Z");
    expect(easternWallClockToUtc("2026-11-01", "13:00")).toBe("2026-11-01T18:00:00Z");
  });

  it("switches forward on the second Sunday of March at 02:00", () => {
    expect(easternWallClockToUtc("2025-03-08", "20:00")).toBe("2025-03-09T01:00:00Z");
    expect(easternWallClockToUtc("2025-03-09", "01:59")).toBe("2025-03-09T06:59:00Z");
    expect(easternWallClockToUtc("2025-03-09", "03:00")).toBe("2025-03-09T07:00:00Z");
    expect(easternWallClockToUtc("2026-03-08", "12:00")).toBe("2026-03-08T16:00:00Z");
  });

  it("keeps January and February games (playoffs, Super Bowl) on EST", () => {
    expect(easternWallClockToUtc("2025-02-09", "18:30")).toBe("2025-02-09T23:30:00Z");
    expect(easternWallClockToUtc("2026-01-04", "13:00")).toBe("2026-01-04T18:00:00Z");
  });

  it("applies the pre-2007 rule (first Sunday of April to last Sunday of October) to old seasons", () => {
    expect(easternWallClockToUtc("2006-10-22", "13:00")).toBe("2006-10-22T17:00:00Z");
    expect(easternWallClockToUtc("2006-10-29", "13:00")).toBe("2006-10-29T18:00:00Z");
    expect(easternWallClockToUtc("2006-11-05", "13:00")).toBe("2006-11-05T18:00:00Z");
    expect(easternWallClockToUtc("2006-04-02", "13:00")).toBe("2006-04-02T17:00:00Z");
  });

  it("returns null for what is not a real date or time", () => {
    expect(easternWallClockToUtc("2025-02-29", "13:00")).toBeNull();
    expect(easternWallClockToUtc("2025-09-31", "13:00")).toBeNull();
    expect(easternWallClockToUtc("2025-9-4", "13:00")).toBeNull();
    expect(easternWallClockToUtc("2025-09-04", "24:00")).toBeNull();
    expect(easternWallClockToUtc("2025-09-04", "")).toBeNull();
    expect(easternWallClockToUtc("", "13:00")).toBeNull();
  });
});

describe("easternDateOf", () => {
  it("gives the Eastern calendar date of late games that are the next day in UTC", () => {
    expect(easternDateOf("2025-09-05T00:20:00Z")).toBe("2025-09-04");
    expect(easternDateOf("2025-11-21T01:15:00Z")).toBe("2025-11-20");
    expect(easternDateOf("2025-09-07T17:00:00Z")).toBe("2025-09-07");
  });

  it("accepts ESPN's instants without seconds", () => {
    expect(easternDateOf("2022-11-21T01:20Z")).toBe("2022-11-20");
  });

  it("follows the switch instants (06:00Z in November, 07:00Z in March)", () => {
    expect(easternDateOf("2025-11-02T03:59:00Z")).toBe("2025-11-01");
    expect(easternDateOf("2025-11-02T04:00:00Z")).toBe("2025-11-02");
    expect(easternDateOf("2025-11-03T04:59:00Z")).toBe("2025-11-02");
    expect(easternDateOf("2025-11-03T05:00:00Z")).toBe("2025-11-03");
    expect(easternDateOf("2025-03-09T04:59:00Z")).toBe("2025-03-08");
    expect(easternDateOf("2025-03-10T03:59:00Z")).toBe("2025-03-09");
    expect(easternDateOf("2025-03-10T04:00:00Z")).toBe("2025-03-10");
  });

  it("inverts easternWallClockToUtc", () => {
    for (const [date, time] of [
      ["2025-09-04", "20:20"],
      ["2025-10-27", "20:15"],
      ["2025-11-02", "20:20"],
      ["2025-12-25", "20:15"],
      ["2026-01-04", "13:00"],
    ] as const) {
      expect(easternDateOf(easternWallClockToUtc(date, time)!)).toBe(date);
    }
  });

  it("returns null for text that is not an instant with a zone", () => {
    expect(easternDateOf("2025-09-05T00:20:00")).toBeNull();
    expect(easternDateOf("yesterday")).toBeNull();
  });
});
