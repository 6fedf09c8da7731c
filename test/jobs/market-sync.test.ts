/**
 * The market-sync job over a week (2026 week 1 as the fixtures have it, moved into the real future: SF @ LA Thursday
 * night, CLE @ JAX Sunday, DEN @ KC Monday night), Kalshi and Polymarket served from the fixtures. The tests of this
 * file follow one another through the week: storage is per file, and each test builds on the snapshots the previous
 * ones wrote.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { api, createUserWithToken, type TestUser } from "../helpers/api";
import { addDays, shiftDatesInText, weeksIntoFuture } from "../helpers/real-clock";
import {
  allOdds,
  at,
  count,
  cronAt,
  KALSHI_PREFIX,
  kalshiPages,
  lastMarketRun,
  loggedRun,
  movedGames,
  P,
  rows,
  runSync,
  seedWeek,
  Upstreams,
} from "./market-sync-support";

/**
 * The fixtures' week moved by whole weeks into the real future, upstream bodies and all: the picks below go through
 * the API, and the database judges a pick's lock by its own, real clock. `t` moves an instant of the fixtures' week
 * (2026-09-10 ...) along with it.
 */
const DAYS = 7 * weeksIntoFuture("2026-09-10T12:00:00Z", "2026-09-11T00:50:00Z");
const t = (instant: string) => addDays(instant, DAYS);
const GAMES = movedGames(DAYS);
const upstreams = new Upstreams(DAYS);

beforeAll(async () => {
  upstreams.install();
  await seedWeek(GAMES);
});
afterAll(() => upstreams.restore());
beforeEach(() => upstreams.reset());
afterEach(() => {
  vi.useRealTimers();
  expect(upstreams.unrouted).toEqual([]);
});

const T0 = t("2026-09-10T12:03:00Z");
const BUCKET0 = t("2026-09-10T12:00:00Z");

/** The first-TD rows of one source and game in one bucket, by player name. */
async function bucketRows(source: string, gameId: string, bucket: string) {
  return rows(
    `SELECT player_id, player_name, team, bid, ask, bid_size, ask_size, last_price, price_basis, implied_probability, american_odds,
       normalized_probability, market_id, event_id, raw_price, snapshot_time, captured_at, kind, season, week
     FROM market_odds WHERE source = ? AND game_id = ? AND snapshot_time = ? ORDER BY player_name`,
    source,
    gameId,
    bucket,
  );
}

const SF_LA_EVENT = shiftDatesInText("KXNFLFIRSTTD-26SEP10SFLAR", DAYS);
const CLE_JAX_EVENT = shiftDatesInText("KXNFLFIRSTTD-26SEP13CLEJAC", DAYS);

