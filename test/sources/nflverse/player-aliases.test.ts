import { describe, expect, it } from "vitest";
import { CsvInputError } from "../../../src/sources/csv";
import { parsePlayerAliases } from "../../../src/sources/nflverse/player-aliases";
import excerptCsv from "../../fixtures/nflverse/clean_player_names_excerpt.csv?raw";

/**
 * nflreadr's clean_player_names.csv: test/fixtures/nflverse/clean_player_names_excerpt.csv holds 15 real rows
 * (CRLF line ends as served), among them the row with a space after the comma, the repeated HaHa Clinton-Dix and
 * the rows that differ only in case or suffix. The whole real file is checked when ../shared/data is present.
 */
const REAL_FILE = "../../../../shared/data/nflverse/clean_player_names.csv";
const realFiles = import.meta.glob<string>("../../../../shared/data/nflverse/clean_player_names.csv", { query: "?raw", import: "default" });
const loadRealFile = realFiles[REAL_FILE];

describe("parsePlayerAliases on the real format", () => {
  const parsed = parsePlayerAliases(excerptCsv);

  it("reads each row as a link from the alt name's key to the correct name's key, names trimmed", () => {
    expect(parsed.rejected).toEqual([]);
    expect(parsed.aliases).toHaveLength(11);
    expect(parsed.aliases).toContainEqual({
      aliasKey: "gabe davis",
      canonicalKey: "gabriel davis",
      aliasName: "Gabe Davis",
      canonicalName: "Gabriel Davis",
    });
    expect(parsed.aliases).toContainEqual({
      aliasKey: "foye oluokun",
      canonicalKey: "foyesade oluokun",
      aliasName: "Foye Oluokun",
      canonicalName: "Foyesade Oluokun",
    });
    expect(parsed.aliases.find((a) => a.canonicalName === "Chigoziem Okonkwo")).toMatchObject({ aliasKey: "chig okonkwo" });
  });

  it("drops the rows that add nothing: names of one key, a link already read", () => {
    expect(parsed.dropped).toEqual([
      { line: 3, correctName: "CreVon LeBlanc", altName: "Crevon LeBlanc", reason: "both names have the key 'crevon leblanc'" },
      { line: 5, correctName: "Gary Jennings", altName: "Gary Jennings Jr", reason: "both names have the key 'gary jennings'" },
      { line: 7, correctName: "HaHa Clinton-Dix", altName: "HaSean Clinton-Dix", reason: "has the keys of line 6" },
      { line: 12, correctName: "Demario Davis", altName: "DeMario Davis", reason: "both names have the key 'demario davis'" },
    ]);
    // The first spelling of a repeated link is kept.
    expect(parsed.aliases.filter((a) => a.canonicalKey === "haha clinton dix")).toEqual([
      { aliasKey: "hasean clinton dix", canonicalKey: "haha clinton dix", aliasName: "Hasean Clinton-Dix", canonicalName: "HaHa Clinton-Dix" },
    ]);
  });
});

describe("parsePlayerAliases: bad rows", () => {
  const text = [
    "correct_name,alt_name",
    "Tank Dell,Nathaniel Dell",
    ",Nobody Here",
    "Somebody There,  ",
    "Chigoziem Okonkwo,.",
    "Tank Dell,Nathaniel Dell",
    "Too,Many,Fields",
    "Cam Ward,Cameron Ward",
    "",
  ].join("\n");
  const parsed = parsePlayerAliases(text);

  it("rejects a row missing a name, with the reason, and keeps the good rows", () => {
    expect(parsed.rejected).toEqual([
      { line: 7, reason: "expected 2 fields, found 3" },
      { line: 3, correctName: "", altName: "Nobody Here", reason: "correct_name is blank" },
      { line: 4, correctName: "Somebody There", altName: "", reason: "alt_name is blank" },
      { line: 5, correctName: "Chigoziem Okonkwo", altName: ".", reason: "alt_name '.' has no letters" },
    ]);
    expect(parsed.aliases.map((a) => a.aliasName)).toEqual(["Nathaniel Dell", "Cameron Ward"]);
  });

  it("drops an exact duplicate", () => {
    expect(parsed.dropped).toEqual([{ line: 6, correctName: "Tank Dell", altName: "Nathaniel Dell", reason: "repeats line 2" }]);
  });

  it("refuses a body that is not the list", () => {
    expect(() => parsePlayerAliases("<!DOCTYPE html><html></html>")).toThrow(CsvInputError);
    expect(() => parsePlayerAliases("name,other\nA,B\n")).toThrow(/missing required column\(s\): correct_name, alt_name/);
    expect(() => parsePlayerAliases("correct_name,alt_name\n")).toThrow(CsvInputError);
  });
});

describe.skipIf(loadRealFile === undefined)("parsePlayerAliases on the whole real file", () => {
  it("reads its 150 rows: none rejected, links unique, no link from a key to itself", async () => {
    const parsed = parsePlayerAliases(await loadRealFile!());
    expect(parsed.rejected).toEqual([]);
    expect(parsed.aliases.length + parsed.dropped.length).toBe(150);
    expect(new Set(parsed.aliases.map((a) => `${a.aliasKey}|${a.canonicalKey}`)).size).toBe(parsed.aliases.length);
    expect(parsed.aliases.filter((a) => a.aliasKey === a.canonicalKey)).toEqual([]);
    expect(parsed.aliases).toContainEqual(expect.objectContaining({ aliasKey: "nathaniel dell", canonicalKey: "tank dell" }));
  });
});
