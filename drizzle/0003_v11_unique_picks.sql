CREATE TABLE `picks_quarantine` (
	`id` integer PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`week_id` integer NOT NULL,
	`team` text,
	`player_name` text NOT NULL,
	`odds` real,
	`theoretical_return` real,
	`game_id` text,
	`created_at` text,
	`reason` text NOT NULL,
	`kept_pick_id` integer,
	`result_actual_scorer` text,
	`result_is_correct` integer,
	`result_actual_return` real,
	`quarantined_at` text DEFAULT CURRENT_TIMESTAMP NOT NULL,
	`restored_at` text,
	CONSTRAINT "picks_quarantine_reason_valid" CHECK("picks_quarantine"."reason" IN ('duplicate_in_week', 'no_matching_game', 'second_pick_in_game'))
);
--> statement-breakpoint
-- Dedupe before the unique index (docs/decisions/0001-pick-dedupe-rule.md): among picks with the same
-- (user_id, week_id, player_name) the one that carries a result wins, else the earliest (created_at, then id;
-- a missing created_at counts as latest). Losers move to picks_quarantine with their result, never deleted.
INSERT INTO `picks_quarantine` (`id`, `user_id`, `week_id`, `team`, `player_name`, `odds`, `theoretical_return`,
  `game_id`, `created_at`, `reason`, `kept_pick_id`, `result_actual_scorer`, `result_is_correct`, `result_actual_return`)
WITH ranked AS (
  SELECT p.`id`,
    row_number() OVER w AS rank_in_group,
    first_value(p.`id`) OVER w AS kept_id
  FROM `picks` p LEFT JOIN `results` r ON r.`pick_id` = p.`id`
  WINDOW w AS (PARTITION BY p.`user_id`, p.`week_id`, p.`player_name`
               ORDER BY (r.`id` IS NULL), coalesce(p.`created_at`, '9999'), p.`id`)
)
SELECT p.`id`, p.`user_id`, p.`week_id`, p.`team`, p.`player_name`, p.`odds`, p.`theoretical_return`,
  p.`game_id`, p.`created_at`, 'duplicate_in_week', ranked.kept_id, r.`actual_scorer`, r.`is_correct`, r.`actual_return`
FROM ranked JOIN `picks` p ON p.`id` = ranked.`id` LEFT JOIN `results` r ON r.`pick_id` = p.`id`
WHERE ranked.rank_in_group > 1;
--> statement-breakpoint
DELETE FROM `picks` WHERE `id` IN (SELECT `id` FROM `picks_quarantine` WHERE `reason` = 'duplicate_in_week');
--> statement-breakpoint
CREATE UNIQUE INDEX `picks_user_week_player_unique` ON `picks` (`user_id`,`week_id`,`player_name`);