// `npm run db:seed:local`: loads the demo data (demo/seed.sql) into the local D1 and prints what is there.
// Only seeds: the migrations must be applied already (`npm run db:migrate:local`, or `npm start` does both).
// Idempotent: running it again changes nothing (the first load fixes which week of 2026 is open: see
// scripts/lib/demo-clock.ts). Offline: see scripts/lib/local-d1.ts. It makes no credentials: `npm start` does.
import { exitCodeOf, messageOf, printSummary, queryLocal, seedDemo } from "./lib/local-d1";

try {
  let migrated = false;
  try {
    migrated = queryLocal<{ n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN ('games', 'standings')")[0]?.n === 2;
  } catch {
    migrated = false;
  }
  if (!migrated) {
    console.error("The local D1 has no schema yet: run `npm run db:migrate:local` first (or `npm start`).");
    process.exit(1);
  }
  await seedDemo();
  printSummary();
} catch (error) {
  console.error(messageOf(error));
  process.exit(exitCodeOf(error));
}
