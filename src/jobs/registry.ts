import type { JobHandler } from "./job";
import { liveSync } from "./live-sync";
import { rosterSync } from "./roster-sync";
import { scheduleSync } from "./schedule-sync";

export const JOBS = {
  "roster-sync": rosterSync,
  "schedule-sync": scheduleSync,
  "live-sync": liveSync,
} satisfies Record<string, JobHandler>;

export type JobName = keyof typeof JOBS;

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(JOBS, name);
}

/**
 * Each Cron Trigger of wrangler.toml and the job it runs (a test keeps the two lists equal).
 * Rosters daily at 09:00 UTC (nflverse publishes overnight US time), the schedule at 09:30 UTC,
 * the live sync every 2 minutes (it returns after one query when no game is near).
 */
export const CRON_JOBS: Record<string, JobName> = {
  "0 9 * * *": "roster-sync",
  "30 9 * * *": "schedule-sync",
  "*/2 * * * *": "live-sync",
};
