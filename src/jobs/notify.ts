/**
 * The notify job (cron every 5 minutes): finds the messages that are due, writes each to the notifications log first
 * (INSERT ... ON CONFLICT DO NOTHING on its unique (recipient, kind, subject)), and queues only the rows that statement
 * inserted, so a repeated run, or two runs at once, send nothing twice. The queue consumer (src/notifications/
 * consumer.ts) delivers. This job reads games, picks and results and writes only the log: it is not part of grading,
 * and nothing it or the delivery does can hold grading up.
 *
 * What is due, each only to users who opted in (notification_preferences) and have a push device:
 * - `pick_reminder_24h` / `pick_reminder_1h`: a game kicking off within 24 hours (but not within the hour), and within
 *   the hour, to each member of any league who has no pick in it: once per user per threshold, however many leagues
 *   they are in. The subject carries the kickoff, so a game postponed to another day reminds again before its new one.
 * - `first_td`: a game's first TD (or "no TD") within 12 hours of being recorded, to each user whose pick in it is graded
 *   (a win or a loss), with their result. `first_td_correction`: after a regrade (a game kicked off in the last 10 days
 *   whose facts or state changed in the last 12 hours), to each user whose last message about the game told other facts
 *   or another outcome; its subject names the change (game_fact_changes), never a duplicate.
 * - `week_summary`: once every game of a week is settled (the week's last game over and graded), per league, to its
 *   webhook and to its members who opted in: the winner(s) of the week and how the season board moved.
 * - `member_joined`: to a league's commissioner, each member who joined in the last day.
 * Rows left `pending` (their queueing failed) are queued again by the next run.
 */
import { FIRST_TD_FACTS_SQL, GAME_SETTLED_SQL } from "../db/sql-rules";
import { nowIso } from "../lib/clock";
import { enqueueNotifications } from "../notifications/store";
import { weekSummaries, type LeagueWeek } from "../notifications/week-summary";
import { createDatabase } from "../db/client";
import type { JobHandler } from "./job";

const HOUR_MS = 3600_000;
/** At most this many rows per statement and run: a large slate is spread over a few runs, each bounded. */
const ROWS_PER_STATEMENT = 2000;
/** A first TD is news this long after it was recorded (a user who opts in later is not told about old games). */
const FIRST_TD_NEWS_HOURS = 12;
/** Corrections of games that kicked off this long ago are still sent (stat corrections come days later). */
const CORRECTION_DAYS = 10;
/** A week is summed up within this many days of its last kickoff. */
const SUMMARY_DAYS = 4;
/** Leagues summed up per run (each reads its members' standings). */
const LEAGUES_PER_RUN = 25;
/** A pending row this old was not queued by the run that wrote it: queue it again. */
const PENDING_GRACE_MS = 2 * 60_000;

/** "user has opted into `topic` for push and has a device": the audience of every user message. */
const optedIn = (userColumn: string, topic: string) => `EXISTS (SELECT 1 FROM notification_preferences np
    WHERE np.user_id = ${userColumn} AND np.channel = 'push' AND np.topic = '${topic}' AND np.enabled = 1)
  AND EXISTS (SELECT 1 FROM push_subscriptions ps WHERE ps.user_id = ${userColumn})
  AND EXISTS (SELECT 1 FROM users du WHERE du.id = ${userColumn} AND du.disabled_at IS NULL)`;

const MATCHUP = `g.away_team || ' at ' || g.home_team`;

function reminderSql(kind: "pick_reminder_24h" | "pick_reminder_1h", when: string): string {
  return `INSERT INTO notifications (recipient, user_id, kind, subject, game_id, payload, status, created_at)
    SELECT 'user:' || m.user_id, m.user_id, '${kind}', 'game:' || g.id || '@' || g.kickoff_at, g.id,
      json_object('title', 'Pick for ' || ${MATCHUP}, 'body', ${MATCHUP} || ' kicks off ${when}. You have no pick yet.',
        'url', '/games/' || g.id, 'tag', 'reminder:' || g.id, 'kickoffAt', g.kickoff_at),
      'pending', ?1
    FROM games g
    -- From the opted-in users (the topic index), not from every member: the pairs stay few however large the leagues.
    JOIN (SELECT np.user_id FROM notification_preferences np WHERE np.channel = 'push' AND np.topic = 'reminders' AND np.enabled = 1
            AND EXISTS (SELECT 1 FROM league_members lm WHERE lm.user_id = np.user_id)) m
    WHERE g.kickoff_at > ?2 AND g.kickoff_at <= ?3 AND g.status = 'scheduled' AND g.locked_at IS NULL AND g.is_placeholder = 0
      AND NOT EXISTS (SELECT 1 FROM picks p WHERE p.user_id = m.user_id AND p.game_id = g.id)
      AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.recipient = 'user:' || m.user_id AND n.kind = '${kind}' AND n.subject = 'game:' || g.id || '@' || g.kickoff_at)
      AND ${optedIn("m.user_id", "reminders")}
    LIMIT ${ROWS_PER_STATEMENT}
    ON CONFLICT DO NOTHING RETURNING id`;
}

