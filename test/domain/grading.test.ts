import { describe, expect, it } from "vitest";
import {
  DEFENSE_TD_KINDS,
  EVEN_MONEY_DECIMAL_ODDS,
  type FirstTdKind,
  type GradableGame,
  gradePick,
  isGradable,
  profitCentiUnits,
} from "../../src/domain/grading";

// A game KC (away) at BUF (home). Player ids are gsis-like; DEF-<TEAM> is a team's defense / special teams.
const KC_QB = "00-KC-QB";
const KC_WR = "00-KC-WR";
const KC_RB = "00-KC-RB";
const BUF_RB = "00-BUF-RB";
const BUF_CB = "00-BUF-CB";
const BUF_WR = "00-BUF-WR";

function game(overrides: Partial<GradableGame> = {}): GradableGame {
  return {
    status: "final",
    isVoided: false,
    noTd: false,
    homeTeam: "BUF",
    awayTeam: "KC",
    firstTdPlayerId: null,
    firstTdTeam: null,
    firstTdKind: null,
    ...overrides,
  };
}

function scored(playerId: string, team: string, kind: FirstTdKind, overrides: Partial<GradableGame> = {}): GradableGame {
  return game({ firstTdPlayerId: playerId, firstTdTeam: team, firstTdKind: kind, ...overrides });
}

describe("gradePick: offensive touchdowns", () => {
  it("credits the receiver of a passing TD, never the passer", () => {
    const g = scored(KC_WR, "KC", "reception");
    expect(gradePick(g, KC_WR)).toBe("win");
    expect(gradePick(g, KC_QB)).toBe("loss");
  });

  it("credits a QB who scores on his own run", () => {
    const g = scored(KC_QB, "KC", "rush");
    expect(gradePick(g, KC_QB)).toBe("win");
    expect(gradePick(g, KC_WR)).toBe("loss");
    expect(gradePick(g, KC_RB)).toBe("loss");
  });

  it("a DEF pick loses on an offensive TD of its own team (and of the other team)", () => {
    for (const kind of ["rush", "reception", "other"] as const) {
      const g = scored(KC_RB, "KC", kind);
      expect(gradePick(g, "DEF-KC"), kind).toBe("loss");
      expect(gradePick(g, "DEF-BUF"), kind).toBe("loss");
      expect(gradePick(g, KC_RB), kind).toBe("win");
    }
  });

  it("a recovery of one's own fumble in the end zone ('other') does not credit the defense", () => {
    const g = scored(KC_WR, "KC", "other");
    expect(gradePick(g, KC_WR)).toBe("win");
    expect(gradePick(g, "DEF-KC")).toBe("loss");
  });

  it("a pick on a player of the other team loses", () => {
    expect(gradePick(scored(BUF_RB, "BUF", "rush"), KC_RB)).toBe("loss");
  });

  it("a pick whose player could not be resolved (null) loses once the game is graded", () => {
    expect(gradePick(scored(BUF_RB, "BUF", "rush"), null)).toBe("loss");
    expect(gradePick(game({ noTd: true }), null)).toBe("loss");
    expect(gradePick(game({ status: "canceled" }), null)).toBe("void");
    expect(gradePick(game({ status: "in_progress" }), null)).toBeNull();
  });
});

