import { easternDateOf, easternWallClockToUtc } from "./eastern-time";
import { normalizePlayerName } from "./names";
import { defensePlayerId, toTeamCode } from "./teams";
import { normalizeUtcIso } from "./utc";

/**
 * Which of our games a market event prices, and which player each of its legs is. Nothing here guesses: a leg
 * that cannot be tied to exactly one player of the game's two teams stays unmapped, with the reason.
 */

// ---------------------------------------------------------------------------------------------
// Event -> game
// ---------------------------------------------------------------------------------------------

export interface CandidateGame {
  id: string;
  homeTeam: string;
  awayTeam: string;
  /** UTC instant 'YYYY-MM-DDTHH:MM:SSZ'. */
  kickoffAt: string;
}

/**
 * What a market says about its game. `date` is a calendar date in the source's zone: Kalshi tickers carry the
 * US-Eastern date (KXNFLFIRSTTD-26SEP10SFLAR for a Thursday 20:35 ET kickoff that is Friday in UTC), Polymarket
 * slugs the UTC date (nfl-atl-gb-2026-09-25 for a Thursday 20:15 ET kickoff).
 */
export interface MarketEventKey {
  awayCode: string;
  homeCode: string;
  date: string;
  dateZone: "us_eastern" | "utc";
  /** The event's own start instant when the source gives one (Polymarket startTime). */
  startsAt?: string | null;
}

/** How far a source's own start instant may be from our kickoff (a flex or a late schedule change moves it). */
export const START_TOLERANCE_HOURS = 3;

export type GameMatchFailure = "unknown_team" | "no_game" | "date_mismatch" | "ambiguous";

export type GameMatch =
  | { gameId: string; game: CandidateGame; homeAwaySwapped: boolean }
  | { gameId: null; reason: GameMatchFailure; detail: string };

const HOUR_MS = 3_600_000;

function nextCalendarDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 24 * HOUR_MS).toISOString().slice(0, 10);
}

/**
 * The instants [from, to) of a calendar date in the given zone. An Eastern day is built from wall clocks, so
 * the 23- and 25-hour days of the DST switches are right.
 */
export function calendarDayWindow(date: string, zone: MarketEventKey["dateZone"]): { from: string; to: string } | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) return null;
  const next = nextCalendarDate(date);
  if (zone === "utc") return { from: `${date}T00:00:00Z`, to: `${next}T00:00:00Z` };
  const from = easternWallClockToUtc(date, "00:00");
  const to = easternWallClockToUtc(next, "00:00");
  return from && to ? { from, to } : null;
}

function dateInZone(kickoffAt: string, zone: MarketEventKey["dateZone"]): string | null {
  if (zone === "us_eastern") return easternDateOf(kickoffAt);
  return normalizeUtcIso(kickoffAt)?.slice(0, 10) ?? null;
}

/**
 * The game whose two teams are the event's and whose kickoff falls on the event's date in the event's zone:
 * the kickoff's calendar date in that zone (easternDateOf for Kalshi) equals the date, and the kickoff instant
 * lies within that day's window. The UTC date string of a kickoff is never compared with an Eastern date.
 * When the source gives its own start instant, our kickoff must also be within START_TOLERANCE_HOURS of it.
 * Home and away may be swapped (neutral-site games): the two teams cannot meet twice on one day.
 */
export function matchEventToGame(event: MarketEventKey, games: readonly CandidateGame[]): GameMatch {
  const away = toTeamCode(event.awayCode);
  const home = toTeamCode(event.homeCode);
  if (!away || !home) {
    return { gameId: null, reason: "unknown_team", detail: `unknown team code in ${event.awayCode} @ ${event.homeCode}` };
  }
  const window = calendarDayWindow(event.date, event.dateZone);
  if (!window) return { gameId: null, reason: "date_mismatch", detail: `not a calendar date: ${event.date}` };

  const sameTeams = games.filter(
    (game) => (game.awayTeam === away && game.homeTeam === home) || (game.awayTeam === home && game.homeTeam === away),
  );
  if (sameTeams.length === 0) return { gameId: null, reason: "no_game", detail: `no game ${away} @ ${home}` };

  const startsAt = event.startsAt ? normalizeUtcIso(event.startsAt) : null;
  const fromMs = Date.parse(window.from);
  const toMs = Date.parse(window.to);
  const onDate = sameTeams.filter((game) => {
    const kickoff = normalizeUtcIso(game.kickoffAt);
    if (kickoff === null || dateInZone(kickoff, event.dateZone) !== event.date) return false;
    const kickoffMs = Date.parse(kickoff);
    if (kickoffMs < fromMs || kickoffMs >= toMs) return false;
    return startsAt === null || Math.abs(kickoffMs - Date.parse(startsAt)) <= START_TOLERANCE_HOURS * HOUR_MS;
  });
  if (onDate.length === 0) {
    const kickoffs = sameTeams.map((game) => `${game.id} at ${game.kickoffAt}`).join(", ");
    const zone = event.dateZone === "us_eastern" ? "US-Eastern" : "UTC";
    return {
      gameId: null,
      reason: "date_mismatch",
      detail: `${away} @ ${home}: no kickoff on ${event.date} (${zone})${startsAt ? ` near ${startsAt}` : ""}; games: ${kickoffs}`,
    };
  }
  if (onDate.length > 1) {
    return { gameId: null, reason: "ambiguous", detail: `${onDate.length} games ${away} @ ${home} on ${event.date}` };
  }
  const game = onDate[0]!;
  return { gameId: game.id, game, homeAwaySwapped: game.awayTeam !== away };
}

