import {
  matchEventToGame,
  mapLegsToPlayers,
  type AliasGroups,
  type CandidateGame,
  type MappingRosterPlayer,
  type MarketEventKey,
  type MarketLeg,
  type UnmappedReason,
} from "../domain/market-mapping";
import { MARKET_KINDS } from "../db/schema";
import { FIRST_TD_MARKET_SETTLED_SQL, GAME_VOID_SQL } from "../db/sql-rules";
import { legPriceOf, normalizeGameLegs, type LegPrice, type Quote } from "../domain/market-prices";
import { SNAPSHOT_BUCKET_MS } from "../domain/odds-freeze";
import { nowIso } from "../lib/clock";
import { aliasGroupsOf, aliasGroupsStatement, type AliasGroupMember } from "../services/player-names";
import { MAX_LISTING_PAGES, type IncompleteListing } from "../sources/cursor-listing";
import { KalshiClient } from "../sources/kalshi/client";
import { KalshiDriftError, kalshiEventKey, kalshiMarketLegs } from "../sources/kalshi/events";
import { PolymarketClient } from "../sources/polymarket/client";
import { polymarketEventKey, polymarketMarketLegs, polymarketQuote } from "../sources/polymarket/events";
import { chunk, rowsPerStatement, type MeteredD1 } from "./d1-meter";
import { firstFew, upstreamOptions, type JobContext, type JobOutcome } from "./job";

type Source = "kalshi" | "polymarket";
type MarketKind = "first_td" | "anytime_td";

/** Snapshots are keyed by the start of their 10-minute bucket: a retried run in the same bucket rewrites its rows. */
export { SNAPSHOT_BUCKET_MS };
/** Within this long before a kickoff every cron run snapshots; otherwise only the runs at :00 and :30. */
const CLOSE_TO_KICKOFF_MS = 2 * 3_600_000;
const HALF_HOUR_MS = 30 * 60_000;
/**
 * Games an event may belong to: from a week back (finished games whose markets are still listed, recognized so
 * that they are neither snapshotted nor reported as unmapped) to two months ahead (any game a venue lists early).
 */
const LOOKBACK_MS = 8 * 24 * 3_600_000;
const LOOKAHEAD_MS = 60 * 24 * 3_600_000;
/** Label stored for the leg that pays when nobody scores. */
export const NO_TOUCHDOWN_LABEL = "No Touchdown";

export function snapshotBucket(now: Date): string {
  return nowIso(new Date(Math.floor(now.getTime() / SNAPSHOT_BUCKET_MS) * SNAPSHOT_BUCKET_MS));
}

/** A cron run is due every 30 minutes, and at every run (every 10 minutes) when a kickoff is within two hours. */
export function isDue(now: Date, nextKickoffs: readonly string[]): boolean {
  if (now.getTime() % HALF_HOUR_MS < SNAPSHOT_BUCKET_MS) return true;
  return nextKickoffs.some((kickoff) => Date.parse(kickoff) - now.getTime() <= CLOSE_TO_KICKOFF_MS);
}

interface WatchedGame extends CandidateGame {
  season: number;
  week: number;
  status: string;
  isVoided: number;
}

/** Still open for picks, and so for snapshots: not kicked off, not live or final, not canceled or voided. */
function isOpen(game: WatchedGame, now: Date): boolean {
  return (game.status === "scheduled" || game.status === "postponed") && game.isVoided === 0 && Date.parse(game.kickoffAt) > now.getTime();
}

/** One venue's event, in the venue-independent shape the mapping and pricing need. */
interface VenueEvent<L extends MarketLeg> {
  source: Source;
  kind: MarketKind;
  eventId: string;
  key: MarketEventKey;
  legs: L[];
  quote: (leg: L) => Quote;
  volume: (leg: L) => number | null;
}

interface SnapshotRow {
  source: Source;
  kind: MarketKind;
  gameId: string;
  season: number;
  week: number;
  playerName: string;
  team: string | null;
  playerId: string | null;
  /** null: the leg's book is too thin to price (the snapshot is kept: it tells a pick "too thin" from "stale"). */
  price: LegPrice | null;
  quote: Quote;
  volume: number | null;
  marketId: string;
  eventId: string;
  normalizedProbability: number | null;
}

