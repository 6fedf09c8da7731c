import { normalizePlayerName } from "../domain/names";

/**
 * Players by name, for the places that have a name and no id (a scorer in a play's text, a market's leg).
 * A name stands for its key (normalizePlayerName) and the keys of its alias group in player_name_aliases
 * (nflverse's clean_player_names.csv, refreshed by roster-sync). The group of a key k: k itself, the canonical
 * keys of the links whose alias is k, and every alias of k or of one of those canonical keys. So 'Gabe Davis'
 * and 'Gabriel Davis' find each other whichever of the two the list calls correct, and two nicknames of one
 * canonical name find each other too. A name matches only together with a team, and only when one player fits.
 */

export interface NamedPlayer {
  id: string;
  fullName: string;
}

type Preparer = { prepare(query: string): D1PreparedStatement };

/**
 * The players (each once) with a roster row of `team` in `season` (current or not) whose name key is in the alias
 * group of `name`'s key, found through players_name_key_idx: a few rows read, not the season's roster. Take the
 * match only when exactly one row comes back (see uniqueMatch).
 */
export function playersNamedStatement(db: Preparer, args: { name: string; season: number; team: string }): D1PreparedStatement {
  return db
    .prepare(
      `WITH heads(key) AS (
         SELECT ?1 UNION SELECT canonical_key FROM player_name_aliases WHERE alias_key = ?1
       ),
       group_keys(key) AS (
         SELECT key FROM heads UNION SELECT alias_key FROM player_name_aliases WHERE canonical_key IN (SELECT key FROM heads)
       )
       SELECT p.id, p.full_name AS fullName FROM players p
       WHERE p.name_key IN (SELECT key FROM group_keys)
         AND EXISTS (SELECT 1 FROM rosters r WHERE r.player_id = p.id AND r.season = ?2 AND r.team = ?3)
       ORDER BY p.id`,
    )
    .bind(normalizePlayerName(args.name), args.season, args.team);
}

/** The one row of a name match, or null when none or several fit (a name match that is not unique is no match). */
export function uniqueMatch<T>(rows: readonly T[]): T | null {
  return rows.length === 1 ? rows[0]! : null;
}

/** One member of a key's alias group (the key itself included); rows of aliasGroupsStatement. */
export interface AliasGroupMember {
  key: string;
  member: string;
}

/**
 * Every key of player_name_aliases with the members of its group, the same groups playersNamedStatement uses,
 * for a job that matches many names at once (market-sync): one statement instead of one per name.
 */
export function aliasGroupsStatement(db: Preparer): D1PreparedStatement {
  return db.prepare(
    `WITH heads(key, head) AS (
       SELECT alias_key, alias_key FROM player_name_aliases
       UNION SELECT canonical_key, canonical_key FROM player_name_aliases
       UNION SELECT alias_key, canonical_key FROM player_name_aliases
     )
     SELECT key, head AS member FROM heads
     UNION SELECT h.key, a.alias_key FROM heads h JOIN player_name_aliases a ON a.canonical_key = h.head
     ORDER BY key, member`,
  );
}

/** The rows of aliasGroupsStatement as a map from a key to the keys of its group (itself included). */
export function aliasGroupsOf(rows: readonly AliasGroupMember[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const { key, member } of rows) {
    const group = groups.get(key);
    if (group) group.push(member);
    else groups.set(key, [member]);
  }
  return groups;
}
