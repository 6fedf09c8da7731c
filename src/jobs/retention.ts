/**
 * The nightly retention job (cron "30 3 * * *"): keeps D1 from outgrowing its 10 GB (measurements and the reasons for
 * each number: docs/decisions/0013-retention.md).
 *
 * - market_odds of a game that has kicked off (judged again in the deleting statement: nothing of a game still open is
 *   touched): every snapshot that priced a pick (picks.odds_snapshot_ids) and the closing line (each source's last
 *   snapshot before kickoff per leg, and per market, which market_outcomes reads) are kept; of the rest, one snapshot
 *   per source, kind and player per grain: the hour in the last 24 hours before kickoff, 6 hours before that.
 * - sync_runs older than 90 days and quality_runs older than 180 days (their quality_results with them), the latest
 *   run of every job and the latest finished quality run always kept;
 * - game_feed_checks of settled games, auth_failures whose window ended, expired sign_in_links and webauthn_challenges,
 *   sessions expired or revoked more than 30 days ago, notifications sent, failed or skipped more than 60 days ago.
 *
 * Every delete is a range predicate with a LIMIT (a few thousand rows a statement, no id list bound), and a run stops
 * at a budget of rows and statements: what is left is counted in the run's details (`left`, status partial) and taken
 * up by the next run. The cheap sweeps run first, market_odds gets the rest of the budget, game by game in kickoff
 * order; the last game done is the run's watermark (`details.tables.market_odds.doneThrough`), where the next run
 * starts. A run with a season named (`npm run job -- retention --season 2025`, or the admin endpoint) re-examines
 * every kicked-off game of that season instead.
 */
import { GAME_SETTLED_SQL } from "../db/sql-rules";
import { nowIso } from "../lib/clock";
import { AUTH_FAILURE_WINDOW_SECONDS } from "../services/auth-throttle";
import type { MeteredD1 } from "./d1-meter";
import type { JobContext, JobOutcome } from "./job";

export const RETENTION_JOB = "retention";

const DAY_MS = 24 * 3_600_000;
/** Finished notification log rows are kept this long: well past every window of the notify job (at most 10 days). */
export const NOTIFICATIONS_KEPT_DAYS = 60;

export interface RetentionPolicy {
  /** sync_runs started before this many days ago go (the latest run of each job stays). */
  syncRunsDays: number;
  /** quality_runs started before this many days ago go, with their quality_results (the latest finished run stays). */
  qualityRunsDays: number;
  /** Sessions that expired, or were revoked, this many days ago go. */
  endedSessionsDays: number;
  /** Within this many hours before kickoff the snapshots a game keeps are one per hour; before it, one per `earlyGrainHours`. */
  hourlyWithinHours: number;
  earlyGrainHours: number;
  /** Rows one statement deletes at most. */
  rowsPerStatement: number;
  /** Rows one run deletes at most; the rest is left to the next run. */
  maxRowsPerRun: number;
  /** Statements one run makes at most (D1 allows 1,000 queries per Worker invocation on Workers Paid). */
  maxStatementsPerRun: number;
}

export const RETENTION_POLICY: RetentionPolicy = {
  syncRunsDays: 90,
  qualityRunsDays: 180,
  endedSessionsDays: 30,
  hourlyWithinHours: 24,
  earlyGrainHours: 6,
  rowsPerStatement: 5_000,
  maxRowsPerRun: 500_000,
  maxStatementsPerRun: 600,
};

/** What a run may still spend. */
class Budget {
  rows: number;
  statements: number;
  constructor(readonly policy: RetentionPolicy) {
    this.rows = policy.maxRowsPerRun;
    this.statements = policy.maxStatementsPerRun;
  }
  /** Rows the next delete may take (0: the run is out of budget). */
  nextChunk(): number {
    return this.statements > 0 ? Math.min(this.policy.rowsPerStatement, this.rows) : 0;
  }
  get exhausted(): boolean {
    return this.nextChunk() <= 0;
  }
}

/** Runs one statement, counted against the budget; returns the rows it changed (deleted). */
async function changes(db: MeteredD1, budget: Budget, statement: D1PreparedStatement): Promise<number> {
  budget.statements--;
  const [result] = await db.batch([statement]);
  const changed = result?.meta.changes ?? 0;
  budget.rows -= changed;
  return changed;
}

