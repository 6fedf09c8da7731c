import { TEAMS } from "../domain/teams";
import { isPickablePosition } from "../domain/positions";
import { nowIso } from "../lib/clock";
import { CsvInputError } from "../sources/csv";
import { UpstreamError } from "../sources/http";
import { fetchPlayerAliasesCsv, fetchRosterCsv, nflversePlayerAliasesUrl } from "../sources/nflverse/client";
import { parsePlayerAliases, type ParsedPlayerAliases, type PlayerAlias } from "../sources/nflverse/player-aliases";
import { parseRoster, type RosterPlayer } from "../sources/nflverse/roster";
import { chunk, rowsPerStatement, type MeteredD1 } from "./d1-meter";
import { firstFew, upstreamOptions, type JobContext, type JobOutcome } from "./job";

const DEFAULT_NFLVERSE_BASE_URL = "https://github.com/nflverse";

interface StoredPlayer {
  id: string;
  fullName: string;
  nameKey: string;
  espnId: string | null;
  sleeperId: string | null;
  birthDate: string | null;
  isFallbackId: number;
}

interface StoredRosterRow {
  playerId: string;
  team: string;
  position: string | null;
  rawPosition: string | null;
  depthChartPosition: string | null;
  status: string;
  jersey: number | null;
  isCurrent: number;
  playerName: string;
}

/** The season roster as D1 holds it now, keyed for comparison with the file. */
async function loadStored(db: MeteredD1, season: number) {
  const players = await db.all<StoredPlayer>(
    db.prepare(
      `SELECT id, full_name AS fullName, name_key AS nameKey, espn_id AS espnId, sleeper_id AS sleeperId,
         birth_date AS birthDate, is_fallback_id AS isFallbackId FROM players WHERE defense_team IS NULL`,
    ),
  );
  const rosterRows = await db.all<StoredRosterRow>(
    db
      .prepare(
        `SELECT player_id AS playerId, team, position, raw_position AS rawPosition, depth_chart_position AS depthChartPosition,
           status, jersey, is_current AS isCurrent, player_name AS playerName FROM rosters WHERE season = ?`,
      )
      .bind(season),
  );
  return {
    players: new Map(players.map((p) => [p.id, p])),
    rosterRows: new Map(rosterRows.map((r) => [`${r.playerId}|${r.team}`, r])),
    currentTeam: new Map(rosterRows.filter((r) => r.isCurrent === 1).map((r) => [r.playerId, r.team])),
  };
}

function playerChanged(stored: StoredPlayer, incoming: RosterPlayer): boolean {
  return (
    stored.fullName !== incoming.fullName ||
    stored.nameKey !== incoming.nameKey ||
    stored.espnId !== incoming.espnId ||
    stored.sleeperId !== incoming.sleeperId ||
    stored.birthDate !== incoming.birthDate
  );
}

function rosterChanged(stored: StoredRosterRow, incoming: RosterPlayer): boolean {
  return (
    stored.position !== incoming.position ||
    stored.rawPosition !== incoming.rawPosition ||
    stored.depthChartPosition !== incoming.depthChartPosition ||
    stored.status !== (incoming.status ?? "ACT") ||
    stored.jersey !== incoming.jersey ||
    stored.playerName !== incoming.fullName ||
    stored.isCurrent !== 1
  );
}

/** ESPN ids are unique among players: a row whose ESPN id belongs to another player keeps its other data. */
function espnIdConflicts(players: RosterPlayer[], stored: Map<string, StoredPlayer>) {
  const owner = new Map<string, string>();
  for (const p of stored.values()) if (p.espnId) owner.set(p.espnId, p.id);
  const conflicts: { playerId: string; espnId: string; ownedBy: string }[] = [];
  for (const p of players) {
    if (!p.espnId) continue;
    const current = owner.get(p.espnId);
    if (current && current !== p.id) {
      conflicts.push({ playerId: p.id, espnId: p.espnId, ownedBy: current });
      p.espnId = null;
    } else {
      owner.set(p.espnId, p.id);
    }
  }
  return conflicts;
}

const PLAYER_COLUMNS = 8;
const ROSTER_COLUMNS = 11;

