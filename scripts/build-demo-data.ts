// Generates demo/seed.sql, the local demo's data, from the real public data in ../shared/data.
//
//   npx tsx scripts/build-demo-data.ts [--shared <dir>] [--out <file>]
//
// A developer tool: a fresh clone has no ../shared, which is why the generated demo/seed.sql is committed and
// `npm start` / `npm run db:seed:local` only ever read that file. Node built-ins and the app's own name and first-TD
// rules (src/domain), deterministic:
// the same inputs give the same file byte for byte.
//
// What it writes (see demo/README.md):
// - season 2025 week 13: the 16 real games from nflverse games.csv (kickoffs US Eastern -> UTC, final scores,
//   ESPN event ids), the active skill players (QB RB WR TE K; a fullback is an RB) of all 32 teams from the
//   nflverse 2025 roster, plus the week's starting QBs and first-TD scorers whatever their end-of-season status,
//   the teams' DEF pseudo-players on the roster, 5 users, their picks, and the real first-TD facts of all 16 games,
//   applied with UPDATE games after the picks exist so that the v14 triggers grade them;
// - 2026 rosters for all 32 teams built from the same 2025 players (no 2026 roster is available offline);
// - the whole 2026 regular season (NFL shield schedule, kickoffs already UTC; games whose kickoff is still "TBD" are
//   placeholders without one), one block per week, and per week a few made-up picks of blake, casey and devon with
//   the time they were made left to the load. Which weeks are loaded, and whether the open one moves, is decided at
//   load time (scripts/lib/demo-clock.ts): the file holds every week, the load takes the open one and those after it.
//
// Every statement is idempotent (INSERT ... ON CONFLICT DO NOTHING; grading only WHERE the game has no facts yet)
// and is kept far below D1's 100 KB statement limit (plain SQL literals, no bound parameters).
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { firstTdKindFromNflverse } from "../src/domain/first-td";
import type { FirstTdKind } from "../src/domain/grading";
import { normalizePlayerName } from "../src/domain/names";
import { OPEN_SEASON, PICKED_AT_PLACEHOLDER, blockMarker } from "./lib/demo-clock";
import { mulberry32 } from "./lib/prng";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

function argValue(name: string, fallback: string): string {
  const value = process.argv[process.argv.indexOf(name) + 1];
  return process.argv.includes(name) && value ? resolve(value) : fallback;
}
const SHARED = argValue("--shared", process.env.FIRSTTD_SHARED_DIR ?? resolve(ROOT, "..", "shared"));
const OUT = argValue("--out", resolve(ROOT, "demo", "seed.sql"));
const DATA = resolve(SHARED, "data");

// ------------------------------------------------------------------------------------------------
// Choices of the demo (all real data; only the users and their picks are made up).
// ------------------------------------------------------------------------------------------------
const PAST = { season: 2025, week: 13 };
/** The season whose schedule the demo holds in full; one of its weeks is open for picks at load time. */
const FUTURE = { season: OPEN_SEASON };
const LAST_REG_WEEK = 18;
/** The games of PAST graded with their real first-TD facts: all of them (the week is long over, and the nightly
 *  quality checks rightly flag a final game left ungraded). They show every kind: rushes and catches, a DEF
 *  interception return, a punt return, an offensive lineman's catch nobody could pick. */
const GRADED_GAMES = [
  "2025_13_GB_DET",
  "2025_13_KC_DAL",
  "2025_13_CIN_BAL",
  "2025_13_CHI_PHI",
  "2025_13_SF_CLE",
  "2025_13_ARI_TB",
  "2025_13_MIN_SEA",
  "2025_13_NYG_NE",
  "2025_13_ATL_NYJ",
  "2025_13_BUF_PIT",
  "2025_13_DEN_WAS",
  "2025_13_HOU_IND",
  "2025_13_JAX_TEN",
  "2025_13_LA_CAR",
  "2025_13_LV_LAC",
  "2025_13_NO_MIA",
];
const RECORDED_BY = "demo-seed";
type UserName = "alex" | "blake" | "casey" | "devon" | "emery";
const USERS: { name: UserName; email: string; isAdmin: 0 | 1 }[] = [
  { name: "alex", email: "alex@example.com", isAdmin: 1 },
  { name: "blake", email: "blake@example.com", isAdmin: 0 },
  { name: "casey", email: "casey@example.com", isAdmin: 0 },
  { name: "devon", email: "devon@example.com", isAdmin: 0 },
  { name: "emery", email: "emery@example.com", isAdmin: 0 },
];
/** Picks placed by hand so that the graded games show every outcome: a player win, a DEF win on an interception
 *  return, a DEF win on a punt return (the scorer's team, not the team in possession), losses. */
const FIXED_PAST_PICKS: { user: UserName; game: string; player: string }[] = [
  { user: "alex", game: "2025_13_CIN_BAL", player: "00-0032764" }, // Derrick Henry: wins (rush)
  { user: "blake", game: "2025_13_MIN_SEA", player: "DEF-SEA" }, // wins: Ernest Jones interception return
  { user: "casey", game: "2025_13_NYG_NE", player: "DEF-NE" }, // wins: Marcus Jones punt return
  { user: "devon", game: "2025_13_SF_CLE", player: "00-0033280" }, // Christian McCaffrey: wins (rush)
  { user: "emery", game: "2025_13_KC_DAL", player: "00-0039067" }, // Rashee Rice: wins (reception)
  { user: "emery", game: "2025_13_NYG_NE", player: "DEF-NYG" }, // loses: the return TD was New England's
  { user: "devon", game: "2025_13_MIN_SEA", player: "DEF-MIN" }, // loses
];
/** How many PAST games each user skipped (picks are optional per game). */
const SKIPPED_GAMES: Record<UserName, number> = { alex: 2, blake: 4, casey: 3, devon: 5, emery: 6 };
/** A few picks already made in the open week (hidden from others until kickoff); the rest is open. Made up for every
 *  week of FUTURE (each week from its own seed), loaded only for the week that opens; made a day before the load. */
