import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { normalizePlayerName } from "../../src/domain/names";
import { aliasGroupsOf, aliasGroupsStatement, playersNamedStatement, uniqueMatch, type AliasGroupMember, type NamedPlayer } from "../../src/services/player-names";
import { parsePlayerAliases } from "../../src/sources/nflverse/player-aliases";
import excerptCsv from "../fixtures/nflverse/clean_player_names_excerpt.csv?raw";

/**
 * Players by name through D1: the alias list is the real-format excerpt plus two more rows of the real file
 * (Jon Brown, Chris Smith) and one made-up row (a second nickname of Patrick Mahomes, to show that two aliases
 * of one canonical name find each other). Names are spelled as the 2025 roster spells them.
 */

const SEASON = 2025;
const ALIAS_CSV = `${excerptCsv}Jon Brown,Jonathan Brown\r\nChris Smith,Christopher Smith\r\nPatrick Mahomes,Patty Mahomes\r\n`;

interface Seeded {
  id: string;
  name: string;
  team: string;
  season?: number;
  isCurrent?: 0 | 1;
}

const PLAYERS: Seeded[] = [
  { id: "00-BUF-GD", name: "Gabe Davis", team: "BUF" },
  // Another team's player of one of the names: never matched for BUF, and BUF's never for JAX.
  { id: "00-JAX-GD", name: "Gabriel Davis", team: "JAX" },
  { id: "00-HOU-TD", name: "Tank Dell", team: "HOU" },
  // Okonkwo left Tennessee during the season: his TEN row is no longer current, and still counts for TEN.
  { id: "00-TEN-CO", name: "Chig Okonkwo", team: "TEN", isCurrent: 0 },
  { id: "00-TEN-CO", name: "Chig Okonkwo", team: "WAS" },
  { id: "00-KC-PM", name: "Pat Mahomes", team: "KC" },
  // Two players of one alias group on one team: no match.
  { id: "00-NYG-JB", name: "Jon Brown", team: "NYG" },
  { id: "00-NYG-JNB", name: "Jonathan Brown", team: "NYG" },
  // Two players of the same name on one team: no match either.
  { id: "00-CLE-MW1", name: "Mike Williams", team: "CLE" },
  { id: "00-CLE-MW2", name: "Mike Williams", team: "CLE" },
  // A player of a group whose roster row is of another season.
  { id: "00-ARI-CS", name: "Chris Smith", team: "ARI", season: 2024 },
];

async function seed() {
  const { aliases } = parsePlayerAliases(ALIAS_CSV);
  const statements = aliases.map((a) =>
    env.DB.prepare(
      "INSERT INTO player_name_aliases (alias_key, canonical_key, alias_name, canonical_name, updated_at) VALUES (?, ?, ?, ?, '2025-08-20T09:00:00Z')",
    ).bind(a.aliasKey, a.canonicalKey, a.aliasName, a.canonicalName),
  );
  for (const p of PLAYERS) {
    statements.push(
      env.DB.prepare("INSERT OR IGNORE INTO players (id, full_name, name_key) VALUES (?, ?, ?)").bind(p.id, p.name, normalizePlayerName(p.name)),
      env.DB.prepare(
        "INSERT INTO rosters (season, player_id, player_name, team, position, raw_position, is_current) VALUES (?, ?, ?, ?, 'WR', 'WR', ?)",
      ).bind(p.season ?? SEASON, p.id, p.name, p.team, p.isCurrent ?? 1),
    );
  }
  await env.DB.batch(statements);
}

async function named(name: string, team: string, season = SEASON): Promise<NamedPlayer[]> {
  return (await playersNamedStatement(env.DB, { name, season, team }).all<NamedPlayer>()).results;
}

const ids = async (name: string, team: string, season = SEASON) => (await named(name, team, season)).map((p) => p.id);

beforeAll(seed);

