CREATE TABLE `players` (
	`id` text PRIMARY KEY NOT NULL,
	`full_name` text NOT NULL,
	`name_key` text NOT NULL,
	`espn_id` text,
	`sleeper_id` text,
	`defense_team` text,
	`is_fallback_id` integer DEFAULT 0 NOT NULL,
	`birth_date` text,
	`created_at` text DEFAULT CURRENT_TIMESTAMP,
	`updated_at` text DEFAULT CURRENT_TIMESTAMP,
	FOREIGN KEY (`defense_team`) REFERENCES `teams`(`code`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "players_defense_id" CHECK(("players"."defense_team" IS NULL AND "players"."id" NOT LIKE 'DEF-%') OR "players"."id" = 'DEF-' || "players"."defense_team"),
	CONSTRAINT "players_fallback_boolean" CHECK("players"."is_fallback_id" IN (0, 1))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `players_espn_id_unique` ON `players` (`espn_id`) WHERE "players"."espn_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `players_name_key_idx` ON `players` (`name_key`);--> statement-breakpoint
CREATE TABLE `rosters` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`season` integer NOT NULL,
	`player_id` text NOT NULL,
	`player_name` text NOT NULL,
	`team` text NOT NULL,
	`position` text,
	`raw_position` text,
	`depth_chart_position` text,
	`status` text DEFAULT 'ACT' NOT NULL,
	`jersey` integer,
	`is_current` integer DEFAULT 1 NOT NULL,
	`created_at` text DEFAULT CURRENT_TIMESTAMP,
	`updated_at` text DEFAULT CURRENT_TIMESTAMP,
	FOREIGN KEY (`player_id`) REFERENCES `players`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`team`) REFERENCES `teams`(`code`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "rosters_position_valid" CHECK("rosters"."position" IS NULL OR "rosters"."position" IN ('QB', 'RB', 'WR', 'TE', 'K', 'DEF', 'OL', 'DL', 'LB', 'DB', 'P', 'LS')),
	CONSTRAINT "rosters_is_current_boolean" CHECK("rosters"."is_current" IN (0, 1)),
	CONSTRAINT "rosters_jersey_range" CHECK("rosters"."jersey" IS NULL OR "rosters"."jersey" BETWEEN 0 AND 99)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rosters_one_current_team` ON `rosters` (`season`,`player_id`) WHERE "rosters"."is_current" = 1;--> statement-breakpoint
CREATE UNIQUE INDEX `rosters_season_player_team_unique` ON `rosters` (`season`,`player_id`,`team`);--> statement-breakpoint
-- Seed: one pseudo-player per team for its defense / special teams (pickable as position DEF).
INSERT INTO `players` (`id`, `full_name`, `name_key`, `defense_team`)
SELECT 'DEF-' || `code`, `name` || ' Defense', lower(`name`) || ' defense', `code` FROM `teams`;
