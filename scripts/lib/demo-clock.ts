// The demo's clock: which week of demo/seed.sql is open for picks when the demo is loaded, so that the demo never ages.
//
// demo/seed.sql (scripts/build-demo-data.ts) holds a part always loaded (users, the graded 2025 week 13, players,
// 2025 and 2026 rosters) and, after it, one block per week of the real 2026 regular-season schedule and one block of
// made-up picks per week, each opened by a marker line:
//
//   -- @demo week season=2026 week=14 games=15 tbd=0 first_kickoff=2026-12-11T01:15:00Z last_kickoff=...
//   -- @demo picks season=2026 week=14 picks=9
//
// At load (seedForDate, used by `npm start`, `npm run db:seed:local`, the workerd test of the demo and the browser
// tests) the open week is:
//   - the first 2026 week whose first kickoff is at least a day after now, as it really is; loaded with every later
//     week of the season (the rest of the real schedule). The weeks before it are left out: they have begun, and
//     unplayed games in the past are what the nightly checks flag (games_not_final_after_kickoff) and what the live
//     sync's catch-up would go after;
//   - when no 2026 week is ahead any more (after the season): the last week whose kickoffs are all set (week 15: later
//     weeks still have flexible "TBD" games), its kickoffs moved by the fewest whole weeks that put the first one at
//     least a day ahead, on the same weekdays at the same US Eastern wall-clock times (NFL kickoffs are set in Eastern
//     time, across DST). Loaded alone: real later weeks would now lie in the past.
// Only the open week gets the demo picks (blake, casey, devon), made "yesterday": a day before the load.
//
// The first load fixes the dates: when a database already holds a demo (a 2026 weeks row with a start), the same week
// stays open with the same shift, so that loading again changes nothing (every statement is ON CONFLICT DO NOTHING).
// No Node built-ins: the workerd tests import it through Vite.
const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/** The season of the schedule blocks; the demo's open week is one of its weeks. */
export const OPEN_SEASON = 2026;
/** Stands for the time the open week's demo picks were made; replaced at load by a day before the load. */
export const PICKED_AT_PLACEHOLDER = "{{PICKED_AT}}";
/** The marker line that opens a block of demo/seed.sql: `-- @demo <kind> key=value ...`. */
export function blockMarker(kind: "week" | "picks", fields: Record<string, string | number | null>): string {
  return `-- @demo ${kind} ${Object.entries(fields)
    .map(([key, value]) => `${key}=${value ?? "none"}`)
    .join(" ")}`;
}
/** A schedule block of demo/seed.sql: one week of OPEN_SEASON (tbd: its games without a kickoff yet). */
export interface SeedWeek {
  season: number;
  week: number;
  games: number;
  tbd: number;
  firstKickoff: string | null;
  lastKickoff: string | null;
  sql: string;
}
/** A week with at least one kickoff set: the only kind that can open. */
export type ScheduledWeek = SeedWeek & { firstKickoff: string };
export interface ParsedSeed {
  /** The part always loaded. */
  base: string;
  /** In week order. */
  weeks: SeedWeek[];
  /** week -> the SQL of its demo picks. */
  picks: Map<number, string>;
}
/** The open week of a demo already in the database, as its weeks row holds it. */
export interface LoadedWeek {
  week: number;
  startedAt: string | null;
}
export interface OpenWeekChoice {
  week: ScheduledWeek;
  shiftWeeks: number;
  how: "real" | "shifted" | "kept";
}
/** demo/seed.sql as loaded at a date, and what was chosen. */
export interface DemoSeed {
  sql: string;
  season: number;
  week: number;
  games: number;
  how: OpenWeekChoice["how"];
  shiftWeeks: number;
  real: boolean;
  /** Of the open week as loaded (moved when shifted). */
  firstKickoff: string;
  lastKickoff: string | null;
  realFirstKickoff: string;
  weeksLoaded: number[];
  weeksLeftOut: number[];
  pickedAt: string;
}
interface Block {
  lines: string[];
}

const MARKER = /^-- @demo (week|picks) (.*)$/;
const INSTANT = /'(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)'/g;

