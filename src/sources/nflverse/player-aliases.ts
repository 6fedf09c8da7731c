import { normalizePlayerName } from "../../domain/names";
import { cell, parseCsv } from "../csv";

/**
 * nflverse's clean_player_names.csv (nflreadr data-raw): one row per other spelling of a player's name,
 * `correct_name,alt_name`. "Correct" is nflverse's choice, not always the roster's (the 2025 roster spells
 * 'Gabe Davis', the list's correct name is 'Gabriel Davis'), so the rows are links between spellings, stored
 * by name key (normalizePlayerName).
 */

export const PLAYER_ALIAS_COLUMNS = ["correct_name", "alt_name"] as const;

export interface PlayerAlias {
  aliasKey: string;
  canonicalKey: string;
  aliasName: string;
  canonicalName: string;
}

export interface RejectedAliasRow {
  line: number;
  correctName?: string;
  altName?: string;
  reason: string;
}

/** A row with nothing to add: it repeats an earlier link, or both names already share a key. */
export interface DroppedAliasRow {
  line: number;
  correctName: string;
  altName: string;
  reason: string;
}

export interface ParsedPlayerAliases {
  aliases: PlayerAlias[];
  rejected: RejectedAliasRow[];
  dropped: DroppedAliasRow[];
}

/** The links of the alias list; throws CsvInputError when the body is not a trustworthy CSV with both columns. */
export function parsePlayerAliases(csvText: string): ParsedPlayerAliases {
  const table = parseCsv(csvText, PLAYER_ALIAS_COLUMNS);
  const aliases: PlayerAlias[] = [];
  const rejected: RejectedAliasRow[] = table.badRows.map((bad) => ({ line: bad.line, reason: bad.reason }));
  const dropped: DroppedAliasRow[] = [];
  const firstLineOf = new Map<string, { line: number; correctName: string; altName: string }>();

  for (const row of table.rows) {
    const correctName = cell(row, "correct_name");
    const altName = cell(row, "alt_name");
    const canonicalKey = normalizePlayerName(correctName);
    const aliasKey = normalizePlayerName(altName);
    const missing = [nameProblem("correct_name", correctName, canonicalKey), nameProblem("alt_name", altName, aliasKey)].filter(
      (problem) => problem !== null,
    );
    if (missing.length > 0) {
      rejected.push({ line: row.line, correctName, altName, reason: missing.join("; ") });
      continue;
    }
    if (aliasKey === canonicalKey) {
      dropped.push({ line: row.line, correctName, altName, reason: `both names have the key '${aliasKey}'` });
      continue;
    }
    const link = `${aliasKey}|${canonicalKey}`;
    const first = firstLineOf.get(link);
    if (first) {
      const same = first.correctName === correctName && first.altName === altName;
      dropped.push({ line: row.line, correctName, altName, reason: `${same ? "repeats" : "has the keys of"} line ${first.line}` });
      continue;
    }
    firstLineOf.set(link, { line: row.line, correctName, altName });
    aliases.push({ aliasKey, canonicalKey, aliasName: altName, canonicalName: correctName });
  }
  return { aliases, rejected, dropped };
}

function nameProblem(column: string, name: string, key: string): string | null {
  if (name === "") return `${column} is blank`;
  return key === "" ? `${column} '${name}' has no letters` : null;
}
