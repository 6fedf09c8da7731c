// The synthetic league of `npm run bench`: deterministic from a seed (mulberry32), realistic enough that the
// queries see production-like shapes (32 teams, 53-man rosters with real position mix and statuses, an 18-week
// 272-game season with byes, first-TD odds by depth chart, a skewed pick distribution with one marquee game).
// Everything small is generated here in JS; the picks (millions) are generated inside D1 by set-based SQL
// (picksInsertSql) from two small helper tables, so that no row crosses HTTP one by one.
import { mulberry32 } from "../lib/prng";

export const SEASON = 2025;
export const WEEKS = 18;
/** The week whose games are still to be played (market odds, pick creation). */
export const UPCOMING_WEEK = 18;
/** The marquee game: week 17, idx 0; final but not graded yet (the grading scenario grades it). */
export const MARQUEE_WEEK = 17;
/** Candidate slots per game (a weighted list: popular players take more slots). */
export const CANDIDATE_SLOTS = 64;

export const TEAM_CODES = [
  "ARI", "ATL", "BAL", "BUF", "CAR", "CHI", "CIN", "CLE", "DAL", "DEN", "DET", "GB", "HOU", "IND", "JAX", "KC",
  "LV", "LAC", "LA", "MIA", "MIN", "NE", "NO", "NYG", "NYJ", "PHI", "PIT", "SF", "SEA", "TB", "TEN", "WAS",
];


function shuffle<T>(rand: () => number, items: readonly T[]): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    // i and j are indexes of `a`.
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a;
}

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)] as T;
}

const FIRST_NAMES = [
  "Aaron", "Amari", "Andre", "Austin", "Bijan", "Brandon", "Brock", "Bryce", "Caleb", "Cameron", "Chase", "Chris",
  "Christian", "Cooper", "Dak", "Dalton", "Damien", "Darius", "David", "Davante", "DeAndre", "Derrick", "Devin",
  "Dontayvion", "Drake", "Evan", "Garrett", "George", "Isiah", "Jahmyr", "Jake", "Jalen", "Jamarr", "James", "Jared",
  "Jaylen", "Jayden", "Jordan", "Josh", "Joe", "Justin", "Kenneth", "Keenan", "Kyle", "Kyren", "Lamar", "Malik",
  "Marcus", "Mark", "Marvin", "Matthew", "Michael", "Mike", "Najee", "Nico", "Patrick", "Puka", "Rashee", "Rhamondre",
  "Saquon", "Sam", "Stefon", "Tank", "Terry", "Tony", "Travis", "Trey", "Tua", "Tyler", "Tyreek", "Xavier", "Zay",
  "José", "D'Andre", "Ja'Marr", "Amon-Ra", "T.J.", "C.J.",
];
const LAST_NAMES = [
  "Adams", "Allen", "Barkley", "Bates", "Bowers", "Brown", "Burrow", "Carter", "Chase", "Cook", "Davis", "Diggs",
  "Edwards", "Ekeler", "Evans", "Flowers", "Gibbs", "Goff", "Hall", "Harris", "Henry", "Hill", "Hockenson", "Hurts",
  "Jackson", "Jacobs", "Jefferson", "Johnson", "Jones", "Kelce", "Kittle", "Lamb", "Love", "Mahomes", "McCaffrey",
  "Mixon", "Moore", "Nabers", "Nacua", "Olave", "Pacheco", "Pierce", "Pitts", "Pollard", "Prescott", "Purdy",
  "Robinson", "Samuel", "Smith", "St. Brown", "Stroud", "Swift", "Taylor", "Thomas", "Walker", "Waddle", "Warren",
  "Williams", "Wilson", "Worthy", "Young", "Zeitler", "Achane", "Aiyuk", "Andrews", "Brooks", "Chubb", "Dell",
  "Etienne", "Freiermuth", "Godwin", "Hampton", "Irving", "Judkins", "Kincaid", "LaPorta", "Mason", "Nix",
];
const SUFFIXES = ["", "", "", "", "", "", "", "", "", "", " Jr.", " II", " III"];

