// HTTP measurement: keep-alive requests to the local Worker, latency percentiles at concurrency 1, throughput at
// the chosen concurrency, and the D1 cost of each request from the bench-only x-bench-d1 header.
import http from "node:http";

export function createClient(baseUrl, maxSockets = 64) {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets, keepAliveMsecs: 10000 });
  const freshAgent = new http.Agent({ keepAlive: false });
  // The last answer each socket carried: a connection the server resets says what came before it (bench/README.md,
  // Caveats: connection resets in the rush).
  const lastOnSocket = new WeakMap();
  /**
   * One request: { status, ms, body (text), json(), d1 (parsed x-bench-d1 or null) }. `fresh`: a connection of its
   * own, closed after the response (long load and check requests). A request that fails on a reused keep-alive
   * socket the server had just closed (ECONNRESET / "socket hang up" before any response) is sent once more on a new
   * socket, as Node's documentation advises; the retry's time is what is measured.
   */
  async function request(spec) {
    try {
      return await requestOnce(spec);
    } catch (error) {
      if (!error.reusedSocket) throw error;
      try {
        return await requestOnce({ ...spec, fresh: true });
      } catch (again) {
        again.previousOnSocket = `${error.previousOnSocket}; then on a new connection: ${again.previousOnSocket}`;
        throw again;
      }
    }
  }

  function requestOnce({ method = "GET", path, token, body, timeoutMs = 900000, fresh = false }) {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
      const headers = { accept: "application/json" };
      if (token) headers.authorization = `Bearer ${token}`;
      if (payload !== undefined) {
        headers["content-type"] = "application/json";
        headers["content-length"] = Buffer.byteLength(payload);
      }
      const started = process.hrtime.bigint();
      if (fresh) headers.connection = "close";
      const req = http.request({ agent: fresh ? freshAgent : agent, host: url.hostname, port: url.port, method, path, headers, timeout: timeoutMs }, (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => {
          if (req.socket) lastOnSocket.set(req.socket, `${method} ${res.statusCode}${res.headers.connection === "close" ? " (connection: close)" : ""}`);
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          const text = Buffer.concat(chunks).toString("utf8");
          const header = res.headers["x-bench-d1"];
          let d1 = null;
          try {
            d1 = header ? JSON.parse(header) : null;
          } catch {
            d1 = null;
          }
          resolve({
            status: res.statusCode,
            ms,
            body: text,
            d1,
            json: () => JSON.parse(text),
          });
        });
        res.on("error", reject);
      });
      req.on("timeout", () => req.destroy(new Error(`timeout after ${timeoutMs} ms: ${method} ${path}`)));
      req.on("error", (error) => {
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

export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export function summarizeD1(samples) {
  const withMeta = samples.filter((s) => s.d1);
  if (withMeta.length === 0) return null;
  const sum = (key) => withMeta.reduce((s, x) => s + (x.d1[key] ?? 0), 0);
  const max = (key) => withMeta.reduce((m, x) => Math.max(m, x.d1[key] ?? 0), 0);
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

/**
 * Runs one scenario. `next(i)` gives the i-th request ({ method, path, token, body, expect }), `expect` the
 * status that counts as success (default 200). Phase 1: warm-up, then concurrency 1 for `latencySeconds` (at most
 * `maxLatencyRequests`, at least `minLatencyRequests`) -> p50/p95/p99. Phase 2: `concurrency` loops for
 * `throughputSeconds` -> requests per second. Errors: responses with another status, or failures.
 */
export async function runScenario(client, scenario, options) {
  const {
    latencySeconds,
    throughputSeconds,
    concurrency,
    maxLatencyRequests = 2000,
    minLatencyRequests = 20,
    warmup = 10,
  } = { ...options, ...scenario.options };
  let i = 0;
  const errors = [];
  const one = async () => {
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

  const latency = [];
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

  let throughput = null;
  if (throughputSeconds > 0 && concurrency > 0) {
    const done = [];
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
export function progressBar(label, total) {
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
    update(value) {
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
