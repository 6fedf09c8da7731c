import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [
    cloudflareTest(async () => ({
      main: "./src/index.ts",
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        // SELF.scheduled()/exports.default.scheduled() need this flag in tests.
        compatibilityFlags: ["service_binding_extra_handlers"],
        // Empty databases for the migration tests, which apply the chain step by step themselves.
        d1Databases: ["DB", "MIGRATION_DB_1", "MIGRATION_DB_2", "MIGRATION_DB_3", "MIGRATION_DB_4"],
        bindings: {
          ENVIRONMENT: "test",
          ADMIN_TOKEN: "test-admin-token",
          SESSION_SECRET: "test-session-secret-0123456789abcdef",
          // A VAPID key pair for tests only (src/notifications/web-push.ts): push is configured in every test.
          VAPID_PRIVATE_KEY: '{"kty":"EC","crv":"P-256","x":"zfb9mVFKOTRVk4tNgIey-PrLOMJzEs3jotTm6_ht6p8","y":"LxhRXY5wOxW2E1HKSTz-yto6wgpREhxvuNhaf0jJ8BY","d":"zQuwpyUxqyC61epp6nxEeTJNRGvupaO_8l6dfp85wIM"}',
          VAPID_SUBJECT: "mailto:operator@firsttd.invalid",
          TEST_MIGRATIONS: await readD1Migrations(fileURLToPath(new URL("./drizzle", import.meta.url))),
        },
      },
    })),
  ],
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["./test/helpers/apply-migrations.ts"],
    silent: "passed-only",
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
