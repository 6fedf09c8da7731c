// The part of `npm test` that runs in Node, not in workerd: tests of what the build produces
// (test/**/*.node.ts; e.g. test/build/production-bundle.node.ts runs `wrangler deploy --dry-run`).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    environment: "node",
    include: ["test/**/*.node.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
