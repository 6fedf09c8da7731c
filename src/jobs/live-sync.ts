import type { FirstTdKind, GameStatus } from "../domain/grading";
import { easternDateOf } from "../domain/eastern-time";
import { FEED_RECORDER, GAME_SETTLED_SQL, PERSON_OWNS_FACTS_SQL } from "../db/sql-rules";
import type { FEED_PROBLEMS } from "../db/schema";
import { nowIso } from "../lib/clock";
import { CLEARED_FACTS, firstTdFactsStatement, type GameFactColumns } from "../services/game-facts";
import { playersNamedStatement } from "../services/player-names";
import { EspnClient } from "../sources/espn/client";
import { EspnFormatError } from "../sources/espn/format-error";
import type { ScoreboardEvent } from "../sources/espn/scoreboard";
import { findFirstTouchdown, resolveScorerFromBoxscore, type GameSummary, type ScoringPlay } from "../sources/espn/summary";
import { UpstreamError, type Fetcher } from "../sources/http";
import type { MeteredD1 } from "./d1-meter";
import { firstFew, upstreamOptions, type JobContext, type JobOutcome } from "./job";
import { currentSeason } from "./season";

/** Who the live sync records facts as; facts recorded by anyone else (a person) are never overwritten. */
export const LIVE_SYNC_RECORDER = FEED_RECORDER;
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
/** The live window: a game is watched every run from shortly before kickoff ... */
const WATCH_BEFORE_KICKOFF_MS = 15 * MINUTE_MS;
/** ... until this long after it (then the catch-up, below, keeps after a game that is still not settled). */
const LIVE_WINDOW_AFTER_KICKOFF_MS = 36 * HOUR_MS;
/** A game settled by the feed is read again for this long after its facts were recorded, to catch stat corrections. */
const CORRECTION_WINDOW_MS = 6 * HOUR_MS;
/** The catch-up retries a game that could not be settled after 5, 10, 20, 40 minutes, then every hour. */
const RETRY_FIRST_MS = 5 * MINUTE_MS;
const RETRY_MAX_MS = HOUR_MS;
/**
 * Upstream requests one run may make, every attempt counted (retries too). Workers Free allows 50 subrequests per
 * invocation (Paid: 10,000); 40 leaves room below the smaller limit. A week (16 summaries, a core play per new first
 * TD, a few scoreboards) fits in one run; a season takes several, each continuing where the last stopped. Raise it
 * with the LIVE_SYNC_MAX_REQUESTS var on the Paid plan.
 */
export const DEFAULT_MAX_REQUESTS = 40;

type FeedProblem = (typeof FEED_PROBLEMS)[number];

/** A game the run looks at, with the live sync's last look at it (game_feed_checks), if any. */
interface TargetGame {
  id: string;
  season: number;
  kickoffAt: string;
  homeTeam: string;
  awayTeam: string;
  homeScore: number | null;
  awayScore: number | null;
  status: GameStatus;
  espnEventId: string | null;
  firstTdPlayerId: string | null;
  firstTdPlayerName: string | null;
  firstTdTeam: string | null;
  firstTdKind: string | null;
  firstTdPlayText: string | null;
  noTd: number;
  personOwnsFacts: number;
  /** Needs nothing more from the feed (GAME_SETTLED_SQL); a week's backfill reads such games again only to verify. */
  settled: number;
  inLiveWindow: number;
  checkedAt: string | null;
  problem: FeedProblem | null;
  attempts: number;
}

const TARGET_COLUMNS = `g.id, g.season, g.kickoff_at AS kickoffAt, g.home_team AS homeTeam, g.away_team AS awayTeam,
  g.home_score AS homeScore, g.away_score AS awayScore, g.status, g.espn_event_id AS espnEventId,
  g.first_td_player_id AS firstTdPlayerId, g.first_td_player_name AS firstTdPlayerName, g.first_td_team AS firstTdTeam,
  g.first_td_kind AS firstTdKind, g.first_td_play_text AS firstTdPlayText, g.no_td AS noTd,
  ${PERSON_OWNS_FACTS_SQL} AS personOwnsFacts, ${GAME_SETTLED_SQL} AS settled, c.checked_at AS checkedAt, c.problem, coalesce(c.attempts, 0) AS attempts`;