const eastern = new Intl.DateTimeFormat("en-US", {
  timeZone: "America/New_York",
  hourCycle: "h23",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

const isoUtc = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/** Minutes Eastern time is ahead of UTC at this instant (-300 in winter, -240 in summer). */
function easternOffsetMinutes(ms: number): number {
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = Object.fromEntries(
    eastern.formatToParts(new Date(ms)).map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return Math.round((asUtc - ms) / 60_000);
}

/** The instant `weeks` weeks after `iso`, at the same Eastern wall-clock time. */
export function shiftWeeksEastern(iso: string, weeks: number): string {
  const ms = Date.parse(iso);
  const wallClock = ms + easternOffsetMinutes(ms) * 60_000 + weeks * WEEK_MS;
  // The offset of the target instant: try the wall clock's own offset, then correct once across a DST change.
  let target = wallClock - easternOffsetMinutes(wallClock) * 60_000;
  target = wallClock - easternOffsetMinutes(target) * 60_000;
  return isoUtc(target);
}

/** Whole weeks a week must move so that its first kickoff is at least a day after `now` (0 if it already is). */
export function weeksToShift(firstKickoffIso: string, now: Date): number {
  const lateBy = now.getTime() + DAY_MS - Date.parse(firstKickoffIso);
  return lateBy <= 0 ? 0 : Math.ceil(lateBy / WEEK_MS);
}

/** "Thu Dec 10, 20:15 ET": how a kickoff reads in Eastern time. */
export function easternLabel(iso: string): string {
  return `${new Intl.DateTimeFormat("en-US", { timeZone: "America/New_York", weekday: "short", month: "short", day: "numeric", year: "numeric" }).format(new Date(iso))}, ${new Intl.DateTimeFormat("en-US", { timeZone: "America/New_York", hourCycle: "h23", hour: "2-digit", minute: "2-digit" }).format(new Date(iso))} ET`;
}

/**
 * demo/seed.sql cut into its parts: `base` (always loaded), `weeks` (the schedule blocks, in week order: season, week,
 * games, tbd = games without a kickoff yet, firstKickoff/lastKickoff or null, sql) and `picks` (week -> sql).
 */
export function parseSeed(sql: string): ParsedSeed {
  const base: string[] = [];
  const weeks: (Omit<SeedWeek, "sql"> & { block: Block })[] = [];
  const picks = new Map<number, Block>();
  let current: Block = { lines: base };
  for (const line of sql.split("\n")) {
    const marker = MARKER.exec(line);
    if (!marker) {
      current.lines.push(line);
      continue;
    }
    const fields: Record<string, string | undefined> = Object.fromEntries((marker[2] ?? "").split(" ").map((pair) => pair.split("=")));
    const value = (key: string): string | null => (fields[key] === undefined || fields[key] === "none" ? null : fields[key]);
    current = { lines: [line] };
    if (marker[1] === "week") {
      weeks.push({
        season: Number(fields.season),
        week: Number(fields.week),
        games: Number(fields.games),
        tbd: Number(fields.tbd),
        firstKickoff: value("first_kickoff"),
        lastKickoff: value("last_kickoff"),
        block: current,
      });
    } else picks.set(Number(fields.week), current);
  }
  const text = (block: Block): string => `${block.lines.join("\n").trim()}\n`;
  return {
    base: text({ lines: base }),
    weeks: weeks
      .sort((a, b) => a.week - b.week)
      .map(({ block, ...week }) => ({ ...week, sql: text(block) })),
    picks: new Map([...picks].map(([week, block]) => [week, text(block)])),
  };
}

/**
 * Which week opens, and how far it moves: { week, shiftWeeks, how } with how 'real' (the next week of the schedule, as
 * it is), 'shifted' (none left: the last complete week moved ahead) or 'kept' (the choice of an earlier load,
 * `previous` = { week, startedAt } as the database holds it).
 */
export function chooseOpenWeek(weeks: SeedWeek[], now: Date, previous: LoadedWeek | null = null): OpenWeekChoice {
  const scheduled = weeks.filter((w): w is ScheduledWeek => w.firstKickoff !== null);
  if (scheduled.length === 0) throw new Error("demo/seed.sql has no week with a kickoff");
  if (previous) {
    const week = scheduled.find((w) => w.week === previous.week);
    if (week && previous.startedAt) {
      const shiftWeeks = Math.max(0, Math.round((Date.parse(previous.startedAt) - Date.parse(week.firstKickoff)) / WEEK_MS));
      return { week, shiftWeeks, how: "kept" };
    }
  }
  const ahead = scheduled.find((w) => Date.parse(w.firstKickoff) >= now.getTime() + DAY_MS);
  if (ahead) return { week: ahead, shiftWeeks: 0, how: "real" };
  const complete = scheduled.filter((w) => w.tbd === 0);
  // scheduled is not empty (checked above).
  const week = complete[complete.length - 1] ?? scheduled[scheduled.length - 1]!;
  return { week, shiftWeeks: weeksToShift(week.firstKickoff, now), how: "shifted" };
}

/**
 * demo/seed.sql as it is loaded at `now`: the part always loaded, the open week (moved ahead when it must be) and, when
 * it is real, the later weeks of the season, then the open week's picks made a day before `now`.
 * `previous`: the open week of a demo already in the database ({ week, startedAt }), kept as it is.
 * Returns the SQL and what was chosen (season, week, how, shiftWeeks, real, firstKickoff/lastKickoff of the open week
 * as loaded, weeksLoaded, weeksLeftOut, pickedAt, games of the open week).
 */
export function seedForDate(sql: string, now: Date, { previous = null }: { previous?: LoadedWeek | null } = {}): DemoSeed {
  const seed = parseSeed(sql);
  const choice = chooseOpenWeek(seed.weeks, now, previous);
  const open = choice.week;
  const real = choice.shiftWeeks === 0;
  const shift = (text: string): string => text.replace(INSTANT, (_, iso) => `'${shiftWeeksEastern(iso, choice.shiftWeeks)}'`);
  const loaded: SeedWeek[] = real ? seed.weeks.filter((w) => w.week >= open.week) : [open];
  const pickedAt = isoUtc(Math.floor((now.getTime() - DAY_MS) / 60_000) * 60_000);
  const picks = (seed.picks.get(open.week) ?? "").replaceAll(`'${PICKED_AT_PLACEHOLDER}'`, `'${pickedAt}'`);
  const parts = [seed.base, ...loaded.map((w) => (w === open && !real ? shift(w.sql) : w.sql)), picks];
  const moved = <T extends string | null>(iso: T): T => (iso === null ? iso : (shiftWeeksEastern(iso, choice.shiftWeeks) as T));
  return {
    sql: parts.filter((part) => part.trim() !== "").join("\n"),
    season: open.season,
    week: open.week,
    games: open.games,
    how: choice.how,
    shiftWeeks: choice.shiftWeeks,
    real,
    firstKickoff: moved(open.firstKickoff),
    lastKickoff: moved(open.lastKickoff),
    realFirstKickoff: open.firstKickoff,
    weeksLoaded: loaded.map((w) => w.week),
    weeksLeftOut: seed.weeks.filter((w) => !loaded.includes(w)).map((w) => w.week),
    pickedAt,
  };
}

/** What a load chose, in a sentence or two (printed by `npm start` and `npm run db:seed:local`). */
export function describeChoice(seed: DemoSeed, now: Date): string {
  const range = (weeks: number[]): string => (weeks.length === 0 ? "none" : weeks.length === 1 ? `week ${weeks[0]}` : `weeks ${weeks[0]}-${weeks[weeks.length - 1]}`);
  const head = `The demo opens ${seed.season} week ${seed.week} for picks (${seed.games} games, first kickoff ${easternLabel(seed.firstKickoff)} = ${seed.firstKickoff})`;
  const how = seed.real
    ? `the real schedule (${seed.season} ${range(seed.weeksLoaded)} loaded; ${range(seed.weeksLeftOut.filter((w) => w < seed.week))} left out: begun)`
    : `SHIFTED: no ${seed.season} week is ahead any more, so its real kickoffs (from ${seed.realFirstKickoff}) moved ${seed.shiftWeeks} week(s) ahead, same weekdays and Eastern times; loaded alone`;
  const lines = [`${head}: ${how}.`];
  if (seed.how === "kept") lines.push("  (kept from the first load into this database: loading again changes nothing)");
  if (Date.parse(seed.firstKickoff) <= now.getTime())
    lines.push(`  It has begun since that first load: delete .wrangler/ and start again for a demo whose week lies ahead.`);
  return lines.join("\n");
}
