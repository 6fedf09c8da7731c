import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, real, sqliteTable, text, unique, uniqueIndex } from "drizzle-orm/sqlite-core";

const createdAt = () => text("created_at").default(sql`CURRENT_TIMESTAMP`);

// ---------------------------------------------------------------------------------------------
// v8: the original system's tables, names and columns unchanged so that a v8 dump loads as is.
// ---------------------------------------------------------------------------------------------

export const users = sqliteTable("users", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
  email: text("email").unique(),
  groupId: integer("group_id"),
  isAdmin: integer("is_admin").default(0),
  createdAt: createdAt(),
  /** v22: a disabled user's tokens and sessions stop working at once; their picks stay. */
  disabledAt: text("disabled_at"),
  disabledBy: text("disabled_by"),
  /** v23: 1 when the user chose to appear on the global leaderboard (everyone still has a global rank of their own). */
  onGlobalBoard: integer("on_global_board").notNull().default(0),
});

export const weeks = sqliteTable(
  "weeks",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    season: integer("season").notNull(),
    week: integer("week").notNull(),
    startedAt: text("started_at"),
    endedAt: text("ended_at"),
    createdAt: createdAt(),
  },
  (t) => [unique("weeks_season_week_unique").on(t.season, t.week)],
);

export const picks = sqliteTable(
  "picks",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    weekId: integer("week_id")
      .notNull()
      .references(() => weeks.id, { onDelete: "cascade" }),
    team: text("team"),
    playerName: text("player_name").notNull(),
    odds: real("odds"),
    theoreticalReturn: real("theoretical_return"),
    // v12: every pick belongs to a game (backfilled, else quarantined).
    gameId: text("game_id")
      .notNull()
      .references(() => games.id),
    createdAt: createdAt(),
    // v12: the roster resolves the picked player and his position.
    playerId: text("player_id").references(() => players.id),
    position: text("position"),
    updatedAt: text("updated_at"),
    // The market price frozen when the pick was made (NULL: no market; graded at even money).
    impliedProbability: real("implied_probability"),
    americanOdds: integer("american_odds"),
    decimalOdds: real("decimal_odds"),
    oddsSource: text("odds_source"),
    oddsSnapshotAt: text("odds_snapshot_at"),
    /** v22: why the pick carries no price (no_market, stale, too_thin), NULL when priced. */
    oddsReason: text("odds_reason"),
    /** v22: JSON array of the market_odds ids whose median priced the pick. */
    oddsSnapshotIds: text("odds_snapshot_ids"),
    /** v22: the credential that made or last changed the pick ('token:<id>', 'session:<id>'). */
    changedBy: text("changed_by"),
  },
  (t) => [
    unique("picks_user_week_player_unique").on(t.userId, t.weekId, t.playerName),
    unique("picks_user_game_unique").on(t.userId, t.gameId),
    // v20, "grading a game" and "a game's picks": every pick of one game, in user order, with what grading reads
    // (covering: the grading reads no picks-table page; a game's picks are spread over those of its week). v21 adds
    // the team: a first TD whose scorer is unresolved still grades the picks of the other team (and the DEFs).
    index("picks_game_grading_idx").on(t.gameId, t.userId, t.weekId, t.playerId, t.decimalOdds, t.team),
    check("picks_decimal_odds_range", sql`${t.decimalOdds} IS NULL OR ${t.decimalOdds} > 1`),
    check(
      "picks_implied_probability_range",
      sql`${t.impliedProbability} IS NULL OR (${t.impliedProbability} > 0 AND ${t.impliedProbability} < 1)`,
    ),
  ],
);

export const results = sqliteTable("results", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  pickId: integer("pick_id")
    .notNull()
    .unique()
    .references(() => picks.id, { onDelete: "cascade" }),
  actualScorer: text("actual_scorer"),
  isCorrect: integer("is_correct"),
  actualReturn: real("actual_return"),
  anyTimeTd: integer("any_time_td"),
  createdAt: createdAt(),
  // v14: written by the grading triggers. NULL outcome: a legacy result whose is_correct was unknown.
  outcome: text("outcome"),
  /** Profit in hundredths of a unit: win = decimal odds - 1 (even money without odds), loss = -1, void = 0. */
  profitCu: integer("profit_cu"),
  gradedAt: text("graded_at"),
});

export const playerStats = sqliteTable(
  "player_stats",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    playerName: text("player_name").notNull(),
    season: integer("season").notNull(),
    team: text("team"),
    position: text("position"),
    gamesPlayed: integer("games_played").default(0),
    firstTdCount: integer("first_td_count").default(0),
    anyTimeTdCount: integer("any_time_td_count").default(0),
    redZoneTargets: integer("red_zone_targets").default(0),
    redZoneTouches: integer("red_zone_touches").default(0),
    lastTdWeek: integer("last_td_week"),
    recentForm: real("recent_form"),
    updatedAt: text("updated_at").default(sql`CURRENT_TIMESTAMP`),
    // v14: the player these stats are about; first_td_count is derived from games by trigger.
    playerId: text("player_id").references(() => players.id),
    /** The hand-kept count a v8 database had before v14 made the column derived (kept for audit). */
    legacyFirstTdCount: integer("legacy_first_td_count"),
  },
  (t) => [
    unique("player_stats_player_name_season_team_unique").on(t.playerName, t.season, t.team),
    // v13, "position filter": a season's players of one position by first-TD count.
    index("player_stats_position_filter_idx").on(t.season, t.position, sql`${t.firstTdCount} DESC`),
    // v13, "team filter": a season's players of one team by first-TD count.
    index("player_stats_team_filter_idx").on(t.season, t.team, sql`${t.firstTdCount} DESC`),
    // v14, "one player's season stats".
    index("player_stats_player_idx").on(t.playerId, t.season),
  ],
);

