import type { PageStore } from "./leaderboards";
import { normalizePlayerName } from "../domain/names";
import { rosterProblem } from "../domain/picks";
import { PICKABLE_POSITIONS } from "../domain/positions";
import { ApiError } from "../http/errors";
import { latestMarketPrices, upcomingPricesOfPlayerStatement, withAge, type LatestPriceRow } from "./markets";
import { invalidCursor, issueRankCursor, rankPage, readRankCursor, type CursorScope, type CursorSigner } from "./keyset";

export interface PlayerListItem {
  id: string;
  fullName: string;
  season: number;
  team: string;
  position: string | null;
  status: string;
  jersey: number | null;
}

export interface PlayerFilter {
  season?: number;
  team?: string;
  position?: string;
  q?: string;
  limit: number;
  cursor?: string;
}

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Current rosters, filtered; the name search compares normalized names (case, accents, punctuation, suffixes). */
export async function listPlayers(d1: D1Database, filter: PlayerFilter, cursors: CursorSigner, pages: PageStore<PlayerListPage> | null = null) {
  const cached = pages ? await pages.get() : null;
  if (cached) return cached;
  const page = await readPlayers(d1, filter, cursors);
  pages?.put(page);
  return page;
}

export type PlayerListPage = Awaited<ReturnType<typeof readPlayers>>;

async function readPlayers(d1: D1Database, filter: PlayerFilter, cursors: CursorSigner) {
  const nameKey = filter.q === undefined ? null : normalizePlayerName(filter.q);
  // No rank to forge here, but one cursor format for every list, and a cursor continues only the filters it came from.
  const scope: CursorScope = ["players", filter.season ?? null, filter.team ?? null, filter.position ?? null, nameKey];
  const after = filter.cursor ? await readNameCursor(cursors, scope, filter.cursor) : null;
  const list = d1
    .prepare(
      `SELECT p.id, p.full_name AS fullName, r.season, r.team, r.position, r.status, r.jersey, p.name_key AS nameKey
       FROM rosters r JOIN players p ON p.id = r.player_id
       WHERE r.season = coalesce(?1, (SELECT max(season) FROM rosters)) AND r.is_current = 1
         AND (?2 IS NULL OR r.team = ?2) AND (?3 IS NULL OR r.position = ?3)
         AND (?4 IS NULL OR p.name_key LIKE ?4 ESCAPE '\\')
         AND (?5 IS NULL OR (p.name_key, p.id) > (?5, ?6))
       ORDER BY p.name_key, p.id LIMIT ?7`,
    )
    .bind(
      filter.season ?? null,
      filter.team ?? null,
      filter.position ?? null,
      nameKey === null ? null : likePattern(nameKey),
      after?.nameKey ?? null,
      after?.id ?? null,
      filter.limit,
    );
  // A batch of one: the request's authentication rides in it (src/db/client.ts).
  const [{ results }] = (await d1.batch<PlayerListItem & { nameKey: string }>([list])) as [D1Result<PlayerListItem & { nameKey: string }>];
  const last = results.at(-1);
  return {
    players: results.map(({ nameKey: _, ...player }) => player),
    nextCursor: last && results.length === filter.limit ? await cursors.issue(scope, [last.nameKey, last.id]) : null,
  };
}

async function readNameCursor(cursors: CursorSigner, scope: CursorScope, text: string): Promise<{ nameKey: string; id: string }> {
  const [nameKey, id] = await cursors.read(scope, text);
  if (typeof nameKey === "string" && typeof id === "string") return { nameKey, id };
  throw invalidCursor("not a cursor of the players list");
}

export interface PlayerSeasonStats {
  season: number;
  team: string | null;
  position: string | null;
  firstTdCount: number;
  lastTdWeek: number | null;
}

export interface PlayerRosterEntry {
  season: number;
  team: string;
  position: string | null;
  rawPosition: string | null;
  status: string;
  jersey: number | null;
  isCurrent: boolean;
}

