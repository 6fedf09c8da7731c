import type { BuildOptions } from "esbuild";

/**
 * How a Worker is bundled for workerd outside wrangler (the CLI's local Worker, the bench Worker and its variants), as
 * wrangler bundles it: ESM, the workerd export conditions.
 */
export const WORKERD_BUNDLE = {
  bundle: true,
  format: "esm",
  platform: "neutral",
  conditions: ["workerd", "worker", "browser"],
  mainFields: ["module", "main"],
  target: "es2022",
} satisfies BuildOptions;
