// The kickoff rush (issue 15): N users each make or change a pick for the 1 pm games in the last minutes before
// kickoff, sent open loop at a fixed arrival rate (request i leaves at t0 + i / rate whatever the answers before it
// did), with kickoff passing during the run. Latency is measured from each request's scheduled time, not from when it
// could be sent, so that a server falling behind shows in the percentiles (no coordinated omission).
//
// The pure parts (schedule, plan, judgement) are tested in test/bench/rush.node.ts; runOpenLoop does the timing.
import type { SqlRunner } from "./load";
import type { BenchClient, D1Usage } from "./measure";

/** Scheduled send times, ms after the start: request i at i * 1000 / rate. */
export function openLoopSchedule(count: number, ratePerSecond: number): number[] {
  if (!(ratePerSecond > 0)) throw new Error("the arrival rate must be positive");
  return Array.from({ length: count }, (_, i) => (i * 1000) / ratePerSecond);
}

/**
 * Sends request i at `startAt + schedule[i]` (performance.now() clock) by calling `fire(i, scheduledAt)`, which
 * returns a promise; never waits for an answer before sending the next. A timer that wakes late sends every request
 * that has come due at once (each still timed from its own scheduled time). Resolves with every fire()'s result and
 * the worst lateness of a send (how far behind schedule the sender itself fell: a client that cannot keep up must
 * say so).
 */
export function runOpenLoop<R>({
  schedule,
  startAt,
  fire,
  now = () => performance.now(),
  wait = (fn, ms) => setTimeout(fn, ms),
}: {
  schedule: number[];
  startAt: number;
  fire: (i: number, scheduledAt: number) => Promise<R>;
  now?: () => number;
  wait?: (fn: () => void, ms: number) => unknown;
}): Promise<{ results: R[]; worstLateMs: number }> {
  return new Promise((resolve) => {
    const pending = new Array<Promise<R>>(schedule.length);
    let next = 0;
    let worstLateMs = 0;
    const tick = () => {
      const t = now();
      // next < schedule.length: an index of the schedule.
      while (next < schedule.length && startAt + (schedule[next] as number) <= t) {
        const scheduledAt = startAt + (schedule[next] as number);
        worstLateMs = Math.max(worstLateMs, t - scheduledAt);
        pending[next] = fire(next, scheduledAt);
        next++;
      }
      if (next < schedule.length) {
        wait(tick, Math.max(0, startAt + (schedule[next] as number) - now()));
      } else {
        Promise.all(pending).then((results) => resolve({ results, worstLateMs }));
      }
    };
    tick();
  });
}

/** A small integer hash (deterministic choices without a PRNG state). */
function mix(a: number, b: number): number {
  let h = (Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x27d4eb2f, 0xc2b2ae35)) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
  return (h ^ (h >>> 13)) >>> 0;
}

/**
 * The rush's requests, in arrival order (users shuffled by a hash so that creates and changes and the games
 * interleave). Each user in `users` ([{ userId, token }]) acts once before kickoff: a user who already holds a pick in
 * one of the rush games changes it to another player of that game (PATCH /v1/picks/{id}); anyone else picks in one of
 * the rush games (POST /v1/picks). `after` more requests follow kickoff (the first users again, each the opposite
 * move in another game or the same change again): all of them must be refused (409 game_locked).
 * `games`: [{ id, players: [playerId...] }] (active pickable players of both teams); `existing`: Map userId ->
 * { pickId, gameId, playerId } of their pick in a rush game.
 */
export interface RushUser {
  userId: number;
  token: string;
}
export interface RushGame {
  id: string;
  players: string[];
}
/** A user's pick in a rush game. */
export interface HeldPick {
  pickId: number;
  gameId: string;
  playerId: string;
}
/** A request of the rush: a new pick (POST, `body.gameId` set) or a change of a held one (PATCH). */
export interface RushRequest {
  kind: "create" | "change";
  userId: number;
  token: string;
  gameId: string;
  method: "POST" | "PATCH";
  path: string;
  body: { gameId?: string; playerId: string };
  phase: "before" | "after";
}

