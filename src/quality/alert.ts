/**
 * The alert: when a run has failing (or erroring) checks and a webhook is configured (QUALITY_WEBHOOK_URL, a
 * secret: webhook URLs usually carry their own token), one POST with a compact JSON summary. No webhook, no call;
 * a clean run (or one with warnings only) sends nothing. The outcome is recorded on the run (alert_sent_at or
 * alert_error); a webhook that fails never fails the run.
 */
import type { Fetcher } from "../sources/http";
import type { QualityRunView } from "./store";
import type { CheckResult } from "./types";

export const ALERT_TIMEOUT_MS = 10_000;

export interface AlertPayload {
  source: "firsttd-quality";
  runId: number;
  status: string;
  startedAt: string;
  checks: { total: number; failed: number; warned: number; errored: number };
  /** The checks with status fail or error, worst first. */
  failing: { check: string; table: string; status: string; failingRows: number }[];
  /** One line for chat webhooks (Slack, Discord, ... show `text`). */
  text: string;
}

/** The summary to send, or null when the run has nothing that needs a person now. */
export function alertPayload(run: QualityRunView, results: readonly CheckResult[]): AlertPayload | null {
  const failing = results
    .filter((r) => r.status === "fail" || r.status === "error")
    .sort((a, b) => (a.status === b.status ? b.failingRows - a.failingRows : a.status === "fail" ? -1 : 1))
    .map((r) => ({ check: r.name, table: r.table, status: r.status, failingRows: r.failingRows }));
  if (failing.length === 0) return null;
  const listed = failing.slice(0, 10).map((f) => (f.status === "error" ? `${f.check} (error)` : `${f.check} ${f.failingRows}`));
  const more = failing.length > listed.length ? `, +${failing.length - listed.length} more` : "";
  return {
    source: "firsttd-quality",
    runId: run.id,
    status: run.status,
    startedAt: run.startedAt,
    checks: { total: run.checksTotal, failed: run.checksFailed, warned: run.checksWarned, errored: run.checksErrored },
    failing,
    text: `firsttd data quality run #${run.id}: ${run.status.toUpperCase()}: ${listed.join(", ")}${more}`,
  };
}

/** POSTs the payload; resolves to null when the webhook answered 2xx, else to what went wrong. */
export async function sendAlert(url: string, payload: AlertPayload, fetcher: Fetcher = fetch): Promise<string | null> {
  try {
    const response = await fetcher(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(ALERT_TIMEOUT_MS),
    });
    // Read (and drop) the body so that the connection is released.
    const body = await response.text().catch(() => "");
    if (!response.ok) return `webhook answered HTTP ${response.status}${body ? `: ${body.slice(0, 200)}` : ""}`;
    return null;
  } catch (error) {
    return `webhook not reached: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`.slice(0, 500);
  }
}
