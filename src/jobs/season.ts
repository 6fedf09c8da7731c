/**
 * The NFL season a date belongs to: a season starts in September and its playoffs end in February, so
 * January to May still belong to the previous year's season. A `SEASON` var overrides.
 */
export function currentSeason(now: Date, override?: string | null): number {
  if (override && /^\d{4}$/.test(override.trim())) return Number(override.trim());
  const year = now.getUTCFullYear();
  return now.getUTCMonth() < 5 ? year - 1 : year;
}
