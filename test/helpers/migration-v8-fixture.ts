/**
 * A dirty database at schema v8 (the original system's), as real ones are: duplicate picks, game_ids that are
 * NULL, empty, garbage, of another week or of a game nobody imported, team names given as aliases, player names
 * spelled unlike the roster, 'Unknown' positions. Plus the games, players and rosters of 2025 weeks 1-2 as the
 * legacy import writes them between migrations v10 and v11.
 *
 * Every pick id is named in PICK so that tests read as "the Kelce pick with a result survived".
 */
import { normalizePlayerName } from "../../src/domain/names";
import { insertRows, type Row } from "./migration-db";

export const SEASON = 2025;

export const USER = { alice: 1, bob: 2, carol: 3, dave: 4 } as const;
export const WEEK = { one: 1, two: 2 } as const;

const WEEK_NUMBER: Record<number, number> = { [WEEK.one]: 1, [WEEK.two]: 2 };

export const PICK = {
  barkley: 1,
  // alice, week 1, Travis Kelce twice: the earlier pick has no result, the later one has -> the later one stays.
  kelceEarlierWithoutResult: 2,
  kelceLaterWithResult: 3,
  // bob, week 1, CeeDee Lamb three times, no results: a NULL created_at counts as latest -> the earliest stays.
  lambWithoutCreatedAt: 4,
  lambLater: 5,
  lambEarliest: 6,
  // carol, week 1, Puka Nacua twice with the same created_at -> the lower id stays.
  nacuaTieLowerId: 7,
  nacuaTieHigherId: 8,
  mclaurinTeamWshNoGameId: 9,
  chaseEmptyGameId: 10,
  walkerGarbageGameIdWithTeam: 11,
  henryGarbageGameIdNoTeam: 12,
  allenTeamWithoutGameInWeek: 13,
  worthyGameOfAnotherWeek: 14,
  brownNflverseIdOfAnotherWeek: 15,
  mahomesUnimportedNflverseId: 16,
  kcDefAliasNflverseId: 17,
  kcDstFullTeamName: 18,
  // carol, week 2, two picks in WAS@GB: the earlier stays, the second is quarantined.
  reedFirstInGame: 19,
  mclaurinSecondInGame: 20,
  jordanSmithOnBothTeams: 21,
  nacuaWeekTwo: 22,
  walkerWithSuffixWeekTwo: 23,
  chaseWeekTwo: 24,
  hurtsHomeAwaySwappedId: 25,
  lacDstKalshiStyle: 26,
  seattleDefenseCityOnly: 27,
  // The highest legacy pick id belongs to a pick that ends up quarantined.
  henryTeamWithoutGameLastId: 28,
} as const;

export const GAME = {
  dalAtPhi: "2025_01_DAL_PHI",
  kcAtLac: "2025_01_KC_LAC",
  houAtLa: "2025_01_HOU_LA",
  cinAtCle: "2025_01_CIN_CLE",
  sfAtSea: "2025_01_SF_SEA",
  nygAtWas: "2025_01_NYG_WAS",
  wasAtGb: "2025_02_WAS_GB",
  laAtTen: "2025_02_LA_TEN",
  seaAtPit: "2025_02_SEA_PIT",
  jaxAtCin: "2025_02_JAX_CIN",
  /** Not imported: only known from a pick's game_id, so v12 creates it as a placeholder. */
  kcAtPhiPlaceholder: "2025_02_KC_PHI",
} as const;

export const PLAYER = {
  barkley: "00-0090001",
  hurts: "00-0090002",
  ajBrown: "00-0090003",
  lamb: "00-0090004",
  kelce: "00-0090005",
  mahomes: "00-0090006",
  worthy: "00-0090007",
  mcconkey: "00-0090008",
  nacua: "00-0090009",
  walker: "00-0090010",
  chase: "00-0090011",
  mclaurin: "00-0090012",
  reed: "00-0090013",
  jordanSmithWas: "00-0090014",
  jordanSmithGb: "00-0090015",
} as const;

// ---------------------------------------------------------------------------------------------------------
// v8 rows, every column named (the legacy dump's shape)
// ---------------------------------------------------------------------------------------------------------

export interface V8Pick extends Row {
  id: number;
  user_id: number;
  week_id: number;
  team: string | null;
  player_name: string;
  odds: number | null;
  theoretical_return: number | null;
  game_id: string | null;
  created_at: string | null;
}