interface UnmappedRow {
  source: Source;
  kind: MarketKind;
  eventId: string;
  marketId: string;
  label: string;
  gameId: string | null;
  reason: string;
}

async function loadGames(db: MeteredD1, now: Date): Promise<WatchedGame[]> {
  return db.all<WatchedGame>(
    db
      .prepare(
        // Every game of the window, whatever its status: a game that is live or final still has open markets for a
        // while, which must be recognized as its own (not snapshotted, not "no game").
        `SELECT id, season, week, home_team AS homeTeam, away_team AS awayTeam, kickoff_at AS kickoffAt, status,
           is_voided AS isVoided FROM games
         WHERE kickoff_at BETWEEN ?1 AND ?2`,
      )
      .bind(nowIso(new Date(now.getTime() - LOOKBACK_MS)), nowIso(new Date(now.getTime() + LOOKAHEAD_MS))),
  );
}

/** The current rosters (active or not: a market may list anyone) of the teams that play, with DEF pseudo-players. */
async function loadRosters(db: MeteredD1, games: WatchedGame[]): Promise<Map<string, MappingRosterPlayer[]>> {
  const seasons = [...new Set(games.map((g) => g.season))];
  const rows = await db.all<MappingRosterPlayer & { season: number }>(
    db.prepare(
      `SELECT r.season, r.player_id AS playerId, p.full_name AS fullName, p.name_key AS nameKey, r.team, r.jersey, r.position
       FROM rosters r JOIN players p ON p.id = r.player_id
       WHERE r.is_current = 1 AND r.season IN (${seasons.map(() => "?").join(", ")})`,
    ).bind(...seasons),
  );
  const byTeam = new Map<string, MappingRosterPlayer[]>();
  for (const row of rows) {
    const key = `${row.season}|${row.team}`;
    byTeam.set(key, [...(byTeam.get(key) ?? []), row]);
  }
  return byTeam;
}

/** The alias groups of player names (nflverse's other spellings), so that a leg may name a player as nflverse's list does. */
async function loadAliasGroups(db: MeteredD1): Promise<AliasGroups> {
  return aliasGroupsOf(await db.all<AliasGroupMember>(aliasGroupsStatement(db)));
}

/**
 * Maps one event to its game and its legs to players, prices them, and normalizes the first-TD book per game.
 * Nothing is snapshotted for a game that is no longer open (kicked off, live, final, canceled or voided: counted as
 * after kickoff); whatever cannot be mapped is returned with the reason. A mapped leg the price rule cannot price
 * (too thin) is snapshotted without a price, with its book.
 */
