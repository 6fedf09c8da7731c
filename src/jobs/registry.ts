import type { JobHandler } from "./job";
import { liveSync } from "./live-sync";
import { marketSync } from "./market-sync";
import { rosterSync } from "./roster-sync";
import { scheduleSync } from "./schedule-sync";
import { qualityJob } from "../quality/run";

export const JOBS = {
  "roster-sync": rosterSync,
  "schedule-sync": scheduleSync,
  "live-sync": liveSync,
  "market-sync": marketSync,
  // Nightly data-quality checks (src/quality/): also stored in quality_runs / quality_results, alerts on failures.
  quality: qualityJob,
} satisfies Record<string, JobHandler>;

export type JobName = keyof typeof JOBS;

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(JOBS, name);
}

/**
 * Each Cron Trigger of wrangler.toml and the job it runs (a test keeps the two lists equal).
 * Rosters daily at 09:00 UTC (nflverse publishes overnight US time), the schedule at 09:30 UTC,
 * the live sync every 2 minutes (it returns after one query when no game is near), the data-quality checks at
 * 02:00 UTC (a quiet hour before the morning syncs; a game still being played is inside the checks' grading grace).
 */
export const CRON_JOBS: Record<string, JobName> = {
  "0 9 * * *": "roster-sync",
  "30 9 * * *": "schedule-sync",
  "*/2 * * * *": "live-sync",
  // Every 10 minutes; the job snapshots at :00 and :30, and at every run within two hours of a kickoff.
  "*/10 * * * *": "market-sync",
  "0 2 * * *": "quality",
};
