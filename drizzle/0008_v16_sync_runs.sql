CREATE TABLE `sync_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`job` text NOT NULL,
	`trigger` text NOT NULL,
	`cron` text,
	`season` integer,
	`week` integer,
	`started_at` text NOT NULL,
	`finished_at` text,
	`status` text DEFAULT 'running' NOT NULL,
	`read_count` integer DEFAULT 0 NOT NULL,
	`inserted_count` integer DEFAULT 0 NOT NULL,
	`updated_count` integer DEFAULT 0 NOT NULL,
	`unchanged_count` integer DEFAULT 0 NOT NULL,
	`rejected_count` integer DEFAULT 0 NOT NULL,
	`d1_rows_read` integer DEFAULT 0 NOT NULL,
	`d1_rows_written` integer DEFAULT 0 NOT NULL,
	`error` text,
	`details` text,
	CONSTRAINT "sync_runs_trigger_valid" CHECK("sync_runs"."trigger" IN ('cron', 'admin', 'cli')),
	CONSTRAINT "sync_runs_status_valid" CHECK("sync_runs"."status" IN ('running', 'ok', 'partial', 'failed'))
);
--> statement-breakpoint
CREATE INDEX `sync_runs_job_started_idx` ON `sync_runs` (`job`,`started_at`);