/** Roster plan of a 53-man team: group, raw nflverse position, detailed depth chart positions. */
const ROSTER_PLAN: [group: string, count: number, details: string[]][] = [
  ["QB", 3, ["QB"]],
  ["RB", 4, ["RB", "RB", "RB", "FB"]],
  ["WR", 6, ["WR"]],
  ["TE", 3, ["TE"]],
  ["OL", 9, ["T", "G", "C"]],
  ["DL", 9, ["DE", "DT", "NT"]],
  ["LB", 7, ["ILB", "OLB", "MLB"]],
  ["DB", 9, ["CB", "SS", "FS"]],
  ["K", 1, ["K"]],
  ["P", 1, ["P"]],
  ["LS", 1, ["LS"]],
];

/** Base first-TD American odds by position and depth (1-based), before noise. */
function baseOdds(position: string, depth: number): number {
  const table: Record<string, number[]> = {
    RB: [550, 1100, 2200, 3500],
    WR: [650, 900, 1400, 2500, 4000, 5000],
    TE: [1000, 2200, 4000],
    QB: [1600, 5000, 8000],
    K: [20000],
  };
  return table[position]?.[depth - 1] ?? 6000;
}

/** Pick popularity weight (how many users pick him) by position and depth. */
function pickWeight(position: string, depth: number): number {
  const table: Record<string, number[]> = { RB: [10, 3, 0.6, 0.2], WR: [9, 6, 3, 0.5, 0.2, 0.1], TE: [5, 1, 0.2], QB: [4, 0.2, 0.1], K: [0.3] };
  return table[position]?.[depth - 1] ?? 0.1;
}

/** First-TD scoring weight (who actually scores) by position and depth. */
function scoreWeight(position: string, depth: number): number {
  const table: Record<string, number[]> = { RB: [14, 5, 1.5, 0.5], WR: [11, 8, 4, 1, 0.5, 0.2], TE: [6, 2, 0.5], QB: [4, 0.2, 0.1], K: [0] };
  return table[position]?.[depth - 1] ?? 0;
}