async function count(db: MeteredD1, budget: Budget, statement: D1PreparedStatement): Promise<number> {
  budget.statements--;
  return (await db.first<{ n: number }>(statement))?.n ?? 0;
}

export interface TableReport {
  removed: number;
  /** Rows kept: every row a swept table holds after the run; of market_odds, the rows of the games the run went through. */
  kept: number;
  /** Rows that the rule would remove and this run did not reach (budget). */
  left: number;
}

// ---------------------------------------------------------------------------------------------
// Sweeps: rows whose time is over, each table by one rule.
// ---------------------------------------------------------------------------------------------

interface Sweep {
  table: string;
  /** Rows that may go: a predicate over the table's own columns, bound to `params`. */
  where: string;
  params: (now: Date, policy: RetentionPolicy) => unknown[];
}

/**
 * The tables whose rows end by time or state. Used sign-in links stay until they expire (24 hours after issue, so
 * that a second use is told "used already"); sessions stay a month after they ended, for a person looking into an
 * incident (which session, from which browser, ended when).
 */
const SWEEPS: Sweep[] = [
  {
    table: "game_feed_checks",
    // The live sync leaves the row of a game someone else settled (an admin, the schedule sync canceling it).
    where: `EXISTS (SELECT 1 FROM games g WHERE g.id = game_feed_checks.game_id AND ${GAME_SETTLED_SQL})`,
    params: () => [],
  },
  {
    table: "auth_failures",
    where: "window_started_at < ?1",
    params: (now) => [nowIso(new Date(now.getTime() - AUTH_FAILURE_WINDOW_SECONDS * 1000))],
  },
  { table: "sign_in_links", where: "expires_at <= ?1", params: (now) => [nowIso(now)] },
  { table: "webauthn_challenges", where: "expires_at <= ?1", params: (now) => [nowIso(now)] },
  {
    table: "sessions",
    where: "(expires_at <= ?1 OR revoked_at <= ?1)",
    params: (now, policy) => [nowIso(new Date(now.getTime() - policy.endedSessionsDays * DAY_MS))],
  },
  {
    // The notification log's finished rows, once no notify window reaches back to them (the longest: corrections of
    // games kicked off in the last 10 days, src/jobs/notify.ts), so a deleted row can never let a message out twice.
    table: "notifications",
    where: "status IN ('sent', 'failed', 'skipped') AND created_at < ?1",
    params: (now) => [nowIso(new Date(now.getTime() - NOTIFICATIONS_KEPT_DAYS * DAY_MS))],
  },
];

/** Deletes the rows of `table` that `where` names, a chunk a statement, while the budget lasts. */
async function deleteWhere(db: MeteredD1, budget: Budget, table: string, where: string, params: unknown[]): Promise<{ removed: number; done: boolean }> {
  let removed = 0;
  for (;;) {
    const chunk = budget.nextChunk();
    if (chunk <= 0) return { removed, done: false };
    const limit = `?${params.length + 1}`;
    const removedNow = await changes(
      db,
      budget,
      db.prepare(`DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${where} LIMIT ${limit})`).bind(...params, chunk),
    );
    removed += removedNow;
    if (removedNow < chunk) return { removed, done: true };
  }
}

async function sweep(db: MeteredD1, budget: Budget, rule: Sweep, now: Date): Promise<TableReport> {
  const params = rule.params(now, budget.policy);
  const { removed, done } = await deleteWhere(db, budget, rule.table, rule.where, params);
  const left = done ? 0 : await count(db, budget, db.prepare(`SELECT count(*) AS n FROM ${rule.table} WHERE ${rule.where}`).bind(...params));
  const kept = await count(db, budget, db.prepare(`SELECT count(*) AS n FROM ${rule.table}`));
  return { removed, kept, left };
}

/**
 * sync_runs job by job, so that each delete is a range of the (job, started_at) index; the latest run of every job
 * stays whatever its age (the status page shows it). The job names are read by skipping through that index (one
 * probe per name) rather than by scanning it.
 */
