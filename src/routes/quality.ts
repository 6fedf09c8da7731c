import { createRoute, z } from "@hono/zod-openapi";
import { QUALITY_SEVERITIES, QUALITY_STATUSES } from "../db/schema";
import { requireAdmin } from "../http/auth";
import { ApiError } from "../http/errors";
import { createRouter } from "../http/router";
import { errorResponses, nullable, SeasonSchema, security } from "../http/schemas";
import { runJob } from "../jobs/runner";
import { QUALITY_JOB } from "../quality/run";
import { getQualityRun, latestQualityRun, listQualityRuns, qualityResults, type QualityRunView } from "../quality/store";

const QualityRunSchema = z
  .object({
    id: z.number().int(),
    trigger: z.enum(["cron", "admin", "cli"]),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    status: z.enum(["running", ...QUALITY_STATUSES]).openapi({ description: "The worst status of the run's checks (fail > error > warn > pass)" }),
    checksTotal: z.number().int(),
    checksFailed: z.number().int(),
    checksWarned: z.number().int(),
    checksErrored: z.number().int(),
    alertSentAt: z.string().nullable().openapi({ description: "When the failure summary reached QUALITY_WEBHOOK_URL" }),
    alertError: z.string().nullable().openapi({ description: "Why the webhook could not be reached" }),
  })
  .openapi("QualityRun");

const QualityCheckResultSchema = z
  .object({
    name: z.string().openapi({ example: "orphan_picks_users" }),
    table: z.string(),
    severity: z.enum(QUALITY_SEVERITIES),
    status: z.enum(QUALITY_STATUSES),
    failingRows: z.number().int(),
    sampleKeys: z.array(z.string()).openapi({ description: "A few keys of failing rows (at most 5)" }),
    details: z.record(z.string(), z.unknown()).nullable().openapi({ description: "Check-specific numbers, or the error of a check that could not run" }),
  })
  .openapi("QualityCheckResult");

const QualityReportSchema = z
  .object({ run: nullable(QualityRunSchema, "null before the first run"), checks: z.array(QualityCheckResultSchema) })
  .openapi("QualityReport");

const latestRoute = createRoute({
  method: "get",
  path: "/admin/quality",
  operationId: "getQualityReport",
  tags: ["Admin"],
  summary: "The latest finished data-quality run with the result of every check (admin)",
  security,
  responses: {
    200: { description: "The latest run and its checks", content: { "application/json": { schema: QualityReportSchema } } },
    ...errorResponses(403),
  },
});

const listRoute = createRoute({
  method: "get",
  path: "/admin/quality/runs",
  operationId: "listQualityRuns",
  tags: ["Admin"],
  summary: "Data-quality runs, newest first (admin)",
  security,
  request: {
    query: z.object({
      limit: z.coerce.number().int().min(1).max(200).default(30),
      before: z.coerce.number().int().positive().optional().openapi({ description: "Runs with an id below this one (the previous page's nextBefore)" }),
    }),
  },
  responses: {
    200: {
      description: "A page of runs",
      content: {
        "application/json": {
          schema: z.object({
            runs: z.array(QualityRunSchema),
            nextBefore: z.number().int().nullable().openapi({ description: "Pass as `before` for the next page; null on the last page" }),
          }),
        },
      },
    },
    ...errorResponses(403),
  },
});

const runRoute = createRoute({
  method: "post",
  path: "/admin/quality/run",
  operationId: "runQualityChecks",
  tags: ["Admin"],
  summary: "Run the data-quality checks now (admin); stored, logged and alerted like the nightly run",
  security,
  request: {
    body: {
      required: false,
      content: {
        "application/json": {
          schema: z.object({ season: SeasonSchema.optional().openapi({ description: "Season of the season-scoped checks (default: the current one)" }) }),
        },
      },
    },
  },
  responses: {
    200: { description: "The finished run and its checks", content: { "application/json": { schema: QualityReportSchema } } },
    ...errorResponses(403),
  },
});

type Report = z.infer<typeof QualityReportSchema>;

async function report(d1: D1Database, run: QualityRunView | null): Promise<Report> {
  return { run, checks: run ? await qualityResults(d1, run.id) : [] };
}

export const qualityRoutes = createRouter()
  .openapi(latestRoute, async (c) => {
    requireAdmin(c);
    return c.json(await report(c.env.DB, await latestQualityRun(c.env.DB)), 200);
  })
  .openapi(listRoute, async (c) => {
    requireAdmin(c);
    const { limit, before } = c.req.valid("query");
    // One more than asked tells whether there is a next page.
    const runs = await listQualityRuns(c.env.DB, { limit: limit + 1, beforeId: before });
    const page = runs.slice(0, limit);
    const nextBefore = runs.length > limit ? page.at(-1)!.id : null;
    return c.json({ runs: page, nextBefore }, 200);
  })
  .openapi(runRoute, async (c) => {
    requireAdmin(c);
    const body = c.req.header("content-type")?.includes("application/json") ? c.req.valid("json") : {};
    const job = await runJob(c.env, { job: QUALITY_JOB, trigger: "admin", season: body.season });
    const runId = job.outcome?.details?.qualityRunId;
    const run = typeof runId === "number" ? await getQualityRun(c.env.DB, runId) : null;
    if (!run) throw new ApiError("internal_error", `The quality run failed: ${job.error ?? "no run recorded"}.`);
    return c.json(await report(c.env.DB, run), 200);
  });
