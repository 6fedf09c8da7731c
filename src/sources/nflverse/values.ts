/**
 * Cell values as nflverse files write them. Files re-saved by pandas turn integer columns that have blanks
 * into floats, so a jersey reads `69.0` and an ESPN id `4429025.0`.
 */

const WHOLE_NUMBER = /^(\d+)(?:\.0+)?$/;

/** A numeric id without pandas' `.0` ('4429025.0' -> '4429025'), or null when the text is not one. */
export function parseNumericId(text: string): string | null {
  return WHOLE_NUMBER.exec(text.trim())?.[1] ?? null;
}

/** A non-negative integer ('69', '69.0'), or null when the text is not one. */
export function parseWholeNumber(text: string): number | null {
  const id = parseNumericId(text);
  return id === null ? null : Number(id);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// The end-of-season rosters were re-saved with US dates (1/22/1982).
const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

/** A calendar date 'YYYY-MM-DD' from 'YYYY-MM-DD' or 'M/D/YYYY', or null when the text is not a real date. */
export function parseCalendarDate(text: string): string | null {
  const trimmed = text.trim();
  const iso = ISO_DATE.exec(trimmed);
  const us = iso ? null : US_DATE.exec(trimmed);
  const [year, month, day] = iso
    ? [Number(iso[1]), Number(iso[2]), Number(iso[3])]
    : us
      ? [Number(us[3]), Number(us[1]), Number(us[2])]
      : [NaN, NaN, NaN];
  if (!Number.isInteger(year) || month < 1 || month > 12 || day < 1) return null;
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return null;
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}
