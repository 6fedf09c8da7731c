import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { normalizePlayerName } from "../../src/domain/names";
import {
  api,
  createUserWithToken,
  expectError,
  makePick,
  problemFields,
  seedDefenseRosters,
  seedMatchup,
  seedPlayers,
  setFirstTd,
  type TestUser,
} from "../helpers/api";

// The latest season with rosters in this file's database is SEASON: GET /v1/players defaults to it.
const SEASON = 2060;
const OLD = 2059;
let user: TestUser;

const P = {
  amonRa: { id: "00-0036963", name: "Amon-Ra St. Brown", team: "DET", position: "WR", jersey: 14 },
  walker: { id: "00-0037256", name: "Kenneth Walker III", team: "SEA", position: "RB", jersey: 9 },
  otherWalker: { id: "00-0099001", name: "Travis Walker", team: "KC", position: "TE", jersey: 88 },
  jose: { id: "00-0038111", name: "José Borregales", team: "KC", position: "K", jersey: 3 },
  chase: { id: "00-0036900", name: "Ja'Marr Chase", team: "BUF", position: "WR", jersey: 1 },
  harrison: { id: "00-0039849", name: "Marvin Harrison Jr.", team: "BUF", position: "WR", jersey: 18 },
  kcWr: { id: "00-0099002", name: "Xavier Worthy", team: "KC", position: "WR", jersey: 1 },
  bufQb: { id: "00-0034857", name: "Josh Allen", team: "BUF", position: "QB", jersey: 17 },
  lineman: { id: "00-0099003", name: "Creed Humphrey", team: "KC", position: "OL", jersey: 52 },
};

beforeAll(async () => {
  await seedPlayers(OLD, [{ ...P.jose, team: "DET" }, { ...P.kcWr, team: "DET" }]);
  await seedPlayers(SEASON, Object.values(P));
  await seedDefenseRosters(SEASON, ["KC", "BUF", "DET", "SEA"]);
  user = await createUserWithToken("players-user");
  const others = [user, await createUserWithToken("players-2"), await createUserWithToken("players-3")];
  const admin = await createUserWithToken("players-admin", true);

  // First TDs of the season: Amon-Ra 2, Walker 2, DEF-KC 1, Xavier Worthy 1, Josh Allen 1; a no-TD game counts for nobody.
  const g1 = await seedMatchup(SEASON, 1, "DET", "KC");
  const g2 = await seedMatchup(SEASON, 2, "DET", "BUF");
  const g3 = await seedMatchup(SEASON, 3, "SEA", "DET");
  const g4 = await seedMatchup(SEASON, 4, "SEA", "KC");
  const g5 = await seedMatchup(SEASON, 5, "BUF", "SEA");
  const g6 = await seedMatchup(SEASON, 6, "KC", "BUF");
  const g7 = await seedMatchup(SEASON, 7, "BUF", "KC");
  const g8 = await seedMatchup(SEASON, 8, "KC", "DET");
  // Three users pick Amon-Ra in week 1: his first-TD count is about games, not picks.
  for (const u of others) await makePick(u, g1, P.amonRa.id);
  await setFirstTd(g1, { type: "player", playerId: P.amonRa.id, kind: "reception" }, admin.token);
  await setFirstTd(g2, { type: "player", playerId: P.amonRa.id, kind: "reception" }, admin.token);
  await setFirstTd(g3, { type: "player", playerId: P.walker.id, kind: "rush" }, admin.token);
  await setFirstTd(g4, { type: "defense", team: "KC", kind: "return" }, admin.token);
  await setFirstTd(g5, { type: "player", playerId: P.walker.id, kind: "rush" }, admin.token);
  await setFirstTd(g6, { type: "player", playerId: P.kcWr.id, kind: "reception" }, admin.token);
  await setFirstTd(g7, { type: "player", playerId: P.bufQb.id, kind: "rush" }, admin.token);
  await setFirstTd(g8, { type: "no_td" }, admin.token);
});

async function get(path: string) {
  const response = await api(path, { token: user.token });
  expect(response.status).toBe(200);
  return response.json;
}

const ids = (players: { id: string }[]) => players.map((p) => p.id);