export interface V8Result extends Row {
  id: number;
  pick_id: number;
  actual_scorer: string | null;
  is_correct: number | null;
  actual_return: number | null;
  any_time_td: number | null;
  created_at: string | null;
}

export interface V8PlayerStat extends Row {
  id: number;
  player_name: string;
  season: number;
  team: string | null;
  position: string | null;
  games_played: number | null;
  first_td_count: number | null;
  any_time_td_count: number | null;
  red_zone_targets: number | null;
  red_zone_touches: number | null;
  last_td_week: number | null;
  recent_form: number | null;
  updated_at: string | null;
}

export const V8_USERS: Row[] = [
  { id: USER.alice, name: "alice", email: "alice@example.com", group_id: 1, is_admin: 1, created_at: "2025-08-01 10:00:00" },
  { id: USER.bob, name: "bob", email: "bob@example.com", group_id: 1, is_admin: 0, created_at: "2025-08-02 10:00:00" },
  { id: USER.carol, name: "carol", email: null, group_id: 2, is_admin: 0, created_at: "2025-08-03 10:00:00" },
  { id: USER.dave, name: "dave", email: "dave@example.com", group_id: null, is_admin: 0, created_at: null },
];

export const V8_WEEKS: Row[] = [
  { id: WEEK.one, season: SEASON, week: 1, started_at: "2025-09-04", ended_at: "2025-09-09", created_at: "2025-09-01 00:00:00" },
  { id: WEEK.two, season: SEASON, week: 2, started_at: "2025-09-11", ended_at: "2025-09-16", created_at: "2025-09-08 00:00:00" },
];

function pick(
  id: number,
  userId: number,
  weekId: number,
  team: string | null,
  playerName: string,
  gameId: string | null,
  createdAt: string | null,
  odds: number | null,
): V8Pick {
  // The v8 app stored the decimal payout of a 1-unit stake beside the raw odds (NULL when it had no odds).
  const theoreticalReturn = odds === null ? null : odds >= 100 ? 1 + odds / 100 : odds <= -100 ? 1 + 100 / -odds : odds;
  return {
    id,
    user_id: userId,
    week_id: weekId,
    team,
    player_name: playerName,
    odds,
    theoretical_return: theoreticalReturn === null ? null : Math.round(theoreticalReturn * 100) / 100,
    game_id: gameId,
    created_at: createdAt,
  };
}

const { alice, bob, carol, dave } = USER;
const { one, two } = WEEK;