/** One player with rosters, season stats and upcoming prices, in one read. */
export async function getPlayer(d1: D1Database, playerId: string, season: number | undefined, now: Date) {
  const [playerRows, rosterRows, statRows, priceRows] = await d1.batch([
    d1.prepare(`SELECT id, full_name AS fullName, espn_id AS espnId, sleeper_id AS sleeperId, defense_team AS defenseTeam FROM players WHERE id = ?`).bind(playerId),
    d1
      .prepare(
        `SELECT season, team, position, raw_position AS rawPosition, status, jersey, is_current AS isCurrent
         FROM rosters WHERE player_id = ?1 AND (?2 IS NULL OR season = ?2) ORDER BY season DESC, is_current DESC`,
      )
      .bind(playerId, season ?? null),
    d1
      .prepare(
        `SELECT season, team, position, first_td_count AS firstTdCount, last_td_week AS lastTdWeek
         FROM player_stats WHERE player_id = ?1 AND (?2 IS NULL OR season = ?2) ORDER BY season DESC, team`,
      )
      .bind(playerId, season ?? null),
    upcomingPricesOfPlayerStatement(d1, playerId, now),
  ]);
  const player = (playerRows!.results as { id: string; fullName: string; espnId: string | null; sleeperId: string | null; defenseTeam: string | null }[])[0];
  if (!player) throw new ApiError("player_not_found", `No player ${playerId}.`);
  return {
    ...player,
    rosters: (rosterRows!.results as (Omit<PlayerRosterEntry, "isCurrent"> & { isCurrent: number })[]).map(
      (r): PlayerRosterEntry => ({ ...r, isCurrent: r.isCurrent === 1 }),
    ),
    stats: statRows!.results as PlayerSeasonStats[],
    markets: withAge(priceRows!.results as LatestPriceRow[], now),
  };
}

export interface PlayerStatsQuery {
  season: number;
  position?: string;
  team?: string;
  limit: number;
  cursor?: string;
}

interface PlayerStatsRow {
  id: number;
  playerId: string | null;
  playerName: string;
  team: string | null;
  position: string | null;
  firstTdCount: number;
  lastTdWeek: number | null;
}

/**
 * The first-TD leaderboard of a season, optionally for one position and/or team (the original's
 * "position filter"), ranked by first-TD count with ties sharing a rank, keyset-paginated. Only the filters
 * given become conditions, so SQLite sees `position = ?` (or `team = ?`) and reads the season's players of that
 * position from player_stats_position_filter_idx (season, position, first_td_count DESC, then id) in page order;
 * an `(? IS NULL OR position = ?)` form cannot use that index and read every scorer of the season.
 */
export async function listPlayerStats(d1: D1Database, q: PlayerStatsQuery, cursors: CursorSigner, pages: PageStore<PlayerStatsPage> | null = null) {
  const cached = pages ? await pages.get() : null;
  if (cached) return cached;
  const page = await readPlayerStats(d1, q, cursors);
  pages?.put(page);
  return page;
}

export type PlayerStatsPage = Awaited<ReturnType<typeof readPlayerStats>>;

async function readPlayerStats(d1: D1Database, q: PlayerStatsQuery, cursors: CursorSigner) {
  // Ranks depend on the filters: a cursor of all players continued among WRs would carry a false rank.
  const scope: CursorScope = ["player-stats", q.season, q.position ?? null, q.team ?? null];
  const after = q.cursor ? await readRankCursor(cursors, scope, q.cursor) : null;
  const conditions = ["season = ?1", "first_td_count > 0"];
  if (q.position !== undefined) conditions.push("position = ?2");
  if (q.team !== undefined) conditions.push("team = ?3");
  if (after) conditions.push("(first_td_count < ?4 OR (first_td_count = ?4 AND id > ?5))");
  const page = d1
    .prepare(
      `SELECT id, player_id AS playerId, player_name AS playerName, team, position,
         first_td_count AS firstTdCount, last_td_week AS lastTdWeek
       FROM player_stats
       WHERE ${conditions.join(" AND ")}
       ORDER BY first_td_count DESC, id LIMIT ?6`,
    )
    .bind(q.season, q.position ?? null, q.team ?? null, after?.score ?? null, after?.key ?? null, q.limit);
  // A batch of one: the request's authentication rides in it (src/db/client.ts).
  const [{ results }] = (await d1.batch<PlayerStatsRow>([page])) as [D1Result<PlayerStatsRow>];
  const ranked = rankPage(results, (row) => row.firstTdCount, after);
  const last = ranked.at(-1);
  return {
    season: q.season,
    entries: ranked.map(({ id: _, ...row }) => row),
    nextCursor:
      last && ranked.length === q.limit
        ? await issueRankCursor(cursors, scope, { score: last.firstTdCount, key: last.id, position: (after?.position ?? 0) + ranked.length, rank: last.rank })
        : null,
  };
}

