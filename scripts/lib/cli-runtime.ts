// Shared by scripts/job.ts and scripts/legacy-import.ts: run the project's own TypeScript (src/) against the LOCAL
// D1 (.wrangler/state, where `wrangler d1 ... --local` keeps it), offline.
//   - bundleSource(): esbuild bundles the named exports of src/ modules into .wrangler/cli/<name>.mjs and imports it
//     in Node;
//   - startLocalWorker(): bundles a Worker module and runs it in workerd with the bindings and vars of wrangler.toml
//     and .dev.vars (any var overridable from the environment) and the local D1;
//   - openLocalD1(): a D1Database-like client in Node whose statements run in such a Worker (one HTTP round trip
//     per batch), for bulk loads and queries.
// Why not wrangler's getPlatformProxy: it works, but through its proxy every D1 prepare() and bind() is a separate
// ~12 ms round trip from Node to workerd (roster-sync took 9.1 s through it, 0.7 s inside workerd).
// Never run wrangler commands on the local D1 while a worker is open: dispose it first (one process at a time).
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Miniflare } from "miniflare";
import { ROOT, wranglerEnv, type Row } from "./local-d1";
import { WORKERD_BUNDLE } from "./workerd-bundle";

export const CLI_BUILD_DIR = join(ROOT, ".wrangler", "cli");

/**
 * Bundles `exports` ({ "src/jobs/runner.ts": ["runJob"], ... }) into .wrangler/cli/<name>.mjs (Node ESM) and imports it.
 * Rebuilt on every call (about 100 ms), so the CLI always runs the current source. `Exports`: the type of what is
 * bundled (its names are the ones asked for), e.g. `Pick<typeof import("../src/x"), "y">`.
 */
