CREATE TABLE `standings` (
	`season` integer NOT NULL,
	`week` integer NOT NULL,
	`user_id` integer NOT NULL,
	`picks` integer DEFAULT 0 NOT NULL,
	`wins` integer DEFAULT 0 NOT NULL,
	`losses` integer DEFAULT 0 NOT NULL,
	`voids` integer DEFAULT 0 NOT NULL,
	`units_cu` integer DEFAULT 0 NOT NULL,
	`updated_at` text DEFAULT CURRENT_TIMESTAMP,
	PRIMARY KEY(`season`, `week`, `user_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "standings_week_range" CHECK("standings"."week" BETWEEN 0 AND 22),
	CONSTRAINT "standings_counts_non_negative" CHECK("standings"."picks" >= 0 AND "standings"."wins" >= 0 AND "standings"."losses" >= 0 AND "standings"."voids" >= 0)
);
--> statement-breakpoint
CREATE INDEX `standings_by_wins_idx` ON `standings` (`season`,`week`,"wins" DESC,`user_id`);--> statement-breakpoint
CREATE INDEX `standings_by_units_idx` ON `standings` (`season`,`week`,"units_cu" DESC,`user_id`);--> statement-breakpoint
CREATE INDEX `games_schedule_idx` ON `games` (`season`,`week`,`kickoff_at`);--> statement-breakpoint
CREATE INDEX `games_espn_event_idx` ON `games` (`espn_event_id`);--> statement-breakpoint
CREATE INDEX `picks_game_idx` ON `picks` (`game_id`,`player_id`);--> statement-breakpoint
CREATE INDEX `player_stats_position_filter_idx` ON `player_stats` (`season`,`position`,"first_td_count" DESC);--> statement-breakpoint
CREATE INDEX `player_stats_team_filter_idx` ON `player_stats` (`season`,`team`,"first_td_count" DESC);--> statement-breakpoint
CREATE INDEX `rosters_team_idx` ON `rosters` (`season`,`team`,`position`);