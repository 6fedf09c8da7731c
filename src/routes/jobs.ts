import { createRoute, z } from "@hono/zod-openapi";
import { requireAdmin } from "../http/auth";
import { ApiError } from "../http/errors";
import { createRouter } from "../http/router";
import { errorResponses, SeasonSchema, security, WeekSchema } from "../http/schemas";
import { isJobName, JOBS } from "../jobs/registry";
import { runJob } from "../jobs/runner";
import { listRuns } from "../jobs/run-log";

const SyncRunSchema = z
  .object({
    id: z.number().int(),
    job: z.string(),
    trigger: z.enum(["cron", "admin", "cli"]),
    cron: z.string().nullable(),
    season: z.number().int().nullable(),
    week: z.number().int().nullable(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    status: z.enum(["running", "ok", "partial", "failed"]),
    readCount: z.number().int(),
    insertedCount: z.number().int(),
    updatedCount: z.number().int(),
    unchangedCount: z.number().int(),
    rejectedCount: z.number().int(),
    d1RowsRead: z.number().int(),
    d1RowsWritten: z.number().int(),
    error: z.string().nullable(),
    details: z.unknown(),
  })
  .openapi("SyncRun");

const JOB_NAMES = Object.keys(JOBS) as [string, ...string[]];

const runJobRoute = createRoute({
  method: "post",
  path: "/admin/jobs/{job}/run",
  operationId: "runJob",
  tags: ["Admin"],
  summary: "Run an ingestion job now (admin); the run is logged like a cron run",
  security,
  request: {
    params: z.object({ job: z.string().openapi({ enum: JOB_NAMES, example: "roster-sync" }) }),
    body: {
      required: false,
      content: { "application/json": { schema: z.object({ season: SeasonSchema.optional(), week: WeekSchema.optional() }) } },
    },
  },
  responses: {
    200: { description: "The finished run (status ok, partial or failed)", content: { "application/json": { schema: SyncRunSchema } } },
    ...errorResponses(403, 404),
  },
});

const listRunsRoute = createRoute({
  method: "get",
  path: "/admin/sync-runs",
  operationId: "listSyncRuns",
  tags: ["Admin"],
  summary: "The run log of the ingestion jobs, newest first (admin)",
  security,
  request: {
    query: z.object({
      job: z.string().max(40).optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
      before: z.coerce.number().int().positive().optional().openapi({ description: "Runs with an id below this one (paging)" }),
    }),
  },
  responses: { 200: { description: "Runs", content: { "application/json": { schema: z.object({ runs: z.array(SyncRunSchema) }) } } }, ...errorResponses(403) },
});

export const jobRoutes = createRouter()
  .openapi(runJobRoute, async (c) => {
    requireAdmin(c);
    const { job } = c.req.valid("param");
    if (!isJobName(job)) throw new ApiError("job_not_found", `No job '${job}'. Jobs: ${JOB_NAMES.join(", ")}.`);
    const body = c.req.header("content-type")?.includes("application/json") ? c.req.valid("json") : {};
    const report = await runJob(c.env, { job, trigger: "admin", season: body.season, week: body.week });
    const [run] = await listRuns(c.env.DB, { limit: 1, beforeId: report.runId + 1 });
    return c.json(run as z.infer<typeof SyncRunSchema>, 200);
  })
  .openapi(listRunsRoute, async (c) => {
    requireAdmin(c);
    const query = c.req.valid("query");
    const runs = await listRuns(c.env.DB, { job: query.job, limit: query.limit, beforeId: query.before });
    return c.json({ runs: runs as z.infer<typeof SyncRunSchema>[] }, 200);
  });
