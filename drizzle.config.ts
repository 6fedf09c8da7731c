import { defineConfig } from "drizzle-kit";

// Only `drizzle-kit generate` is used. Migrations are applied by wrangler (`npm run db:migrate:*`),
// never by drizzle-kit migrate/push, which keep a separate ledger.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema.ts",
  out: "./drizzle",
});
