/**
 * A league's week, summed up once every game of the week is settled: who won the week (by the league's ranking and
 * its declared tiebreak; equal members share it) and how the season board moved (each member's rank before the week,
 * from the season totals less the week's, against the rank after). One payload per league and week, written to the
 * log for the league's webhook and for each member who opted in, each row unique, so it goes out once.
 */
import type { MeteredD1 } from "../jobs/d1-meter";
import { nowIso } from "../lib/clock";

export interface LeagueWeek {
  leagueId: number;
  season: number;
  week: number;
}

export interface MemberWeek {
  userId: number;
  name: string;
  weekPicks: number;
  weekWins: number;
  weekUnitsCu: number;
  seasonPicks: number;
  seasonWins: number;
  seasonUnitsCu: number;
}

export interface WeekSummary {
  /** The week's winners (ties share it); empty when nobody in the league picked that week. */
  winners: { userId: number; name: string; wins: number; unitsCu: number }[];
  /** The season board after the week, best first: rank now and before the week (null: not on it before). */
  board: { userId: number; name: string; rank: number; rankBefore: number | null }[];
}

type Score = { wins: number; unitsCu: number };

/** Standard competition ranks (1, 1, 3) of scores, by the ranking metric then its tiebreak. */
function ranksOf<T>(rows: T[], score: (row: T) => Score, ranking: "wins" | "units"): Map<T, number> {
  const key = (s: Score) => (ranking === "wins" ? [s.wins, s.unitsCu] : [s.unitsCu, s.wins]);
  const sorted = [...rows].sort((a, b) => {
    const [a1, a2] = key(score(a));
    const [b1, b2] = key(score(b));
    return b1! - a1! || b2! - a2!;
  });
  const ranks = new Map<T, number>();
  sorted.forEach((row, i) => {
    const previous = sorted[i - 1];
    const same = previous !== undefined && key(score(previous)).join() === key(score(row)).join();
    ranks.set(row, same ? ranks.get(previous)! : i + 1);
  });
  return ranks;
}

/** The week's winners and the board's movement (pure: tested without a database). */
export function summarizeWeek(members: MemberWeek[], ranking: "wins" | "units"): WeekSummary {
  const pickers = members.filter((m) => m.weekPicks > 0);
  const weekRanks = ranksOf(pickers, (m) => ({ wins: m.weekWins, unitsCu: m.weekUnitsCu }), ranking);
  const winners = pickers.filter((m) => weekRanks.get(m) === 1).map((m) => ({ userId: m.userId, name: m.name, wins: m.weekWins, unitsCu: m.weekUnitsCu }));
  const onBoard = members.filter((m) => m.seasonPicks > 0);
  const after = ranksOf(onBoard, (m) => ({ wins: m.seasonWins, unitsCu: m.seasonUnitsCu }), ranking);
  const before = ranksOf(
    onBoard.filter((m) => m.seasonPicks - m.weekPicks > 0),
    (m) => ({ wins: m.seasonWins - m.weekWins, unitsCu: m.seasonUnitsCu - m.weekUnitsCu }),
    ranking,
  );
  const board = onBoard
    .map((m) => ({ userId: m.userId, name: m.name, rank: after.get(m)!, rankBefore: before.get(m) ?? null }))
    .sort((a, b) => a.rank - b.rank || a.name.localeCompare(b.name));
  return { winners: winners.sort((a, b) => a.name.localeCompare(b.name)), board };
}

const units = (cu: number) => `${cu >= 0 ? "+" : "-"}${(Math.abs(cu) / 100).toFixed(2)}`;

function movement(rank: number, before: number | null): string {
  if (before === null) return "new";
  if (before > rank) return `up ${before - rank}`;
  if (before < rank) return `down ${rank - before}`;
  return "=";
}

