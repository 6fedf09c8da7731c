import { describe, expect, it } from "vitest";
import { isPickablePosition, normalizePosition } from "../../src/domain/positions";

describe("normalizePosition", () => {
  it("keeps the nflverse groups", () => {
    for (const position of ["QB", "RB", "WR", "TE", "K", "OL", "DL", "LB", "DB", "P", "LS"]) {
      expect(normalizePosition(position, null)).toBe(position);
    }
  });

  it("makes a fullback a running back, whichever column says FB", () => {
    expect(normalizePosition("RB", "FB")).toBe("RB");
    expect(normalizePosition("FB", "FB")).toBe("RB");
    expect(normalizePosition("", "FB")).toBe("RB");
  });

  it("maps detailed positions to their group", () => {
    expect(normalizePosition("CB", null)).toBe("DB");
    expect(normalizePosition("OLB", null)).toBe("LB");
    expect(normalizePosition("NT", null)).toBe("DL");
    expect(normalizePosition("OT", null)).toBe("OL");
    expect(normalizePosition("PK", null)).toBe("K");
    expect(normalizePosition(" te ", null)).toBe("TE");
  });

  it("uses the depth-chart position only when the position is blank or unknown", () => {
    expect(normalizePosition("WR", "CB")).toBe("WR");
    expect(normalizePosition(null, "SS")).toBe("DB");
    expect(normalizePosition("KR", "WR")).toBe("WR");
  });

  it("returns null when neither column names a known position", () => {
    expect(normalizePosition("", "")).toBeNull();
    expect(normalizePosition("KR", null)).toBeNull();
    expect(normalizePosition(undefined)).toBeNull();
  });
});

describe("isPickablePosition", () => {
  it("allows QB, RB, WR, TE, K and DEF only", () => {
    expect(["QB", "RB", "WR", "TE", "K", "DEF"].every((p) => isPickablePosition(p))).toBe(true);
    expect(["OL", "DL", "LB", "DB", "P", "LS", "FB", "", null].some((p) => isPickablePosition(p))).toBe(false);
  });
});