function snapshotEvent<L extends MarketLeg>(
  event: VenueEvent<L>,
  games: WatchedGame[],
  rosters: Map<string, MappingRosterPlayer[]>,
  aliasGroups: AliasGroups,
  now: Date,
): {
  rows: SnapshotRow[];
  unmapped: UnmappedRow[];
  afterKickoff: boolean;
  mappedByAlias: number;
  reasons: Partial<Record<UnmappedReason | string, number>>;
} {
  const unmappedRow = (leg: L, gameId: string | null, reason: string): UnmappedRow => ({
    source: event.source,
    kind: event.kind,
    eventId: event.eventId,
    marketId: leg.marketId,
    label: leg.label,
    gameId,
    reason,
  });
  const match = matchEventToGame(event.key, games);
  if (match.gameId === null) {
    return {
      rows: [],
      unmapped: event.legs.map((leg) => unmappedRow(leg, null, `event ${match.reason}: ${match.detail}`)),
      afterKickoff: false,
      mappedByAlias: 0,
      reasons: {},
    };
  }
  const game = games.find((g) => g.id === match.gameId)!;
  if (!isOpen(game, now)) return { rows: [], unmapped: [], afterKickoff: true, mappedByAlias: 0, reasons: {} };

  const roster = [...(rosters.get(`${game.season}|${game.homeTeam}`) ?? []), ...(rosters.get(`${game.season}|${game.awayTeam}`) ?? [])];
  const mapping = mapLegsToPlayers(event.legs, { homeTeam: game.homeTeam, awayTeam: game.awayTeam }, roster, aliasGroups);
  const nameOf = new Map(roster.map((p) => [p.playerId, p.fullName]));
  const quoted = mapping.mapped.map((m) => ({ ...m, quote: event.quote(m.leg), price: legPriceOf(event.quote(m.leg)) }));
  const priced = quoted.filter((m): m is typeof m & { price: LegPrice } => m.price !== null);
  // The first-TD legs of a game are exclusive outcomes (their sum is the overround); anytime-TD legs are not.
  const book = event.kind === "first_td" ? normalizeGameLegs(priced, (m) => m.price.probability) : null;
  const normalized = new Map(book?.legs.map((l) => [l.leg.leg.marketId, l.normalizedProbability]) ?? []);

  const rows = quoted.map((m): SnapshotRow => ({
    source: event.source,
    kind: event.kind,
    gameId: game.id,
    season: game.season,
    week: game.week,
    playerName: m.target.kind === "no_td" ? NO_TOUCHDOWN_LABEL : (nameOf.get(m.target.playerId) ?? m.leg.label),
    team: m.target.kind === "no_td" ? null : m.target.team,
    playerId: m.target.kind === "no_td" ? null : m.target.playerId,
    price: m.price,
    quote: m.quote,
    volume: event.volume(m.leg),
    marketId: m.leg.marketId,
    eventId: event.eventId,
    normalizedProbability: normalized.get(m.leg.marketId) ?? null,
  }));
  return {
    rows,
    unmapped: mapping.unmapped.map((u) => unmappedRow(u.leg, game.id, `${u.reason}: ${u.detail}`)),
    afterKickoff: false,
    mappedByAlias: quoted.filter((m) => m.target.kind === "player" && m.target.matchedBy === "alias").length,
    reasons: mapping.stats.unmappedByReason,
  };
}

const SNAPSHOT_COLUMNS = 24;

function writeSnapshots(db: MeteredD1, rows: SnapshotRow[], bucket: string, capturedAt: string) {
  return chunk(rows, rowsPerStatement(SNAPSHOT_COLUMNS)).map((part) =>
    db
      .prepare(
        `INSERT INTO market_odds (source, kind, game_id, season, week, player_name, team, player_id, implied_probability,
           american_odds, raw_price, volume, market_id, event_id, bid, ask, bid_size, ask_size, last_price, price_basis,
           normalized_probability, snapshot_time, captured_at, created_at)
         VALUES ${part.map(() => `(${Array(SNAPSHOT_COLUMNS).fill("?").join(", ")})`).join(", ")}
         ON CONFLICT (source, kind, game_id, player_name, snapshot_time) DO UPDATE SET
           team = excluded.team, player_id = excluded.player_id, implied_probability = excluded.implied_probability,
           american_odds = excluded.american_odds, raw_price = excluded.raw_price, volume = excluded.volume,
           market_id = excluded.market_id, event_id = excluded.event_id, bid = excluded.bid, ask = excluded.ask,
           bid_size = excluded.bid_size, ask_size = excluded.ask_size, last_price = excluded.last_price, price_basis = excluded.price_basis,
           normalized_probability = excluded.normalized_probability, captured_at = excluded.captured_at`,
      )
      .bind(
        ...part.flatMap((r) => [
          r.source,
          r.kind,
          r.gameId,
          r.season,
          r.week,
          r.playerName,
          r.team,
          r.playerId,
          r.price?.probability ?? null,
          r.price?.americanOdds ?? null,
          // raw_price: the mid or ask as quoted, before the cap of extreme odds.
          r.price?.rawProbability ?? null,
          r.volume,
          r.marketId,
          r.eventId,
          r.quote.yesBid,
          r.quote.yesAsk,
          r.quote.yesBidSize ?? null,
          r.quote.yesAskSize ?? null,
          r.quote.lastPrice,
          r.price?.basis ?? null,
          r.normalizedProbability,
          bucket,
          capturedAt,
          capturedAt,
        ]),
      ),
  );
}