/** Where market snapshots come from and what they price (market_odds.source's CHECK, market_odds.kind's values). */
export const MARKET_SOURCES = ["polymarket", "kalshi", "odds_api"] as const;
export const MARKET_KINDS = ["first_td", "anytime_td"] as const;
export type MarketKind = (typeof MARKET_KINDS)[number];

export const marketOdds = sqliteTable(
  "market_odds",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    source: text("source").notNull(),
    gameId: text("game_id"),
    season: integer("season"),
    week: integer("week"),
    playerName: text("player_name"),
    team: text("team"),
    impliedProbability: real("implied_probability"),
    americanOdds: integer("american_odds"),
    rawPrice: real("raw_price"),
    volume: real("volume"),
    marketId: text("market_id"),
    snapshotTime: text("snapshot_time"),
    createdAt: createdAt(),
    // v15: the player (gsis id or DEF-<TEAM>) the price is for, when the market mapped to one.
    playerId: text("player_id").references(() => players.id),
    // v17: what the market is about, the book when the snapshot was taken, and the probability rule applied.
    kind: text("kind").notNull().default("first_td"),
    eventId: text("event_id"),
    bid: real("bid"),
    ask: real("ask"),
    lastPrice: real("last_price"),
    /**
     * How implied_probability was chosen (src/domain/market-prices.ts): 'mid' of a narrow two-sided book with depth, or
     * the 'ask'; NULL: too thin to price (implied_probability NULL too). v22 swapped the column (the v17 values 'last'
     * and 'ask_upper_bound' are gone: drizzle/0016_v22_price_basis.sql).
     */
    priceBasis: text("price_basis"),
    /** implied_probability divided by the sum over the game's legs (the legs sum to well above 1). */
    normalizedProbability: real("normalized_probability"),
    /** When the snapshot was taken; snapshot_time is the start of its time bucket (reruns rewrite it). */
    capturedAt: text("captured_at"),
    /** v22: contracts resting at the best bid and the best ask, where the venue says (Kalshi). */
    bidSize: real("bid_size"),
    askSize: real("ask_size"),
  },
  (t) => [
    // v15, "latest price per player of a game" (game pages, freezing the price on a pick).
    index("market_odds_game_player_idx").on(t.gameId, t.playerId, t.snapshotTime),
    // v25, "a game's latest price per source, kind and player" (src/services/markets.ts): each group's newest snapshot
    // first, so the latest of a group and the next group are one seek each (~5 rows read per price, not every snapshot).
    index("market_odds_latest_idx").on(t.gameId, t.source, t.kind, sql`coalesce(${t.playerId}, ${t.playerName})`, sql`${t.snapshotTime} DESC`),
    // v17: the v8 unique key plus the kind (a player has a first-TD and an anytime-TD price in one bucket).
    uniqueIndex("market_odds_snapshot_unique").on(t.source, t.kind, t.gameId, t.playerName, t.snapshotTime),
    check("market_odds_source_check", sql`${t.source} IN ('polymarket', 'kalshi', 'odds_api')`),
  ],
);

export const marketOutcomes = sqliteTable(
  "market_outcomes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    source: text("source").notNull(),
    marketId: text("market_id"),
    gameId: text("game_id"),
    playerName: text("player_name"),
    outcome: text("outcome"),
    settledPrice: real("settled_price"),
    settledAt: text("settled_at"),
    createdAt: createdAt(),
    // v17: written after grading, for calibration: did the leg win, and what did the market say before kickoff.
    playerId: text("player_id"),
    kind: text("kind"),
    lastProbability: real("last_probability"),
  },
  (t) => [uniqueIndex("market_outcomes_source_market_unique").on(t.source, t.marketId)],
);

/** v17: markets the sync could not map to a game or a player, with why; counted, never guessed. */
export const marketUnmapped = sqliteTable(
  "market_unmapped",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    source: text("source").notNull(),
    kind: text("kind").notNull(),
    eventId: text("event_id"),
    marketId: text("market_id").notNull(),
    label: text("label"),
    gameId: text("game_id"),
    reason: text("reason").notNull(),
    firstSeenAt: text("first_seen_at").notNull(),
    lastSeenAt: text("last_seen_at").notNull(),
  },
  (t) => [uniqueIndex("market_unmapped_source_market_unique").on(t.source, t.marketId)],
);

// ---------------------------------------------------------------------------------------------
// v9: teams (canonical nflverse codes + every alias the sources use) and games.
// ---------------------------------------------------------------------------------------------

export const teams = sqliteTable("teams", {
  code: text("code").primaryKey(),
  name: text("name").notNull(),
  espnCode: text("espn_code").notNull(),
  espnTeamId: integer("espn_team_id").notNull(),
});

/** Any code or name a source uses for a team (ESPN WSH, Kalshi JAC, MFL GBP, "Chiefs", ...), upper-cased. */
export const teamAliases = sqliteTable("team_aliases", {
  alias: text("alias").primaryKey(),
  teamCode: text("team_code")
    .notNull()
    .references(() => teams.code),
});

export const GAME_STATUSES = ["scheduled", "in_progress", "final", "postponed", "canceled"] as const;
export const GAME_TYPES = ["REG", "WC", "DIV", "CON", "SB"] as const;
export const FIRST_TD_KINDS = ["rush", "reception", "return", "defense", "other"] as const;

