/**
 * The OpenAPI document the Worker serves passes Redocly's recommended lint (`redocly lint --extends recommended`):
 * the Worker is started as `wrangler dev` starts it (unstable_startWorker, a temporary local state), its
 * /openapi.json saved to a file and linted by @redocly/cli from node_modules, offline (telemetry and the update check
 * off). No redocly.yaml: no rule is turned off or down, so a warning fails here as an error does. As a control, the
 * same document with one operationId and the license taken out must not pass, so that a pass means something.
 * Run alone: npm run lint:openapi.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unstable_startWorker } from "wrangler";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const REDOCLY = join(ROOT, "node_modules", "@redocly", "cli", "bin", "cli.js");
const OFFLINE = {
  REDOCLY_TELEMETRY: "off",
  REDOCLY_SUPPRESS_UPDATE_NOTICE: "true",
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_SEND_ERROR_REPORTS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
};
for (const [key, value] of Object.entries(OFFLINE)) process.env[key] ??= value;

interface LintReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: { ruleId: string; severity: string; message: string; location: { pointer?: string }[] }[];
}

let tmp: string;
let served: any;

/** `redocly lint --extends recommended` of a document, as JSON, from a folder with no Redocly config in it. */
function lint(document: unknown, name: string): LintReport {
  const file = join(tmp, name);
  writeFileSync(file, JSON.stringify(document, null, 2));
  const result = spawnSync(process.execPath, [REDOCLY, "lint", "--extends", "recommended", "--format", "json", file], {
    cwd: tmp,
    env: { ...process.env, ...OFFLINE, CI: "true" },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const start = result.stdout.indexOf("{");
  if (start < 0) throw new Error(`redocly lint gave no report (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  const report = JSON.parse(result.stdout.slice(start)) as LintReport;
  // Its exit code agrees with the report: non-zero exactly when there are errors.
  expect(result.status === 0, result.stderr).toBe(report.totals.errors === 0);
  return report;
}

const summary = (report: LintReport) => report.problems.map((p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer ?? ""}: ${p.message}`);

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "firsttd-openapi-lint-"));
  const worker = await unstable_startWorker({
    config: join(ROOT, "wrangler.toml"),
    bindings: { ADMIN_TOKEN: { type: "plain_text", value: `lint-${crypto.randomUUID()}` } },
    sendMetrics: false,
    dev: { persist: join(tmp, "state"), server: { hostname: "127.0.0.1", port: 0 }, inspector: false, watch: false, logLevel: "warn" },
  });
  try {
    await worker.ready;
    const response = await fetch(new URL("/openapi.json", await worker.url));
    expect(response.status).toBe(200);
    served = await response.json();
  } finally {
    await worker.dispose();
  }
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe("/openapi.json and Redocly's recommended lint", () => {
  it("passes with no error and no warning", () => {
    expect(Object.keys(served.paths).length).toBeGreaterThan(40);
    const report = lint(served, "openapi.json");
    expect(summary(report)).toEqual([]);
    expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
  });

  it("the lint really lints: no license, no servers, an operation without operationId fail it", () => {
    const broken = structuredClone(served);
    delete broken.info.license;
    delete broken.servers;
    delete broken.paths["/v1/picks"].post.operationId;
    const rules = lint(broken, "broken.json").problems.map((p) => p.ruleId);
    expect(rules).toEqual(expect.arrayContaining(["info-license", "no-empty-servers", "operation-operationId"]));
  });
});
