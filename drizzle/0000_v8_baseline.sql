CREATE TABLE `market_odds` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source` text NOT NULL,
	`game_id` text,
	`season` integer,
	`week` integer,
	`player_name` text,
	`team` text,
	`implied_probability` real,
	`american_odds` integer,
	`raw_price` real,
	`volume` real,
	`market_id` text,
	`snapshot_time` text,
	`created_at` text DEFAULT CURRENT_TIMESTAMP,
	CONSTRAINT "market_odds_source_check" CHECK("market_odds"."source" IN ('polymarket', 'kalshi', 'odds_api'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `market_odds_source_game_player_snapshot_unique` ON `market_odds` (`source`,`game_id`,`player_name`,`snapshot_time`);--> statement-breakpoint
CREATE TABLE `market_outcomes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source` text NOT NULL,
	`market_id` text,
	`game_id` text,
	`player_name` text,
	`outcome` text,
	`settled_price` real,
	`settled_at` text,
	`created_at` text DEFAULT CURRENT_TIMESTAMP
);
--> statement-breakpoint
CREATE TABLE `picks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`week_id` integer NOT NULL,
	`team` text,
	`player_name` text NOT NULL,
	`odds` real,
	`theoretical_return` real,
	`game_id` text,
	`created_at` text DEFAULT CURRENT_TIMESTAMP,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`week_id`) REFERENCES `weeks`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `player_stats` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`player_name` text NOT NULL,
	`season` integer NOT NULL,
	`team` text,
	`position` text,
	`games_played` integer DEFAULT 0,
	`first_td_count` integer DEFAULT 0,
	`any_time_td_count` integer DEFAULT 0,
	`red_zone_targets` integer DEFAULT 0,
	`red_zone_touches` integer DEFAULT 0,
	`last_td_week` integer,
	`recent_form` real,
	`updated_at` text DEFAULT CURRENT_TIMESTAMP
);
--> statement-breakpoint
CREATE UNIQUE INDEX `player_stats_player_name_season_team_unique` ON `player_stats` (`player_name`,`season`,`team`);--> statement-breakpoint
CREATE TABLE `results` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`pick_id` integer NOT NULL,
	`actual_scorer` text,
	`is_correct` integer,
	`actual_return` real,
	`any_time_td` integer,
	`created_at` text DEFAULT CURRENT_TIMESTAMP,
	FOREIGN KEY (`pick_id`) REFERENCES `picks`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `results_pick_id_unique` ON `results` (`pick_id`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`email` text,
	`group_id` integer,
	`is_admin` integer DEFAULT 0,
	`created_at` text DEFAULT CURRENT_TIMESTAMP
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_name_unique` ON `users` (`name`);--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);--> statement-breakpoint
CREATE TABLE `weeks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`season` integer NOT NULL,
	`week` integer NOT NULL,
	`started_at` text,
	`ended_at` text,
	`created_at` text DEFAULT CURRENT_TIMESTAMP
);
--> statement-breakpoint
CREATE UNIQUE INDEX `weeks_season_week_unique` ON `weeks` (`season`,`week`);