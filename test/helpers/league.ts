/**
 * Small raw-SQL fixtures for the grading tests: players with roster rows, weeks, games, users and picks, and
 * the game updates the live feed makes (first-TD facts, no TD, void, cancel). Teams and DEF-<TEAM> players are
 * seeded by the migrations; DEF roster rows are not (no season had weeks when the test database was migrated).
 */
import type { FirstTdKind, GameStatus, PickOutcome } from "../../src/domain/grading";

export interface PlayerSpec {
  id: string;
  name: string;
  team: string;
  position: string;
  isCurrent?: 0 | 1;
}

export async function addPlayers(db: D1Database, season: number, players: PlayerSpec[]): Promise<void> {
  const statements: D1PreparedStatement[] = [];
  for (const p of players) {
    if (!p.id.startsWith("DEF-")) {
      statements.push(
        db
          .prepare("INSERT OR IGNORE INTO players (id, full_name, name_key) VALUES (?, ?, lower(?))")
          .bind(p.id, p.name, p.name),
      );
    }
    statements.push(
      db
        .prepare(
          `INSERT INTO rosters (season, player_id, player_name, team, position, raw_position, is_current)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .bind(season, p.id, p.name, p.team, p.position, p.position, p.isCurrent ?? 1),
    );
  }
  await db.batch(statements);
}

/** DEF-<TEAM> roster rows (position DEF) for the season. */
export async function addDefenses(db: D1Database, season: number, teams: string[]): Promise<void> {
  await db.batch(
    teams.map((team) =>
      db
        .prepare(
          `INSERT INTO rosters (season, player_id, player_name, team, position, raw_position)
           SELECT ?, id, full_name, defense_team, 'DEF', 'DEF' FROM players WHERE id = 'DEF-' || ?`,
        )
        .bind(season, team),
    ),
  );
}

export async function addWeek(db: D1Database, season: number, week: number): Promise<number> {
  const row = await db
    .prepare("INSERT INTO weeks (season, week) VALUES (?, ?) RETURNING id")
    .bind(season, week)
    .first<{ id: number }>();
  return row!.id;
}

export function gameId(season: number, week: number, away: string, home: string): string {
  return `${season}_${String(week).padStart(2, "0")}_${away}_${home}`;
}

export async function addGame(
  db: D1Database,
  spec: { season: number; week: number; away: string; home: string; kickoffAt?: string; status?: GameStatus },
): Promise<string> {
  const id = gameId(spec.season, spec.week, spec.away, spec.home);
  const kickoff = spec.kickoffAt ?? `${spec.season}-09-${String(10 + spec.week).padStart(2, "0")}T17:00:00Z`;
  await db
    .prepare(
      `INSERT INTO games (id, season, week, home_team, away_team, kickoff_at, status) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(id, spec.season, spec.week, spec.home, spec.away, kickoff, spec.status ?? "scheduled")
    .run();
  return id;
}

export async function addUser(db: D1Database, name: string): Promise<number> {
  const row = await db
    .prepare("INSERT INTO users (name, email) VALUES (?, ?) RETURNING id")
    .bind(name, `${name}@example.test`)
    .first<{ id: number }>();
  return row!.id;
}

export function insertPickStatement(
  db: D1Database,
  userId: number,
  game: string,
  playerId: string,
  decimalOdds: number | null = null,
): D1PreparedStatement {
  // The week is the game's week; name and team come from the player and his roster row (as the API does).
  return db
    .prepare(
      `INSERT INTO picks (user_id, week_id, game_id, player_id, player_name, team, decimal_odds, implied_probability)
       SELECT ?1, w.id, g.id, pl.id, pl.full_name,
         coalesce(
           (SELECT r.team FROM rosters r WHERE r.player_id = pl.id AND r.season = g.season
              AND r.team IN (g.home_team, g.away_team) LIMIT 1),
           pl.defense_team),
         ?4, CASE WHEN ?4 IS NULL THEN NULL ELSE 1.0 / ?4 END
       FROM games g JOIN weeks w ON w.season = g.season AND w.week = g.week JOIN players pl ON pl.id = ?3
       WHERE g.id = ?2
       RETURNING id`,
    )
    .bind(userId, game, playerId, decimalOdds);
}

export async function addPick(
  db: D1Database,
  userId: number,
  game: string,
  playerId: string,
  decimalOdds: number | null = null,
): Promise<number> {
  const row = await insertPickStatement(db, userId, game, playerId, decimalOdds).first<{ id: number }>();
  if (!row) throw new Error(`pick not inserted: user ${userId}, game ${game}, player ${playerId}`);
  return row.id;
}

export interface FirstTdFacts {
  playerId: string;
  team: string;
  kind: FirstTdKind;
  /** first_td_recorded_by (e.g. 'espn-sync', 'admin:alice'). */
  by?: string;
}

export function setFirstTdStatement(db: D1Database, game: string, facts: FirstTdFacts): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE games SET first_td_player_id = ?2, first_td_player_name = (SELECT full_name FROM players WHERE id = ?2),
         first_td_team = ?3, first_td_kind = ?4, first_td_recorded_by = ?5,
         first_td_recorded_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), no_td = 0
       WHERE id = ?1`,
    )
    .bind(game, facts.playerId, facts.team, facts.kind, facts.by ?? "test");
}

export async function setFirstTd(db: D1Database, game: string, facts: FirstTdFacts): Promise<void> {
  await setFirstTdStatement(db, game, facts).run();
}

export function clearFirstTdStatement(db: D1Database, game: string, by = "test"): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE games SET first_td_player_id = NULL, first_td_player_name = NULL, first_td_team = NULL,
         first_td_kind = NULL, first_td_recorded_by = ?2, first_td_recorded_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
       WHERE id = ?1`,
    )
    .bind(game, by);
}