export const games = sqliteTable(
  "games",
  {
    id: text("id").primaryKey(),
    season: integer("season").notNull(),
    week: integer("week").notNull(),
    gameType: text("game_type").notNull().default("REG"),
    kickoffAt: text("kickoff_at"),
    homeTeam: text("home_team")
      .notNull()
      .references(() => teams.code),
    awayTeam: text("away_team")
      .notNull()
      .references(() => teams.code),
    homeScore: integer("home_score"),
    awayScore: integer("away_score"),
    status: text("status").notNull().default("scheduled"),
    espnEventId: text("espn_event_id"),
    isPlaceholder: integer("is_placeholder").notNull().default(0),
    isVoided: integer("is_voided").notNull().default(0),
    firstTdPlayerId: text("first_td_player_id"),
    firstTdPlayerName: text("first_td_player_name"),
    firstTdTeam: text("first_td_team").references(() => teams.code),
    firstTdKind: text("first_td_kind"),
    firstTdPlayText: text("first_td_play_text"),
    firstTdRecordedAt: text("first_td_recorded_at"),
    firstTdRecordedBy: text("first_td_recorded_by"),
    noTd: integer("no_td").notNull().default(0),
    createdAt: createdAt(),
    updatedAt: text("updated_at").default(sql`CURRENT_TIMESTAMP`),
    /** v21: who made the last change to the row ('job:live-sync', 'job:schedule-sync', an admin); the change log reads it. */
    updatedBy: text("updated_by"),
    /**
     * v21: when the game's picks locked for good (set once by trigger: the row changed after its kickoff had passed, or
     * it got a score, a first-TD fact or an in-progress/final status). A kickoff moved later never reopens the game.
     */
    lockedAt: text("locked_at"),
  },
  (t) => [
    // v13, "a week's schedule": the games of one season and week in kickoff order.
    index("games_schedule_idx").on(t.season, t.week, t.kickoffAt),
    // v13, "live sync": find a game by its ESPN event id.
    index("games_espn_event_idx").on(t.espnEventId),
    check("games_id_format", sql`${t.id} GLOB '[12][0-9][0-9][0-9]_[0-9][0-9]_*_*'`),
    check("games_teams_differ", sql`${t.homeTeam} <> ${t.awayTeam}`),
    check("games_status_valid", sql`${t.status} IN ('scheduled', 'in_progress', 'final', 'postponed', 'canceled')`),
    check("games_game_type_valid", sql`${t.gameType} IN ('REG', 'WC', 'DIV', 'CON', 'SB')`),
    check("games_week_valid", sql`${t.week} BETWEEN 1 AND 22`),
    check("games_scores_non_negative", sql`coalesce(${t.homeScore}, 0) >= 0 AND coalesce(${t.awayScore}, 0) >= 0`),
    check("games_kickoff_known", sql`${t.kickoffAt} IS NOT NULL OR ${t.isPlaceholder} = 1`),
    check(
      "games_kickoff_iso_utc",
      // Two GLOBs: D1 refuses patterns over 50 bytes ("LIKE or GLOB pattern too complex").
      sql`${t.kickoffAt} IS NULL OR (${t.kickoffAt} GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*' AND substr(${t.kickoffAt}, 12) GLOB '[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z')`,
    ),
    check("games_flags_boolean", sql`${t.noTd} IN (0, 1) AND ${t.isVoided} IN (0, 1) AND ${t.isPlaceholder} IN (0, 1)`),
    check(
      "games_first_td_kind_valid",
      sql`${t.firstTdKind} IS NULL OR ${t.firstTdKind} IN ('rush', 'reception', 'return', 'defense', 'other')`,
    ),
    check(
      "games_first_td_team_plays",
      sql`${t.firstTdTeam} IS NULL OR ${t.firstTdTeam} IN (${t.homeTeam}, ${t.awayTeam})`,
    ),
    check(
      "games_no_td_excludes_scorer",
      sql`${t.noTd} = 0 OR (${t.firstTdPlayerId} IS NULL AND ${t.firstTdTeam} IS NULL AND ${t.firstTdPlayerName} IS NULL)`,
    ),
    check("games_scorer_has_team", sql`${t.firstTdPlayerId} IS NULL OR ${t.firstTdTeam} IS NOT NULL`),
  ],
);

/** v21: why the live sync could not settle a game (final, scored, first TD known or none) at its last look. */
export const FEED_PROBLEMS = [
  "not_on_scoreboard",
  "feed_missing",
  "not_final",
  "summary_inconsistent",
  "scorer_unresolved",
  "upstream_error",
] as const;

/**
 * v21: the live sync's last look at each game past kickoff that it has not settled yet: when, what stood in the way,
 * since when, and when to look again (backing off while the problem lasts). The catch-up picks the games to retry
 * from here and the nightly checks report the ones still unsettled a day after kickoff, with the reason.
 */
export const gameFeedChecks = sqliteTable(
  "game_feed_checks",
  {
    gameId: text("game_id")
      .primaryKey()
      .references(() => games.id, { onDelete: "cascade" }),
    checkedAt: text("checked_at").notNull(),
    /** NULL once the game is settled. */
    problem: text("problem"),
    detail: text("detail"),
    /** When the current problem was first seen. */
    problemSince: text("problem_since"),
    /** Looks in a row that ended with a problem (0 once settled). */
    attempts: integer("attempts").notNull().default(0),
    nextCheckAt: text("next_check_at"),
  },
  (t) => [
    index("game_feed_checks_due_idx").on(t.nextCheckAt),
    check(
      "game_feed_checks_problem_valid",
      sql`${t.problem} IS NULL OR ${t.problem} IN ('not_on_scoreboard', 'feed_missing', 'not_final', 'summary_inconsistent', 'scorer_unresolved', 'upstream_error')`,
    ),
  ],
);

// ---------------------------------------------------------------------------------------------
// v10: players (keyed by gsis id, or DEF-<TEAM> for a team's defense) and season rosters.
// ---------------------------------------------------------------------------------------------

