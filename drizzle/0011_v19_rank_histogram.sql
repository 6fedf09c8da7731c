-- v19 (issue "Benchmark harness and performance budget"): "my rank" from a score histogram instead of counting
-- every better standings row, and grading that touches standings in key order:
--   (1) standings rebuilt WITHOUT ROWID (clustered by season, week, user_id);
--   (2) games_grade_on_facts_change writes a game's results in user order, and the results -> standings triggers
--       assign only the standings columns that change (an assigned column rewrites its index entries);
--   (3) standings_score_counts (created here, filled at the end), kept by four triggers on standings row by row,
--       and recounted for the two scopes a game's grading moves (grading_in_progress marks that grading).
-- drizzle-kit generated the two CREATE TABLEs (standings_score_counts edited: WITHOUT ROWID) and a DROP/CREATE of the
-- two score indexes (now ending with picks); the indexes are created by the rebuild below instead.
CREATE TABLE `grading_in_progress` (
	`game_id` text PRIMARY KEY NOT NULL
);
--> statement-breakpoint
CREATE TABLE `standings_score_counts` (
	`season` integer NOT NULL,
	`week` integer NOT NULL,
	`metric` text NOT NULL,
	`score` integer NOT NULL,
	`users` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`season`, `week`, `metric`, `score`),
	CONSTRAINT "standings_score_counts_metric_valid" CHECK("standings_score_counts"."metric" IN ('wins', 'units', 'units_100', 'units_1000'))
) WITHOUT ROWID;
--> statement-breakpoint
-- ===========================================================================================================
-- (1) standings clustered by its key (season, week, user_id): WITHOUT ROWID. Grading a game updates two standings
--     rows per pick (season and week). In a rowid table a scope's rows lie in the order they were created (users
--     making their first pick, i.e. at random), so even a grading in user order reads the table at random; clustered
--     by the key, the rows of consecutive users are neighbours. Same columns and constraints; the two score indexes
--     end with picks (below). Every trigger that names standings is dropped first (a rename re-checks them) and
--     re-created below.
-- ===========================================================================================================
DROP TRIGGER `picks_standings_insert`;
--> statement-breakpoint
DROP TRIGGER `picks_standings_delete`;
--> statement-breakpoint
DROP TRIGGER `results_standings_insert`;
--> statement-breakpoint
DROP TRIGGER `results_standings_update`;
--> statement-breakpoint
DROP TRIGGER `results_standings_delete`;
--> statement-breakpoint
DROP TRIGGER `games_grade_on_facts_change`;
--> statement-breakpoint
CREATE TABLE `__new_standings` (
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
	CONSTRAINT "standings_week_range" CHECK("week" BETWEEN 0 AND 22),
	CONSTRAINT "standings_counts_non_negative" CHECK("picks" >= 0 AND "wins" >= 0 AND "losses" >= 0 AND "voids" >= 0)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_standings` (`season`, `week`, `user_id`, `picks`, `wins`, `losses`, `voids`, `units_cu`, `updated_at`)
SELECT `season`, `week`, `user_id`, `picks`, `wins`, `losses`, `voids`, `units_cu`, `updated_at` FROM `standings`;
--> statement-breakpoint
DROP TABLE `standings`;
--> statement-breakpoint
ALTER TABLE `__new_standings` RENAME TO `standings`;
--> statement-breakpoint
-- v13's score indexes, now ending with picks: the histogram recount reads them alone.
CREATE INDEX `standings_by_wins_idx` ON `standings` (`season`,`week`,"wins" DESC,`user_id`,`picks`);
--> statement-breakpoint
CREATE INDEX `standings_by_units_idx` ON `standings` (`season`,`week`,"units_cu" DESC,`user_id`,`picks`);
--> statement-breakpoint
-- The v14 standings triggers: picks_standings_insert / _delete unchanged (drizzle/0006_v14_triggers.sql).
CREATE TRIGGER `picks_standings_insert` AFTER INSERT ON `picks`
BEGIN
  INSERT INTO `standings` (`season`, `week`, `user_id`, `picks`, `updated_at`)
  SELECT *, strftime('%Y-%m-%dT%H:%M:%SZ', 'now') FROM (
    SELECT w.`season`, 0, NEW.`user_id`, 1 FROM `weeks` w WHERE w.`id` = NEW.`week_id`
    UNION ALL
    SELECT w.`season`, w.`week`, NEW.`user_id`, 1 FROM `weeks` w WHERE w.`id` = NEW.`week_id`
  )
  WHERE true
  ON CONFLICT (`season`, `week`, `user_id`) DO UPDATE SET `picks` = `picks` + 1, `updated_at` = strftime('%Y-%m-%dT%H:%M:%SZ', 'now');
END;
--> statement-breakpoint
CREATE TRIGGER `picks_standings_delete` AFTER DELETE ON `picks`
BEGIN
  UPDATE `standings` SET `picks` = `picks` - 1, `updated_at` = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
  WHERE `user_id` = OLD.`user_id`
    AND `season` = (SELECT `season` FROM `weeks` WHERE `id` = OLD.`week_id`)
    AND `week` IN (0, (SELECT `week` FROM `weeks` WHERE `id` = OLD.`week_id`));
END;
--> statement-breakpoint
-- The three results -> standings triggers of v14, with the same effect, but each UPDATE assigns only the columns
-- that change: SQLite rewrites an index entry whenever an UPDATE assigns one of its columns, even to the same value,
-- so v14's `wins = wins + 0` on every loss rewrote standings_by_wins_idx, and `picks = picks + 0` rewrote both score
-- indexes (which end with picks since v19). A win changes wins and units, anything else losses / voids and units.
CREATE TRIGGER `results_standings_insert` AFTER INSERT ON `results`
WHEN NEW.`outcome` IS NOT NULL
BEGIN
  INSERT INTO `standings` (`season`, `week`, `user_id`, `picks`, `wins`, `losses`, `voids`, `units_cu`)
  SELECT s.season, s.week, s.user_id, 0, (NEW.`outcome` IS 'win'), (NEW.`outcome` IS 'loss'), (NEW.`outcome` IS 'void'), coalesce(NEW.`profit_cu`, 0)
  FROM (
    SELECT w.`season` AS season, 0 AS week, p.`user_id` AS user_id
    FROM `picks` p JOIN `weeks` w ON w.`id` = p.`week_id` WHERE p.`id` = NEW.`pick_id`
    UNION ALL
    SELECT w.`season`, w.`week`, p.`user_id`
    FROM `picks` p JOIN `weeks` w ON w.`id` = p.`week_id` WHERE p.`id` = NEW.`pick_id`
  ) s
  WHERE NEW.`outcome` IS 'win'
  ON CONFLICT (`season`, `week`, `user_id`) DO UPDATE SET
    `wins` = `wins` + excluded.`wins`, `units_cu` = `units_cu` + excluded.`units_cu`, `updated_at` = strftime('%Y-%m-%dT%H:%M:%SZ', 'now');
  INSERT INTO `standings` (`season`, `week`, `user_id`, `picks`, `wins`, `losses`, `voids`, `units_cu`)
  SELECT s.season, s.week, s.user_id, 0, (NEW.`outcome` IS 'win'), (NEW.`outcome` IS 'loss'), (NEW.`outcome` IS 'void'), coalesce(NEW.`profit_cu`, 0)
  FROM (
    SELECT w.`season` AS season, 0 AS week, p.`user_id` AS user_id
    FROM `picks` p JOIN `weeks` w ON w.`id` = p.`week_id` WHERE p.`id` = NEW.`pick_id`
    UNION ALL
    SELECT w.`season`, w.`week`, p.`user_id`
    FROM `picks` p JOIN `weeks` w ON w.`id` = p.`week_id` WHERE p.`id` = NEW.`pick_id`
  ) s
  WHERE NEW.`outcome` IS NOT 'win'
  ON CONFLICT (`season`, `week`, `user_id`) DO UPDATE SET
    `losses` = `losses` + excluded.`losses`, `voids` = `voids` + excluded.`voids`, `units_cu` = `units_cu` + excluded.`units_cu`,
    `updated_at` = strftime('%Y-%m-%dT%H:%M:%SZ', 'now');
END;
--> statement-breakpoint
CREATE TRIGGER `results_standings_update` AFTER UPDATE OF `outcome`, `profit_cu` ON `results`
WHEN OLD.`outcome` IS NOT NEW.`outcome` OR OLD.`profit_cu` IS NOT NEW.`profit_cu`
BEGIN
  UPDATE `standings` SET
    `wins` = `wins` + (NEW.`outcome` IS 'win') - (OLD.`outcome` IS 'win'), `losses` = `losses` + (NEW.`outcome` IS 'loss') - (OLD.`outcome` IS 'loss'),
    `voids` = `voids` + (NEW.`outcome` IS 'void') - (OLD.`outcome` IS 'void'), `units_cu` = `units_cu` + (CASE WHEN NEW.`outcome` IS NULL THEN 0 ELSE coalesce(NEW.`profit_cu`, 0) END) - (CASE WHEN OLD.`outcome` IS NULL THEN 0 ELSE coalesce(OLD.`profit_cu`, 0) END), `updated_at` = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
  WHERE `user_id` = (SELECT `user_id` FROM `picks` WHERE `id` = NEW.`pick_id`)
    AND `season` = (SELECT w.`season` FROM `picks` p JOIN `weeks` w ON w.`id` = p.`week_id` WHERE p.`id` = NEW.`pick_id`)
    AND `week` IN (0, (SELECT w.`week` FROM `picks` p JOIN `weeks` w ON w.`id` = p.`week_id` WHERE p.`id` = NEW.`pick_id`))
    AND (NEW.`outcome` IS 'win') IS NOT (OLD.`outcome` IS 'win');
  UPDATE `standings` SET
    `losses` = `losses` + (NEW.`outcome` IS 'loss') - (OLD.`outcome` IS 'loss'), `voids` = `voids` + (NEW.`outcome` IS 'void') - (OLD.`outcome` IS 'void'),
    `units_cu` = `units_cu` + (CASE WHEN NEW.`outcome` IS NULL THEN 0 ELSE coalesce(NEW.`profit_cu`, 0) END) - (CASE WHEN OLD.`outcome` IS NULL THEN 0 ELSE coalesce(OLD.`profit_cu`, 0) END), `updated_at` = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
  WHERE `user_id` = (SELECT `user_id` FROM `picks` WHERE `id` = NEW.`pick_id`)
    AND `season` = (SELECT w.`season` FROM `picks` p JOIN `weeks` w ON w.`id` = p.`week_id` WHERE p.`id` = NEW.`pick_id`)
    AND `week` IN (0, (SELECT w.`week` FROM `picks` p JOIN `weeks` w ON w.`id` = p.`week_id` WHERE p.`id` = NEW.`pick_id`))
    AND (NEW.`outcome` IS 'win') IS (OLD.`outcome` IS 'win');
END;
--> statement-breakpoint
CREATE TRIGGER `results_standings_delete` AFTER DELETE ON `results`
WHEN OLD.`outcome` IS NOT NULL
BEGIN
  UPDATE `standings` SET
    `wins` = `wins` - 1, `units_cu` = `units_cu` - coalesce(OLD.`profit_cu`, 0), `updated_at` = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
  WHERE `user_id` = (SELECT `user_id` FROM `picks` WHERE `id` = OLD.`pick_id`)
    AND `season` = (SELECT w.`season` FROM `picks` p JOIN `weeks` w ON w.`id` = p.`week_id` WHERE p.`id` = OLD.`pick_id`)
    AND `week` IN (0, (SELECT w.`week` FROM `picks` p JOIN `weeks` w ON w.`id` = p.`week_id` WHERE p.`id` = OLD.`pick_id`))
    AND OLD.`outcome` IS 'win';
  UPDATE `standings` SET
    `losses` = `losses` - (OLD.`outcome` IS 'loss'), `voids` = `voids` - (OLD.`outcome` IS 'void'),
    `units_cu` = `units_cu` - coalesce(OLD.`profit_cu`, 0), `updated_at` = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
  WHERE `user_id` = (SELECT `user_id` FROM `picks` WHERE `id` = OLD.`pick_id`)
    AND `season` = (SELECT w.`season` FROM `picks` p JOIN `weeks` w ON w.`id` = p.`week_id` WHERE p.`id` = OLD.`pick_id`)
    AND `week` IN (0, (SELECT w.`week` FROM `picks` p JOIN `weeks` w ON w.`id` = p.`week_id` WHERE p.`id` = OLD.`pick_id`))
    AND OLD.`outcome` IS NOT 'win';
END;
--> statement-breakpoint
-- ===========================================================================================================
-- (2) games_grade_on_facts_change as in v14, except that a game's results are written in user order: each result's
--     trigger then updates its user's two standings rows in key order (sequential instead of random pages;
--     measured with `npm run bench`, bench/README.md). Same rules, same rows. Meanwhile a grading_in_progress
--     row makes the per-row histogram triggers stand aside; at the end the grading recounts the histogram of the
--     two scopes it moved (season and week): O(users) index reads instead of ~8 histogram writes per pick.
-- ===========================================================================================================
CREATE TRIGGER `games_grade_on_facts_change` AFTER UPDATE ON `games`
WHEN OLD.`first_td_player_id` IS NOT NEW.`first_td_player_id` OR OLD.`first_td_team` IS NOT NEW.`first_td_team` OR OLD.`first_td_kind` IS NOT NEW.`first_td_kind` OR OLD.`first_td_player_name` IS NOT NEW.`first_td_player_name` OR OLD.`no_td` IS NOT NEW.`no_td` OR OLD.`is_voided` IS NOT NEW.`is_voided` OR (OLD.`status` = 'canceled') IS NOT (NEW.`status` = 'canceled')
BEGIN
  INSERT INTO `game_fact_changes` (`game_id`, `changed_at`, `changed_by`, `before`, `after`)
  VALUES (NEW.`id`, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), NEW.`first_td_recorded_by`, json_object('first_td_player_id', OLD.`first_td_player_id`, 'first_td_player_name', OLD.`first_td_player_name`, 'first_td_team', OLD.`first_td_team`, 'first_td_kind', OLD.`first_td_kind`, 'no_td', OLD.`no_td`, 'status', OLD.`status`, 'is_voided', OLD.`is_voided`), json_object('first_td_player_id', NEW.`first_td_player_id`, 'first_td_player_name', NEW.`first_td_player_name`, 'first_td_team', NEW.`first_td_team`, 'first_td_kind', NEW.`first_td_kind`, 'no_td', NEW.`no_td`, 'status', NEW.`status`, 'is_voided', NEW.`is_voided`));
  INSERT INTO `grading_in_progress` (`game_id`) VALUES (NEW.`id`);
  DELETE FROM `results`
  WHERE NOT (NEW.`status` = 'canceled' OR NEW.`is_voided` = 1 OR NEW.`no_td` = 1 OR NEW.`first_td_player_id` IS NOT NULL) AND `pick_id` IN (SELECT `id` FROM `picks` WHERE `game_id` = NEW.`id`);
  INSERT INTO `results` (`pick_id`, `actual_scorer`, `is_correct`, `actual_return`, `outcome`, `profit_cu`, `graded_at`)
  SELECT graded.pick_id, graded.actual_scorer,
    CASE graded.outcome WHEN 'win' THEN 1 WHEN 'loss' THEN 0 END,
    graded.profit_cu / 100.0, graded.outcome, graded.profit_cu, strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
  FROM (
    SELECT pick_id, user_id, outcome, actual_scorer,
      CASE outcome WHEN 'win' THEN CAST(round((coalesce(decimal_odds, 2.0) - 1) * 100) AS INTEGER)
                   WHEN 'loss' THEN -100 ELSE 0 END AS profit_cu
    FROM (
      SELECT p.`id` AS pick_id, p.`user_id` AS user_id, p.`decimal_odds` AS decimal_odds,
        CASE WHEN NEW.`status` = 'canceled' OR NEW.`is_voided` = 1 THEN 'void' WHEN NEW.`no_td` = 1 THEN 'loss' WHEN p.`player_id` = NEW.`first_td_player_id` THEN 'win' WHEN NEW.`first_td_kind` IN ('return', 'defense') AND p.`player_id` = 'DEF-' || NEW.`first_td_team` THEN 'win' ELSE 'loss' END AS outcome,
        CASE WHEN NEW.`no_td` = 1 THEN 'No touchdown' ELSE NEW.`first_td_player_name` END AS actual_scorer
      FROM `picks` p
      WHERE p.`game_id` = NEW.`id` AND (NEW.`status` = 'canceled' OR NEW.`is_voided` = 1 OR NEW.`no_td` = 1 OR NEW.`first_td_player_id` IS NOT NULL)
    )
  ) graded
  WHERE true
  ORDER BY graded.user_id
  ON CONFLICT (`pick_id`) DO UPDATE SET
    `outcome` = excluded.`outcome`, `is_correct` = excluded.`is_correct`, `profit_cu` = excluded.`profit_cu`,
    `actual_return` = excluded.`actual_return`, `actual_scorer` = excluded.`actual_scorer`, `graded_at` = excluded.`graded_at`
  WHERE `results`.`outcome` IS NOT excluded.`outcome` OR `results`.`profit_cu` IS NOT excluded.`profit_cu`
     OR `results`.`actual_scorer` IS NOT excluded.`actual_scorer`;
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
  -- The histogram of the two scopes this grading moved (the season and the game's week), recounted from the score
  -- indexes alone (they end with picks): exact units and wins first (only changed counts are written), then the
  -- scores nobody has any more go to 0, then the unit bands from the exact counts just written.
  INSERT INTO `standings_score_counts` (`season`, `week`, `metric`, `score`, `users`)
  SELECT `season`, `week`, 'units', `units_cu`, count(*) FROM `standings` WHERE `season` = NEW.`season` AND `week` IN (0, NEW.`week`) AND `picks` > 0
  GROUP BY `season`, `week`, `units_cu`
  ON CONFLICT (`season`, `week`, `metric`, `score`) DO UPDATE SET `users` = excluded.`users` WHERE `users` IS NOT excluded.`users`;
  INSERT INTO `standings_score_counts` (`season`, `week`, `metric`, `score`, `users`)
  SELECT `season`, `week`, 'wins', `wins`, count(*) FROM `standings` WHERE `season` = NEW.`season` AND `week` IN (0, NEW.`week`) AND `picks` > 0
  GROUP BY `season`, `week`, `wins`
  ON CONFLICT (`season`, `week`, `metric`, `score`) DO UPDATE SET `users` = excluded.`users` WHERE `users` IS NOT excluded.`users`;
  UPDATE `standings_score_counts` SET `users` = 0
  WHERE `season` = NEW.`season` AND `week` IN (0, NEW.`week`) AND `metric` = 'units' AND `users` <> 0 AND NOT EXISTS (
    SELECT 1 FROM `standings` s WHERE s.`season` = `standings_score_counts`.`season` AND s.`week` = `standings_score_counts`.`week`
      AND s.`units_cu` = `standings_score_counts`.`score` AND s.`picks` > 0);
  UPDATE `standings_score_counts` SET `users` = 0
  WHERE `season` = NEW.`season` AND `week` IN (0, NEW.`week`) AND `metric` = 'wins' AND `users` <> 0 AND NOT EXISTS (
    SELECT 1 FROM `standings` s WHERE s.`season` = `standings_score_counts`.`season` AND s.`week` = `standings_score_counts`.`week`
      AND s.`wins` = `standings_score_counts`.`score` AND s.`picks` > 0);
  INSERT INTO `standings_score_counts` (`season`, `week`, `metric`, `score`, `users`)
  SELECT c.`season`, c.`week`, b.metric, CASE b.metric WHEN 'units_100' THEN CASE WHEN c.`score` >= 0 THEN c.`score` / 100 ELSE -((99 - c.`score`) / 100) END ELSE CASE WHEN c.`score` >= 0 THEN c.`score` / 1000 ELSE -((999 - c.`score`) / 1000) END END, sum(c.`users`)
  FROM `standings_score_counts` c CROSS JOIN (SELECT 'units_100' AS metric UNION ALL SELECT 'units_1000') b
  WHERE c.`season` = NEW.`season` AND c.`week` IN (0, NEW.`week`) AND c.`metric` = 'units'
  GROUP BY 1, 2, 3, 4
  ON CONFLICT (`season`, `week`, `metric`, `score`) DO UPDATE SET `users` = excluded.`users` WHERE `users` IS NOT excluded.`users`;
  DELETE FROM `grading_in_progress` WHERE `game_id` = NEW.`id`;
END;
--> statement-breakpoint
-- ===========================================================================================================
-- (3) The score histogram: per (season, week) scope, how many users (standings rows with picks > 0) have each wins
--     count ('wins'), each units_cu ('units'), and units_cu in each band of 1 unit ('units_100' = floor(units_cu /
--     100)) and of 10 units ('units_1000'). "My rank" = 1 + the users with a better score: for wins, one range of
--     'wins' rows (<= 23); for units, the 10-unit bands above mine, the 1-unit bands above mine within my 10-unit
--     band (<= 9 rows) and the exact values above mine within my 1-unit band (<= 99 rows): about 30-150 rows read
--     instead of one per better user (tens of thousands at 100,000 users). Units are hundredths, so exact values
--     alone would be thousands of rows per scope; the bands bound the read, each level costs two writes when it
--     changes. A count that reaches 0 keeps its row.
-- ===========================================================================================================
INSERT INTO `standings_score_counts` (`season`, `week`, `metric`, `score`, `users`)
SELECT `season`, `week`, 'wins', `wins`, count(*) FROM `standings` WHERE `picks` > 0 GROUP BY `season`, `week`, `wins`
UNION ALL
SELECT `season`, `week`, 'units', `units_cu`, count(*) FROM `standings` WHERE `picks` > 0 GROUP BY `season`, `week`, `units_cu`
UNION ALL
SELECT `season`, `week`, 'units_100', CASE WHEN `units_cu` >= 0 THEN `units_cu` / 100 ELSE -((99 - `units_cu`) / 100) END, count(*) FROM `standings` WHERE `picks` > 0 GROUP BY 1, 2, 4
UNION ALL
SELECT `season`, `week`, 'units_1000', CASE WHEN `units_cu` >= 0 THEN `units_cu` / 1000 ELSE -((999 - `units_cu`) / 1000) END, count(*) FROM `standings` WHERE `picks` > 0 GROUP BY 1, 2, 4;
--> statement-breakpoint
-- A row enters the histogram when it is created with picks, ...
CREATE TRIGGER `standings_score_counts_insert` AFTER INSERT ON `standings`
WHEN NEW.`picks` > 0 AND NOT EXISTS (SELECT 1 FROM `grading_in_progress`)
BEGIN
  INSERT INTO `standings_score_counts` (`season`, `week`, `metric`, `score`, `users`)
  VALUES (NEW.`season`, NEW.`week`, 'wins', NEW.`wins`, 1),
    (NEW.`season`, NEW.`week`, 'units', NEW.`units_cu`, 1),
    (NEW.`season`, NEW.`week`, 'units_100', CASE WHEN NEW.`units_cu` >= 0 THEN NEW.`units_cu` / 100 ELSE -((99 - NEW.`units_cu`) / 100) END, 1),
    (NEW.`season`, NEW.`week`, 'units_1000', CASE WHEN NEW.`units_cu` >= 0 THEN NEW.`units_cu` / 1000 ELSE -((999 - NEW.`units_cu`) / 1000) END, 1)
  ON CONFLICT (`season`, `week`, `metric`, `score`) DO UPDATE SET `users` = `users` + 1;
END;
--> statement-breakpoint
-- ... leaves it when deleted (a user's deletion cascades here) ...
CREATE TRIGGER `standings_score_counts_delete` AFTER DELETE ON `standings`
WHEN OLD.`picks` > 0 AND NOT EXISTS (SELECT 1 FROM `grading_in_progress`)
BEGIN
  UPDATE `standings_score_counts` SET `users` = `users` - 1
  WHERE `season` = OLD.`season` AND `week` = OLD.`week` AND `metric` = 'wins' AND `score` = OLD.`wins`;
  UPDATE `standings_score_counts` SET `users` = `users` - 1
  WHERE `season` = OLD.`season` AND `week` = OLD.`week` AND `metric` = 'units' AND `score` = OLD.`units_cu`;
  UPDATE `standings_score_counts` SET `users` = `users` - 1
  WHERE `season` = OLD.`season` AND `week` = OLD.`week` AND `metric` = 'units_100' AND `score` = CASE WHEN OLD.`units_cu` >= 0 THEN OLD.`units_cu` / 100 ELSE -((99 - OLD.`units_cu`) / 100) END;
  UPDATE `standings_score_counts` SET `users` = `users` - 1
  WHERE `season` = OLD.`season` AND `week` = OLD.`week` AND `metric` = 'units_1000' AND `score` = CASE WHEN OLD.`units_cu` >= 0 THEN OLD.`units_cu` / 1000 ELSE -((999 - OLD.`units_cu`) / 1000) END;
END;
--> statement-breakpoint
-- ... and moves when its score changes (or it gains its first pick / loses its last). One trigger per score, each
-- firing only when that score or the membership changes (grading a loss moves units only). All four stand aside while
-- a game is being graded (grading_in_progress): the grading recounts its scopes instead.
CREATE TRIGGER `standings_score_counts_update_wins` AFTER UPDATE OF `picks`, `wins` ON `standings`
WHEN ((OLD.`picks` > 0) IS NOT (NEW.`picks` > 0) OR (NEW.`picks` > 0 AND OLD.`wins` IS NOT NEW.`wins`)) AND NOT EXISTS (SELECT 1 FROM `grading_in_progress`)
BEGIN
  UPDATE `standings_score_counts` SET `users` = `users` - 1
  WHERE `season` = OLD.`season` AND `week` = OLD.`week` AND `metric` = 'wins' AND `score` = OLD.`wins`
    AND OLD.`picks` > 0 AND (NOT (NEW.`picks` > 0) OR (OLD.`wins`) IS NOT (NEW.`wins`));
  INSERT INTO `standings_score_counts` (`season`, `week`, `metric`, `score`, `users`)
  SELECT NEW.`season`, NEW.`week`, 'wins', NEW.`wins`, 1
  WHERE NEW.`picks` > 0 AND (NOT (OLD.`picks` > 0) OR (OLD.`wins`) IS NOT (NEW.`wins`))
  ON CONFLICT (`season`, `week`, `metric`, `score`) DO UPDATE SET `users` = `users` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `standings_score_counts_update_units` AFTER UPDATE OF `picks`, `units_cu` ON `standings`
WHEN ((OLD.`picks` > 0) IS NOT (NEW.`picks` > 0) OR (NEW.`picks` > 0 AND OLD.`units_cu` IS NOT NEW.`units_cu`)) AND NOT EXISTS (SELECT 1 FROM `grading_in_progress`)
BEGIN
  UPDATE `standings_score_counts` SET `users` = `users` - 1
  WHERE `season` = OLD.`season` AND `week` = OLD.`week` AND `metric` = 'units' AND `score` = OLD.`units_cu`
    AND OLD.`picks` > 0 AND (NOT (NEW.`picks` > 0) OR (OLD.`units_cu`) IS NOT (NEW.`units_cu`));
  INSERT INTO `standings_score_counts` (`season`, `week`, `metric`, `score`, `users`)
  SELECT NEW.`season`, NEW.`week`, 'units', NEW.`units_cu`, 1
  WHERE NEW.`picks` > 0 AND (NOT (OLD.`picks` > 0) OR (OLD.`units_cu`) IS NOT (NEW.`units_cu`))
  ON CONFLICT (`season`, `week`, `metric`, `score`) DO UPDATE SET `users` = `users` + 1;
  UPDATE `standings_score_counts` SET `users` = `users` - 1
  WHERE `season` = OLD.`season` AND `week` = OLD.`week` AND `metric` = 'units_100' AND `score` = CASE WHEN OLD.`units_cu` >= 0 THEN OLD.`units_cu` / 100 ELSE -((99 - OLD.`units_cu`) / 100) END
    AND OLD.`picks` > 0 AND (NOT (NEW.`picks` > 0) OR (CASE WHEN OLD.`units_cu` >= 0 THEN OLD.`units_cu` / 100 ELSE -((99 - OLD.`units_cu`) / 100) END) IS NOT (CASE WHEN NEW.`units_cu` >= 0 THEN NEW.`units_cu` / 100 ELSE -((99 - NEW.`units_cu`) / 100) END));
  INSERT INTO `standings_score_counts` (`season`, `week`, `metric`, `score`, `users`)
  SELECT NEW.`season`, NEW.`week`, 'units_100', CASE WHEN NEW.`units_cu` >= 0 THEN NEW.`units_cu` / 100 ELSE -((99 - NEW.`units_cu`) / 100) END, 1
  WHERE NEW.`picks` > 0 AND (NOT (OLD.`picks` > 0) OR (CASE WHEN OLD.`units_cu` >= 0 THEN OLD.`units_cu` / 100 ELSE -((99 - OLD.`units_cu`) / 100) END) IS NOT (CASE WHEN NEW.`units_cu` >= 0 THEN NEW.`units_cu` / 100 ELSE -((99 - NEW.`units_cu`) / 100) END))
  ON CONFLICT (`season`, `week`, `metric`, `score`) DO UPDATE SET `users` = `users` + 1;
  UPDATE `standings_score_counts` SET `users` = `users` - 1
  WHERE `season` = OLD.`season` AND `week` = OLD.`week` AND `metric` = 'units_1000' AND `score` = CASE WHEN OLD.`units_cu` >= 0 THEN OLD.`units_cu` / 1000 ELSE -((999 - OLD.`units_cu`) / 1000) END
    AND OLD.`picks` > 0 AND (NOT (NEW.`picks` > 0) OR (CASE WHEN OLD.`units_cu` >= 0 THEN OLD.`units_cu` / 1000 ELSE -((999 - OLD.`units_cu`) / 1000) END) IS NOT (CASE WHEN NEW.`units_cu` >= 0 THEN NEW.`units_cu` / 1000 ELSE -((999 - NEW.`units_cu`) / 1000) END));
  INSERT INTO `standings_score_counts` (`season`, `week`, `metric`, `score`, `users`)
  SELECT NEW.`season`, NEW.`week`, 'units_1000', CASE WHEN NEW.`units_cu` >= 0 THEN NEW.`units_cu` / 1000 ELSE -((999 - NEW.`units_cu`) / 1000) END, 1
  WHERE NEW.`picks` > 0 AND (NOT (OLD.`picks` > 0) OR (CASE WHEN OLD.`units_cu` >= 0 THEN OLD.`units_cu` / 1000 ELSE -((999 - OLD.`units_cu`) / 1000) END) IS NOT (CASE WHEN NEW.`units_cu` >= 0 THEN NEW.`units_cu` / 1000 ELSE -((999 - NEW.`units_cu`) / 1000) END))
  ON CONFLICT (`season`, `week`, `metric`, `score`) DO UPDATE SET `users` = `users` + 1;
END;
