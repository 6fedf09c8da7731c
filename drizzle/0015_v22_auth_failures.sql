-- v22 (issue "Trust"), the failed-authentication throttle: one row per client address with the window its first
-- failure opened and the failures counted in it (src/services/auth-throttle.ts). A D1 table rather than a Workers
-- rate-limit binding: the binding cannot be read without counting, so it could not refuse a right token after ten
-- wrong ones; see docs/runbook.md.
CREATE TABLE `auth_failures` (
	`client` text PRIMARY KEY NOT NULL,
	`window_started_at` text NOT NULL,
	`failures` integer NOT NULL,
	`last_failure_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `auth_failures_window_idx` ON `auth_failures` (`window_started_at`);