const FUTURE_PICKS_PER_USER: Partial<Record<UserName, number>> = { blake: 3, casey: 2, devon: 4 };
const SKILL_POSITIONS = new Set(["QB", "RB", "WR", "TE", "K"]);
const POSITIONS = new Set(["QB", "RB", "WR", "TE", "K", "DEF", "OL", "DL", "LB", "DB", "P", "LS"]);
const TEAMS = new Set(
  "ARI ATL BAL BUF CAR CHI CIN CLE DAL DEN DET GB HOU IND JAX KC LA LAC LV MIA MIN NE NO NYG NYJ PHI PIT SEA SF TB TEN WAS".split(
    " ",
  ),
);
const MAX_ROWS_PER_STATEMENT = 50;
const MAX_STATEMENT_BYTES = 50_000; // D1 allows 100 KB; stay well below.

// ------------------------------------------------------------------------------------------------
// Helpers
// ------------------------------------------------------------------------------------------------

/** RFC 4180 CSV (quoted fields, "" escapes, newlines inside quotes) -> array of objects keyed by the header; `columns`
 *  must be among its columns. */
function readCsv<Column extends string>(file: string, columns: readonly Column[]): Record<Column, string>[] {
  const text = readFileSync(resolve(DATA, file), "utf8").replace(/^\uFEFF/, "");
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  const [header = [], ...body] = rows.filter((r) => r.length > 1 || r[0] !== "");
  const missing = columns.filter((c) => !header.includes(c));
  if (missing.length > 0) fail(`${file} has no column ${missing.join(", ")}`);
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ""])) as Record<Column, string>);
}


/** A re-saved id or integer ("4429025.0") -> "4429025"; blank -> null. */
function cleanInt(value: string): string | null {
  const v = value.trim();
  if (v === "" || v.toUpperCase() === "NA") return null;
  const m = /^(-?\d+)(?:\.0+)?$/.exec(v);
  if (!m?.[1]) throw new Error(`not an integer: ${JSON.stringify(value)}`);
  return m[1];
}

const easternFormat = new Intl.DateTimeFormat("en-US", {
  timeZone: "America/New_York",
  hourCycle: "h23",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
});
/** US Eastern wall time ("2025-11-30", "13:00") -> ISO UTC "2025-11-30T18:00:00Z", DST-aware. */
function easternToUtc(date: string, time: string): string {
  const [y, mo, d] = date.split("-").map(Number);
  const [h, mi] = time.split(":").map(Number);
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi));
  for (const offsetHours of [5, 4]) {
    const instant = wall + offsetHours * 3_600_000;
    const p: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = Object.fromEntries(
      easternFormat.formatToParts(new Date(instant)).map((x) => [x.type, x.value]),
    );
    if (Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute)) === wall) return isoUtc(instant);
  }
  throw new Error(`no UTC instant for US Eastern ${date} ${time}`);
}
const isoUtc = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

const random = mulberry32(20251130);
function weightedChoice<T>(items: T[], weight: (item: T) => number, rng = random): T {
  const total = items.reduce((s, x) => s + weight(x), 0);
  let r = rng() * total;
  for (const x of items) {
    r -= weight(x);
    if (r < 0) return x;
  }
  return items[items.length - 1] ?? fail("a choice among none");
}
function shuffled<T>(items: T[], rng = random): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

