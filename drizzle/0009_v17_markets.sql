-- v17: market snapshots extended (kind, book, price basis, normalized probability), unmapped markets, outcomes.
-- The v8 unique key of market_odds gains the kind: an index, so it is dropped and recreated without a rebuild.
CREATE TABLE `market_unmapped` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source` text NOT NULL,
	`kind` text NOT NULL,
	`event_id` text,
	`market_id` text NOT NULL,
	`label` text,
	`game_id` text,
	`reason` text NOT NULL,
	`first_seen_at` text NOT NULL,
	`last_seen_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `market_unmapped_source_market_unique` ON `market_unmapped` (`source`,`market_id`);--> statement-breakpoint
DROP INDEX `market_odds_source_game_player_snapshot_unique`;--> statement-breakpoint
ALTER TABLE `market_odds` ADD `kind` text DEFAULT 'first_td' NOT NULL CHECK (`kind` IN ('first_td', 'anytime_td'));--> statement-breakpoint
ALTER TABLE `market_odds` ADD `event_id` text;--> statement-breakpoint
ALTER TABLE `market_odds` ADD `bid` real;--> statement-breakpoint
ALTER TABLE `market_odds` ADD `ask` real;--> statement-breakpoint
ALTER TABLE `market_odds` ADD `last_price` real;--> statement-breakpoint
ALTER TABLE `market_odds` ADD `price_basis` text CHECK (`price_basis` IS NULL OR `price_basis` IN ('mid', 'last', 'ask_upper_bound'));--> statement-breakpoint
ALTER TABLE `market_odds` ADD `normalized_probability` real;--> statement-breakpoint
ALTER TABLE `market_odds` ADD `captured_at` text;--> statement-breakpoint
CREATE UNIQUE INDEX `market_odds_snapshot_unique` ON `market_odds` (`source`,`kind`,`game_id`,`player_name`,`snapshot_time`);--> statement-breakpoint
ALTER TABLE `market_outcomes` ADD `player_id` text;--> statement-breakpoint
ALTER TABLE `market_outcomes` ADD `kind` text;--> statement-breakpoint
ALTER TABLE `market_outcomes` ADD `last_probability` real;--> statement-breakpoint
CREATE UNIQUE INDEX `market_outcomes_source_market_unique` ON `market_outcomes` (`source`,`market_id`);