async function sweepSyncRuns(db: MeteredD1, budget: Budget, now: Date): Promise<TableReport> {
  const cutoff = nowIso(new Date(now.getTime() - budget.policy.syncRunsDays * DAY_MS));
  budget.statements--;
  const jobs = await db.all<{ job: string }>(
    db.prepare(
      `WITH RECURSIVE names(job) AS (
         SELECT min(job) FROM sync_runs
         UNION ALL SELECT (SELECT min(s.job) FROM sync_runs s WHERE s.job > names.job) FROM names WHERE names.job IS NOT NULL)
       SELECT job FROM names WHERE job IS NOT NULL`,
    ),
  );
  const old = `job = ?1 AND started_at < ?2 AND started_at < (SELECT max(l.started_at) FROM sync_runs l WHERE l.job = ?1)`;
  let removed = 0;
  let left = 0;
  for (const { job } of jobs) {
    const result = await deleteWhere(db, budget, "sync_runs", old, [job, cutoff]);
    removed += result.removed;
    if (!result.done) left += await count(db, budget, db.prepare(`SELECT count(*) AS n FROM sync_runs WHERE ${old}`).bind(job, cutoff));
  }
  const kept = await count(db, budget, db.prepare("SELECT count(*) AS n FROM sync_runs"));
  return { removed, kept, left };
}

/**
 * quality_runs older than the policy's days, oldest first, a few dozen runs a batch: their quality_results are deleted
 * in the same batch first (the foreign key would cascade; deleting them by name counts them). The latest finished run
 * stays whatever its age: it is "the latest report".
 */
async function sweepQuality(db: MeteredD1, budget: Budget, now: Date): Promise<{ quality_runs: TableReport; quality_results: TableReport }> {
  const cutoff = nowIso(new Date(now.getTime() - budget.policy.qualityRunsDays * DAY_MS));
  const old = `started_at < ?1 AND id < (SELECT max(l.id) FROM quality_runs l WHERE l.status <> 'running')`;
  // A run has about one result per check (some 60): this many runs keep a batch near the statement size.
  const runsPerBatch = Math.max(1, Math.floor(budget.policy.rowsPerStatement / 100));
  let runsRemoved = 0;
  let resultsRemoved = 0;
  let done = false;
  while (!budget.exhausted && budget.statements >= 2) {
    const chunk = `SELECT id FROM quality_runs WHERE ${old} ORDER BY started_at LIMIT ?2`;
    budget.statements -= 2;
    const [results, runs] = await db.batch([
      db.prepare(`DELETE FROM quality_results WHERE run_id IN (${chunk})`).bind(cutoff, runsPerBatch),
      db.prepare(`DELETE FROM quality_runs WHERE id IN (${chunk})`).bind(cutoff, runsPerBatch),
    ]);
    const runsNow = runs?.meta.changes ?? 0;
    const resultsNow = results?.meta.changes ?? 0;
    budget.rows -= runsNow + resultsNow;
    runsRemoved += runsNow;
    resultsRemoved += resultsNow;
    if (runsNow < runsPerBatch) {
      done = true;
      break;
    }
  }
  const runsLeft = done ? 0 : await count(db, budget, db.prepare(`SELECT count(*) AS n FROM quality_runs WHERE ${old}`).bind(cutoff));
  const resultsLeft = done
    ? 0
    : await count(db, budget, db.prepare(`SELECT count(*) AS n FROM quality_results WHERE run_id IN (SELECT id FROM quality_runs WHERE ${old})`).bind(cutoff));
  const [kept] = await db.batch<{ runs: number; results: number }>([
    db.prepare("SELECT (SELECT count(*) FROM quality_runs) AS runs, (SELECT count(*) FROM quality_results) AS results"),
  ]);
  budget.statements--;
  const totals = kept?.results[0] ?? { runs: 0, results: 0 };
  return {
    quality_runs: { removed: runsRemoved, kept: totals.runs, left: runsLeft },
    quality_results: { removed: resultsRemoved, kept: totals.results, left: resultsLeft },
  };
}

// ---------------------------------------------------------------------------------------------
// market_odds: downsampled after kickoff.
// ---------------------------------------------------------------------------------------------

/**
 * The ids of the snapshots that priced a pick of game ?1 (a pick's snapshots are of its own game). A value that is not
 * JSON names none, rather than failing the run.
 */
const PRICED_IDS_SQL = `SELECT j.value FROM picks p,
    json_each(CASE WHEN json_valid(p.odds_snapshot_ids) THEN p.odds_snapshot_ids ELSE '[]' END) j
  WHERE p.game_id = ?1 AND p.odds_snapshot_ids IS NOT NULL`;

