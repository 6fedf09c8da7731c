// `npm run job -- <job> [--season 2025] [--week 13] [--no-migrate]`: runs one ingestion job (src/jobs/registry.ts)
// from the command line against the LOCAL D1 (.wrangler/state), exactly as the Cron Trigger would run it, recorded in
// sync_runs with trigger 'cli'. Progress goes to stdout; at the end the run's row is printed.
//   1. applies the pending migrations to the local D1 (`wrangler d1 migrations apply DB --local`; --no-migrate skips),
//   2. bundles src/jobs/runner.ts with esbuild into .wrangler/cli/ and runs it in workerd (Miniflare, as wrangler
//      pins it) with the D1 binding and the vars wrangler derives from wrangler.toml and .dev.vars
//      (unstable_getMiniflareWorkerOptions, what getPlatformProxy uses),
//   3. runs runJob(env, { job, trigger: 'cli', season, week, progress }) there, printing each progress line as it comes.
// Why workerd and not getPlatformProxy's env in Node: through the proxy every D1 prepare() and bind() is a ~12 ms
// round trip, which made roster-sync take 9 s instead of 0.7 s; in workerd the job costs what it costs when deployed.
// Any var can be overridden from the environment, e.g. a local mirror of the upstream:
//   NFLVERSE_BASE_URL=http://127.0.0.1:8999 npm run job -- roster-sync --season 2025
// Exit code: 0 ok or partial, 1 the run failed (or could not start), 2 bad arguments.
import { applyMigrations, exitCodeOf, type Row } from "./lib/local-d1";
import { bundleSource, startLocalWorker } from "./lib/cli-runtime";

/** What the command line asked for. */
interface JobArgs {
  job: string;
  season: number | null;
  week: number | null;
  migrate: boolean;
}
type ParsedArgs = { help: true } | { error: string } | { args: JobArgs };

/** A sync_runs row (src/db/schema.ts), as the job's Worker answers it. */
interface SyncRunRow {
  id: number;
  job: string;
  trigger: string;
  season: number | null;
  week: number | null;
  status: string;
  error: string | null;
  started_at: string;
  finished_at: string | null;
  read_count: number;
  inserted_count: number;
  updated_count: number;
  unchanged_count: number;
  rejected_count: number;
  d1_rows_read: number;
  d1_rows_written: number;
  details: string | null;
}
/** A line of the job Worker's NDJSON answer. */
type JobMessage = { progress: string } | { fatal: string } | { report: { status: string } & Row; row: SyncRunRow };

const USAGE = (jobs: string[]): string => `usage: npm run job -- <job> [--season <yyyy>] [--week <1-22>] [--no-migrate]
  <job>         one of: ${jobs.join(", ")}
  --season      the season to sync (default: the SEASON var, else the season of today's date)
  --week        the week, for jobs that take one
  --no-migrate  do not apply pending migrations to the local D1 first
Vars of wrangler.toml can be overridden from the environment, e.g.
  NFLVERSE_BASE_URL=http://127.0.0.1:8999 npm run job -- roster-sync --season 2025`;

function parseArgs(argv: string[], jobs: string[]): ParsedArgs {
  const args: Omit<JobArgs, "job"> & { job: string | null } = { job: null, season: null, week: null, migrate: true };
  const fail = (message: string): ParsedArgs => ({ error: `${message}\n\n${USAGE(jobs)}` });
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline]: [string, string | undefined] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    if (flag === "--help" || flag === "-h") return { help: true };
    if (flag === "--no-migrate") {
      args.migrate = false;
    } else if (flag === "--season" || flag === "--week") {
      const value = inline ?? argv[++i];
      if (value === undefined || !/^\d+$/.test(value)) return fail(`${flag} needs a whole number, got '${value ?? ""}'`);
      const number = Number(value);
      if (flag === "--season" && (number < 1999 || number > 2100)) return fail(`--season ${value} is not a season (1999-2100)`);
      if (flag === "--week" && (number < 1 || number > 22)) return fail(`--week ${value} is not a week (1-22)`);
      if (flag === "--season") args.season = number;
      else args.week = number;
    } else if (arg.startsWith("-")) {
      return fail(`unknown option '${arg}'`);
    } else if (args.job === null) {
      args.job = arg;
    } else {
      return fail(`unexpected argument '${arg}'`);
    }
  }
  if (args.job === null) return fail("no job named");
  if (!jobs.includes(args.job)) return fail(`unknown job '${args.job}'`);
  return { args: { ...args, job: args.job } };
}

