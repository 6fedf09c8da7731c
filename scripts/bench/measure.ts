// HTTP measurement: keep-alive requests to the local Worker, latency percentiles at concurrency 1, throughput at
// the chosen concurrency, and the D1 cost of each request from the bench-only x-bench-d1 header.
import http from "node:http";

/**
 * The x-bench-d1 header: what one request cost in D1, as the bench Worker metered it (bench/d1-meter.ts, D1Usage).
 * A field a Worker does not send is missing.
 */
export interface D1Usage {
  statements?: number;
  calls?: number;
  readCalls?: number;
  writeCalls?: number;
  sessions?: number;
  rowsRead?: number;
  rowsWritten?: number;
  unmetered?: number;
  sqlMs?: number;
  sqlMsMax?: number;
}

/** One request to the Worker (the `expect`ed status is for runScenario; the client ignores it). */
export interface RequestSpec {
  method?: string;
  path: string;
  token?: string | null;
  body?: unknown;
  timeoutMs?: number;
  fresh?: boolean;
  expect?: number;
}

/** An answer: `json<T>()` parses the body as the JSON shape the caller expects of that route (not checked). */
export interface BenchResponse {
  status: number;
  ms: number;
  body: string;
  d1: D1Usage | null;
  json<T = unknown>(): T;
}

/** A failed request, with what the bench learned about its connection. */
interface RequestError extends Error {
  code?: string;
  reusedSocket?: boolean;
  previousOnSocket?: string;
}

export interface BenchClient {
  request(spec: RequestSpec): Promise<BenchResponse>;
  close(): void;
}

export function createClient(baseUrl: string, maxSockets = 64): BenchClient {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets, keepAliveMsecs: 10000 });
  const freshAgent = new http.Agent({ keepAlive: false });
  // The last answer each socket carried: a connection the server resets says what came before it (bench/README.md,
  // Caveats: connection resets in the rush).
  const lastOnSocket = new WeakMap<object, string>();
  /**
   * One request: { status, ms, body (text), json(), d1 (parsed x-bench-d1 or null) }. `fresh`: a connection of its
   * own, closed after the response (long load and check requests). A request that fails on a reused keep-alive
   * socket the server had just closed (ECONNRESET / "socket hang up" before any response) is sent once more on a new
   * socket, as Node's documentation advises; the retry's time is what is measured.
   */
  async function request(spec: RequestSpec): Promise<BenchResponse> {
    try {
      return await requestOnce(spec);
    } catch (error) {
      if (!(error as RequestError).reusedSocket) throw error;
      try {
        return await requestOnce({ ...spec, fresh: true });
      } catch (again) {
        (again as RequestError).previousOnSocket = `${(error as RequestError).previousOnSocket}; then on a new connection: ${(again as RequestError).previousOnSocket}`;
        throw again;
      }
    }
  }

  function requestOnce({ method = "GET", path, token, body, timeoutMs = 900000, fresh = false }: RequestSpec): Promise<BenchResponse> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
      const headers: http.OutgoingHttpHeaders = { accept: "application/json" };
      if (token) headers.authorization = `Bearer ${token}`;
      if (payload !== undefined) {
        headers["content-type"] = "application/json";
        headers["content-length"] = Buffer.byteLength(payload);
      }
      const started = process.hrtime.bigint();
      if (fresh) headers.connection = "close";
      const req = http.request({ agent: fresh ? freshAgent : agent, host: url.hostname, port: url.port, method, path, headers, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          if (req.socket) lastOnSocket.set(req.socket, `${method} ${res.statusCode}${res.headers.connection === "close" ? " (connection: close)" : ""}`);
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          const text = Buffer.concat(chunks).toString("utf8");
          // Node joins a repeated custom header into one string.
          const header = res.headers["x-bench-d1"] as string | undefined;
          let d1: D1Usage | null = null;
          try {
            d1 = header ? (JSON.parse(header) as D1Usage) : null;
          } catch {
            d1 = null;
          }
          resolve({
            // Always set on a response to a client request (http.ClientRequest).
            status: res.statusCode as number,
            ms,
            body: text,
            d1,
            json: <T>() => JSON.parse(text) as T,
          });
        });
        res.on("error", reject);
      });
      req.on("timeout", () => req.destroy(new Error(`timeout after ${timeoutMs} ms: ${method} ${path}`)));
      req.on("error", (error: RequestError) => {
        error.previousOnSocket = (req.socket && lastOnSocket.get(req.socket)) ?? (req.reusedSocket ? "unknown" : "none (a new connection)");
        if (req.reusedSocket && (error.code === "ECONNRESET" || /socket hang up/.test(error.message))) error.reusedSocket = true;
        reject(error);
      });
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }
  return { request, close: () => agent.destroy() };
}