function writeUnmapped(db: MeteredD1, rows: UnmappedRow[], now: string) {
  return chunk(rows, rowsPerStatement(9)).map((part) =>
    db
      .prepare(
        `INSERT INTO market_unmapped (source, kind, event_id, market_id, label, game_id, reason, first_seen_at, last_seen_at)
         VALUES ${part.map(() => "(?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}
         ON CONFLICT (source, market_id) DO UPDATE SET label = excluded.label, game_id = excluded.game_id,
           reason = excluded.reason, last_seen_at = excluded.last_seen_at`,
      )
      .bind(...part.flatMap((r) => [r.source, r.kind, r.eventId, r.marketId, r.label, r.gameId, r.reason, now, now])),
  );
}

/**
 * For calibration: once a game is graded, each first-TD market's outcome (yes / no / void) with the last
 * probability the market gave before kickoff. Rewritten when a correction changes the grading, withdrawn when the
 * game's facts are cleared.
 */
function recordOutcomes(db: MeteredD1, now: string) {
  const since = nowIso(new Date(Date.parse(now) - 14 * 24 * 3_600_000));
  // A game whose facts were cleared (a TD overturned, the new first TD not yet known) has no outcome any more.
  const withdraw = db
    .prepare(
      `DELETE FROM market_outcomes WHERE game_id IN (
         SELECT g.id FROM games g
         WHERE g.kickoff_at > ?1
           AND NOT ${FIRST_TD_MARKET_SETTLED_SQL})`,
    )
    .bind(since);
  const record = db
    .prepare(
      `INSERT INTO market_outcomes (source, market_id, game_id, player_name, player_id, kind, outcome, last_probability, settled_at)
       SELECT m.source, m.market_id, m.game_id, m.player_name, m.player_id, m.kind,
         CASE WHEN ${GAME_VOID_SQL} THEN 'void'
              WHEN m.player_id IS NULL THEN CASE WHEN g.no_td = 1 THEN 'yes' ELSE 'no' END
              WHEN g.no_td = 1 THEN 'no'
              WHEN m.player_id = g.first_td_player_id THEN 'yes'
              WHEN m.player_id = 'DEF-' || g.first_td_team AND g.first_td_kind IN ('return', 'defense') THEN 'yes'
              ELSE 'no' END,
         m.implied_probability, ?1
       FROM market_odds m JOIN games g ON g.id = m.game_id
       WHERE m.kind = 'first_td' AND m.market_id IS NOT NULL
         AND ${FIRST_TD_MARKET_SETTLED_SQL}
         AND g.kickoff_at > ?2
         AND m.snapshot_time = (SELECT max(m2.snapshot_time) FROM market_odds m2
                                WHERE m2.source = m.source AND m2.market_id = m.market_id AND m2.snapshot_time < g.kickoff_at)
       ON CONFLICT (source, market_id) DO UPDATE SET outcome = excluded.outcome, settled_at = excluded.settled_at,
         last_probability = excluded.last_probability
       WHERE market_outcomes.outcome IS NOT excluded.outcome`,
    )
    .bind(now, since);
  return [withdraw, record];
}

/** What the job takes besides its context. */
export interface MarketSyncOptions {
  /** Pages each venue's listing may read (MAX_LISTING_PAGES); tests lower it to reach the bound in a few pages. */
  maxListingPages?: number;
}

/** A venue's events as read, and why its listing stopped early (null when it was read to its end). */
interface VenueListing<L extends MarketLeg> {
  events: VenueEvent<L>[];
  pages: number;
  incomplete: IncompleteListing | null;
}

/** A venue's listing cut short, as the run details name it. */
type ListingIncomplete = { source: Source } & IncompleteListing;

