// The kickoff rush's pure parts (scripts/bench/rush.ts): the open-loop schedule and sender, the plan, the judgement.
import { describe, expect, it } from "vitest";
import { judgeRush, openLoopSchedule, runOpenLoop, rushPlan } from "../../scripts/bench/rush";

describe("openLoopSchedule", () => {
  it("spaces requests at a fixed arrival rate, whatever the answers do", () => {
    expect(openLoopSchedule(4, 200)).toEqual([0, 5, 10, 15]);
    expect(openLoopSchedule(0, 10)).toEqual([]);
    expect(() => openLoopSchedule(3, 0)).toThrow();
  });
});

describe("runOpenLoop", () => {
  it("sends each request at its time without waiting for earlier answers, and times it from its schedule", async () => {
    let clock = 0;
    const sent: { i: number; at: number; scheduledAt: number }[] = [];
    const answers: ((value: number) => void)[] = [];
    // Answers never come until the end: a closed loop would send only the first request.
    const run = runOpenLoop({
      schedule: [0, 10, 20, 30],
      startAt: 100,
      now: () => clock,
      wait: (tick: () => void) => setTimeout(tick, 1),
      fire: (i: number, scheduledAt: number) => {
        sent.push({ i, at: clock, scheduledAt });
        return new Promise<number>((resolve) => answers.push(resolve));
      },
    });
    // The fake clock jumps: every request due by then leaves at once, each keeping its own scheduled time.
    clock = 125;
    await new Promise((r) => setTimeout(r, 5));
    clock = 200;
    await new Promise((r) => setTimeout(r, 5));
    expect(sent.map((s) => s.i)).toEqual([0, 1, 2, 3]);
    expect(sent.map((s) => s.scheduledAt)).toEqual([100, 110, 120, 130]);
    answers.forEach((answer, i) => answer(i * 2));
    const { results, worstLateMs } = await run;
    expect(results).toEqual([0, 2, 4, 6]);
    expect(worstLateMs).toBe(70); // the last one was due at 130 and left at 200
  });
});

const games = [
  { id: "G1", players: ["a", "b", "c"] },
  { id: "G2", players: ["d", "e"] },
];
const users = Array.from({ length: 50 }, (_, i) => ({ userId: i + 1, token: `t${i + 1}` }));

describe("rushPlan", () => {
  it("has every user act once before kickoff: a change of the pick they hold in a rush game, else a new pick", () => {
    const existing = new Map([
      [3, { pickId: 30, gameId: "G1", playerId: "a" }],
      [7, { pickId: 70, gameId: "G2", playerId: "e" }],
    ]);
    const plan = rushPlan({ users, games, existing, after: 10, seed: 5 });
    const before = plan.filter((r: { phase: string }) => r.phase === "before");
    expect(before).toHaveLength(50);
    expect(new Set(before.map((r: { userId: number }) => r.userId)).size).toBe(50);
    expect(before.find((r: { userId: number }) => r.userId === 3)).toMatchObject({ kind: "change", method: "PATCH", path: "/v1/picks/30", gameId: "G1" });
    expect(before.find((r: { userId: number }) => r.userId === 3)!.body.playerId).not.toBe("a");
    expect(before.find((r: { userId: number }) => r.userId === 7)).toMatchObject({ kind: "change", body: { playerId: "d" } });
    for (const r of before.filter((x: { kind: string }) => x.kind === "create")) {
      expect(r).toMatchObject({ method: "POST", path: "/v1/picks" });
      expect(games.find((g) => g.id === r.body.gameId)!.players).toContain(r.body.playerId);
    }
    // Shuffled: not in user order. Deterministic: the same seed gives the same plan.
    expect(before.map((r: { userId: number }) => r.userId)).not.toEqual(users.map((u) => u.userId));
    expect(rushPlan({ users, games, existing, after: 10, seed: 5 })).toEqual(plan);
    // After kickoff: 10 more, never a change of a held pick into the game it is in (a new pick in another game).
    const after = plan.filter((r: { phase: string }) => r.phase === "after");
    expect(after).toHaveLength(10);
    for (const r of after) expect(r.kind).toBe("create");
  });
});

describe("judgeRush", () => {
  const kickoffAt = 1000;
  const outcome = (o: Partial<Record<string, unknown>>) => ({ phase: "before", kind: "create", status: 201, code: null, scheduledAt: 0, doneAt: 10, latencyMs: 10, ...o });

  it("counts picks made, lock refusals as kickoff passed, refusals after kickoff, and throughput over the window", () => {
    const outcomes = [
      outcome({ scheduledAt: 0, doneAt: 8, latencyMs: 8 }),
      outcome({ kind: "change", status: 200, scheduledAt: 500, doneAt: 520, latencyMs: 20 }),
      outcome({ status: 409, code: "game_locked", scheduledAt: 998, doneAt: 1003, latencyMs: 5 }),
      outcome({ phase: "after", status: 409, code: "game_locked", scheduledAt: 1000, doneAt: 1004 }),
    ];
    const judged = judgeRush({ outcomes, kickoffAt });
    expect(judged).toMatchObject({ before: 3, after: 1, accepted: 2, created: 1, changed: 1, lockRefusedBeforeKickoff: 1, lockRefusedAfterKickoff: 1, acceptedAfterKickoff: 0, errors: 0 });
    expect(judged.seconds).toBeCloseTo(1.003);
    expect(judged.rps).toBeCloseTo(3 / 1.003);
    expect(judged.latency).toMatchObject({ requests: 2, p50: 8, p99: 20 });
  });

  it("an answer after kickoff that accepts, any other status, and a lock refusal well before kickoff are errors or violations", () => {
    const judged = judgeRush({
      kickoffAt,
      outcomes: [
        outcome({ status: 422, code: "player_not_pickable" }),
        outcome({ status: 409, code: "game_locked", doneAt: 400 }),
        outcome({ status: 409, code: "duplicate_pick_in_game" }),
        outcome({ status: 0 }),
        outcome({ phase: "after", status: 201, scheduledAt: 1001, doneAt: 1010 }),
        outcome({ phase: "after", status: 500, scheduledAt: 1002, doneAt: 1010 }),
      ],
    });
    expect(judged.acceptedAfterKickoff).toBe(1);
    expect(judged.lockRefusedTooEarly).toBe(1);
    expect(judged.errors).toBe(5);
  });
});