export function rushPlan({ users, games, existing, after = 0, seed = 1 }: {
  users: RushUser[];
  games: RushGame[];
  existing: Map<number, HeldPick>;
  after?: number;
  seed?: number;
}): RushRequest[] {
  if (games.length === 0) throw new Error("no rush games");
  const gameById = new Map(games.map((g) => [g.id, g]));
  const order = [...users].sort((a, b) => mix(a.userId, seed) - mix(b.userId, seed) || a.userId - b.userId);
  // Every held pick is in a rush game; indexes are taken modulo the lengths (a game has players, `open` a game).
  const move = (user: RushUser, round: number): Omit<RushRequest, "phase"> => {
    const held = existing.get(user.userId);
    const h = mix(user.userId, seed + 7 * (round + 1));
    if (held && round === 0) {
      const game = gameById.get(held.gameId) as RushGame;
      const choices = game.players.filter((p) => p !== held.playerId);
      return { kind: "change", userId: user.userId, token: user.token, gameId: held.gameId, method: "PATCH", path: `/v1/picks/${held.pickId}`, body: { playerId: choices[h % choices.length] as string } };
    }
    const open = games.filter((g) => g.id !== held?.gameId);
    const game = open[h % open.length] as RushGame;
    return { kind: "create", userId: user.userId, token: user.token, gameId: game.id, method: "POST", path: "/v1/picks", body: { gameId: game.id, playerId: game.players[(h >>> 8) % game.players.length] as string } };
  };
  const before = order.map((user): RushRequest => ({ ...move(user, 0), phase: "before" }));
  const late = Array.from({ length: after }, (_, i): RushRequest => ({ ...move(order[i % order.length] as RushUser, 1 + Math.floor(i / order.length)), phase: "after" }));
  return [...before, ...late];
}

/**
 * The answer to one request of the rush. `phase` and `kind` as in RushRequest; `code`: the error code of a 4xx/5xx
 * answer; `sample`: the start of an unexpected answer, or the failure.
 */
export interface RushOutcome {
  phase: string;
  kind: string;
  status: number;
  code: string | null;
  scheduledAt: number;
  doneAt: number;
  latencyMs: number;
  d1?: D1Usage | null;
  sample?: string;
}

/** A 409 whose error code says the game is locked (the API's one lock refusal). */
export function isLockRefusal(outcome: RushOutcome): boolean {
  return outcome.status === 409 && outcome.code === "game_locked";
}

/**
 * Judges the rush's answers. `outcomes`: [{ phase ('before' | 'after'), kind, status, code, scheduledAt, doneAt,
 * latencyMs }] (times on one clock, ms); `kickoffAt` on that clock. Before kickoff a pick must be made or changed
 * (201 / 200) or refused for the lock (a request that reached the database after kickoff); after kickoff every answer
 * must be the lock refusal. Anything else is an error. Throughput: answers to the requests before kickoff per second,
 * from the first scheduled send to the last of those answers (an open loop the server keeps up with gives the arrival
 * rate; one it falls behind takes longer).
 */
export function judgeRush({ outcomes, kickoffAt, toleranceMs = 5 }: { outcomes: RushOutcome[]; kickoffAt: number; toleranceMs?: number }) {
  const ok = (o: RushOutcome) => (o.kind === "create" ? o.status === 201 : o.status === 200);
  const before = outcomes.filter((o) => o.phase === "before");
  const after = outcomes.filter((o) => o.phase === "after");
  const accepted = before.filter(ok);
  const refusedBefore = before.filter(isLockRefusal);
  const errors = before.filter((o) => !ok(o) && !isLockRefusal(o));
  const acceptedAfter = after.filter((o) => o.status >= 200 && o.status < 300);
  const afterErrors = after.filter((o) => !isLockRefusal(o) && !(o.status >= 200 && o.status < 300));
  // A refusal is only right once the kickoff has passed by the time the request could have reached the database.
  const refusedEarly = refusedBefore.filter((o) => o.doneAt < kickoffAt - toleranceMs);
  const latencies = accepted.map((o) => o.latencyMs).sort((a, b) => a - b);
  const firstSend = Math.min(...before.map((o) => o.scheduledAt));
  const lastAnswer = Math.max(...before.map((o) => o.doneAt));
  const seconds = (lastAnswer - firstSend) / 1000;
  return {
    requests: outcomes.length,
    before: before.length,
    after: after.length,
    accepted: accepted.length,
    created: accepted.filter((o) => o.kind === "create").length,
    changed: accepted.filter((o) => o.kind === "change").length,
    lockRefusedBeforeKickoff: refusedBefore.length,
    lockRefusedTooEarly: refusedEarly.length,
    lockRefusedAfterKickoff: after.filter(isLockRefusal).length,
    acceptedAfterKickoff: acceptedAfter.length,
    errors: errors.length + afterErrors.length + refusedEarly.length,
    errorSamples: [...errors, ...afterErrors, ...refusedEarly].slice(0, 5).map((o) => `${o.phase} ${o.kind}: ${o.status} ${o.code ?? ""} ${o.sample ?? ""}`.trim()),
    seconds,
    rps: seconds > 0 ? before.length / seconds : null,
    latency: {
      requests: latencies.length,
      p50: quantile(latencies, 50),
      p95: quantile(latencies, 95),
      p99: quantile(latencies, 99),
      max: latencies.at(-1) ?? null,
    },
  };
}