/** A player one can pick in a game, with what helps choose: the latest market price and first TDs this season. */
export interface GamePlayer {
  id: string;
  fullName: string;
  /** normalizePlayerName of the name: what a name search compares. */
  nameKey: string;
  team: string;
  position: string;
  jersey: number | null;
  /** Games of the season in which he scored the first TD (player_stats, summed over his teams). */
  firstTdCount: number;
  /** The newest first-TD snapshot of his that carries a price (either venue); null: none. */
  price: { impliedProbability: number; americanOdds: number | null; source: string; capturedAt: string } | null;
}

const POSITION_ORDER = new Map<string, number>(PICKABLE_POSITIONS.map((position, i) => [position, i]));

/**
 * Both teams' pickable players in a game (the same rule as a pick: rosterProblem), away team first, each team by
 * price (most likely first; unpriced last), then position and name. Three reads: the two current rosters with their
 * season's first-TD counts, and the game's latest first-TD prices.
 */
export async function pickablePlayersOfGame(
  d1: D1Database,
  game: { id: string; season: number; homeTeam: string; awayTeam: string },
  now: Date,
): Promise<GamePlayer[]> {
  const [[roster], prices] = await Promise.all([
    d1.batch<Omit<GamePlayer, "price" | "position"> & { position: string | null; status: string }>([
      d1.prepare(
        `SELECT p.id, p.full_name AS fullName, p.name_key AS nameKey, r.team, r.position, r.status, r.jersey,
           (SELECT coalesce(sum(s.first_td_count), 0) FROM player_stats s WHERE s.player_id = p.id AND s.season = r.season) AS firstTdCount
         FROM rosters r JOIN players p ON p.id = r.player_id
         WHERE r.season = ?1 AND r.is_current = 1 AND r.team IN (?2, ?3)`,
      )
      .bind(game.season, game.awayTeam, game.homeTeam),
    ]),
    latestMarketPrices(d1, game.id, now, "first_td"),
  ]);
  const rows = roster!.results;
  const priceOf = new Map<string, NonNullable<GamePlayer["price"]>>();
  for (const row of prices) {
    if (row.playerId === null || row.impliedProbability === null) continue;
    const capturedAt = row.capturedAt ?? row.snapshotTime;
    const known = priceOf.get(row.playerId);
    if (known && known.capturedAt >= capturedAt) continue;
    priceOf.set(row.playerId, { impliedProbability: row.impliedProbability, americanOdds: row.americanOdds, source: row.source, capturedAt });
  }
  const teamOrder = (team: string) => (team === game.awayTeam ? 0 : 1);
  return rows
    .filter((row) => rosterProblem(game, { team: row.team, position: row.position, status: row.status ?? "" }) === null)
    .map(({ status: _, ...row }): GamePlayer => ({ ...row, position: row.position!, nameKey: row.nameKey ?? normalizePlayerName(row.fullName), price: priceOf.get(row.id) ?? null }))
    .sort(
      (a, b) =>
        teamOrder(a.team) - teamOrder(b.team) ||
        (b.price?.impliedProbability ?? -1) - (a.price?.impliedProbability ?? -1) ||
        (POSITION_ORDER.get(a.position) ?? 99) - (POSITION_ORDER.get(b.position) ?? 99) ||
        a.fullName.localeCompare(b.fullName),
    );
}