export const players = sqliteTable(
  "players",
  {
    id: text("id").primaryKey(),
    fullName: text("full_name").notNull(),
    /** normalizePlayerName(full_name): lower case, no accents, punctuation or suffixes. */
    nameKey: text("name_key").notNull(),
    espnId: text("espn_id"),
    sleeperId: text("sleeper_id"),
    defenseTeam: text("defense_team").references(() => teams.code),
    /** 1 when the id is a fallback key made for a player the source gave no gsis id. */
    isFallbackId: integer("is_fallback_id").notNull().default(0),
    birthDate: text("birth_date"),
    createdAt: createdAt(),
    updatedAt: text("updated_at").default(sql`CURRENT_TIMESTAMP`),
  },
  (t) => [
    uniqueIndex("players_espn_id_unique").on(t.espnId).where(sql`${t.espnId} IS NOT NULL`),
    index("players_name_key_idx").on(t.nameKey),
    check(
      "players_defense_id",
      sql`(${t.defenseTeam} IS NULL AND ${t.id} NOT LIKE 'DEF-%') OR ${t.id} = 'DEF-' || ${t.defenseTeam}`,
    ),
    check("players_fallback_boolean", sql`${t.isFallbackId} IN (0, 1)`),
  ],
);

/**
 * v21: nflverse's player-name alias list (clean_player_names.csv: correct_name, alt_name), as normalized name keys.
 * Names that share a group (an alias, its correct name, the other aliases of that name) are one player's spellings
 * (Gabe/Gabriel Davis, Tank/Nathaniel Dell); a name match still has to be unique within the scoring team. Refreshed
 * by the roster sync.
 */
export const playerNameAliases = sqliteTable(
  "player_name_aliases",
  {
    aliasKey: text("alias_key").notNull(),
    canonicalKey: text("canonical_key").notNull(),
    aliasName: text("alias_name").notNull(),
    canonicalName: text("canonical_name").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.aliasKey, t.canonicalKey] }),
    index("player_name_aliases_canonical_idx").on(t.canonicalKey),
    check("player_name_aliases_differ", sql`${t.aliasKey} <> ${t.canonicalKey}`),
  ],
);

export const rosters = sqliteTable(
  "rosters",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    season: integer("season").notNull(),
    playerId: text("player_id")
      .notNull()
      .references(() => players.id, { onDelete: "cascade" }),
    playerName: text("player_name").notNull(),
    team: text("team")
      .notNull()
      .references(() => teams.code),
    /** Normalized position (POSITIONS in src/domain/positions.ts); NULL when the source gave none we recognize. */
    position: text("position"),
    rawPosition: text("raw_position"),
    depthChartPosition: text("depth_chart_position"),
    status: text("status").notNull().default("ACT"),
    jersey: integer("jersey"),
    /** 0 once the player has left this team during the season (his row stays for history). */
    isCurrent: integer("is_current").notNull().default(1),
    createdAt: createdAt(),
    updatedAt: text("updated_at").default(sql`CURRENT_TIMESTAMP`),
  },
  (t) => [
    unique("rosters_season_player_team_unique").on(t.season, t.playerId, t.team),
    uniqueIndex("rosters_one_current_team").on(t.season, t.playerId).where(sql`${t.isCurrent} = 1`),
    // v13, "players of a team": a season's roster of one team by position.
    index("rosters_team_idx").on(t.season, t.team, t.position),
    check(
      "rosters_position_valid",
      sql`${t.position} IS NULL OR ${t.position} IN ('QB', 'RB', 'WR', 'TE', 'K', 'DEF', 'OL', 'DL', 'LB', 'DB', 'P', 'LS')`,
    ),
    check("rosters_is_current_boolean", sql`${t.isCurrent} IN (0, 1)`),
    check("rosters_jersey_range", sql`${t.jersey} IS NULL OR ${t.jersey} BETWEEN 0 AND 99`),
  ],
);

// ---------------------------------------------------------------------------------------------
// v11/v12: picks that migrations could not keep (duplicates, no matching game) are moved here,
// never deleted. Same columns as the v8 picks, plus why, plus the legacy result if it had one.
// ---------------------------------------------------------------------------------------------

export const QUARANTINE_REASONS = ["duplicate_in_week", "no_matching_game", "second_pick_in_game"] as const;

export const picksQuarantine = sqliteTable(
  "picks_quarantine",
  {
    id: integer("id").primaryKey(),
    userId: integer("user_id").notNull(),
    weekId: integer("week_id").notNull(),
    team: text("team"),
    playerName: text("player_name").notNull(),
    odds: real("odds"),
    theoreticalReturn: real("theoretical_return"),
    gameId: text("game_id"),
    createdAt: text("created_at"),
    reason: text("reason").notNull(),
    /** The pick that was kept instead of this one, for duplicates. */
    keptPickId: integer("kept_pick_id"),
    resultActualScorer: text("result_actual_scorer"),
    resultIsCorrect: integer("result_is_correct"),
    resultActualReturn: real("result_actual_return"),
    quarantinedAt: text("quarantined_at").notNull().default(sql`CURRENT_TIMESTAMP`),
    /** Set when the schedule sync moved the pick back into `picks`. */
    restoredAt: text("restored_at"),
    /** Free text for a person: what the migration tried before it gave up. */
    detail: text("detail"),
  },
  (t) => [
    check(
      "picks_quarantine_reason_valid",
      sql`${t.reason} IN ('duplicate_in_week', 'no_matching_game', 'second_pick_in_game')`,
    ),
  ],
);

// ---------------------------------------------------------------------------------------------
// v13: per-user standings per season (week = 0) and per week, maintained by the v14 triggers from
// the results, so that leaderboards read a page of rows instead of aggregating every pick.
// ---------------------------------------------------------------------------------------------

/** `week` value of a standings row that covers the whole season. */
export const SEASON_SCOPE = 0;

