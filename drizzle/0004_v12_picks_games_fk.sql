-- v12: every pick belongs to a game; one pick per user per game; picks gain a player and position.
-- Order: backfill game_id, create placeholder games, quarantine what still matches no game, quarantine
-- second picks in a game, rebuild picks with the foreign key (results backed up and restored: on D1 the
-- DROP TABLE cascades into results), then resolve players and positions against the rosters.
-- See docs/decisions/0002-quarantine-unmatched-picks.md.
ALTER TABLE `picks_quarantine` ADD `detail` text;
--> statement-breakpoint
UPDATE `picks` SET `game_id` = NULL WHERE trim(`game_id`) = '';
--> statement-breakpoint
-- 1. From the pick's week and team: the one game that team played that week.
--    (Fixed: a game_id naming a game of another week counts as no match, here and in step 3; it used to
--    stay linked, breaking "a pick's week is its game's week".)
UPDATE `picks` SET `game_id` = (
  SELECT g.`id` FROM `games` g
  JOIN `weeks` w ON w.`id` = `picks`.`week_id`
  JOIN `team_aliases` a ON a.`alias` = upper(trim(`picks`.`team`))
  WHERE g.`season` = w.`season` AND g.`week` = w.`week` AND a.`team_code` IN (g.`home_team`, g.`away_team`)
)
WHERE (`game_id` IS NULL OR NOT EXISTS (
    SELECT 1 FROM `games` g JOIN `weeks` w ON w.`id` = `picks`.`week_id`
    WHERE g.`id` = `picks`.`game_id` AND g.`season` = w.`season` AND g.`week` = w.`week`))
  AND EXISTS (
    SELECT 1 FROM `games` g
    JOIN `weeks` w ON w.`id` = `picks`.`week_id`
    JOIN `team_aliases` a ON a.`alias` = upper(trim(`picks`.`team`))
    WHERE g.`season` = w.`season` AND g.`week` = w.`week` AND a.`team_code` IN (g.`home_team`, g.`away_team`)
  );
--> statement-breakpoint
-- 2. A game_id of the nflverse form {season}_{week}_{away}_{home} (any team alias) that agrees with the
--    pick's week names its game: link to it, creating a placeholder game the schedule sync completes later.
--    (Fixed: an id with home and away swapped names the existing game of those two teams that week; it used
--    to create a second, placeholder game for them.)
CREATE TABLE `_v12_named_games` AS
SELECT p.`id` AS pick_id,
  coalesce(
    (SELECT g.`id` FROM `games` g WHERE g.`season` = w.`season` AND g.`week` = w.`week`
       AND g.`home_team` IN (away.`team_code`, home.`team_code`) AND g.`away_team` IN (away.`team_code`, home.`team_code`)),
    printf('%d_%02d_%s_%s', w.`season`, w.`week`, away.`team_code`, home.`team_code`)) AS game_id,
  w.`season` AS season, w.`week` AS week, away.`team_code` AS away_team, home.`team_code` AS home_team
FROM `picks` p
JOIN `weeks` w ON w.`id` = p.`week_id`
JOIN `team_aliases` away ON away.`alias` = upper(substr(substr(p.`game_id`, 9), 1, instr(substr(p.`game_id`, 9), '_') - 1))
JOIN `team_aliases` home ON home.`alias` = upper(substr(substr(p.`game_id`, 9), instr(substr(p.`game_id`, 9), '_') + 1))
WHERE p.`game_id` NOT IN (SELECT `id` FROM `games`)
  AND p.`game_id` GLOB '[12][0-9][0-9][0-9]_[0-9][0-9]_*_*'
  AND CAST(substr(p.`game_id`, 1, 4) AS INTEGER) = w.`season`
  AND CAST(substr(p.`game_id`, 6, 2) AS INTEGER) = w.`week`
  AND away.`team_code` <> home.`team_code`;
--> statement-breakpoint
INSERT INTO `games` (`id`, `season`, `week`, `game_type`, `home_team`, `away_team`, `status`, `is_placeholder`)
SELECT DISTINCT n.game_id, n.season, n.week,
  CASE WHEN n.week <= (CASE WHEN n.season >= 2021 THEN 18 ELSE 17 END) THEN 'REG'
       WHEN n.week - (CASE WHEN n.season >= 2021 THEN 18 ELSE 17 END) = 1 THEN 'WC'
       WHEN n.week - (CASE WHEN n.season >= 2021 THEN 18 ELSE 17 END) = 2 THEN 'DIV'
       WHEN n.week - (CASE WHEN n.season >= 2021 THEN 18 ELSE 17 END) = 3 THEN 'CON'
       ELSE 'SB' END,
  n.home_team, n.away_team, 'scheduled', 1
