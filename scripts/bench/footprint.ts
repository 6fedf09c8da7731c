// Cold start and memory footprint of the Worker (issue 15: "Cold start", "Memory headroom").
//
// - productionBundle(): the bundle `wrangler deploy` uploads (`wrangler deploy --dry-run --outdir`, as
//   test/build/production-bundle.node.ts builds it), raw and gzipped, against the issue's 1 MB gzipped.
// - measureVariant(): a fresh workerd (Miniflare, wrangler.toml's bindings) per run: time until it listens (workerd
//   loads and evaluates the Worker's modules before that), time to the first answer (a 404 through the whole
//   middleware chain), and the isolate's V8 heap after startup and one request, after a full garbage collection
//   (HeapProfiler.collectGarbage, then Runtime.getHeapUsage on workerd's core:user target): the live set that
//   startup leaves behind, and what V8 has reserved. The same for a trivial Worker gives workerd's own share.
//
// `npm run bench` reports the production bundle and its startup (5 fresh starts against a trivial Worker);
// `npx tsx scripts/bench/footprint.ts` also compares variants built from src/index.ts with parts stubbed out
// (@simplewebauthn/server, the web app's pages, everything but a bare Hono / OpenAPIHono) to see what the heap holds.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import type { PluginBuild } from "esbuild";
import type { HeapUsage, InspectorSocketClass, InspectorTarget } from "./runtime";
import { ROOT, WRANGLER_BIN, wranglerEnv } from "./wrangler-env";
import { WORKERD_BUNDLE } from "../lib/workerd-bundle";

/** The issue's budget for the production bundle, gzipped. */
export const BUNDLE_GZIP_LIMIT = 1024 * 1024;

