#!/usr/bin/env node
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
import { applyMigrations } from "./lib/local-d1.mjs";
import { bundleSource, startLocalWorker } from "./lib/cli-runtime.mjs";

const USAGE = (jobs) => `usage: npm run job -- <job> [--season <yyyy>] [--week <1-22>] [--no-migrate]
  <job>         one of: ${jobs.join(", ")}
  --season      the season to sync (default: the SEASON var, else the season of today's date)
  --week        the week, for jobs that take one
  --no-migrate  do not apply pending migrations to the local D1 first
Vars of wrangler.toml can be overridden from the environment, e.g.
  NFLVERSE_BASE_URL=http://127.0.0.1:8999 npm run job -- roster-sync --season 2025`;

function parseArgs(argv, jobs) {
  const args = { job: null, season: null, week: null, migrate: true };
  const fail = (message) => ({ error: `${message}\n\n${USAGE(jobs)}` });
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    if (flag === "--help" || flag === "-h") return { help: true };
    if (flag === "--no-migrate") {
      args.migrate = false;
    } else if (flag === "--season" || flag === "--week") {
      const value = inline ?? argv[++i];
      if (value === undefined || !/^\d+$/.test(value)) return fail(`${flag} needs a whole number, got '${value ?? ""}'`);
      const number = Number(value);
      if (flag === "--season" && (number < 1999 || number > 2100)) return fail(`--season ${value} is not a season (1999-2100)`);
      if (flag === "--week" && (number < 1 || number > 22)) return fail(`--week ${value} is not a week (1-22)`);
      args[flag.slice(2)] = number;
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
  return { args };
}

function printRun(row) {
  const details = row.details ? JSON.parse(row.details) : null;
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

async function main() {
  const started = Date.now();
  const { JOBS } = await bundleSource("job-registry", { "src/jobs/registry.ts": ["JOBS"] });
  const jobs = Object.keys(JOBS);
  const parsed = parseArgs(process.argv.slice(2), jobs);
  if (parsed.help) {
    console.log(USAGE(jobs));
    return 0;
  }
  if (parsed.error) {
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
    let final = null;
    let buffered = "";
    const decoder = new TextDecoder();
    const handle = (line) => {
      if (line.trim() === "") return;
      const message = JSON.parse(line);
      if (message.progress !== undefined) console.log(message.progress);
      else final = message;
    };
    for await (const chunk of response.body) {
      buffered += decoder.decode(chunk, { stream: true });
      const lines = buffered.split("\n");
      buffered = lines.pop();
      lines.forEach(handle);
    }
    handle(buffered);
    const jobMs = Date.now() - jobStarted;
    if (!final || final.fatal) {
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
  (error) => {
    console.error(error?.stack ?? String(error));
    process.exit(error?.exitCode ?? 1);
  },
);