describe("GET /v1/players: happy path", () => {
  it("seeded name keys are normalizePlayerName(full_name), as the importers write them", async () => {
    const rows = await env.DB.prepare("SELECT full_name, name_key FROM players WHERE id IN (?, ?, ?)").bind(P.amonRa.id, P.walker.id, P.jose.id).all<{ full_name: string; name_key: string }>();
    expect(rows.results.map((r) => r.name_key).sort()).toEqual(["amon ra st brown", "jose borregales", "kenneth walker"]);
    for (const r of rows.results) expect(r.name_key).toBe(normalizePlayerName(r.full_name));
  });

  it("lists the current rosters of the latest season by default, ordered by name, with team, position, status and jersey", async () => {
    const all = await get("/v1/players?limit=200");
    expect(all.nextCursor).toBeNull();
    expect(all.players.every((p: { season: number }) => p.season === SEASON)).toBe(true);
    expect(all.players).toContainEqual({ id: P.jose.id, fullName: "José Borregales", season: SEASON, team: "KC", position: "K", status: "ACT", jersey: 3 });
    expect(all.players).toContainEqual(expect.objectContaining({ id: "DEF-KC", team: "KC", position: "DEF" }));
    expect(all.players).toHaveLength(Object.keys(P).length + 4);
    const names = all.players.map((p: { fullName: string }) => normalizePlayerName(p.fullName));
    expect(names).toEqual([...names].sort());
  });

  it("filters by season, team (any alias) and position", async () => {
    const old = await get(`/v1/players?season=${OLD}`);
    expect(old.players.map((p: { id: string; team: string }) => [p.id, p.team])).toEqual([
      [P.jose.id, "DET"],
      [P.kcWr.id, "DET"],
    ]);
    const kc = await get(`/v1/players?team=KC`);
    expect(ids(kc.players).sort()).toEqual(["DEF-KC", P.jose.id, P.kcWr.id, P.lineman.id, P.otherWalker.id].sort());
    expect(ids((await get("/v1/players?team=Chiefs")).players)).toEqual(ids(kc.players));
    const wr = await get("/v1/players?position=WR");
    expect(ids(wr.players).sort()).toEqual([P.amonRa.id, P.chase.id, P.harrison.id, P.kcWr.id].sort());
    const bufWr = await get("/v1/players?position=WR&team=BUF");
    expect(ids(bufWr.players)).toEqual([P.chase.id, P.harrison.id]);
    expect((await get("/v1/players?season=2001")).players).toEqual([]);
  });

  it("name search ignores case, accents, punctuation and suffixes", async () => {
    const search = async (q: string) => ids((await get(`/v1/players?q=${encodeURIComponent(q)}`)).players).sort();
    expect(await search("amon ra st brown")).toEqual([P.amonRa.id]);
    expect(await search("AMON-RA ST. BROWN")).toEqual([P.amonRa.id]);
    expect(await search("St Brown")).toEqual([P.amonRa.id]);
    expect(await search("walker")).toEqual([P.walker.id, P.otherWalker.id].sort());
    expect(await search("Kenneth Walker")).toEqual([P.walker.id]);
    expect(await search("kenneth walker iii")).toEqual([P.walker.id]);
    expect(await search("jose")).toEqual([P.jose.id]);
    expect(await search("JOSÉ BORREGALES")).toEqual([P.jose.id]);
    expect(await search("jamarr chase")).toEqual([P.chase.id]);
    expect(await search("Ja'Marr")).toEqual([P.chase.id]);
    expect(await search("marvin harrison")).toEqual([P.harrison.id]);
    expect(await search("Marvin Harrison Jr")).toEqual([P.harrison.id]);
    expect(await search("chiefs defense")).toEqual(["DEF-KC"]);
    expect(await search("nobody at all")).toEqual([]);
    // LIKE wildcards in the query are literal.
    expect(await search("%")).toEqual([]);
    expect(await search("_")).toEqual([]);
    expect(ids((await get(`/v1/players?q=walker&team=SEA`)).players)).toEqual([P.walker.id]);
  });

  it("pages through the list with limit and cursor", async () => {
    const full = (await get("/v1/players?limit=200")).players;
    for (const limit of [1, 3, 5]) {
      const seen: unknown[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 100; i++) {
        const page: { players: unknown[]; nextCursor: string | null } = await get(`/v1/players?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
        expect(page.players.length).toBeLessThanOrEqual(limit);
        seen.push(...page.players);
        cursor = page.nextCursor;
        if (!cursor) break;
      }
      expect(seen).toEqual(full);
    }
  });
});

describe("GET /v1/players: errors", () => {
  it("400 validation_failed naming each bad parameter; 400 invalid_cursor", async () => {
    const bad = await api("/v1/players?position=QBX&team=Nowhere&season=1900&limit=0", { token: user.token });
    expectError(bad, 400, "validation_failed");
    expect(problemFields(bad)).toEqual(["query.limit", "query.position", "query.season", "query.team"]);
    const q = await api(`/v1/players?q=${"x".repeat(61)}`, { token: user.token });
    expect(problemFields(q)).toEqual(["query.q"]);
    // A search that normalizes to nothing would match every player: refused.
    const punctuationOnly = await api(`/v1/players?q=${encodeURIComponent(" .-' ")}`, { token: user.token });
    expect(problemFields(punctuationOnly)).toEqual(["query.q"]);
    const cursor = await api("/v1/players?cursor=definitely-not", { token: user.token });
    expectError(cursor, 400, "invalid_cursor");
  });
});

describe("GET /v1/players/{id}", () => {
  it("returns the player with every roster and the season stats", async () => {
    const jose = await get(`/v1/players/${P.jose.id}`);
    expect(jose).toMatchObject({ id: P.jose.id, fullName: "José Borregales", espnId: null, sleeperId: null, defenseTeam: null, stats: [] });
    expect(jose.rosters.map((r: { season: number; team: string }) => [r.season, r.team])).toEqual([
      [SEASON, "KC"],
      [OLD, "DET"],
    ]);
    expect(jose.rosters[0]).toEqual({ season: SEASON, team: "KC", position: "K", rawPosition: "K", status: "ACT", jersey: 3, isCurrent: true });

    const amonRa = await get(`/v1/players/${P.amonRa.id}`);
    expect(amonRa.stats).toEqual([{ season: SEASON, team: "DET", position: "WR", firstTdCount: 2, lastTdWeek: 2 }]);
    const onlyOld = await get(`/v1/players/${P.jose.id}?season=${OLD}`);
    expect(onlyOld.rosters).toHaveLength(1);
    const def = await get("/v1/players/DEF-KC");
    expect(def).toMatchObject({ id: "DEF-KC", defenseTeam: "KC", stats: [{ season: SEASON, team: "KC", position: "DEF", firstTdCount: 1, lastTdWeek: 4 }] });
  });

  it("404 player_not_found; 400 for a bad season", async () => {
    expectError(await api("/v1/players/00-0000000", { token: user.token }), 404, "player_not_found");
    const bad = await api(`/v1/players/${P.jose.id}?season=abc`, { token: user.token });
    expectError(bad, 400, "validation_failed");
    expect(problemFields(bad)).toEqual(["query.season"]);
  });
});

describe("GET /v1/player-stats", () => {
  type StatEntry = { rank: number; playerId: string; playerName: string; team: string; position: string; firstTdCount: number; lastTdWeek: number };
  const rows = (entries: StatEntry[]) => entries.map((e) => [e.playerId, e.firstTdCount, e.rank]);

  it("ranks a season's players by first-TD count with competition ranks (facts about games, not picks)", async () => {
    const stats = await get(`/v1/player-stats?season=${SEASON}`);
    expect(stats.season).toBe(SEASON);
    expect(stats.nextCursor).toBeNull();
    expect(stats.entries.slice(0, 2).map((e: StatEntry) => [e.firstTdCount, e.rank])).toEqual([
      [2, 1],
      [2, 1],
    ]);
    expect(stats.entries.slice(0, 2).map((e: StatEntry) => e.playerId).sort()).toEqual([P.amonRa.id, P.walker.id].sort());
    expect(stats.entries.slice(2).map((e: StatEntry) => [e.firstTdCount, e.rank])).toEqual([
      [1, 3],
      [1, 3],
      [1, 3],
    ]);
    expect(stats.entries.slice(2).map((e: StatEntry) => e.playerId).sort()).toEqual(["DEF-KC", P.bufQb.id, P.kcWr.id].sort());
    expect(stats.entries.find((e: StatEntry) => e.playerId === P.walker.id)).toEqual({
      rank: 1,
      playerId: P.walker.id,
      playerName: "Kenneth Walker III",
      team: "SEA",
      position: "RB",
      firstTdCount: 2,
      lastTdWeek: 5,
    });
    expect((await get(`/v1/player-stats?season=${OLD}`)).entries).toEqual([]);
  });

  it("filters by position and team (any alias)", async () => {
    const wr = await get(`/v1/player-stats?season=${SEASON}&position=WR`);
    expect(rows(wr.entries)).toEqual([
      [P.amonRa.id, 2, 1],
      [P.kcWr.id, 1, 2],
    ]);
    const kc = await get(`/v1/player-stats?season=${SEASON}&team=Chiefs`);
    expect(rows(kc.entries).sort()).toEqual(
      [
        ["DEF-KC", 1, 1],
        [P.kcWr.id, 1, 1],
      ].sort(),
    );
    expect(rows((await get(`/v1/player-stats?season=${SEASON}&team=KC&position=DEF`)).entries)).toEqual([["DEF-KC", 1, 1]]);
    expect((await get(`/v1/player-stats?season=${SEASON}&position=TE`)).entries).toEqual([]);
  });

  it("paginates with continuous ranks, a tie group split across pages keeping its rank", async () => {
    const full = (await get(`/v1/player-stats?season=${SEASON}&limit=200`)).entries;
    expect(full).toHaveLength(5);
    for (const limit of [1, 2, 3]) {
      const pages: StatEntry[][] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 20; i++) {
        const page: { entries: StatEntry[]; nextCursor: string | null } = await get(
          `/v1/player-stats?season=${SEASON}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
        );
        pages.push(page.entries);
        cursor = page.nextCursor;
        if (!cursor) break;
      }
      expect(pages.flat()).toEqual(full);
      if (limit === 2) expect(pages.map((p) => p.map((e) => e.rank))).toEqual([[1, 1], [3, 3], [3]]);
    }
  });

  it("400: season required, bad filters named, invalid cursor", async () => {
    const missing = await api("/v1/player-stats", { token: user.token });
    expectError(missing, 400, "validation_failed");
    expect(problemFields(missing)).toEqual(["query.season"]);
    const bad = await api(`/v1/player-stats?season=${SEASON}&position=XX&team=YY`, { token: user.token });
    expect(problemFields(bad)).toEqual(["query.position", "query.team"]);
    expectError(await api(`/v1/player-stats?season=${SEASON}&cursor=abc`, { token: user.token }), 400, "invalid_cursor");
  });
});