export const V8_PICKS: V8Pick[] = [
  pick(PICK.barkley, alice, one, "PHI", "Saquon Barkley", GAME.dalAtPhi, "2025-09-04 12:00:00", 450),
  pick(PICK.kelceEarlierWithoutResult, alice, one, "KC", "Travis Kelce", "", "2025-09-05 09:00:00", 600),
  pick(PICK.kelceLaterWithResult, alice, one, "Chiefs", "Travis Kelce", null, "2025-09-05 10:00:00", 550),
  pick(PICK.lambWithoutCreatedAt, bob, one, "DAL", "CeeDee Lamb", GAME.dalAtPhi, null, 500),
  pick(PICK.lambLater, bob, one, "DAL", "CeeDee Lamb", GAME.dalAtPhi, "2025-09-04 20:00:00", 500),
  pick(PICK.lambEarliest, bob, one, "DAL", "CeeDee Lamb", GAME.dalAtPhi, "2025-09-04 15:00:00", 480),
  pick(PICK.nacuaTieLowerId, carol, one, "LAR", "Puka Nacua", null, "2025-09-06 12:00:00", 700),
  pick(PICK.nacuaTieHigherId, carol, one, "LAR", "Puka Nacua", GAME.houAtLa, "2025-09-06 12:00:00", 650),
  pick(PICK.mclaurinTeamWshNoGameId, carol, one, "WSH", "Terry McLaurin", null, "2025-09-06 13:00:00", 600),
  pick(PICK.chaseEmptyGameId, bob, one, "CIN", "Ja'Marr Chase", "", "2025-09-06 18:00:00", 375),
  pick(PICK.walkerGarbageGameIdWithTeam, alice, one, "SEA", "Kenneth Walker", "abc", "2025-09-06 19:00:00", 3.5),
  pick(PICK.henryGarbageGameIdNoTeam, dave, one, null, "Derrick Henry", "abc", "2025-09-06 20:00:00", 800),
  pick(PICK.allenTeamWithoutGameInWeek, dave, one, "BUF", "Josh Allen", null, "2025-09-07 10:00:00", 650),
  pick(PICK.worthyGameOfAnotherWeek, alice, two, "KC", "Xavier Worthy", GAME.kcAtLac, "2025-09-13 10:00:00", 900),
  pick(PICK.brownNflverseIdOfAnotherWeek, bob, one, null, "A.J. Brown", "2025_02_PHI_KC", "2025-09-04 11:00:00", 700),
  pick(PICK.mahomesUnimportedNflverseId, carol, two, "KC", "Patrick Mahomes", GAME.kcAtPhiPlaceholder, "2025-09-13 11:00:00", 650),
  pick(PICK.kcDefAliasNflverseId, dave, two, "KC", "KC DEF", "2025_02_KAN_PHI", "2025-09-13 12:00:00", 1800),
  pick(PICK.kcDstFullTeamName, bob, one, "Kansas City Chiefs", "Kansas City Chiefs D/ST", null, "2025-09-05 08:00:00", 1500),
  pick(PICK.reedFirstInGame, carol, two, "GB", "Jayden Reed", GAME.wasAtGb, "2025-09-11 10:00:00", 650),
  pick(PICK.mclaurinSecondInGame, carol, two, "WSH", "Terry McLaurin", null, "2025-09-11 12:00:00", 600),
  pick(PICK.jordanSmithOnBothTeams, dave, two, "GB", "Jordan Smith", GAME.wasAtGb, "2025-09-11 09:00:00", 2500),
  pick(PICK.nacuaWeekTwo, alice, two, "LA", "Puka Nacua", GAME.laAtTen, "2025-09-14 09:00:00", -110),
  pick(PICK.walkerWithSuffixWeekTwo, bob, two, "SEA", "Kenneth Walker III", GAME.seaAtPit, "2025-09-14 10:00:00", null),
  pick(PICK.chaseWeekTwo, bob, two, "CIN", "Ja'Marr Chase", null, "2025-09-14 11:00:00", 400),
  pick(PICK.hurtsHomeAwaySwappedId, dave, one, null, "Jalen Hurts", "2025_01_PHI_DAL", "2025-09-04 13:00:00", 550),
  pick(PICK.lacDstKalshiStyle, carol, one, "LAC", "LAC Chargers D/ST", null, "2025-09-05 07:00:00", 1400),
  pick(PICK.seattleDefenseCityOnly, dave, one, "SEA", "Seattle Defense", null, "2025-09-07 11:00:00", 1600),
  pick(PICK.henryTeamWithoutGameLastId, dave, two, "BAL", "Derrick Henry", null, "2025-09-14 12:00:00", 550),
];

let nextResultId = 101; // result ids deliberately differ from pick ids, so that a swap of id and pick_id shows
function result(
  pickId: number,
  actualScorer: string | null,
  isCorrect: number | null,
  actualReturn: number | null,
  anyTimeTd: number | null,
  createdAt: string,
): V8Result {
  return {
    id: nextResultId++,
    pick_id: pickId,
    actual_scorer: actualScorer,
    is_correct: isCorrect,
    actual_return: actualReturn,
    any_time_td: anyTimeTd,
    created_at: createdAt,
  };
}

