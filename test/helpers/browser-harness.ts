/**
 * What the real-browser tests (test/**\/*.browser.ts, `npm run test:browser`) share: the Worker started by wrangler's
 * unstable_startWorker against a temporary local D1 with the migrations and the demo data as `npm start` loads it
 * today (demo/seed.sql, its open week still ahead: scripts/lib/demo-clock.ts), and Debian's chromium driven through
 * playwright-core. They run in Node, not workerd: nothing here may import cloudflare:test.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { LaunchOptions } from "playwright-core";
import { unstable_startWorker } from "wrangler";
import { demoSeedFor } from "../../scripts/lib/local-d1";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Headless, offline and quiet: no GPU, no QUIC, none of chromium's own calls home. */
export const CHROMIUM_LAUNCH: LaunchOptions = {
  executablePath: CHROMIUM,
  headless: true,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};

/** Offline and quiet wrangler, as scripts/lib/local-d1.ts runs it. */
const WRANGLER_ENV = {
  ...process.env,
  CI: "true",
  WRANGLER_HIDE_BANNER: "true",
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_SEND_ERROR_REPORTS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
};
// unstable_startWorker runs in this process: the same switches for it.
for (const key of ["WRANGLER_SEND_METRICS", "WRANGLER_SEND_ERROR_REPORTS", "CLOUDFLARE_CF_FETCH_ENABLED"] as const) process.env[key] ??= WRANGLER_ENV[key];

/** Runs the project's wrangler to completion (no stdin, CI=true: never a question); its stdout, or a thrown error. */
export function wrangler(args: string[]): string {
  const result = spawnSync(process.execPath, [join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js"), ...args], {
    cwd: ROOT,
    env: WRANGLER_ENV,
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`wrangler ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** What the demo loaded (scripts/lib/demo-clock.ts seedForDate): its open week among others. */
export interface DemoSeed {
  season: number;
  week: number;
  firstKickoff: string;
}

export interface LocalWorker {
  /** `http://localhost:<port>`: a page opened here has the RP ID passkeys need (an IP address is never one). */
  origin: string;
  /** `http://127.0.0.1:<port>`: the same Worker for the test's own requests (Node may resolve localhost to ::1). */
  loopbackOrigin: string;
  /** A folder of the test's own (a browser profile, say), removed with the rest by dispose. */
  scratch: string;
  seed: DemoSeed;
  /** A /v1 request (JSON), with the operator's token unless `token` says otherwise (null: none); throws unless 2xx. */
  api(path: string, init?: { method?: string; body?: unknown; token?: string | null }): Promise<any>;
  /** Runs SQL on the Worker's local D1 (a second wrangler on the same files, as an operator's `d1 execute` would). */
  sql(command: string): Record<string, unknown>[];
  dispose(): Promise<void>;
}

/**
 * A temporary local D1 with the migrations applied and the demo loaded as of now, and the Worker on it, with our own
 * admin token and session secret (whatever .dev.vars says; no quality webhook). `vars` replace other vars.
 */
export async function startDemoWorker(options: { name: string; adminToken: string; vars?: Record<string, string> }): Promise<LocalWorker> {
  const tmp = mkdtempSync(join(tmpdir(), `firsttd-${options.name}-`));
  const persist = join(tmp, "state");
  const d1 = ["d1", "execute", "DB", "--local", "--persist-to", persist, "--yes"];
  let worker: Awaited<ReturnType<typeof unstable_startWorker>> | undefined;
  try {
    wrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", persist]);
    const seed = demoSeedFor(new Date());
    const seedFile = join(tmp, "seed.sql");
    writeFileSync(seedFile, seed.sql);
    wrangler([...d1, "--file", seedFile]);

    const vars: Record<string, string> = {
      ADMIN_TOKEN: options.adminToken,
      SESSION_SECRET: `browser-session-secret-${crypto.randomUUID()}`,
      QUALITY_WEBHOOK_URL: "",
      ...options.vars,
    };
    worker = await unstable_startWorker({
      config: join(ROOT, "wrangler.toml"),
      bindings: Object.fromEntries(Object.entries(vars).map(([name, value]) => [name, { type: "plain_text" as const, value }])),
      sendMetrics: false,
      dev: { persist, server: { hostname: "127.0.0.1", port: 0 }, inspector: false, watch: false, logLevel: "warn" },
    });
    await worker.ready;
    const port = (await worker.url).port;
    const loopbackOrigin = `http://127.0.0.1:${port}`;
    const started = worker;
    return {
      origin: `http://localhost:${port}`,
      loopbackOrigin,
      scratch: tmp,
      seed: { season: seed.season, week: seed.week, firstKickoff: seed.firstKickoff },
      async api(path, init = {}) {
        const token = init.token === undefined ? options.adminToken : init.token;
        const response = await fetch(`${loopbackOrigin}${path}`, {
          method: init.method ?? "GET",
          headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.body ? { "content-type": "application/json" } : {}) },
          body: init.body ? JSON.stringify(init.body) : undefined,
        });
        const json = (await response.json()) as any;
        if (!response.ok) throw new Error(`${init.method ?? "GET"} ${path}: ${response.status} ${JSON.stringify(json)}`);
        return json;
      },
      sql(command) {
        const out = wrangler([...d1, "--json", "--command", command]);
        return (JSON.parse(out.slice(out.search(/^\[/m)))[0]?.results ?? []) as Record<string, unknown>[];
      },
      async dispose() {
        await started.dispose();
        rmSync(tmp, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await worker?.dispose();
    rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
}

export function chromiumIsInstalled(): boolean {
  return existsSync(CHROMIUM);
}