FROM `_v12_named_games` n
WHERE n.week BETWEEN 1 AND 22 AND n.game_id NOT IN (SELECT `id` FROM `games`);
--> statement-breakpoint
UPDATE `picks` SET `game_id` = (SELECT n.game_id FROM `_v12_named_games` n WHERE n.pick_id = `picks`.`id`)
WHERE `id` IN (SELECT n.pick_id FROM `_v12_named_games` n JOIN `games` g ON g.`id` = n.game_id);
--> statement-breakpoint
DROP TABLE `_v12_named_games`;
--> statement-breakpoint
-- 3. Whatever still matches no game is quarantined, never deleted.
INSERT INTO `picks_quarantine` (`id`, `user_id`, `week_id`, `team`, `player_name`, `odds`, `theoretical_return`,
  `game_id`, `created_at`, `reason`, `detail`, `result_actual_scorer`, `result_is_correct`, `result_actual_return`)
SELECT p.`id`, p.`user_id`, p.`week_id`, p.`team`, p.`player_name`, p.`odds`, p.`theoretical_return`,
  p.`game_id`, p.`created_at`, 'no_matching_game',
  CASE WHEN p.`game_id` IS NULL AND p.`team` IS NULL THEN 'no game_id and no team'
       WHEN p.`game_id` IS NULL THEN 'no game for team ' || p.`team` || ' in that week'
       ELSE 'game_id ' || p.`game_id` || ' matches no game of that week' END,
  r.`actual_scorer`, r.`is_correct`, r.`actual_return`
FROM `picks` p LEFT JOIN `results` r ON r.`pick_id` = p.`id`
WHERE p.`game_id` IS NULL OR NOT EXISTS (
  SELECT 1 FROM `games` g JOIN `weeks` w ON w.`id` = p.`week_id`
  WHERE g.`id` = p.`game_id` AND g.`season` = w.`season` AND g.`week` = w.`week`);
--> statement-breakpoint
DELETE FROM `picks` WHERE `id` IN (SELECT `id` FROM `picks_quarantine` WHERE `reason` = 'no_matching_game');
--> statement-breakpoint
-- 4. One pick per user per game, by the same rule as v11: the pick with a result wins, else the earliest.
INSERT INTO `picks_quarantine` (`id`, `user_id`, `week_id`, `team`, `player_name`, `odds`, `theoretical_return`,
  `game_id`, `created_at`, `reason`, `kept_pick_id`, `result_actual_scorer`, `result_is_correct`, `result_actual_return`)
WITH ranked AS (
  SELECT p.`id`, row_number() OVER w AS rank_in_group, first_value(p.`id`) OVER w AS kept_id
  FROM `picks` p LEFT JOIN `results` r ON r.`pick_id` = p.`id`
  WINDOW w AS (PARTITION BY p.`user_id`, p.`game_id` ORDER BY (r.`id` IS NULL), coalesce(p.`created_at`, '9999'), p.`id`)
)
SELECT p.`id`, p.`user_id`, p.`week_id`, p.`team`, p.`player_name`, p.`odds`, p.`theoretical_return`,
  p.`game_id`, p.`created_at`, 'second_pick_in_game', ranked.kept_id, r.`actual_scorer`, r.`is_correct`, r.`actual_return`