// ---------------------------------------------------------------------------------------------
// Leg -> player
// ---------------------------------------------------------------------------------------------

export interface MappingRosterPlayer {
  playerId: string;
  fullName: string;
  /** normalizePlayerName(fullName). */
  nameKey: string;
  team: string;
  jersey: number | null;
  position: string | null;
}

/** One market of an event, as the mapping needs it; sources add what they know. */
export interface MarketLeg {
  marketId: string;
  /** The market's name for its outcome: a player, 'No Touchdown' or '<Team> D/ST'. */
  label: string;
  /** The player's team as the source says it (Kalshi: the ticker suffix), any code toTeamCode knows. */
  teamHint?: string | null;
  /** The player's jersey as the source says it (Kalshi: the digits ending the ticker). */
  jerseyHint?: number | null;
  /**
   * The source's compact player code, first initial + surname in capitals (Kalshi ticker ...-ATLBROBINSON7
   * -> 'BROBINSON'): used only together with team and jersey.
   */
  nameCode?: string | null;
  /** Between two legs for the same outcome, the one with more volume is kept. */
  volume?: number | null;
}

export type LegTarget =
  /** `alias`: the leg's name is another spelling of the roster's (nflverse's alias list), not the same key. */
  | { kind: "player"; playerId: string; team: string; matchedBy: "name" | "alias" | "ticker" }
  | { kind: "defense"; playerId: string; team: string }
  | { kind: "no_td" };

export type UnmappedReason = "unrecognized" | "no_player" | "ambiguous" | "team_not_in_game" | "team_mismatch";

export const UNMAPPED_REASONS: readonly UnmappedReason[] = [
  "unrecognized",
  "no_player",
  "ambiguous",
  "team_not_in_game",
  "team_mismatch",
];

/**
 * A name key -> the keys of its alias group (itself included or not), as services/player-names.ts loads them from
 * player_name_aliases: 'gabriel davis' -> ['gabe davis', 'gabriel davis']. A key without a group is only itself.
 */
export type AliasGroups = ReadonlyMap<string, readonly string[]>;

export interface MappedLeg<T extends MarketLeg> {
  leg: T;
  target: LegTarget;
}

export interface UnmappedLeg<T extends MarketLeg> {
  leg: T;
  reason: UnmappedReason;
  detail: string;
}

export interface DuplicateLeg<T extends MarketLeg> {
  leg: T;
  /** The market kept for the same outcome. */
  keptMarketId: string;
  target: LegTarget;
}

export interface MappingStats {
  legs: number;
  mapped: number;
  unmapped: number;
  unmappedByReason: Record<UnmappedReason, number>;
  duplicates: number;
}

export interface LegMapping<T extends MarketLeg> {
  /** One leg per outcome: duplicates are removed (see `duplicates`). */
  mapped: MappedLeg<T>[];
  unmapped: UnmappedLeg<T>[];
  duplicates: DuplicateLeg<T>[];
  stats: MappingStats;
}

const NO_TOUCHDOWN = /^no\s*(touchdown|td)s?(\s+scored)?$/;
/** 'PIT Steelers D/ST', 'Falcons DST', 'Atlanta Defense', 'Bears Defense/ST', 'Jets Defense & Special Teams'. */
const DEFENSE_SUFFIX = /(?:^|\s+)(?:d\s*\/\s*st|dst|defen[cs]e(?:\s*(?:\/|&|and)\s*(?:st|special\s+teams))?)$/i;

type LegKind = { kind: "no_td" } | { kind: "defense"; teamText: string } | { kind: "player"; nameKey: string } | null;

