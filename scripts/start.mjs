#!/usr/bin/env node
// `npm start`: the local demo, offline. On a fresh clone after `npm ci`:
//   1. creates .dev.vars from .dev.vars.example when missing (local secrets: ADMIN_TOKEN),
//   2. applies the migrations to the local D1 (wrangler d1 migrations apply DB --local, non-interactive),
//   3. loads the demo data demo/seed.sql (idempotent: a second start changes nothing) and prints a summary,
//   4. runs `wrangler dev --port 8787` until Ctrl-C. Extra arguments go to wrangler dev: `npm start -- --ip 0.0.0.0`.
// The local D1 lives in .wrangler/state; delete .wrangler/ to start over.
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { constants } from "node:os";
import { ROOT, WRANGLER_BIN, applyMigrations, printSummary, seedDemo, wranglerEnv } from "./lib/local-d1.mjs";

const PORT = "8787";

function ensureDevVars() {
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
function warnMissingVars(devVars, example) {
  const names = (file) => new Set([...readFileSync(file, "utf8").matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
  const present = names(devVars);
  const missing = [...names(example)].filter((name) => !present.has(name));
  if (missing.length > 0) console.warn(`.dev.vars has no ${missing.join(", ")}: copy the line(s) from .dev.vars.example.`);
}

function startDev() {
  const args = [WRANGLER_BIN, "dev", "--port", PORT, ...process.argv.slice(2)];
  console.log(`Starting wrangler dev on http://localhost:${PORT} (Ctrl-C to stop) ...`);
  const child = spawn(process.execPath, args, { cwd: ROOT, env: wranglerEnv(), stdio: "inherit" });
  let stopping = false;
  const forward = (signal) => {
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
    process.exit(stopping ? 0 : 128 + (constants.signals[signal] ?? 1));
  });
}

try {
  ensureDevVars();
  console.log("Applying migrations to the local D1 ...");
  applyMigrations();
  console.log("Loading the demo data (demo/seed.sql) ...");
  seedDemo();
  printSummary();
} catch (error) {
  console.error(error.message);
  process.exit(error.exitCode ?? 1);
}
startDev();