export async function bundleSource<Exports extends object>(name: string, exports: Record<string, (keyof Exports & string)[]>): Promise<Exports> {
  const { build } = await import("esbuild");
  const contents = Object.entries(exports)
    .map(([file, names]) => `export { ${names.join(", ")} } from ${JSON.stringify(`./${file}`)};`)
    .join("\n");
  mkdirSync(CLI_BUILD_DIR, { recursive: true });
  const outfile = join(CLI_BUILD_DIR, `${name}.mjs`);
  await build({
    stdin: { contents, resolveDir: ROOT, sourcefile: `${name}-entry.ts`, loader: "ts" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile,
    sourcemap: "inline",
    logLevel: "warning",
  });
  const bundled: Exports = await import(`${pathToFileURL(outfile).href}?v=${Date.now()}`);
  return bundled;
}

/** A path the user typed, relative to where they ran `npm run` (npm itself runs scripts in the project root). */
export function userPath(path: string): string {
  return resolve(process.env.INIT_CWD ?? process.cwd(), path);
}

/**
 * Runs a Worker module (bundled from `entry`, TypeScript source of this project) in workerd with the bindings and
 * vars wrangler derives from wrangler.toml and .dev.vars (unstable_getMiniflareWorkerOptions, what getPlatformProxy
 * and `wrangler dev` use) and the local D1 persisted where `wrangler d1 ... --local` keeps it. String vars can be
 * overridden from the environment. Code runs in the Workers runtime, so D1 calls cost what they cost in production
 * (through getPlatformProxy every prepare() and bind() is a ~12 ms round trip from Node to workerd).
 * Call mf.dispatchFetch(...).
 */
export async function startLocalWorker(name: string, entryContents: string): Promise<LocalWorker> {
  for (const [key, value] of Object.entries(wranglerEnv({ CI: "true", WRANGLER_HIDE_BANNER: "true" }))) process.env[key] ??= value;
  process.chdir(ROOT);
  const { build } = await import("esbuild");
  mkdirSync(CLI_BUILD_DIR, { recursive: true });
  const outfile = join(CLI_BUILD_DIR, `${name}.worker.mjs`);
  await build({
    stdin: { contents: entryContents, resolveDir: ROOT, sourcefile: `${name}-worker-entry.ts`, loader: "ts" },
    ...WORKERD_BUNDLE,
    outfile,
    logLevel: "warning",
  });
  const { unstable_getMiniflareWorkerOptions } = await import("wrangler");
  const { workerOptions } = unstable_getMiniflareWorkerOptions(join(ROOT, "wrangler.toml"));
  const bindings = { ...workerOptions.bindings };
  const overridden: string[] = [];
  for (const [key, value] of Object.entries(bindings)) {
    const fromEnv = process.env[key];
    if (typeof value === "string" && fromEnv !== undefined && fromEnv !== value) {
      bindings[key] = fromEnv;
      overridden.push(`${key}=${fromEnv}`);
    }
  }
  // The Miniflare that this wrangler pins (wrangler's own dependency).
  const miniflarePath = createRequire(join(ROOT, "node_modules", "wrangler", "package.json")).resolve("miniflare");
  const { Miniflare: PinnedMiniflare }: typeof import("miniflare") = await import(pathToFileURL(miniflarePath).href);
  const mf = new PinnedMiniflare({
    modules: true,
    scriptPath: outfile,
    compatibilityDate: workerOptions.compatibilityDate,
    compatibilityFlags: workerOptions.compatibilityFlags,
    bindings,
    d1Databases: workerOptions.d1Databases,
    d1Persist: join(ROOT, ".wrangler", "state", "v3", "d1"),
  });
  await mf.ready;
  return { mf, overridden, vars: bindings, dispose: () => mf.dispose() };
}

export interface LocalWorker {
  mf: Miniflare;
  /** `NAME=value` of each var taken from the environment instead of wrangler.toml / .dev.vars. */
  overridden: string[];
  /** The bindings the Worker got (vars among them). */
  vars: Record<string, unknown>;
  dispose(): Promise<void>;
}

/** What a statement of the local D1 binds: D1's own types (a blob as bytes). */
export type BindValue = string | number | boolean | null | Uint8Array | ArrayBuffer;
type EncodedValue = string | number | boolean | null | { __blob: string };

/** D1's answer to one statement: its rows and meta (changes, rows_read, ...). */
export interface LocalResult<R extends object = Row> {
  results: R[];
  meta: { changes?: number; last_row_id?: number; rows_read?: number; rows_written?: number; duration?: number };
}
type BridgeAnswer = { ok: true; results: LocalResult[] } | { ok: false; error: string };

/** The part of D1PreparedStatement the scripts use. */
export interface LocalStatement {
  sql: string;
  params: BindValue[];
  bind(...values: BindValue[]): LocalStatement;
  all<R extends object = Row>(): Promise<LocalResult<R>>;
  run(): Promise<LocalResult>;
  /** The first row, or with `column` its value in the first row; null without rows. */
  first(column?: string): Promise<unknown>;
}
/** The part of D1Database the scripts use; batch is atomic, like D1's. */
export interface LocalD1 {
  prepare(sql: string): LocalStatement;
  batch(statements: LocalStatement[]): Promise<LocalResult[]>;
}
export interface LocalD1Session {
  DB: LocalD1;
  overridden: string[];
  vars: Record<string, unknown>;
  dispose(): Promise<void>;
}

/** The Worker behind openLocalD1: POST /batch {statements: [{sql, params}]} runs them as one D1 batch. */
const D1_BRIDGE_ENTRY = `
const decode = (value) => (value && typeof value === "object" && "__blob" in value
  ? Uint8Array.from(atob(value.__blob), (c) => c.charCodeAt(0)).buffer : value);
export default {
  async fetch(request, env) {
    const { statements } = await request.json();
    try {
      const results = await env.DB.batch(statements.map((s) => env.DB.prepare(s.sql).bind(...s.params.map(decode))));
      return Response.json({ ok: true, results: results.map((r) => ({ results: r.results ?? [], meta: r.meta })) });
    } catch (error) {
      return Response.json({ ok: false, error: String((error && error.cause && error.cause.message) || (error && error.message) || error) });
    }
  },
};
`;

const encode = (value: BindValue): EncodedValue =>
  value instanceof Uint8Array || value instanceof ArrayBuffer ? { __blob: Buffer.from(value instanceof ArrayBuffer ? new Uint8Array(value) : value).toString("base64") } : value ?? null;

/**
 * The local D1 as a small D1Database-like client: prepare(sql).bind(...).all() / first(column?) / run(), and
 * batch(statements) (atomic, like D1's). Each call is one request to a Worker running in workerd.
 */
export async function openLocalD1(): Promise<LocalD1Session> {
  const worker = await startLocalWorker("d1-bridge", D1_BRIDGE_ENTRY);
  const send = async (statements: { sql: string; params: BindValue[] }[]): Promise<LocalResult[]> => {
    const response = await worker.mf.dispatchFetch("http://d1.local/batch", {
      method: "POST",
      body: JSON.stringify({ statements: statements.map((s) => ({ sql: s.sql, params: s.params.map(encode) })) }),
    });
    const answer = (await response.json()) as BridgeAnswer;
    if (!answer.ok) throw new Error(answer.error);
    return answer.results;
  };
  const one = async (sql: string, params: BindValue[]): Promise<LocalResult> => {
    const [result] = await send([{ sql, params }]);
    if (!result) throw new Error("the D1 bridge answered no result");
    return result;
  };
  const statement = (sql: string, params: BindValue[] = []): LocalStatement => ({
    sql,
    params,
    bind: (...values) => statement(sql, values),
    all: async <R extends object = Row>() => (await one(sql, params)) as LocalResult<R>,
    run: () => one(sql, params),
    first: async (column?: string) => {
      const row = (await one(sql, params)).results[0] ?? null;
      return column === undefined || row === null ? row : row[column];
    },
  });
  const DB: LocalD1 = {
    prepare: (sql) => statement(sql),
    batch: (statements) => (statements.length ? send(statements) : Promise.resolve([])),
  };
  return { DB, overridden: worker.overridden, vars: worker.vars, dispose: worker.dispose };
}
