#!/usr/bin/env node
// Dev tool: serves local files at upstream paths, on 127.0.0.1 only, so the jobs can run offline against real data
// (point NFLVERSE_BASE_URL, ESPN_SITE_API_URL, ... at it).
//   node scripts/serve-fixtures.mjs [--port 8999] [--map <url path>=<file>]... [--root <dir>]
// --map serves one file at one path; --root <dir> serves <dir>/nflverse/games.csv and <dir>/nflverse/roster_<season>.csv
// at the nflverse paths (the layout of ../shared/data). Without --map or --root, the default is --root ../shared/data.
// Example:
//   node scripts/serve-fixtures.mjs --port 8999 --root /work/shared/data &
//   NFLVERSE_BASE_URL=http://127.0.0.1:8999 npm run job -- roster-sync --season 2025
// --port 0 picks a free port; the address is printed ("serving on http://127.0.0.1:<port>"). GET and HEAD only;
// anything unmapped is 404. Each request is logged to stderr.
import { createReadStream, existsSync, readdirSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { basename, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
const CONTENT_TYPES = { ".csv": "text/csv; charset=utf-8", ".json": "application/json; charset=utf-8", ".txt": "text/plain; charset=utf-8" };

/** The nflverse upstream paths of the files under <root>/nflverse. */
export function nflverseMapping(root) {
  const dir = join(root, "nflverse");
  const mapping = {};
  if (existsSync(join(dir, "games.csv"))) mapping["/nfldata/raw/master/data/games.csv"] = join(dir, "games.csv");
  for (const name of existsSync(dir) ? readdirSync(dir) : []) {
    if (/^roster_\d{4}\.csv$/.test(name)) mapping[`/nflverse-data/releases/download/rosters/${name}`] = join(dir, name);
  }
  return mapping;
}

function parseArgs(argv) {
  const options = { port: 8999, mapping: {} };
  let sawSource = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (argv[i + 1] === undefined) throw new Error(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === "--port") options.port = Number(value());
    else if (arg === "--root") {
      Object.assign(options.mapping, nflverseMapping(resolve(value())));
      sawSource = true;
    } else if (arg === "--map") {
      const spec = value();
      const at = spec.indexOf("=");
      if (at <= 0) throw new Error(`--map wants <url path>=<file>, got '${spec}'`);
      const path = spec.slice(0, at).startsWith("/") ? spec.slice(0, at) : `/${spec.slice(0, at)}`;
      options.mapping[path] = resolve(spec.slice(at + 1));
      sawSource = true;
    } else throw new Error(`unknown argument '${arg}'`);
  }
  if (!sawSource) Object.assign(options.mapping, nflverseMapping(resolve(ROOT, "..", "shared", "data")));
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) throw new Error("--port wants 0-65535");
  for (const [path, file] of Object.entries(options.mapping)) {
    if (!existsSync(file) || !statSync(file).isFile()) throw new Error(`${path}: no such file ${file}`);
  }
  return options;
}

export function serve(mapping, port) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    const file = mapping[path];
    const log = (status) => console.error(`${new Date().toISOString()} ${req.method} ${path} ${status}`);
    if (req.method !== "GET" && req.method !== "HEAD") {
      log(405);
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    if (!file) {
      log(404);
      res.writeHead(404, { "content-type": "text/plain" }).end(`not found: ${path}\n`);
      return;
    }
    const size = statSync(file).size;
    res.writeHead(200, {
      "content-type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream",
      "content-length": size,
      "content-disposition": `attachment; filename=${basename(file)}`,
    });
    log(200);
    if (req.method === "HEAD") res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((resolveListen) => server.listen(port, "127.0.0.1", () => resolveListen(server)));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const options = parseArgs(process.argv.slice(2));
    const server = await serve(options.mapping, options.port);
    const { port } = server.address();
    console.log(`serving on http://127.0.0.1:${port}`);
    for (const [path, file] of Object.entries(options.mapping)) console.log(`  ${path} -> ${file}`);
    const stop = () => server.close(() => process.exit(0));
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  } catch (error) {
    console.error(error.message);
    process.exit(2);
  }
}