/** What a first-TD message told: the facts and the pick's outcome (a correction is due when this changes). */
const FACT_KEY = `coalesce(r.outcome, 'ungraded') || '|' || coalesce(g.first_td_player_id, g.first_td_team, '') || '|' || g.no_td || '|' || g.is_voided || '|' || g.status`;
const SCORER = `CASE WHEN g.no_td = 1 THEN 'no touchdown in the game'
  WHEN g.first_td_player_name IS NOT NULL THEN g.first_td_player_name || coalesce(' (' || g.first_td_team || ')', '')
  WHEN g.first_td_team IS NOT NULL THEN 'the ' || g.first_td_team || ' defense/special teams'
  ELSE 'not recorded any more' END`;
const RESULT = `CASE r.outcome WHEN 'win' THEN 'a win, ' || printf('%+.2f', r.profit_cu / 100.0) || ' units'
  WHEN 'loss' THEN 'a loss, -1.00 units' WHEN 'void' THEN 'void (0 units)' ELSE 'not graded yet' END`;

const FIRST_TD_SQL = `INSERT INTO notifications (recipient, user_id, kind, subject, game_id, fact_key, payload, status, created_at)
  SELECT 'user:' || p.user_id, p.user_id, 'first_td', 'game:' || g.id, g.id, ${FACT_KEY},
    json_object('title', ${MATCHUP} || CASE r.outcome WHEN 'win' THEN ': your pick scored first!' ELSE ': first TD' END,
      'body', 'First TD: ' || ${SCORER} || '. Your pick ' || p.player_name || ': ' || ${RESULT} || '.',
      'url', '/games/' || g.id, 'tag', 'first-td:' || g.id),
    'pending', ?1
  FROM games g
  JOIN picks p ON p.game_id = g.id
  JOIN results r ON r.pick_id = p.id
  WHERE g.first_td_recorded_at >= ?2 AND g.first_td_recorded_at <= ?1
    AND ${FIRST_TD_FACTS_SQL}
    AND r.outcome IN ('win', 'loss')
    AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.recipient = 'user:' || p.user_id AND n.kind = 'first_td' AND n.subject = 'game:' || g.id)
    AND ${optedIn("p.user_id", "results")}
  LIMIT ${ROWS_PER_STATEMENT}
  ON CONFLICT DO NOTHING RETURNING id`;

/** Users whose last first-TD message about a game no longer matches its facts or their outcome. */
const CORRECTION_SQL = `INSERT INTO notifications (recipient, user_id, kind, subject, game_id, fact_key, payload, status, created_at)
  SELECT 'user:' || p.user_id, p.user_id, 'first_td_correction',
    'game:' || g.id || ':change:' || coalesce((SELECT max(c.id) FROM game_fact_changes c WHERE c.game_id = g.id), 0), g.id, ${FACT_KEY},
    json_object('title', 'Correction: ' || ${MATCHUP},
      'body', 'The first TD was corrected: ' || ${SCORER} || '. Your pick ' || p.player_name || ' is now ' || ${RESULT} || '.',
      'url', '/games/' || g.id, 'tag', 'first-td:' || g.id),
    'pending', ?1
  FROM games g
  JOIN picks p ON p.game_id = g.id
  LEFT JOIN results r ON r.pick_id = p.id
  JOIN notifications last ON last.id = (SELECT max(n.id) FROM notifications n
    WHERE n.recipient = 'user:' || p.user_id AND n.game_id = g.id AND n.kind IN ('first_td', 'first_td_correction'))
  WHERE g.kickoff_at >= ?2 AND g.kickoff_at <= ?1
    -- Only games whose facts or state changed lately: a run reads the picks of those games, not of every recent one.
    AND (g.first_td_recorded_at >= ?3 OR g.updated_at >= ?3)
    AND last.fact_key IS NOT ${FACT_KEY}
    AND ${optedIn("p.user_id", "results")}
  LIMIT ${ROWS_PER_STATEMENT}
  ON CONFLICT DO NOTHING RETURNING id`;

const MEMBER_JOINED_SQL = `INSERT INTO notifications (recipient, user_id, kind, subject, payload, status, created_at)
  SELECT 'user:' || l.commissioner_id, l.commissioner_id, 'member_joined', 'league:' || l.id || ':user:' || m.user_id,
    json_object('title', 'New member in ' || l.name, 'body', u.name || ' joined ' || l.name || '.', 'url', '/leagues/' || l.id,
      'tag', 'joined:' || l.id),
    'pending', ?1
  FROM league_members m
  JOIN leagues l ON l.id = m.league_id
  JOIN users u ON u.id = m.user_id
  WHERE m.joined_at >= ?2 AND m.joined_at <= ?1 AND m.user_id <> l.commissioner_id
    AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.recipient = 'user:' || l.commissioner_id AND n.kind = 'member_joined'
      AND n.subject = 'league:' || l.id || ':user:' || m.user_id)
    AND ${optedIn("l.commissioner_id", "member_joined")}
  LIMIT ${ROWS_PER_STATEMENT}
  ON CONFLICT DO NOTHING RETURNING id`;