/**
 * Without a season (the cron): the games of the live window (not settled yet, or settled by the feed within the
 * correction window), then the catch-up: every game of the current season past kickoff that is still not settled and
 * due for another look, the ones never looked at (or looked at longest ago) first. Usually none, and then the run costs
 * this one query. No index leads with kickoff_at, so the seasons bound it through games_schedule_idx.
 */
function liveTargets(db: MeteredD1, now: Date, seasonOverride: string | undefined) {
  const from = new Date(now.getTime() - LIVE_WINDOW_AFTER_KICKOFF_MS);
  const to = new Date(now.getTime() + WATCH_BEFORE_KICKOFF_MS);
  const window = `g.kickoff_at BETWEEN ?1 AND ?2`;
  return db.all<TargetGame>(
    db
      .prepare(
        `SELECT ${TARGET_COLUMNS}, (${window}) AS inLiveWindow
         FROM games g LEFT JOIN game_feed_checks c ON c.game_id = g.id
         WHERE g.season IN (?5, ?6, ?7) AND g.is_placeholder = 0 AND g.status <> 'canceled' AND (
           (${window} AND (NOT ${GAME_SETTLED_SQL} OR (g.first_td_recorded_by = ?3 AND g.first_td_recorded_at > ?4)))
           OR (g.season = ?7 AND g.kickoff_at <= ?8 AND NOT ${GAME_SETTLED_SQL} AND (c.next_check_at IS NULL OR c.next_check_at <= ?8)))
         ORDER BY inLiveWindow DESC, CASE WHEN inLiveWindow THEN g.kickoff_at END, c.checked_at IS NOT NULL, c.checked_at, g.kickoff_at, g.id`,
      )
      .bind(
        nowIso(from),
        nowIso(to),
        LIVE_SYNC_RECORDER,
        nowIso(new Date(now.getTime() - CORRECTION_WINDOW_MS)),
        currentSeason(from, seasonOverride),
        currentSeason(to, seasonOverride),
        currentSeason(now, seasonOverride),
        nowIso(now),
      ),
  );
}

/**
 * With a season (a backfill): the season's games past kickoff that are not settled, never-looked-at ones first,
 * oldest first; with a week too, every game of that week past kickoff, settled or not (a second run over the same
 * feed then writes nothing), the unsettled ones first: a settled game keeps no game_feed_checks row, so without that
 * a week larger than one run's budget would start again with the games the last run had just settled.
 */
function backfillTargets(db: MeteredD1, now: Date, season: number, week: number | null) {
  return db.all<TargetGame>(
    db
      .prepare(
        `SELECT ${TARGET_COLUMNS}, 0 AS inLiveWindow
         FROM games g LEFT JOIN game_feed_checks c ON c.game_id = g.id
         WHERE g.season = ?1 AND (?2 IS NULL OR g.week = ?2) AND g.is_placeholder = 0 AND g.status <> 'canceled'
           AND g.kickoff_at <= ?3 AND (?2 IS NOT NULL OR NOT ${GAME_SETTLED_SQL})
         ORDER BY ${GAME_SETTLED_SQL}, c.checked_at IS NOT NULL, c.checked_at, g.kickoff_at, g.id`,
      )
      .bind(season, week, nowIso(now)),
  );
}

/** Upstream requests of this run, counted as they are made; a call starts only while it can finish in the budget. */
class RequestBudget {
  used = 0;

  constructor(
    readonly limit: number,
    private readonly attemptsPerCall: number,
  ) {}

  get canCall(): boolean {
    return this.limit - this.used >= this.attemptsPerCall;
  }

  counting(fetcher: Fetcher): Fetcher {
    return (input, init) => {
      this.used++;
      return fetcher(input, init);
    };
  }
}

function requestLimit(setting: string | undefined): number {
  const parsed = Number(setting);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : DEFAULT_MAX_REQUESTS;
}

