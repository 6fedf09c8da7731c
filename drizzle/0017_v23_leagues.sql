-- v23 (issue "Leagues, invite links and accounts people make themselves"): leagues, their members and invites, passkeys,
-- WebAuthn challenges, one-time sign-in links, the global-board opt-in; drizzle-kit generated the tables (league_standings
-- made WITHOUT ROWID by hand, its user index led by user and league for the mirror triggers). By hand below: the mirror
-- of standings into the boards of large leagues and the public board, and the v8 groups made into leagues.
CREATE TABLE `invites` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`league_id` integer,
	`code_hash` text NOT NULL,
	`nonce` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text,
	`max_uses` integer,
	`uses` integer DEFAULT 0 NOT NULL,
	`revoked_at` text,
	FOREIGN KEY (`league_id`) REFERENCES `leagues`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "invites_uses_valid" CHECK("invites"."uses" >= 0 AND ("invites"."max_uses" IS NULL OR ("invites"."max_uses" >= 1 AND "invites"."uses" <= "invites"."max_uses")))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invites_code_hash_unique` ON `invites` (`code_hash`);--> statement-breakpoint
CREATE INDEX `invites_league_idx` ON `invites` (`league_id`);--> statement-breakpoint
CREATE TABLE `league_members` (
	`league_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`joined_at` text NOT NULL,
	PRIMARY KEY(`league_id`, `user_id`),
	FOREIGN KEY (`league_id`) REFERENCES `leagues`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `league_members_user_idx` ON `league_members` (`user_id`);--> statement-breakpoint