/**
 * Game ?1's snapshots, each with its rank in its grain (1: the latest of its source, kind, player and grain, the one
 * kept) and the closing snapshot times it is compared with: its leg's (source, kind, player) last before kickoff, and
 * its market's (source, market_id) last before kickoff (what market_outcomes records as the market's last word).
 * ?2: now; a game whose kickoff is later than now yields no row, whatever the caller believed.
 */
function snapshotsOfGameSql(policy: RetentionPolicy): string {
  const early = Math.max(1, Math.floor(policy.earlyGrainHours));
  const grain = `CASE WHEN m.snapshot_time >= strftime('%Y-%m-%dT%H:%M:%SZ', g.kickoff_at, '-${Math.floor(policy.hourlyWithinHours)} hours')
      THEN substr(m.snapshot_time, 1, 13)
      ELSE substr(m.snapshot_time, 1, 11) || (CAST(substr(m.snapshot_time, 12, 2) AS INTEGER) / ${early}) END`;
  const closing = (partition: string) =>
    `max(CASE WHEN m.snapshot_time < g.kickoff_at THEN m.snapshot_time END) OVER (PARTITION BY ${partition})`;
  return `SELECT m.id, m.snapshot_time,
      row_number() OVER (PARTITION BY m.source, m.kind, m.player_name, ${grain} ORDER BY m.snapshot_time DESC, m.id DESC) AS rank_in_grain,
      ${closing("m.source, m.kind, m.player_name")} AS closing_of_leg,
      CASE WHEN m.market_id IS NULL THEN NULL ELSE ${closing("m.source, m.market_id")} END AS closing_of_market
    FROM market_odds m JOIN games g ON g.id = m.game_id
    WHERE m.game_id = ?1 AND g.kickoff_at <= ?2`;
}

const IS_CLOSING = `(snapshot_time IS closing_of_leg OR snapshot_time IS closing_of_market)`;

function pruneGameStatement(db: MeteredD1, policy: RetentionPolicy, gameId: string, now: string, limit: number): D1PreparedStatement {
  return db
    .prepare(
      `DELETE FROM market_odds WHERE id IN (
         SELECT id FROM (${snapshotsOfGameSql(policy)})
         WHERE rank_in_grain > 1 AND NOT ${IS_CLOSING} AND id NOT IN (${PRICED_IDS_SQL})
         LIMIT ?3)`,
    )
    .bind(gameId, now, limit);
}

function keptOfGameStatement(db: MeteredD1, policy: RetentionPolicy, gameId: string, now: string): D1PreparedStatement {
  return db
    .prepare(
      `SELECT count(*) AS kept, coalesce(sum(id IN (${PRICED_IDS_SQL})), 0) AS priced, coalesce(sum(${IS_CLOSING}), 0) AS closing
       FROM (${snapshotsOfGameSql(policy)})`,
    )
    .bind(gameId, now);
}

/** The last game whose snapshots a run finished with: games up to it (in kickoff order) are done. */
export interface Watermark {
  kickoffAt: string;
  gameId: string;
}

export interface MarketOddsReport extends TableReport {
  /** Of the rows kept in the games this run went through: the snapshots that priced a pick, the closing lines. */
  keptPriced: number;
  keptClosing: number;
  games: number;
  gamesLeft: number;
  doneThrough: Watermark | null;
}

/** Where the last run that finished stopped (carried from run to run in its details). */
async function lastWatermark(db: MeteredD1, budget: Budget): Promise<Watermark | null> {
  budget.statements--;
  const row = await db.first<{ details: string | null }>(
    db.prepare(
      `SELECT details FROM sync_runs WHERE job = ?1 AND status IN ('ok', 'partial') AND details IS NOT NULL
       ORDER BY started_at DESC, id DESC LIMIT 1`,
    ).bind(RETENTION_JOB),
  );
  if (!row?.details) return null;
  const mark = (JSON.parse(row.details) as { tables?: { market_odds?: { doneThrough?: Watermark | null } } }).tables?.market_odds?.doneThrough;
  return mark && typeof mark.kickoffAt === "string" && typeof mark.gameId === "string" ? mark : null;
}

