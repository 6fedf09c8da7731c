/**
 * The price a pick freezes, through HTTP (issue "Trust"): the per-snapshot rule (src/domain/market-prices.ts: never
 * the last trade, depth on a side, the ask without a bid, the mid of a narrow book, capped at +5000), the median over
 * the snapshots of the last 30 minutes of both venues (src/domain/odds-freeze.ts), the reason when nothing survives,
 * the snapshots a pick lists, the credential it records, and even money for an unpriced pick in standings and the
 * recompute alike.
 *
 * Games kick off in the real future (the database's clock decides the lock); snapshots are seeded minutes before
 * the real time, which is the Worker's clock when a test does not fake it.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { expectedStandings, findDifferences } from "../../src/db/recompute";
import { generateToken, sha256Hex } from "../../src/lib/crypto";
import { nowIso } from "../../src/lib/clock";
import {
  api,
  createUserWithToken,
  makePick,
  minutesAgo,
  seedBookSnapshots,
  seedMatchup,
  seedTeams,
  setFirstTd,
  type TestUser,
} from "../helpers/api";

let nextSeason = 2060;

async function league() {
  const season = nextSeason++;
  const teams = await seedTeams(season, ["KC", "BUF", "DAL", "PHI"]);
  const game = await seedMatchup(season, 1, "KC", "BUF");
  const otherGame = await seedMatchup(season, 2, "DAL", "PHI");
  return { season, teams, game, otherGame };
}

const UNPRICED = { impliedProbability: null, americanOdds: null, decimalOdds: null, oddsSource: null, oddsSnapshotAt: null, oddsSnapshots: [] };

async function storedPricing(pickId: number) {
  return env.DB.prepare("SELECT implied_probability, decimal_odds, odds_reason, odds_snapshot_ids, changed_by FROM picks WHERE id = ?")
    .bind(pickId)
    .first<{ implied_probability: number | null; decimal_odds: number | null; odds_reason: string | null; odds_snapshot_ids: string | null; changed_by: string | null }>();
}

describe("the frozen price: one snapshot's book", () => {
  it("a 1-cent last trade with no bid and no ask does not price the pick (too_thin)", async () => {
    const { teams, game } = await league();
    const player = teams.KC!.WR;
    // Anyone can buy one contract at 1 cent where nobody bids: the trade prints 0.01 (+9900). No ask: nothing to price.
    const [id] = await seedBookSnapshots([{ gameId: game, playerId: player, capturedAt: minutesAgo(4), bid: 0, ask: 1, lastPrice: 0.01 }]);
    const stored = await env.DB.prepare("SELECT implied_probability, price_basis FROM market_odds WHERE id = ?").bind(id).first();
    expect(stored).toEqual({ implied_probability: null, price_basis: null });

    const pick = await makePick(await createUserWithToken(), game, player);
    expect(pick).toMatchObject({ ...UNPRICED, oddsReason: "too_thin" });
    expect(await storedPricing(pick.id)).toMatchObject({ implied_probability: null, decimal_odds: null, odds_reason: "too_thin", odds_snapshot_ids: null });
  });

  it("a 1-cent last trade beside a real ask prices at the ask", async () => {
    const { teams, game } = await league();
    const player = teams.KC!.RB;
    const at = minutesAgo(4);
    const [id] = await seedBookSnapshots([{ gameId: game, playerId: player, capturedAt: at, bid: 0, ask: 0.1, lastPrice: 0.01 }]);
    const pick = await makePick(await createUserWithToken(), game, player);
    expect(pick).toMatchObject({
      impliedProbability: 0.1,
      decimalOdds: 10,
      americanOdds: 900,
      oddsSource: "kalshi",
      oddsSnapshotAt: at,
      oddsReason: null,
      oddsSnapshots: [{ id, source: "kalshi", capturedAt: at, probability: 0.1, basis: "ask" }],
    });
  });

  it("a far bid does not pull the price below the ask; a narrow two-sided book prices at its mid", async () => {
    const { teams, game } = await league();
    await seedBookSnapshots([
      // A 1-cent bid under a 10-cent ask: the ask (the mid would be 0.055, +1718).
      { gameId: game, playerId: teams.KC!.TE, capturedAt: minutesAgo(4), bid: 0.01, ask: 0.1 },
      { gameId: game, playerId: teams.BUF!.TE, capturedAt: minutesAgo(4), bid: 0.16, ask: 0.18 },
    ]);
    expect(await makePick(await createUserWithToken(), game, teams.KC!.TE)).toMatchObject({ impliedProbability: 0.1, americanOdds: 900 });
    expect(await makePick(await createUserWithToken(), game, teams.BUF!.TE)).toMatchObject({ impliedProbability: 0.17, americanOdds: 488 });
  });

  it("caps extreme odds: a deep 1-cent ask freezes at 1/51 (+5000), and a win pays 50 units", async () => {
    const { season, teams, game } = await league();
    const player = teams.BUF!.K;
    await seedBookSnapshots([
      { gameId: game, playerId: player, capturedAt: minutesAgo(22), ask: 0.01 },
      { gameId: game, playerId: player, capturedAt: minutesAgo(12), ask: 0.01 },
    ]);
    const user = await createUserWithToken();
    const pick = await makePick(user, game, player);
    expect(pick).toMatchObject({ impliedProbability: 0.019608, americanOdds: 5000, oddsReason: null });
    expect(pick.decimalOdds).toBeCloseTo(51, 3);
    await setFirstTd(game, { type: "player", playerId: player, kind: "rush" });
    const graded = await api(`/v1/picks/${pick.id}`, { token: user.token });
    expect(graded.json).toMatchObject({ outcome: "win", units: 50 });
    expect(await findDifferences(env.DB, { season })).toEqual({ results: [], standings: [], playerStats: [] });
  });
});

describe("the frozen price: the median of the last 30 minutes", () => {
  it("one tiny ask (size 1) posted minutes before the pick is ignored", async () => {
    const { teams, game } = await league();
    const player = teams.KC!.QB;
    const ids = await seedBookSnapshots([
      { gameId: game, playerId: player, capturedAt: minutesAgo(25), ask: 0.1 },
      { gameId: game, playerId: player, capturedAt: minutesAgo(15), ask: 0.1 },
      // One contract offered at 1 cent, just before the pick: the best ask, but nothing behind it.
      { gameId: game, playerId: player, capturedAt: minutesAgo(3), ask: 0.01, askSize: 1, lastPrice: 0.01 },
    ]);
    const pick = await makePick(await createUserWithToken(), game, player);
    expect(pick).toMatchObject({ impliedProbability: 0.1, americanOdds: 900, oddsReason: null });
    expect(pick.oddsSnapshots.map((s: { id: number }) => s.id)).toEqual([ids[0], ids[1]]);
  });

  it("the median resists one outlier snapshot, even one with depth", async () => {
    const { teams, game } = await league();
    const player = teams.BUF!.RB;
    await seedBookSnapshots([
      { gameId: game, playerId: player, capturedAt: minutesAgo(25), ask: 0.12 },
      { gameId: game, playerId: player, capturedAt: minutesAgo(15), bid: 0.09, ask: 0.11 },
      { gameId: game, playerId: player, capturedAt: minutesAgo(5), ask: 0.02 },
    ]);
    const pick = await makePick(await createUserWithToken(), game, player);
    // 0.12, 0.10 (mid), 0.02: the median is 0.10, not the latest 0.02 (+4900).
    expect(pick).toMatchObject({ impliedProbability: 0.1, americanOdds: 900 });
    expect(pick.oddsSnapshots.map((s: { probability: number; basis: string }) => [s.probability, s.basis])).toEqual([
      [0.12, "ask"],
      [0.1, "mid"],
      [0.02, "ask"],
    ]);
  });

  it("two venues in one bucket: the one that shows its resting size prices; a size-less quote counts only when it stood", async () => {
    const { teams, game } = await league();
    const player = teams.BUF!.WR;
    const at = minutesAgo(6);
    const [kalshi] = await seedBookSnapshots([
      { gameId: game, playerId: player, capturedAt: at, source: "kalshi", ask: 0.14 },
      // Gamma gives no sizes (the market's volume, 5,000 by default, stands in): one cheap order could be all it shows.
      { gameId: game, playerId: player, capturedAt: at, source: "polymarket", bid: 0.009, ask: 0.01 },
    ]);
    const pick = await makePick(await createUserWithToken(), game, player);
    expect(pick).toMatchObject({ impliedProbability: 0.14, oddsSource: "kalshi", oddsSnapshotAt: at, oddsReason: null });
    expect(pick.oddsSnapshots.map((s: { id: number }) => s.id)).toEqual([kalshi]);

    // Polymarket alone: one snapshot does not price; two (it stood ten minutes) price at their median.
    const other = teams.BUF!.TE;
    await seedBookSnapshots([{ gameId: game, playerId: other, capturedAt: minutesAgo(3), source: "polymarket", ask: 0.01 }]);
    expect(await makePick(await createUserWithToken(), game, other)).toMatchObject({ ...UNPRICED, oddsReason: "too_thin" });
    const third = teams.BUF!.QB;
    const [first, second] = await seedBookSnapshots([
      { gameId: game, playerId: third, capturedAt: minutesAgo(14), source: "polymarket", bid: 0.09, ask: 0.11 },
      { gameId: game, playerId: third, capturedAt: minutesAgo(4), source: "polymarket", bid: 0.11, ask: 0.13 },
    ]);
    const stood = await makePick(await createUserWithToken(), game, third);
    expect(stood).toMatchObject({ impliedProbability: 0.11, oddsSource: "polymarket", oddsReason: null });
    expect(JSON.parse((await storedPricing(stood.id))!.odds_snapshot_ids!)).toEqual([first, second]);
  });

  it("a snapshot older than 30 minutes does not count: odds null, oddsReason stale", async () => {
    const { teams, game } = await league();
    const player = teams.KC!.K;
    await seedBookSnapshots([
      { gameId: game, playerId: player, capturedAt: minutesAgo(95), ask: 0.08 },
      { gameId: game, playerId: player, capturedAt: minutesAgo(31), ask: 0.08 },
    ]);
    const pick = await makePick(await createUserWithToken(), game, player);
    expect(pick).toMatchObject({ ...UNPRICED, oddsReason: "stale" });

    // Older snapshots do not join a fresh one either.
    await seedBookSnapshots([{ gameId: game, playerId: player, capturedAt: minutesAgo(2), ask: 0.2 }]);
    expect(await makePick(await createUserWithToken(), game, player)).toMatchObject({ impliedProbability: 0.2, oddsSnapshots: [expect.objectContaining({ probability: 0.2 })] });
  });

  it("no snapshot of the player in the game at all: oddsReason no_market, whatever other players and games have", async () => {
    const { teams, game, otherGame } = await league();
    await seedBookSnapshots([
      { gameId: game, playerId: teams.BUF!.QB, capturedAt: minutesAgo(5), ask: 0.1 },
      { gameId: otherGame, playerId: teams.DAL!.QB, capturedAt: minutesAgo(5), ask: 0.1 },
    ]);
    expect(await makePick(await createUserWithToken(), game, teams.KC!.WR)).toMatchObject({ ...UNPRICED, oddsReason: "no_market" });
  });
});

describe("what a pick records", () => {
  it("PATCH re-freezes for the new player: price and snapshots, or the reason with none; changed_by is the credential", async () => {
    const { teams, game } = await league();
    const [id] = await seedBookSnapshots([{ gameId: game, playerId: teams.BUF!.QB, capturedAt: minutesAgo(8), bid: 0.2, ask: 0.22 }]);
    const user = await createUserWithToken();
    const pick = await makePick(user, game, teams.KC!.WR);
    expect(pick).toMatchObject({ oddsReason: "no_market" });
    expect(await storedPricing(pick.id)).toMatchObject({ changed_by: `token:${user.tokenId}` });

    // The same user through a second token: the pick records the credential of its last change.
    const secondToken = await addToken(user);
    const changed = await api(`/v1/picks/${pick.id}`, { method: "PATCH", token: secondToken.token, body: { playerId: teams.BUF!.QB } });
    expect(changed.status).toBe(200);
    expect(changed.json).toMatchObject({ impliedProbability: 0.21, oddsReason: null, oddsSnapshots: [expect.objectContaining({ id, basis: "mid" })] });
    expect(await storedPricing(pick.id)).toEqual({
      implied_probability: 0.21,
      decimal_odds: 1 / 0.21,
      odds_reason: null,
      odds_snapshot_ids: JSON.stringify([id]),
      changed_by: `token:${secondToken.tokenId}`,
    });

    const back = await api(`/v1/picks/${pick.id}`, { method: "PATCH", token: user.token, body: { playerId: "DEF-KC" } });
    expect(back.json).toMatchObject({ ...UNPRICED, oddsReason: "no_market" });
    expect(await storedPricing(pick.id)).toMatchObject({ odds_snapshot_ids: null, odds_reason: "no_market", changed_by: `token:${user.tokenId}` });
  });

  it("the caller's picks and a locked game's picks list the reason and the snapshots too", async () => {
    const { season, teams, game } = await league();
    const [id] = await seedBookSnapshots([{ gameId: game, playerId: teams.KC!.RB, capturedAt: minutesAgo(3), ask: 0.15 }]);
    const user = await createUserWithToken();
    const priced = await makePick(user, game, teams.KC!.RB);
    const listed = await api(`/v1/me/picks?season=${season}`, { token: user.token });
    expect(listed.json.picks).toEqual([priced]);
    expect(priced.oddsSnapshots).toEqual([{ id, source: "kalshi", capturedAt: expect.any(String), probability: 0.15, basis: "ask" }]);
  });
});

describe("an unpriced pick is graded at even money", () => {
  it("an unpriced winning pick scores +1 unit in the standings and in the recompute alike", async () => {
    const { season, teams, game } = await league();
    await seedBookSnapshots([{ gameId: game, playerId: teams.KC!.WR, capturedAt: minutesAgo(50), ask: 0.1 }]);
    const user = await createUserWithToken();
    const pick = await makePick(user, game, teams.KC!.WR);
    expect(pick).toMatchObject({ decimalOdds: null, oddsReason: "stale" });
    await setFirstTd(game, { type: "player", playerId: teams.KC!.WR, kind: "reception" });

    expect((await api(`/v1/picks/${pick.id}`, { token: user.token })).json).toMatchObject({ outcome: "win", units: 1 });
    const maintained = await env.DB.prepare("SELECT week, units_cu, wins FROM standings WHERE user_id = ? ORDER BY week").bind(user.id).all();
    expect(maintained.results).toEqual([
      { week: 0, units_cu: 100, wins: 1 },
      { week: 1, units_cu: 100, wins: 1 },
    ]);
    const recomputed = (await expectedStandings(env.DB, { season })).filter((row) => row.userId === user.id);
    expect(recomputed.map((row) => [row.week, row.unitsCu, row.wins])).toEqual([
      [0, 100, 1],
      [1, 100, 1],
    ]);
    expect(await findDifferences(env.DB, { season })).toEqual({ results: [], standings: [], playerStats: [] });
  });
});

/** A second API token for a user, written as POST /v1/users/{id}/tokens writes it. */
async function addToken(user: TestUser): Promise<{ token: string; tokenId: number }> {
  const token = generateToken();
  const row = await env.DB.prepare(
    "INSERT INTO api_tokens (user_id, name, token_hash, token_prefix, created_at, created_by) VALUES (?, 'second', ?, ?, ?, 'test') RETURNING id",
  )
    .bind(user.id, await sha256Hex(token), token.slice(0, 10), nowIso())
    .first<{ id: number }>();
  return { token, tokenId: row!.id };
}