export const standings = sqliteTable(
  "standings",
  {
    season: integer("season").notNull(),
    /** 1..22 for one week, 0 (SEASON_SCOPE) for the whole season. */
    week: integer("week").notNull(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    picks: integer("picks").notNull().default(0),
    wins: integer("wins").notNull().default(0),
    losses: integer("losses").notNull().default(0),
    voids: integer("voids").notNull().default(0),
    /** Profit in hundredths of a unit, kept as an integer so that increments never drift. */
    unitsCu: integer("units_cu").notNull().default(0),
    updatedAt: text("updated_at").default(sql`CURRENT_TIMESTAMP`),
  },
  (t) => [
    primaryKey({ columns: [t.season, t.week, t.userId] }),
    // v13, "leaderboard by wins" and "by units", keyset-paginated; user_id breaks ties for a stable order.
    // v19: picks at the end, so that counting a scope's scores (the histogram refresh after grading) reads the
    // index alone; standings is WITHOUT ROWID since v19 (clustered by its key; drizzle cannot express it).
    index("standings_by_wins_idx").on(t.season, t.week, sql`${t.wins} DESC`, t.userId, t.picks),
    index("standings_by_units_idx").on(t.season, t.week, sql`${t.unitsCu} DESC`, t.userId, t.picks),
    // v23, "a user's standings": a league member's rows copied to a sorted board (the primary key leads with season).
    index("standings_user_idx").on(t.userId, t.season, t.week),
    check("standings_week_range", sql`${t.week} BETWEEN 0 AND 22`),
    check(
      "standings_counts_non_negative",
      sql`${t.picks} >= 0 AND ${t.wins} >= 0 AND ${t.losses} >= 0 AND ${t.voids} >= 0`,
    ),
  ],
);

/** `metric` of a standings_score_counts row: wins, units_cu, or units_cu in bands of 1 unit / 10 units. */
export const SCORE_METRICS = ["wins", "units", "units_100", "units_1000"] as const;

/**
 * v19: the score histogram of the standings, per season/week scope: how many users (standings rows with picks)
 * have each wins count, each units_cu value, and units_cu in each band of 100 and 1000 hundredths
 * (floor(units_cu / 100), floor(units_cu / 1000)). Kept by triggers on standings (drizzle/0011); "my rank" =
 * 1 + the users with a better score, summed from a few of these rows instead of counting standings rows.
 * The migration creates it WITHOUT ROWID (clustered by its key), which drizzle cannot express.
 */
export const standingsScoreCounts = sqliteTable(
  "standings_score_counts",
  {
    season: integer("season").notNull(),
    /** 1..22 for one week, 0 (SEASON_SCOPE) for the whole season. */
    week: integer("week").notNull(),
    metric: text("metric").notNull(),
    score: integer("score").notNull(),
    users: integer("users").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.season, t.week, t.metric, t.score] }),
    check("standings_score_counts_metric_valid", sql`${t.metric} IN ('wins', 'units', 'units_100', 'units_1000')`),
  ],
);

/**
 * v19: the game whose grading is running (a row lives only inside the grading trigger's statement). While it is
 * there, the per-row histogram triggers on standings stand aside and the grading recounts the two scopes it moved.
 */
export const gradingInProgress = sqliteTable("grading_in_progress", {
  gameId: text("game_id").primaryKey(),
});

// ---------------------------------------------------------------------------------------------
// v14: every change of a game's first-TD facts, status or void flag, with who and when (trigger-written).
// ---------------------------------------------------------------------------------------------

export const gameFactChanges = sqliteTable(
  "game_fact_changes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    gameId: text("game_id")
      .notNull()
      .references(() => games.id),
    changedAt: text("changed_at").notNull(),
    changedBy: text("changed_by"),
    /** JSON objects of the graded facts before and after the change. */
    before: text("before").notNull(),
    after: text("after").notNull(),
  },
  (t) => [index("game_fact_changes_game_idx").on(t.gameId, t.changedAt)],
);

// ---------------------------------------------------------------------------------------------
// v15: API tokens. The token itself is shown once; only its SHA-256 hash is stored.
// ---------------------------------------------------------------------------------------------

export const apiTokens = sqliteTable(
  "api_tokens",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** Hex SHA-256 of the token. */
    tokenHash: text("token_hash").notNull().unique(),
    /** The first characters of the token, so that a person can tell their tokens apart. */
    tokenPrefix: text("token_prefix").notNull(),
    createdAt: text("created_at").notNull(),
    createdBy: text("created_by"),
    lastUsedAt: text("last_used_at"),
    revokedAt: text("revoked_at"),
    /** v22: who revoked the token (the user, an admin), and when it stops working by itself (NULL: never). */
    revokedBy: text("revoked_by"),
    expiresAt: text("expires_at"),
  },
  (t) => [index("api_tokens_user_idx").on(t.userId)],
);

// ---------------------------------------------------------------------------------------------
// v16: the run log of every ingestion job (cron, admin or command line).
// ---------------------------------------------------------------------------------------------

export const JOB_TRIGGERS = ["cron", "admin", "cli"] as const;
export const RUN_STATUSES = ["running", "ok", "partial", "failed"] as const;

export const syncRuns = sqliteTable(
  "sync_runs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    job: text("job").notNull(),
    trigger: text("trigger").notNull(),
    /** The cron expression that fired the run, for cron runs. */
    cron: text("cron"),
    season: integer("season"),
    week: integer("week"),
    startedAt: text("started_at").notNull(),
    finishedAt: text("finished_at"),
    status: text("status").notNull().default("running"),
    /** Upstream records read, and what became of them. */
    readCount: integer("read_count").notNull().default(0),
    insertedCount: integer("inserted_count").notNull().default(0),
    updatedCount: integer("updated_count").notNull().default(0),
    unchangedCount: integer("unchanged_count").notNull().default(0),
    rejectedCount: integer("rejected_count").notNull().default(0),
    /** What D1 billed for the run's statements (meta.rows_read / rows_written). */
    d1RowsRead: integer("d1_rows_read").notNull().default(0),
    d1RowsWritten: integer("d1_rows_written").notNull().default(0),
    error: text("error"),
    /** JSON: the first rejected rows with reasons, unresolved scorers, players without gsis id, ... */
    details: text("details"),
  },
  (t) => [
    index("sync_runs_job_started_idx").on(t.job, t.startedAt),
    check("sync_runs_trigger_valid", sql`${t.trigger} IN ('cron', 'admin', 'cli')`),
    check("sync_runs_status_valid", sql`${t.status} IN ('running', 'ok', 'partial', 'failed')`),
  ],
);