export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

/** The D1 cost of a phase's requests: means over the requests that carried the header, and the most of any. */
export interface D1Summary {
  rowsRead: number;
  rowsReadMax: number;
  rowsWritten: number;
  rowsWrittenMax: number;
  statements: number;
  calls: number;
  callsMax: number;
  readCalls: number;
  readCallsMax: number;
  writeCalls: number;
  writeCallsMax: number;
  sessions: number;
  unmetered: number;
  sqlMs: number;
}

export function summarizeD1(samples: { d1?: D1Usage | null }[]): D1Summary | null {
  const withMeta = samples.filter((s): s is { d1: D1Usage } => Boolean(s.d1));
  if (withMeta.length === 0) return null;
  const sum = (key: keyof D1Usage) => withMeta.reduce((s, x) => s + (x.d1[key] ?? 0), 0);
  const max = (key: keyof D1Usage) => withMeta.reduce((m, x) => Math.max(m, x.d1[key] ?? 0), 0);
  const n = withMeta.length;
  return {
    rowsRead: sum("rowsRead") / n,
    rowsReadMax: max("rowsRead"),
    rowsWritten: sum("rowsWritten") / n,
    rowsWrittenMax: max("rowsWritten"),
    statements: sum("statements") / n,
    calls: sum("calls") / n,
    callsMax: max("calls"),
    // Round trips by kind (bench/d1-meter.ts): a read call writes nothing, a write call has a writing statement.
    readCalls: sum("readCalls") / n,
    readCallsMax: max("readCalls"),
    writeCalls: sum("writeCalls") / n,
    writeCallsMax: max("writeCalls"),
    sessions: sum("sessions") / n,
    unmetered: sum("unmetered") / n,
    sqlMs: sum("sqlMs") / n,
  };
}

/** The phases of runScenario (a scenario's own `options` win over the run's). */
export interface ScenarioOptions {
  latencySeconds: number;
  throughputSeconds: number;
  concurrency: number;
  maxLatencyRequests?: number;
  minLatencyRequests?: number;
  warmup?: number;
}

/** A scenario: its i-th request (null: no more), and a check of a successful answer (a problem, or null). */
export interface Scenario<S extends RequestSpec = RequestSpec> {
  next(i: number): S | null;
  check?(response: BenchResponse, spec: S): string | null;
  options?: Partial<ScenarioOptions>;
}

/** One request of a phase: `ok` when it got the expected status and passed the check. */
type Measured = (BenchResponse & { ok: boolean }) | { status: number; ms: number; ok: false; d1: null };

export interface Throughput {
  requests: number;
  seconds: number;
  rps: number;
  p50: number | null;
  p95: number | null;
}

export interface ScenarioMeasure {
  requests: number;
  latency: { requests: number; p50: number | null; p95: number | null; p99: number | null; mean: number | null; max: number | null };
  throughput: Throughput | null;
  errors: number;
  errorSamples: string[];
  d1: D1Summary | null;
}

/**
 * Runs one scenario. `next(i)` gives the i-th request ({ method, path, token, body, expect }), `expect` the
 * status that counts as success (default 200). Phase 1: warm-up, then concurrency 1 for `latencySeconds` (at most
 * `maxLatencyRequests`, at least `minLatencyRequests`) -> p50/p95/p99. Phase 2: `concurrency` loops for
 * `throughputSeconds` -> requests per second. Errors: responses with another status, or failures.
 */
