import { app } from "./app";
import type { AppEnv } from "./env";
import { CRON_JOBS } from "./jobs/registry";
import { runJob, runUnknownCron } from "./jobs/runner";
import { handleNotificationBatch } from "./notifications/consumer";

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
  // The notifications queue and its dead-letter queue (wrangler.toml; src/notifications/consumer.ts).
  queue: (batch, env) => handleNotificationBatch(batch, env),
} satisfies ExportedHandler<AppEnv>;
