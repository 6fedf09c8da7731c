// The demo's open week must lie ahead of whoever loads it, on any date. demo/seed.sql holds a real week of the 2026
// schedule; when that week has already begun at load time, its instants (kickoffs, the week's bounds, the time its
// demo picks were made) move forward by the fewest whole weeks that put its first kickoff at least a day ahead, on the
// same weekdays and at the same US Eastern wall-clock times (NFL kickoffs are set in Eastern time, across DST).
// Used by `npm start` / `npm run db:seed:local` and by the browser tests, which load the demo as a person would.
const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
/** Every instant of the open week in seed.sql is a literal of this season. */
const OPEN_SEASON = "2026";
const INSTANT = new RegExp(`'(${OPEN_SEASON}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ)'`, "g");

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

/** Minutes Eastern time is ahead of UTC at this instant (-300 in winter, -240 in summer). */
function easternOffsetMinutes(ms) {
  const parts = Object.fromEntries(eastern.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  return Math.round((asUtc - ms) / 60_000);
}

/** The instant `weeks` weeks after `iso`, at the same Eastern wall-clock time. */
export function shiftWeeksEastern(iso, weeks) {
  const ms = Date.parse(iso);
  const wallClock = ms + easternOffsetMinutes(ms) * 60_000 + weeks * WEEK_MS;
  // The offset of the target instant: try the wall clock's own offset, then correct once across a DST change.
  let target = wallClock - easternOffsetMinutes(wallClock) * 60_000;
  target = wallClock - easternOffsetMinutes(target) * 60_000;
  return new Date(target).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Whole weeks the open week must move so that its first kickoff is at least a day after `now` (0 if it already is). */
export function weeksToShift(firstKickoffIso, now) {
  const lateBy = now.getTime() + DAY_MS - Date.parse(firstKickoffIso);
  return lateBy <= 0 ? 0 : Math.ceil(lateBy / WEEK_MS);
}

/** seed.sql as it should be loaded at `now`: its open week moved ahead when it has begun. */
export function seedForDate(sql, now) {
  const instants = [...sql.matchAll(INSTANT)].map((m) => m[1]);
  const kickoffs = [...sql.matchAll(/\(\s*'\d{4}_\d\d_\w+', (\d{4}), \d+, '\w+', '([^']+)'/g)]
    .filter((m) => m[1] === OPEN_SEASON)
    .map((m) => m[2]);
  if (instants.length === 0 || kickoffs.length === 0) return { sql, weeks: 0, firstKickoff: null };
  const first = kickoffs.sort()[0];
  const weeks = weeksToShift(first, now);
  if (weeks === 0) return { sql, weeks, firstKickoff: first };
  return {
    sql: sql.replace(INSTANT, (_, iso) => `'${shiftWeeksEastern(iso, weeks)}'`),
    weeks,
    firstKickoff: shiftWeeksEastern(first, weeks),
  };
}
