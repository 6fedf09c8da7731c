// The Worker under test, locally and offline: a temporary persist directory (never .wrangler/state), the migrations
// applied there by wrangler itself (`wrangler d1 migrations apply DB --local --persist-to <tmp>`), the bench Worker
// (bench/worker.ts: the production Worker of src/index.ts wrapped with the D1 meter and the /__bench routes) bundled
// by esbuild as wrangler bundles it, and run in workerd by the Miniflare that this wrangler pins, with the bindings
// wrangler derives from wrangler.toml (vars, D1, rate limiter) plus the bench's own vars (ENVIRONMENT=bench,
// ADMIN_TOKEN, NFLVERSE_BASE_URL). The Worker listens on 127.0.0.1 and is measured over HTTP.
import { spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, mkdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { pathToFileURL } from "node:url";
import type { Miniflare } from "miniflare";
import { ROOT, WRANGLER_BIN, wranglerEnv } from "./wrangler-env";
import { WORKERD_BUNDLE } from "../lib/workerd-bundle";

export function offlineEnv(): NodeJS.ProcessEnv {
  return wranglerEnv({ CI: "true", WRANGLER_HIDE_BANNER: "true" });
}

export function makeTempDir(): string {
  return mkdtempSync(join(tmpdir(), "firsttd-bench-"));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** `wrangler d1 migrations apply DB --local --persist-to <dir>` (the developer's command, on a throwaway directory). */
export function applyMigrations(persistDir: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRANGLER_BIN, "d1", "migrations", "apply", "DB", "--local", "--persist-to", persistDir], {
      cwd: ROOT,
      env: offlineEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.stderr.on("data", (d: Buffer) => (out += d));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`wrangler d1 migrations apply failed (exit ${code}):\n${out.slice(-3000)}`));
      // The pattern's one group always takes part in a match.
      const applied = [...out.slice(out.lastIndexOf("│ name")).matchAll(/│\s*(\S+\.sql)\s*│\s*✅/g)].map((m) => m[1] as string);
      resolve(applied);
    });
  });
}

export function migrationFiles(): string[] {
  return readdirSync(join(ROOT, "drizzle")).filter((f) => /^\d{4}_.*\.sql$/.test(f)).sort();
}

/** Bundles the bench Worker (bench/worker.ts, which wraps src/index.ts) as wrangler would: ESM, workerd conditions. */
export async function buildWorker(outDir: string): Promise<string> {
  const { build } = await import("esbuild");
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, "worker.mjs");
  await build({
    entryPoints: [join(ROOT, "bench", "worker.ts")],
    ...WORKERD_BUNDLE,
    outfile,
    logLevel: "warning",
  });
  return outfile;
}