CREATE TABLE `league_standings` (
	`league_id` integer NOT NULL,
	`season` integer NOT NULL,
	`week` integer NOT NULL,
	`user_id` integer NOT NULL,
	`picks` integer DEFAULT 0 NOT NULL,
	`wins` integer DEFAULT 0 NOT NULL,
	`losses` integer DEFAULT 0 NOT NULL,
	`voids` integer DEFAULT 0 NOT NULL,
	`units_cu` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`league_id`, `season`, `week`, `user_id`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `league_standings_by_wins_idx` ON `league_standings` (`league_id`,`season`,`week`,"wins" DESC,"units_cu" DESC,`user_id`,`picks`);--> statement-breakpoint
CREATE INDEX `league_standings_by_units_idx` ON `league_standings` (`league_id`,`season`,`week`,"units_cu" DESC,"wins" DESC,`user_id`,`picks`);--> statement-breakpoint
CREATE INDEX `league_standings_user_idx` ON `league_standings` (`user_id`,`league_id`,`season`,`week`);--> statement-breakpoint
CREATE TABLE `leagues` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`commissioner_id` integer NOT NULL,
	`ranking` text DEFAULT 'wins' NOT NULL,
	`members_may_invite` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text,
	`legacy_group_id` integer,
	`board_materialized` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`commissioner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "leagues_ranking_valid" CHECK("leagues"."ranking" IN ('wins', 'units')),
	CONSTRAINT "leagues_members_may_invite_boolean" CHECK("leagues"."members_may_invite" IN (0, 1)),
	CONSTRAINT "leagues_name_length" CHECK(length(trim("leagues"."name")) BETWEEN 1 AND 60)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `leagues_legacy_group_id_unique` ON `leagues` (`legacy_group_id`);--> statement-breakpoint
CREATE TABLE `passkeys` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`name` text NOT NULL,
	`public_key` text NOT NULL,
	`counter` integer DEFAULT 0 NOT NULL,
	`transports` text,
	`device_type` text,
	`backed_up` integer DEFAULT 0 NOT NULL,
	`created_at` text NOT NULL,
	`last_used_at` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `passkeys_user_idx` ON `passkeys` (`user_id`);--> statement-breakpoint
CREATE TABLE `sign_in_links` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`token_hash` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`used_at` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sign_in_links_token_hash_unique` ON `sign_in_links` (`token_hash`);--> statement-breakpoint
CREATE INDEX `sign_in_links_user_idx` ON `sign_in_links` (`user_id`);--> statement-breakpoint
CREATE TABLE `webauthn_challenges` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`challenge` text NOT NULL,
	`purpose` text NOT NULL,
	`user_id` integer,
	`expires_at` text NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "webauthn_challenges_purpose_valid" CHECK("webauthn_challenges"."purpose" IN ('register', 'sign_in'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webauthn_challenges_challenge_unique` ON `webauthn_challenges` (`challenge`);--> statement-breakpoint
ALTER TABLE `users` ADD `on_global_board` integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
-- ---------------------------------------------------------------------------------------------------------------------
-- A league's board reads its members' standings in the league's order. Small leagues read them on the fly (members,
-- their standings rows and the names of a page: 3 x 50 rows at most); a league that reaches 50 members
-- (LARGE_LEAGUE_MEMBERS in src/services/league-boards.ts) is marked board_materialized once and for good, and its
-- members' standings rows are mirrored into league_standings, kept sorted by both rankings (a page then reads a page). League 0 is the public board: the users
-- with on_global_board = 1. Every change of a standings row reaches the mirrored rows in the same statement.
-- ---------------------------------------------------------------------------------------------------------------------
CREATE TRIGGER `standings_to_league_boards_insert` AFTER INSERT ON `standings`
BEGIN
  INSERT INTO `league_standings` (`league_id`, `season`, `week`, `user_id`, `picks`, `wins`, `losses`, `voids`, `units_cu`)
  SELECT b.league_id, NEW.`season`, NEW.`week`, NEW.`user_id`, NEW.`picks`, NEW.`wins`, NEW.`losses`, NEW.`voids`, NEW.`units_cu`
  FROM (SELECT m.`league_id` AS league_id FROM `league_members` m JOIN `leagues` l ON l.`id` = m.`league_id`
        WHERE m.`user_id` = NEW.`user_id` AND l.`board_materialized` = 1
        UNION ALL SELECT 0 FROM `users` u WHERE u.`id` = NEW.`user_id` AND u.`on_global_board` = 1) b
  WHERE true
  ON CONFLICT DO UPDATE SET `picks` = excluded.`picks`, `wins` = excluded.`wins`, `losses` = excluded.`losses`,
    `voids` = excluded.`voids`, `units_cu` = excluded.`units_cu`;
END;
--> statement-breakpoint
CREATE TRIGGER `standings_to_league_boards_update` AFTER UPDATE OF `picks`, `wins`, `losses`, `voids`, `units_cu` ON `standings`
BEGIN
  UPDATE `league_standings` SET `picks` = NEW.`picks`, `wins` = NEW.`wins`, `losses` = NEW.`losses`, `voids` = NEW.`voids`,
    `units_cu` = NEW.`units_cu`
  WHERE `user_id` = NEW.`user_id` AND `season` = NEW.`season` AND `week` = NEW.`week`;
END;
--> statement-breakpoint
CREATE TRIGGER `standings_to_league_boards_delete` AFTER DELETE ON `standings`
BEGIN
  DELETE FROM `league_standings` WHERE `user_id` = OLD.`user_id` AND `season` = OLD.`season` AND `week` = OLD.`week`;
END;
--> statement-breakpoint
-- A new member of a large league brings their rows; the member that makes a league large marks it (and that mirrors all).
CREATE TRIGGER `league_members_board_insert` AFTER INSERT ON `league_members`
BEGIN
  INSERT INTO `league_standings` (`league_id`, `season`, `week`, `user_id`, `picks`, `wins`, `losses`, `voids`, `units_cu`)
  SELECT NEW.`league_id`, s.`season`, s.`week`, s.`user_id`, s.`picks`, s.`wins`, s.`losses`, s.`voids`, s.`units_cu`
  FROM `standings` s
  WHERE s.`user_id` = NEW.`user_id` AND EXISTS (SELECT 1 FROM `leagues` l WHERE l.`id` = NEW.`league_id` AND l.`board_materialized` = 1)
  ON CONFLICT DO NOTHING;
  UPDATE `leagues` SET `board_materialized` = 1
  WHERE `id` = NEW.`league_id` AND `board_materialized` = 0
    AND (SELECT count(*) FROM `league_members` WHERE `league_id` = NEW.`league_id`) >= 50;
END;
--> statement-breakpoint
CREATE TRIGGER `leagues_board_materialize` AFTER UPDATE OF `board_materialized` ON `leagues`
WHEN NEW.`board_materialized` = 1 AND OLD.`board_materialized` = 0
BEGIN
  INSERT INTO `league_standings` (`league_id`, `season`, `week`, `user_id`, `picks`, `wins`, `losses`, `voids`, `units_cu`)
  SELECT NEW.`id`, s.`season`, s.`week`, s.`user_id`, s.`picks`, s.`wins`, s.`losses`, s.`voids`, s.`units_cu`
  FROM `league_members` m JOIN `standings` s ON s.`user_id` = m.`user_id`
  WHERE m.`league_id` = NEW.`id`
  ON CONFLICT DO NOTHING;
END;
--> statement-breakpoint
CREATE TRIGGER `league_members_board_delete` AFTER DELETE ON `league_members`
BEGIN
  DELETE FROM `league_standings` WHERE `user_id` = OLD.`user_id` AND `league_id` = OLD.`league_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `leagues_board_delete` AFTER DELETE ON `leagues`
BEGIN
  DELETE FROM `league_standings` WHERE `league_id` = OLD.`id`;
END;
--> statement-breakpoint
CREATE TRIGGER `users_global_board` AFTER UPDATE OF `on_global_board` ON `users`
WHEN OLD.`on_global_board` IS NOT NEW.`on_global_board`
BEGIN
  DELETE FROM `league_standings` WHERE `user_id` = NEW.`id` AND `league_id` = 0 AND NEW.`on_global_board` = 0;
  INSERT INTO `league_standings` (`league_id`, `season`, `week`, `user_id`, `picks`, `wins`, `losses`, `voids`, `units_cu`)
  SELECT 0, s.`season`, s.`week`, s.`user_id`, s.`picks`, s.`wins`, s.`losses`, s.`voids`, s.`units_cu`
  FROM `standings` s WHERE s.`user_id` = NEW.`id` AND NEW.`on_global_board` = 1
  ON CONFLICT DO NOTHING;
END;
--> statement-breakpoint
-- The v8 groups become leagues: each users.group_id a league named after it, its users members, its first admin (lowest
-- id), or else its first user, the commissioner. Ranked by wins, every member may invite.
INSERT INTO `leagues` (`name`, `commissioner_id`, `ranking`, `members_may_invite`, `created_at`, `legacy_group_id`)
SELECT 'Group ' || g.`group_id`,
  (SELECT u.`id` FROM `users` u WHERE u.`group_id` = g.`group_id` ORDER BY coalesce(u.`is_admin`, 0) = 1 DESC, u.`id` LIMIT 1),
  'wins', 1, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), g.`group_id`
FROM (SELECT DISTINCT `group_id` FROM `users` WHERE `group_id` IS NOT NULL) g
ORDER BY g.`group_id`;
--> statement-breakpoint
INSERT INTO `league_members` (`league_id`, `user_id`, `joined_at`)
SELECT l.`id`, u.`id`, strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
FROM `users` u JOIN `leagues` l ON l.`legacy_group_id` = u.`group_id`
ORDER BY l.`id`, u.`id`;
