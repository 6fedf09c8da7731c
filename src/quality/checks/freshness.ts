/**
 * Freshness: during the season the rosters and the schedule must have been synced recently (the syncs run daily,
 * so a last successful run older than 36 hours means at least one nightly run failed or did not run).
 * Off season (March to August) nothing changes daily and the check does not apply; nor does it for a job that
 * has never run anywhere (a local or demo database fed by hand).
 */
import { functionCheck, queryRows, type CheckContext, type CheckFinding, type QualityCheck } from "../types";

export const FRESHNESS_LIMIT_HOURS = 36;

/** September (8) to February (1), UTC months. */
export function isInSeason(now: Date): boolean {
  const month = now.getUTCMonth();
  return month >= 8 || month <= 1;
}

async function freshness(ctx: CheckContext, job: string): Promise<CheckFinding> {
  if (!isInSeason(ctx.now)) return { failingRows: 0, sampleKeys: [], details: { applies: false, reason: "off season (March-August)" } };
  const [row] = await queryRows<{ runs: number; lastOk: string | null }>(
    ctx,
    ctx.db.prepare(
      `SELECT (SELECT count(*) FROM sync_runs WHERE job = ?1) AS runs,
         (SELECT max(finished_at) FROM sync_runs WHERE job = ?1 AND season = ?2 AND status IN ('ok', 'partial')) AS lastOk`,
    ).bind(job, ctx.season),
  );
  if (!row || row.runs === 0) return { failingRows: 0, sampleKeys: [], details: { applies: false, reason: `${job} has never run` } };
  const ageHours = row.lastOk === null ? null : (ctx.now.getTime() - Date.parse(row.lastOk)) / 3_600_000;
  const details = { applies: true, job, season: ctx.season, lastOk: row.lastOk, ageHours: ageHours === null ? null : Math.round(ageHours * 10) / 10, limitHours: FRESHNESS_LIMIT_HOURS };
  if (ageHours !== null && ageHours <= FRESHNESS_LIMIT_HOURS) return { failingRows: 0, sampleKeys: [], details };
  const key = row.lastOk === null ? `${job} ${ctx.season}: no successful run` : `${job} ${ctx.season}: last ok ${row.lastOk} (${details.ageHours} h ago)`;
  return { failingRows: 1, sampleKeys: [key], details };
}

export const freshnessChecks: QualityCheck[] = [
  functionCheck({
    name: "freshness_rosters",
    table: "rosters",
    severity: "warn",
    description: `In season, the last successful roster-sync of the season finished more than ${FRESHNESS_LIMIT_HOURS} hours ago (or never, though the job has run).`,
    run: (ctx) => freshness(ctx, "roster-sync"),
  }),
  functionCheck({
    name: "freshness_schedule",
    table: "games",
    severity: "warn",
    description: `In season, the last successful schedule-sync of the season finished more than ${FRESHNESS_LIMIT_HOURS} hours ago (or never, though the job has run).`,
    run: (ctx) => freshness(ctx, "schedule-sync"),
  }),
];
