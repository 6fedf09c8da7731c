import { normalizePlayerName } from "../../domain/names";
import { normalizePosition, type Position } from "../../domain/positions";
import { toTeamCode } from "../../domain/teams";
import { cell, parseCsv, type CsvRow } from "../csv";
import { parseCalendarDate, parseNumericId, parseWholeNumber } from "./values";

/** nflverse roster_{season}.csv: one row per player, in the original format or re-saved by pandas. */

export const ROSTER_COLUMNS = [
  "season",
  "team",
  "position",
  "depth_chart_position",
  "jersey_number",
  "status",
  "full_name",
  "birth_date",
  "gsis_id",
  "espn_id",
  "sleeper_id",
] as const;

export interface RosterPlayer {
  /** The gsis id, or the fallback key of a player nflverse gives none (see fallbackPlayerKey). */
  id: string;
  isFallbackId: boolean;
  fullName: string;
  nameKey: string;
  espnId: string | null;
  sleeperId: string | null;
  team: string;
  position: Position | null;
  rawPosition: string | null;
  depthChartPosition: string | null;
  status: string | null;
  jersey: number | null;
  birthDate: string | null;
}

export interface RejectedRosterRow {
  line: number;
  fullName?: string;
  reason: string;
}

export interface PlayerWithoutGsisId {
  line: number;
  id: string;
  fullName: string;
  team: string;
}

export interface ParsedRoster {
  players: RosterPlayer[];
  rejected: RejectedRosterRow[];
  missingGsisIds: PlayerWithoutGsisId[];
}

/** What fallbackPlayerKey may use, best first. */
export interface FallbackKeySource {
  gsisItId: string | null;
  esbId: string | null;
  smartId: string | null;
  nameKey: string;
  birthDate: string | null;
  team: string;
}

const GSIS_ID = /^00-\d{7}$/;
const MAX_JERSEY = 99;

/**
 * The id of a player without gsis_id (rookies early in the year): 'X-IT-<gsis_it_id>', else 'X-ESB-<esb_id>',
 * else 'X-SMART-<smart_id>', else 'X-N-' + a hash of name key, birth date and team. gsis_it_id comes first
 * because every row of the real rosters has one and it stays with the player: the 60 rookies without gsis_id
 * in the 2024 preseason roster keep theirs in the end-of-season roster (where their names gained "Jr."),
 * so a later job can map the key to the gsis id once nflverse publishes it. The last resort changes when the
 * player changes team.
 */
export function fallbackPlayerKey(source: FallbackKeySource): string {
  if (source.gsisItId) return `X-IT-${source.gsisItId}`;
  if (source.esbId) return `X-ESB-${source.esbId}`;
  if (source.smartId) return `X-SMART-${source.smartId}`;
  return `X-N-${fnv1a32Hex(`${source.nameKey}|${source.birthDate ?? ""}|${source.team}`)}`;
}

/** The players of one season's roster; throws CsvInputError when the body is not a trustworthy roster file. */
export function parseRoster(csvText: string, season: number): ParsedRoster {
  const table = parseCsv(csvText, ROSTER_COLUMNS);
  const players: RosterPlayer[] = [];
  const rejected: RejectedRosterRow[] = table.badRows.map((bad) => ({ line: bad.line, reason: bad.reason }));
  const missingGsisIds: PlayerWithoutGsisId[] = [];
  const lineByPlayerId = new Map<string, number>();

  for (const row of table.rows) {
    const fullName = cell(row, "full_name");
    const reason = rejectionOf(row, season);
    if (reason !== null) {
      rejected.push({ line: row.line, fullName, reason });
      continue;
    }
    const player = readPlayer(row);
    const firstLine = lineByPlayerId.get(player.id);
    if (firstLine !== undefined) {
      rejected.push({ line: row.line, fullName, reason: `duplicate player ${player.id} (first on line ${firstLine})` });
      continue;
    }
    lineByPlayerId.set(player.id, row.line);
    players.push(player);
    if (player.isFallbackId) missingGsisIds.push({ line: row.line, id: player.id, fullName, team: player.team });
  }
  return { players, rejected, missingGsisIds };
}

function rejectionOf(row: CsvRow, season: number): string | null {
  if (parseWholeNumber(cell(row, "season")) !== season) return `season '${cell(row, "season")}', expected ${season}`;
  if (cell(row, "full_name") === "") return "full_name is blank";
  if (toTeamCode(cell(row, "team")) === null) return `unknown team '${cell(row, "team")}'`;
  const gsisId = cell(row, "gsis_id");
  if (gsisId !== "" && !GSIS_ID.test(gsisId)) return `malformed gsis_id '${gsisId}'`;
  return null;
}

function readPlayer(row: CsvRow): RosterPlayer {
  const fullName = cell(row, "full_name");
  const nameKey = normalizePlayerName(fullName);
  const team = toTeamCode(cell(row, "team"))!;
  const birthDate = parseCalendarDate(cell(row, "birth_date"));
  const gsisId = cell(row, "gsis_id");
  const id =
    gsisId !== ""
      ? gsisId
      : fallbackPlayerKey({
          gsisItId: parseNumericId(cell(row, "gsis_it_id")),
          esbId: orNull(cell(row, "esb_id")),
          smartId: orNull(cell(row, "smart_id")),
          nameKey,
          birthDate,
          team,
        });
  const rawPosition = orNull(cell(row, "position").toUpperCase());
  const depthChartPosition = orNull(cell(row, "depth_chart_position").toUpperCase());
  const jersey = parseWholeNumber(cell(row, "jersey_number"));
  return {
    id,
    isFallbackId: gsisId === "",
    fullName,
    nameKey,
    espnId: parseNumericId(cell(row, "espn_id")),
    sleeperId: parseNumericId(cell(row, "sleeper_id")),
    team,
    position: normalizePosition(rawPosition, depthChartPosition),
    rawPosition,
    depthChartPosition,
    status: orNull(cell(row, "status").toUpperCase()),
    jersey: jersey !== null && jersey <= MAX_JERSEY ? jersey : null,
    birthDate,
  };
}

function orNull(value: string): string | null {
  return value === "" ? null : value;
}

/** 32-bit FNV-1a of the UTF-16 code units, as 8 hex digits. */
function fnv1a32Hex(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, "0");
}
