import { app } from "./app";
import type { AppEnv } from "./env";
import { CRON_JOBS } from "./jobs/registry";
import { runJob, runUnknownCron } from "./jobs/runner";

export default {
  fetch: app.fetch,
  async scheduled(controller, env) {
    const job = CRON_JOBS[controller.cron];
    if (!job) {
      await runUnknownCron(env, controller.cron);
      throw new Error(`no job is registered for cron '${controller.cron}'`);
    }
    const report = await runJob(env, { job, trigger: "cron", cron: controller.cron });
    // Recorded in sync_runs already; throwing also marks the invocation failed in Cloudflare's cron events.
    if (report.status === "failed") throw new Error(`${job} failed: ${report.error}`);
  },
} satisfies ExportedHandler<AppEnv>;
