import type { JobHandler } from "./job";
import { liveSync } from "./live-sync";
import { marketSync } from "./market-sync";
import { notify } from "./notify";
import { retention } from "./retention";
import { rosterSync } from "./roster-sync";
import { scheduleSync } from "./schedule-sync";
import { archiveSeason, restoreSeason } from "./season-archive";
import { qualityJob } from "../quality/run";

export const JOBS = {
  "roster-sync": rosterSync,
  "schedule-sync": scheduleSync,
  "live-sync": liveSync,
  "market-sync": marketSync,
  // Nightly data-quality checks (src/quality/): also stored in quality_runs / quality_results, alerts on failures.
  quality: qualityJob,
  // Nightly: market snapshots downsampled after kickoff, old run logs and quality history, ended sessions (retention.ts).
  retention,
  // On demand, with a season: a finished season to R2 as files, and back (season-archive.ts; decision 0013).
  archive: archiveSeason,
  "archive-restore": restoreSeason,
  // Every 5 minutes: reminders, first-TD results, week summaries and joins, logged and queued (notify.ts; decision 0015).
  notify,
} satisfies Record<string, JobHandler>;

export type JobName = keyof typeof JOBS;

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(JOBS, name);
}

/** The jobs no cron runs: a person starts them for a season (admin endpoint, `npm run job`). Every other job has a cron. */
export const ON_DEMAND_JOBS: readonly JobName[] = ["archive", "archive-restore"];

/**
 * Each Cron Trigger of wrangler.toml and the job it runs (a test keeps the two lists equal).
 * Rosters daily at 09:00 UTC (nflverse publishes overnight US time), the schedule at 09:30 UTC,
 * the live sync every 2 minutes (it returns after one query when no game is near), the data-quality checks at
 * 02:00 UTC (a quiet hour before the morning syncs; a game still being played is inside the checks' grading grace),
 * the retention at 03:30 UTC (after the quality checks, which read the history it prunes; Monday night's game is over).
 */
export const CRON_JOBS: Record<string, JobName> = {
  "0 9 * * *": "roster-sync",
  "30 9 * * *": "schedule-sync",
  "*/2 * * * *": "live-sync",
  // Every 10 minutes; the job snapshots at :00 and :30, and at every run within two hours of a kickoff.
  "*/10 * * * *": "market-sync",
  "0 2 * * *": "quality",
  "30 3 * * *": "retention",
  // Reminders at 24 h and 1 h before kickoff land within 5 minutes of the threshold; results minutes after grading.
  "*/5 * * * *": "notify",
};