/** The message: title and body every channel renders (short: push bodies show a few lines; Discord allows 2000). */
export function weekSummaryPayload(league: { id: number; name: string }, season: number, week: number, summary: WeekSummary) {
  const winnerLine =
    summary.winners.length === 0
      ? "Nobody in the league picked this week."
      : summary.winners[0]!.wins === 0 && summary.winners.every((w) => w.wins === 0) && summary.winners.length > 1
        ? `Nobody's pick scored first; best units: ${summary.winners.map((w) => w.name).join(", ")} (${units(summary.winners[0]!.unitsCu)}).`
        : `${summary.winners.length > 1 ? "Winners" : "Winner"}: ${summary.winners.map((w) => w.name).join(", ")} (${summary.winners[0]!.wins} ${summary.winners[0]!.wins === 1 ? "win" : "wins"}, ${units(summary.winners[0]!.unitsCu)} units).`;
  const top = summary.board.slice(0, 5).map((row) => `${row.rank}. ${row.name} (${movement(row.rank, row.rankBefore)})`);
  return {
    title: `${league.name}: week ${week} summed up`,
    body: [winnerLine, top.length > 0 ? `Season board: ${top.join(", ")}` : ""].filter(Boolean).join("\n"),
    url: `/leagues/${league.id}?season=${season}&week=${week}`,
    tag: `summary:${league.id}:${season}-${week}`,
  };
}

const MEMBERS_SQL = `SELECT m.user_id AS userId, u.name AS name,
    coalesce(w.picks, 0) AS weekPicks, coalesce(w.wins, 0) AS weekWins, coalesce(w.units_cu, 0) AS weekUnitsCu,
    coalesce(s.picks, 0) AS seasonPicks, coalesce(s.wins, 0) AS seasonWins, coalesce(s.units_cu, 0) AS seasonUnitsCu
  FROM league_members m
  JOIN users u ON u.id = m.user_id
  LEFT JOIN standings w ON w.season = ?2 AND w.week = ?3 AND w.user_id = m.user_id
  LEFT JOIN standings s ON s.season = ?2 AND s.week = 0 AND s.user_id = m.user_id
  WHERE m.league_id = ?1`;

/** Logs the league's summary of a week for its webhook and its opted-in members; returns the rows inserted. */
export async function weekSummaries(d1: MeteredD1, target: LeagueWeek, now: Date): Promise<{ id: number }[]> {
  const league = await d1.first<{ id: number; name: string; ranking: "wins" | "units" }>(d1.prepare("SELECT id, name, ranking FROM leagues WHERE id = ?").bind(target.leagueId));
  if (!league) return [];
  const members = await d1.all<MemberWeek>(d1.prepare(MEMBERS_SQL).bind(target.leagueId, target.season, target.week));
  const payload = JSON.stringify(weekSummaryPayload(league, target.season, target.week, summarizeWeek(members, league.ranking)));
  const subject = `league:${league.id}:${target.season}-${target.week}`;
  const [toLeague, toMembers] = await d1.batch<{ id: number }>([
    d1
      .prepare(
        `INSERT INTO notifications (recipient, league_id, kind, subject, payload, status, created_at)
         SELECT ?5, ?1, 'week_summary', ?2, ?3, 'pending', ?4 WHERE EXISTS (SELECT 1 FROM league_webhooks WHERE league_id = ?1)
         ON CONFLICT DO NOTHING RETURNING id`,
      )
      // The recipient is spelled here: a number bound into a || concatenation may arrive as a REAL ('league:1.0').
      .bind(league.id, subject, payload, nowIso(now), `league:${league.id}`),
    d1
      .prepare(
        `INSERT INTO notifications (recipient, user_id, kind, subject, payload, status, created_at)
         SELECT 'user:' || m.user_id, m.user_id, 'week_summary', ?2, ?3, 'pending', ?4 FROM league_members m
         WHERE m.league_id = ?1
           AND EXISTS (SELECT 1 FROM notification_preferences np WHERE np.user_id = m.user_id AND np.channel = 'push' AND np.topic = 'week_summary' AND np.enabled = 1)
           AND EXISTS (SELECT 1 FROM push_subscriptions ps WHERE ps.user_id = m.user_id)
         ON CONFLICT DO NOTHING RETURNING id`,
      )
      .bind(league.id, subject, payload, nowIso(now)),
  ]);
  return [...(toLeague?.results ?? []), ...(toMembers?.results ?? [])];
}