async function downsampleMarketOdds(
  db: MeteredD1,
  budget: Budget,
  now: Date,
  scope: { season: number } | null,
  progress: (message: string) => void,
): Promise<MarketOddsReport> {
  const at = nowIso(now);
  const previous = await lastWatermark(db, budget);
  // A season named: every kicked-off game of it; otherwise the games after the watermark. Games without a snapshot are
  // not visited (nothing to do), so a run over seasons without markets costs one query.
  const from = scope ? null : previous;
  budget.statements--;
  const games = await db.all<{ id: string; kickoffAt: string }>(
    db
      .prepare(
        `SELECT g.id, g.kickoff_at AS kickoffAt FROM games g
         WHERE g.kickoff_at <= ?1 AND (?2 IS NULL OR g.season = ?2)
           AND (?3 IS NULL OR g.kickoff_at > ?3 OR (g.kickoff_at = ?3 AND g.id > ?4))
           AND EXISTS (SELECT 1 FROM market_odds m WHERE m.game_id = g.id)
         ORDER BY g.kickoff_at, g.id`,
      )
      .bind(at, scope?.season ?? null, from?.kickoffAt ?? null, from?.gameId ?? ""),
  );

  const report: MarketOddsReport = { removed: 0, kept: 0, left: 0, keptPriced: 0, keptClosing: 0, games: 0, gamesLeft: 0, doneThrough: previous };
  for (const [index, game] of games.entries()) {
    let finished = false;
    while (!budget.exhausted) {
      const chunk = budget.nextChunk();
      const removed = await changes(db, budget, pruneGameStatement(db, budget.policy, game.id, at, chunk));
      report.removed += removed;
      if (removed < chunk) {
        finished = true;
        break;
      }
    }
    if (!finished || budget.statements < 1) {
      report.gamesLeft = games.length - index;
      break;
    }
    const kept = await db.first<{ kept: number; priced: number; closing: number }>(keptOfGameStatement(db, budget.policy, game.id, at));
    budget.statements--;
    report.kept += kept?.kept ?? 0;
    report.keptPriced += kept?.priced ?? 0;
    report.keptClosing += kept?.closing ?? 0;
    report.games++;
    // A rescan of one season leaves the watermark where the nightly runs had it.
    if (!scope) report.doneThrough = { kickoffAt: game.kickoffAt, gameId: game.id };
  }
  report.left = report.gamesLeft;
  progress(`retention: market_odds of ${report.games} games downsampled, ${report.removed} rows removed, ${report.gamesLeft} games left`);
  return report;
}

// ---------------------------------------------------------------------------------------------
// The job
// ---------------------------------------------------------------------------------------------

/** The job of src/jobs/registry.ts. `policy`: tests shrink the budgets. */
export async function retention(ctx: JobContext, policy: RetentionPolicy = RETENTION_POLICY): Promise<JobOutcome> {
  const budget = new Budget(policy);
  const tables: Record<string, TableReport | MarketOddsReport> = {};
  // The small sweeps first: market_odds, the big one, takes what the budget has left.
  for (const rule of SWEEPS) tables[rule.table] = await sweep(ctx.db, budget, rule, ctx.now);
  tables.sync_runs = await sweepSyncRuns(ctx.db, budget, ctx.now);
  Object.assign(tables, await sweepQuality(ctx.db, budget, ctx.now));
  const marketOdds = await downsampleMarketOdds(ctx.db, budget, ctx.now, ctx.scopeRequested ? { season: ctx.season } : null, ctx.progress);
  tables.market_odds = marketOdds;

  const all = Object.values(tables);
  const removed = all.reduce((sum, t) => sum + t.removed, 0);
  const kept = all.reduce((sum, t) => sum + t.kept, 0);
  const left = all.reduce((sum, t) => sum + t.left, 0);
  ctx.progress(`retention: ${removed} rows removed, ${left} left for the next run`);
  return {
    // Rows looked at: those removed, and those kept (every row of the swept tables, the processed games' snapshots).
    read: removed + kept,
    inserted: 0,
    updated: 0,
    unchanged: kept,
    rejected: 0,
    left,
    details: {
      removed,
      tables,
      scope: ctx.scopeRequested ? { season: ctx.season } : "after the watermark",
      budget: { maxRows: policy.maxRowsPerRun, rowsUsed: policy.maxRowsPerRun - budget.rows, maxStatements: policy.maxStatementsPerRun },
    },
  };
}
