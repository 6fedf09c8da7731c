import { formatUtcIso, normalizeUtcIso } from "./utc";

/**
 * US Eastern time without Intl time zones: nflverse gives kickoffs as Eastern wall-clock times wherever the
 * game is played (London, Berlin, Sao Paulo too), and Kalshi tickers carry the Eastern calendar date.
 */

const HOUR_MS = 3_600_000;
const STANDARD_OFFSET_HOURS = 5;
const DAYLIGHT_OFFSET_HOURS = 4;
/** Both switches happen at 02:00 local time. */
const SWITCH_MINUTE_OF_DAY = 120;

interface MonthDay {
  month: number;
  day: number;
}

/** Day of the month of the nth Sunday (month 1-12). */
function nthSunday(year: number, month: number, n: number): number {
  const weekdayOfFirst = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
  return 1 + ((7 - weekdayOfFirst) % 7) + 7 * (n - 1);
}

function lastSunday(year: number, month: number): number {
  const lastDay = daysInMonth(year, month);
  return lastDay - new Date(Date.UTC(year, month - 1, lastDay)).getUTCDay();
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * The days daylight time starts and ends. From 2007 (Energy Policy Act of 2005): second Sunday of March to
 * first Sunday of November; before, first Sunday of April to last Sunday of October (games.csv starts in 1999).
 */
function daylightTimeDays(year: number): { start: MonthDay; end: MonthDay } {
  if (year >= 2007) {
    return { start: { month: 3, day: nthSunday(year, 3, 2) }, end: { month: 11, day: nthSunday(year, 11, 1) } };
  }
  return { start: { month: 4, day: nthSunday(year, 4, 1) }, end: { month: 10, day: lastSunday(year, 10) } };
}

/**
 * In the hour skipped in spring and the hour repeated in autumn this answers daylight time; no game kicks off
 * between 01:00 and 03:00 Eastern, so the choice never matters.
 */
function isDaylightWallClock(year: number, month: number, day: number, minuteOfDay: number): boolean {
  const { start, end } = daylightTimeDays(year);
  const order = (m: number, d: number, minute: number) => (m * 32 + d) * 1440 + minute;
  const at = order(month, day, minuteOfDay);
  return at >= order(start.month, start.day, SWITCH_MINUTE_OF_DAY) && at < order(end.month, end.day, SWITCH_MINUTE_OF_DAY);
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/;

/**
 * A US-Eastern wall-clock date ('YYYY-MM-DD') and time ('HH:MM', 24 h) as a UTC instant 'YYYY-MM-DDTHH:MM:SSZ',
 * or null when either is not a real date or time.
 */
export function easternWallClockToUtc(date: string, time: string): string | null {
  const dateParts = DATE.exec(date.trim());
  const timeParts = TIME.exec(time.trim());
  if (!dateParts || !timeParts) return null;
  const [year, month, day] = dateParts.slice(1, 4).map(Number) as [number, number, number];
  const [hour, minute, second] = timeParts.slice(1, 4).map((part) => Number(part ?? 0)) as [number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const offsetHours = isDaylightWallClock(year, month, day, hour * 60 + minute)
    ? DAYLIGHT_OFFSET_HOURS
    : STANDARD_OFFSET_HOURS;
  return formatUtcIso(Date.UTC(year, month - 1, day, hour + offsetHours, minute, second));
}

function isDaylightInstant(epochMs: number): boolean {
  const year = new Date(epochMs).getUTCFullYear();
  const { start, end } = daylightTimeDays(year);
  const startsAt = Date.UTC(year, start.month - 1, start.day, 2 + STANDARD_OFFSET_HOURS);
  const endsAt = Date.UTC(year, end.month - 1, end.day, 2 + DAYLIGHT_OFFSET_HOURS);
  return epochMs >= startsAt && epochMs < endsAt;
}

/** The US-Eastern calendar date ('YYYY-MM-DD') of a UTC instant ('2025-09-05T00:20:00Z' -> '2025-09-04'), or null. */
export function easternDateOf(utcInstant: string): string | null {
  const normalized = normalizeUtcIso(utcInstant);
  if (normalized === null) return null;
  const epochMs = Date.parse(normalized);
  const offsetHours = isDaylightInstant(epochMs) ? DAYLIGHT_OFFSET_HOURS : STANDARD_OFFSET_HOURS;
  return formatUtcIso(epochMs - offsetHours * HOUR_MS).slice(0, 10);
}