export function randomToken(prefix: string): string {
  return `${prefix}_${randomBytes(18).toString("base64url")}`;
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The Worker as startWorker() started it. */
export interface StartedWorker {
  url: string;
  inspectorUrl: string | null;
  mf: Miniflare;
  adminToken: string;
  workerdPid: number | null;
  logTail(): string;
  dispose(): Promise<void>;
}

/**
 * Starts the Worker. Returns { url, mf, adminToken, workerdPid, logTail(), dispose() }.
 * The Worker's stdout (one JSON log line per request) goes to a bounded buffer, not the terminal.
 */
export async function startWorker({ scriptPath, persistDir, vars }: { scriptPath: string; persistDir: string; vars: Record<string, string> }): Promise<StartedWorker> {
  for (const [key, value] of Object.entries(offlineEnv())) process.env[key] ??= value;
  const { unstable_getMiniflareWorkerOptions } = await import("wrangler");
  const { workerOptions } = unstable_getMiniflareWorkerOptions(join(ROOT, "wrangler.toml"));
  const miniflarePath = createRequire(join(ROOT, "node_modules", "wrangler", "package.json")).resolve("miniflare");
  const { Miniflare, Log, LogLevel }: typeof import("miniflare") = await import(pathToFileURL(miniflarePath).href);
  const adminToken = randomToken("bench_admin");
  // Only string vars come from wrangler.toml: secrets from a developer's .dev.vars are not used.
  const tomlVars = Object.fromEntries(Object.entries(workerOptions.bindings ?? {}).filter(([k]) => k !== "ADMIN_TOKEN"));
  const tail: string[] = [];
  const keep = (chunk: unknown) => {
    for (const line of String(chunk).split("\n")) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > 200) tail.shift();
    }
  };
  const mf = new Miniflare({
    modules: true,
    scriptPath,
    modulesRoot: dirname(scriptPath),
    compatibilityDate: workerOptions.compatibilityDate,
    compatibilityFlags: workerOptions.compatibilityFlags,
    // SESSION_SECRET signs the leaderboard cursors (without it paged lists answer 500).
    bindings: { ...tomlVars, ...vars, ADMIN_TOKEN: adminToken, SESSION_SECRET: randomToken("bench_session") },
    d1Databases: workerOptions.d1Databases,
    // The other bindings of wrangler.toml, in memory (KV: the edge cache's versions; R2: archives; queue producers:
    // notifications, left unconsumed: the bench Worker consumes no queue, nothing goes out).
    kvNamespaces: workerOptions.kvNamespaces,
    r2Buckets: workerOptions.r2Buckets,
    queueProducers: workerOptions.queueProducers,
    // The read budget (600 a minute per token) would refuse the throughput phases, which send thousands of reads a
    // minute with one token: the same binding and call per request, with a limit the bench cannot reach. Changes keep
    // wrangler.toml's budget (the pick scenario spreads them over users).
    ratelimits: { ...workerOptions.ratelimits, READ_RATE_LIMITER: { simple: { limit: 1_000_000_000, period: 60 } } },
    d1Persist: join(persistDir, "v3", "d1"),
    host: "127.0.0.1",
    port: 0,
    // The V8 inspector of workerd, for the isolate's heap (Runtime.getHeapUsage); only 127.0.0.1.
    inspectorPort: 0,
    log: new Log(LogLevel.WARN),
    handleRuntimeStdio(stdout: Readable, stderr: Readable) {
      stdout.on("data", keep);
      stderr.on("data", keep);
    },
  });
  let url;
  try {
    url = await mf.ready;
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${tail.slice(-30).join("\n")}`);
  }
  const inspector = await mf.getInspectorURL().catch(() => null);
  return {
    url: String(url).replace(/\/$/, ""),
    inspectorUrl: inspector ? String(inspector) : null,
    mf,
    adminToken,
    workerdPid: findWorkerdPid(),
    logTail: () => tail.slice(-40).join("\n"),
    dispose: () => mf.dispose(),
  };
}

/** The workerd process Miniflare spawned (a child of this process). */
function findWorkerdPid(): number | null {
  const candidates: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (comm.startsWith("workerd") && ppid === process.pid) candidates.push(Number(entry));
    } catch {
      // the process ended
    }
  }
  return candidates.sort((a, b) => b - a)[0] ?? null;
}

/** Resident memory of a process in MB (VmRSS) and its high-water mark (VmHWM), from /proc. */
export function processMemory(pid: number | null): { rssMb: number; hwmMb: number } | null {
  if (!pid) return null;
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
    return { rssMb: kb("VmRSS") / 1024, hwmMb: kb("VmHWM") / 1024 };
  } catch {
    return null;
  }
}

/** Samples the workerd RSS every `everyMs`, per phase (label), keeping each phase's peak. */
export function memorySampler(pid: number | null, everyMs = 200) {
  const peaks: Record<string, number> = {};
  let phase = "start";
  const sample = () => {
    const m = processMemory(pid);
    if (!m) return;
    peaks[phase] = Math.max(peaks[phase] ?? 0, m.rssMb);
  };
  sample();
  const timer = setInterval(sample, everyMs);
  timer.unref();
  return {
    setPhase(name: string) {
      sample();
      phase = name;
      sample();
    },
    peaks: () => ({ ...peaks }),
    current: () => processMemory(pid),
    stop: () => clearInterval(timer),
  };
}

/** The isolate's V8 heap while sampled, MB (heapSampler): `error` when it could not be sampled. */
export interface HeapPeaks {
  usedMb: number;
  minUsedMb: number;
  totalMb: number;
  samples: number;
  error?: string;
}

/** The live heap after a full collection, MB; `error` when it could not be taken. */
export interface LiveHeap {
  usedMb?: number;
  totalMb?: number;
  error?: string;
}

/** A frame of V8's sampling heap profile (HeapProfiler.stopSampling), with what it allocated itself. */
export interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children?: ProfileNode[];
}
export interface SamplingHeapProfile {
  head: ProfileNode;
}

/**
 * What heapSampler() gives. Without an inspector (or its target) only peaks, collected, reset and stop are there;
 * startSampling and stopSampling need it.
 */
export interface HeapSampler {
  peaks(): HeapPeaks;
  startSampling?(): Promise<unknown>;
  stopSampling?(): Promise<SamplingHeapProfile>;
  collected(): Promise<LiveHeap | null>;
  reset(): void;
  stop(): void;
}

/** A target of workerd's DevTools endpoint (GET <inspector>/json). */
export interface InspectorTarget {
  title: string;
  webSocketDebuggerUrl: string;
}

/** Runtime.getHeapUsage's answer, bytes. */
export interface HeapUsage {
  usedSize: number;
  totalSize: number;
}

/**
 * The part of the `ws` package's WebSocket (miniflare's own dependency, loaded from miniflare's directory; no types
 * are installed for it) that the inspector clients use.
 */
export interface InspectorSocket {
  readyState: number;
  once(event: "open" | "error", listener: (value: unknown) => void): void;
  on(event: "message" | "error", listener: (data: unknown) => void): void;
  off(event: "message", listener: (data: unknown) => void): void;
  send(data: string): void;
  close(): void;
}
export type InspectorSocketClass = new (url: string) => InspectorSocket;

/**
 * Samples the V8 heap of the Worker's isolate (workerd's inspector, target "core:user:", Runtime.getHeapUsage)
 * every `everyMs`: what the 128 MB Workers limit is about, without the local D1 (SQLite) that shares the process.
 */
export async function heapSampler(inspectorUrl: string | null, everyMs = 250): Promise<HeapSampler> {
  // usedMb: peak of used heap (live objects + garbage not yet collected); minUsedMb: its lowest sample, about the
  // live set right after a collection; totalMb: peak heap reserved by V8.
  const peaks: HeapPeaks = { usedMb: 0, minUsedMb: Infinity, totalMb: 0, samples: 0 };
  const none = async () => null;
  if (!inspectorUrl) return { peaks: () => ({ ...peaks, error: "no inspector" }), collected: none, reset() {}, stop() {} };
  try {
    const base = inspectorUrl.replace(/^ws:/, "http:").replace(/\/?$/, "/");
    const targets = (await (await fetch(`${base}json`)).json()) as InspectorTarget[];
    const target = targets.find((t) => /core:user:/.test(t.webSocketDebuggerUrl) || /core:user:/.test(t.title));
    if (!target) return { peaks: () => ({ ...peaks, error: "no core:user target" }), collected: none, reset() {}, stop() {} };
    const miniflarePath = createRequire(join(ROOT, "node_modules", "wrangler", "package.json")).resolve("miniflare");
    const { default: WebSocket }: { default: InspectorSocketClass } = await import(pathToFileURL(createRequire(miniflarePath).resolve("ws")).href);
    const ws = new WebSocket(target.webSocketDebuggerUrl);
    await new Promise((resolve, reject) => {
      ws.once("open", resolve);
      ws.once("error", reject);
    });
    let id = 0;
    const waiting = new Map<number, (result: unknown) => void>();
    ws.on("message", (data) => {
      const text = String(data);
      // A heap snapshot arrives as thousands of chunks: not parsed.
      if (text.startsWith('{"method":"HeapProfiler.addHeapSnapshotChunk"')) return;
      // An answer to one of the requests below (or an event): the usedSize check tells getHeapUsage's apart.
      const message = JSON.parse(text) as { id?: number; result?: HeapUsage };
      if (waiting.has(message.id as number)) {
        (waiting.get(message.id as number) as (result: unknown) => void)(message.result);
        waiting.delete(message.id as number);
      }
      const r = message.result;
      if (r && typeof r.usedSize === "number") {
        peaks.samples += 1;
        peaks.usedMb = Math.max(peaks.usedMb, r.usedSize / 1048576);
        peaks.minUsedMb = Math.min(peaks.minUsedMb, r.usedSize / 1048576);
        peaks.totalMb = Math.max(peaks.totalMb, r.totalSize / 1048576);
      }
    });
    ws.on("error", () => {});
    const timer = setInterval(() => {
      if (ws.readyState === 1) ws.send(JSON.stringify({ id: ++id, method: "Runtime.getHeapUsage" }));
    }, everyMs);
    timer.unref();
    // `T`: the shape of the method's result (the inspector's JSON, as the DevTools protocol describes it).
    const ask = <T>(method: string, params?: Record<string, unknown>) =>
      new Promise<T>((resolve, reject) => {
        const mine = ++id;
        const timer = setTimeout(() => {
          waiting.delete(mine);
          reject(new Error(`inspector: no answer to ${method}`));
        }, 300000);
        waiting.set(mine, (result) => {
          clearTimeout(timer);
          resolve(result as T);
        });
        ws.send(JSON.stringify({ id: mine, method, params }));
      });
    return {
      peaks: () => ({ ...peaks }),
      /**
       * V8's sampling heap profiler with the objects that garbage collection already took (what a request allocates,
       * not only what it keeps): start, then stop() gives the profile's tree of call frames with self sizes.
       */
      startSampling: () =>
        ask("HeapProfiler.startSampling", { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true }),
      stopSampling: async () => (await ask<{ profile: SamplingHeapProfile }>("HeapProfiler.stopSampling")).profile,
      /**
       * The live heap: a heap snapshot (V8 collects all garbage before it takes one; workerd does not answer
       * HeapProfiler.collectGarbage), then the usage. MB used / reserved.
       */
      async collected() {
        await ask("HeapProfiler.takeHeapSnapshot");
        const usage = await ask<HeapUsage>("Runtime.getHeapUsage");
        return { usedMb: usage.usedSize / 1048576, totalMb: usage.totalSize / 1048576 };
      },
      reset() {
        peaks.usedMb = 0;
        peaks.minUsedMb = Infinity;
        peaks.totalMb = 0;
        peaks.samples = 0;
      },
      stop() {
        clearInterval(timer);
        ws.close();
      },
    };
  } catch (error) {
    return { peaks: () => ({ ...peaks, error: String(error) }), collected: async () => null, reset() {}, stop() {} };
  }
}

function sqliteFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".sqlite")) found.push(path);
    }
  };
  walk(dir);
  return found;
}

/** A table's size with its indexes (dbstat through the sqlite3 shell), bytes. */
export interface TableSize {
  tbl: string;
  bytes: number;
  indexBytes: number;
}

/** databaseSize(): `bytes` null (and `error`) when no SQLite file was found. */
export interface DatabaseSize {
  file?: string;
  bytes: number | null;
  walBytes?: number;
  limitBytes?: number;
  bytesPerPick?: number;
  byTable?: TableSize[] | null;
  byTableError?: string;
  picksTableBytesPerPick?: number;
  error?: string;
}

/**
 * The local D1's size: its SQLite file (page_count x page_size, which D1 will not tell: PRAGMA page_count is not
 * authorized and dbstat is not compiled in) plus its write-ahead log; per table (its indexes included) from dbstat
 * when a sqlite3 shell is on the PATH (read-only, beside the running workerd). `picks`: the pick count, for bytes per
 * pick.
 */
export function databaseSize(persistDir: string, { picks }: { picks?: number } = {}): DatabaseSize {
  const files = sqliteFiles(join(persistDir, "v3", "d1")).map((file) => ({ file, bytes: statSync(file).size }));
  const main = files.sort((a, b) => b.bytes - a.bytes)[0];
  if (!main) return { bytes: null, error: "no SQLite file found" };
  const wal = existsSync(`${main.file}-wal`) ? statSync(`${main.file}-wal`).size : 0;
  const result: DatabaseSize = { file: main.file.slice(persistDir.length + 1), bytes: main.bytes, walBytes: wal, limitBytes: 10 * 1e9 };
  if (picks) result.bytesPerPick = main.bytes / picks;
  const shell = spawnSync("sqlite3", ["-readonly", "-json", main.file,
    `SELECT coalesce(m.tbl_name, d.name) AS tbl, sum(d.pgsize) AS bytes, sum(CASE WHEN m.type = 'index' THEN d.pgsize ELSE 0 END) AS indexBytes
     FROM dbstat d LEFT JOIN sqlite_master m ON m.name = d.name GROUP BY tbl ORDER BY bytes DESC`], { encoding: "utf8", maxBuffer: 1 << 24 });
  if (shell.error || shell.status !== 0) {
    result.byTable = null;
    result.byTableError = shell.error ? `no sqlite3 shell (${(shell.error as NodeJS.ErrnoException).code})` : shell.stderr.trim().slice(0, 200);
  } else {
    result.byTable = JSON.parse(shell.stdout || "[]") as TableSize[];
    const p = result.byTable.find((t) => t.tbl === "picks");
    if (p && picks) result.picksTableBytesPerPick = p.bytes / picks;
  }
  return result;
}

/**
 * Where a sampled allocation profile's bytes were allocated, by source module of the bundle: esbuild marks each
 * module's code with a `// path` line; packages are summed by name (node_modules/<pkg>), the Worker's own code by file.
 */
export function allocationsByModule(profile: SamplingHeapProfile, bundleFile: string): { total: number; byModule: [string, number][] } {
  const lines = readFileSync(bundleFile, "utf8").split("\n");
  const starts: [number, string][] = [];
  lines.forEach((line, i) => {
    const m = /^\/\/ (\S+\.(?:m?[jt]sx?|cjs|json))$/.exec(line);
    if (m) starts.push([i, m[1] as string]);
  });
  const moduleOf = (line: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    let found = null;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      // lo <= mid <= hi: an index of `starts`.
      if ((starts[mid] as [number, string])[0] <= line) {
        found = (starts[mid] as [number, string])[1];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (!found) return "(runtime or outside the bundle)";
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(found);
    return pkg ? (pkg[1] as string) : found;
  };
  const bytes = new Map<string, number>();
  let total = 0;
  const walk = (node: ProfileNode) => {
    if (node.selfSize) {
      const frame = node.callFrame;
      const key = frame.url && bundleFile.endsWith(frame.url.split("/").pop() as string) ? moduleOf(frame.lineNumber) : frame.url ? "(other script)" : `(native: ${frame.functionName || "anonymous"})`;
      bytes.set(key, (bytes.get(key) ?? 0) + node.selfSize);
      total += node.selfSize;
    }
    for (const child of node.children ?? []) walk(child);
  };
  walk(profile.head);
  return { total, byModule: [...bytes.entries()].sort((a, b) => b[1] - a[1]) };
}