describe("playersNamedStatement", () => {
  it("finds Gabe Davis by either spelling: the roster spells the list's alt name", async () => {
    expect(await named("Gabriel Davis", "BUF")).toEqual([{ id: "00-BUF-GD", fullName: "Gabe Davis" }]);
    expect(await named("Gabe Davis", "BUF")).toEqual([{ id: "00-BUF-GD", fullName: "Gabe Davis" }]);
    // Spelling variants of the name itself still normalize to its key.
    expect(await ids("GABRIEL DAVIS.", "BUF")).toEqual(["00-BUF-GD"]);
  });

  it("finds Tank Dell by his given name: the roster spells the list's correct name", async () => {
    expect(await ids("Nathaniel Dell", "HOU")).toEqual(["00-HOU-TD"]);
    expect(await ids("Tank Dell", "HOU")).toEqual(["00-HOU-TD"]);
  });

  it("finds Chig Okonkwo by either spelling, through a roster row that is no longer current", async () => {
    expect(await ids("Chigoziem Okonkwo", "TEN")).toEqual(["00-TEN-CO"]);
    expect(await ids("Chig Okonkwo", "WAS")).toEqual(["00-TEN-CO"]);
    expect(await ids("Chigoziem Okonkwo", "TEN", 2024)).toEqual([]);
  });

  it("finds a player by another alias of his canonical name", async () => {
    expect(await ids("Patty Mahomes", "KC")).toEqual(["00-KC-PM"]);
    expect(await ids("Patrick Mahomes", "KC")).toEqual(["00-KC-PM"]);
  });

  it("returns every player of the group on the team, so that the caller sees the name is not unique", async () => {
    const jonBrowns = await named("Jonathan Brown", "NYG");
    expect(jonBrowns.map((p) => p.id)).toEqual(["00-NYG-JB", "00-NYG-JNB"]);
    expect(uniqueMatch(jonBrowns)).toBeNull();
    expect(uniqueMatch(await named("Jon Brown", "NYG"))).toBeNull();
    const williamses = await named("Mike Williams", "CLE");
    expect(williamses).toHaveLength(2);
    expect(uniqueMatch(williamses)).toBeNull();
  });

  it("never matches a player of another team or another season", async () => {
    expect(await ids("Gabe Davis", "JAX")).toEqual(["00-JAX-GD"]);
    expect(await ids("Gabriel Davis", "MIA")).toEqual([]);
    expect(await ids("Tank Dell", "BUF")).toEqual([]);
    expect(await ids("Christopher Smith", "ARI")).toEqual([]);
    expect(await ids("Christopher Smith", "ARI", 2024)).toEqual(["00-ARI-CS"]);
  });

  it("matches nobody for a name of no player, or no name", async () => {
    expect(await ids("Nobody Atall", "BUF")).toEqual([]);
    expect(await ids("", "BUF")).toEqual([]);
  });
});

describe("uniqueMatch", () => {
  it("takes the one row, or none", () => {
    expect(uniqueMatch([{ id: "a" }])).toEqual({ id: "a" });
    expect(uniqueMatch([])).toBeNull();
    expect(uniqueMatch([{ id: "a" }, { id: "b" }])).toBeNull();
  });
});

describe("aliasGroupsStatement", () => {
  it("gives each key of the list its group, itself included", async () => {
    const groups = aliasGroupsOf((await aliasGroupsStatement(env.DB).all<AliasGroupMember>()).results);
    expect(groups.get("gabe davis")).toEqual(["gabe davis", "gabriel davis"]);
    expect(groups.get("gabriel davis")).toEqual(["gabe davis", "gabriel davis"]);
    expect(groups.get("patty mahomes")).toEqual(["pat mahomes", "patrick mahomes", "patty mahomes"]);
    expect(groups.get("tank bigsby")).toBeUndefined();
  });

  it("holds the same groups as playersNamedStatement, key by key", async () => {
    const groups = aliasGroupsOf((await aliasGroupsStatement(env.DB).all<AliasGroupMember>()).results);
    // One player per key of the list, all on one team of a season of their own.
    const keys = [...groups.keys()];
    await env.DB.batch(
      keys.flatMap((key, i) => [
        env.DB.prepare("INSERT INTO players (id, full_name, name_key) VALUES (?, ?, ?)").bind(`K-${i}`, key, key),
        env.DB.prepare(
          "INSERT INTO rosters (season, player_id, player_name, team, position, raw_position, is_current) VALUES (1999, ?, ?, 'ARI', 'WR', 'WR', 1)",
        ).bind(`K-${i}`, key),
      ]),
    );
    for (const key of keys) {
      const found = await named(key, "ARI", 1999);
      expect(found.map((p) => p.fullName).sort(), key).toEqual(groups.get(key));
    }
  });
});

describe("the cost of a lookup", () => {
  it("starts from the name key's index and checks the roster row by its unique key, never scanning a table", async () => {
    const explain = { prepare: (query: string) => env.DB.prepare(`EXPLAIN QUERY PLAN ${query}`) };
    const { results } = await playersNamedStatement(explain, { name: "Gabe Davis", season: SEASON, team: "BUF" }).all<{ detail: string }>();
    const detail = results.map((r) => r.detail).join("\n");
    expect(detail).toMatch(/SEARCH p USING INDEX players_name_key_idx \(name_key=\?\)/);
    expect(detail).toMatch(/SEARCH r USING COVERING INDEX rosters_season_player_team_unique \(season=\? AND player_id=\? AND team=\?\)/);
    expect(detail).not.toMatch(/SCAN (p|r|players|rosters|player_name_aliases)\b/);
  });
});