describe("gradePick: defensive and special-teams touchdowns", () => {
  // Each is a TD scored by BUF while KC had possession (posteam = KC): the scoring team is the scorer's team.
  const cases: Array<{ what: string; scorer: string; kind: FirstTdKind }> = [
    { what: "interception return", scorer: BUF_CB, kind: "defense" },
    { what: "fumble recovery in the end zone", scorer: BUF_CB, kind: "defense" },
    { what: "blocked kick return", scorer: BUF_CB, kind: "defense" },
    { what: "punt return", scorer: BUF_WR, kind: "return" },
    { what: "kickoff return", scorer: BUF_WR, kind: "return" },
  ];

  for (const c of cases) {
    it(`${c.what}: DEF of the scoring team wins, the other DEF loses, the scorer's pick wins`, () => {
      const g = scored(c.scorer, "BUF", c.kind);
      expect(gradePick(g, "DEF-BUF")).toBe("win");
      expect(gradePick(g, "DEF-KC")).toBe("loss");
      expect(gradePick(g, c.scorer)).toBe("win");
      expect(gradePick(g, KC_QB)).toBe("loss");
      expect(gradePick(g, BUF_RB)).toBe("loss");
    });
  }

  it("credits the scoring team, not the team with possession (return TD of the team without the ball)", () => {
    // KC punts (KC has possession); BUF returns it for a TD: BUF's defense / special teams scored.
    const puntReturnByBuf = scored(BUF_WR, "BUF", "return");
    expect(gradePick(puntReturnByBuf, "DEF-BUF")).toBe("win");
    expect(gradePick(puntReturnByBuf, "DEF-KC")).toBe("loss");
    // Same play the other way round.
    const puntReturnByKc = scored(KC_WR, "KC", "return");
    expect(gradePick(puntReturnByKc, "DEF-KC")).toBe("win");
    expect(gradePick(puntReturnByKc, "DEF-BUF")).toBe("loss");
  });

  it("a scorer recorded as the DEF pseudo-player itself wins once", () => {
    expect(gradePick(scored("DEF-BUF", "BUF", "defense"), "DEF-BUF")).toBe("win");
    expect(gradePick(scored("DEF-BUF", "BUF", "defense"), "DEF-KC")).toBe("loss");
  });

  it("DEFENSE_TD_KINDS are exactly return and defense", () => {
    expect([...DEFENSE_TD_KINDS].sort()).toEqual(["defense", "return"]);
  });
});

describe("gradePick: games without a first TD, void games, open games", () => {
  it("no TD in the whole game: every pick loses", () => {
    const g = game({ noTd: true });
    for (const pick of [KC_QB, KC_WR, BUF_RB, "DEF-KC", "DEF-BUF"]) expect(gradePick(g, pick)).toBe("loss");
  });

  it("canceled game: every pick is void, whatever the facts", () => {
    for (const g of [
      game({ status: "canceled" }),
      scored(KC_WR, "KC", "reception", { status: "canceled" }),
      game({ status: "canceled", noTd: true }),
    ]) {
      for (const pick of [KC_WR, KC_QB, "DEF-KC"]) expect(gradePick(g, pick)).toBe("void");
    }
  });

  it("voided game: every pick is void, whatever the facts", () => {
    for (const g of [
      game({ isVoided: true, status: "scheduled" }),
      scored(KC_WR, "KC", "reception", { isVoided: true }),
      game({ isVoided: true, noTd: true }),
    ]) {
      for (const pick of [KC_WR, KC_QB, "DEF-BUF"]) expect(gradePick(g, pick)).toBe("void");
    }
  });

  it("postponed or scheduled game without facts: not gradable (null)", () => {
    for (const status of ["scheduled", "postponed", "in_progress", "final"] as const) {
      const g = game({ status });
      expect(isGradable(g), status).toBe(false);
      expect(gradePick(g, KC_WR), status).toBeNull();
      expect(gradePick(g, "DEF-KC"), status).toBeNull();
    }
  });

  it("a defensive TD whose scorer is unresolved still grades the DEFs and the other team's picks; the scoring team's players wait", () => {
    const g = game({ firstTdTeam: "BUF", firstTdKind: "defense" });
    expect(isGradable(g)).toBe(false);
    expect(gradePick(g, "DEF-BUF")).toBe("win");
    expect(gradePick(g, "DEF-KC")).toBe("loss");
    expect(gradePick(g, KC_WR, "KC")).toBe("loss");
    expect(gradePick(g, KC_QB, "KC")).toBe("loss");
    expect(gradePick(g, BUF_RB, "BUF")).toBeNull();
    expect(gradePick(g, BUF_RB)).toBeNull();
  });

  it("an offensive TD whose scorer is unresolved: the scoring team's DEF loses, its players wait; no kind, no DEF grade", () => {
    const g = game({ firstTdTeam: "KC", firstTdKind: "reception" });
    expect(gradePick(g, "DEF-KC")).toBe("loss");
    expect(gradePick(g, "DEF-BUF")).toBe("loss");
    expect(gradePick(g, BUF_WR, "BUF")).toBe("loss");
    expect(gradePick(g, KC_WR, "KC")).toBeNull();
    const kindUnknown = game({ firstTdTeam: "KC" });
    expect(gradePick(kindUnknown, "DEF-KC")).toBeNull();
    expect(gradePick(kindUnknown, "DEF-BUF")).toBe("loss");
  });

  it("graded as soon as the first TD is known, while the game is still in progress", () => {
    const g = scored(KC_WR, "KC", "reception", { status: "in_progress" });
    expect(isGradable(g)).toBe(true);
    expect(gradePick(g, KC_WR)).toBe("win");
  });

  it("isGradable: canceled, voided, no TD or a known scorer", () => {
    expect(isGradable(game({ status: "canceled" }))).toBe(true);
    expect(isGradable(game({ isVoided: true }))).toBe(true);
    expect(isGradable(game({ noTd: true }))).toBe(true);
    expect(isGradable(scored(KC_WR, "KC", "reception"))).toBe(true);
    expect(isGradable(game())).toBe(false);
  });
});

