/**
 * What `wrangler deploy` uploads carries production code only: the bench's routes and D1 meter (bench/, bundled
 * only by `npm run bench`) must not be in it. The production bundle is built exactly as a deployment builds it
 * (`wrangler deploy --dry-run --outdir <tmp>`); as a control, the bench Worker is bundled as the bench bundles it and
 * must contain every marker, so that their absence from production is meaningful.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWorker } from "../../scripts/bench/runtime";
import { ROOT, WRANGLER_BIN, wranglerEnv } from "../../scripts/lib/local-d1";

/** Strings only the bench's code holds: its paths, its header, the meter's names and the workerd internal it uses. */
const BENCH_MARKERS = ["__bench", "x-bench", "meterD1", "emptyUsage", "usageHeader", "D1_USAGE_HEADER", "_sendOrThrow", "benchApp", "naive-leaderboard", "BENCH_METRICS"];

/** Free plan limit on a Worker's compressed size (the paid plan allows 10 MB). */
const WORKERS_FREE_GZIP_LIMIT = 3 * 1024 * 1024;

let dir: string;
let production: string;
let productionBytes: number;
let benchBundle: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "firsttd-bundle-"));
  const outdir = join(dir, "production");
  const result = spawnSync(process.execPath, [WRANGLER_BIN, "deploy", "--dry-run", "--outdir", outdir], {
    cwd: ROOT,
    env: wranglerEnv({ CI: "true", WRANGLER_HIDE_BANNER: "true" }),
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`wrangler deploy --dry-run failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
  // Every file wrangler would upload (the module, and a source map if one is configured).
  const files = readdirSync(outdir).map((name) => readFileSync(join(outdir, name)));
  production = files.map((file) => file.toString("utf8")).join("\n");
  const main = readFileSync(join(outdir, "index.js"));
  productionBytes = main.byteLength;
  const gzipBytes = gzipSync(main, { level: 9 }).byteLength;
  console.log(`production bundle (index.js): ${(productionBytes / 1024).toFixed(1)} KiB, gzip ${(gzipBytes / 1024).toFixed(1)} KiB`);
  expect(gzipBytes).toBeLessThan(WORKERS_FREE_GZIP_LIMIT);
  benchBundle = readFileSync(await buildWorker(join(dir, "bench")), "utf8");
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the production bundle (wrangler deploy --dry-run)", () => {
  it("is the real Worker: the API, its error envelope and its jobs are in it", () => {
    expect(productionBytes).toBeGreaterThan(100_000);
    const missing = ["/leaderboards", "x-request-id", "payload_too_large", "roster-sync"].filter((marker) => !production.includes(marker));
    expect(missing).toEqual([]);
  });

  it("holds no bench route, no D1 meter and no bench header", () => {
    const found = BENCH_MARKERS.filter((marker) => production.includes(marker));
    expect(found).toEqual([]);
  });

  it("the markers are real: the bench Worker's bundle holds every one of them", () => {
    const missing = BENCH_MARKERS.filter((marker) => marker !== "BENCH_METRICS" && !benchBundle.includes(marker));
    expect(missing).toEqual([]);
  });

  it("renders the web pages with Hono's JSX (tsconfig jsxImportSource), never React's, which is not there", () => {
    // Without "jsx": "react-jsx" and "jsxImportSource": "hono/jsx", esbuild falls back to React.createElement and
    // every page throws at run time.
    expect(production).not.toContain("React.createElement");
    expect(production).toMatch(/hono\/dist\/jsx\/jsx-(dev-)?runtime\.js/);
    expect(production).toContain("Skip to content");
  });
});
