// `npm start`: the local demo, offline. On a fresh clone after `npm ci`:
//   1. creates .dev.vars from .dev.vars.example when missing (local secrets: ADMIN_TOKEN),
//   2. applies the migrations to the local D1 (wrangler d1 migrations apply DB --local, non-interactive),
//   3. loads the demo data demo/seed.sql (idempotent: a second start changes nothing) with its open week of 2026 chosen
//      for today (scripts/lib/demo-clock.ts: the next real week, or a real week moved to the coming days) and prints a
//      summary,
//   4. makes the demo player's one-time sign-in link and API token (new at every start, the previous ones stop working)
//      and prints them with the open week and a game of it, for the README's curl session,
//   5. runs `wrangler dev --port 8787` until Ctrl-C, and prints the sign-in link again once it answers.
//      Extra arguments go to wrangler dev: `npm start -- --ip 0.0.0.0`.
// The local D1 lives in .wrangler/state; delete .wrangler/ to start over.
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { constants } from "node:os";
import type { DemoSeed } from "./lib/demo-clock";
import type { DemoCredentials } from "./lib/demo-credentials";
import {
  ROOT,
  WRANGLER_BIN,
  applyMigrations,
  exitCodeOf,
  messageOf,
  printSummary,
  seedDemo,
  wranglerEnv,
  type SampleRow,
} from "./lib/local-d1";

const PORT = "8787";
const ORIGIN = `http://localhost:${PORT}`;

function ensureDevVars(): void {
  const devVars = join(ROOT, ".dev.vars");
  const example = join(ROOT, ".dev.vars.example");
  if (existsSync(devVars)) {
    if (existsSync(example)) warnMissingVars(devVars, example);
    return;
  }
  if (!existsSync(example)) {
    console.warn("No .dev.vars and no .dev.vars.example: starting without local secrets.");
    return;
  }
  copyFileSync(example, devVars);
  console.log("Created .dev.vars from .dev.vars.example (ADMIN_TOKEN=dev-admin-token, for local use only).");
}

/** A .dev.vars made before a secret joined the example lacks it (SESSION_SECRET: paged lists answer 500 without it). */
function warnMissingVars(devVars: string, example: string): void {
  const names = (file: string): Set<string> => new Set([...readFileSync(file, "utf8").matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].flatMap((m) => (m[1] ? [m[1]] : [])));
  const present = names(devVars);
  const missing = [...names(example)].filter((name) => !present.has(name));
  if (missing.length > 0) console.warn(`.dev.vars has no ${missing.join(", ")}: copy the line(s) from .dev.vars.example.`);
}

/** What a person needs first: how to sign in as the demo player, and the curl session's variables. */
function demoBanner({ seed, credentials, sample }: { seed: DemoSeed; credentials: DemoCredentials; sample: SampleRow | null }): string {
  const line = "-".repeat(100);
  const exports = [`TOKEN="Authorization: Bearer ${credentials.apiToken}"`, `WEEK=${seed.week}`];
  if (sample) exports.push(`GAME=${sample.game}`, `TEAM=${sample.team}`, ...(sample.player ? [`PLAYER=${sample.player}`] : []));
  return [
    line,
    `Open ${ORIGIN} and sign in as the demo player ${credentials.player} with this one-time link (good once, until ${credentials.expiresAt};`,
    "a new one at every start):",
    `  ${credentials.signInUrl}`,
    "",
    `Open for picks: ${seed.season} week ${seed.week}, ${seed.real ? "the real schedule" : `SHIFTED ${seed.shiftWeeks} week(s) ahead of the real one`}, ` +
      `first kickoff ${seed.firstKickoff}.` +
      (sample ? ` For example ${sample.game} (${sample.opponent} at ${sample.team}, ${sample.kickoff})${sample.player_name ? `, ${sample.player_name} of ${sample.team}` : ""}.` : ""),
    `The README's curl session as ${credentials.player} (this API token is replaced at every start):`,
    `  export ${exports.join(" ")}`,
    `  curl -s "${ORIGIN.replace("http://", "")}/v1/games?season=${seed.season}&week=$WEEK" -H "$TOKEN"`,
    line,
  ].join("\n");
}

/** Polls /health until wrangler dev answers (or gives up after 2 minutes), then calls `ready`. */
function whenServing(ready: () => void): void {
  const deadline = Date.now() + 120_000;
  const attempt = (): Promise<void> =>
    fetch(`${ORIGIN}/health`, { signal: AbortSignal.timeout(10_000) })
      .then((response) => (response.ok ? ready() : retry()))
      .catch(retry);
  const retry = (): void => {
    if (Date.now() < deadline) setTimeout(attempt, 500).unref();
  };
  setTimeout(attempt, 1_000).unref();
}

function startDev(onReady?: () => void): void {
  const args = [WRANGLER_BIN, "dev", "--port", PORT, ...process.argv.slice(2)];
  console.log(`Starting wrangler dev on http://localhost:${PORT} (Ctrl-C to stop) ...`);
  const child = spawn(process.execPath, args, { cwd: ROOT, env: wranglerEnv(), stdio: "inherit" });
  // Another --port given to wrangler: the link printed would be wrong; say nothing more then.
  if (onReady && !process.argv.slice(2).some((arg) => arg.startsWith("--port"))) whenServing(onReady);
  let stopping = false;
  const forward = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  process.on("SIGINT", () => forward("SIGINT"));
  process.on("SIGTERM", () => forward("SIGTERM"));
  process.on("SIGHUP", () => forward("SIGHUP"));
  child.on("error", (error) => {
    console.error(`could not start wrangler dev: ${error.message}`);
    process.exit(1);
  });
  child.on("exit", (code, signal) => {
    if (code !== null) process.exit(stopping && code !== 0 ? 0 : code);
    process.exit(stopping ? 0 : 128 + (signal ? constants.signals[signal] : 1));
  });
}

let signInUrl: string;
try {
  ensureDevVars();
  console.log("Applying migrations to the local D1 ...");
  applyMigrations();
  console.log("Loading the demo data (demo/seed.sql) ...");
  const { seed, credentials } = await seedDemo(new Date(), { credentials: true, origin: ORIGIN });
  const { sample } = printSummary({ open: seed, player: credentials.player });
  signInUrl = credentials.signInUrl;
  console.log(demoBanner({ seed, credentials, sample }));
} catch (error) {
  console.error(messageOf(error));
  process.exit(exitCodeOf(error));
}
startDev(() => console.log(`\nReady: open ${signInUrl} to sign in as the demo player (the curl variables are printed above).\n`));