type SqlValue = string | number | null | undefined;
function sql(value: SqlValue): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`bad number ${value}`);
    return String(value);
  }
  return `'${String(value).replace(/'/g, "''")}'`;
}
const tuple = (values: SqlValue[]): string => `(${values.map(sql).join(", ")})`;
function chunks<T>(items: T[], size = MAX_ROWS_PER_STATEMENT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
function fail(message: string): never {
  throw new Error(`build-demo-data: ${message}`);
}
/** `value`, known to be there (a lookup of what was just built); fails with `what` otherwise. */
function must<T>(value: T | undefined, what: string): T {
  return value === undefined ? fail(`no ${what}`) : value;
}

interface Game {
  id: string;
  season: number;
  week: number;
  gameType: string;
  kickoffAt: string | null;
  homeTeam: string;
  awayTeam: string;
  homeScore: number | null;
  awayScore: number | null;
  status: string;
  espnEventId: string | null;
  isPlaceholder?: number;
}
/** A game of the PAST week: kicked off, with its starting QBs. */
interface PastGame extends Game {
  kickoffAt: string;
  awayQb: string;
  homeQb: string;
  scoreSource: string;
}
interface FutureWeek {
  season: number;
  week: number;
  games: Game[];
  tbd: number;
  firstKickoff: string | null;
  lastKickoff: string | null;
}
interface Player {
  id: string;
  fullName: string;
  nameKey: string;
  espnId: string | null;
  sleeperId: string | null;
  birthDate: string | null;
}
interface RosterEntry {
  playerId: string;
  playerName: string;
  team: string;
  position: string | null;
  rawPosition: string | null;
  depthChartPosition: string | null;
  status: string;
  jersey: number | null;
}
/** A PAST game's first-TD facts from the truth file. */
type FirstTd =
  | { noTd: true; kind: "NO_TD" }
  | { noTd: false; playerId: string; playerName: string; team: string; kind: FirstTdKind; truthKind: string; playText: string };
interface Candidate {
  id: string;
  team: string;
  weight: number;
}
interface Pick {
  user: UserName;
  gameId: string;
  season: number;
  week: number;
  team: string;
  playerId: string;
  /** ISO UTC, or PICKED_AT_PLACEHOLDER. */
  createdAt: string;
}

// ------------------------------------------------------------------------------------------------
// Read the sources
// ------------------------------------------------------------------------------------------------
const nflverseGames = readCsv("nflverse/games.csv", [
  "game_id", "season", "week", "game_type", "gameday", "gametime", "home_team", "away_team", "home_score", "away_score",
  "espn", "away_qb_id", "home_qb_id",
]);
const roster = readCsv("nflverse/roster_2025.csv", [
  "gsis_id", "full_name", "team", "position", "depth_chart_position", "status", "jersey_number", "espn_id", "sleeper_id",
  "birth_date",
]);
const truth = readCsv("truth/first_td_2023_2025.csv", [
  "game_id", "season", "week", "kickoff_utc", "td_kind", "first_td_gsis_id", "first_td_full_name", "first_td_team",
  "description",
]);
const shield = readCsv("truth/schedule_2025_2026_nfl_shield.csv", [
  "game_id", "season", "week", "game_type", "kickoff_utc", "gameday_et", "gametime_et", "home_team", "away_team",
  "home_score", "away_score",
]);
const shieldById = new Map(shield.map((g) => [g.game_id, g]));
const truthById = new Map(truth.map((t) => [t.game_id, t]));

// --- PAST week games ---
const pastGames: PastGame[] = nflverseGames
  .filter((g) => +g.season === PAST.season && +g.week === PAST.week)
  .map((g) => {
    for (const team of [g.home_team, g.away_team]) if (!TEAMS.has(team)) fail(`unknown team ${team} in ${g.game_id}`);
    const kickoffAt = easternToUtc(g.gameday, g.gametime);
    const shieldGame = shieldById.get(g.game_id);
    // The games.csv snapshot predates Monday night of week 13: take the final score from the shield schedule then.
    let homeScore = cleanInt(g.home_score);
    let awayScore = cleanInt(g.away_score);
    let scoreSource = "nflverse games.csv";
    if (homeScore === null && shieldGame?.home_score) {
      homeScore = cleanInt(shieldGame.home_score);
      awayScore = cleanInt(shieldGame.away_score);
      scoreSource = "NFL shield schedule (games.csv snapshot has no score yet)";
    }
    if (shieldGame && shieldGame.kickoff_utc !== kickoffAt)
      fail(`${g.game_id}: kickoff ${kickoffAt} (from US Eastern) differs from the shield schedule's ${shieldGame.kickoff_utc}`);
    const truthGame = truthById.get(g.game_id);
    if (truthGame && truthGame.kickoff_utc !== kickoffAt)
      fail(`${g.game_id}: kickoff ${kickoffAt} differs from the truth file's ${truthGame.kickoff_utc}`);
    return {
      id: g.game_id,
      season: +g.season,
      week: +g.week,
      gameType: g.game_type,
      kickoffAt,
      homeTeam: g.home_team,
      awayTeam: g.away_team,
      homeScore: homeScore === null ? null : +homeScore,
      awayScore: awayScore === null ? null : +awayScore,
      status: homeScore === null ? "scheduled" : "final",
      espnEventId: cleanInt(g.espn),
      awayQb: g.away_qb_id,
      homeQb: g.home_qb_id,
      scoreSource,
    };
  })
  .sort((a, b) => a.kickoffAt.localeCompare(b.kickoffAt) || a.id.localeCompare(b.id));
if (pastGames.length === 0) fail(`no games for ${PAST.season} week ${PAST.week}`);
const pastTeams = new Set(pastGames.flatMap((g) => [g.homeTeam, g.awayTeam]));

// --- FUTURE: the whole regular season, week by week ---
// A game whose kickoff the NFL has not set yet (a late-season flex: "TBD") has no kickoff_utc: it becomes a
// placeholder (kickoff_at NULL, is_placeholder 1), which the schema allows, the pick rules keep locked and the
// nightly checks and the live sync leave alone.
const byKickoff = (a: Game, b: Game): number => (a.kickoffAt ?? "~").localeCompare(b.kickoffAt ?? "~") || a.id.localeCompare(b.id);
const futureGames: Game[] = shield
  .filter((g) => +g.season === FUTURE.season && g.game_type === "REG")
  .map((g) => {
    for (const team of [g.home_team, g.away_team]) if (!TEAMS.has(team)) fail(`unknown team ${team} in ${g.game_id}`);
    const id = `${g.season}_${String(g.week).padStart(2, "0")}_${g.away_team}_${g.home_team}`;
    if (id !== g.game_id) fail(`shield game id ${g.game_id} is not the nflverse form ${id}`);
    const tbd = g.kickoff_utc === "";
    if (tbd && (g.gameday_et !== "" || g.gametime_et !== "")) fail(`${id}: no UTC kickoff but an Eastern one`);
    if (!tbd && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(g.kickoff_utc)) fail(`${id}: kickoff ${g.kickoff_utc}`);
    if (!tbd && easternToUtc(g.gameday_et, g.gametime_et) !== g.kickoff_utc) fail(`${id}: kickoff UTC and US Eastern disagree`);
    if (g.home_score !== "" || g.away_score !== "") fail(`${id}: a ${FUTURE.season} game with a score`);
    return {
      id,
      season: +g.season,
      week: +g.week,
      gameType: g.game_type,
      kickoffAt: tbd ? null : g.kickoff_utc,
      homeTeam: g.home_team,
      awayTeam: g.away_team,
      homeScore: null,
      awayScore: null,
      status: "scheduled",
      espnEventId: null,
      isPlaceholder: tbd ? 1 : 0,
    };
  })
  .sort((a, b) => a.week - b.week || byKickoff(a, b));
const futureWeeks: FutureWeek[] = [];
for (let week = 1; week <= LAST_REG_WEEK; week++) {
  const games = futureGames.filter((g) => g.week === week);
  if (games.length < 13 || games.length > 16) fail(`${FUTURE.season} week ${week} has ${games.length} games`);
  const teams = games.flatMap((g) => [g.homeTeam, g.awayTeam]);
  if (new Set(teams).size !== teams.length) fail(`${FUTURE.season} week ${week}: a team plays twice`);
  const known = games.filter((g) => g.kickoffAt !== null);
  futureWeeks.push({
    season: FUTURE.season,
    week,
    games,
    tbd: games.length - known.length,
    firstKickoff: known[0]?.kickoffAt ?? null,
    lastKickoff: known[known.length - 1]?.kickoffAt ?? null,
  });
}
if (futureGames.length !== futureWeeks.reduce((n, w) => n + w.games.length, 0)) fail(`${FUTURE.season} games outside weeks 1-${LAST_REG_WEEK}`);
// The load picks the first week whose first kickoff lies ahead: the weeks must follow one another.
for (let i = 1; i < futureWeeks.length; i++) {
  const [before, after] = [futureWeeks[i - 1]!, futureWeeks[i]!];
  if (before.lastKickoff && after.firstKickoff && before.lastKickoff >= after.firstKickoff)
    fail(`${FUTURE.season} week ${after.week} begins before week ${before.week} ends`);
}
const futureTeams = new Set(futureGames.flatMap((g) => [g.homeTeam, g.awayTeam]));
if (futureTeams.size !== TEAMS.size) fail(`${FUTURE.season}: ${futureTeams.size} teams play`);

// --- Players and 2025 roster rows ---
const rosterById = new Map<string, (typeof roster)[number]>();
for (const r of roster) {
  if (!r.gsis_id) continue;
  if (rosterById.has(r.gsis_id)) fail(`gsis id ${r.gsis_id} twice in roster_2025.csv`);
  rosterById.set(r.gsis_id, r);
}
const included = new Map<string, string>(); // gsis id -> why
for (const r of roster) {
  if (r.gsis_id && r.status === "ACT" && SKILL_POSITIONS.has(r.position) && pastTeams.has(r.team))
    included.set(r.gsis_id, "active skill player");
}
for (const g of pastGames) {
  for (const [qb, team] of [
    [g.awayQb, g.awayTeam],
    [g.homeQb, g.homeTeam],
  ] as const) {
    const r = rosterById.get(qb);
    if (!r) fail(`${g.id}: starting QB ${qb} not on the 2025 roster`);
    if (r.team !== team) fail(`${g.id}: starting QB ${r.full_name} is on ${r.team} at season end, not ${team}`);
    if (!included.has(qb)) included.set(qb, `started at QB in ${g.id} (end-of-season status ${r.status})`);
  }
}
const pastFirstTd = new Map<string, FirstTd>(); // game id -> facts
for (const g of pastGames) {
  const t = truthById.get(g.id);
  if (!t) continue;
  if (t.td_kind === "NO_TD") {
    pastFirstTd.set(g.id, { noTd: true, kind: "NO_TD" });
    continue;
  }
  const kind = firstTdKindFromNflverse(t.td_kind);
  const r = rosterById.get(t.first_td_gsis_id);
  if (!r) fail(`${g.id}: first-TD scorer ${t.first_td_gsis_id} not on the 2025 roster`);
  if (r.team !== t.first_td_team) fail(`${g.id}: scorer ${r.full_name} is on ${r.team} at season end, not ${t.first_td_team}`);
  if (![g.homeTeam, g.awayTeam].includes(t.first_td_team)) fail(`${g.id}: first-TD team ${t.first_td_team} did not play`);
  if (!included.has(r.gsis_id))
    included.set(r.gsis_id, `scored the first TD of ${g.id} (${r.position}, end-of-season status ${r.status})`);
  pastFirstTd.set(g.id, {
    noTd: false,
    playerId: r.gsis_id,
    playerName: t.first_td_full_name || r.full_name,
    team: t.first_td_team,
    kind,
    truthKind: t.td_kind,
    playText: t.description,
  });
}
for (const id of GRADED_GAMES) {
  if (!pastGames.some((g) => g.id === id)) fail(`graded game ${id} is not in the week`);
  if (!pastFirstTd.has(id)) fail(`graded game ${id} has no first-TD fact in the truth file`);
}

const players: Player[] = [];
const rosterRows: RosterEntry[] = [];
const espnSeen = new Set<string>();
for (const id of [...included.keys()].sort()) {
  const r = must(rosterById.get(id), `roster row of ${id}`);
  const espnId = cleanInt(r.espn_id);
  if (espnId && espnSeen.has(espnId)) fail(`espn id ${espnId} twice`);
  if (espnId) espnSeen.add(espnId);
  const birthDate = /^\d{4}-\d{2}-\d{2}$/.test(r.birth_date) ? r.birth_date : null;
  players.push({
    id,
    fullName: r.full_name,
    nameKey: normalizePlayerName(r.full_name),
    espnId,
    sleeperId: cleanInt(r.sleeper_id),
    birthDate,
  });
  const position = r.position === "FB" ? "RB" : r.position;
  const jersey = cleanInt(r.jersey_number);
  rosterRows.push({
    playerId: id,
    playerName: r.full_name,
    team: r.team,
    position: POSITIONS.has(position) ? position : null,
    rawPosition: r.position || null,
    depthChartPosition: r.depth_chart_position || null,
    status: r.status || "ACT",
    jersey: jersey !== null && +jersey >= 0 && +jersey <= 99 ? +jersey : null,
  });
}
const playerById = new Map(players.map((p) => [p.id, p]));
const rosterByPlayer = new Map(rosterRows.map((r) => [r.playerId, r]));
const extras = [...included].filter(([, why]) => why !== "active skill player");

// --- Picks in the PAST week ---
// Candidates per team: skill players weighted by how often they scored a game's first TD earlier that season
// (a crowd picks the hot hand), starting QBs a little, kickers never; and the team's DEF.
const earlierFirstTds = new Map<string, number>();
for (const t of truth)
  if (+t.season === PAST.season && +t.week < PAST.week && t.first_td_gsis_id)
    earlierFirstTds.set(t.first_td_gsis_id, (earlierFirstTds.get(t.first_td_gsis_id) ?? 0) + 1);
const startingQbs = new Set(pastGames.flatMap((g) => [g.awayQb, g.homeQb]));
function candidatesFor(game: Game): Candidate[] {
  const list: Candidate[] = [];
  for (const team of [game.awayTeam, game.homeTeam]) {
    list.push({ id: `DEF-${team}`, team, weight: 1.5 });
    for (const r of rosterRows) {
      if (r.team !== team || !["QB", "RB", "WR", "TE"].includes(r.position ?? "")) continue;
      if (r.position === "QB" && !startingQbs.has(r.playerId)) continue;
      const tds = earlierFirstTds.get(r.playerId) ?? 0;
      list.push({ id: r.playerId, team, weight: r.position === "QB" ? 1 : 0.4 + 3 * tds });
    }
  }
  return list;
}
function pickRow(userName: UserName, game: Game, playerId: string, createdAt: string): Pick {
  const isDef = playerId.startsWith("DEF-");
  const team = isDef ? playerId.slice(4) : rosterByPlayer.get(playerId)?.team;
  if (!team) fail(`pick of unknown player ${playerId}`);
  if (![game.homeTeam, game.awayTeam].includes(team)) fail(`${userName}: ${playerId} does not play in ${game.id}`);
  if (!isDef && !["QB", "RB", "WR", "TE", "K"].includes(rosterByPlayer.get(playerId)?.position ?? ""))
    fail(`${userName}: ${playerId} is not pickable`);
  return { user: userName, gameId: game.id, season: game.season, week: game.week, team, playerId, createdAt };
}
const pastPicks = [];
{
  const byUser = new Map(USERS.map((u) => [u.name, new Map<string, { game: PastGame; playerId: string }>()])); // user -> game id -> pick
  const picksOf = (user: UserName) => must(byUser.get(user), `user ${user}`);
  const fixedByUser = new Map<UserName, number>();
  for (const f of FIXED_PAST_PICKS) {
    const game = pastGames.find((g) => g.id === f.game);
    if (!game) fail(`fixed pick game ${f.game}`);
    if (picksOf(f.user).has(f.game)) fail(`two fixed picks for ${f.user} in ${f.game}`);
    picksOf(f.user).set(f.game, { game, playerId: f.player });
    fixedByUser.set(f.user, (fixedByUser.get(f.user) ?? 0) + 1);
  }
  for (const u of USERS) {
    const mine = picksOf(u.name);
    const open = shuffled(pastGames.filter((g) => !mine.has(g.id)));
    const toPick = open.slice(0, Math.max(0, pastGames.length - SKIPPED_GAMES[u.name] - mine.size));
    for (const game of toPick) {
      const taken = new Set([...mine.values()].map((p) => p.playerId));
      const candidates = candidatesFor(game).filter((c) => !taken.has(c.id));
      mine.set(game.id, { game, playerId: weightedChoice(candidates, (c) => c.weight).id });
    }
  }
  for (const u of USERS) {
    for (const { game, playerId } of [...picksOf(u.name).values()].sort((a, b) =>
      a.game.kickoffAt.localeCompare(b.game.kickoffAt) || a.game.id.localeCompare(b.game.id),
    )) {
      // Made 1 to 72 hours before kickoff, on the minute.
      const hoursBefore = 1 + Math.floor(random() * 72);
      const minute = Math.floor(random() * 60);
      const createdAt = isoUtc(Date.parse(game.kickoffAt) - hoursBefore * 3_600_000 - minute * 60_000);
      pastPicks.push(pickRow(u.name, game, playerId, createdAt));
    }
  }
}
// Per week of FUTURE, from the week's own seed (so that weeks do not depend on one another): among the games with a
// kickoff, made at load time (PICKED_AT_PLACEHOLDER: a day before the load; the open week's first kickoff is at least
// a day after it).
const futurePicksByWeek = new Map();
for (const { week, games } of futureWeeks) {
  const rng = mulberry32(FUTURE.season * 100 + week);
  const open = games.filter((g) => g.kickoffAt !== null);
  const picks = [];
  for (const u of USERS) {
    const n = FUTURE_PICKS_PER_USER[u.name] ?? 0;
    const taken = new Set();
    for (const game of shuffled(open, rng).slice(0, n)) {
      const candidates = candidatesFor(game).filter((c) => !taken.has(c.id) && (c.id.startsWith("DEF-") || rosterByPlayer.get(c.id)?.status === "ACT"));
      const choice = weightedChoice(candidates, (c) => c.weight, rng);
      taken.add(choice.id);
      picks.push(pickRow(u.name, game, choice.id, PICKED_AT_PLACEHOLDER));
    }
  }
  futurePicksByWeek.set(week, picks);
}
const futurePicks = [...futurePicksByWeek.values()].flat();
// The pick rules, checked here as well as by the database: one pick per user per game, never the same player
// (by name: the v11 rule is UNIQUE(user, week, player_name)) twice per user per week.
{
  const seenGame = new Set();
  const seenName = new Set();
  for (const p of [...pastPicks, ...futurePicks]) {
    const name = p.playerId.startsWith("DEF-") ? p.playerId : must(playerById.get(p.playerId), `player ${p.playerId}`).fullName;
    const g = `${p.user}|${p.gameId}`;
    const n = `${p.user}|${p.season}|${p.week}|${name}`;
    if (seenGame.has(g)) fail(`two picks ${g}`);
    if (seenName.has(n)) fail(`same player twice ${n}`);
    seenGame.add(g);
    seenName.add(n);
    const kickoffAt = must([...pastGames, ...futureGames].find((x) => x.id === p.gameId), `game ${p.gameId}`).kickoffAt;
    if (kickoffAt === null) fail(`pick in a game without kickoff ${g}`);
    if (p.createdAt !== PICKED_AT_PLACEHOLDER && p.createdAt >= kickoffAt) fail(`pick after kickoff ${g}`);
  }
}

// ------------------------------------------------------------------------------------------------
// Write the SQL
// ------------------------------------------------------------------------------------------------
// The part always loaded comes first; then one block per FUTURE week and one of picks per FUTURE week, each opened by
// a marker line (blockMarker) that scripts/lib/demo-clock.ts reads to choose what to load.
const statements: string[] = [];
const section = (title: string): number => statements.push(`-- ${"-".repeat(100)}\n-- ${title}\n-- ${"-".repeat(100)}`);
function insertValues(head: string, rows: SqlValue[][], tail: string): void {
  for (const chunk of chunks(rows)) statements.push(`${head}\n  ${chunk.map(tuple).join(",\n  ")}\n${tail};`);
}
const teamList = (teams: Set<string>): string => [...teams].sort().map(sql).join(", ");
const weekRow = (season: number, week: number, first: string | null, last: string | null): SqlValue[] => [season, week, first, last];
const gamesHead =
  "INSERT INTO `games` (`id`, `season`, `week`, `game_type`, `kickoff_at`, `home_team`, `away_team`, `home_score`, `away_score`, `status`, `espn_event_id`, `is_placeholder`) VALUES";
const gameTuple = (g: Game): SqlValue[] => [
  g.id,
  g.season,
  g.week,
  g.gameType,
  g.kickoffAt,
  g.homeTeam,
  g.awayTeam,
  g.homeScore,
  g.awayScore,
  g.status,
  g.espnEventId,
  g.isPlaceholder ?? 0,
];

section("Users (made up); one admin");
insertValues(
  "INSERT INTO `users` (`name`, `email`, `is_admin`) VALUES",
  USERS.map((u) => [u.name, u.email, u.isAdmin]),
  "ON CONFLICT DO NOTHING",
);

section(`Week ${PAST.season} week ${PAST.week} (played); started_at/ended_at = first/last kickoff`);
insertValues(
  "INSERT INTO `weeks` (`season`, `week`, `started_at`, `ended_at`) VALUES",
  [weekRow(PAST.season, PAST.week, must(pastGames[0], "first game").kickoffAt, must(pastGames[pastGames.length - 1], "last game").kickoffAt)],
  "ON CONFLICT DO NOTHING",
);

section(`Games: ${PAST.season} week ${PAST.week} from nflverse games.csv (US Eastern -> UTC)`);
insertValues(gamesHead, pastGames.map(gameTuple), "ON CONFLICT DO NOTHING");

section(
  `Players: the ${players.length - extras.length} active skill players (QB RB WR TE K) of the ${pastTeams.size} teams of ${PAST.season} week ${PAST.week} ` +
    `(nflverse roster_${PAST.season}.csv, end of season), plus ${extras.length} who started at QB or scored a first TD that week`,
);
for (const [id, why] of extras) statements.push(`-- ${id} ${must(playerById.get(id), `player ${id}`).fullName}: ${why}`);
insertValues(
  "INSERT INTO `players` (`id`, `full_name`, `name_key`, `espn_id`, `sleeper_id`, `birth_date`) VALUES",
  players.map((p) => [p.id, p.fullName, p.nameKey, p.espnId, p.sleeperId, p.birthDate]),
  "ON CONFLICT DO NOTHING",
);

const rosterHead =
  "INSERT INTO `rosters` (`season`, `player_id`, `player_name`, `team`, `position`, `raw_position`, `depth_chart_position`, `status`, `jersey`, `is_current`) VALUES";
const rosterTuple = (season: number) => (r: RosterEntry): SqlValue[] => [
  season,
  r.playerId,
  r.playerName,
  r.team,
  r.position,
  r.rawPosition,
  r.depthChartPosition,
  r.status,
  r.jersey,
  1,
];
section(`Rosters ${PAST.season}: those players on their teams, and each team's DEF pseudo-player (seeded in players by migration v10)`);
insertValues(rosterHead, rosterRows.map(rosterTuple(PAST.season)), "ON CONFLICT DO NOTHING");
const defRoster = (season: number, teams: Set<string>): number =>
  statements.push(
    "INSERT INTO `rosters` (`season`, `player_id`, `player_name`, `team`, `position`, `raw_position`, `status`, `is_current`)\n" +
      `SELECT ${season}, 'DEF-' || \`code\`, \`name\` || ' Defense', \`code\`, 'DEF', 'DEF', 'ACT', 1 FROM \`teams\`\n` +
      `WHERE \`code\` IN (${teamList(teams)})\nON CONFLICT DO NOTHING;`,
  );
defRoster(PAST.season, pastTeams);

const futureRosterRows = rosterRows.filter((r) => futureTeams.has(r.team));
section(
  `Rosters ${FUTURE.season}: NO ${FUTURE.season} roster is available offline, so the demo reuses the ${PAST.season} end-of-season rosters ` +
    `(same players, teams, positions and statuses) for all ${futureTeams.size} teams, with their DEF pseudo-players`,
);
insertValues(rosterHead, futureRosterRows.map(rosterTuple(FUTURE.season)), "ON CONFLICT DO NOTHING");
defRoster(FUTURE.season, futureTeams);

// Picks: `created_at` is a literal, or PICKED_AT_PLACEHOLDER replaced at load. A pick lands only in a game that had not
// kicked off when it was made (a database whose schedule moved on keeps its integrity: no pick after kickoff).
const pickStatements = (picks: Pick[]): void =>
  chunks(picks).forEach((chunk) =>
    statements.push(
      "INSERT INTO `picks` (`user_id`, `week_id`, `game_id`, `team`, `player_name`, `player_id`, `created_at`)\n" +
        "SELECT u.`id`, w.`id`, v.column2, v.column3, pl.`full_name`, pl.`id`, v.column5\n" +
        `FROM (VALUES\n  ${chunk.map((p) => tuple([p.user, p.gameId, p.team, p.playerId, p.createdAt])).join(",\n  ")}\n) v\n` +
        "JOIN `users` u ON u.`name` = v.column1\n" +
        "JOIN `games` g ON g.`id` = v.column2\n" +
        "JOIN `weeks` w ON w.`season` = g.`season` AND w.`week` = g.`week`\n" +
        "JOIN `players` pl ON pl.`id` = v.column4\n" +
        "WHERE g.`kickoff_at` > v.column5\nON CONFLICT DO NOTHING;",
    ),
  );
section(
  `Picks ${PAST.season} week ${PAST.week} (made up; no market price, so graded at even money). ` +
    "Inserted before grading: the triggers count them into standings.",
);
pickStatements(pastPicks);

section(
  `Grading: the real first-TD facts (truth/first_td_2023_2025.csv) of ${GRADED_GAMES.length} of the ${pastGames.length} games, set by UPDATE so that ` +
    "the v14 triggers grade the picks, update player_stats and standings and log the change. Only games not graded yet.",
);
for (const id of GRADED_GAMES) {
  const f = must(pastFirstTd.get(id), `first-TD facts of ${id}`);
  const game = must(pastGames.find((g) => g.id === id), `game ${id}`);
  // Recorded as if entered once the game was over (kickoff + 4 h), by the seed.
  const recordedAt = isoUtc(Date.parse(game.kickoffAt) + 4 * 3_600_000);
  const set = f.noTd
    ? `\`no_td\` = 1, \`first_td_recorded_at\` = ${sql(recordedAt)}, \`first_td_recorded_by\` = ${sql(RECORDED_BY)}`
    : [
        `\`first_td_player_id\` = ${sql(f.playerId)}`,
        `\`first_td_player_name\` = ${sql(f.playerName)}`,
        `\`first_td_team\` = ${sql(f.team)}`,
        `\`first_td_kind\` = ${sql(f.kind)}`,
        `\`first_td_play_text\` = ${sql(f.playText)}`,
        `\`first_td_recorded_at\` = ${sql(recordedAt)}`,
        `\`first_td_recorded_by\` = ${sql(RECORDED_BY)}`,
      ].join(",\n  ");
  statements.push(
    `-- ${id}: ${f.noTd ? "no touchdown" : `${f.playerName} (${f.team}), ${f.truthKind} -> ${f.kind}`}\n` +
      `UPDATE \`games\` SET\n  ${set},\n  \`updated_at\` = ${sql(recordedAt)}\n` +
      `WHERE \`id\` = ${sql(id)} AND \`first_td_player_id\` IS NULL AND \`no_td\` = 0;`,
  );
}

// The weeks of FUTURE: each one's weeks row (started_at/ended_at = first/last kickoff set) and its games, as the NFL
// shield schedule has them (kickoffs in UTC). Loaded from the open week on; shifted only when none is ahead.
statements.push(
  `-- ${"=".repeat(100)}\n` +
    `-- ${FUTURE.season}, the regular season week by week (NFL shield schedule). Read by scripts/lib/demo-clock.ts: the load takes\n` +
    "-- the open week (the first one at least a day ahead, or the last complete one moved ahead) and, when real, the weeks after\n" +
    "-- it; only the open week's picks; PICKED_AT stands for a day before the load. Do not load this file as it is.\n" +
    `-- ${"=".repeat(100)}`,
);
for (const w of futureWeeks) {
  statements.push(
    blockMarker("week", { season: w.season, week: w.week, games: w.games.length, tbd: w.tbd, first_kickoff: w.firstKickoff, last_kickoff: w.lastKickoff }),
  );
  insertValues(
    "INSERT INTO `weeks` (`season`, `week`, `started_at`, `ended_at`) VALUES",
    [weekRow(w.season, w.week, w.firstKickoff, w.lastKickoff)],
    "ON CONFLICT DO NOTHING",
  );
  for (const g of w.games.filter((g) => g.isPlaceholder)) statements.push(`-- ${g.id}: kickoff not set yet (TBD): a placeholder`);
  insertValues(gamesHead, w.games.map(gameTuple), "ON CONFLICT DO NOTHING");
}
for (const w of futureWeeks) {
  const picks = futurePicksByWeek.get(w.week);
  statements.push(blockMarker("picks", { season: w.season, week: w.week, picks: picks.length }));
  pickStatements(picks);
}

for (const s of statements)
  if (Buffer.byteLength(s) > MAX_STATEMENT_BYTES) fail(`a statement has ${Buffer.byteLength(s)} bytes`);

const header = [
  "-- firsttd local demo data. GENERATED by scripts/build-demo-data.ts from ../shared/data: do not edit by hand.",
  "-- Load it with `npm start` or `npm run db:seed:local`: they choose the open week of 2026 for the date",
  "-- (scripts/lib/demo-clock.ts), fill in when its picks were made, and load only that week and the ones after it.",
  "-- Idempotent: every INSERT is ON CONFLICT DO NOTHING and grading only touches games not graded yet, so loading",
  "-- twice leaves the same data. Needs the migrations in drizzle/ applied first (teams, DEF players, triggers).",
  `-- ${PAST.season} week ${PAST.week}: ${pastGames.length} games, ${GRADED_GAMES.length} graded, ${pastPicks.length} picks; ` +
    `${FUTURE.season} weeks 1-${LAST_REG_WEEK}: ${futureGames.length} games (${futureGames.filter((g) => g.isPlaceholder).length} without kickoff yet), ` +
    `${Object.values(FUTURE_PICKS_PER_USER).reduce((sum, n) => sum + (n ?? 0), 0)} picks in the open week; ` +
    `${players.length} players; ${USERS.length} users.`,
  ...pastGames
    .filter((g) => g.scoreSource !== "nflverse games.csv")
    .map((g) => `-- ${g.id}: final score from the ${g.scoreSource}.`),
];
const text = `${header.join("\n")}\n\n${statements.join("\n\n")}\n`;
const MAX_FILE_BYTES = 1_000_000;
if (Buffer.byteLength(text) > MAX_FILE_BYTES) fail(`the file has ${Buffer.byteLength(text)} bytes (at most ${MAX_FILE_BYTES})`);
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, text);