function upsertPlayers(db: MeteredD1, players: RosterPlayer[], now: string): D1PreparedStatement[] {
  return chunk(players, rowsPerStatement(PLAYER_COLUMNS)).map((rows) =>
    db
      .prepare(
        `INSERT INTO players (id, full_name, name_key, espn_id, sleeper_id, birth_date, is_fallback_id, updated_at)
         VALUES ${rows.map(() => "(?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}
         ON CONFLICT (id) DO UPDATE SET full_name = excluded.full_name, name_key = excluded.name_key,
           espn_id = excluded.espn_id, sleeper_id = excluded.sleeper_id, birth_date = excluded.birth_date,
           updated_at = excluded.updated_at`,
      )
      .bind(...rows.flatMap((p) => [p.id, p.fullName, p.nameKey, p.espnId, p.sleeperId, p.birthDate, p.isFallbackId ? 1 : 0, now])),
  );
}

interface RosterRowWrite {
  playerId: string;
  playerName: string;
  team: string;
  position: string | null;
  rawPosition: string | null;
  depthChartPosition: string | null;
  status: string;
  jersey: number | null;
}

function upsertRosterRows(db: MeteredD1, season: number, rows: RosterRowWrite[], now: string): D1PreparedStatement[] {
  return chunk(rows, rowsPerStatement(ROSTER_COLUMNS)).map((part) =>
    db
      .prepare(
        `INSERT INTO rosters (season, player_id, player_name, team, position, raw_position, depth_chart_position, status, jersey, is_current, updated_at)
         VALUES ${part.map(() => "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}
         ON CONFLICT (season, player_id, team) DO UPDATE SET player_name = excluded.player_name, position = excluded.position,
           raw_position = excluded.raw_position, depth_chart_position = excluded.depth_chart_position, status = excluded.status,
           jersey = excluded.jersey, is_current = 1, updated_at = excluded.updated_at`,
      )
      .bind(
        ...part.flatMap((r) => [season, r.playerId, r.playerName, r.team, r.position, r.rawPosition, r.depthChartPosition, r.status, r.jersey, 1, now]),
      ),
  );
}

/** Players who moved: their row for the team they left stops being current (it stays for history). */
function retireMovedRows(db: MeteredD1, season: number, moves: { playerId: string; fromTeam: string }[], now: string) {
  return chunk(moves, 45).map((part) =>
    db
      .prepare(
        `UPDATE rosters SET is_current = 0, updated_at = ? WHERE season = ? AND is_current = 1 AND (player_id, team) IN (VALUES ${part
          .map(() => "(?, ?)")
          .join(", ")})`,
      )
      .bind(now, season, ...part.flatMap((m) => [m.playerId, m.fromTeam])),
  );
}

function defenseRows(): RosterRowWrite[] {
  return TEAMS.map((team) => ({
    playerId: `DEF-${team.code}`,
    playerName: `${team.name} Defense`,
    team: team.code,
    position: "DEF",
    rawPosition: "DEF",
    depthChartPosition: null,
    status: "ACT",
    jersey: null,
  }));
}

/**
 * Daily: the nflverse roster of the season -> players and rosters, and nflverse's list of other spellings of
 * players' names -> player_name_aliases. Only what differs from D1 is written, all in one atomic batch, so an
 * unchanged file writes nothing and a failed run changes nothing. The roster is required; the alias list is not:
 * when it cannot be read, the rosters land, the stored aliases stay as they were and the run is partial.
 */