/** Weeks whose every game is settled and whose last kickoff was in the last SUMMARY_DAYS days. */
const FINISHED_WEEKS_SQL = `SELECT g.season AS season, g.week AS week, max(g.kickoff_at) AS lastKickoffAt
  FROM games g
  WHERE g.season IN (SELECT DISTINCT season FROM games WHERE kickoff_at >= ?1 AND kickoff_at <= ?2) AND g.is_placeholder = 0
  GROUP BY g.season, g.week
  HAVING max(g.kickoff_at) >= ?1 AND max(g.kickoff_at) <= ?2 AND sum(CASE WHEN ${GAME_SETTLED_SQL} THEN 0 ELSE 1 END) = 0`;

/** Leagues with someone left to tell about a week: a webhook not yet posted to, or an opted-in member not yet told. */
const LEAGUES_DUE_SQL = `SELECT l.id AS leagueId FROM leagues l
  WHERE (EXISTS (SELECT 1 FROM league_webhooks w WHERE w.league_id = l.id)
      AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.recipient = 'league:' || l.id AND n.kind = 'week_summary' AND n.subject = ?1 || l.id || ?2))
    OR EXISTS (SELECT 1 FROM league_members m WHERE m.league_id = l.id AND ${optedIn("m.user_id", "week_summary")}
      AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.recipient = 'user:' || m.user_id AND n.kind = 'week_summary' AND n.subject = ?1 || l.id || ?2))
  ORDER BY l.id LIMIT ${LEAGUES_PER_RUN}`;

export const notify: JobHandler = async (ctx) => {
  const db = createDatabase(ctx.db.d1);
  const d1 = ctx.db;
  const now = ctx.now.getTime();
  const at = (ms: number) => nowIso(new Date(ms));
  const created: Record<string, number> = {};
  const ids: number[] = [];
  const collect = (kind: string, rows: { id: number }[]) => {
    created[kind] = (created[kind] ?? 0) + rows.length;
    ids.push(...rows.map((r) => r.id));
  };

  const run = (query: string, ...params: unknown[]) => d1.all<{ id: number }>(d1.prepare(query).bind(...params));
  collect("pick_reminder_1h", await run(reminderSql("pick_reminder_1h", "within the hour"), at(now), at(now), at(now + HOUR_MS)));
  collect("pick_reminder_24h", await run(reminderSql("pick_reminder_24h", "within 24 hours"), at(now), at(now + HOUR_MS), at(now + 24 * HOUR_MS)));
  collect("first_td", await run(FIRST_TD_SQL, at(now), at(now - FIRST_TD_NEWS_HOURS * HOUR_MS)));
  collect("first_td_correction", await run(CORRECTION_SQL, at(now), at(now - CORRECTION_DAYS * 24 * HOUR_MS), at(now - FIRST_TD_NEWS_HOURS * HOUR_MS)));
  collect("member_joined", await run(MEMBER_JOINED_SQL, at(now), at(now - 24 * HOUR_MS)));

  const weeks = await d1.all<{ season: number; week: number }>(d1.prepare(FINISHED_WEEKS_SQL).bind(at(now - SUMMARY_DAYS * 24 * HOUR_MS), at(now)));
  const leagueWeeks: LeagueWeek[] = [];
  for (const { season, week } of weeks) {
    const due = await d1.all<{ leagueId: number }>(d1.prepare(LEAGUES_DUE_SQL).bind("league:", `:${season}-${week}`));
    leagueWeeks.push(...due.map((d) => ({ leagueId: d.leagueId, season, week })));
  }
  for (const leagueWeek of leagueWeeks.slice(0, LEAGUES_PER_RUN)) collect("week_summary", await weekSummaries(d1, leagueWeek, ctx.now));

  // Rows an earlier run wrote but could not queue (the queue refused, the run died): queued now.
  const stranded = await d1.all<{ id: number }>(
    d1.prepare(`SELECT id FROM notifications WHERE status = 'pending' AND created_at <= ? ORDER BY id LIMIT ${ROWS_PER_STATEMENT}`).bind(at(now - PENDING_GRACE_MS)),
  );
  const toQueue = [...new Set([...ids, ...stranded.map((r) => r.id)])];
  await enqueueNotifications(db, ctx.env, toQueue, ctx.now);
  ctx.progress(`notify: ${ids.length} new messages, ${stranded.length} re-queued`);
  return { read: weeks.length, inserted: ids.length, updated: stranded.length, unchanged: 0, rejected: 0, details: { created, weeksFinished: weeks, requeued: stranded.length } };
};