export async function runScenario<S extends RequestSpec>(client: BenchClient, scenario: Scenario<S>, options: ScenarioOptions): Promise<ScenarioMeasure> {
  const {
    latencySeconds,
    throughputSeconds,
    concurrency,
    maxLatencyRequests = 2000,
    minLatencyRequests = 20,
    warmup = 10,
  } = { ...options, ...scenario.options };
  let i = 0;
  const errors: string[] = [];
  const one = async (): Promise<Measured | null> => {
    const spec = scenario.next(i++);
    if (spec === null) return null;
    try {
      const response = await client.request(spec);
      const ok = response.status === (spec.expect ?? 200);
      if (!ok && errors.length < 5) errors.push(`${spec.method ?? "GET"} ${spec.path}: ${response.status} ${response.body.slice(0, 300)}`);
      if (ok && scenario.check) {
        const problem = scenario.check(response, spec);
        if (problem) {
          if (errors.length < 5) errors.push(problem);
          return { ...response, ok: false };
        }
      }
      return { ...response, ok };
    } catch (error) {
      if (errors.length < 5) errors.push(String(error));
      return { status: 0, ms: 0, ok: false, d1: null };
    }
  };

  for (let w = 0; w < warmup; w++) if ((await one()) === null) break;

  const latency: Measured[] = [];
  let errorCount = 0;
  const latencyStart = performance.now();
  while (latency.length < maxLatencyRequests) {
    const elapsed = (performance.now() - latencyStart) / 1000;
    if (elapsed >= latencySeconds && latency.length >= minLatencyRequests) break;
    const r = await one();
    if (r === null) break;
    if (!r.ok) errorCount++;
    latency.push(r);
  }

  let throughput: Throughput | null = null;
  if (throughputSeconds > 0 && concurrency > 0) {
    const done: Measured[] = [];
    let stop = false;
    const started = performance.now();
    const loop = async () => {
      while (!stop) {
        const r = await one();
        if (r === null) return;
        done.push(r);
        if (!r.ok) errorCount++;
        if (performance.now() - started >= throughputSeconds * 1000) stop = true;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, loop));
    const seconds = (performance.now() - started) / 1000;
    const sorted = done.map((r) => r.ms).sort((a, b) => a - b);
    throughput = {
      requests: done.length,
      seconds,
      rps: done.length / seconds,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
    };
  }

  const okLatency = latency.filter((r) => r.ok);
  const sorted = okLatency.map((r) => r.ms).sort((a, b) => a - b);
  return {
    requests: latency.length + (throughput?.requests ?? 0),
    latency: {
      requests: latency.length,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      mean: sorted.length ? sorted.reduce((s, x) => s + x, 0) / sorted.length : null,
      max: sorted.at(-1) ?? null,
    },
    throughput,
    errors: errorCount,
    errorSamples: errors,
    d1: summarizeD1(okLatency),
  };
}

/** A progress bar on stderr (a line per update when stderr is not a terminal, at most every 2 s). */
export function progressBar(label: string, total: number) {
  const tty = process.stderr.isTTY;
  const started = performance.now();
  let lastPrint = 0;
  let current = 0;
  const render = (final = false) => {
    const now = performance.now();
    if (!final && !tty && now - lastPrint < 2000) return;
    if (!final && tty && now - lastPrint < 100) return;
    lastPrint = now;
    const fraction = total > 0 ? Math.min(1, current / total) : 1;
    const width = 30;
    const filled = Math.round(fraction * width);
    const seconds = ((now - started) / 1000).toFixed(1);
    const text = `  ${label.padEnd(28)} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}%  ${current.toLocaleString("en-US")}/${total.toLocaleString("en-US")}  ${seconds} s`;
    if (tty) process.stderr.write(`\r${text}${final ? "\n" : ""}`);
    else process.stderr.write(`${text}\n`);
  };
  return {
    update(value: number) {
      current = value;
      render();
    },
    done() {
      current = total;
      render(true);
      return (performance.now() - started) / 1000;
    },
  };
}
