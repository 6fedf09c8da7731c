-- v20 (issue "Benchmark harness and performance budget"): grading a game moves its standings set-based.
--   (1) picks_game_idx (game_id, player_id) becomes picks_game_grading_idx (game_id, user_id, week_id, player_id,
--       decimal_odds): every column the grading reads, in user order, so grading a game reads one range of the index
--       instead of one picks-table page per pick (a game's picks are spread over the table by creation time).
--   (2) games_grade_on_facts_change updates each user's two standings rows (season, week) from a per-pick delta
--       (new outcome minus current result) in two UPDATE ... FROM statements, before it writes the results; the
--       three results -> standings triggers stand aside while a game is graded (grading_in_progress, as v19's
--       histogram triggers do) and keep their row-by-row work for everything else (a pick made in a graded game,
--       its player changed, a pick or result deleted).
-- Same rules, same rows (test/db/grading-property.test.ts compares every step with a full recompute); measured with
-- `npm run bench` (bench/README.md). drizzle-kit generated (1); (2) is by hand.
DROP INDEX `picks_game_idx`;--> statement-breakpoint
CREATE INDEX `picks_game_grading_idx` ON `picks` (`game_id`,`user_id`,`week_id`,`player_id`,`decimal_odds`);
--> statement-breakpoint
-- (2) The three results -> standings triggers of v19 (drizzle/0011_v19_rank_histogram.sql), unchanged but for the
-- condition that no game is being graded.
DROP TRIGGER `results_standings_insert`;
--> statement-breakpoint
CREATE TRIGGER `results_standings_insert` AFTER INSERT ON `results`
WHEN (NEW.`outcome` IS NOT NULL) AND NOT EXISTS (SELECT 1 FROM `grading_in_progress`)
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
DROP TRIGGER `results_standings_update`;
--> statement-breakpoint
CREATE TRIGGER `results_standings_update` AFTER UPDATE OF `outcome`, `profit_cu` ON `results`
WHEN (OLD.`outcome` IS NOT NEW.`outcome` OR OLD.`profit_cu` IS NOT NEW.`profit_cu`) AND NOT EXISTS (SELECT 1 FROM `grading_in_progress`)
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
DROP TRIGGER `results_standings_delete`;
--> statement-breakpoint
CREATE TRIGGER `results_standings_delete` AFTER DELETE ON `results`
WHEN (OLD.`outcome` IS NOT NULL) AND NOT EXISTS (SELECT 1 FROM `grading_in_progress`)
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
-- (2) games_grade_on_facts_change as in v19, plus the standings UPDATEs before its results are written.
DROP TRIGGER `games_grade_on_facts_change`;
--> statement-breakpoint
CREATE TRIGGER `games_grade_on_facts_change` AFTER UPDATE ON `games`
WHEN OLD.`first_td_player_id` IS NOT NEW.`first_td_player_id` OR OLD.`first_td_team` IS NOT NEW.`first_td_team` OR OLD.`first_td_kind` IS NOT NEW.`first_td_kind` OR OLD.`first_td_player_name` IS NOT NEW.`first_td_player_name` OR OLD.`no_td` IS NOT NEW.`no_td` OR OLD.`is_voided` IS NOT NEW.`is_voided` OR (OLD.`status` = 'canceled') IS NOT (NEW.`status` = 'canceled')
BEGIN
  INSERT INTO `game_fact_changes` (`game_id`, `changed_at`, `changed_by`, `before`, `after`)
  VALUES (NEW.`id`, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), NEW.`first_td_recorded_by`, json_object('first_td_player_id', OLD.`first_td_player_id`, 'first_td_player_name', OLD.`first_td_player_name`, 'first_td_team', OLD.`first_td_team`, 'first_td_kind', OLD.`first_td_kind`, 'no_td', OLD.`no_td`, 'status', OLD.`status`, 'is_voided', OLD.`is_voided`), json_object('first_td_player_id', NEW.`first_td_player_id`, 'first_td_player_name', NEW.`first_td_player_name`, 'first_td_team', NEW.`first_td_team`, 'first_td_kind', NEW.`first_td_kind`, 'no_td', NEW.`no_td`, 'status', NEW.`status`, 'is_voided', NEW.`is_voided`));
  INSERT INTO `grading_in_progress` (`game_id`) VALUES (NEW.`id`);
  -- The game's standings, set-based, before its results change: per pick, the new outcome and profit (the rule of the
  -- results upsert below) minus the current result's; each user's two rows (season and week) move by that delta.
  -- Rows whose wins change first, then the others without assigning wins (an assigned column rewrites its index entry).
  -- (SQLite allows no WITH inside a trigger, so both UPDATEs spell out the delta.)
  UPDATE `standings` SET `wins` = `wins` + d.dw, `losses` = `losses` + d.dl, `voids` = `voids` + d.dv, `units_cu` = `units_cu` + d.du,
    `updated_at` = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
  FROM (SELECT n.user_id AS user_id, n.season AS season, n.week AS week,
      (n.outcome IS 'win') - (r.`outcome` IS 'win') AS dw, (n.outcome IS 'loss') - (r.`outcome` IS 'loss') AS dl,
      (n.outcome IS 'void') - (r.`outcome` IS 'void') AS dv,
      CASE n.outcome WHEN 'win' THEN CAST(round((coalesce(n.decimal_odds, 2.0) - 1) * 100) AS INTEGER) WHEN 'loss' THEN -100 ELSE 0 END
        - CASE WHEN r.`outcome` IS NULL THEN 0 ELSE coalesce(r.`profit_cu`, 0) END AS du
    FROM (SELECT p.`id` AS pick_id, p.`user_id` AS user_id, w.`season` AS season, w.`week` AS week, p.`decimal_odds` AS decimal_odds,
            CASE WHEN NEW.`status` = 'canceled' OR NEW.`is_voided` = 1 THEN 'void' WHEN NEW.`no_td` = 1 THEN 'loss' WHEN NEW.`first_td_player_id` IS NULL THEN NULL WHEN p.`player_id` = NEW.`first_td_player_id` THEN 'win' WHEN NEW.`first_td_kind` IN ('return', 'defense') AND p.`player_id` = 'DEF-' || NEW.`first_td_team` THEN 'win' ELSE 'loss' END AS outcome
          FROM `picks` p JOIN `weeks` w ON w.`id` = p.`week_id` WHERE p.`game_id` = NEW.`id`) n
    LEFT JOIN `results` r ON r.`pick_id` = n.pick_id
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
            CASE WHEN NEW.`status` = 'canceled' OR NEW.`is_voided` = 1 THEN 'void' WHEN NEW.`no_td` = 1 THEN 'loss' WHEN NEW.`first_td_player_id` IS NULL THEN NULL WHEN p.`player_id` = NEW.`first_td_player_id` THEN 'win' WHEN NEW.`first_td_kind` IN ('return', 'defense') AND p.`player_id` = 'DEF-' || NEW.`first_td_team` THEN 'win' ELSE 'loss' END AS outcome
          FROM `picks` p JOIN `weeks` w ON w.`id` = p.`week_id` WHERE p.`game_id` = NEW.`id`) n
    LEFT JOIN `results` r ON r.`pick_id` = n.pick_id
    ORDER BY n.user_id LIMIT -1) d
  WHERE d.dw = 0 AND (d.dl <> 0 OR d.dv <> 0 OR d.du <> 0)
    AND `standings`.`season` = d.season AND `standings`.`week` IN (0, d.week) AND `standings`.`user_id` = d.user_id;
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
  -- In pick order: each result's foreign-key check reads its pick's table page, and picks are stored in the order
  -- they were made, so this reads them (and fills results_pick_id_unique) front to back.
  ORDER BY graded.pick_id
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
