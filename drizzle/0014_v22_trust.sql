-- v22 (issue "Trust: odds nobody can game, tokens that can be revoked, an admin surface that leaks nothing"): columns
-- added in place (no table rebuild: a rebuild of picks would cascade-delete results and drop its triggers on D1).
-- picks.odds_reason is one of no_market, stale, too_thin (checked by the service; a CHECK would need a rebuild).
CREATE TABLE `admin_audit` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`target_user_id` integer,
	`target_token_id` integer,
	`detail` text
);
--> statement-breakpoint
CREATE INDEX `admin_audit_target_user_idx` ON `admin_audit` (`target_user_id`,`at`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`token_hash` text NOT NULL,
	`user_id` integer,
	`purpose` text NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`last_seen_at` text,
	`revoked_at` text,
	`user_agent` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "sessions_purpose_valid" CHECK("sessions"."purpose" IN ('web', 'status'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sessions_token_hash_unique` ON `sessions` (`token_hash`);--> statement-breakpoint
CREATE INDEX `sessions_user_idx` ON `sessions` (`user_id`);--> statement-breakpoint
ALTER TABLE `api_tokens` ADD `revoked_by` text;--> statement-breakpoint
ALTER TABLE `api_tokens` ADD `expires_at` text;--> statement-breakpoint
ALTER TABLE `market_odds` ADD `bid_size` real;--> statement-breakpoint
ALTER TABLE `market_odds` ADD `ask_size` real;--> statement-breakpoint
ALTER TABLE `picks` ADD `odds_reason` text;--> statement-breakpoint
ALTER TABLE `picks` ADD `odds_snapshot_ids` text;--> statement-breakpoint
ALTER TABLE `picks` ADD `changed_by` text;--> statement-breakpoint
ALTER TABLE `users` ADD `disabled_at` text;--> statement-breakpoint
ALTER TABLE `users` ADD `disabled_by` text;