export async function rosterSync(ctx: JobContext): Promise<JobOutcome> {
  const base = ctx.env.NFLVERSE_BASE_URL || DEFAULT_NFLVERSE_BASE_URL;
  ctx.progress(`roster-sync ${ctx.season}: downloading roster_${ctx.season}.csv`);
  const csv = await fetchRosterCsv(base, ctx.season, upstreamOptions(ctx));
  const parsed = parseRoster(csv, ctx.season);
  ctx.progress(`roster-sync ${ctx.season}: ${parsed.players.length} players parsed, ${parsed.rejected.length} rows rejected`);

  const stored = await loadStored(ctx.db, ctx.season);
  const espnConflicts = espnIdConflicts(parsed.players, stored.players);
  const now = nowIso(ctx.now);

  const playerWrites: RosterPlayer[] = [];
  const rosterWrites: RosterRowWrite[] = [];
  const moves: { playerId: string; fromTeam: string }[] = [];
  let inserted = 0;
  let updated = 0;
  let unchanged = 0;

  for (const player of parsed.players) {
    const storedPlayer = stored.players.get(player.id);
    const storedRow = stored.rosterRows.get(`${player.id}|${player.team}`);
    const previousTeam = stored.currentTeam.get(player.id);
    const playerIsNew = !storedPlayer;
    const playerDiffers = storedPlayer !== undefined && playerChanged(storedPlayer, player);
    const rowDiffers = !storedRow || rosterChanged(storedRow, player);
    const moved = previousTeam !== undefined && previousTeam !== player.team;

    if (playerIsNew || playerDiffers) playerWrites.push(player);
    if (rowDiffers) {
      rosterWrites.push({
        playerId: player.id,
        playerName: player.fullName,
        team: player.team,
        position: player.position,
        rawPosition: player.rawPosition,
        depthChartPosition: player.depthChartPosition,
        status: player.status ?? "ACT",
        jersey: player.jersey,
      });
    }
    if (moved) moves.push({ playerId: player.id, fromTeam: previousTeam });

    if (!storedRow) inserted++;
    else if (playerDiffers || rowDiffers || moved) updated++;
    else unchanged++;
  }

  const aliasRefresh = await refreshAliases(ctx, base, now);

  const missingDefense = defenseRows().filter((row) => !stored.rosterRows.has(`${row.playerId}|${row.team}`));
  const statements = [
    ...upsertPlayers(ctx.db, playerWrites, now),
    ...retireMovedRows(ctx.db, ctx.season, moves, now),
    ...upsertRosterRows(ctx.db, ctx.season, [...rosterWrites, ...missingDefense], now),
    ...refreshStatPositions(ctx.db, ctx.season, now),
    ...aliasRefresh.statements,
  ];
  ctx.progress(
    `roster-sync ${ctx.season}: writing ${playerWrites.length} players, ${rosterWrites.length} roster rows, ${moves.length} moves, ` +
      `${aliasRefresh.writes} name aliases`,
  );
  await ctx.db.batch(statements);

  const activeSkillWithoutPosition = parsed.players.filter(
    (p) => p.status === "ACT" && p.position === null && ["QB", "RB", "WR", "TE", "K", "FB"].includes((p.rawPosition ?? "").toUpperCase()),
  );
  return {
    read: parsed.players.length + parsed.rejected.length,
    inserted,
    updated,
    unchanged,
    // Rejected alias rows count, and an alias list that could not be read counts as one: the run is partial.
    rejected: parsed.rejected.length + aliasRefresh.rejected,
    details: {
      rejectedRows: firstFew(parsed.rejected),
      playersWithoutGsisId: parsed.missingGsisIds.length,
      playersWithoutGsisIdSample: firstFew(parsed.missingGsisIds),
      moves: moves.length,
      espnIdConflicts: firstFew(espnConflicts),
      defenseRowsAdded: missingDefense.length,
      pickablePlayers: parsed.players.filter((p) => p.status === "ACT" && isPickablePosition(p.position)).length,
      activeSkillPlayersWithoutPosition: activeSkillWithoutPosition.length,
      playerAliases: aliasRefresh.details,
    },
  };
}

/** player_stats rows of the season take the position of their player's roster row, when it differs. */
function refreshStatPositions(db: MeteredD1, season: number, now: string): D1PreparedStatement[] {
  const rosterPosition = `coalesce(
    (SELECT r.position FROM rosters r WHERE r.player_id = player_stats.player_id AND r.season = player_stats.season AND r.team = player_stats.team),
    (SELECT r.position FROM rosters r WHERE r.player_id = player_stats.player_id AND r.season = player_stats.season AND r.is_current = 1))`;
  return [
    db
      .prepare(
        `UPDATE player_stats SET position = ${rosterPosition}, updated_at = ?1
         WHERE season = ?2 AND player_id IS NOT NULL AND ${rosterPosition} IS NOT NULL AND position IS NOT ${rosterPosition}`,
      )
      .bind(now, season),
  ];
}

// ---------------------------------------------------------------------------------------------
// Name aliases (clean_player_names.csv -> player_name_aliases)
// ---------------------------------------------------------------------------------------------