// ---------------------------------------------------------------------------------------------
// v18: nightly data-quality runs and the result of every check in each run (history kept).
// ---------------------------------------------------------------------------------------------

export const QUALITY_SEVERITIES = ["fail", "warn"] as const;
export const QUALITY_STATUSES = ["pass", "warn", "fail", "error"] as const;

export const qualityRuns = sqliteTable(
  "quality_runs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    trigger: text("trigger").notNull(),
    startedAt: text("started_at").notNull(),
    finishedAt: text("finished_at"),
    /** The worst status among the run's checks; 'running' until it finishes. */
    status: text("status").notNull().default("running"),
    checksTotal: integer("checks_total").notNull().default(0),
    checksFailed: integer("checks_failed").notNull().default(0),
    checksWarned: integer("checks_warned").notNull().default(0),
    checksErrored: integer("checks_errored").notNull().default(0),
    alertSentAt: text("alert_sent_at"),
    alertError: text("alert_error"),
  },
  (t) => [
    index("quality_runs_started_idx").on(t.startedAt),
    check("quality_runs_trigger_valid", sql`${t.trigger} IN ('cron', 'admin', 'cli')`),
    check("quality_runs_status_valid", sql`${t.status} IN ('running', 'pass', 'warn', 'fail', 'error')`),
  ],
);

export const qualityResults = sqliteTable(
  "quality_results",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    runId: integer("run_id")
      .notNull()
      .references(() => qualityRuns.id, { onDelete: "cascade" }),
    checkName: text("check_name").notNull(),
    tableName: text("table_name").notNull(),
    severity: text("severity").notNull(),
    status: text("status").notNull(),
    failingRows: integer("failing_rows").notNull().default(0),
    /** JSON array of a few keys of failing rows, for a person to look at. */
    sampleKeys: text("sample_keys"),
    /** JSON with check-specific numbers (e.g. the % of unknown positions), or the error text. */
    details: text("details"),
  },
  (t) => [
    index("quality_results_run_idx").on(t.runId),
    // "trend of failing rows per check over the last runs" on the status page.
    index("quality_results_check_idx").on(t.checkName, t.runId),
    check("quality_results_severity_valid", sql`${t.severity} IN ('fail', 'warn')`),
    check("quality_results_status_valid", sql`${t.status} IN ('pass', 'warn', 'fail', 'error')`),
  ],
);

// ---------------------------------------------------------------------------------------------
// v22: server-side sessions (browser sign-in) and the audit of what admins did to users and tokens.
// ---------------------------------------------------------------------------------------------

export const SESSION_PURPOSES = ["web", "status"] as const;

/**
 * A browser's sign-in. The cookie holds a random token and an HMAC of it under SESSION_SECRET; only the token's SHA-256
 * is stored, so reading the database is not enough to forge or replay a session. Signing out, revoking, or disabling
 * the user ends it at once. `user_id` NULL: the operator (ADMIN_TOKEN) signed in to /status.
 */
export const sessions = sqliteTable(
  "sessions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    tokenHash: text("token_hash").notNull().unique(),
    userId: integer("user_id").references(() => users.id, { onDelete: "cascade" }),
    purpose: text("purpose").notNull(),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at").notNull(),
    lastSeenAt: text("last_seen_at"),
    revokedAt: text("revoked_at"),
    userAgent: text("user_agent"),
  },
  (t) => [
    index("sessions_user_idx").on(t.userId),
    check("sessions_purpose_valid", sql`${t.purpose} IN ('web', 'status')`),
  ],
);

/** Every change an admin (or the operator) made to a user or a token: who, what, when, to whom. */
export const adminAudit = sqliteTable(
  "admin_audit",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: text("at").notNull(),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    targetUserId: integer("target_user_id"),
    targetTokenId: integer("target_token_id"),
    /** JSON: what changed. */
    detail: text("detail"),
  },
  (t) => [index("admin_audit_target_user_idx").on(t.targetUserId, t.at)],
);

/**
 * Failed authentications per client address (src/services/auth-throttle.ts): a fixed window opened by the first
 * failure; after AUTH_FAILURE_LIMIT failures in it every credential from that address is refused (429) until the window
 * ends, a right one included, so that guessing gains nothing. Rows outlive their window only until the next failure.
 */
export const authFailures = sqliteTable(
  "auth_failures",
  {
    /** 'ip4:<address>', 'ip6:<first 64 bits>::/64', or 'unknown' (no CF-Connecting-IP). */
    client: text("client").primaryKey(),
    windowStartedAt: text("window_started_at").notNull(),
    failures: integer("failures").notNull(),
    lastFailureAt: text("last_failure_at").notNull(),
  },
  (t) => [index("auth_failures_window_idx").on(t.windowStartedAt)],
);

// ---------------------------------------------------------------------------------------------
// v23: leagues people make and join by invite link, and the credentials of accounts without an admin in the loop
// (passkeys, one-time sign-in links).
// ---------------------------------------------------------------------------------------------

export const LEAGUE_RANKINGS = ["wins", "units"] as const;

