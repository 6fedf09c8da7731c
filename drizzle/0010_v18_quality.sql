CREATE TABLE `quality_results` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` integer NOT NULL,
	`check_name` text NOT NULL,
	`table_name` text NOT NULL,
	`severity` text NOT NULL,
	`status` text NOT NULL,
	`failing_rows` integer DEFAULT 0 NOT NULL,
	`sample_keys` text,
	`details` text,
	FOREIGN KEY (`run_id`) REFERENCES `quality_runs`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "quality_results_severity_valid" CHECK("quality_results"."severity" IN ('fail', 'warn')),
	CONSTRAINT "quality_results_status_valid" CHECK("quality_results"."status" IN ('pass', 'warn', 'fail', 'error'))
);
--> statement-breakpoint
CREATE INDEX `quality_results_run_idx` ON `quality_results` (`run_id`);--> statement-breakpoint
CREATE INDEX `quality_results_check_idx` ON `quality_results` (`check_name`,`run_id`);--> statement-breakpoint
CREATE TABLE `quality_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`trigger` text NOT NULL,
	`started_at` text NOT NULL,
	`finished_at` text,
	`status` text DEFAULT 'running' NOT NULL,
	`checks_total` integer DEFAULT 0 NOT NULL,
	`checks_failed` integer DEFAULT 0 NOT NULL,
	`checks_warned` integer DEFAULT 0 NOT NULL,
	`checks_errored` integer DEFAULT 0 NOT NULL,
	`alert_sent_at` text,
	`alert_error` text,
	CONSTRAINT "quality_runs_trigger_valid" CHECK("quality_runs"."trigger" IN ('cron', 'admin', 'cli')),
	CONSTRAINT "quality_runs_status_valid" CHECK("quality_runs"."status" IN ('running', 'pass', 'warn', 'fail', 'error'))
);
--> statement-breakpoint
CREATE INDEX `quality_runs_started_idx` ON `quality_runs` (`started_at`);