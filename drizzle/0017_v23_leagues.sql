-- v23 (issue "Leagues, invite links and accounts people make themselves"): leagues, their members and invites, passkeys,
-- WebAuthn challenges, one-time sign-in links, the global-board opt-in; drizzle-kit generated the tables (league_standings
-- made WITHOUT ROWID by hand; its user index and standings' new one serve the mirror triggers). By hand below: the mirror
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
CREATE INDEX `league_standings_user_idx` ON `league_standings` (`user_id`,`season`,`week`,`league_id`);--> statement-breakpoint
CREATE INDEX `standings_user_idx` ON `standings` (`user_id`,`season`,`week`);--> statement-breakpoint
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
WHEN NOT EXISTS (SELECT 1 FROM `grading_in_progress`)
BEGIN
  UPDATE `league_standings` SET `picks` = NEW.`picks`, `wins` = NEW.`wins`, `losses` = NEW.`losses`, `voids` = NEW.`voids`,
    `units_cu` = NEW.`units_cu`
  WHERE `user_id` = NEW.`user_id` AND `season` = NEW.`season` AND `week` = NEW.`week`;
END;
--> statement-breakpoint
-- While a game is graded the mirror above stands aside: games_grade_on_facts_change (v21, recreated here with one more
-- statement) moves the sorted boards of the game's pickers set-based, after their standings.
DROP TRIGGER `games_grade_on_facts_change`;
--> statement-breakpoint
CREATE TRIGGER `games_grade_on_facts_change` AFTER UPDATE ON `games`
WHEN OLD.`first_td_player_id` IS NOT NEW.`first_td_player_id` OR OLD.`first_td_team` IS NOT NEW.`first_td_team` OR OLD.`first_td_kind` IS NOT NEW.`first_td_kind` OR OLD.`first_td_player_name` IS NOT NEW.`first_td_player_name` OR OLD.`no_td` IS NOT NEW.`no_td` OR OLD.`is_voided` IS NOT NEW.`is_voided` OR (OLD.`status` = 'canceled') IS NOT (NEW.`status` = 'canceled')
BEGIN
  INSERT INTO `game_fact_changes` (`game_id`, `changed_at`, `changed_by`, `before`, `after`)
  VALUES (NEW.`id`, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), coalesce(NEW.`updated_by`, NEW.`first_td_recorded_by`), json_object('first_td_player_id', OLD.`first_td_player_id`, 'first_td_player_name', OLD.`first_td_player_name`, 'first_td_team', OLD.`first_td_team`, 'first_td_kind', OLD.`first_td_kind`, 'no_td', OLD.`no_td`, 'status', OLD.`status`, 'is_voided', OLD.`is_voided`), json_object('first_td_player_id', NEW.`first_td_player_id`, 'first_td_player_name', NEW.`first_td_player_name`, 'first_td_team', NEW.`first_td_team`, 'first_td_kind', NEW.`first_td_kind`, 'no_td', NEW.`no_td`, 'status', NEW.`status`, 'is_voided', NEW.`is_voided`));
  INSERT INTO `grading_in_progress` (`game_id`) VALUES (NEW.`id`);
  -- The game's standings, set-based, before its results change: per pick, the new outcome and profit minus the current
  -- result's; each user's two rows (season and week) move by that delta. A pick the rules cannot grade yet that holds a
  -- legacy result keeps it (no delta). Rows whose wins change first, then the others without assigning wins (an
  -- assigned column rewrites its index entry). (SQLite allows no WITH inside a trigger, so both spell out the delta.)
  UPDATE `standings` SET `wins` = `wins` + d.dw, `losses` = `losses` + d.dl, `voids` = `voids` + d.dv, `units_cu` = `units_cu` + d.du,
    `updated_at` = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
  FROM (SELECT n.user_id AS user_id, n.season AS season, n.week AS week,
      (n.outcome IS 'win') - (r.`outcome` IS 'win') AS dw, (n.outcome IS 'loss') - (r.`outcome` IS 'loss') AS dl,
      (n.outcome IS 'void') - (r.`outcome` IS 'void') AS dv,
      CASE n.outcome WHEN 'win' THEN CAST(round((coalesce(n.decimal_odds, 2.0) - 1) * 100) AS INTEGER) WHEN 'loss' THEN -100 ELSE 0 END
        - CASE WHEN r.`outcome` IS NULL THEN 0 ELSE coalesce(r.`profit_cu`, 0) END AS du
    FROM (SELECT p.`id` AS pick_id, p.`user_id` AS user_id, w.`season` AS season, w.`week` AS week, p.`decimal_odds` AS decimal_odds,
            CASE WHEN NEW.`status` = 'canceled' OR NEW.`is_voided` = 1 THEN 'void' WHEN NEW.`no_td` = 1 THEN 'loss' WHEN NEW.`first_td_team` IS NULL THEN NULL WHEN p.`player_id` = NEW.`first_td_player_id` THEN 'win' WHEN NEW.`first_td_kind` IN ('return', 'defense') AND p.`player_id` = 'DEF-' || NEW.`first_td_team` THEN 'win' WHEN NEW.`first_td_player_id` IS NOT NULL THEN 'loss' WHEN p.`player_id` = 'DEF-' || NEW.`first_td_team` THEN CASE WHEN NEW.`first_td_kind` IS NULL THEN NULL ELSE 'loss' END WHEN p.`team` IN (NEW.`home_team`, NEW.`away_team`) AND p.`team` <> NEW.`first_td_team` THEN 'loss' END AS outcome
          FROM `picks` p JOIN `weeks` w ON w.`id` = p.`week_id` WHERE p.`game_id` = NEW.`id`) n
    LEFT JOIN `results` r ON r.`pick_id` = n.pick_id
    WHERE n.outcome IS NOT NULL OR r.`graded_at` IS NOT NULL
    ORDER BY n.user_id LIMIT -1) d
  WHERE d.dw <> 0 AND `standings`.`season` = d.season AND `standings`.`week` IN (0, d.week) AND `standings`.`user_id` = d.user_id;
  UPDATE `standings` SET `losses` = `losses` + d.dl, `voids` = `voids` + d.dv, `units_cu` = `units_cu` + d.du,
    `updated_at` = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
  FROM (SELECT n.user_id AS user_id, n.season AS season, n.week AS week,
      (n.outcome IS 'win') - (r.`outcome` IS 'win') AS dw, (n.outcome IS 'loss') - (r.`outcome` IS 'loss') AS dl,
      (n.outcome IS 'void') - (r.`outcome` IS 'void') AS dv,
      CASE n.outcome WHEN 'win' THEN CAST(round((coalesce(n.decimal_odds, 2.0) - 1) * 100) AS INTEGER) WHEN 'loss' THEN -100 ELSE 0 END
        - CASE WHEN r.`outcome` IS NULL THEN 0 ELSE coalesce(r.`profit_cu`, 0) END AS du
    FROM (SELECT p.`id` AS pick_id, p.`user_id` AS user_id, w.`season` AS season, w.`week` AS week, p.`decimal_odds` AS decimal_odds,
            CASE WHEN NEW.`status` = 'canceled' OR NEW.`is_voided` = 1 THEN 'void' WHEN NEW.`no_td` = 1 THEN 'loss' WHEN NEW.`first_td_team` IS NULL THEN NULL WHEN p.`player_id` = NEW.`first_td_player_id` THEN 'win' WHEN NEW.`first_td_kind` IN ('return', 'defense') AND p.`player_id` = 'DEF-' || NEW.`first_td_team` THEN 'win' WHEN NEW.`first_td_player_id` IS NOT NULL THEN 'loss' WHEN p.`player_id` = 'DEF-' || NEW.`first_td_team` THEN CASE WHEN NEW.`first_td_kind` IS NULL THEN NULL ELSE 'loss' END WHEN p.`team` IN (NEW.`home_team`, NEW.`away_team`) AND p.`team` <> NEW.`first_td_team` THEN 'loss' END AS outcome
          FROM `picks` p JOIN `weeks` w ON w.`id` = p.`week_id` WHERE p.`game_id` = NEW.`id`) n
    LEFT JOIN `results` r ON r.`pick_id` = n.pick_id
    WHERE n.outcome IS NOT NULL OR r.`graded_at` IS NOT NULL
    ORDER BY n.user_id LIMIT -1) d
  WHERE d.dw = 0 AND (d.dl <> 0 OR d.dv <> 0 OR d.du <> 0)
    AND `standings`.`season` = d.season AND `standings`.`week` IN (0, d.week) AND `standings`.`user_id` = d.user_id;
  -- The sorted boards (league_standings) of the users who picked this game follow their standings rows just moved,
  -- set-based: the per-row mirror trigger on standings stands aside while a game is graded.
  UPDATE `league_standings` SET `picks` = s.`picks`, `wins` = s.`wins`, `losses` = s.`losses`, `voids` = s.`voids`, `units_cu` = s.`units_cu`
  FROM (SELECT DISTINCT p.`user_id` AS user_id, w.`week` AS week FROM `picks` p JOIN `weeks` w ON w.`id` = p.`week_id` WHERE p.`game_id` = NEW.`id`) d
  JOIN `standings` s ON s.`season` = NEW.`season` AND s.`week` IN (0, d.week) AND s.`user_id` = d.user_id
  WHERE `league_standings`.`user_id` = s.`user_id` AND `league_standings`.`season` = s.`season` AND `league_standings`.`week` = s.`week`
    AND (`league_standings`.`picks`, `league_standings`.`wins`, `league_standings`.`losses`, `league_standings`.`voids`, `league_standings`.`units_cu`)
      IS NOT (s.`picks`, s.`wins`, s.`losses`, s.`voids`, s.`units_cu`);
  -- Results the rules no longer support go (only graded ones: a legacy result waits for the rules); none can go while
  -- the game is void, has no TD or a known scorer (every pick then has an outcome).
  DELETE FROM `results`
  WHERE `graded_at` IS NOT NULL AND NOT (NEW.`status` = 'canceled' OR NEW.`is_voided` = 1 OR NEW.`no_td` = 1 OR NEW.`first_td_player_id` IS NOT NULL)
    AND `pick_id` IN (SELECT p.`id` FROM `picks` p WHERE p.`game_id` = NEW.`id`
      AND (CASE WHEN NEW.`first_td_team` IS NULL THEN NULL WHEN NEW.`first_td_kind` IN ('return', 'defense') AND p.`player_id` = 'DEF-' || NEW.`first_td_team` THEN 'win' WHEN p.`player_id` = 'DEF-' || NEW.`first_td_team` THEN CASE WHEN NEW.`first_td_kind` IS NULL THEN NULL ELSE 'loss' END WHEN p.`team` IN (NEW.`home_team`, NEW.`away_team`) AND p.`team` <> NEW.`first_td_team` THEN 'loss' END) IS NULL);
  INSERT INTO `results` (`pick_id`, `actual_scorer`, `is_correct`, `actual_return`, `outcome`, `profit_cu`, `graded_at`)
  SELECT graded.pick_id, graded.actual_scorer,
    CASE graded.outcome WHEN 'win' THEN 1 WHEN 'loss' THEN 0 END,
    graded.profit_cu / 100.0, graded.outcome, graded.profit_cu, strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
  FROM (
    SELECT pick_id, outcome, actual_scorer,
      CASE outcome WHEN 'win' THEN CAST(round((coalesce(decimal_odds, 2.0) - 1) * 100) AS INTEGER)
                   WHEN 'loss' THEN -100 ELSE 0 END AS profit_cu
    FROM (
      SELECT p.`id` AS pick_id, p.`decimal_odds` AS decimal_odds,
        CASE WHEN NEW.`status` = 'canceled' OR NEW.`is_voided` = 1 THEN 'void' WHEN NEW.`no_td` = 1 THEN 'loss' WHEN NEW.`first_td_team` IS NULL THEN NULL WHEN p.`player_id` = NEW.`first_td_player_id` THEN 'win' WHEN NEW.`first_td_kind` IN ('return', 'defense') AND p.`player_id` = 'DEF-' || NEW.`first_td_team` THEN 'win' WHEN NEW.`first_td_player_id` IS NOT NULL THEN 'loss' WHEN p.`player_id` = 'DEF-' || NEW.`first_td_team` THEN CASE WHEN NEW.`first_td_kind` IS NULL THEN NULL ELSE 'loss' END WHEN p.`team` IN (NEW.`home_team`, NEW.`away_team`) AND p.`team` <> NEW.`first_td_team` THEN 'loss' END AS outcome,
        CASE WHEN NEW.`no_td` = 1 THEN 'No touchdown' ELSE NEW.`first_td_player_name` END AS actual_scorer
      FROM `picks` p
      WHERE p.`game_id` = NEW.`id` AND (NEW.`status` = 'canceled' OR NEW.`is_voided` = 1 OR NEW.`no_td` = 1 OR NEW.`first_td_team` IS NOT NULL)
    )
  ) graded
  WHERE graded.outcome IS NOT NULL
  -- In pick order: each result's foreign-key check reads its pick's table page, and picks are stored in the order
  -- they were made, so this reads them (and fills results_pick_id_unique) front to back.
  ORDER BY graded.pick_id
  ON CONFLICT (`pick_id`) DO UPDATE SET
    `outcome` = excluded.`outcome`, `is_correct` = excluded.`is_correct`, `profit_cu` = excluded.`profit_cu`,
    `actual_return` = excluded.`actual_return`, `actual_scorer` = excluded.`actual_scorer`, `graded_at` = excluded.`graded_at`
  WHERE `results`.`outcome` IS NOT excluded.`outcome` OR `results`.`profit_cu` IS NOT excluded.`profit_cu`
     OR `results`.`actual_scorer` IS NOT excluded.`actual_scorer` OR `results`.`graded_at` IS NULL;
  INSERT INTO `player_stats` (`player_id`, `player_name`, `season`, `team`, `position`, `first_td_count`, `last_td_week`, `updated_at`)
  SELECT k.player_id, pl.`full_name`, k.season, k.team,
    coalesce(
      (SELECT r.`position` FROM `rosters` r WHERE r.`player_id` = k.player_id AND r.`season` = k.season AND r.`team` = k.team),
      (SELECT r.`position` FROM `rosters` r WHERE r.`player_id` = k.player_id AND r.`season` = k.season ORDER BY r.`is_current` DESC LIMIT 1)),
    (SELECT count(*) FROM `games` g WHERE g.`season` = k.season AND g.`first_td_team` = k.team AND g.`status` <> 'canceled'
      AND (g.`first_td_player_id` = k.player_id OR (k.player_id = 'DEF-' || g.`first_td_team` AND g.`first_td_kind` IN ('return', 'defense')))),
    (SELECT max(g.`week`) FROM `games` g WHERE g.`season` = k.season AND g.`first_td_team` = k.team AND g.`status` <> 'canceled'
      AND (g.`first_td_player_id` = k.player_id OR (k.player_id = 'DEF-' || g.`first_td_team` AND g.`first_td_kind` IN ('return', 'defense')))),
    strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
  FROM (SELECT OLD.`first_td_player_id` AS player_id, OLD.`first_td_team` AS team, OLD.`season` AS season WHERE OLD.`first_td_player_id` IS NOT NULL UNION SELECT 'DEF-' || OLD.`first_td_team`, OLD.`first_td_team`, OLD.`season` WHERE OLD.`first_td_kind` IN ('return', 'defense') AND OLD.`first_td_team` IS NOT NULL UNION SELECT NEW.`first_td_player_id` AS player_id, NEW.`first_td_team` AS team, NEW.`season` AS season WHERE NEW.`first_td_player_id` IS NOT NULL UNION SELECT 'DEF-' || NEW.`first_td_team`, NEW.`first_td_team`, NEW.`season` WHERE NEW.`first_td_kind` IN ('return', 'defense') AND NEW.`first_td_team` IS NOT NULL) k
  JOIN `players` pl ON pl.`id` = k.player_id
  WHERE true
  ON CONFLICT (`player_name`, `season`, `team`) DO UPDATE SET
    `first_td_count` = excluded.`first_td_count`, `last_td_week` = excluded.`last_td_week`,
    `player_id` = excluded.`player_id`, `position` = coalesce(excluded.`position`, `player_stats`.`position`),
    `updated_at` = excluded.`updated_at`;
  -- The histogram of the scopes this grading moved (the season and the week of the game's picks: the game's week unless
  -- the schedule moved it after they were made), recounted from the score indexes alone (they end with picks): exact
  -- units and wins first (only changed counts are written), then the scores nobody has any more go to 0, then the unit
  -- bands from the exact counts just written.
  INSERT INTO `standings_score_counts` (`season`, `week`, `metric`, `score`, `users`)
  SELECT `season`, `week`, 'units', `units_cu`, count(*) FROM `standings` WHERE `season` = NEW.`season` AND `week` IN (SELECT 0 UNION SELECT w.`week` FROM `picks` p JOIN `weeks` w ON w.`id` = p.`week_id` WHERE p.`game_id` = NEW.`id`) AND `picks` > 0
  GROUP BY `season`, `week`, `units_cu`
  ON CONFLICT (`season`, `week`, `metric`, `score`) DO UPDATE SET `users` = excluded.`users` WHERE `users` IS NOT excluded.`users`;
  INSERT INTO `standings_score_counts` (`season`, `week`, `metric`, `score`, `users`)
  SELECT `season`, `week`, 'wins', `wins`, count(*) FROM `standings` WHERE `season` = NEW.`season` AND `week` IN (SELECT 0 UNION SELECT w.`week` FROM `picks` p JOIN `weeks` w ON w.`id` = p.`week_id` WHERE p.`game_id` = NEW.`id`) AND `picks` > 0
  GROUP BY `season`, `week`, `wins`
  ON CONFLICT (`season`, `week`, `metric`, `score`) DO UPDATE SET `users` = excluded.`users` WHERE `users` IS NOT excluded.`users`;
  UPDATE `standings_score_counts` SET `users` = 0
  WHERE `season` = NEW.`season` AND `week` IN (SELECT 0 UNION SELECT w.`week` FROM `picks` p JOIN `weeks` w ON w.`id` = p.`week_id` WHERE p.`game_id` = NEW.`id`) AND `metric` = 'units' AND `users` <> 0 AND NOT EXISTS (
    SELECT 1 FROM `standings` s WHERE s.`season` = `standings_score_counts`.`season` AND s.`week` = `standings_score_counts`.`week`
      AND s.`units_cu` = `standings_score_counts`.`score` AND s.`picks` > 0);
  UPDATE `standings_score_counts` SET `users` = 0
  WHERE `season` = NEW.`season` AND `week` IN (SELECT 0 UNION SELECT w.`week` FROM `picks` p JOIN `weeks` w ON w.`id` = p.`week_id` WHERE p.`game_id` = NEW.`id`) AND `metric` = 'wins' AND `users` <> 0 AND NOT EXISTS (
    SELECT 1 FROM `standings` s WHERE s.`season` = `standings_score_counts`.`season` AND s.`week` = `standings_score_counts`.`week`
      AND s.`wins` = `standings_score_counts`.`score` AND s.`picks` > 0);
  INSERT INTO `standings_score_counts` (`season`, `week`, `metric`, `score`, `users`)
  SELECT c.`season`, c.`week`, b.metric, CASE b.metric WHEN 'units_100' THEN CASE WHEN c.`score` >= 0 THEN c.`score` / 100 ELSE -((99 - c.`score`) / 100) END ELSE CASE WHEN c.`score` >= 0 THEN c.`score` / 1000 ELSE -((999 - c.`score`) / 1000) END END, sum(c.`users`)
  FROM `standings_score_counts` c CROSS JOIN (SELECT 'units_100' AS metric UNION ALL SELECT 'units_1000') b
  WHERE c.`season` = NEW.`season` AND c.`week` IN (SELECT 0 UNION SELECT w.`week` FROM `picks` p JOIN `weeks` w ON w.`id` = p.`week_id` WHERE p.`game_id` = NEW.`id`) AND c.`metric` = 'units'
  GROUP BY 1, 2, 3, 4
  ON CONFLICT (`season`, `week`, `metric`, `score`) DO UPDATE SET `users` = excluded.`users` WHERE `users` IS NOT excluded.`users`;
  DELETE FROM `grading_in_progress` WHERE `game_id` = NEW.`id`;
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