export const leagues = sqliteTable(
  "leagues",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    name: text("name").notNull(),
    commissionerId: integer("commissioner_id")
      .notNull()
      .references(() => users.id),
    /** What the board ranks by; the other is the declared tiebreak (wins -> units, units -> wins), then a shared rank. */
    ranking: text("ranking").notNull().default("wins"),
    /** 1: every member may invite; 0: only the commissioner. */
    membersMayInvite: integer("members_may_invite").notNull().default(1),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at"),
    /** The v8 users.group_id this league was made from, by migration v23. */
    legacyGroupId: integer("legacy_group_id").unique(),
    /** 1 once the league has had LARGE_LEAGUE_MEMBERS (50) members: its board is kept sorted in league_standings. */
    boardMaterialized: integer("board_materialized").notNull().default(0),
  },
  (t) => [
    check("leagues_ranking_valid", sql`${t.ranking} IN ('wins', 'units')`),
    check("leagues_members_may_invite_boolean", sql`${t.membersMayInvite} IN (0, 1)`),
    check("leagues_name_length", sql`length(trim(${t.name})) BETWEEN 1 AND 60`),
  ],
);

/**
 * A league's board needs its members' standings in the league's own order. A small league reads them on the fly (its
 * members' standings rows, at most 2 x LARGE_LEAGUE_MEMBERS rows); once a league has LARGE_LEAGUE_MEMBERS (50) members its
 * rows are mirrored here (triggers from standings and league_members, migration v23) and kept sorted by both rankings,
 * so a page of any league reads about a page of rows. League 0 is the public global board: the users who chose to appear
 * on it. Created WITHOUT ROWID by the migration (clustered by its key), which drizzle cannot express.
 */
export const leagueStandings = sqliteTable(
  "league_standings",
  {
    leagueId: integer("league_id").notNull(),
    season: integer("season").notNull(),
    week: integer("week").notNull(),
    userId: integer("user_id").notNull(),
    picks: integer("picks").notNull().default(0),
    wins: integer("wins").notNull().default(0),
    losses: integer("losses").notNull().default(0),
    voids: integer("voids").notNull().default(0),
    unitsCu: integer("units_cu").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.leagueId, t.season, t.week, t.userId] }),
    // "a league board by wins" (tiebreak units) and "by units" (tiebreak wins), keyset-paginated, picks for the filter.
    index("league_standings_by_wins_idx").on(t.leagueId, t.season, t.week, sql`${t.wins} DESC`, sql`${t.unitsCu} DESC`, t.userId, t.picks),
    index("league_standings_by_units_idx").on(t.leagueId, t.season, t.week, sql`${t.unitsCu} DESC`, sql`${t.wins} DESC`, t.userId, t.picks),
    // The mirror triggers find a user's rows of a scope by user (every standings change), and a member leaving.
    index("league_standings_user_idx").on(t.userId, t.season, t.week, t.leagueId),
  ],
);

export const leagueMembers = sqliteTable(
  "league_members",
  {
    leagueId: integer("league_id")
      .notNull()
      .references(() => leagues.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    joinedAt: text("joined_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.leagueId, t.userId] }), index("league_members_user_idx").on(t.userId)],
);

/**
 * An invite: to a league (league_id), or the operator's invite to create an account (league_id NULL). The code itself is
 * never stored: it is derived from SESSION_SECRET and the row's nonce (so the league page can show the link again and
 * reading the database is not enough to join), and found again by its SHA-256. Rotating revokes the row and makes another.
 */
export const invites = sqliteTable(
  "invites",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    leagueId: integer("league_id").references(() => leagues.id, { onDelete: "cascade" }),
    codeHash: text("code_hash").notNull().unique(),
    nonce: text("nonce").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at"),
    maxUses: integer("max_uses"),
    uses: integer("uses").notNull().default(0),
    revokedAt: text("revoked_at"),
  },
  (t) => [
    index("invites_league_idx").on(t.leagueId),
    check("invites_uses_valid", sql`${t.uses} >= 0 AND (${t.maxUses} IS NULL OR (${t.maxUses} >= 1 AND ${t.uses} <= ${t.maxUses}))`),
  ],
);

/** A WebAuthn credential (passkey) of a user: what @simplewebauthn/server needs to verify the next sign-in. */
export const passkeys = sqliteTable(
  "passkeys",
  {
    /** The credential id, base64url. */
    id: text("id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** The COSE public key, base64url. */
    publicKey: text("public_key").notNull(),
    counter: integer("counter").notNull().default(0),
    /** JSON array of transports ('internal', 'hybrid', ...). */
    transports: text("transports"),
    deviceType: text("device_type"),
    backedUp: integer("backed_up").notNull().default(0),
    createdAt: text("created_at").notNull(),
    lastUsedAt: text("last_used_at"),
  },
  (t) => [index("passkeys_user_idx").on(t.userId)],
);

export const WEBAUTHN_PURPOSES = ["register", "sign_in"] as const;

/** A WebAuthn challenge handed out and not yet answered: single use, short-lived. */
export const webauthnChallenges = sqliteTable(
  "webauthn_challenges",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    challenge: text("challenge").notNull().unique(),
    purpose: text("purpose").notNull(),
    /** The user registering a passkey; NULL for a sign-in (the passkey names its user). */
    userId: integer("user_id").references(() => users.id, { onDelete: "cascade" }),
    expiresAt: text("expires_at").notNull(),
  },
  (t) => [check("webauthn_challenges_purpose_valid", sql`${t.purpose} IN ('register', 'sign_in')`)],
);

/** A one-time sign-in link for recovery, issued by a commissioner (for a member) or the operator; expires in 24 hours. */
export const signInLinks = sqliteTable(
  "sign_in_links",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull().unique(),
    createdBy: text("created_by").notNull(),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at").notNull(),
    usedAt: text("used_at"),
  },
  (t) => [index("sign_in_links_user_idx").on(t.userId)],
);

// ---------------------------------------------------------------------------------------------
// v24: notifications (src/notifications/, decision 0015): Web Push subscriptions, each user's opt-ins, a league's chat
// webhook, and the log of every message, whose unique key makes sure nobody gets the same message twice.
// ---------------------------------------------------------------------------------------------

/** The channels a user opts into (a league's webhook is the commissioner's setting, not a user's channel). */
export const NOTIFICATION_CHANNELS = ["push"] as const;
/** What a user can opt into, per channel: reminders to pick, their first-TD results, league week summaries, joins. */
export const NOTIFICATION_TOPICS = ["reminders", "results", "week_summary", "member_joined"] as const;
export const NOTIFICATION_KINDS = [
  "pick_reminder_24h",
  "pick_reminder_1h",
  "first_td",
  "first_td_correction",
  "week_summary",
  "member_joined",
  "test",
] as const;
export const NOTIFICATION_STATUSES = ["pending", "queued", "sent", "failed", "skipped"] as const;
export const WEBHOOK_PROVIDERS = ["discord", "slack"] as const;

/** A browser's Web Push subscription (PushSubscription.toJSON()): one per device, a user may have several. */
export const pushSubscriptions = sqliteTable(
  "push_subscriptions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The push service's URL for this device (https, a known push service's host: src/notifications/targets.ts). */
    endpoint: text("endpoint").notNull().unique(),
    /** The browser's P-256 public key (65 bytes, base64url) and auth secret (16 bytes, base64url): RFC 8291. */
    p256dh: text("p256dh").notNull(),
    auth: text("auth").notNull(),
    userAgent: text("user_agent"),
    createdAt: text("created_at").notNull(),
    lastSuccessAt: text("last_success_at"),
    lastFailureAt: text("last_failure_at"),
    lastError: text("last_error"),
  },
  (t) => [index("push_subscriptions_user_idx").on(t.userId)],
);

