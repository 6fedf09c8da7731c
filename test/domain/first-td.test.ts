import { describe, expect, it } from "vitest";
import { firstTdKindFromNflverse } from "../../src/domain/first-td";
import { gradePick } from "../../src/domain/grading";

describe("firstTdKindFromNflverse", () => {
  it.each([
    ["rush", "rush"],
    ["receiving", "reception"],
    ["punt_return", "return"],
    ["kickoff_return", "return"],
    ["interception_return", "defense"],
    ["opp_fumble_recovery", "defense"],
    ["misc_return", "defense"],
    ["own_fumble_recovery", "other"],
  ] as const)("maps %s to %s", (nflverse, kind) => {
    expect(firstTdKindFromNflverse(nflverse)).toBe(kind);
  });

  it("ignores case and surrounding whitespace", () => {
    expect(firstTdKindFromNflverse("  Punt_Return ")).toBe("return");
    expect(firstTdKindFromNflverse("RECEIVING")).toBe("reception");
    expect(firstTdKindFromNflverse("\tinterception_return\n")).toBe("defense");
  });

  it("maps anything unknown to other (never credits a defense by accident)", () => {
    expect(firstTdKindFromNflverse("")).toBe("other");
    expect(firstTdKindFromNflverse("passing")).toBe("other");
    expect(firstTdKindFromNflverse("toString")).toBe("other");
    expect(firstTdKindFromNflverse("__proto__")).toBe("other");
    expect(firstTdKindFromNflverse("constructor")).toBe("other");
  });

  it("a kind from the feed grades as DESIGN.md says: returns and defensive TDs credit the scoring team's DEF", () => {
    const grade = (tdKind: string, pick: string) =>
      gradePick(
        {
          status: "final",
          isVoided: false,
          noTd: false,
          homeTeam: "BUF",
          awayTeam: "KC",
          firstTdPlayerId: "00-BUF-CB",
          firstTdTeam: "BUF",
          firstTdKind: firstTdKindFromNflverse(tdKind),
        },
        pick,
      );
    for (const tdKind of ["punt_return", "kickoff_return", "interception_return", "opp_fumble_recovery", "misc_return"]) {
      expect(grade(tdKind, "DEF-BUF"), tdKind).toBe("win");
      expect(grade(tdKind, "DEF-KC"), tdKind).toBe("loss");
    }
    for (const tdKind of ["rush", "receiving", "own_fumble_recovery"]) {
      expect(grade(tdKind, "DEF-BUF"), tdKind).toBe("loss");
    }
  });
});
