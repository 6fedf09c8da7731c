import type { D1Migration } from "cloudflare:test";

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
      MIGRATION_DB_1: D1Database;
      MIGRATION_DB_2: D1Database;
      MIGRATION_DB_3: D1Database;
      MIGRATION_DB_4: D1Database;
    }
  }
}
