import type { JOB_TRIGGERS } from "../db/schema";
import type { AppEnv } from "../env";
import type { FetchOptions, Fetcher } from "../sources/http";
import type { MeteredD1 } from "./d1-meter";

export type JobTrigger = (typeof JOB_TRIGGERS)[number];

export interface JobContext {
  env: AppEnv;
  db: MeteredD1;
  season: number;
  week: number | null;
  /** Whether whoever started the run named the season or week (a backfill), rather than leaving them to the clock. */
  scopeRequested: boolean;
  /** What started the run: a cron run may decide it is not due (see market-sync). */
  trigger: JobTrigger;
  now: Date;
  fetcher: Fetcher;
  /** Timeout and retry waits of upstream calls; src/sources/http.ts defaults when absent (tests shorten them). */
  retryPolicy?: RetryPolicy;
  /** Progress for a person watching (the CLI prints it; the Worker logs it). */
  progress: (message: string) => void;
}

export type RetryPolicy = Pick<FetchOptions, "timeoutMs" | "attempts" | "backoffMs" | "maxWaitMs">;

/** The options a job's upstream calls use: its fetcher and its retry policy. */
export function upstreamOptions(ctx: Pick<JobContext, "fetcher" | "retryPolicy">): FetchOptions {
  return { ...ctx.retryPolicy, fetcher: ctx.fetcher };
}

/**
 * What a run did with the upstream records it read. `partial`: some rows were rejected, the rest landed; or the run
 * could not get through its work (`left` items remain for the next run).
 */
export interface JobOutcome {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  left?: number;
  details?: Record<string, unknown>;
}

export type JobHandler = (context: JobContext) => Promise<JobOutcome>;

/** The first few items of a list, for run details that a person reads. */
export function firstFew<T>(items: readonly T[], count = 10): T[] {
  return items.slice(0, count);
}
