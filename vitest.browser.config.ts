// `npm run test:browser`: the Node-side tests that need a real browser (test/**/*.browser.ts: the status page, the web app's story, notifications). They start the
// Worker with wrangler's unstable_startWorker against a temporary local D1 and drive Debian's chromium through
// playwright-core, so they cannot run inside workerd with the rest of the suite (vitest.config.ts).
// Needs /usr/bin/chromium (`apt-get install -y chromium`), or CHROMIUM_PATH pointing at another build.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    environment: "node",
    include: ["test/**/*.browser.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // One worker, one browser: nothing to gain from parallel files here.
    fileParallelism: false,
  },
});
