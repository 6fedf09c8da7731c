CREATE TABLE `game_feed_checks` (
	`game_id` text PRIMARY KEY NOT NULL,
	`checked_at` text NOT NULL,
	`problem` text,
	`detail` text,
	`problem_since` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_check_at` text,
	FOREIGN KEY (`game_id`) REFERENCES `games`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "game_feed_checks_problem_valid" CHECK("game_feed_checks"."problem" IS NULL OR "game_feed_checks"."problem" IN ('not_on_scoreboard', 'feed_missing', 'not_final', 'summary_inconsistent', 'scorer_unresolved', 'upstream_error'))
);
--> statement-breakpoint
CREATE INDEX `game_feed_checks_due_idx` ON `game_feed_checks` (`next_check_at`);--> statement-breakpoint
CREATE TABLE `player_name_aliases` (
	`alias_key` text NOT NULL,
	`canonical_key` text NOT NULL,
	`alias_name` text NOT NULL,
	`canonical_name` text NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`alias_key`, `canonical_key`),
	CONSTRAINT "player_name_aliases_differ" CHECK("player_name_aliases"."alias_key" <> "player_name_aliases"."canonical_key")
);
--> statement-breakpoint
CREATE INDEX `player_name_aliases_canonical_idx` ON `player_name_aliases` (`canonical_key`);--> statement-breakpoint
DROP INDEX `picks_game_grading_idx`;--> statement-breakpoint
CREATE INDEX `picks_game_grading_idx` ON `picks` (`game_id`,`user_id`,`week_id`,`player_id`,`decimal_odds`,`team`);--> statement-breakpoint
ALTER TABLE `games` ADD `updated_by` text;--> statement-breakpoint
ALTER TABLE `games` ADD `locked_at` text;
--> statement-breakpoint
-- ---------------------------------------------------------------------------------------------------------------------
-- v21 (issue "Grading that never misses"), by hand below this line. drizzle-kit generated the tables, the index and
-- the two columns above.
--   (1) games.locked_at: picks lock for good. Existing games that have begun are locked now; from here a trigger sets
--       it once, when a game's row changes after its kickoff has passed (a postponed or suspended game whose kickoff
--       moves later stays locked) or when it gets a score, an in-progress/final status or a first-TD fact.
--   (2) games_grade_on_facts_change grades pick by pick: a first TD whose scorer is unresolved but whose team (and
--       kind) is known grades the DEF picks and the other team's picks; the scoring team's players wait for the scorer.
--       A legacy result (graded_at NULL, kept from a v8 database) stays until the rules can replace it. The change log
--       names games.updated_by (who made the change: the schedule sync canceling, an admin voiding, the live sync).
--   (3) picks_position_and_grade_insert/_update grade a single pick by the same rule.
-- The rule is spelled out in each statement (SQLite triggers allow no WITH and no functions); src/domain/grading.ts is
-- the reference and src/db/recompute.ts its set-based twin; test/db/grading-property.test.ts holds all three equal.
-- ---------------------------------------------------------------------------------------------------------------------
UPDATE `games` SET `locked_at` = CASE WHEN `kickoff_at` <= strftime('%Y-%m-%dT%H:%M:%SZ', 'now') THEN `kickoff_at` ELSE strftime('%Y-%m-%dT%H:%M:%SZ', 'now') END
WHERE `locked_at` IS NULL AND (`kickoff_at` <= strftime('%Y-%m-%dT%H:%M:%SZ', 'now') OR `status` IN ('in_progress', 'final')
  OR `home_score` IS NOT NULL OR `away_score` IS NOT NULL OR `first_td_player_id` IS NOT NULL OR `first_td_team` IS NOT NULL OR `no_td` = 1);
--> statement-breakpoint
CREATE TRIGGER `games_lock_once` AFTER UPDATE ON `games`
WHEN NEW.`locked_at` IS NULL AND (OLD.`kickoff_at` <= strftime('%Y-%m-%dT%H:%M:%SZ', 'now') OR NEW.`status` IN ('in_progress', 'final')
  OR NEW.`home_score` IS NOT NULL OR NEW.`away_score` IS NOT NULL OR NEW.`first_td_player_id` IS NOT NULL OR NEW.`first_td_team` IS NOT NULL OR NEW.`no_td` = 1)
BEGIN
  UPDATE `games` SET `locked_at` = CASE WHEN OLD.`kickoff_at` <= strftime('%Y-%m-%dT%H:%M:%SZ', 'now') THEN OLD.`kickoff_at` ELSE strftime('%Y-%m-%dT%H:%M:%SZ', 'now') END
  WHERE `id` = NEW.`id`;
END;
--> statement-breakpoint
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
DROP TRIGGER `picks_position_and_grade_insert`;
--> statement-breakpoint
CREATE TRIGGER `picks_position_and_grade_insert` AFTER INSERT ON `picks`
BEGIN
  UPDATE `picks` SET `position` = coalesce((
    SELECT r.`position` FROM `rosters` r JOIN `games` g ON g.`id` = NEW.`game_id`
    WHERE r.`player_id` = NEW.`player_id` AND r.`season` = g.`season`
    ORDER BY r.`team` IN (g.`home_team`, g.`away_team`) DESC, r.`is_current` DESC LIMIT 1
  ), `position`)
  WHERE `id` = NEW.`id` AND NEW.`player_id` IS NOT NULL;
  -- A pick the rules cannot grade yet (its game's scorer unresolved) loses a result it had; none is written.
  DELETE FROM `results` WHERE `pick_id` = NEW.`id` AND `graded_at` IS NOT NULL AND (
    SELECT CASE WHEN g.`status` = 'canceled' OR g.`is_voided` = 1 THEN 'void' WHEN g.`no_td` = 1 THEN 'loss' WHEN g.`first_td_team` IS NULL THEN NULL WHEN p.`player_id` = g.`first_td_player_id` THEN 'win' WHEN g.`first_td_kind` IN ('return', 'defense') AND p.`player_id` = 'DEF-' || g.`first_td_team` THEN 'win' WHEN g.`first_td_player_id` IS NOT NULL THEN 'loss' WHEN p.`player_id` = 'DEF-' || g.`first_td_team` THEN CASE WHEN g.`first_td_kind` IS NULL THEN NULL ELSE 'loss' END WHEN p.`team` IN (g.`home_team`, g.`away_team`) AND p.`team` <> g.`first_td_team` THEN 'loss' END FROM `picks` p JOIN `games` g ON g.`id` = p.`game_id` WHERE p.`id` = NEW.`id`) IS NULL;
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
        CASE WHEN g.`status` = 'canceled' OR g.`is_voided` = 1 THEN 'void' WHEN g.`no_td` = 1 THEN 'loss' WHEN g.`first_td_team` IS NULL THEN NULL WHEN p.`player_id` = g.`first_td_player_id` THEN 'win' WHEN g.`first_td_kind` IN ('return', 'defense') AND p.`player_id` = 'DEF-' || g.`first_td_team` THEN 'win' WHEN g.`first_td_player_id` IS NOT NULL THEN 'loss' WHEN p.`player_id` = 'DEF-' || g.`first_td_team` THEN CASE WHEN g.`first_td_kind` IS NULL THEN NULL ELSE 'loss' END WHEN p.`team` IN (g.`home_team`, g.`away_team`) AND p.`team` <> g.`first_td_team` THEN 'loss' END AS outcome,
        CASE WHEN g.`no_td` = 1 THEN 'No touchdown' ELSE g.`first_td_player_name` END AS actual_scorer
      FROM `picks` p JOIN `games` g ON g.`id` = p.`game_id`
      WHERE p.`id` = NEW.`id`
    )
  ) graded
  WHERE graded.outcome IS NOT NULL
  ON CONFLICT (`pick_id`) DO UPDATE SET
    `outcome` = excluded.`outcome`, `is_correct` = excluded.`is_correct`, `profit_cu` = excluded.`profit_cu`,
    `actual_return` = excluded.`actual_return`, `actual_scorer` = excluded.`actual_scorer`, `graded_at` = excluded.`graded_at`
  WHERE `results`.`outcome` IS NOT excluded.`outcome` OR `results`.`profit_cu` IS NOT excluded.`profit_cu`
     OR `results`.`actual_scorer` IS NOT excluded.`actual_scorer` OR `results`.`graded_at` IS NULL;
END;
--> statement-breakpoint
DROP TRIGGER `picks_position_and_grade_update`;
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
  -- A pick the rules cannot grade yet (its game's scorer unresolved) loses a result it had; none is written.
  DELETE FROM `results` WHERE `pick_id` = NEW.`id` AND `graded_at` IS NOT NULL AND (
    SELECT CASE WHEN g.`status` = 'canceled' OR g.`is_voided` = 1 THEN 'void' WHEN g.`no_td` = 1 THEN 'loss' WHEN g.`first_td_team` IS NULL THEN NULL WHEN p.`player_id` = g.`first_td_player_id` THEN 'win' WHEN g.`first_td_kind` IN ('return', 'defense') AND p.`player_id` = 'DEF-' || g.`first_td_team` THEN 'win' WHEN g.`first_td_player_id` IS NOT NULL THEN 'loss' WHEN p.`player_id` = 'DEF-' || g.`first_td_team` THEN CASE WHEN g.`first_td_kind` IS NULL THEN NULL ELSE 'loss' END WHEN p.`team` IN (g.`home_team`, g.`away_team`) AND p.`team` <> g.`first_td_team` THEN 'loss' END FROM `picks` p JOIN `games` g ON g.`id` = p.`game_id` WHERE p.`id` = NEW.`id`) IS NULL;
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
        CASE WHEN g.`status` = 'canceled' OR g.`is_voided` = 1 THEN 'void' WHEN g.`no_td` = 1 THEN 'loss' WHEN g.`first_td_team` IS NULL THEN NULL WHEN p.`player_id` = g.`first_td_player_id` THEN 'win' WHEN g.`first_td_kind` IN ('return', 'defense') AND p.`player_id` = 'DEF-' || g.`first_td_team` THEN 'win' WHEN g.`first_td_player_id` IS NOT NULL THEN 'loss' WHEN p.`player_id` = 'DEF-' || g.`first_td_team` THEN CASE WHEN g.`first_td_kind` IS NULL THEN NULL ELSE 'loss' END WHEN p.`team` IN (g.`home_team`, g.`away_team`) AND p.`team` <> g.`first_td_team` THEN 'loss' END AS outcome,
        CASE WHEN g.`no_td` = 1 THEN 'No touchdown' ELSE g.`first_td_player_name` END AS actual_scorer
      FROM `picks` p JOIN `games` g ON g.`id` = p.`game_id`
      WHERE p.`id` = NEW.`id`
    )
  ) graded
  WHERE graded.outcome IS NOT NULL
  ON CONFLICT (`pick_id`) DO UPDATE SET
    `outcome` = excluded.`outcome`, `is_correct` = excluded.`is_correct`, `profit_cu` = excluded.`profit_cu`,
    `actual_return` = excluded.`actual_return`, `actual_scorer` = excluded.`actual_scorer`, `graded_at` = excluded.`graded_at`
  WHERE `results`.`outcome` IS NOT excluded.`outcome` OR `results`.`profit_cu` IS NOT excluded.`profit_cu`
     OR `results`.`actual_scorer` IS NOT excluded.`actual_scorer` OR `results`.`graded_at` IS NULL;
END;