export const V8_RESULTS: V8Result[] = [
  result(PICK.barkley, "A.J. Brown", 0, 0, 1, "2025-09-05 04:00:00"),
  result(PICK.kelceLaterWithResult, "Quentin Johnston", 0, 0, 0, "2025-09-06 04:00:00"),
  result(PICK.mclaurinTeamWshNoGameId, "Terry McLaurin", 1, 7, 1, "2025-09-08 04:00:00"),
  // A result row whose grading never happened: is_correct unknown.
  result(PICK.chaseEmptyGameId, null, null, null, null, "2025-09-08 04:05:00"),
  result(PICK.walkerGarbageGameIdWithTeam, "Kenneth Walker III", 1, 3.5, 1, "2025-09-08 04:10:00"),
  result(PICK.henryGarbageGameIdNoTeam, "Zay Flowers", 0, 0, 1, "2025-09-08 04:15:00"),
  result(PICK.allenTeamWithoutGameInWeek, "Josh Allen", 1, 7.5, 1, "2025-09-08 04:20:00"),
  result(PICK.brownNflverseIdOfAnotherWeek, "Jalen Hurts", 0, 0, 0, "2025-09-05 04:30:00"),
  result(PICK.kcDstFullTeamName, "Quentin Johnston", 0, 0, 0, "2025-09-06 04:40:00"),
  result(PICK.reedFirstInGame, "Jayden Reed", 1, 7.5, 1, "2025-09-12 04:00:00"),
  result(PICK.mclaurinSecondInGame, "Jayden Reed", 0, 0, 1, "2025-09-12 04:05:00"),
  result(PICK.jordanSmithOnBothTeams, "Jayden Reed", 0, 0, 0, "2025-09-12 04:10:00"),
  result(PICK.nacuaWeekTwo, "Puka Nacua", 1, 1.91, 1, "2025-09-15 04:00:00"),
  result(PICK.chaseWeekTwo, "Ja'Marr Chase", 1, 5, 1, "2025-09-15 04:05:00"),
  result(PICK.hurtsHomeAwaySwappedId, "A.J. Brown", 0, 0, 1, "2025-09-05 04:50:00"),
  result(PICK.lacDstKalshiStyle, "Quentin Johnston", 0, 0, 0, "2025-09-06 04:55:00"),
];

/** The result row of a pick, if the v8 data has one. */
export function v8ResultOf(pickId: number): V8Result | undefined {
  return V8_RESULTS.find((r) => r.pick_id === pickId);
}

function stat(
  id: number,
  playerName: string,
  team: string | null,
  position: string | null,
  firstTdCount: number,
  lastTdWeek: number | null,
): V8PlayerStat {
  return {
    id,
    player_name: playerName,
    season: SEASON,
    team,
    position,
    games_played: 2,
    first_td_count: firstTdCount,
    any_time_td_count: firstTdCount + 1,
    red_zone_targets: id % 5,
    red_zone_touches: (id * 3) % 7,
    last_td_week: lastTdWeek,
    recent_form: id / 8,
    updated_at: `2025-09-16 0${id}:00:00`,
  };
}

export const STAT = {
  barkleyUnknown: 1,
  walkerWithSuffixUnknown: 2,
  chaseApostropheUnknown: 3,
  kelceTeamAliasUnknown: 4,
  henryNotRosteredUnknown: 5,
  jordanSmithTeamDisambiguates: 6,
  lambKnownPosition: 7,
  mclaurinNullPosition: 8,
} as const;

export const V8_PLAYER_STATS: V8PlayerStat[] = [
  stat(STAT.barkleyUnknown, "Saquon Barkley", "PHI", "Unknown", 1, 1),
  stat(STAT.walkerWithSuffixUnknown, "Kenneth Walker III", "SEA", "Unknown", 1, 1),
  stat(STAT.chaseApostropheUnknown, "Ja'Marr Chase", "CIN", "Unknown", 1, 2),
  stat(STAT.kelceTeamAliasUnknown, "Travis Kelce", "KAN", "Unknown", 0, null),
  stat(STAT.henryNotRosteredUnknown, "Derrick Henry", "BAL", "Unknown", 2, 2),
  stat(STAT.jordanSmithTeamDisambiguates, "Jordan Smith", "GB", "Unknown", 0, null),
  stat(STAT.lambKnownPosition, "CeeDee Lamb", "DAL", "WR", 0, null),
  stat(STAT.mclaurinNullPosition, "Terry McLaurin", "WAS", null, 1, 1),
];

// ---------------------------------------------------------------------------------------------------------
// What the legacy import writes between v10 and v11: games, players, rosters of 2025 weeks 1-2 (a subset:
// BUF, BAL and every week-2 game of KC and PHI are missing, as in a partial import).
// ---------------------------------------------------------------------------------------------------------

function game(id: string, kickoffAt: string, homeScore: number, awayScore: number): Row {
  const [season, week, away, home] = id.split("_");
  return {
    id,
    season: Number(season),
    week: Number(week),
    game_type: "REG",
    kickoff_at: kickoffAt,
    home_team: home,
    away_team: away,
    home_score: homeScore,
    away_score: awayScore,
    status: "final",
    is_placeholder: 0,
  };
}