describe("market sync over a week", () => {
  it("lands the week's markets: book, price basis, odds, normalized probability, D/ST, No Touchdown, unmapped", async () => {
    upstreams.week();
    at(T0);
    // An admin run (always runs, whatever the minute), through the API.
    const response = await api("/v1/admin/jobs/market-sync/run", { method: "POST" });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({
      job: "market-sync",
      trigger: "admin",
      status: "ok",
      error: null,
      readCount: 39,
      insertedCount: 27,
      updatedCount: 0,
      rejectedCount: 0,
    });
    expect(response.json.details).toMatchObject({
      due: true,
      bucket: BUCKET0,
      events: 7,
      eventsAfterKickoff: 0,
      mapped: 27,
      // Polymarket's D/ST and No Touchdown legs of CLE @ JAX and its Brian Robinson leg of SF @ LA: asks in markets
      // that never traded (no sizes on Gamma: the volume decides); snapshotted without a price.
      priced: 23,
      tooThin: 4,
      unmapped: 11,
      unmappedByReason: { no_player: 2, ambiguous: 1, "event no_game": 8 },
      venueErrors: [],
    });
    // Each venue read page by page along its cursor.
    expect(upstreams.calls).toHaveLength(5);

    // Kalshi, SF @ LA: every leg with its book (sizes too), the rule's basis, and the odds of the chosen probability.
    const base = { snapshot_time: BUCKET0, captured_at: t("2026-09-10T12:03:00Z"), kind: "first_td", season: 2026, week: 1, event_id: SF_LA_EVENT };
    const noBid = { bid: 0, bid_size: 0, ask_size: 100000 };
    const bid300 = { bid_size: 300, ask_size: 100000 };
    const sfLa = await bucketRows("kalshi", GAMES.sfLa.id, BUCKET0);
    expect(sfLa.map(({ normalized_probability, ...rest }) => rest)).toEqual([
      // "Brian Robinson Jr." is the roster's "Brian Robinson" (suffix ignored); the roster name is stored. No bid: the
      // ask, whatever the last trade (0.05) says.
      { ...base, ...noBid, player_id: P.robinson, player_name: "Brian Robinson", team: "SF", ask: 0.07, last_price: 0.05, price_basis: "ask", implied_probability: 0.07, raw_price: 0.07, american_odds: 1329, market_id: `${SF_LA_EVENT}-SFBROBINSON30` },
      // bid 0.16 / ask 0.18, 300 contracts on the bid: a narrow two-sided book, its mid.
      { ...base, ...bid300, player_id: P.mccaffrey, player_name: "Christian McCaffrey", team: "SF", bid: 0.16, ask: 0.18, last_price: 0.17, price_basis: "mid", implied_probability: 0.17, raw_price: 0.17, american_odds: 488, market_id: `${SF_LA_EVENT}-SFCMCCAFFREY23` },
      // A wide book (0.02 / 0.11): the ask; the last trade 0.20 counts for nothing.
      { ...base, ...bid300, player_id: P.adams, player_name: "Davante Adams", team: "LA", bid: 0.02, ask: 0.11, last_price: 0.2, price_basis: "ask", implied_probability: 0.11, raw_price: 0.11, american_odds: 809, market_id: `${SF_LA_EVENT}-LARDADAMS17` },
      { ...base, ...noBid, player_id: P.kyren, player_name: "Kyren Williams", team: "LA", ask: 0.14, last_price: 0, price_basis: "ask", implied_probability: 0.14, raw_price: 0.14, american_odds: 614, market_id: `${SF_LA_EVENT}-LARKWILLIAMS23` },
      { ...base, ...noBid, player_id: "DEF-LA", player_name: "Los Angeles Rams Defense", team: "LA", ask: 0.04, last_price: 0, price_basis: "ask", implied_probability: 0.04, raw_price: 0.04, american_odds: 2400, market_id: `${SF_LA_EVENT}-LARLARDST` },
      // 0.05 / 0.15: ten cents wide, the ask.
      { ...base, ...bid300, player_id: P.nacua, player_name: "Puka Nacua", team: "LA", bid: 0.05, ask: 0.15, last_price: 0.12, price_basis: "ask", implied_probability: 0.15, raw_price: 0.15, american_odds: 567, market_id: `${SF_LA_EVENT}-LARPNACUA12` },
      { ...base, ...noBid, player_id: "DEF-SF", player_name: "San Francisco 49ers Defense", team: "SF", ask: 0.04, last_price: 0, price_basis: "ask", implied_probability: 0.04, raw_price: 0.04, american_odds: 2400, market_id: `${SF_LA_EVENT}-SFSFDST` },
    ]);
    // Normalized over the game's legs of this source: 0.07 + 0.17 + 0.11 + 0.14 + 0.04 + 0.15 + 0.04 = 0.72.
    const mccaffrey = sfLa.find((r) => r.player_id === P.mccaffrey)!;
    expect(mccaffrey.normalized_probability).toBeCloseTo(0.17 / 0.72, 6);

    // Every (source, game) book of the bucket sums to 1 over its priced legs, each leg its share of the overround.
    const books = await rows<{ source: string; game_id: string; legs: number; priced: number; total: number; normalized: number; worst: number }>(
      `SELECT source, game_id, count(*) AS legs, count(implied_probability) AS priced, sum(implied_probability) AS total,
         sum(normalized_probability) AS normalized,
         max(abs(normalized_probability - implied_probability / (SELECT sum(m2.implied_probability) FROM market_odds m2
           WHERE m2.source = m.source AND m2.game_id = m.game_id AND m2.snapshot_time = m.snapshot_time AND m2.kind = m.kind))) AS worst
       FROM market_odds m WHERE snapshot_time = ? AND kind = 'first_td' GROUP BY source, game_id ORDER BY source, game_id`,
      BUCKET0,
    );
    expect(books.map(({ source, game_id, legs, priced, total }) => ({ source, game_id, legs, priced, total: Math.round(total * 1e6) / 1e6 }))).toEqual([
      { source: "kalshi", game_id: GAMES.cleJax.id, legs: 8, priced: 8, total: 0.52 },
      { source: "kalshi", game_id: GAMES.denKc.id, legs: 4, priced: 4, total: 0.26 },
      { source: "kalshi", game_id: GAMES.sfLa.id, legs: 7, priced: 7, total: 0.72 },
      { source: "polymarket", game_id: GAMES.cleJax.id, legs: 5, priced: 2, total: 0.21 },
      { source: "polymarket", game_id: GAMES.sfLa.id, legs: 3, priced: 2, total: 0.29 },
    ]);
    for (const book of books) {
      expect(book.normalized).toBeCloseTo(1, 5);
      expect(book.worst).toBeLessThan(1e-5);
    }

    // CLE @ JAX on Kalshi: D/ST legs are the DEF pseudo-players, one No Touchdown leg (the one with volume),
    // "Mike Williams" told apart by the ticker's team, "PJ Washington" (JAC #84) on no roster: unmapped.
    const cleJax = await bucketRows("kalshi", GAMES.cleJax.id, BUCKET0);
    expect(cleJax.map((r) => [r.player_id, r.player_name, r.team, r.market_id.slice(CLE_JAX_EVENT.length + 1), r.price_basis, r.implied_probability])).toEqual([
      [P.thomas, "Brian Thomas", "JAX", "JACBTHOMAS7", "mid", 0.115],
      ["DEF-CLE", "Cleveland Browns Defense", "CLE", "CLECLEDST", "ask", 0.05],
      ["DEF-JAX", "Jacksonville Jaguars Defense", "JAX", "JACJACDST", "ask", 0.05],
      [P.ford, "Jerome Ford", "CLE", "CLEJFORD34", "mid", 0.085],
      [P.mikeWilliamsCle, "Mike Williams", "CLE", "CLEMWILLIAMS2", "ask", 0.05],
      // A last trade at 1 cent with nobody bidding: the ask (0.02), not +9900.
      [null, "No Touchdown", null, "NOTD", "ask", 0.02],
      [P.parkerWashington, "Parker Washington", "JAX", "JACPWASHINGTON11", "ask", 0.06],
      [P.judkins, "Quinshon Judkins", "CLE", "CLEQJUDKINS10", "ask", 0.09],
    ]);
    expect(cleJax.find((r) => r.player_name === "No Touchdown")!.american_odds).toBe(4900);

    // Polymarket, CLE @ JAX (names only): D/ST by nickname, No Touchdown, "Mike Williams" fits both teams. Gamma
    // gives no sizes: the legs whose market never traded are snapshotted with their book and no price.
    const polyCleJax = await bucketRows("polymarket", GAMES.cleJax.id, BUCKET0);
    expect(polyCleJax.map((r) => [r.player_id, r.player_name, r.team, r.market_id, r.bid_size, r.ask, r.price_basis, r.implied_probability, r.american_odds])).toEqual([
      [P.thomas, "Brian Thomas", "JAX", "3120102", null, 0.13, "mid", 0.12, 733],
      ["DEF-CLE", "Cleveland Browns Defense", "CLE", "3120104", null, 0.04, null, null, null],
      ["DEF-JAX", "Jacksonville Jaguars Defense", "JAX", "3120105", null, 0.04, null, null, null],
      [P.ford, "Jerome Ford", "CLE", "3120101", null, 0.1, "mid", 0.09, 1011],
      [null, "No Touchdown", null, "3120106", null, 0.02, null, null, null],
    ]);

    // Unmapped: stored with the reason, never guessed into a row of market_odds.
    const unmapped = await rows<{ source: string; kind: string; market_id: string; label: string; game_id: string | null; reason: string }>(
      "SELECT source, kind, market_id, label, game_id, reason, first_seen_at, last_seen_at FROM market_unmapped ORDER BY source, market_id",
    );
    expect(unmapped.map((u) => [u.source, u.kind, u.market_id, u.label, u.game_id, u.reason.split(":")[0]])).toEqual([
      ["kalshi", "first_td", `${CLE_JAX_EVENT}-JACPWASHINGTON84`, "PJ Washington", GAMES.cleJax.id, "no_player"],
      // ATL @ GB (week 3) is no game of the coming days.
      ...["3100101", "3100102", "3100103", "3100104", "3100105", "3100106"].map((id) => ["polymarket", "first_td", id, expect.any(String), null, "event no_game"]),
      ...["3100201", "3100202"].map((id) => ["polymarket", "anytime_td", id, expect.any(String), null, "event no_game"]),
      ["polymarket", "first_td", "3120103", "Mike Williams", GAMES.cleJax.id, "ambiguous"],
      ["polymarket", "first_td", "3120107", "Travis Hunter", GAMES.cleJax.id, "no_player"],
    ]);
    expect(unmapped.every((u: any) => u.first_seen_at === t("2026-09-10T12:03:00Z") && u.last_seen_at === t("2026-09-10T12:03:00Z"))).toBe(true);
    expect(await count("SELECT count(*) AS n FROM market_odds WHERE player_name IN ('PJ Washington', 'Travis Hunter') OR market_id = '3120103'")).toBe(0);
    expect(await count("SELECT count(*) AS n FROM market_odds")).toBe(27);
  });

  it("a rerun in the same bucket rewrites its rows: same row count, reported as updated", async () => {
    const before = await allOdds();
    upstreams.week(kalshiPages({ [`${SF_LA_EVENT}-SFCMCCAFFREY23`]: [0.2, 0.22, 0.21] }, DAYS));
    const report = await runSync(t("2026-09-10T12:08:00Z"));
    expect(report).toMatchObject({ status: "ok", error: null });
    expect(await loggedRun(report.runId)).toMatchObject({ inserted_count: 0, updated_count: 27, read_count: 39 });
    const after = await allOdds();
    expect(after).toHaveLength(before.length);
    expect(after.map((r: any) => r.id)).toEqual(before.map((r: any) => r.id));
    const [row] = await rows(
      "SELECT implied_probability, price_basis, snapshot_time, captured_at, created_at FROM market_odds WHERE source = 'kalshi' AND player_id = ?",
      P.mccaffrey,
    );
    expect(row).toEqual({
      implied_probability: 0.21,
      price_basis: "mid",
      snapshot_time: BUCKET0,
      captured_at: t("2026-09-10T12:08:00Z"),
      created_at: t("2026-09-10T12:03:00Z"),
    });
    // The unmapped markets seen again: same rows, last seen now.
    expect(await count("SELECT count(*) AS n FROM market_unmapped")).toBe(11);
    expect(await count("SELECT count(*) AS n FROM market_unmapped WHERE first_seen_at = ?1 AND last_seen_at = ?2", t("2026-09-10T12:03:00Z"), t("2026-09-10T12:08:00Z"))).toBe(11);
  });

  it("a run in the next bucket adds a snapshot per leg", async () => {
    upstreams.week(kalshiPages({ [`${SF_LA_EVENT}-LARDADAMS17`]: [0.08, 0.1, 0.09] }, DAYS));
    const report = await runSync(t("2026-09-10T12:10:00Z"));
    expect(report).toMatchObject({ status: "ok" });
    expect(await loggedRun(report.runId)).toMatchObject({ inserted_count: 27, updated_count: 0, details: expect.objectContaining({ bucket: t("2026-09-10T12:10:00Z") }) });
    expect(await count("SELECT count(*) AS n FROM market_odds")).toBe(54);
    expect(await count("SELECT count(*) AS n FROM market_odds WHERE snapshot_time = ?", t("2026-09-10T12:10:00Z"))).toBe(27);
  });

  let adamsPick: any;
  let defensePick: any;
  let pickers: TestUser[];

  it("a pick before kickoff freezes the median of the player's first-TD snapshots of the last 30 minutes", async () => {
    pickers = [await createUserWithToken("market-picker-1"), await createUserWithToken("market-picker-2")];
    at(t("2026-09-10T12:15:00Z"));
    const response = await api("/v1/picks", { method: "POST", token: pickers[0]!.token, body: { gameId: GAMES.sfLa.id, playerId: P.adams } });
    expect(response.status).toBe(201);
    adamsPick = response.json;
    // The median of the snapshots of the last 30 minutes: the 12:00 bucket (rewritten at 12:08: the ask 0.11 of a wide
    // book) and the 12:10 one (mid of 0.08/0.10): 0.10, not the latest alone.
    const adamsRows = await rows<{ id: number }>("SELECT id FROM market_odds WHERE source = 'kalshi' AND player_id = ? ORDER BY snapshot_time", P.adams);
    expect(adamsPick).toMatchObject({
      playerId: P.adams,
      impliedProbability: 0.1,
      americanOdds: 900,
      oddsSource: "kalshi",
      oddsSnapshotAt: t("2026-09-10T12:10:00Z"),
      oddsReason: null,
      oddsSnapshots: [
        { id: adamsRows[0]!.id, source: "kalshi", capturedAt: t("2026-09-10T12:08:00Z"), probability: 0.11, basis: "ask" },
        { id: adamsRows[1]!.id, source: "kalshi", capturedAt: t("2026-09-10T12:10:00Z"), probability: 0.09, basis: "mid" },
      ],
    });
    const defense = await api("/v1/picks", { method: "POST", token: pickers[1]!.token, body: { gameId: GAMES.sfLa.id, playerId: "DEF-SF" } });
    expect(defense.status).toBe(201);
    defensePick = defense.json;
    expect(defensePick).toMatchObject({ playerId: "DEF-SF", impliedProbability: 0.04, americanOdds: 2400, oddsSource: "kalshi" });
  });

  it("a later snapshot changes nothing on the pick", async () => {
    const picksBefore = await rows("SELECT * FROM picks ORDER BY id");
    upstreams.week(kalshiPages({ [`${SF_LA_EVENT}-LARDADAMS17`]: [0.2, 0.22, 0.21], [`${SF_LA_EVENT}-SFSFDST`]: [0.05, 0.07, 0.06] }, DAYS));
    const report = await runSync(t("2026-09-10T12:30:00Z"));
    expect(report.status).toBe("ok");
    expect(
      await rows("SELECT implied_probability AS p FROM market_odds WHERE source = 'kalshi' AND player_id IN (?, 'DEF-SF') AND snapshot_time = ? ORDER BY player_id", P.adams, t("2026-09-10T12:30:00Z")),
      // DEF-SF: a bid of 0.05 with no contracts resting on it (the fixture's size 0): the ask.
    ).toEqual([{ p: 0.21 }, { p: 0.07 }]);
    expect(await rows("SELECT * FROM picks ORDER BY id")).toEqual(picksBefore);
    at(t("2026-09-10T12:31:00Z"));
    for (const [user, pick] of [
      [pickers[0]!, adamsPick],
      [pickers[1]!, defensePick],
    ] as const) {
      const read = await api(`/v1/picks/${pick.id}`, { token: user.token });
      expect(read.status).toBe(200);
      expect(read.json).toMatchObject({
        impliedProbability: pick.impliedProbability,
        americanOdds: pick.americanOdds,
        decimalOdds: pick.decimalOdds,
        oddsSnapshotAt: pick.oddsSnapshotAt,
      });
    }
  });

  it("GET /v1/games/{id}/markets: the latest price per player and source, with its age", async () => {
    at(t("2026-09-10T12:31:30Z"));
    const response = await api(`/v1/games/${GAMES.sfLa.id}/markets`);
    expect(response.status).toBe(200);
    expect(response.json.gameId).toBe(GAMES.sfLa.id);
    const markets: any[] = response.json.markets;
    // One entry per source and player: Kalshi's 7 legs and Polymarket's 3, never one per snapshot.
    expect(markets.map((m) => `${m.source}:${m.playerId}`).sort()).toEqual(
      [
        ...[P.mccaffrey, P.adams, P.robinson, P.kyren, "DEF-LA", P.nacua, "DEF-SF"].map((id) => `kalshi:${id}`),
        ...[P.mccaffrey, P.nacua, P.robinson].map((id) => `polymarket:${id}`),
      ].sort(),
    );
    for (const market of markets) {
      expect(market).toMatchObject({ kind: "first_td", gameId: GAMES.sfLa.id, snapshotTime: t("2026-09-10T12:30:00Z"), capturedAt: t("2026-09-10T12:30:00Z"), ageSeconds: 90 });
    }
    expect(markets.find((m) => m.source === "kalshi" && m.playerId === P.adams)).toMatchObject({
      playerName: "Davante Adams",
      marketId: `${SF_LA_EVENT}-LARDADAMS17`,
      impliedProbability: 0.21,
      americanOdds: 376,
      bid: 0.2,
      ask: 0.22,
      lastPrice: 0.21,
      priceBasis: "mid",
    });
    expect(markets.find((m) => m.source === "polymarket" && m.playerId === P.mccaffrey)).toMatchObject({ impliedProbability: 0.16, americanOdds: 525, priceBasis: "mid" });
    // Most likely first within a kind.
    const kalshi = markets.filter((m) => m.source === "kalshi").map((m) => m.impliedProbability);
    expect(kalshi[0]).toBe(Math.max(...kalshi));

    const anytime = await api(`/v1/games/${GAMES.sfLa.id}/markets?kind=anytime_td`);
    expect(anytime.status).toBe(200);
    expect(anytime.json.markets).toEqual([]);
    expect((await api("/v1/games/2026_01_XX_YY/markets")).status).toBe(404);
  });

  it("GET /v1/players/{id} shows the player's upcoming prices, per source, with their age", async () => {
    at(t("2026-09-10T12:35:00Z"));
    const mccaffrey = await api(`/v1/players/${P.mccaffrey}`);
    expect(mccaffrey.status).toBe(200);
    expect(mccaffrey.json.markets.map((m: any) => [m.source, m.gameId, m.impliedProbability, m.snapshotTime, m.ageSeconds])).toEqual([
      ["kalshi", GAMES.sfLa.id, 0.17, t("2026-09-10T12:30:00Z"), 300],
      ["polymarket", GAMES.sfLa.id, 0.16, t("2026-09-10T12:30:00Z"), 300],
    ]);
    const kelce = await api(`/v1/players/${P.kelce}`);
    expect(kelce.json.markets.map((m: any) => [m.source, m.gameId, m.impliedProbability])).toEqual([["kalshi", GAMES.denKc.id, 0.125]]);
    // A player without a market: nothing.
    expect((await api(`/v1/players/${P.kcCorner}`)).json.markets).toEqual([]);
  });

  it("a cron run that is not due (at :15, no kickoff within 2 h) reads no upstream and writes nothing", async () => {
    upstreams.week();
    const before = { odds: await allOdds(), unmapped: await rows("SELECT * FROM market_unmapped ORDER BY id") };
    const result = await cronAt(t("2026-09-10T12:15:00Z"));
    expect(result.outcome).toBe("ok");
    expect(upstreams.calls).toEqual([]);
    expect(await allOdds()).toEqual(before.odds);
    expect(await rows("SELECT * FROM market_unmapped ORDER BY id")).toEqual(before.unmapped);
    expect(await lastMarketRun()).toMatchObject({
      trigger: "cron",
      status: "ok",
      read_count: 0,
      inserted_count: 0,
      updated_count: 0,
      details: { due: false, upcomingGames: 3 },
    });
  });

  it("a cron run at :00-:09 or :30-:39 is due; otherwise only when a kickoff is within 2 h", async () => {
    upstreams.week();
    expect((await cronAt(t("2026-09-10T13:04:00Z"))).outcome).toBe("ok");
    expect(await lastMarketRun()).toMatchObject({ trigger: "cron", status: "ok", inserted_count: 27, details: expect.objectContaining({ due: true, bucket: t("2026-09-10T13:00:00Z") }) });
    expect(upstreams.callsTo(KALSHI_PREFIX())).toHaveLength(3);

    // 22:45 is off the half-hour grid, but SF @ LA kicks off at 00:35, within two hours.
    upstreams.reset();
    upstreams.week();
    expect((await cronAt(t("2026-09-10T22:45:00Z"))).outcome).toBe("ok");
    expect(await lastMarketRun()).toMatchObject({ trigger: "cron", inserted_count: 27, details: expect.objectContaining({ due: true, bucket: t("2026-09-10T22:40:00Z") }) });
    expect(await count("SELECT count(*) AS n FROM market_odds WHERE snapshot_time = ?", t("2026-09-10T22:40:00Z"))).toBe(27);

    // 22:25: more than two hours before 00:35 and off the grid: not due.
    upstreams.reset();
    upstreams.week();
    expect((await cronAt(t("2026-09-10T22:25:00Z"))).outcome).toBe("ok");
    expect(await lastMarketRun()).toMatchObject({ details: { due: false, upcomingGames: 3 } });
    expect(upstreams.calls).toEqual([]);
  });

  it("after kickoff the game's markets leave the player's upcoming prices (from the kickoff instant on)", async () => {
    at(GAMES.sfLa.kickoffAt);
    const atKickoff = await api(`/v1/players/${P.mccaffrey}`);
    expect(atKickoff.status).toBe(200);
    expect(atKickoff.json.markets).toEqual([]);
    // The game page still shows the last prices taken before kickoff.
    const game = await api(`/v1/games/${GAMES.sfLa.id}/markets`);
    expect(game.json.markets.find((m: any) => m.source === "kalshi" && m.playerId === P.mccaffrey)).toMatchObject({ snapshotTime: t("2026-09-10T22:40:00Z") });
    at(t("2026-09-10T23:00:00Z"));
    expect((await api(`/v1/players/${P.mccaffrey}`)).json.markets).toHaveLength(2);
  });

  it("takes no snapshot of a game whose kickoff has passed, and does not report its still-open markets as unmapped", async () => {
    const unmappedBefore = await count("SELECT count(*) AS n FROM market_unmapped");
    const sfLaBefore = await count("SELECT count(*) AS n FROM market_odds WHERE game_id = ?", GAMES.sfLa.id);
    // 00:40, five minutes after the SF @ LA kickoff: both venues still list its markets.
    upstreams.week();
    const report = await runSync(t("2026-09-11T00:40:00Z"));
    expect(report.status).toBe("ok");
    expect(await loggedRun(report.runId)).toMatchObject({ inserted_count: 17, details: expect.objectContaining({ eventsAfterKickoff: 2, mapped: 17 }) });
    expect(await count("SELECT count(*) AS n FROM market_odds WHERE game_id = ?", GAMES.sfLa.id)).toBe(sfLaBefore);
    expect(await count("SELECT count(*) AS n FROM market_odds WHERE snapshot_time = ?", t("2026-09-11T00:40:00Z"))).toBe(17);
    expect(await count("SELECT count(*) AS n FROM market_unmapped")).toBe(unmappedBefore);

    // The live sync has marked the game in progress: still no snapshot, and its markets are not "no game".
    await rows("UPDATE games SET status = 'in_progress' WHERE id = ?", GAMES.sfLa.id);
    upstreams.reset();
    upstreams.week();
    const live = await runSync(t("2026-09-11T00:50:00Z"));
    expect(live.status).toBe("ok");
    expect(await loggedRun(live.runId)).toMatchObject({ inserted_count: 17, details: expect.objectContaining({ eventsAfterKickoff: 2, unmapped: 11 }) });
    expect(await count("SELECT count(*) AS n FROM market_odds WHERE game_id = ?", GAMES.sfLa.id)).toBe(sfLaBefore);
    expect(await count("SELECT count(*) AS n FROM market_unmapped")).toBe(unmappedBefore);
    expect(await count("SELECT count(*) AS n FROM market_unmapped WHERE event_id IN (?, '91101')", SF_LA_EVENT)).toBe(0);
  });
});