interface AliasRefresh {
  statements: D1PreparedStatement[];
  /** Rows inserted, updated or deleted. */
  writes: number;
  /** Rejected alias rows, plus one when the list could not be read at all. */
  rejected: number;
  details: Record<string, unknown>;
}

const ALIAS_COLUMNS = 5;
const aliasLink = (alias: Pick<PlayerAlias, "aliasKey" | "canonicalKey">) => `${alias.aliasKey}|${alias.canonicalKey}`;

/** The alias list, or why it cannot be used; only the upstream's and the file's own faults are caught. */
async function downloadAliases(ctx: JobContext, base: string): Promise<ParsedPlayerAliases | { error: string }> {
  try {
    const parsed = parsePlayerAliases(await fetchPlayerAliasesCsv(base, upstreamOptions(ctx)));
    if (parsed.aliases.length === 0) return { error: `no usable row in ${nflversePlayerAliasesUrl(base)}` };
    return parsed;
  } catch (error) {
    if (error instanceof UpstreamError || error instanceof CsvInputError) return { error: `${error.name}: ${error.message}` };
    throw error;
  }
}

/**
 * The statements that make player_name_aliases equal the list: links no longer listed are deleted, new links and
 * links whose spellings changed are upserted, nothing else is touched (an unchanged list writes nothing).
 */
async function refreshAliases(ctx: JobContext, base: string, now: string): Promise<AliasRefresh> {
  ctx.progress(`roster-sync ${ctx.season}: downloading clean_player_names.csv`);
  const file = await downloadAliases(ctx, base);
  if ("error" in file) {
    ctx.progress(`roster-sync ${ctx.season}: name aliases not refreshed (${file.error})`);
    return { statements: [], writes: 0, rejected: 1, details: { refreshed: false, error: file.error } };
  }

  const stored = await ctx.db.all<PlayerAlias>(
    ctx.db.prepare(
      `SELECT alias_key AS aliasKey, canonical_key AS canonicalKey, alias_name AS aliasName, canonical_name AS canonicalName
       FROM player_name_aliases`,
    ),
  );
  const storedByLink = new Map(stored.map((alias) => [aliasLink(alias), alias]));
  const listed = new Set(file.aliases.map(aliasLink));
  const inserts = file.aliases.filter((alias) => !storedByLink.has(aliasLink(alias)));
  const updates = file.aliases.filter((alias) => {
    const before = storedByLink.get(aliasLink(alias));
    return before !== undefined && (before.aliasName !== alias.aliasName || before.canonicalName !== alias.canonicalName);
  });
  const deletes = stored.filter((alias) => !listed.has(aliasLink(alias)));

  return {
    statements: [...deleteAliases(ctx.db, deletes), ...upsertAliases(ctx.db, [...inserts, ...updates], now)],
    writes: inserts.length + updates.length + deletes.length,
    rejected: file.rejected.length,
    details: {
      refreshed: true,
      links: file.aliases.length,
      inserted: inserts.length,
      updated: updates.length,
      deleted: deletes.length,
      droppedRows: file.dropped.length,
      rejectedRows: firstFew(file.rejected),
    },
  };
}

function upsertAliases(db: MeteredD1, aliases: PlayerAlias[], now: string): D1PreparedStatement[] {
  return chunk(aliases, rowsPerStatement(ALIAS_COLUMNS)).map((part) =>
    db
      .prepare(
        `INSERT INTO player_name_aliases (alias_key, canonical_key, alias_name, canonical_name, updated_at)
         VALUES ${part.map(() => "(?, ?, ?, ?, ?)").join(", ")}
         ON CONFLICT (alias_key, canonical_key) DO UPDATE SET alias_name = excluded.alias_name,
           canonical_name = excluded.canonical_name, updated_at = excluded.updated_at`,
      )
      .bind(...part.flatMap((a) => [a.aliasKey, a.canonicalKey, a.aliasName, a.canonicalName, now])),
  );
}

function deleteAliases(db: MeteredD1, aliases: PlayerAlias[]): D1PreparedStatement[] {
  return chunk(aliases, rowsPerStatement(2)).map((part) =>
    db
      .prepare(`DELETE FROM player_name_aliases WHERE (alias_key, canonical_key) IN (VALUES ${part.map(() => "(?, ?)").join(", ")})`)
      .bind(...part.flatMap((a) => [a.aliasKey, a.canonicalKey])),
  );
}