function quantile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** The rush games' picks at one moment (kickoffRush): count, id sum, highest id, a checksum, and the database's clock. */
export interface Fingerprint {
  picks: number;
  idSum: number;
  maxId: number;
  checksum: number;
  dbNow: string;
}

export type RushResult = Awaited<ReturnType<typeof kickoffRush>>;

/**
 * The phase itself (scripts/bench/run.ts): moves the rush games' kickoff to the end of the compressed window, sends
 * the plan open loop at `ratePerSecond`, takes a snapshot of the games' picks just after kickoff, and checks the
 * database afterwards. `sql`: the /__bench/sql runner; `client`: an HTTP client with sockets enough for the backlog.
 */
export async function kickoffRush({ client, sql, games, users, ratePerSecond, afterSeconds = 3, leadMs = 1500, seed = 1, log = () => {} }: {
  client: BenchClient;
  sql: SqlRunner;
  games: RushGame[];
  users: RushUser[];
  ratePerSecond: number;
  afterSeconds?: number;
  leadMs?: number;
  seed?: number;
  log?: (line: string) => void;
}) {
  const gameIds = games.map((g) => g.id);
  const inGames = `(${gameIds.map((id) => `'${id.replace(/'/g, "''")}'`).join(", ")})`;
  const [held] = await sql<HeldPick & { userId: number }>({
    sql: `SELECT id AS pickId, user_id AS userId, game_id AS gameId, player_id AS playerId FROM picks WHERE game_id IN ${inGames} AND user_id <= ?1`,
    params: [Math.max(...users.map((u) => u.userId))],
  });
  const existing = new Map(held.results.map((r) => [r.userId, r]));
  const after = Math.round(afterSeconds * ratePerSecond);
  const plan = rushPlan({ users, games, existing, after, seed });
  const windowMs = (users.length * 1000) / ratePerSecond;
  // Kickoff on a whole second (games.kickoff_at has seconds), the window's end; the first late request leaves at it.
  const kickoffWall = Math.ceil((Date.now() + leadMs + windowMs) / 1000) * 1000;
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
  // The league dates its picks hours before their games' original kickoff, days ahead: the rush games' picks are
  // dated no later than now, so that afterwards a pick dated at or after the new kickoff can only be the rush's
  // (created_at / updated_at fire no trigger).
  const startedWall = Date.now();
  await sql([
    { sql: `UPDATE games SET kickoff_at = ?1 WHERE id IN ${inGames}`, params: [iso(kickoffWall)] },
    {
      sql: `UPDATE picks SET created_at = min(created_at, ?1), updated_at = min(coalesce(updated_at, ?1), ?1)
        WHERE game_id IN ${inGames} AND (created_at > ?1 OR updated_at > ?1)`,
      params: [iso(startedWall)],
    },
  ]);
  const perfOf = (wall: number) => wall - Date.now() + performance.now();
  const kickoffAt = perfOf(kickoffWall);
  const startAt = kickoffAt - windowMs;
  const schedule = openLoopSchedule(plan.length, ratePerSecond);
  log(`  kickoff rush: ${plan.length.toLocaleString("en-US")} requests (${plan.filter((r) => r.kind === "create" && r.phase === "before").length.toLocaleString("en-US")} creates, ` +
    `${plan.filter((r) => r.kind === "change" && r.phase === "before").length.toLocaleString("en-US")} changes before kickoff, ${after} after) at ${ratePerSecond.toFixed(0)} req/s ` +
    `into ${gameIds.length} games; kickoff ${iso(kickoffWall)} (${(windowMs / 1000).toFixed(1)} s from the first request)`);

  // The games' picks as they stand just after kickoff (nothing may change them afterwards).
  const fingerprint = () =>
    sql<Fingerprint>({
      sql: `SELECT count(*) AS picks, coalesce(sum(id), 0) AS idSum, coalesce(max(id), 0) AS maxId,
          coalesce(sum(id * unicode(substr(player_id, -1)) + length(coalesce(updated_at, ''))), 0) AS checksum,
          strftime('%Y-%m-%dT%H:%M:%fZ', 'now') AS dbNow
        FROM picks WHERE game_id IN ${inGames}`,
    }).then(([r]) => r.results[0] as Fingerprint);
  const snapshot = new Promise<Fingerprint>((resolve, reject) => {
    setTimeout(() => fingerprint().then(resolve, reject), Math.max(0, kickoffAt + 50 - performance.now()));
  });

  // A connection the local runtime resets before answering (under a deep backlog workerd drops some keep-alive
  // connections: ECONNRESET / socket hang up) is tried once more on a new connection, as a client would; its latency
  // still runs from the first scheduled send, and the retries are counted.
  let retried = 0;
  const resetAfter: Record<string, number> = {};
  const send = async (spec: RushRequest) => {
    try {
      return await client.request({ method: spec.method, path: spec.path, token: spec.token, body: spec.body });
    } catch (error) {
      if (!/ECONNRESET|socket hang up/.test(String(error))) throw error;
      retried++;
      const key = `${spec.method} after ${(error as { previousOnSocket?: string }).previousOnSocket ?? "?"}`;
      resetAfter[key] = (resetAfter[key] ?? 0) + 1;
      return client.request({ method: spec.method, path: spec.path, token: spec.token, body: spec.body, fresh: true });
    }
  };
  const fire = async (i: number, scheduledAt: number): Promise<RushOutcome> => {
    const spec = plan[i] as RushRequest;
    try {
      const response = await send(spec);
      const doneAt = performance.now();
      let code = null;
      if (response.status >= 400) {
        try {
          code = response.json<{ error?: { code?: string } }>().error?.code ?? null;
        } catch {
          code = null;
        }
      }
      return { phase: spec.phase, kind: spec.kind, status: response.status, code, scheduledAt, doneAt, latencyMs: doneAt - scheduledAt, d1: response.d1,
        sample: response.status >= 400 && !(response.status === 409 && code === "game_locked") ? response.body.slice(0, 200) : undefined };
    } catch (error) {
      const doneAt = performance.now();
      return { phase: spec.phase, kind: spec.kind, status: 0, code: null, scheduledAt, doneAt, latencyMs: doneAt - scheduledAt, d1: null,
        sample: `${String(error).slice(0, 200)} after ${Math.round(doneAt - scheduledAt)} ms` };
    }
  };
  const { results: outcomes, worstLateMs } = await runOpenLoop({ schedule, startAt, fire });
  const atKickoff = await snapshot;
  const atEnd = await fingerprint();
  const [late] = await sql<{ n: number }>({
    sql: `SELECT count(*) AS n FROM picks p JOIN games g ON g.id = p.game_id
      WHERE p.game_id IN ${inGames} AND (p.created_at >= g.kickoff_at OR p.updated_at >= g.kickoff_at)`,
  });
  const judged = judgeRush({ outcomes, kickoffAt });
  const unchanged = (["picks", "idSum", "maxId", "checksum"] as const).every((k) => atKickoff[k] === atEnd[k]);
  return {
    judged,
    outcomes,
    offeredRps: ratePerSecond,
    windowSeconds: windowMs / 1000,
    kickoffAt: iso(kickoffWall),
    games: gameIds.length,
    worstSendLateMs: worstLateMs,
    connectionResetsRetried: retried,
    connectionResetsAfter: resetAfter,
    database: {
      picksWrittenAtOrAfterKickoff: (late.results[0] as { n: number }).n,
      snapshotAtKickoff: atKickoff,
      snapshotAtEnd: atEnd,
      unchangedSinceKickoff: unchanged,
    },
  };
}