function csvField(value: unknown): string {
  const text = value === null || value === undefined ? "" : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const ROSTER_CSV_HEADER = [
  "season", "team", "position", "depth_chart_position", "jersey_number", "status", "full_name", "first_name", "last_name",
  "birth_date", "height", "weight", "college", "gsis_id", "espn_id", "sportradar_id", "yahoo_id", "rotowire_id", "pff_id",
  "pfr_id", "fantasy_data_id", "sleeper_id", "years_exp", "headshot_url", "ngs_position", "week", "game_type",
  "status_description_abbr", "football_name", "esb_id", "gsis_it_id", "smart_id", "entry_year", "rookie_year",
  "draft_club", "draft_number",
];

/** A player of the league: a row of nflverse's roster file. */
export interface Player {
  id: string;
  team: string;
  position: string;
  depthChart: string;
  depth: number;
  jersey: number;
  status: string;
  fullName: string;
  firstName: string;
  lastName: string;
  birthDate: string;
  espnId: string;
  sleeperId: string;
  gsisItId: string;
  weight: number;
  height: number;
}

/** A game of the season; status, scores and first-TD facts are set once the schedule stands. */
export interface Game {
  id: string;
  season: number;
  week: number;
  idx: number;
  away: string;
  home: string;
  kickoffAt: string;
  status?: string;
  homeScore?: number;
  awayScore?: number;
  noTd?: number;
  firstTd?: { playerId: string; name?: string; team: string; kind: string };
}

/** A pickable leg of a game: a player, or a team's defense (`name` null: the players table names it). */
export interface Leg {
  playerId: string;
  name: string | null;
  team: string;
  position: string;
  american: number;
  weight: number;
}

export interface MarketRow {
  source: string;
  gameId: string;
  season: number;
  week: number;
  playerName: string;
  team: string | null;
  impliedProbability: number;
  americanOdds: number;
  rawPrice: number;
  volume: number;
  marketId: string;
  snapshotTime: string;
  playerId: string | null;
  eventId: string;
  bid: number;
  ask: number;
  lastPrice: number;
  priceBasis: string;
  normalizedProbability: number;
  capturedAt: string;
}

export type League = ReturnType<typeof buildLeague>;

/**
 * The league. `extraRosterRows`: players only in the larger roster file of the roster-sync scenario (practice
 * squad, reserve lists), so that it has ~3,000 rows as nflverse's season rosters do.
 */
export function buildLeague({ seed, now = new Date(), extraRosterRows = 1300 }: { seed: number; now?: Date; extraRosterRows?: number }) {
  const rand = mulberry32(seed);
  // Unique names: a shuffled walk over first x last x suffix combinations.
  const combos: [number, number][] = [];
  for (let f = 0; f < FIRST_NAMES.length; f++) for (let l = 0; l < LAST_NAMES.length; l++) combos.push([f, l]);
  const names = shuffle(rand, combos);
  let nameIndex = 0;
  const usedNames = new Set<string>();
  const nextName = () => {
    for (;;) {
      // Indexes taken modulo the lengths: always in range.
      const [f, l] = names[nameIndex++ % names.length] as [number, number];
      const suffix = pick(rand, SUFFIXES);
      const first = FIRST_NAMES[f] as string;
      const last = LAST_NAMES[l] as string;
      const full = `${first} ${last}${suffix}`;
      if (!usedNames.has(full)) {
        usedNames.add(full);
        return { first, last, full };
      }
    }
  };

  let serial = 0;
  const newPlayer = (team: string, group: string, depthChart: string, depth: number, status: string): Player => {
    serial += 1;
    const name = nextName();
    const birthYear = 1990 + Math.floor(rand() * 14);
    return {
      id: `00-0${String(100000 + serial).padStart(6, "0")}`,
      team,
      position: group,
      depthChart,
      depth,
      jersey: 1 + Math.floor(rand() * 98),
      status,
      fullName: name.full,
      firstName: name.first,
      lastName: name.last,
      birthDate: `${birthYear}-${String(1 + Math.floor(rand() * 12)).padStart(2, "0")}-${String(1 + Math.floor(rand() * 28)).padStart(2, "0")}`,
      espnId: String(4000000 + serial),
      sleeperId: String(10000 + serial),
      gsisItId: String(50000 + serial),
      weight: 180 + Math.floor(rand() * 140),
      height: 68 + Math.floor(rand() * 10),
    };
  };

  // 53-man rosters. Statuses on a 53: mostly ACT; some RES (injured reserve) and INA (inactive).
  const players: Player[] = [];
  const byTeam = new Map<string, Player[]>();
  for (const team of TEAM_CODES) {
    const roster: Player[] = [];
    for (const [group, count, details] of ROSTER_PLAN) {
      for (let depth = 1; depth <= count; depth++) {
        const r = rand();
        // Starters are active; depth players are sometimes hurt or inactive.
        const status = depth === 1 ? "ACT" : r < 0.06 ? "RES" : r < 0.1 ? "INA" : "ACT";
        roster.push(newPlayer(team, group, details[(depth - 1) % details.length] as string, depth, status));
      }
    }
    byTeam.set(team, roster);
    players.push(...roster);
  }

  // The schedule: 18 weeks, 8 bye weeks (5..12) with 4 teams off each; the other teams paired at random.
  const byeGroups = shuffle(rand, TEAM_CODES);
  const byeWeekOf = new Map(byeGroups.map((team, i) => [team, 5 + Math.floor(i / 4)]));
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const day = 86400000;
  // Week 18's Sunday is 3 days ahead, so its games are open for picks; earlier weeks are a week apart before it.
  const sundayOf = (week: number) => today + 3 * day - (UPCOMING_WEEK - week) * 7 * day;
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
  const games: Game[] = [];
  for (let week = 1; week <= WEEKS; week++) {
    const playing = shuffle(rand, TEAM_CODES.filter((t) => byeWeekOf.get(t) !== week));
    const sunday = sundayOf(week);
    for (let i = 0; i < playing.length; i += 2) {
      const idx = i / 2;
      // An even count of teams plays: both are there.
      const away = playing[i] as string;
      const home = playing[i + 1] as string;
      let kickoff: number;
      if (week === UPCOMING_WEEK) kickoff = sunday + (idx < 10 ? 18 : 21.4) * 3600000;
      else if (idx === 0 && week !== MARQUEE_WEEK) kickoff = sunday - 3 * day + 0.25 * 3600000 + day; // Thursday night (UTC Fri 00:15)
      else if (idx < 10) kickoff = sunday + 18 * 3600000;
      else if (idx < 13) kickoff = sunday + 21.4 * 3600000;
      else if (idx < 14) kickoff = sunday + day + 0.33 * 3600000; // Sunday night (UTC Mon 00:20)
      else kickoff = sunday + 2 * day + 0.25 * 3600000; // Monday night (UTC Tue 00:15)
      games.push({
        id: `${SEASON}_${String(week).padStart(2, "0")}_${away}_${home}`,
        season: SEASON,
        week,
        idx,
        away,
        home,
        kickoffAt: iso(Math.round(kickoff / 1000) * 1000),
      });
    }
  }

  // Per game: the pickable, active players of both teams with their odds and popularity.
  const pickableOf = (team: string): Player[] =>
    (byTeam.get(team) as Player[]).filter((p) => p.status === "ACT" && ["QB", "RB", "WR", "TE", "K"].includes(p.position));
  const oddsOf = new Map<string, number>();
  for (const p of players) {
    if (!["QB", "RB", "WR", "TE", "K"].includes(p.position)) continue;
    const noisy = baseOdds(p.position, p.depth) * (0.8 + rand() * 0.5);
    oddsOf.set(p.id, Math.round(noisy / 10) * 10);
  }
  for (const team of TEAM_CODES) oddsOf.set(`DEF-${team}`, 1800 + Math.round(rand() * 8) * 100);

  // Every pickable player and every team's defense has odds (set above).
  const candidatesOf = (game: Game): Leg[] => {
    const legs: Leg[] = [];
    for (const team of [game.away, game.home]) {
      for (const p of pickableOf(team)) {
        legs.push({ playerId: p.id, name: p.fullName, team, position: p.position, american: oddsOf.get(p.id) as number, weight: pickWeight(p.position, p.depth) });
      }
      legs.push({ playerId: `DEF-${team}`, name: null, team, position: "DEF", american: oddsOf.get(`DEF-${team}`) as number, weight: 1.2 });
    }
    return legs;
  };

  // Weighted candidate slots per game (CANDIDATE_SLOTS each): the picks draw a slot uniformly.
  const candidateRows: ({ gameId: string; slot: number } & Leg)[] = [];
  for (const game of games) {
    const legs = candidatesOf(game);
    const total = legs.reduce((s, l) => s + l.weight, 0);
    let acc = 0;
    let slot = 0;
    for (const leg of legs) {
      acc += leg.weight;
      const end = Math.round((acc / total) * CANDIDATE_SLOTS);
      for (; slot < end; slot++) candidateRows.push({ gameId: game.id, slot, ...leg });
    }
    for (; slot < CANDIDATE_SLOTS; slot++) candidateRows.push({ gameId: game.id, slot, ...(legs[0] as Leg) });
  }

  // Outcomes: weeks 1..17 are final; all graded except the marquee game. One game is canceled.
  const canceledGameId = games.find((g) => g.week === 9 && g.idx === 3)?.id;
  const marquee = games.find((g) => g.week === MARQUEE_WEEK && g.idx === 0) as Game;
  for (const game of games) {
    if (game.week === UPCOMING_WEEK) {
      game.status = "scheduled";
      continue;
    }
    game.status = game.id === canceledGameId ? "canceled" : "final";
    if (game.status === "final") {
      game.homeScore = Math.floor(rand() * 35) + 3;
      game.awayScore = Math.floor(rand() * 35) + 3;
    }
    if (game.id === marquee.id || game.status === "canceled") continue;
    const r = rand();
    if (r < 0.015) {
      game.noTd = 1;
      continue;
    }
    const scoringTeam = rand() < 0.5 ? game.home : game.away;
    if (r < 0.065) {
      game.firstTd = { playerId: `DEF-${scoringTeam}`, team: scoringTeam, kind: rand() < 0.5 ? "return" : "defense" };
      continue;
    }
    const scorers = (byTeam.get(scoringTeam) as Player[]).filter((p) => p.status === "ACT" && scoreWeight(p.position, p.depth) > 0);
    const total = scorers.reduce((s, p) => s + scoreWeight(p.position, p.depth), 0);
    let x = rand() * total;
    let scorer = scorers[0] as Player;
    for (const p of scorers) {
      x -= scoreWeight(p.position, p.depth);
      if (x <= 0) {
        scorer = p;
        break;
      }
    }
    const kind = scorer.position === "RB" ? (rand() < 0.8 ? "rush" : "reception") : scorer.position === "QB" ? "rush" : "reception";
    game.firstTd = { playerId: scorer.id, name: scorer.fullName, team: scoringTeam, kind };
  }

  // Market snapshots of the upcoming games: two sources, every leg plus "No Touchdown", hourly for 6 hours.
  const marketRows: MarketRow[] = [];
  const nowMs = now.getTime();
  for (const game of games.filter((g) => g.week === UPCOMING_WEEK)) {
    const legs = candidatesOf(game);
    for (const source of ["kalshi", "polymarket"]) {
      const probs = legs.map((l) => 100 / (l.american + 100));
      const noTd = 0.015;
      const sum = probs.reduce((s, p) => s + p, 0) + noTd;
      for (let h = 6; h >= 1; h--) {
        const snapshot = iso(Math.floor((nowMs - h * 3600000) / 600000) * 600000);
        const captured = iso(Math.floor((nowMs - h * 3600000) / 1000) * 1000 + 17000);
        const all = [...legs.map((l, i) => ({ ...l, p: probs[i] as number })), { playerId: null, name: "No Touchdown", team: null, p: noTd }];
        for (const leg of all) {
          const drift = 1 + (rand() - 0.5) * 0.1;
          const p = Math.min(0.95, Math.max(0.002, leg.p * drift));
          const american = p >= 0.5 ? -Math.round((p / (1 - p)) * 100) : Math.round(((1 - p) / p) * 100);
          marketRows.push({
            source,
            gameId: game.id,
            season: SEASON,
            week: game.week,
            playerName: leg.name ?? `${leg.team} Defense`,
            team: leg.team,
            impliedProbability: Math.round(p * 10000) / 10000,
            americanOdds: american,
            rawPrice: Math.round(p * 100) / 100,
            volume: Math.round(rand() * 50000),
            marketId: `${source}-${game.id}-${leg.playerId ?? "NOTD"}`,
            snapshotTime: snapshot,
            playerId: leg.playerId,
            eventId: `${source}-${game.id}`,
            bid: Math.round((p - 0.01) * 100) / 100,
            ask: Math.round((p + 0.01) * 100) / 100,
            lastPrice: Math.round(p * 100) / 100,
            priceBasis: "mid",
            normalizedProbability: Math.round((p / sum) * 10000) / 10000,
            capturedAt: captured,
          });
        }
      }
    }
  }

  // The larger roster file (roster-sync scenario): the league's rows unchanged, plus practice-squad and reserve
  // players, plus a few changes to league players (status, jersey, a few trades) so that the first run writes
  // something and the second run nothing.
  const extra: Player[] = [];
  const extraStatuses: [string, number][] = [["DEV", 0.55], ["RES", 0.2], ["INA", 0.1], ["CUT", 0.1], ["RET", 0.05]];
  for (let i = 0; i < extraRosterRows; i++) {
    const team = TEAM_CODES[i % TEAM_CODES.length] as string;
    // One of the first 8 groups of the plan (11).
    const [group, , details] = ROSTER_PLAN[Math.floor(rand() * 8)] as [string, number, string[]];
    let x = rand();
    let status = "DEV";
    for (const [s, w] of extraStatuses) {
      x -= w;
      if (x <= 0) {
        status = s;
        break;
      }
    }
    extra.push(newPlayer(team, group, pick(rand, details), 9, status));
  }
  const changes: Player[] = [];
  const changeable = shuffle(rand, players.filter((p) => p.depth > 1));
  for (let i = 0; i < 60; i++) {
    // Hundreds of depth players: the first 60 are there.
    const p = { ...(changeable[i] as Player) };
    if (i < 10) p.team = TEAM_CODES[(TEAM_CODES.indexOf(p.team) + 1 + i) % TEAM_CODES.length] as string;
    else if (i < 40) p.status = p.status === "ACT" ? "RES" : "ACT";
    else p.jersey = (p.jersey % 98) + 1;
    changes.push(p);
  }

  return { seed, season: SEASON, players, byTeam, games, marquee, candidateRows, marketRows, extra, changes, oddsOf, pickableOf };
}

function csvRow(p: Player): string {
  return [
    SEASON, p.team, p.position, p.depthChart, p.jersey, p.status, p.fullName, p.firstName, p.lastName, p.birthDate,
    p.height, p.weight, "State", p.id, p.espnId, `sr-${p.id}`, "", "", "", "", "", p.sleeperId, 3, "", "", 18, "REG",
    "A01", p.firstName, `ESB${p.gsisItId}`, p.gsisItId, `smart-${p.id}`, 2021, 2021, "", "",
  ].map(csvField).join(",");
}

/** nflverse roster_{season}.csv of the league's 53-man rosters. */
export function leagueRosterCsv(league: League): string {
  return [ROSTER_CSV_HEADER.join(","), ...league.players.map(csvRow)].join("\n") + "\n";
}

/** The ~3,000-row roster file of the roster-sync scenario. */
export function fullRosterCsv(league: League): string {
  const changed = new Map(league.changes.map((p) => [p.id, p]));
  const rows = league.players.map((p) => csvRow(changed.get(p.id) ?? p));
  return [ROSTER_CSV_HEADER.join(","), ...rows, ...league.extra.map(csvRow)].join("\n") + "\n";
}

// -------------------------------------------------------------------------------------------------------------
// SQL. A multiplicative-squaring hash keeps every intermediate below 2^62, so SQLite stays in 64-bit integers.
// -------------------------------------------------------------------------------------------------------------

/**
 * The picks of week ?6 made by users [?1, ?2] (ids), inserted in the order they were made (created_at: 2-97 hours
 * before kickoff), so that pick ids follow time as real ones do and one game's picks share pages with the other games
 * of its week. Each user makes ?3 picks in all: slot k of user u is in week 1 + ((k + r(u)) mod 18), so each user
 * picks once a week and the extra picks land in rotating weeks; within a week, round k/18 shifts the game index,
 * so a user never picks twice in one game. A fifth of the users pick the marquee game in its week (~20,000 picks at
 * 100,000 users). The player is a weighted candidate slot of the game. No repeated player per user per week follows:
 * a player plays one game a week. The price frozen on each pick is the player's line +-15% (markets move), so the
 * units of the standings take nearly every value in hundredths, as real ones do.
 */
export function picksInsertSql(): string {
  return `
INSERT INTO picks (user_id, week_id, team, player_name, odds, theoretical_return, game_id, created_at, player_id, position,
  updated_at, implied_probability, american_odds, decimal_odds, odds_source, odds_snapshot_at)
WITH RECURSIVE lap(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM lap WHERE j < (?3 - 1) / 18),
  u AS (SELECT id AS uid, (id * 7919 + ?4) % 2147483647 AS x FROM users WHERE id BETWEEN ?1 AND ?2),
  uh AS (SELECT uid, (x * x + 11) % 2147483647 AS h FROM u),
  -- the slots k of week ?6: 1 + ((k + h % 18) % 18) = ?6
  uk AS (SELECT uid, h, ((?6 - 1 - h % 18) % 18 + 18) % 18 + 18 * j AS k FROM uh CROSS JOIN lap),
  us AS (SELECT uid, h, k, ?6 AS week, k / 18 AS round FROM uk WHERE k < ?3),
  uy AS (SELECT uid, h, k, week, round, (uid * 104729 + week * 7907 + ?4) % 2147483647 AS y,
           (uid * 31337 + k * 65537 + ?4 * 3) % 2147483647 AS v FROM us),
  uz AS (SELECT uid, h, k, week, round, (y * y + 17) % 2147483647 AS z, (v * v + 3) % 2147483647 AS w FROM uy),
  n AS (SELECT week, count(*) AS n FROM _bench_week_games GROUP BY week),
  chosen AS (
    SELECT uz.uid, uz.k, uz.week, uz.z, uz.w,
      CASE
        WHEN uz.week = ?5 AND (uz.h / 18) % 5 = 0 THEN uz.round % n.n
        WHEN uz.week = ?5 THEN (1 + uz.z % (n.n - 1) + uz.round) % n.n
        ELSE (uz.z % n.n + uz.round) % n.n
      END AS idx,
      (uz.w / 7) % ${CANDIDATE_SLOTS} AS slot
    FROM uz JOIN n ON n.week = uz.week
  ),
  priced AS (
    -- The price frozen on the pick is the market's at the time: the player's line +-15% (whole American odds).
    SELECT c.uid, c.k, c.z, wk.id AS week_id, cand.team, cand.player_name, cand.player_id, cand.position, wg.game_id, g.kickoff_at,
      CAST(round(cand.american * (850 + (c.w / 64) % 301) / 1000.0) AS INTEGER) AS am
    FROM chosen c
    JOIN _bench_week_games wg ON wg.week = c.week AND wg.idx = c.idx
    JOIN _bench_candidates cand ON cand.game_id = wg.game_id AND cand.slot = c.slot
    JOIN weeks wk ON wk.season = ${SEASON} AND wk.week = c.week
    JOIN games g ON g.id = wg.game_id
  )
SELECT uid, week_id, team, player_name, am, 1 + am / 100.0, game_id,
  strftime('%Y-%m-%dT%H:%M:%SZ', kickoff_at, '-' || (2 + z % 96) || ' hours'), player_id, position,
  strftime('%Y-%m-%dT%H:%M:%SZ', kickoff_at, '-' || (2 + z % 96) || ' hours'),
  1.0 / (1 + am / 100.0), am, 1 + am / 100.0, 'kalshi',
  strftime('%Y-%m-%dT%H:%M:%SZ', kickoff_at, '-1 hours')
FROM priced
ORDER BY 8, uid, k`;
}

// -------------------------------------------------------------------------------------------------------------
// Leagues (v23): every user in 1-3 leagues, one large league (a fifth of the users: 20,000 at 100,000 users, id 1)
// whose board is mirrored into league_standings, the rest small leagues of a dozen members (read whole), and a tenth
// of the users on the public board (league_standings league 0).
// -------------------------------------------------------------------------------------------------------------

/** The large league's id (its board reaches 50 members and is mirrored into league_standings). */
export const LARGE_LEAGUE_ID = 1;
/** Members per small league (they stay under the 50 from which a board is mirrored). */
export const SMALL_LEAGUE_SIZE = 12;

/** The large league's size: a fifth of the users (20,000 at the default 100,000). */
export function largeLeagueSize(users: number): number {
  return Math.floor(users / 5);
}

/**
 * The memberships into helper table _bench_league_slots (league_id, user_id), deterministic from the seed: user u is in
 * the large league when ((u - 1) * 7919 + seed) mod N < N / 5 (a bijection of [0, N) when 7919 does not divide N: exactly
 * N / 5 members), in 1-3 leagues in all (k(u) from a hash), its other leagues small ones: every (user, slot) pair in an
 * order shuffled by a hash, cut into groups of 12. ?1 users N, ?2 seed, ?3 large league size. A user whose two slots
 * fall in one group (rare) is in it once.
 */
export function leagueSlotsSql(): string {
  return `
INSERT OR IGNORE INTO _bench_league_slots (league_id, user_id)
WITH RECURSIVE
  u AS (SELECT id AS uid, ((id - 1) * 7919 + ?2) % ?1 AS perm, (id * 48271 + ?2) % 2147483647 AS x FROM users WHERE id <= ?1),
  uk AS (SELECT uid, perm < ?3 AS large, 1 + (((x * x + 13) % 2147483647) / 7) % 3 AS k FROM u),
  slot(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM slot WHERE j < 2),
  slots AS (SELECT uk.uid, slot.j AS j FROM uk CROSS JOIN slot WHERE slot.j < uk.k - uk.large),
  hashed AS (SELECT uid, j, (uid * 31337 + j * 65537 + ?2 * 5) % 2147483647 AS y FROM slots),
  ordered AS (SELECT uid, row_number() OVER (ORDER BY (y * y + 7) % 2147483647, uid, j) AS rn FROM hashed)
SELECT ${LARGE_LEAGUE_ID}, uid FROM uk WHERE large
UNION ALL
SELECT ${LARGE_LEAGUE_ID + 1} + (rn - 1) / ${SMALL_LEAGUE_SIZE}, uid FROM ordered`;
}

/**
 * The users on the public board: exactly a tenth, ((u - 1) * 104729 + 3 * seed) mod N < N / 10 (?1 N, ?2 seed).
 * Set through the column, so the v23 trigger users_global_board mirrors their standings as an opt-in does.
 */
export function globalBoardOptInSql(): string {
  return `UPDATE users SET on_global_board = 1 WHERE id <= ?1 AND ((id - 1) * 104729 + 3 * ?2) % ?1 < ?1 / 10`;
}