function legKindOf(label: string): LegKind {
  const trimmed = label.trim();
  if (trimmed === "") return null;
  if (NO_TOUCHDOWN.test(normalizePlayerName(trimmed))) return { kind: "no_td" };
  if (DEFENSE_SUFFIX.test(trimmed)) return { kind: "defense", teamText: trimmed.replace(DEFENSE_SUFFIX, "").trim() };
  const nameKey = normalizePlayerName(trimmed);
  return nameKey ? { kind: "player", nameKey } : null;
}

/** 'PIT Steelers', 'Pittsburgh Steelers', 'Steelers', 'PIT' -> 'PIT'; null when the words name no single team. */
function teamOfDefenseLabel(teamText: string): string | null {
  const whole = toTeamCode(teamText);
  if (whole) return whole;
  const words = teamText.split(/\s+/).filter(Boolean);
  const codes = new Set<string>();
  for (let start = 0; start < words.length; start++) {
    for (let end = start + 1; end <= words.length; end++) {
      const code = toTeamCode(words.slice(start, end).join(" "));
      if (code) codes.add(code);
    }
  }
  return codes.size === 1 ? [...codes][0]! : null;
}

/** Capital letters only, generational suffix dropped: 'Amon-Ra St. Brown' -> 'AMONRASTBROWN'. */
function nameLetters(fullName: string): string {
  return normalizePlayerName(fullName).replace(/[^a-z]/g, "").toUpperCase();
}

/** Whether a ticker code (initial + surname, 'BROBINSON') fits the player's name. */
function fitsNameCode(player: MappingRosterPlayer, nameCode: string): boolean {
  const letters = nameLetters(player.fullName);
  const code = nameCode.toUpperCase();
  return code.length >= 2 && letters.startsWith(code[0]!) && letters.endsWith(code.slice(1));
}

const targetKey = (target: LegTarget) => (target.kind === "no_td" ? "NO_TD" : target.playerId);

type Resolution = { target: LegTarget } | { reason: UnmappedReason; detail: string };

