CREATE TABLE `game_fact_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`game_id` text NOT NULL,
	`changed_at` text NOT NULL,
	`changed_by` text,
	`before` text NOT NULL,
	`after` text NOT NULL,
	FOREIGN KEY (`game_id`) REFERENCES `games`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `game_fact_changes_game_idx` ON `game_fact_changes` (`game_id`,`changed_at`);--> statement-breakpoint
ALTER TABLE `player_stats` ADD `player_id` text REFERENCES players(id);--> statement-breakpoint
ALTER TABLE `player_stats` ADD `legacy_first_td_count` integer;--> statement-breakpoint
CREATE INDEX `player_stats_player_idx` ON `player_stats` (`player_id`,`season`);--> statement-breakpoint
ALTER TABLE `results` ADD `outcome` text CHECK (`outcome` IS NULL OR `outcome` IN ('win', 'loss', 'void'));--> statement-breakpoint
ALTER TABLE `results` ADD `profit_cu` integer;--> statement-breakpoint
ALTER TABLE `results` ADD `graded_at` text;
--> statement-breakpoint
-- ===========================================================================================
-- v14 data: make the derived columns true for the data already here, then install the triggers
-- that keep them true (docs/decisions/0003-trigger-driven-grading.md).
-- ===========================================================================================
-- first_td_count becomes derived from games; the hand-kept v8 count is kept beside it for audit.
UPDATE `player_stats` SET `legacy_first_td_count` = `first_td_count`, `first_td_count` = 0;
--> statement-breakpoint
-- Legacy odds (v8 `odds`, undocumented unit) frozen as prices: |odds| >= 100 is American, 1 < odds < 100 decimal.
UPDATE `picks` SET
  `decimal_odds` = CASE WHEN `odds` >= 100 THEN 1 + `odds` / 100.0 WHEN `odds` <= -100 THEN 1 + 100.0 / -`odds`
                        WHEN `odds` > 1 AND `odds` < 100 THEN `odds` END,
  `odds_source` = 'legacy'
WHERE `odds` IS NOT NULL AND (`odds` >= 100 OR `odds` <= -100 OR (`odds` > 1 AND `odds` < 100));
--> statement-breakpoint
UPDATE `picks` SET
  `implied_probability` = 1.0 / `decimal_odds`,
  `american_odds` = CASE WHEN `decimal_odds` >= 2 THEN CAST(round((`decimal_odds` - 1) * 100) AS INTEGER)
                         ELSE CAST(round(-100 / (`decimal_odds` - 1)) AS INTEGER) END
WHERE `decimal_odds` IS NOT NULL;
--> statement-breakpoint
-- Legacy results keep their values; they gain an outcome from is_correct (unknown stays NULL and counts nowhere).
UPDATE `results` SET
  `outcome` = CASE `is_correct` WHEN 1 THEN 'win' WHEN 0 THEN 'loss' END,
  `profit_cu` = CASE `is_correct`
    WHEN 1 THEN CAST(round((coalesce((SELECT `decimal_odds` FROM `picks` WHERE `id` = `results`.`pick_id`), 2.0) - 1) * 100) AS INTEGER)
    WHEN 0 THEN -100 END;
--> statement-breakpoint
-- Games whose facts are already known grade their picks now (same statement the trigger runs).
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
        CASE WHEN g.`status` = 'canceled' OR g.`is_voided` = 1 THEN 'void' WHEN g.`no_td` = 1 THEN 'loss' WHEN p.`player_id` = g.`first_td_player_id` THEN 'win' WHEN g.`first_td_kind` IN ('return', 'defense') AND p.`player_id` = 'DEF-' || g.`first_td_team` THEN 'win' ELSE 'loss' END AS outcome,
        CASE WHEN g.`no_td` = 1 THEN 'No touchdown' ELSE g.`first_td_player_name` END AS actual_scorer
      FROM `picks` p JOIN `games` g ON g.`id` = p.`game_id`
      WHERE p.`game_id` IS NOT NULL AND (g.`status` = 'canceled' OR g.`is_voided` = 1 OR g.`no_td` = 1 OR g.`first_td_player_id` IS NOT NULL)
    )
  ) graded
  WHERE true
  ON CONFLICT (`pick_id`) DO UPDATE SET
    `outcome` = excluded.`outcome`, `is_correct` = excluded.`is_correct`, `profit_cu` = excluded.`profit_cu`,
    `actual_return` = excluded.`actual_return`, `actual_scorer` = excluded.`actual_scorer`, `graded_at` = excluded.`graded_at`
  WHERE `results`.`outcome` IS NOT excluded.`outcome` OR `results`.`profit_cu` IS NOT excluded.`profit_cu`
     OR `results`.`actual_scorer` IS NOT excluded.`actual_scorer`;
--> statement-breakpoint
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
  FROM (SELECT DISTINCT player_id, team, season FROM (SELECT g.`first_td_player_id` AS player_id, g.`first_td_team` AS team, g.`season` AS season FROM `games` g WHERE g.`first_td_player_id` IS NOT NULL UNION SELECT 'DEF-' || g.`first_td_team`, g.`first_td_team`, g.`season` FROM `games` g WHERE g.`first_td_kind` IN ('return', 'defense'))) k
  JOIN `players` pl ON pl.`id` = k.player_id
  WHERE true
  ON CONFLICT (`player_name`, `season`, `team`) DO UPDATE SET
    `first_td_count` = excluded.`first_td_count`, `last_td_week` = excluded.`last_td_week`,
    `player_id` = excluded.`player_id`, `position` = coalesce(excluded.`position`, `player_stats`.`position`),
    `updated_at` = excluded.`updated_at`;
--> statement-breakpoint
-- updated_at is written in the triggers' ISO format, not the column default's 'YYYY-MM-DD HH:MM:SS'.
INSERT INTO `standings` (`season`, `week`, `user_id`, `picks`, `wins`, `losses`, `voids`, `units_cu`, `updated_at`)
SELECT season, week, user_id, count(*),
  count(*) FILTER (WHERE outcome = 'win'), count(*) FILTER (WHERE outcome = 'loss'),
  count(*) FILTER (WHERE outcome = 'void'), coalesce(sum(profit_cu) FILTER (WHERE outcome IS NOT NULL), 0),
  strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
FROM (
  SELECT w.`season` AS season, 0 AS week, p.`user_id` AS user_id, r.`outcome` AS outcome, r.`profit_cu` AS profit_cu
  FROM `picks` p JOIN `weeks` w ON w.`id` = p.`week_id` LEFT JOIN `results` r ON r.`pick_id` = p.`id`
  UNION ALL
  SELECT w.`season`, w.`week`, p.`user_id`, r.`outcome`, r.`profit_cu`
  FROM `picks` p JOIN `weeks` w ON w.`id` = p.`week_id` LEFT JOIN `results` r ON r.`pick_id` = p.`id`
)
GROUP BY season, week, user_id;
--> statement-breakpoint
-- ===========================================================================================
-- Triggers
-- ===========================================================================================
-- A pick keeps its user, week and game for life: change the player, or delete and pick again.
CREATE TRIGGER `picks_identity_immutable` BEFORE UPDATE OF `user_id`, `week_id`, `game_id` ON `picks`
WHEN OLD.`user_id` IS NOT NEW.`user_id` OR OLD.`week_id` IS NOT NEW.`week_id` OR OLD.`game_id` IS NOT NEW.`game_id`
BEGIN
  SELECT RAISE(ABORT, 'pick_identity_immutable: a pick''s user, week and game cannot change');
END;
--> statement-breakpoint
-- A pick's week is its game's week.
CREATE TRIGGER `picks_week_matches_game` BEFORE INSERT ON `picks`
WHEN NOT EXISTS (
  SELECT 1 FROM `weeks` w JOIN `games` g ON g.`id` = NEW.`game_id`
  WHERE w.`id` = NEW.`week_id` AND w.`season` = g.`season` AND w.`week` = g.`week`
)
BEGIN
  SELECT RAISE(ABORT, 'pick_week_mismatch: a pick''s week must be its game''s season and week');
END;
--> statement-breakpoint
-- games.first_td_player_id names a player (games predates players in the chain, so no foreign key).
CREATE TRIGGER `games_first_td_player_exists` BEFORE UPDATE OF `first_td_player_id` ON `games`
WHEN NEW.`first_td_player_id` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `players` WHERE `id` = NEW.`first_td_player_id`)
BEGIN
  SELECT RAISE(ABORT, 'first_td_player_unknown: games.first_td_player_id must name a player');
END;
--> statement-breakpoint
CREATE TRIGGER `games_first_td_player_exists_insert` BEFORE INSERT ON `games`
WHEN NEW.`first_td_player_id` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `players` WHERE `id` = NEW.`first_td_player_id`)
BEGIN
  SELECT RAISE(ABORT, 'first_td_player_unknown: games.first_td_player_id must name a player');
END;
--> statement-breakpoint
-- (a) Setting, changing or clearing a game's first-TD facts, voiding or canceling it, (re)grades its picks;
--     the change is recorded with who and when; (b) player_stats follow the games.
CREATE TRIGGER `games_grade_on_facts_change` AFTER UPDATE ON `games`
WHEN OLD.`first_td_player_id` IS NOT NEW.`first_td_player_id` OR OLD.`first_td_team` IS NOT NEW.`first_td_team` OR OLD.`first_td_kind` IS NOT NEW.`first_td_kind` OR OLD.`first_td_player_name` IS NOT NEW.`first_td_player_name` OR OLD.`no_td` IS NOT NEW.`no_td` OR OLD.`is_voided` IS NOT NEW.`is_voided` OR (OLD.`status` = 'canceled') IS NOT (NEW.`status` = 'canceled')
BEGIN
  INSERT INTO `game_fact_changes` (`game_id`, `changed_at`, `changed_by`, `before`, `after`)
  VALUES (NEW.`id`, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), NEW.`first_td_recorded_by`, json_object('first_td_player_id', OLD.`first_td_player_id`, 'first_td_player_name', OLD.`first_td_player_name`, 'first_td_team', OLD.`first_td_team`, 'first_td_kind', OLD.`first_td_kind`, 'no_td', OLD.`no_td`, 'status', OLD.`status`, 'is_voided', OLD.`is_voided`), json_object('first_td_player_id', NEW.`first_td_player_id`, 'first_td_player_name', NEW.`first_td_player_name`, 'first_td_team', NEW.`first_td_team`, 'first_td_kind', NEW.`first_td_kind`, 'no_td', NEW.`no_td`, 'status', NEW.`status`, 'is_voided', NEW.`is_voided`));
  DELETE FROM `results`
  WHERE NOT (NEW.`status` = 'canceled' OR NEW.`is_voided` = 1 OR NEW.`no_td` = 1 OR NEW.`first_td_player_id` IS NOT NULL) AND `pick_id` IN (SELECT `id` FROM `picks` WHERE `game_id` = NEW.`id`);
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
        CASE WHEN NEW.`status` = 'canceled' OR NEW.`is_voided` = 1 THEN 'void' WHEN NEW.`no_td` = 1 THEN 'loss' WHEN p.`player_id` = NEW.`first_td_player_id` THEN 'win' WHEN NEW.`first_td_kind` IN ('return', 'defense') AND p.`player_id` = 'DEF-' || NEW.`first_td_team` THEN 'win' ELSE 'loss' END AS outcome,
        CASE WHEN NEW.`no_td` = 1 THEN 'No touchdown' ELSE NEW.`first_td_player_name` END AS actual_scorer
      FROM `picks` p
      WHERE p.`game_id` = NEW.`id` AND (NEW.`status` = 'canceled' OR NEW.`is_voided` = 1 OR NEW.`no_td` = 1 OR NEW.`first_td_player_id` IS NOT NULL)
    )
  ) graded
  WHERE true
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
END;
--> statement-breakpoint
-- (c) standings follow the picks (count) and the results (wins, losses, voids, units).
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
-- The result goes first, while its pick still exists, so that its standings delta can be found.
CREATE TRIGGER `picks_delete_result_first` BEFORE DELETE ON `picks`
BEGIN
  DELETE FROM `results` WHERE `pick_id` = OLD.`id`;
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
-- Deleting a week cascades to its picks only after the week row is gone, when the standings triggers above can
-- no longer find the pick's season and week, so the standings kept the deleted picks. Delete the picks first,
-- while the week still exists (the cascade then finds none).
CREATE TRIGGER `weeks_delete_picks_first` BEFORE DELETE ON `weeks`
BEGIN
  DELETE FROM `picks` WHERE `week_id` = OLD.`id`;
END;
--> statement-breakpoint
-- (d) a new or changed pick takes its position from the roster, and is graded at once if its game already is.
CREATE TRIGGER `picks_position_and_grade_insert` AFTER INSERT ON `picks`
BEGIN
  UPDATE `picks` SET `position` = coalesce((
    SELECT r.`position` FROM `rosters` r JOIN `games` g ON g.`id` = NEW.`game_id`
    WHERE r.`player_id` = NEW.`player_id` AND r.`season` = g.`season`
    ORDER BY r.`team` IN (g.`home_team`, g.`away_team`) DESC, r.`is_current` DESC LIMIT 1
  ), `position`)
  WHERE `id` = NEW.`id` AND NEW.`player_id` IS NOT NULL;
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
        CASE WHEN g.`status` = 'canceled' OR g.`is_voided` = 1 THEN 'void' WHEN g.`no_td` = 1 THEN 'loss' WHEN p.`player_id` = g.`first_td_player_id` THEN 'win' WHEN g.`first_td_kind` IN ('return', 'defense') AND p.`player_id` = 'DEF-' || g.`first_td_team` THEN 'win' ELSE 'loss' END AS outcome,
        CASE WHEN g.`no_td` = 1 THEN 'No touchdown' ELSE g.`first_td_player_name` END AS actual_scorer
      FROM `picks` p JOIN `games` g ON g.`id` = p.`game_id`
      WHERE p.`id` = NEW.`id` AND (g.`status` = 'canceled' OR g.`is_voided` = 1 OR g.`no_td` = 1 OR g.`first_td_player_id` IS NOT NULL)
    )
  ) graded
  WHERE true
  ON CONFLICT (`pick_id`) DO UPDATE SET
    `outcome` = excluded.`outcome`, `is_correct` = excluded.`is_correct`, `profit_cu` = excluded.`profit_cu`,
    `actual_return` = excluded.`actual_return`, `actual_scorer` = excluded.`actual_scorer`, `graded_at` = excluded.`graded_at`
  WHERE `results`.`outcome` IS NOT excluded.`outcome` OR `results`.`profit_cu` IS NOT excluded.`profit_cu`
     OR `results`.`actual_scorer` IS NOT excluded.`actual_scorer`;
END;
--> statement-breakpoint
CREATE TRIGGER `picks_position_and_grade_update` AFTER UPDATE OF `player_id` ON `picks`
WHEN OLD.`player_id` IS NOT NEW.`player_id`
BEGIN
  UPDATE `picks` SET `position` = coalesce((
    SELECT r.`position` FROM `rosters` r JOIN `games` g ON g.`id` = NEW.`game_id`
    WHERE r.`player_id` = NEW.`player_id` AND r.`season` = g.`season`
    ORDER BY r.`team` IN (g.`home_team`, g.`away_team`) DESC, r.`is_current` DESC LIMIT 1
  ), `position`)
  WHERE `id` = NEW.`id` AND NEW.`player_id` IS NOT NULL;
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
        CASE WHEN g.`status` = 'canceled' OR g.`is_voided` = 1 THEN 'void' WHEN g.`no_td` = 1 THEN 'loss' WHEN p.`player_id` = g.`first_td_player_id` THEN 'win' WHEN g.`first_td_kind` IN ('return', 'defense') AND p.`player_id` = 'DEF-' || g.`first_td_team` THEN 'win' ELSE 'loss' END AS outcome,
        CASE WHEN g.`no_td` = 1 THEN 'No touchdown' ELSE g.`first_td_player_name` END AS actual_scorer
      FROM `picks` p JOIN `games` g ON g.`id` = p.`game_id`
      WHERE p.`id` = NEW.`id` AND (g.`status` = 'canceled' OR g.`is_voided` = 1 OR g.`no_td` = 1 OR g.`first_td_player_id` IS NOT NULL)
    )
  ) graded
  WHERE true
  ON CONFLICT (`pick_id`) DO UPDATE SET
    `outcome` = excluded.`outcome`, `is_correct` = excluded.`is_correct`, `profit_cu` = excluded.`profit_cu`,
    `actual_return` = excluded.`actual_return`, `actual_scorer` = excluded.`actual_scorer`, `graded_at` = excluded.`graded_at`
  WHERE `results`.`outcome` IS NOT excluded.`outcome` OR `results`.`profit_cu` IS NOT excluded.`profit_cu`
     OR `results`.`actual_scorer` IS NOT excluded.`actual_scorer`;
END;
--> statement-breakpoint
-- An upsert, not an UPDATE: SQLite does not order the triggers of one event (in practice the newest fires
-- first), so picks_position_and_grade_insert can grade a new pick (of an already-graded game) before
-- picks_standings_insert has created the user's standings rows; an UPDATE then matched no row and the
-- outcome was lost from the standings. The row is created here with picks = 0 and picks_standings_insert
-- adds the pick, in either order.
CREATE TRIGGER `results_standings_insert` AFTER INSERT ON `results`
WHEN NEW.`outcome` IS NOT NULL
BEGIN
  INSERT INTO `standings` (`season`, `week`, `user_id`, `picks`, `wins`, `losses`, `voids`, `units_cu`, `updated_at`)
  SELECT s.season, s.week, s.user_id, 0, (NEW.`outcome` IS 'win'), (NEW.`outcome` IS 'loss'), (NEW.`outcome` IS 'void'),
    coalesce(NEW.`profit_cu`, 0), strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
  FROM (
    SELECT w.`season` AS season, 0 AS week, p.`user_id` AS user_id
    FROM `picks` p JOIN `weeks` w ON w.`id` = p.`week_id` WHERE p.`id` = NEW.`pick_id`
    UNION ALL
    SELECT w.`season`, w.`week`, p.`user_id`
    FROM `picks` p JOIN `weeks` w ON w.`id` = p.`week_id` WHERE p.`id` = NEW.`pick_id`
  ) s
  WHERE true
  ON CONFLICT (`season`, `week`, `user_id`) DO UPDATE SET
    `wins` = `wins` + excluded.`wins`, `losses` = `losses` + excluded.`losses`, `voids` = `voids` + excluded.`voids`,
    `units_cu` = `units_cu` + excluded.`units_cu`, `updated_at` = strftime('%Y-%m-%dT%H:%M:%SZ', 'now');
END;
--> statement-breakpoint
CREATE TRIGGER `results_standings_update` AFTER UPDATE OF `outcome`, `profit_cu` ON `results`
WHEN OLD.`outcome` IS NOT NEW.`outcome` OR OLD.`profit_cu` IS NOT NEW.`profit_cu`
BEGIN
  UPDATE `standings` SET
    `picks` = `picks` + 0, `wins` = `wins` + (NEW.`outcome` IS 'win') - (OLD.`outcome` IS 'win'), `losses` = `losses` + (NEW.`outcome` IS 'loss') - (OLD.`outcome` IS 'loss'), `voids` = `voids` + (NEW.`outcome` IS 'void') - (OLD.`outcome` IS 'void'),
    `units_cu` = `units_cu` + (CASE WHEN NEW.`outcome` IS NULL THEN 0 ELSE coalesce(NEW.`profit_cu`, 0) END) - (CASE WHEN OLD.`outcome` IS NULL THEN 0 ELSE coalesce(OLD.`profit_cu`, 0) END), `updated_at` = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
  WHERE `user_id` = (SELECT `user_id` FROM `picks` WHERE `id` = NEW.`pick_id`)
    AND `season` = (SELECT w.`season` FROM `picks` p JOIN `weeks` w ON w.`id` = p.`week_id` WHERE p.`id` = NEW.`pick_id`)
    AND `week` IN (0, (SELECT w.`week` FROM `picks` p JOIN `weeks` w ON w.`id` = p.`week_id` WHERE p.`id` = NEW.`pick_id`));
END;
--> statement-breakpoint
CREATE TRIGGER `results_standings_delete` AFTER DELETE ON `results`
WHEN OLD.`outcome` IS NOT NULL
BEGIN
  UPDATE `standings` SET
    `picks` = `picks` + 0, `wins` = `wins` + -(OLD.`outcome` IS 'win'), `losses` = `losses` + -(OLD.`outcome` IS 'loss'), `voids` = `voids` + -(OLD.`outcome` IS 'void'),
    `units_cu` = `units_cu` + -coalesce(OLD.`profit_cu`, 0), `updated_at` = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
  WHERE `user_id` = (SELECT `user_id` FROM `picks` WHERE `id` = OLD.`pick_id`)
    AND `season` = (SELECT w.`season` FROM `picks` p JOIN `weeks` w ON w.`id` = p.`week_id` WHERE p.`id` = OLD.`pick_id`)
    AND `week` IN (0, (SELECT w.`week` FROM `picks` p JOIN `weeks` w ON w.`id` = p.`week_id` WHERE p.`id` = OLD.`pick_id`));
END;