export const IMPORTED_GAMES: Row[] = [
  game(GAME.dalAtPhi, "2025-09-05T00:20:00Z", 24, 20),
  game(GAME.kcAtLac, "2025-09-06T00:00:00Z", 27, 21),
  game(GAME.houAtLa, "2025-09-07T20:25:00Z", 14, 9),
  game(GAME.cinAtCle, "2025-09-07T17:00:00Z", 16, 17),
  game(GAME.sfAtSea, "2025-09-07T20:25:00Z", 13, 17),
  game(GAME.nygAtWas, "2025-09-07T17:00:00Z", 21, 6),
  game(GAME.wasAtGb, "2025-09-12T00:15:00Z", 27, 18),
  game(GAME.laAtTen, "2025-09-14T17:00:00Z", 19, 33),
  game(GAME.seaAtPit, "2025-09-14T17:00:00Z", 17, 31),
  game(GAME.jaxAtCin, "2025-09-14T17:00:00Z", 31, 27),
];

interface RosteredPlayer {
  id: string;
  name: string;
  team: string;
  position: string;
  jersey: number;
}

const ROSTERED: RosteredPlayer[] = [
  { id: PLAYER.barkley, name: "Saquon Barkley", team: "PHI", position: "RB", jersey: 26 },
  { id: PLAYER.hurts, name: "Jalen Hurts", team: "PHI", position: "QB", jersey: 1 },
  { id: PLAYER.ajBrown, name: "A.J. Brown", team: "PHI", position: "WR", jersey: 11 },
  { id: PLAYER.lamb, name: "CeeDee Lamb", team: "DAL", position: "WR", jersey: 88 },
  { id: PLAYER.kelce, name: "Travis Kelce", team: "KC", position: "TE", jersey: 87 },
  { id: PLAYER.mahomes, name: "Patrick Mahomes", team: "KC", position: "QB", jersey: 15 },
  { id: PLAYER.worthy, name: "Xavier Worthy", team: "KC", position: "WR", jersey: 1 },
  { id: PLAYER.mcconkey, name: "Ladd McConkey", team: "LAC", position: "WR", jersey: 15 },
  { id: PLAYER.nacua, name: "Puka Nacua", team: "LA", position: "WR", jersey: 12 },
  { id: PLAYER.walker, name: "Kenneth Walker III", team: "SEA", position: "RB", jersey: 9 },
  { id: PLAYER.chase, name: "JaMarr Chase", team: "CIN", position: "WR", jersey: 1 },
  { id: PLAYER.mclaurin, name: "Terry McLaurin", team: "WAS", position: "WR", jersey: 17 },
  { id: PLAYER.reed, name: "Jayden Reed", team: "GB", position: "WR", jersey: 11 },
  { id: PLAYER.jordanSmithWas, name: "Jordan Smith", team: "WAS", position: "RB", jersey: 30 },
  { id: PLAYER.jordanSmithGb, name: "Jordan Smith", team: "GB", position: "WR", jersey: 84 },
];

export const IMPORTED_PLAYERS: Row[] = ROSTERED.map((p) => ({
  id: p.id,
  full_name: p.name,
  name_key: normalizePlayerName(p.name),
  espn_id: null,
  sleeper_id: null,
  defense_team: null,
  is_fallback_id: 0,
  birth_date: null,
}));

export const IMPORTED_ROSTERS: Row[] = ROSTERED.map((p) => ({
  season: SEASON,
  player_id: p.id,
  player_name: p.name,
  team: p.team,
  position: p.position,
  raw_position: p.position,
  depth_chart_position: p.position,
  status: "ACT",
  jersey: p.jersey,
  is_current: 1,
}));

/** Loads the v8 rows (a database at v10 or earlier: picks.game_id still free text). */
export async function loadDirtyV8Data(db: D1Database): Promise<void> {
  await insertRows(db, "users", V8_USERS);
  await insertRows(db, "weeks", V8_WEEKS);
  await insertRows(db, "picks", V8_PICKS);
  await insertRows(db, "results", V8_RESULTS);
  await insertRows(db, "player_stats", V8_PLAYER_STATS);
}

/** What the legacy import adds at v10: games, players and rosters (needs migrations 0001 and 0002). */
export async function loadLegacyImport(db: D1Database): Promise<void> {
  await insertRows(db, "games", IMPORTED_GAMES);
  await insertRows(db, "players", IMPORTED_PLAYERS);
  await insertRows(db, "rosters", IMPORTED_ROSTERS);
}

/** The season and week number of a v8 week id. */
export function weekNumberOf(weekId: number): number {
  const week = WEEK_NUMBER[weekId];
  if (week === undefined) throw new Error(`unknown week id ${weekId}`);
  return week;
}