function resolveLeg(
  leg: MarketLeg,
  game: Pick<CandidateGame, "homeTeam" | "awayTeam">,
  roster: readonly MappingRosterPlayer[],
  aliasGroups: AliasGroups,
): Resolution {
  const gameTeams = [game.awayTeam, game.homeTeam];
  const kind = legKindOf(leg.label);
  if (kind === null) return { reason: "unrecognized", detail: `no outcome in label '${leg.label}'` };
  if (kind.kind === "no_td") return { target: { kind: "no_td" } };

  const hintTeam = leg.teamHint ? toTeamCode(leg.teamHint) : null;
  if (leg.teamHint && hintTeam === null) {
    return { reason: "team_not_in_game", detail: `unknown team '${leg.teamHint}'` };
  }
  if (hintTeam && !gameTeams.includes(hintTeam)) {
    return { reason: "team_not_in_game", detail: `${hintTeam} does not play in ${game.awayTeam} @ ${game.homeTeam}` };
  }

  if (kind.kind === "defense") {
    const labelTeam = teamOfDefenseLabel(kind.teamText) ?? hintTeam;
    if (!labelTeam) return { reason: "unrecognized", detail: `no team in defense label '${leg.label}'` };
    if (!gameTeams.includes(labelTeam)) {
      return { reason: "team_not_in_game", detail: `${labelTeam} does not play in ${game.awayTeam} @ ${game.homeTeam}` };
    }
    if (hintTeam && hintTeam !== labelTeam) {
      return { reason: "team_mismatch", detail: `label says ${labelTeam}, ticker says ${hintTeam}` };
    }
    return { target: { kind: "defense", playerId: defensePlayerId(labelTeam), team: labelTeam } };
  }

  // The DEF pseudo-players and anyone outside the game's two teams never match a name.
  const players = roster.filter((p) => gameTeams.includes(p.team) && p.position !== "DEF" && !p.playerId.startsWith("DEF-"));
  const nameKeys = new Set([kind.nameKey, ...(aliasGroups.get(kind.nameKey) ?? [])]);
  const sameKey = (p: MappingRosterPlayer) => p.nameKey === kind.nameKey || normalizePlayerName(p.fullName) === kind.nameKey;
  const byName = players.filter((p) => nameKeys.has(p.nameKey) || nameKeys.has(normalizePlayerName(p.fullName)));
  const jersey = leg.jerseyHint ?? null;

  if (byName.length > 0) {
    let candidates = byName;
    if (hintTeam) {
      candidates = candidates.filter((p) => p.team === hintTeam);
      if (candidates.length === 0) {
        const teams = [...new Set(byName.map((p) => p.team))].join("/");
        return { reason: "team_mismatch", detail: `'${leg.label}' is on ${teams} in the roster, ${hintTeam} in the market` };
      }
    }
    if (candidates.length > 1 && jersey !== null) {
      const sameJersey = candidates.filter((p) => p.jersey === jersey);
      if (sameJersey.length > 0) candidates = sameJersey;
    }
    if (candidates.length === 1) {
      const player = candidates[0]!;
      return { target: { kind: "player", playerId: player.playerId, team: player.team, matchedBy: sameKey(player) ? "name" : "alias" } };
    }
    const who = candidates.map((p) => `${p.playerId} (${p.team} #${p.jersey ?? "?"})`).join(", ");
    return { reason: "ambiguous", detail: `'${leg.label}' fits ${who}` };
  }

  // No name fits (a nickname, a shortened first name): team, jersey and the ticker's initial + surname together
  // identify a player; any one of them alone does not.
  if (hintTeam && jersey !== null && leg.nameCode) {
    const nameCode = leg.nameCode;
    const fits = players.filter((p) => p.team === hintTeam && p.jersey === jersey && fitsNameCode(p, nameCode));
    if (fits.length === 1) {
      const player = fits[0]!;
      return { target: { kind: "player", playerId: player.playerId, team: player.team, matchedBy: "ticker" } };
    }
    if (fits.length > 1) {
      return { reason: "ambiguous", detail: `'${leg.label}' (${hintTeam} #${jersey} ${nameCode}) fits ${fits.length} players` };
    }
  }
  const where = hintTeam ?? `${game.awayTeam}/${game.homeTeam}`;
  return { reason: "no_player", detail: `no '${leg.label}' on ${where}${jersey !== null ? ` (#${jersey})` : ""}` };
}

function emptyReasonCounts(): Record<UnmappedReason, number> {
  return Object.fromEntries(UNMAPPED_REASONS.map((reason) => [reason, 0])) as Record<UnmappedReason, number>;
}

/**
 * Each leg of one game's market to a player of the game's two teams, the team's defense (DEF-<TEAM>) or the
 * No Touchdown outcome. Players match by normalized name (suffixes Jr./III ignored) or another spelling of it in
 * `aliasGroups` ('Gabriel Davis' -> roster 'Gabe Davis') within the two teams; every player the name's group fits
 * is a candidate, the exact spelling no better than an alias. When the name fits several, the ticker's team and
 * then jersey decide; when no name fits, only team, jersey and the ticker's initial + surname together may
 * identify the player. Two legs for one outcome (a second No Touchdown market) keep the one with more volume, the
 * first on a tie, and report the other.
 */
export function mapLegsToPlayers<T extends MarketLeg>(
  legs: readonly T[],
  game: Pick<CandidateGame, "homeTeam" | "awayTeam">,
  roster: readonly MappingRosterPlayer[],
  aliasGroups: AliasGroups = new Map(),
): LegMapping<T> {
  const mapped: MappedLeg<T>[] = [];
  const unmapped: UnmappedLeg<T>[] = [];
  const duplicates: DuplicateLeg<T>[] = [];
  const indexByTarget = new Map<string, number>();

  for (const leg of legs) {
    const resolution = resolveLeg(leg, game, roster, aliasGroups);
    if ("reason" in resolution) {
      unmapped.push({ leg, reason: resolution.reason, detail: resolution.detail });
      continue;
    }
    const key = targetKey(resolution.target);
    const keptIndex = indexByTarget.get(key);
    if (keptIndex === undefined) {
      indexByTarget.set(key, mapped.length);
      mapped.push({ leg, target: resolution.target });
      continue;
    }
    const kept = mapped[keptIndex]!;
    if ((leg.volume ?? 0) > (kept.leg.volume ?? 0)) {
      duplicates.push({ leg: kept.leg, keptMarketId: leg.marketId, target: kept.target });
      mapped[keptIndex] = { leg, target: resolution.target };
    } else {
      duplicates.push({ leg, keptMarketId: kept.leg.marketId, target: kept.target });
    }
  }

  const unmappedByReason = emptyReasonCounts();
  for (const item of unmapped) unmappedByReason[item.reason] += 1;
  return {
    mapped,
    unmapped,
    duplicates,
    stats: { legs: legs.length, mapped: mapped.length, unmapped: unmapped.length, unmappedByReason, duplicates: duplicates.length },
  };
}

/** Stats of several events together (a sync run's summary). */
export function sumMappingStats(all: readonly MappingStats[]): MappingStats {
  const total: MappingStats = { legs: 0, mapped: 0, unmapped: 0, unmappedByReason: emptyReasonCounts(), duplicates: 0 };
  for (const stats of all) {
    total.legs += stats.legs;
    total.mapped += stats.mapped;
    total.unmapped += stats.unmapped;
    total.duplicates += stats.duplicates;
    for (const reason of UNMAPPED_REASONS) total.unmappedByReason[reason] += stats.unmappedByReason[reason];
  }
  return total;
}