/** `wrangler deploy --dry-run --outdir <dir>`: the module wrangler would upload, its size raw and gzipped (level 9). */
export function productionBundle(outDir: string): { file: string; bytes: number; gzipBytes: number; wranglerSays: string | null } {
  const result = spawnSync(process.execPath, [WRANGLER_BIN, "deploy", "--dry-run", "--outdir", outDir], {
    cwd: ROOT,
    env: wranglerEnv({ CI: "true", WRANGLER_HIDE_BANNER: "true" }),
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`wrangler deploy --dry-run failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
  const file = join(outDir, "index.js");
  const bytes = readFileSync(file);
  const wranglerLine = /Total Upload: ([^\n]+)/.exec(result.stdout + result.stderr)?.[1]?.trim() ?? null;
  return { file, bytes: bytes.byteLength, gzipBytes: gzipSync(bytes, { level: 9 }).byteLength, wranglerSays: wranglerLine };
}

async function miniflareModule(): Promise<{ module: typeof import("miniflare"); path: string }> {
  const path = createRequire(join(ROOT, "node_modules", "wrangler", "package.json")).resolve("miniflare");
  return { module: await import(pathToFileURL(path).href), path };
}

/** workerd's DevTools websocket of the Worker's isolate (target "core:user:"), open. */
async function openUserInspector(inspectorUrl: URL) {
  const base = String(inspectorUrl).replace(/^ws:/, "http:").replace(/\/?$/, "/");
  const targets = (await (await fetch(`${base}json`)).json()) as InspectorTarget[];
  const target = targets.find((t) => /core:user:/.test(t.webSocketDebuggerUrl) || /core:user:/.test(t.title));
  if (!target) throw new Error("no core:user inspector target");
  const { path } = await miniflareModule();
  const { default: WebSocket }: { default: InspectorSocketClass } = await import(pathToFileURL(createRequire(path).resolve("ws")).href);
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  return ws;
}

/** One inspector request/response over workerd's DevTools websocket. `T`: the methods' results (the inspector's JSON). */
async function inspect<T extends unknown[]>(inspectorUrl: URL, methods: string[]): Promise<T> {
  const ws = await openUserInspector(inspectorUrl);
  const answers: unknown[] = [];
  try {
    for (const [id, method] of methods.entries()) {
      ws.send(JSON.stringify({ id: id + 1, method }));
      answers.push(
        await new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`inspector: no answer to ${method}`)), 120000);
          const on = (data: unknown) => {
            const message = JSON.parse(String(data)) as { id?: number; result?: unknown };
            if (message.id === id + 1) {
              clearTimeout(timer);
              ws.off("message", on);
              resolve(message.result);
            }
          };
          ws.on("message", on);
        }),
      );
    }
  } finally {
    ws.close();
  }
  return answers as T;
}

/** One fresh start (measureStart). */
export interface StartMeasure {
  readyMs: number;
  firstResponseMs: number;
  status: number;
  heap: HeapAfter | null;
  serving: Serving | null;
}
/** The isolate's heap after a full GC, MB. */
export interface HeapAfter {
  usedMb: number;
  totalMb: number;
}

/** What serveAndSample() sends. */
export interface ServeOptions {
  requests?: number;
  concurrency?: number;
  paths?: string[];
}
export interface Serving {
  requests: number;
  seconds: number;
  statuses: Record<number, number>;
  peakUsedMb: number;
  peakTotalMb: number;
  samples: number;
}

/**
 * One fresh start of `scriptPath` in workerd with wrangler.toml's bindings: { readyMs, firstResponseMs, status,
 * heap: { usedMb, totalMb } after a full GC }.
 */
export async function measureStart(
  scriptPath: string,
  { probePath = "/__footprint-probe", heap = true, serve = null }: { probePath?: string; heap?: boolean; serve?: ServeOptions | null } = {},
): Promise<StartMeasure> {
  for (const [key, value] of Object.entries(wranglerEnv({ CI: "true" }))) process.env[key] ??= value;
  const { unstable_getMiniflareWorkerOptions } = await import("wrangler");
  const { workerOptions } = unstable_getMiniflareWorkerOptions(join(ROOT, "wrangler.toml"));
  const { Miniflare, Log, LogLevel } = (await miniflareModule()).module;
  const started = performance.now();
  const mf = new Miniflare({
    modules: true,
    scriptPath,
    modulesRoot: dirname(scriptPath),
    compatibilityDate: workerOptions.compatibilityDate,
    compatibilityFlags: workerOptions.compatibilityFlags,
    bindings: { ...(workerOptions.bindings ?? {}), ENVIRONMENT: "bench", ADMIN_TOKEN: "footprint", SESSION_SECRET: "footprint-session-secret-0123456789" },
    d1Databases: workerOptions.d1Databases,
    kvNamespaces: workerOptions.kvNamespaces,
    r2Buckets: workerOptions.r2Buckets,
    queueProducers: workerOptions.queueProducers,
    // As in the bench: the anonymous read budget (600 a minute per address) would answer most requests 429.
    ratelimits: { ...workerOptions.ratelimits, READ_RATE_LIMITER: { simple: { limit: 1_000_000_000, period: 60 } } },
    host: "127.0.0.1",
    port: 0,
    inspectorPort: heap ? 0 : undefined,
    log: new Log(LogLevel.NONE),
    handleRuntimeStdio(stdout: Readable, stderr: Readable) {
      stdout.resume();
      stderr.resume();
    },
  });
  try {
    const url = await mf.ready;
    const readyMs = performance.now() - started;
    const response = await fetch(new URL(probePath, url));
    await response.arrayBuffer();
    const firstResponseMs = performance.now() - started;
    let serving = null;
    if (serve) serving = await serveAndSample(url, await mf.getInspectorURL(), serve);
    let heapAfter = null;
    if (heap) {
      // workerd does not answer HeapProfiler.collectGarbage; a heap snapshot collects garbage first (its chunks are
      // dropped here).
      const [, usage] = await inspect<[unknown, HeapUsage]>(await mf.getInspectorURL(), ["HeapProfiler.takeHeapSnapshot", "Runtime.getHeapUsage"]);
      heapAfter = { usedMb: usage.usedSize / 1048576, totalMb: usage.totalSize / 1048576 };
    }
    return { readyMs, firstResponseMs, status: response.status, heap: heapAfter, serving };
  } finally {
    await mf.dispose();
  }
}

/**
 * `requests` requests over `paths` (rotating) at `concurrency`, the isolate's heap sampled every 100 ms meanwhile:
 * how far V8 lets the reserved heap grow while serving, against the live set that a full GC leaves afterwards.
 */
async function serveAndSample(url: URL, inspectorUrl: URL, { requests = 3000, concurrency = 8, paths = ["/__footprint-probe"] }: ServeOptions): Promise<Serving> {
  // (workerd has the target once the Worker answered.)
  const ws = await openUserInspector(inspectorUrl);
  const peak = { usedMb: 0, totalMb: 0, samples: 0 };
  ws.on("message", (data) => {
    // Any answer: the usedSize check tells getHeapUsage's apart.
    const r = (JSON.parse(String(data)) as { result?: HeapUsage }).result;
    if (r && typeof r.usedSize === "number") {
      peak.samples++;
      peak.usedMb = Math.max(peak.usedMb, r.usedSize / 1048576);
      peak.totalMb = Math.max(peak.totalMb, r.totalSize / 1048576);
    }
  });
  let id = 1000;
  const timer = setInterval(() => ws.send(JSON.stringify({ id: ++id, method: "Runtime.getHeapUsage" })), 100);
  let i = 0;
  const statuses: Record<number, number> = {};
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (i < requests) {
        const p = paths[i++ % paths.length] as string;
        const response = await fetch(new URL(p, url));
        await response.arrayBuffer();
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await new Promise((r) => setTimeout(r, 250));
  clearInterval(timer);
  ws.close();
  return { requests, seconds, statuses, peakUsedMb: peak.usedMb, peakTotalMb: peak.totalMb, samples: peak.samples };
}

/**
 * Parse, compile and top-level evaluation of a bundle in Node's V8 (a fresh `node` each run; median): the part of a
 * Worker's startup that is its own code, without workerd's process start. An indicator, not Cloudflare's number
 * (its startup limit is 1 s of CPU for the global scope, on its machines and its V8).
 */
export function evaluateInNode(file: string, runs = 5): { ms?: number; runs?: number; error?: string } {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const child = spawnSync(process.execPath, ["--input-type=module", "-e",
      `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(performance.now() - t);`], { encoding: "utf8" });
    const ms = Number(child.stdout.trim().split("\n").at(-1));
    if (child.status !== 0 || !Number.isFinite(ms)) return { error: (child.stderr || child.stdout).trim().slice(0, 300) };
    times.push(ms);
  }
  return { ms: median(times), runs };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] as number;

/** `runs` fresh starts of each script, alternating (background load drifts hit both alike); medians per script. */
export async function compareStarts<K extends string>(scripts: Record<K, string>, { runs = 5 } = {}): Promise<Record<K, ComparedStarts>> {
  const samples = Object.fromEntries(Object.keys(scripts).map((k): [string, StartMeasure[]] => [k, []]));
  for (let i = 0; i < runs; i++) {
    for (const [name, path] of Object.entries<string>(scripts)) (samples[name] as StartMeasure[]).push(await measureStart(path));
  }
  return Object.fromEntries(
    Object.entries(samples).map(([name, xs]) => [
      name,
      {
        runs: xs.length,
        readyMs: median(xs.map((x) => x.readyMs)),
        firstResponseMs: median(xs.map((x) => x.firstResponseMs)),
        status: (xs[0] as StartMeasure).status,
        heapUsedMb: median(xs.map((x) => x.heap?.usedMb ?? NaN)),
        heapTotalMb: median(xs.map((x) => x.heap?.totalMb ?? NaN)),
        samples: xs,
      },
    ]),
  ) as Record<K, ComparedStarts>;
}

/** compareStarts(): one script's medians over its fresh starts (and the starts). */
export interface ComparedStarts {
  runs: number;
  readyMs: number;
  firstResponseMs: number;
  status: number;
  heapUsedMb: number;
  heapTotalMb: number;
  samples: StartMeasure[];
}

/** A trivial Worker: workerd's own startup and heap. */
export function trivialWorker(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "trivial.mjs");
  writeFileSync(file, 'export default { fetch() { return new Response("not found", { status: 404 }); } };\n');
  return file;
}

/**
 * Variants of the production Worker, bundled as the bench bundles (esbuild, workerd conditions), with modules replaced
 * by stubs: what each part costs at startup.
 */
async function buildVariant(outDir: string, name: string, { entry, contents, stubs = {} }: { entry?: string; contents?: string; stubs?: Record<string, string> }): Promise<string> {
  const { build } = await import("esbuild");
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, `${name}.mjs`);
  await build({
    ...(contents ? { stdin: { contents, resolveDir: ROOT, loader: "ts" } } : { entryPoints: [entry as string] }),
    ...WORKERD_BUNDLE,
    outfile,
    logLevel: "error",
    plugins: Object.keys(stubs).length === 0 ? [] : [
      {
        name: "stubs",
        setup(b: PluginBuild) {
          const filter = new RegExp(`^(${Object.keys(stubs).map((k) => k.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")).join("|")})$`);
          b.onResolve({ filter }, (args) => ({ path: args.path, namespace: "stub" }));
          b.onLoad({ filter: /.*/, namespace: "stub" }, (args) => ({ contents: stubs[args.path], resolveDir: ROOT, loader: "ts" }));
        },
      },
    ],
  });
  return outfile;
}

