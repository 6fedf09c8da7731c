/**
 * Market outcomes for calibration: after a game is graded (admin PUT /v1/admin/games/{id}/first-td, or a raw
 * UPDATE of the game's facts as the live sync writes them), the next market-sync run records each first-TD
 * market's outcome with the last probability the market gave before kickoff; corrections rewrite them.
 * The tests follow one another through the week (storage is per file).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { api, setFirstTd } from "../helpers/api";
import { at, count, cronAt, GAMES, gammaPages, kalshiPages, P, rows, runSync, seedWeek, Upstreams } from "./market-sync-support";

const upstreams = new Upstreams();

const SF_LA_EVENT = "KXNFLFIRSTTD-26SEP10SFLAR";
const CLE_JAX_EVENT = "KXNFLFIRSTTD-26SEP13CLEJAC";
const DEN_KC_EVENT = "KXNFLFIRSTTD-26SEP14DENKC";

interface OutcomeRow {
  source: string;
  market_id: string;
  game_id: string;
  player_id: string | null;
  player_name: string;
  kind: string;
  outcome: string;
  last_probability: number;
  settled_at: string;
}

function outcomes(gameId: string): Promise<OutcomeRow[]> {
  return rows<OutcomeRow>(
    `SELECT source, market_id, game_id, player_id, player_name, kind, outcome, last_probability, settled_at
     FROM market_outcomes WHERE game_id = ? ORDER BY source, market_id`,
    gameId,
  );
}

/** [source, market, outcome, last probability] of a game's outcomes. */
async function verdicts(gameId: string) {
  return (await outcomes(gameId)).map((o) => [o.source, o.market_id, o.outcome, o.last_probability]);
}

beforeAll(async () => {
  upstreams.install();
  await seedWeek();
});
afterAll(() => upstreams.restore());
beforeEach(() => upstreams.reset());
afterEach(() => {
  vi.useRealTimers();
  expect(upstreams.unrouted).toEqual([]);
});