async function kalshiEvents(ctx: JobContext, maxPages: number): Promise<VenueListing<ReturnType<typeof kalshiMarketLegs>[number]>> {
  const client = new KalshiClient(ctx.env.KALSHI_API_URL || "https://api.elections.kalshi.com/trade-api/v2", { ...upstreamOptions(ctx), maxPages });
  const listing = await client.openEvents();
  ctx.progress(`market-sync: kalshi ${listing.events.length} events in ${listing.pages} pages`);
  const events = listing.events.map((event) => ({
    source: "kalshi",
    kind: "first_td",
    eventId: event.eventTicker,
    key: kalshiEventKey(event),
    legs: kalshiMarketLegs(event),
    quote: (leg) => ({
      yesBid: leg.market.yesBid,
      yesAsk: leg.market.yesAsk,
      lastPrice: leg.market.lastPrice,
      yesBidSize: leg.market.yesBidSize,
      yesAskSize: leg.market.yesAskSize,
      volume: leg.market.volume,
    }),
    volume: (leg) => leg.market.volume,
  })) satisfies VenueEvent<ReturnType<typeof kalshiMarketLegs>[number]>[];
  return { events, pages: listing.pages, incomplete: listing.incomplete };
}

async function polymarketEvents(ctx: JobContext, maxPages: number): Promise<VenueListing<ReturnType<typeof polymarketMarketLegs>[number]>> {
  const client = new PolymarketClient(ctx.env.POLYMARKET_GAMMA_URL || "https://gamma-api.polymarket.com", { ...upstreamOptions(ctx), maxPages });
  const listing = await client.openNflTouchdownEvents();
  ctx.progress(`market-sync: polymarket ${listing.events.length} events in ${listing.pages} pages`);
  const events = listing.events.flatMap((event) =>
    MARKET_KINDS
      .map((kind) => ({
        source: "polymarket" as const,
        kind,
        eventId: event.eventId,
        key: polymarketEventKey(event),
        legs: polymarketMarketLegs(event, kind),
        quote: (leg: ReturnType<typeof polymarketMarketLegs>[number]) => polymarketQuote(leg.market),
        volume: (leg: ReturnType<typeof polymarketMarketLegs>[number]) => leg.market.volume,
      }))
      .filter((venueEvent) => venueEvent.legs.length > 0),
  );
  return { events, pages: listing.pages, incomplete: listing.incomplete };
}

/**
 * Says, where an operator looks (the Worker's logs and the progress of a CLI run), that a venue's listing stopped
 * before its end: its missing games have no snapshot this run, and the run is partial.
 */
function logIncompleteListing(ctx: JobContext, listing: ListingIncomplete): void {
  const why =
    listing.reason === "page_limit"
      ? `stopped at the page bound (${listing.maxPages} pages) with a cursor still to follow`
      : listing.reason === "cursor_repeated"
        ? "stopped: the upstream sent back a cursor already followed"
        : `stopped: a page failed after its retries (${listing.error})`;
  const message = `market-sync: ${listing.source} listing incomplete, ${why}; ${listing.pagesRead} pages read, last cursor ${listing.lastCursor}`;
  console.warn(JSON.stringify({ job: "market-sync", msg: "listing incomplete", ...listing }));
  ctx.progress(message);
}

/**
 * First-TD prices from Kalshi and Polymarket -> market_odds snapshots of the games that have not kicked off.
 * Each venue is read on its own: a venue that fails leaves its earlier snapshots untouched and is reported; a
 * Kalshi payload in the old cent format aborts the run (drift). A venue's listing that stops before its end (page
 * bound, repeated cursor, a later page failing) still lands what it read, and makes the run partial with the reason
 * in details.listingIncomplete. After grading, market outcomes are recorded.
 */