/** The names a module imports from `specifier` anywhere under src/ (for a stub that exports them all). */
function importedNames(specifier: string): string[] {
  const grep = spawnSync("grep", ["-rhoz", "--include=*.ts", "--include=*.tsx", "-E", `import \\{[^}]*\\} from "${specifier}"`, join(ROOT, "src")], { encoding: "utf8" });
  const names = new Set<string>();
  for (const match of grep.stdout.split("\0")) {
    const body = /\{([^}]*)\}/.exec(match)?.[1] ?? "";
    for (const part of body.split(",")) {
      const name = part.replace(/\btype\b/, "").trim().split(/\s+as\s+/)[0];
      if (name && !part.trim().startsWith("type ")) names.add(name);
    }
  }
  return [...names];
}

const throwingStub = (names: string[]) => names.map((n) => `export const ${n}: any = () => { throw new Error("stubbed for footprint: ${n}"); };`).join("\n");

export async function buildVariants(outDir: string) {
  const index = join(ROOT, "src", "index.ts");
  return {
    trivial: trivialWorker(outDir),
    hono: await buildVariant(outDir, "hono", { contents: 'import { Hono } from "hono";\nconst app = new Hono();\napp.get("/", (c) => c.text("ok"));\nexport default app;\n' }),
    "zod-openapi": await buildVariant(outDir, "zod-openapi", {
      contents: 'import { OpenAPIHono, z } from "@hono/zod-openapi";\nconst app = new OpenAPIHono();\napp.get("/", (c) => c.json(z.object({ a: z.string() }).parse({ a: "ok" })));\nexport default app;\n',
    }),
    production: await buildVariant(outDir, "production", { entry: index }),
    "without @simplewebauthn/server": await buildVariant(outDir, "no-webauthn", {
      entry: index,
      stubs: {
        "@simplewebauthn/server": throwingStub(importedNames("@simplewebauthn/server")),
        "@simplewebauthn/server/helpers": throwingStub(importedNames("@simplewebauthn/server/helpers")),
      },
    }),
    "without the web pages (src/web)": await buildVariant(outDir, "no-web", {
      entry: index,
      stubs: {
        "./web": 'import { Hono } from "hono";\nexport const webRoutes = new Hono();\nexport const apiReference = (_spec: unknown) => (c: any) => c.text("stubbed");\n',
      },
    }),
  };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "firsttd-footprint-"));
  try {
    const bundle = productionBundle(join(dir, "production"));
    console.log(`production bundle (wrangler deploy --dry-run): ${(bundle.bytes / 1024).toFixed(1)} KiB, gzip ${(bundle.gzipBytes / 1024).toFixed(1)} KiB ` +
      `(limit ${BUNDLE_GZIP_LIMIT / 1024} KiB gzipped); wrangler: ${bundle.wranglerSays}`);
    const variants = await buildVariants(join(dir, "variants"));
    const runs = Number(process.argv[process.argv.indexOf("--runs") + 1]) || 3;
    const measured = await compareStarts({ ...variants, "production bundle (dry-run)": bundle.file }, { runs });
    // Serving: requests that need no database (a 404 through the middleware, the OpenAPI document, the API reference
    // page, the home page signed out), so that the heap is the Worker's alone.
    const serve = { requests: 2000, concurrency: 8 };
    const served: Record<string, StartMeasure> = {};
    for (const name of ["trivial", "hono"] as const) served[name] = await measureStart(variants[name], { serve: { ...serve, paths: ["/__footprint-probe"] } });
    for (const path of ["/__footprint-probe", "/openapi.json", "/docs", "/", "/sign-in"]) {
      served[`production ${path}`] = await measureStart(variants.production, { serve: { ...serve, paths: [path] } });
    }
    console.log(`\n${runs} fresh starts each (medians): size, workerd listening / first answer (a 404 through the middleware) / V8 heap after a full GC, used / reserved; parse + compile + top-level evaluation in Node's V8 (median of 5)`);
    for (const [name, m] of Object.entries(measured)) {
      const file = (variants as Record<string, string | undefined>)[name] ?? bundle.file;
      const size = readFileSync(file).byteLength;
      const node = evaluateInNode(file);
      console.log(`  ${name.padEnd(34)} ${(size / 1024).toFixed(0).padStart(6)} KiB  ${m.readyMs.toFixed(0).padStart(5)} ms  ${m.firstResponseMs.toFixed(0).padStart(5)} ms  (${m.status})  ` +
        `${m.heapUsedMb.toFixed(1).padStart(5)} / ${m.heapTotalMb.toFixed(1).padStart(5)} MB   evaluated in Node: ${node.ms === undefined ? node.error : `${node.ms.toFixed(0)} ms`}`);
    }
    console.log(`\nserving ${serve.requests} requests of one path at concurrency ${serve.concurrency} (no database) after a fresh start: peak used / peak reserved while serving, then live / reserved after a full GC`);
    for (const [name, m] of Object.entries(served)) {
      // Every start here served (measureStart with `serve`) and took the heap.
      const s = m.serving as Serving;
      console.log(`  ${name.padEnd(34)} ${s.seconds.toFixed(1)} s ${JSON.stringify(s.statuses)}  peak ${s.peakUsedMb.toFixed(1)} / ${s.peakTotalMb.toFixed(1)} MB  after GC ${(m.heap as HeapAfter).usedMb.toFixed(1)} / ${(m.heap as HeapAfter).totalMb.toFixed(1)} MB`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((error) => {
    console.error((error as Error | undefined)?.stack ?? error);
    process.exit(1);
  });
}

/**
 * What `npm run bench` reports under "cold start": the production bundle (raw, gzipped) and its startup against a
 * trivial Worker's, `runs` fresh starts each, plus the bundle's evaluation in Node's V8.
 */
export async function coldStart(dir: string, { runs = 3 } = {}) {
  const bundle = productionBundle(join(dir, "production"));
  const starts = await compareStarts({ trivial: trivialWorker(join(dir, "trivial")), production: bundle.file }, { runs });
  const pick = (m: ComparedStarts) => ({ readyMs: m.readyMs, firstResponseMs: m.firstResponseMs, status: m.status, heapUsedMb: m.heapUsedMb, heapTotalMb: m.heapTotalMb, runs: m.runs });
  return {
    bundle: { bytes: bundle.bytes, gzipBytes: bundle.gzipBytes, limitGzipBytes: BUNDLE_GZIP_LIMIT, wranglerSays: bundle.wranglerSays },
    startup: {
      trivial: pick(starts.trivial),
      production: pick(starts.production),
      ownMs: starts.production.firstResponseMs - starts.trivial.firstResponseMs,
    },
    nodeEvaluate: evaluateInNode(bundle.file, runs + 2),
  };
}

export type ColdStart = Awaited<ReturnType<typeof coldStart>>;