FROM ranked JOIN `picks` p ON p.`id` = ranked.`id` LEFT JOIN `results` r ON r.`pick_id` = p.`id`
WHERE ranked.rank_in_group > 1;
--> statement-breakpoint
DELETE FROM `picks` WHERE `id` IN (SELECT `id` FROM `picks_quarantine` WHERE `reason` = 'second_pick_in_game');
--> statement-breakpoint
-- 5. Rebuild picks (drizzle-kit's generated rebuild, reviewed): PRAGMA foreign_keys=OFF is ignored on D1, so
--    DROP TABLE picks would cascade-delete every result. Back results up and restore them, columns named.
CREATE TABLE `_v12_results_backup` AS
SELECT `id`, `pick_id`, `actual_scorer`, `is_correct`, `actual_return`, `any_time_td`, `created_at` FROM `results`;
--> statement-breakpoint
PRAGMA defer_foreign_keys = on;
--> statement-breakpoint
CREATE TABLE `__new_picks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`week_id` integer NOT NULL,
	`team` text,
	`player_name` text NOT NULL,
	`odds` real,
	`theoretical_return` real,
	`game_id` text NOT NULL,
	`created_at` text DEFAULT CURRENT_TIMESTAMP,
	`player_id` text,
	`position` text,
	`updated_at` text,
	`implied_probability` real,
	`american_odds` integer,
	`decimal_odds` real,
	`odds_source` text,
	`odds_snapshot_at` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`week_id`) REFERENCES `weeks`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`game_id`) REFERENCES `games`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`player_id`) REFERENCES `players`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "picks_decimal_odds_range" CHECK("decimal_odds" IS NULL OR "decimal_odds" > 1),
	CONSTRAINT "picks_implied_probability_range" CHECK("implied_probability" IS NULL OR ("implied_probability" > 0 AND "implied_probability" < 1))
);
--> statement-breakpoint
INSERT INTO `__new_picks` (`id`, `user_id`, `week_id`, `team`, `player_name`, `odds`, `theoretical_return`, `game_id`, `created_at`)
SELECT `id`, `user_id`, `week_id`, `team`, `player_name`, `odds`, `theoretical_return`, `game_id`, `created_at` FROM `picks`;
--> statement-breakpoint
-- (Fixed) DROP TABLE forgets the AUTOINCREMENT high-water mark of picks, and the rebuilt table would restart
-- after its highest surviving id: new picks would take the ids of quarantined legacy picks. Carry it over.
UPDATE `sqlite_sequence` SET `seq` = max(`seq`, coalesce((SELECT `seq` FROM `sqlite_sequence` WHERE `name` = 'picks'), 0))
WHERE `name` = '__new_picks';
--> statement-breakpoint
DROP TABLE `picks`;
--> statement-breakpoint
ALTER TABLE `__new_picks` RENAME TO `picks`;
--> statement-breakpoint
INSERT INTO `results` (`id`, `pick_id`, `actual_scorer`, `is_correct`, `actual_return`, `any_time_td`, `created_at`)
SELECT `id`, `pick_id`, `actual_scorer`, `is_correct`, `actual_return`, `any_time_td`, `created_at` FROM `_v12_results_backup`
WHERE true
ON CONFLICT (`id`) DO NOTHING;
--> statement-breakpoint
DROP TABLE `_v12_results_backup`;
--> statement-breakpoint
CREATE UNIQUE INDEX `picks_user_week_player_unique` ON `picks` (`user_id`,`week_id`,`player_name`);
--> statement-breakpoint
CREATE UNIQUE INDEX `picks_user_game_unique` ON `picks` (`user_id`,`game_id`);
--> statement-breakpoint
-- 6. Each season that has weeks gets its 32 DEF pseudo-players on the rosters, so DEF picks resolve.
INSERT INTO `rosters` (`season`, `player_id`, `player_name`, `team`, `position`, `raw_position`, `status`)
SELECT s.`season`, 'DEF-' || t.`code`, t.`name` || ' Defense', t.`code`, 'DEF', 'DEF', 'ACT'
FROM (SELECT DISTINCT `season` FROM `weeks`) s CROSS JOIN `teams` t
WHERE true
ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- 7. Resolve the picked player: the one rostered player of either team in that season whose normalized name
--    matches; a D/ST pick ("Chiefs D/ST", "KC DEF", "Kansas City Defense") resolves to that team's DEF.
--    A name that matches two players is no match.
-- Normalized names (the SQL twin of normalizePlayerName in src/domain/names.ts, in steps: SQLite's parser
-- cannot nest that many replace() calls in one expression).
CREATE TABLE `_v12_pick_keys` AS
SELECT p.`id` AS pick_id, g.`season` AS season, g.`home_team` AS home_team, g.`away_team` AS away_team,
  lower(trim(p.`player_name`)) AS name_key
FROM `picks` p JOIN `games` g ON g.`id` = p.`game_id`;
--> statement-breakpoint
CREATE INDEX `_v12_pick_keys_pick` ON `_v12_pick_keys` (`pick_id`);
--> statement-breakpoint
UPDATE `_v12_pick_keys` SET `name_key` = replace(replace(replace(replace(replace(replace(replace(replace(`name_key`, 'á', 'a'), 'à', 'a'), 'â', 'a'), 'ä', 'a'), 'ã', 'a'), 'é', 'e'), 'è', 'e'), 'ê', 'e');
--> statement-breakpoint
UPDATE `_v12_pick_keys` SET `name_key` = replace(replace(replace(replace(replace(replace(replace(replace(`name_key`, 'ë', 'e'), 'í', 'i'), 'ì', 'i'), 'î', 'i'), 'ï', 'i'), 'ó', 'o'), 'ò', 'o'), 'ô', 'o');
--> statement-breakpoint
UPDATE `_v12_pick_keys` SET `name_key` = replace(replace(replace(replace(replace(replace(replace(replace(`name_key`, 'ö', 'o'), 'õ', 'o'), 'ú', 'u'), 'ù', 'u'), 'û', 'u'), 'ü', 'u'), 'ñ', 'n'), 'ç', 'c');
--> statement-breakpoint
UPDATE `_v12_pick_keys` SET `name_key` = replace(replace(replace(replace(replace(replace(replace(replace(`name_key`, 'É', 'e'), 'Á', 'a'), 'Ó', 'o'), 'Í', 'i'), 'Ú', 'u'), '.', ''), '''', ''), ',', '');
--> statement-breakpoint
UPDATE `_v12_pick_keys` SET `name_key` = replace(replace(replace(`name_key`, '’', ''), '-', ' '), '/', ' ');
--> statement-breakpoint
UPDATE `_v12_pick_keys` SET `name_key` = trim(replace(replace(replace(`name_key`, '   ', ' '), '  ', ' '), '  ', ' '));
--> statement-breakpoint
UPDATE `_v12_pick_keys` SET `name_key` = CASE WHEN `name_key` LIKE '% jr' OR `name_key` LIKE '% sr' OR `name_key` LIKE '% ii' OR `name_key` LIKE '% iv' THEN rtrim(substr(`name_key`, 1, length(`name_key`) - 3)) WHEN `name_key` LIKE '% iii' THEN rtrim(substr(`name_key`, 1, length(`name_key`) - 4)) WHEN `name_key` LIKE '% v' THEN rtrim(substr(`name_key`, 1, length(`name_key`) - 2)) ELSE `name_key` END;
--> statement-breakpoint
UPDATE `_v12_pick_keys` SET `name_key` = rtrim(substr(`name_key`, 1, length(`name_key`) - 7))
WHERE `name_key` LIKE '% defense';
--> statement-breakpoint
-- (Fixed: ' d st' used to lose only 'st', so no "... D/ST" pick resolved.)
UPDATE `_v12_pick_keys` SET `name_key` = rtrim(substr(`name_key`, 1, length(`name_key`) - CASE WHEN `name_key` LIKE '% d st' THEN 4 ELSE 3 END))
WHERE `name_key` LIKE '% d st' OR `name_key` LIKE '% def' OR `name_key` LIKE '% dst';
--> statement-breakpoint
-- The team is named by one alias ("Chiefs", "KC", "Kansas City Chiefs"), by code and nickname as Kalshi does
-- ("KC Chiefs", "PIT Steelers"; fixed: these did not resolve), or by its city ("Kansas City"; fixed: the
-- comment above promised it but no alias is a city). Exactly one of the game's two teams must match.
UPDATE `picks` SET `player_id` = (
  SELECT 'DEF-' || min(t.`code`) FROM `_v12_pick_keys` k JOIN `teams` t ON t.`code` IN (k.`home_team`, k.`away_team`)
  WHERE k.`pick_id` = `picks`.`id` AND (
    EXISTS (SELECT 1 FROM `team_aliases` a WHERE a.`team_code` = t.`code` AND a.`alias` = upper(k.`name_key`))
    OR EXISTS (SELECT 1 FROM `team_aliases` code_alias JOIN `team_aliases` name_alias ON name_alias.`team_code` = code_alias.`team_code`
               WHERE code_alias.`team_code` = t.`code` AND upper(k.`name_key`) = code_alias.`alias` || ' ' || name_alias.`alias`)
    OR substr(lower(t.`name`), 1, length(k.`name_key`) + 1) = k.`name_key` || ' ')
  HAVING count(*) = 1
)
WHERE `player_id` IS NULL;
--> statement-breakpoint
UPDATE `picks` SET `player_id` = (
  -- CROSS JOIN fixes the join order (pick key -> players by name -> rosters): left to the planner, SQLite scanned
  -- a season's rosters for every pick (a 55,000-pick import spent minutes here).
  SELECT min(r.`player_id`) FROM `_v12_pick_keys` k
  CROSS JOIN `players` pl ON pl.`name_key` = k.`name_key`
  CROSS JOIN `rosters` r ON r.`player_id` = pl.`id` AND r.`season` = k.`season` AND r.`team` IN (k.`home_team`, k.`away_team`)
  WHERE k.`pick_id` = `picks`.`id`
  HAVING count(DISTINCT r.`player_id`) = 1
)
WHERE `player_id` IS NULL;
--> statement-breakpoint
DROP TABLE `_v12_pick_keys`;
--> statement-breakpoint
UPDATE `picks` SET `position` = (
  SELECT r.`position` FROM `rosters` r JOIN `games` g ON g.`id` = `picks`.`game_id`
  WHERE r.`player_id` = `picks`.`player_id` AND r.`season` = g.`season`
  ORDER BY r.`is_current` DESC, r.`team` IN (g.`home_team`, g.`away_team`) DESC LIMIT 1
)
WHERE `player_id` IS NOT NULL AND `position` IS NULL;
--> statement-breakpoint
-- 8. Legacy player_stats rows with an 'Unknown' or missing position take it from the roster when the name
--    resolves to exactly one player of that team and season.
CREATE TABLE `_v12_stat_keys` AS
SELECT `id` AS stat_id, lower(trim(`player_name`)) AS name_key FROM `player_stats`
WHERE `position` IS NULL OR `position` = 'Unknown';
--> statement-breakpoint
CREATE INDEX `_v12_stat_keys_stat` ON `_v12_stat_keys` (`stat_id`);
--> statement-breakpoint
UPDATE `_v12_stat_keys` SET `name_key` = replace(replace(replace(replace(replace(replace(replace(replace(`name_key`, 'á', 'a'), 'à', 'a'), 'â', 'a'), 'ä', 'a'), 'ã', 'a'), 'é', 'e'), 'è', 'e'), 'ê', 'e');
--> statement-breakpoint
UPDATE `_v12_stat_keys` SET `name_key` = replace(replace(replace(replace(replace(replace(replace(replace(`name_key`, 'ë', 'e'), 'í', 'i'), 'ì', 'i'), 'î', 'i'), 'ï', 'i'), 'ó', 'o'), 'ò', 'o'), 'ô', 'o');
--> statement-breakpoint
UPDATE `_v12_stat_keys` SET `name_key` = replace(replace(replace(replace(replace(replace(replace(replace(`name_key`, 'ö', 'o'), 'õ', 'o'), 'ú', 'u'), 'ù', 'u'), 'û', 'u'), 'ü', 'u'), 'ñ', 'n'), 'ç', 'c');
--> statement-breakpoint
UPDATE `_v12_stat_keys` SET `name_key` = replace(replace(replace(replace(replace(replace(replace(replace(`name_key`, 'É', 'e'), 'Á', 'a'), 'Ó', 'o'), 'Í', 'i'), 'Ú', 'u'), '.', ''), '''', ''), ',', '');
--> statement-breakpoint
UPDATE `_v12_stat_keys` SET `name_key` = replace(replace(replace(`name_key`, '’', ''), '-', ' '), '/', ' ');
--> statement-breakpoint
UPDATE `_v12_stat_keys` SET `name_key` = trim(replace(replace(replace(`name_key`, '   ', ' '), '  ', ' '), '  ', ' '));
--> statement-breakpoint
UPDATE `_v12_stat_keys` SET `name_key` = CASE WHEN `name_key` LIKE '% jr' OR `name_key` LIKE '% sr' OR `name_key` LIKE '% ii' OR `name_key` LIKE '% iv' THEN rtrim(substr(`name_key`, 1, length(`name_key`) - 3)) WHEN `name_key` LIKE '% iii' THEN rtrim(substr(`name_key`, 1, length(`name_key`) - 4)) WHEN `name_key` LIKE '% v' THEN rtrim(substr(`name_key`, 1, length(`name_key`) - 2)) ELSE `name_key` END;
--> statement-breakpoint
UPDATE `player_stats` SET `position` = coalesce((
  SELECT min(r.`position`) FROM `_v12_stat_keys` k
  CROSS JOIN `players` pl ON pl.`name_key` = k.`name_key`
  CROSS JOIN `rosters` r ON r.`player_id` = pl.`id` AND r.`season` = `player_stats`.`season`
  JOIN `team_aliases` a ON a.`alias` = upper(trim(`player_stats`.`team`)) AND a.`team_code` = r.`team`
  WHERE k.`stat_id` = `player_stats`.`id`
  HAVING count(DISTINCT r.`player_id`) = 1
), `position`)
WHERE `position` IS NULL OR `position` = 'Unknown';
--> statement-breakpoint
DROP TABLE `_v12_stat_keys`;
