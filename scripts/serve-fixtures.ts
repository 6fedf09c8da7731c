// Dev tool: serves local files at upstream paths, on 127.0.0.1 only, so the jobs can run offline against real data
// (point NFLVERSE_BASE_URL, ESPN_SITE_API_URL, ... at it).
//   npx tsx scripts/serve-fixtures.ts [--port 8999] [--map <url path>=<file>]... [--root <dir>]
// --map serves one file at one path; --root <dir> serves <dir>/nflverse/games.csv and <dir>/nflverse/roster_<season>.csv
// at the nflverse paths (the layout of ../shared/data). Without --map or --root, the default is --root ../shared/data.
// Example:
//   npx tsx scripts/serve-fixtures.ts --port 8999 --root /work/shared/data &
//   NFLVERSE_BASE_URL=http://127.0.0.1:8999 npm run job -- roster-sync --season 2025
// --espn-season <season> also serves ESPN's scoreboards, game summaries and core plays of that season's regular
// season, built from the truth file of <root>/truth (test/jobs/support/espn-season.ts): a backfill can then run
// offline against a whole real season:
//   npx tsx scripts/serve-fixtures.ts --port 8999 --root /work/shared/data --espn-season 2025 &
//   NFLVERSE_BASE_URL=http://127.0.0.1:8999 npm run job -- schedule-sync --season 2025
//   NFLVERSE_BASE_URL=http://127.0.0.1:8999 npm run job -- roster-sync --season 2025
//   ESPN_SITE_API_URL=http://127.0.0.1:8999 ESPN_CORE_API_URL=http://127.0.0.1:8999 npm run job -- live-sync --season 2025 --week 1
// --port 0 picks a free port; the address is printed ("serving on http://127.0.0.1:<port>"). GET and HEAD only;
// anything unmapped is 404. Each request is logged to stderr.
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { basename, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import type * as EspnSeason from "../test/jobs/support/espn-season";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
const CONTENT_TYPES: Record<string, string> = { ".csv": "text/csv; charset=utf-8", ".json": "application/json; charset=utf-8", ".txt": "text/plain; charset=utf-8" };

/** The nflverse upstream paths of the files under <root>/nflverse. */
/** URL path -> file. */
export type Mapping = Record<string, string>;

export function nflverseMapping(root: string): Mapping {
  const dir = join(root, "nflverse");
  const mapping: Mapping = {};
  if (existsSync(join(dir, "games.csv"))) mapping["/nfldata/raw/master/data/games.csv"] = join(dir, "games.csv");
  if (existsSync(join(dir, "clean_player_names.csv"))) {
    mapping["/nflreadr/raw/main/data-raw/clean_player_names.csv"] = join(dir, "clean_player_names.csv");
  }
  for (const name of existsSync(dir) ? readdirSync(dir) : []) {
    if (/^roster_\d{4}\.csv$/.test(name)) mapping[`/nflverse-data/releases/download/rosters/${name}`] = join(dir, name);
  }
  return mapping;
}

interface Options {
  port: number;
  mapping: Mapping;
  root: string;
  espnSeason: number | null;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { port: 8999, mapping: {}, root: resolve(ROOT, "..", "shared", "data"), espnSeason: null };
  let sawSource = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === "--port") options.port = Number(value());
    else if (arg === "--root") {
      options.root = resolve(value());
      Object.assign(options.mapping, nflverseMapping(options.root));
      sawSource = true;
    } else if (arg === "--espn-season") {
      const season = Number(value());
      options.espnSeason = season;
      if (!Number.isInteger(season)) throw new Error("--espn-season wants a season, e.g. 2025");
    } else if (arg === "--map") {
      const spec = value();
      const at = spec.indexOf("=");
      if (at <= 0) throw new Error(`--map wants <url path>=<file>, got '${spec}'`);
      const path = spec.slice(0, at).startsWith("/") ? spec.slice(0, at) : `/${spec.slice(0, at)}`;
      options.mapping[path] = resolve(spec.slice(at + 1));
      sawSource = true;
    } else throw new Error(`unknown argument '${arg}'`);
  }
  if (!sawSource) Object.assign(options.mapping, nflverseMapping(options.root));
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) throw new Error("--port wants 0-65535");
  for (const [path, file] of Object.entries(options.mapping)) {
    if (!existsSync(file) || !statSync(file).isFile()) throw new Error(`${path}: no such file ${file}`);
  }
  return options;
}

/** ESPN's feed of a season's regular season as URL path + query -> JSON body (or null: HTTP 404), for `origin`. */
export async function espnSeasonBodies(
  root: string,
  season: number,
  origin: string,
): Promise<{ bodies: Map<string, string | null>; games: number }> {
  const { bundleSource } = await import("./lib/cli-runtime");
  const { buildSeasonFeed, isNotFound } = await bundleSource<Pick<typeof EspnSeason, "buildSeasonFeed" | "isNotFound">>("espn-season", {
    "test/jobs/support/espn-season.ts": ["buildSeasonFeed", "isNotFound"],
  });
  const read = (file: string): string => readFileSync(join(root, file), "utf8");
  const feed = buildSeasonFeed({
    truthCsv: read("truth/first_td_2023_2025.csv"),
    gamesCsv: read("nflverse/games.csv"),
    rosterCsv: read(`nflverse/roster_${season}.csv`),
    playerIdsCsv: read("truth/db_playerids.csv"),
    aliasesCsv: read("nflverse/clean_player_names.csv"),
    season,
    seasonType: "REG",
    bases: { site: origin, core: origin },
  });
  const bodies = new Map<string, string | null>();
  for (const [url, body] of feed.bodies) {
    const { pathname, search } = new URL(url);
    bodies.set(pathname + search, isNotFound(body) ? null : JSON.stringify(body));
  }
  return { bodies, games: feed.games.length };
}

export function serve(mapping: Mapping, port: number, memory = new Map<string, string | null>()): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = decodeURIComponent(url.pathname);
    const log = (status: number): void => console.error(`${new Date().toISOString()} ${req.method} ${path}${url.search} ${status}`);
    const inMemory = memory.get(url.pathname + url.search);
    if (inMemory !== undefined && (req.method === "GET" || req.method === "HEAD")) {
      log(inMemory === null ? 404 : 200);
      if (inMemory === null) res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      else res.writeHead(200, { "content-type": CONTENT_TYPES[".json"] }).end(req.method === "HEAD" ? undefined : inMemory);
      return;
    }
    const file = mapping[path];
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
  return new Promise<Server>((resolveListen) => server.listen(port, "127.0.0.1", () => resolveListen(server)));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const options = parseArgs(process.argv.slice(2));
    const memory = new Map<string, string | null>();
    const server = await serve(options.mapping, options.port, memory);
    const { port } = server.address() as AddressInfo;
    console.log(`serving on http://127.0.0.1:${port}`);
    for (const [path, file] of Object.entries(options.mapping)) console.log(`  ${path} -> ${file}`);
    if (options.espnSeason !== null) {
      const feed = await espnSeasonBodies(options.root, options.espnSeason, `http://127.0.0.1:${port}`);
      for (const [path, body] of feed.bodies) memory.set(path, body);
      console.log(`  ESPN ${options.espnSeason} regular season: ${feed.games} games, ${feed.bodies.size} URLs (scoreboards, summaries, core plays)`);
    }
    const stop = () => server.close(() => process.exit(0));
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
  }
}
