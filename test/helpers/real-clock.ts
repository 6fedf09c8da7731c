/**
 * Time as the database sees it. A pick's lock is judged inside the write by D1's own clock (strftime('now'), see
 * GAME_OPEN_SQL in src/db/sql-rules.ts), and that clock is always the real one: vi.setSystemTime moves only the
 * Worker's Date. A test that makes picks therefore seeds kickoffs in the REAL future, computed here from the real
 * time, and fakes the Worker's clock within that future when it needs "kickoff has passed" from the Worker's side.
 * Everything here is relative to the real time, so no test depends on the day it runs.
 */
import { env } from "cloudflare:test";
import { vi } from "vitest";
import { easternDateOf, easternWallClockToUtc } from "../../src/domain/eastern-time";
import { formatUtcIso } from "../../src/domain/utc";
import { currentSeason } from "../../src/jobs/season";

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;

/** The real time, also while a test fakes Date (the database's clock). */
export function realNow(): number {
  return vi.getRealSystemTime();
}

/** `iso` moved by a number of milliseconds, as 'YYYY-MM-DDTHH:MM:SSZ' (the form of games.kickoff_at). */
export function addMs(iso: string, ms: number): string {
  return formatUtcIso(Date.parse(iso) + ms);
}

export const addMinutes = (iso: string, minutes: number) => addMs(iso, minutes * MINUTE_MS);
export const addDays = (iso: string, days: number) => addMs(iso, days * DAY_MS);

/** A calendar date 'YYYY-MM-DD' moved by whole days. */
export function addDaysToDate(date: string, days: number): string {
  return formatUtcIso(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).slice(0, 10);
}

/**
 * Whole weeks that move a scenario running from `first` to `last` (the fixtures' own instants) into the real future:
 * `first` at least `marginDays` after the real time (no weeks when it already is), and `first` and `last` still in
 * one NFL season (currentSeason), so that the jobs, which take the season from the clock, see one season throughout.
 * Whole weeks keep every weekday, and every UTC time of day.
 */
export function weeksIntoFuture(first: string, last: string = first, marginDays = 1): number {
  const behind = realNow() + marginDays * DAY_MS - Date.parse(first);
  let weeks = Math.max(0, Math.ceil(behind / WEEK_MS));
  const seasonAt = (iso: string) => currentSeason(new Date(Date.parse(iso) + weeks * WEEK_MS));
  while (seasonAt(first) !== seasonAt(last)) weeks++;
  return weeks;
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

/**
 * Every date in a text moved by whole days: ISO dates and instants ('2026-09-13', '2026-09-10T12:00:00Z',
 * '2026-09-13 17:00:00+00', Gamma slugs 'nfl-sf-lar-2026-09-11') and Kalshi ticker dates ('26SEP10'). Times of day
 * stay as they are. For the bodies of upstream fixtures that a test moves into the real future.
 */
export function shiftDatesInText(text: string, days: number): string {
  if (days === 0) return text;
  return text
    .replace(/\b(\d{4})-(\d{2})-(\d{2})(?=$|[^\d])/g, (date) => addDaysToDate(date, days))
    .replace(/\b(\d{2})(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)(\d{2})(?=[A-Z])/g, (_, yy: string, month: string, dd: string) => {
      const moved = addDaysToDate(`20${yy}-${String(MONTHS.indexOf(month) + 1).padStart(2, "0")}-${dd}`, days);
      return `${moved.slice(2, 4)}${MONTHS[Number(moved.slice(5, 7)) - 1]}${moved.slice(8, 10)}`;
    });
}

function wallClockOf(utcInstant: string): { gameday: string; gametime: string } | null {
  const gameday = easternDateOf(utcInstant);
  if (gameday === null) return null;
  for (const offsetHours of [4, 5]) {
    const gametime = new Date(Date.parse(utcInstant) - offsetHours * HOUR_MS).toISOString().slice(11, 16);
    if (easternWallClockToUtc(gameday, gametime) === formatUtcIso(Date.parse(utcInstant))) return { gameday, gametime };
  }
  return null;
}

/**
 * A kickoff as nflverse lists it: the US-Eastern wall-clock date and time ('2026-12-17', '20:15') of a UTC instant.
 * A whole minute has one, except in the hour repeated when daylight time ends (its second pass reads as the first).
 */
export function easternWallClockOf(utcInstant: string): { gameday: string; gametime: string } {
  const wallClock = wallClockOf(utcInstant);
  if (!wallClock) throw new Error(`${utcInstant} is no Eastern wall-clock minute nflverse could list`);
  return wallClock;
}

/** A kickoff moved `days` days on at the same US-Eastern wall-clock time, as nflverse lists a game moved to a later day. */
export function easternDaysLater(kickoffAt: string, days: number): string {
  const { gameday, gametime } = easternWallClockOf(kickoffAt);
  return easternWallClockToUtc(addDaysToDate(gameday, days), gametime)!;
}

/**
 * A kickoff in the real future: `weekday` (0 Sunday .. 6 Saturday) at `easternTime` ('13:00', US Eastern, as nflverse
 * lists kickoffs), on the first such day from the (UTC) day `minDaysAhead` days after the real time.
 */
export function futureKickoff(weekday: number, easternTime: string, minDaysAhead = 14): string {
  const first = new Date(realNow() + minDaysAhead * DAY_MS);
  const date = addDaysToDate(first.toISOString().slice(0, 10), (weekday - first.getUTCDay() + 7) % 7);
  return easternWallClockToUtc(date, easternTime)!;
}

/** The real time, to the whole minute below it (nflverse lists kickoffs to the minute). */
export function realMinute(): string {
  return formatUtcIso(Math.floor(realNow() / MINUTE_MS) * MINUTE_MS);
}

/**
 * The real clock passes a game's kickoff. The database's clock cannot be moved, so the kickoff is moved instead, to
 * `minutesAgo` whole minutes before the real time: no trigger fires (the old kickoff was still ahead), and the row is
 * what the passing of time leaves, locked by the clock alone (locked_at still unset). Returns the new kickoff.
 */
export async function kickoffPassesNow(gameId: string, minutesAgo = 1): Promise<string> {
  let kickoffAt = addMinutes(realMinute(), -minutesAgo);
  // Published in a games.csv later: never in the second pass of the hour repeated when daylight time ends.
  while (wallClockOf(kickoffAt) === null) kickoffAt = addMinutes(kickoffAt, -60);
  const changed = await env.DB.prepare("UPDATE games SET kickoff_at = ? WHERE id = ? AND kickoff_at > ?").bind(kickoffAt, gameId, kickoffAt).run();
  if (changed.meta.changes !== 1) throw new Error(`${gameId}: no game whose kickoff is still ahead`);
  return kickoffAt;
}