export async function marketSync(ctx: JobContext, options: MarketSyncOptions = {}): Promise<JobOutcome> {
  const games = await loadGames(ctx.db, ctx.now);
  const upcoming = games.filter((g) => isOpen(g, ctx.now));
  const now = nowIso(ctx.now);
  if (ctx.trigger === "cron" && !isDue(ctx.now, upcoming.map((g) => g.kickoffAt))) {
    await ctx.db.batch(recordOutcomes(ctx.db, now));
    return { read: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0, details: { due: false, upcomingGames: upcoming.length } };
  }
  const rosters = upcoming.length > 0 ? await loadRosters(ctx.db, games) : new Map();
  const aliasGroups = upcoming.length > 0 ? await loadAliasGroups(ctx.db) : new Map();
  const bucket = snapshotBucket(ctx.now);

  const maxListingPages = options.maxListingPages ?? MAX_LISTING_PAGES;
  const venueErrors: { source: Source; error: string }[] = [];
  const venueEvents: VenueEvent<MarketLeg>[] = [];
  const listingPages: Partial<Record<Source, number>> = {};
  const listingIncomplete: ListingIncomplete[] = [];
  for (const [source, load] of [
    ["kalshi", kalshiEvents],
    ["polymarket", polymarketEvents],
  ] as const) {
    try {
      const listing = (await load(ctx, maxListingPages)) as unknown as VenueListing<MarketLeg>;
      venueEvents.push(...listing.events);
      listingPages[source] = listing.pages;
      if (listing.incomplete) {
        const cutShort: ListingIncomplete = { source, ...listing.incomplete };
        listingIncomplete.push(cutShort);
        logIncompleteListing(ctx, cutShort);
      }
    } catch (error) {
      if (error instanceof KalshiDriftError) throw error;
      venueErrors.push({ source, error: error instanceof Error ? error.message : String(error) });
    }
  }
  if (venueErrors.length === 2) throw new Error(`every venue failed: ${venueErrors.map((v) => `${v.source}: ${v.error}`).join("; ")}`);

  const rows: SnapshotRow[] = [];
  const unmapped: UnmappedRow[] = [];
  let legsRead = 0;
  let afterKickoff = 0;
  let mappedByAlias = 0;
  for (const event of venueEvents) {
    legsRead += event.legs.length;
    const result = snapshotEvent(event, games, rosters, aliasGroups, ctx.now);
    rows.push(...result.rows);
    unmapped.push(...result.unmapped);
    mappedByAlias += result.mappedByAlias;
    if (result.afterKickoff) afterKickoff++;
  }

  const existing = await ctx.db.all<{ key: string }>(
    ctx.db.prepare(`SELECT source || '|' || kind || '|' || game_id || '|' || player_name AS key FROM market_odds WHERE snapshot_time = ?`).bind(bucket),
  );
  const existingKeys = new Set(existing.map((e) => e.key));
  const updated = rows.filter((r) => existingKeys.has(`${r.source}|${r.kind}|${r.gameId}|${r.playerName}`)).length;

  await ctx.db.batch([...writeSnapshots(ctx.db, rows, bucket, now), ...writeUnmapped(ctx.db, unmapped, now), ...recordOutcomes(ctx.db, now)]);
  ctx.progress(`market-sync: ${rows.length} snapshots in bucket ${bucket}, ${unmapped.length} unmapped markets`);

  const unmappedByReason: Record<string, number> = {};
  for (const u of unmapped) {
    const reason = u.reason.split(":")[0]!;
    unmappedByReason[reason] = (unmappedByReason[reason] ?? 0) + 1;
  }
  return {
    read: legsRead,
    inserted: rows.length - updated,
    updated,
    unchanged: 0,
    rejected: venueErrors.length,
    // A listing cut short left out what it did not read: the next run tries again.
    left: listingIncomplete.length,
    details: {
      due: true,
      bucket,
      events: venueEvents.length,
      eventsAfterKickoff: afterKickoff,
      mapped: rows.length,
      mappingRate: legsRead === 0 ? null : rows.length / legsRead,
      // Mapped legs the price rule priced, and those snapshotted without a price (no usable ask: too thin).
      priced: rows.filter((r) => r.price !== null).length,
      tooThin: rows.filter((r) => r.price === null).length,
      mappedByAlias,
      unmapped: unmapped.length,
      unmappedByReason,
      unmappedSample: firstFew(unmapped),
      venueErrors,
      listingPages,
      listingIncomplete,
    },
  };
}
