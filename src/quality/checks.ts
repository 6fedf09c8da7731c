/**
 * Every data-quality check the nightly job runs, in the order the report lists them. Each is a named query that
 * counts failing rows (see ./types.ts); each module holds the checks of one concern.
 *
 * fail: the data breaks a rule of the game or of the schema (someone must fix rows).
 * warn: the data is probably stale, incomplete or drifting (someone should look).
 */
import { driftChecks } from "./checks/drift";
import { freshnessChecks } from "./checks/freshness";
import { gameChecks } from "./checks/games";
import { marketChecks } from "./checks/markets";
import { orphanChecks } from "./checks/orphans";
import { pickChecks } from "./checks/picks";
import { positionChecks } from "./checks/positions";
import { valueChecks } from "./checks/values";
import type { QualityCheck } from "./types";

export const CHECKS: readonly QualityCheck[] = [
  ...pickChecks,
  ...orphanChecks,
  ...valueChecks,
  ...gameChecks,
  ...freshnessChecks,
  ...positionChecks,
  ...driftChecks,
  ...marketChecks,
];

const names = CHECKS.map((check) => check.name);
if (new Set(names).size !== names.length) throw new Error(`duplicate quality check names: ${names.join(", ")}`);