/** A user's opt-in to one topic on one channel (no row: off; everything is opt-in). */
export const notificationPreferences = sqliteTable(
  "notification_preferences",
  {
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    channel: text("channel").notNull(),
    topic: text("topic").notNull(),
    enabled: integer("enabled").notNull().default(1),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.channel, t.topic] }),
    // "who opted into this topic": the notify job reads the users of one channel and topic.
    index("notification_preferences_topic_idx").on(t.channel, t.topic, t.enabled, t.userId),
    check("notification_preferences_channel_valid", sql`${t.channel} IN ('push')`),
    check("notification_preferences_topic_valid", sql`${t.topic} IN ('reminders', 'results', 'week_summary', 'member_joined')`),
    check("notification_preferences_enabled_boolean", sql`${t.enabled} IN (0, 1)`),
  ],
);

/**
 * A league's chat webhook (Discord or Slack incoming webhook), set by its commissioner. The URL carries its own
 * credential, so it is stored encrypted (AES-GCM under a key derived from SESSION_SECRET) and never shown again: only
 * its provider and host are.
 */
export const leagueWebhooks = sqliteTable(
  "league_webhooks",
  {
    leagueId: integer("league_id")
      .primaryKey()
      .references(() => leagues.id, { onDelete: "cascade" }),
    provider: text("provider").notNull(),
    host: text("host").notNull(),
    /** 'v1.<iv>.<ciphertext>', base64url (src/notifications/webhook-secret.ts). */
    urlCiphertext: text("url_ciphertext").notNull(),
    setBy: integer("set_by").references(() => users.id, { onDelete: "set null" }),
    setAt: text("set_at").notNull(),
    lastSuccessAt: text("last_success_at"),
    lastFailureAt: text("last_failure_at"),
    lastError: text("last_error"),
  },
  (t) => [check("league_webhooks_provider_valid", sql`${t.provider} IN ('discord', 'slack')`)],
);

/**
 * Every message, written BEFORE it is queued: the unique (recipient, kind, subject) makes a repeated cron run or a
 * retried delivery a no-op (INSERT ... ON CONFLICT DO NOTHING, and only the rows that statement inserted are queued).
 * `recipient` is 'user:<id>' (their push devices) or 'league:<id>' (its webhook). A correction of a first TD is another
 * kind with the version of the facts in its subject, never the same row again.
 */
export const notifications = sqliteTable(
  "notifications",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    recipient: text("recipient").notNull(),
    userId: integer("user_id").references(() => users.id, { onDelete: "cascade" }),
    leagueId: integer("league_id").references(() => leagues.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    subject: text("subject").notNull(),
    /** The game a reminder or a first-TD message is about. */
    gameId: text("game_id"),
    /** For first-TD messages: the facts and the outcome they told (a correction is due when these change). */
    factKey: text("fact_key"),
    /** JSON { title, body, url }: what every channel renders. */
    payload: text("payload").notNull(),
    status: text("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    /** JSON array of the push subscription ids that accepted the message (a retry skips them). */
    deliveredTo: text("delivered_to"),
    lastError: text("last_error"),
    createdAt: text("created_at").notNull(),
    enqueuedAt: text("enqueued_at"),
    sentAt: text("sent_at"),
  },
  (t) => [
    uniqueIndex("notifications_recipient_kind_subject_unique").on(t.recipient, t.kind, t.subject),
    // "the first-TD messages a user got about a game" (corrections), and "messages left pending" (re-queued).
    index("notifications_recipient_game_idx").on(t.recipient, t.gameId),
    index("notifications_status_idx").on(t.status, t.createdAt),
    check("notifications_recipient_valid", sql`(${t.userId} IS NOT NULL AND ${t.leagueId} IS NULL AND ${t.recipient} = 'user:' || ${t.userId}) OR (${t.leagueId} IS NOT NULL AND ${t.userId} IS NULL AND ${t.recipient} = 'league:' || ${t.leagueId})`),
    check(
      "notifications_kind_valid",
      sql`${t.kind} IN ('pick_reminder_24h', 'pick_reminder_1h', 'first_td', 'first_td_correction', 'week_summary', 'member_joined', 'test')`,
    ),
    check("notifications_status_valid", sql`${t.status} IN ('pending', 'queued', 'sent', 'failed', 'skipped')`),
  ],
);