interface FeedScore {
  status: GameStatus;
  homeTeam: string | null;
  awayTeam: string | null;
  homeScore: number | null;
  awayScore: number | null;
}

/**
 * The feed's scores as this game's home and away score, matched by team (ESPN may list a neutral-site game's teams
 * the other way round from the schedule); null when the feed's event is not between this game's two teams (an ESPN
 * id in the schedule that belongs to another game must not give this game another game's score or first TD).
 */
function scoresOf(game: TargetGame, feed: FeedScore): { homeScore: number | null; awayScore: number | null } | null {
  if (feed.homeTeam === game.homeTeam && feed.awayTeam === game.awayTeam) return { homeScore: feed.homeScore, awayScore: feed.awayScore };
  if (feed.homeTeam === game.awayTeam && feed.awayTeam === game.homeTeam) return { homeScore: feed.awayScore, awayScore: feed.homeScore };
  return null;
}

/** The game's scoreboard event: by its ESPN id, else by its teams and Eastern date; only an event of its two teams. */
function matchEvent(game: TargetGame, events: ScoreboardEvent[]): ScoreboardEvent | undefined {
  const between = events.filter((e) => scoresOf(game, e) !== null);
  return (
    between.find((e) => game.espnEventId !== null && e.espnEventId === game.espnEventId) ??
    between.find((e) => easternDateOf(e.kickoffAt) === easternDateOf(game.kickoffAt))
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The error with its class, for a run's error message: 'UpstreamError: Upstream answered 503 (...)'. */
function describeWithKind(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** What a failed summary request means for the game: ESPN has no such game (yet), or it could not be asked. */
function summaryProblem(error: unknown): { problem: FeedProblem; detail: string } {
  if (error instanceof UpstreamError && error.problem === "http_status" && error.status === 404) {
    return { problem: "feed_missing", detail: `ESPN has no summary: ${describe(error)}` };
  }
  if (error instanceof EspnFormatError) return { problem: "feed_missing", detail: `the summary is unreadable: ${describe(error)}` };
  return { problem: "upstream_error", detail: `summary: ${describe(error)}` };
}

interface Boards {
  events: ScoreboardEvent[];
  /** Eastern dates whose scoreboard was read, and those that could not be. */
  read: Set<string>;
  failed: Map<string, string>;
  rejected: unknown[];
}

interface Scorer {
  playerId: string | null;
  playerName: string | null;
  via: "recorded" | "core_play" | "boxscore" | "roster_name" | "unresolved";
}

interface Reading {
  game: TargetGame;
  status: GameStatus;
  homeScore: number | null;
  awayScore: number | null;
  espnEventId: string | null;
  /** The feed's first-TD facts; "pending" when it has no TD yet; null when it tells nothing (not read, or unusable). */
  facts: GameFactColumns | "pending" | null;
  scorer: Scorer | null;
  problem: { problem: FeedProblem; detail: string } | null;
}

/**
 * The game's status and scores after the feed's event (one of its two teams' events: see scoresOf). Scores are taken
 * only from a game under way or over; a stale feed never moves a final game back.
 */
function statusAndScores(game: TargetGame, feed: FeedScore) {
  const scores = scoresOf(game, feed);
  if (scores === null || (game.status === "final" && (feed.status === "scheduled" || feed.status === "in_progress"))) {
    return { status: game.status, homeScore: game.homeScore, awayScore: game.awayScore };
  }
  const scored = feed.status === "in_progress" || feed.status === "final";
  return {
    status: feed.status,
    homeScore: scored && scores.homeScore !== null ? scores.homeScore : game.homeScore,
    awayScore: scored && scores.awayScore !== null ? scores.awayScore : game.awayScore,
  };
}

class LiveSyncRun {
  private readonly espn: EspnClient;
  readonly budget: RequestBudget;
  /** Answers of ESPN the run could use, and the calls that failed (an outage fails the run: see liveSync). */
  answered = 0;
  readonly failures: string[] = [];

  constructor(private readonly ctx: JobContext) {
    const options = upstreamOptions(ctx);
    this.budget = new RequestBudget(requestLimit(ctx.env.LIVE_SYNC_MAX_REQUESTS), options.attempts ?? 3);
    this.espn = new EspnClient(
      ctx.env.ESPN_SITE_API_URL || "https://site.api.espn.com",
      ctx.env.ESPN_CORE_API_URL || "https://sports.core.api.espn.com",
      { ...options, fetcher: this.budget.counting(options.fetcher ?? fetch) },
    );
  }

  /**
   * The scoreboards of the days that need one: games without an ESPN id (found by teams and date), and games of the
   * live window that have not begun (one scoreboard tells whether any of that day's games has).
   */
  async scoreboards(games: TargetGame[]): Promise<Boards> {
    const needsBoard = games.filter((g) => g.espnEventId === null || (g.inLiveWindow && (g.status === "scheduled" || g.status === "postponed")));
    const dates = [...new Set(needsBoard.map((g) => easternDateOf(g.kickoffAt)).filter((d): d is string => d !== null))];
    const boards: Boards = { events: [], read: new Set(), failed: new Map(), rejected: [] };
    for (const date of dates) {
      if (!this.budget.canCall) break;
      try {
        const board = await this.espn.scoreboard(date);
        boards.events.push(...board.events);
        boards.rejected.push(...board.rejected);
        boards.read.add(date);
        this.answered++;
      } catch (error) {
        boards.failed.set(date, `scoreboard ${date}: ${describe(error)}`);
        this.failures.push(`scoreboard ${date}: ${describeWithKind(error)}`);
      }
    }
    return boards;
  }

  /** Reads one game from the feed, or returns null when the run's budget cannot cover it. */
  async read(game: TargetGame, boards: Boards): Promise<Reading | null> {
    const date = easternDateOf(game.kickoffAt) ?? "";
    const event = matchEvent(game, boards.events);
    const espnEventId = event?.espnEventId ?? game.espnEventId;
    // What the scoreboard says, when the run read the game's day: the status before kickoff, and the status and score
    // to go by when the summary cannot be had.
    const base = {
      game,
      ...(event ? statusAndScores(game, event) : { status: game.status, homeScore: game.homeScore, awayScore: game.awayScore }),
      espnEventId,
      facts: null,
      scorer: null,
    };
    const pastKickoff = Date.parse(game.kickoffAt) <= this.ctx.now.getTime();
    // Before kickoff the scoreboard alone tells whether the game has begun; no summary is asked for.
    if (!pastKickoff) return { ...base, problem: null };
    if (espnEventId === null) {
      const boardFailure = boards.failed.get(date);
      if (boardFailure) return { ...base, problem: { problem: "upstream_error", detail: boardFailure } };
      if (!boards.read.has(date)) return null;
      return { ...base, problem: { problem: "not_on_scoreboard", detail: `no ESPN event id, and no event of these teams on the scoreboard of ${date}` } };
    }
    if (!this.budget.canCall) return null;
    let summary: GameSummary;
    try {
      summary = await this.espn.summary(espnEventId);
      this.answered++;
    } catch (error) {
      const problem = summaryProblem(error);
      // ESPN answering "no such game" is an answer: it is the game's problem, not an outage.
      if (problem.problem === "feed_missing") this.answered++;
      else this.failures.push(`${game.id}: summary: ${describeWithKind(error)}`);
      return { ...base, problem };
    }
    if (scoresOf(game, summary) === null) {
      const teams = `${summary.awayTeam ?? "unknown"} at ${summary.homeTeam ?? "unknown"}`;
      return { ...base, problem: { problem: "summary_inconsistent", detail: `the summary of ESPN event ${espnEventId} is ${teams}, not this game` } };
    }
    const reading: Reading = { ...base, ...statusAndScores(game, summary), problem: null };
    const first = findFirstTouchdown(summary);
    switch (first.outcome) {
      case "inconsistent":
        return { ...reading, problem: { problem: "summary_inconsistent", detail: first.reason } };
      case "no_touchdown":
        return { ...reading, facts: { ...CLEARED_FACTS, noTd: 1 } };
      case "not_yet":
        return { ...reading, facts: "pending" };
      case "touchdown": {
        const scorer = await this.resolveScorer(game, summary, espnEventId, first.play, first.scorerName, first.team);
        const facts: GameFactColumns = {
          firstTdPlayerId: scorer.playerId,
          firstTdPlayerName: scorer.playerName,
          firstTdTeam: first.team,
          firstTdKind: first.kind as FirstTdKind,
          firstTdPlayText: first.play.text,
          noTd: 0,
        };
        const problem =
          scorer.playerId === null
            ? { problem: "scorer_unresolved" as const, detail: `'${first.scorerName ?? first.play.text}' (${first.team ?? "no team"}) matches no player of the team's roster` }
            : null;
        return { ...reading, facts, scorer, problem };
      }
    }
  }

  /**
   * The scorer as one of our players: the one the feed already recorded for this very play (a person's facts say what
   * the person thinks, not what the feed says); else by the ESPN athlete id of the core API play, else by the box score
   * name among his team's players, else by his name (or an alias of it, nflverse's list) among his team's roster, and
   * only when unique. An id is taken only for a player on the scoring team's roster that season (nflverse has swapped
   * two players' ESPN ids before); without a scoring team nothing can be checked.
   */
  private async resolveScorer(
    game: TargetGame,
    summary: GameSummary,
    espnEventId: string,
    play: ScoringPlay,
    scorerName: string | null,
    team: string | null,
  ): Promise<Scorer> {
    const unresolved: Scorer = { playerId: null, playerName: scorerName, via: "unresolved" };
    if (team === null) return unresolved;
    if (game.personOwnsFacts === 0 && game.firstTdPlayerId !== null && game.firstTdPlayText === play.text && game.firstTdTeam === team) {
      return { playerId: game.firstTdPlayerId, playerName: game.firstTdPlayerName, via: "recorded" };
    }
    const db = this.ctx.db;
    const byEspnId = async (espnId: string) =>
      db.first<{ id: string; fullName: string }>(
        db
          .prepare(
            `SELECT p.id, p.full_name AS fullName FROM players p
             WHERE p.espn_id = ? AND EXISTS (SELECT 1 FROM rosters r WHERE r.player_id = p.id AND r.season = ? AND r.team = ?)`,
          )
          .bind(espnId, game.season, team),
      );
    if (this.budget.canCall) {
      const corePlayId = (await this.espn.play(espnEventId, play.id).catch(() => null))?.scorerEspnId ?? null;
      const player = corePlayId ? await byEspnId(corePlayId) : null;
      if (player) return { playerId: player.id, playerName: player.fullName, via: "core_play" };
    }
    const boxscoreId = scorerName ? resolveScorerFromBoxscore(scorerName, team, summary.players) : null;
    const player = boxscoreId ? await byEspnId(boxscoreId) : null;
    if (player) return { playerId: player.id, playerName: player.fullName, via: "boxscore" };
    if (scorerName) {
      const matches = await db.all<{ id: string; fullName: string }>(
        playersNamedStatement(db, { name: scorerName, season: game.season, team }),
      );
      if (matches.length === 1) return { playerId: matches[0]!.id, playerName: matches[0]!.fullName, via: "roster_name" };
    }
    return unresolved;
  }
}

function sameFacts(game: TargetGame, facts: GameFactColumns): boolean {
  return (
    game.firstTdPlayerId === facts.firstTdPlayerId &&
    game.firstTdPlayerName === facts.firstTdPlayerName &&
    game.firstTdTeam === facts.firstTdTeam &&
    game.firstTdKind === facts.firstTdKind &&
    game.noTd === facts.noTd
  );
}

/** A game is settled when canceled, or final and scored with its first TD known (or none, or a person's facts). */
function isSettled(reading: Reading, facts: Pick<GameFactColumns, "firstTdPlayerId" | "noTd">): boolean {
  if (reading.status === "canceled") return true;
  if (reading.status !== "final" || reading.homeScore === null || reading.awayScore === null) return false;
  return reading.game.personOwnsFacts === 1 || facts.noTd === 1 || facts.firstTdPlayerId !== null;
}

function retryDelayMs(attempts: number): number {
  return Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** Math.max(0, attempts - 1));
}

/**
 * Every few minutes: ESPN's feed -> status, scores and first-TD facts (which grade the game through the triggers), for
 * the games of the live window and, with the requests left, the catch-up of every game of the season past kickoff that
 * is not settled yet. Given a season (and a week), a backfill of those games whatever the clock says. A scorer who
 * cannot be identified is recorded by name as unresolved, never guessed. Facts a person recorded are never overwritten;
 * the game's status and scores still follow the feed.
 */
export async function liveSync(ctx: JobContext): Promise<JobOutcome> {
  const mode = ctx.scopeRequested ? "backfill" : "live";
  const targets =
    mode === "live" ? await liveTargets(ctx.db, ctx.now, ctx.env.SEASON) : await backfillTargets(ctx.db, ctx.now, ctx.season, ctx.week);
  if (targets.length === 0) {
    return { read: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0, details: { mode, games: 0 } };
  }
  const run = new LiveSyncRun(ctx);
  const boards = await run.scoreboards(targets);
  ctx.progress(`live-sync (${mode}): ${targets.length} games to look at, ${boards.events.length} scoreboard events`);

  const now = nowIso(ctx.now);
  const writes: D1PreparedStatement[] = [];
  const report = {
    firstTdRecorded: [] as { gameId: string; scorer: string | null; playerId: string | null; via: string }[],
    overturned: [] as { gameId: string; was: string | null; now: string | null }[],
    statusChanged: [] as { gameId: string; from: string; to: string }[],
    personFactsKept: [] as { gameId: string; feed: string | null; kept: string | null }[],
    problems: [] as { gameId: string; problem: FeedProblem; detail: string }[],
    left: [] as string[],
  };
  let read = 0;
  let updated = 0;

  for (const game of targets) {
    const reading = await run.read(game, boards);
    if (reading === null) {
      // A settled game a week's backfill had no requests left to verify is not work left undone.
      if (game.settled === 0) report.left.push(game.id);
      continue;
    }
    read++;
    let changed = false;
    const scoresChanged = reading.homeScore !== game.homeScore || reading.awayScore !== game.awayScore;
    if (reading.status !== game.status || scoresChanged || reading.espnEventId !== game.espnEventId) {
      writes.push(
        ctx.db
          .prepare(
            `UPDATE games SET status = ?, home_score = ?, away_score = ?, espn_event_id = ?, updated_at = ?, updated_by = ? WHERE id = ?`,
          )
          .bind(reading.status, reading.homeScore, reading.awayScore, reading.espnEventId, now, LIVE_SYNC_RECORDER, game.id),
      );
      if (reading.status !== game.status) report.statusChanged.push({ gameId: game.id, from: game.status, to: reading.status });
      changed = true;
    }

    const current = { firstTdPlayerId: game.firstTdPlayerId, noTd: game.noTd };
    // No TD in the feed (yet) takes back facts it no longer has (an overturned TD): the game goes back to pending.
    let facts = reading.facts === "pending" ? CLEARED_FACTS : reading.facts;
    if (facts && game.personOwnsFacts === 1) {
      if (!sameFacts(game, facts)) report.personFactsKept.push({ gameId: game.id, feed: facts.firstTdPlayerName ?? (facts.noTd ? "no TD" : null), kept: game.firstTdPlayerName ?? (game.noTd ? "no TD" : null) });
      facts = null;
    }
    if (facts && !sameFacts(game, facts)) {
      writes.push(firstTdFactsStatement(ctx.db.d1, game.id, facts, LIVE_SYNC_RECORDER, ctx.now));
      // The same play with its scorer now found is news, not a correction of the TD.
      const scorerFound = game.firstTdPlayerId === null && game.firstTdTeam === facts.firstTdTeam && game.firstTdPlayText === facts.firstTdPlayText;
      if ((game.firstTdTeam !== null || game.noTd === 1) && !scorerFound) {
        report.overturned.push({ gameId: game.id, was: game.firstTdPlayerName ?? (game.noTd ? "no TD" : null), now: facts.firstTdPlayerName ?? (facts.noTd ? "no TD" : null) });
      }
      if (facts.firstTdTeam !== null) {
        report.firstTdRecorded.push({ gameId: game.id, scorer: facts.firstTdPlayerName, playerId: facts.firstTdPlayerId, via: reading.scorer?.via ?? "unresolved" });
      }
      changed = true;
    }

    const settled = isSettled(reading, facts ?? current);
    // A settled game whose feed now says something it cannot use (a correction that does not add up) keeps its facts,
    // and the run says so: a person may have to look.
    if (settled && reading.problem) report.problems.push({ gameId: game.id, ...reading.problem });
    const pastKickoff = Date.parse(game.kickoffAt) <= ctx.now.getTime();
    const problem = settled || !pastKickoff ? null : (reading.problem ?? { problem: "not_final" as const, detail: `ESPN says ${reading.status}` });
    // A game still being played inside the live window is read every run anyway: no retry schedule to keep for it.
    const beingPlayed = game.inLiveWindow === 1 && problem?.problem === "not_final";
    if (problem && !beingPlayed) {
      if (problem.problem !== "not_final") report.problems.push({ gameId: game.id, ...problem });
      writes.push(
        ctx.db
          .prepare(
            `INSERT INTO game_feed_checks (game_id, checked_at, problem, detail, problem_since, attempts, next_check_at)
             VALUES (?1, ?2, ?3, ?4, ?2, 1, ?5)
             ON CONFLICT (game_id) DO UPDATE SET checked_at = excluded.checked_at, detail = excluded.detail,
               problem_since = CASE WHEN problem IS excluded.problem THEN problem_since ELSE excluded.checked_at END,
               problem = excluded.problem, attempts = attempts + 1, next_check_at = ?6`,
          )
          .bind(
            game.id,
            now,
            problem.problem,
            problem.detail,
            nowIso(new Date(ctx.now.getTime() + retryDelayMs(1))),
            nowIso(new Date(ctx.now.getTime() + retryDelayMs(game.attempts + 1))),
          ),
      );
    } else if (game.checkedAt !== null) {
      writes.push(ctx.db.prepare("DELETE FROM game_feed_checks WHERE game_id = ?").bind(game.id));
    }
    if (changed) updated++;
  }

  await ctx.db.batch(writes);
  // Not one usable answer: ESPN is down or has changed. Only the retry schedule above was written; the run fails so
  // that the cron's failure shows, and the catch-up tries again.
  if (run.answered === 0 && run.failures.length > 0) {
    const calls = run.failures.length === 1 ? "1 call" : `${run.failures.length} calls`;
    throw new Error(`no usable answer from ESPN (${calls} failed), first: ${run.failures[0]}`);
  }
  if (report.left.length > 0) ctx.progress(`live-sync: request budget spent, ${report.left.length} games left for the next run`);
  return {
    read,
    inserted: 0,
    updated,
    unchanged: read - updated,
    // A scoreboard that failed counts too: the games it should have told about (not begun yet) kept their status.
    rejected: report.problems.length + boards.rejected.length + boards.failed.size,
    left: report.left.length,
    details: {
      mode,
      games: targets.length,
      upstreamRequests: run.budget.used,
      requestBudget: run.budget.limit,
      gamesLeft: report.left.length,
      firstTdRecorded: firstFew(report.firstTdRecorded, 20),
      overturned: report.overturned,
      statusChanged: firstFew(report.statusChanged, 20),
      personFactsKept: report.personFactsKept,
      problems: firstFew(report.problems, 20),
      leftGames: firstFew(report.left, 20),
      scoreboardsFailed: [...boards.failed.values()],
      rejectedEvents: firstFew(boards.rejected),
    },
  };
}