describe("gradePick: stat corrections", () => {
  it("an overturned TD (facts cleared) makes the game ungradable again", () => {
    const before = scored(KC_WR, "KC", "reception");
    expect(gradePick(before, KC_WR)).toBe("win");
    const after = { ...before, firstTdPlayerId: null, firstTdTeam: null, firstTdKind: null };
    expect(gradePick(after, KC_WR)).toBeNull();
    expect(gradePick(after, KC_QB)).toBeNull();
  });

  it("a changed scorer moves the win to the new scorer", () => {
    const before = scored(KC_WR, "KC", "reception");
    const after = scored(KC_RB, "KC", "rush");
    expect([gradePick(before, KC_WR), gradePick(before, KC_RB)]).toEqual(["win", "loss"]);
    expect([gradePick(after, KC_WR), gradePick(after, KC_RB)]).toEqual(["loss", "win"]);
  });

  it("a TD reclassified from offensive to a return moves the DEF pick from loss to win", () => {
    expect(gradePick(scored(BUF_WR, "BUF", "reception"), "DEF-BUF")).toBe("loss");
    expect(gradePick(scored(BUF_WR, "BUF", "return"), "DEF-BUF")).toBe("win");
  });
});

describe("profitCentiUnits", () => {
  it("a win returns the frozen decimal odds minus the 1-unit stake, in hundredths", () => {
    expect(profitCentiUnits("win", 5.5)).toBe(450);
    expect(profitCentiUnits("win", 2)).toBe(100);
    expect(profitCentiUnits("win", 1.01)).toBe(1);
    expect(profitCentiUnits("win", 41)).toBe(4000);
  });

  it("a win without odds counts as even money", () => {
    expect(EVEN_MONEY_DECIMAL_ODDS).toBe(2);
    expect(profitCentiUnits("win", null)).toBe(100);
  });

  it("a loss costs the stake and a void returns it, odds or not", () => {
    expect(profitCentiUnits("loss", 5.5)).toBe(-100);
    expect(profitCentiUnits("loss", null)).toBe(-100);
    expect(profitCentiUnits("void", 5.5)).toBe(0);
    expect(profitCentiUnits("void", null)).toBe(0);
  });

  it("rounds to the nearest hundredth of a unit, halves up", () => {
    expect(profitCentiUnits("win", 3.456)).toBe(246); // 245.6
    expect(profitCentiUnits("win", 3.454)).toBe(245); // 245.4
    expect(profitCentiUnits("win", 2.875)).toBe(188); // 187.5 exactly (binary-exact)
    expect(profitCentiUnits("win", 1.125)).toBe(13); // 12.5 exactly
    expect(profitCentiUnits("win", 1 + 1 / 3)).toBe(33); // 33.33...
    expect(profitCentiUnits("win", 1.909)).toBe(91); // -110 American: 90.9
    expect(Number.isInteger(profitCentiUnits("win", 7.777))).toBe(true);
  });
});