describe("market outcomes", () => {
  it("nothing is recorded before a game is graded", async () => {
    upstreams.week();
    expect((await runSync("2026-09-10T12:00:00Z")).status).toBe("ok");
    // 00:30, five minutes before the SF @ LA kickoff: the last snapshot of that game, McCaffrey repriced on Kalshi.
    upstreams.reset();
    upstreams.week(kalshiPages({ [`${SF_LA_EVENT}-SFCMCCAFFREY23`]: [0.22, 0.24, 0.23] }), gammaPages({ "3110102": [0.1, 0.12, 0.11] }));
    expect((await runSync("2026-09-11T00:30:00Z")).status).toBe("ok");
    // A row stamped after kickoff (not one the sync takes: written here by hand) must never count as the last price.
    await rows(
      `INSERT INTO market_odds (source, kind, game_id, season, week, player_id, player_name, implied_probability, american_odds, market_id, snapshot_time, captured_at)
       VALUES ('kalshi', 'first_td', ?, 2026, 1, ?, 'Christian McCaffrey', 0.5, 100, ?, '2026-09-11T00:40:00Z', '2026-09-11T00:41:00Z')`,
      GAMES.sfLa.id,
      P.mccaffrey,
      `${SF_LA_EVENT}-SFCMCCAFFREY23`,
    );
    // After kickoff, not graded yet.
    upstreams.reset();
    upstreams.week();
    expect((await runSync("2026-09-11T01:00:00Z")).status).toBe("ok");
    expect(await count("SELECT count(*) AS n FROM market_outcomes")).toBe(0);
  });

  it("after grading the next run records each leg: the scorer's yes, the others no, with the last pre-kickoff probability", async () => {
    at("2026-09-11T01:10:00Z");
    await setFirstTd(GAMES.sfLa.id, { type: "player", playerId: P.mccaffrey, kind: "rush" });
    vi.useRealTimers();
    upstreams.week();
    const report = await runSync("2026-09-11T01:20:00Z");
    expect(report.status).toBe("ok");
    const recorded = await outcomes(GAMES.sfLa.id);
    expect(recorded.map((o) => [o.source, o.market_id, o.player_id, o.player_name, o.kind, o.outcome, o.last_probability])).toEqual([
      ["kalshi", `${SF_LA_EVENT}-LARDADAMS17`, P.adams, "Davante Adams", "first_td", "no", 0.11],
      ["kalshi", `${SF_LA_EVENT}-LARKWILLIAMS23`, P.kyren, "Kyren Williams", "first_td", "no", 0.14],
      ["kalshi", `${SF_LA_EVENT}-LARLARDST`, "DEF-LA", "Los Angeles Rams Defense", "first_td", "no", 0.04],
      // The price rule's probabilities: the asks of a wide book (0.05 / 0.15) and of a book without a bid.
      ["kalshi", `${SF_LA_EVENT}-LARPNACUA12`, P.nacua, "Puka Nacua", "first_td", "no", 0.15],
      ["kalshi", `${SF_LA_EVENT}-SFBROBINSON30`, P.robinson, "Brian Robinson", "first_td", "no", 0.07],
      // The 00:30 snapshot (0.23), neither the 12:00 one (0.17) nor the row stamped after kickoff (0.5).
      ["kalshi", `${SF_LA_EVENT}-SFCMCCAFFREY23`, P.mccaffrey, "Christian McCaffrey", "first_td", "yes", 0.23],
      ["kalshi", `${SF_LA_EVENT}-SFSFDST`, "DEF-SF", "San Francisco 49ers Defense", "first_td", "no", 0.04],
      ["polymarket", "3110101", P.mccaffrey, "Christian McCaffrey", "first_td", "yes", 0.16],
      ["polymarket", "3110102", P.nacua, "Puka Nacua", "first_td", "no", 0.11],
      // A market that never traded: its last snapshot had no price (too thin), and says so.
      ["polymarket", "3110103", P.robinson, "Brian Robinson", "first_td", "no", null],
    ]);
    expect(recorded.every((o) => o.settled_at === "2026-09-11T01:20:00Z")).toBe(true);
    // Only the graded game.
    expect(await count("SELECT count(*) AS n FROM market_outcomes")).toBe(10);
  });

  it("a correction of the scorer updates the outcomes that change, and only those", async () => {
    at("2026-09-11T02:00:00Z");
    await setFirstTd(GAMES.sfLa.id, { type: "player", playerId: P.nacua, kind: "reception" });
    vi.useRealTimers();
    upstreams.week();
    expect((await runSync("2026-09-11T02:10:00Z")).status).toBe("ok");
    const recorded = await outcomes(GAMES.sfLa.id);
    expect(recorded.filter((o) => o.outcome === "yes").map((o) => [o.source, o.player_id])).toEqual([
      ["kalshi", P.nacua],
      ["polymarket", P.nacua],
    ]);
    expect(recorded.filter((o) => o.player_id === P.mccaffrey).map((o) => o.outcome)).toEqual(["no", "no"]);
    // The rows whose outcome changed are settled anew; the others keep their first settlement.
    expect(recorded.filter((o) => o.settled_at === "2026-09-11T02:10:00Z").map((o) => o.market_id)).toEqual([
      `${SF_LA_EVENT}-LARPNACUA12`,
      `${SF_LA_EVENT}-SFCMCCAFFREY23`,
      "3110101",
      "3110102",
    ]);
    expect(recorded).toHaveLength(10);
  });

  it("a voided game voids every leg; un-voided, the legs follow the facts again", async () => {
    at("2026-09-11T03:00:00Z");
    expect((await api(`/v1/admin/games/${GAMES.sfLa.id}/void`, { method: "PUT", body: { voided: true } })).status).toBe(200);
    vi.useRealTimers();
    upstreams.week();
    expect((await runSync("2026-09-11T03:10:00Z")).status).toBe("ok");
    expect(new Set((await outcomes(GAMES.sfLa.id)).map((o) => o.outcome))).toEqual(new Set(["void"]));
    expect(await outcomes(GAMES.sfLa.id)).toHaveLength(10);

    at("2026-09-11T03:20:00Z");
    expect((await api(`/v1/admin/games/${GAMES.sfLa.id}/void`, { method: "PUT", body: { voided: false } })).status).toBe(200);
    vi.useRealTimers();
    upstreams.week();
    expect((await runSync("2026-09-11T03:30:00Z")).status).toBe("ok");
    expect((await outcomes(GAMES.sfLa.id)).filter((o) => o.outcome === "yes").map((o) => o.player_id)).toEqual([P.nacua, P.nacua]);
  });

  it("no TD in the game (facts written by a raw UPDATE): the No Touchdown legs win, every other leg loses", async () => {
    // The last snapshot before the 17:00 kickoff.
    upstreams.week(kalshiPages({ [`${CLE_JAX_EVENT}-NOTD`]: [0.01, 0.03, 0.02] }));
    expect((await runSync("2026-09-13T16:50:00Z")).status).toBe("ok");
    await rows("UPDATE games SET status = 'final', no_td = 1, home_score = 3, away_score = 0 WHERE id = ?", GAMES.cleJax.id);
    upstreams.reset();
    upstreams.week();
    expect((await runSync("2026-09-13T21:00:00Z")).status).toBe("ok");
    const recorded = await outcomes(GAMES.cleJax.id);
    // Kalshi's 8 mapped legs and Polymarket's 5 (the unmapped markets have no snapshot, so no outcome).
    expect(recorded).toHaveLength(13);
    expect(recorded.filter((o) => o.outcome === "yes").map((o) => [o.source, o.market_id, o.player_id, o.player_name, o.last_probability])).toEqual([
      // 0.01 / 0.03, but nothing rests on the bid: the ask.
      ["kalshi", `${CLE_JAX_EVENT}-NOTD`, null, "No Touchdown", 0.03],
      ["polymarket", "3120106", null, "No Touchdown", null],
    ]);
    expect(recorded.filter((o) => o.outcome !== "yes").every((o) => o.outcome === "no" && o.player_id !== null)).toBe(true);
  });

  it("a defensive or return TD: the scoring team's DEF leg wins, recorded even by a cron run that is not due", async () => {
    upstreams.week();
    expect((await runSync("2026-09-14T23:00:00Z")).status).toBe("ok");
    at("2026-09-15T01:00:00Z");
    await setFirstTd(GAMES.denKc.id, { type: "defense", team: "KC", kind: "return" });
    vi.useRealTimers();
    // 04:15: off the half-hour grid, no kickoff ahead: the run reads no upstream, yet records the outcomes.
    upstreams.reset();
    expect((await cronAt("2026-09-15T04:15:00Z")).outcome).toBe("ok");
    expect(upstreams.calls).toEqual([]);
    expect(await verdicts(GAMES.denKc.id)).toEqual([
      ["kalshi", `${DEN_KC_EVENT}-DENCSUTTON14`, "no", 0.075],
      ["kalshi", `${DEN_KC_EVENT}-KCKCDST`, "yes", 0.04],
      ["kalshi", `${DEN_KC_EVENT}-KCTKELCE87`, "no", 0.125],
      ["kalshi", `${DEN_KC_EVENT}-NOTD`, "no", 0.02],
    ]);
  });

  it("corrections between a defender's TD, an offensive TD and the DEF leg", async () => {
    // The scorer is known: a KC cornerback's interception return. The KC defense leg still wins.
    at("2026-09-15T05:00:00Z");
    await setFirstTd(GAMES.denKc.id, { type: "player", playerId: P.kcCorner, kind: "defense" });
    vi.useRealTimers();
    upstreams.week();
    expect((await runSync("2026-09-15T05:10:00Z")).status).toBe("ok");
    expect((await verdicts(GAMES.denKc.id)).filter((v) => v[2] === "yes").map((v) => v[1])).toEqual([`${DEN_KC_EVENT}-KCKCDST`]);

    // Overturned on review: Kelce's catch was first. The DEF leg loses, Kelce's wins.
    at("2026-09-15T06:00:00Z");
    await setFirstTd(GAMES.denKc.id, { type: "player", playerId: P.kelce, kind: "reception" });
    vi.useRealTimers();
    upstreams.week();
    expect((await runSync("2026-09-15T06:10:00Z")).status).toBe("ok");
    expect((await verdicts(GAMES.denKc.id)).filter((v) => v[2] === "yes").map((v) => v[1])).toEqual([`${DEN_KC_EVENT}-KCTKELCE87`]);
  });

  it("facts cleared by a correction: the game's outcomes are withdrawn until it is graded again", async () => {
    at("2026-09-15T07:00:00Z");
    await setFirstTd(GAMES.cleJax.id, { type: "clear" });
    vi.useRealTimers();
    upstreams.week();
    expect((await runSync("2026-09-15T07:10:00Z")).status).toBe("ok");
    expect(await outcomes(GAMES.cleJax.id)).toEqual([]);
    // The other games keep theirs.
    expect(await outcomes(GAMES.sfLa.id)).toHaveLength(10);
    expect(await outcomes(GAMES.denKc.id)).toHaveLength(4);

    at("2026-09-15T08:00:00Z");
    await setFirstTd(GAMES.cleJax.id, { type: "player", playerId: P.ford, kind: "rush" });
    vi.useRealTimers();
    upstreams.week();
    expect((await runSync("2026-09-15T08:10:00Z")).status).toBe("ok");
    expect((await verdicts(GAMES.cleJax.id)).filter((v) => v[2] === "yes").map((v) => v[1])).toEqual([`${CLE_JAX_EVENT}-CLEJFORD34`, "3120101"]);
  });
});