function printRun(row: SyncRunRow): void {
  const details: Record<string, unknown> | null = row.details ? JSON.parse(row.details) : null;
  const lines = [
    "",
    `sync_runs #${row.id}: ${row.job} (trigger ${row.trigger}, season ${row.season ?? "-"}, week ${row.week ?? "-"})`,
    `  status          ${row.status}${row.error ? `: ${row.error}` : ""}`,
    `  started         ${row.started_at}   finished ${row.finished_at ?? "-"}`,
    `  upstream rows   read ${row.read_count}, inserted ${row.inserted_count}, updated ${row.updated_count}, ` +
      `unchanged ${row.unchanged_count}, rejected ${row.rejected_count}`,
    `  d1 rows         read ${row.d1_rows_read}, written ${row.d1_rows_written}`,
  ];
  if (details) {
    lines.push("  details");
    for (const [key, value] of Object.entries(details)) {
      let text = JSON.stringify(value);
      if (Array.isArray(value) && value.length > 3) text = `${value.length} shown, first: ${JSON.stringify(value.slice(0, 3))}`;
      if (text.length > 300) text = `${text.slice(0, 297)}...`;
      lines.push(`    ${key.padEnd(34)} ${text}`);
    }
  }
  console.log(lines.join("\n"));
}

/** The Worker the job runs in: POST {job, season, week} answers NDJSON lines, {progress} as they come, then {report, row}. */
const WORKER_ENTRY = `
import { runJob } from "./src/jobs/runner.ts";
export default {
  async fetch(request, env, ctx) {
    const { job, season, week } = await request.json();
    const { readable, writable } = new TransformStream();
    const writer = writable.getWriter();
    const encoder = new TextEncoder();
    const send = (message) => writer.write(encoder.encode(JSON.stringify(message) + "\\n"));
    ctx.waitUntil((async () => {
      try {
        const hasRunLog = await env.DB.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'sync_runs'").first("n");
        if (!hasRunLog) {
          await send({ fatal: "The local D1 has no sync_runs table: apply the migrations first (npm run db:migrate:local, or drop --no-migrate)." });
          return;
        }
        const report = await runJob(env, { job, trigger: "cli", season, week, progress: (message) => { send({ progress: message }); } });
        const row = await env.DB.prepare("SELECT * FROM sync_runs WHERE id = ?").bind(report.runId).first();
        await send({ report, row });
      } catch (error) {
        await send({ fatal: String(error && error.stack ? error.stack : error) });
      } finally {
        await writer.close();
      }
    })());
    return new Response(readable, { headers: { "content-type": "application/x-ndjson" } });
  },
};
`;

async function main(): Promise<number> {
  const started = Date.now();
  // Only the registry's names are read here; the jobs themselves run in workerd (WORKER_ENTRY).
  const { JOBS } = await bundleSource<{ JOBS: Record<string, unknown> }>("job-registry", { "src/jobs/registry.ts": ["JOBS"] });
  const jobs = Object.keys(JOBS);
  const parsed = parseArgs(process.argv.slice(2), jobs);
  if ("help" in parsed) {
    console.log(USAGE(jobs));
    return 0;
  }
  if ("error" in parsed) {
    console.error(parsed.error);
    return 2;
  }
  const { job, season, week, migrate } = parsed.args;

  if (migrate) {
    console.log("Applying pending migrations to the local D1 ...");
    applyMigrations();
  } else {
    console.log("Not applying migrations (--no-migrate): the local D1 must be at the latest migration.");
  }

  const worker = await startLocalWorker("job", WORKER_ENTRY);
  try {
    if (worker.overridden.length > 0) console.log(`Vars overridden from the environment: ${worker.overridden.join(", ")}`);
    console.log(`Running ${job} (trigger cli${season ? `, season ${season}` : ""}${week ? `, week ${week}` : ""}) in workerd against the local D1 ...`);
    const jobStarted = Date.now();
    const response = await worker.mf.dispatchFetch("http://job.local/run", { method: "POST", body: JSON.stringify({ job, season, week }) });
    let final: Exclude<JobMessage, { progress: string }> | null = null;
    let buffered = "";
    const decoder = new TextDecoder();
    /** Prints a progress line; answers the run's last word (its report, or why it could not run). */
    const handle = (line: string): Exclude<JobMessage, { progress: string }> | null => {
      if (line.trim() === "") return null;
      const message: JobMessage = JSON.parse(line);
      if (!("progress" in message)) return message;
      console.log(message.progress);
      return null;
    };
    if (!response.body) throw new Error("the job's Worker answered without a body");
    for await (const chunk of response.body) {
      buffered += decoder.decode(chunk, { stream: true });
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) final = handle(line) ?? final;
    }
    final = handle(buffered) ?? final;
    const jobMs = Date.now() - jobStarted;
    if (!final || "fatal" in final) {
      console.error(final?.fatal ?? "the job ended without a report");
      return 1;
    }
    printRun(final.row);
    console.log(`  wall time       job ${(jobMs / 1000).toFixed(2)} s, command ${((Date.now() - started) / 1000).toFixed(2)} s`);
    return final.report.status === "failed" ? 1 : 0;
  } finally {
    await worker.dispose();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(exitCodeOf(error));
  },
);