// A summary for the person running it (and for demo/README.md).
const won = pastPicks.filter((p) => {
  const f = pastFirstTd.get(p.gameId);
  if (!GRADED_GAMES.includes(p.gameId) || !f || f.noTd) return false;
  return p.playerId === f.playerId || (["return", "defense"].includes(f.kind) && p.playerId === `DEF-${f.team}`);
});
const graded = pastPicks.filter((p) => GRADED_GAMES.includes(p.gameId));
const sqlStatements = statements.filter((s) => !s.split("\n").every((line) => line.startsWith("--")));
console.log(
  [
    `wrote ${OUT} (${Buffer.byteLength(text)} bytes, ${sqlStatements.length} statements, the largest ${Math.max(...sqlStatements.map((s) => Buffer.byteLength(s)))} bytes)`,
    `games: ${pastGames.length} (${PAST.season} wk ${PAST.week}, ${GRADED_GAMES.length} graded) + ${futureGames.length} (${FUTURE.season} wk 1-${LAST_REG_WEEK}, ` +
      `${futureGames.filter((g) => g.isPlaceholder).length} TBD placeholders in weeks ${futureWeeks.filter((w) => w.tbd > 0).map((w) => w.week).join(", ")})`,
    `players: ${players.length} (+ DEF pseudo-players from the migrations), extras: ${extras.length}`,
    `roster rows: ${rosterRows.length} (${PAST.season}) + ${futureRosterRows.length} (${FUTURE.season}) + DEF ${pastTeams.size} + ${futureTeams.size}`,
    `picks: ${pastPicks.length} (${PAST.season}: ${graded.length} graded, ${won.length} wins) + ${futurePicks.length} over the ${FUTURE.season} weeks with kickoffs (only the open week's are loaded)`,
  ].join("\n"),
);