export async function clearFirstTd(db: D1Database, game: string, by = "test"): Promise<void> {
  await clearFirstTdStatement(db, game, by).run();
}

/** no_td = 1 clears the scorer in the same statement (games_no_td_excludes_scorer). */
export function setNoTdStatement(db: D1Database, game: string, noTd: boolean, by = "test"): D1PreparedStatement {
  return noTd
    ? db
        .prepare(
          `UPDATE games SET no_td = 1, first_td_player_id = NULL, first_td_player_name = NULL, first_td_team = NULL,
             first_td_kind = NULL, first_td_recorded_by = ?2 WHERE id = ?1`,
        )
        .bind(game, by)
    : db.prepare("UPDATE games SET no_td = 0, first_td_recorded_by = ?2 WHERE id = ?1").bind(game, by);
}

export async function setStatus(db: D1Database, game: string, status: GameStatus): Promise<void> {
  await db.prepare("UPDATE games SET status = ? WHERE id = ?").bind(status, game).run();
}

export async function setVoided(db: D1Database, game: string, voided: boolean): Promise<void> {
  await db.prepare("UPDATE games SET is_voided = ? WHERE id = ?").bind(voided ? 1 : 0, game).run();
}

export interface ResultRow {
  outcome: PickOutcome | null;
  profit_cu: number | null;
  is_correct: number | null;
  actual_return: number | null;
  actual_scorer: string | null;
  graded_at: string | null;
}

export async function resultOf(db: D1Database, pickId: number): Promise<ResultRow | null> {
  return db
    .prepare(
      "SELECT outcome, profit_cu, is_correct, actual_return, actual_scorer, graded_at FROM results WHERE pick_id = ?",
    )
    .bind(pickId)
    .first<ResultRow>();
}

export interface Standing {
  picks: number;
  wins: number;
  losses: number;
  voids: number;
  units_cu: number;
}

export async function standingOf(db: D1Database, season: number, week: number, userId: number): Promise<Standing | null> {
  return db
    .prepare("SELECT picks, wins, losses, voids, units_cu FROM standings WHERE season = ? AND week = ? AND user_id = ?")
    .bind(season, week, userId)
    .first<Standing>();
}

export async function playerStatOf(
  db: D1Database,
  playerId: string,
  season: number,
  team: string,
): Promise<{ first_td_count: number; last_td_week: number | null; position: string | null; player_name: string } | null> {
  return db
    .prepare(
      `SELECT first_td_count, last_td_week, position, player_name FROM player_stats
       WHERE player_id = ? AND season = ? AND team = ?`,
    )
    .bind(playerId, season, team)
    .first();
}
