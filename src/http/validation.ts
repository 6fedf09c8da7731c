import type { Hook } from "@hono/zod-openapi";
import type { ZodError } from "zod";
import type { AppBindings } from "../env";
import { ApiError, type FieldProblem } from "./errors";

export function fieldProblems(error: ZodError, location: string): FieldProblem[] {
  return error.issues.map((issue) => ({
    field: [location, ...issue.path.map(String)].join("."),
    problem: issue.message,
  }));
}

/** Shared by every router: a request that fails its schema becomes one 400 naming each field. */
export const validationHook: Hook<unknown, AppBindings, string, unknown> = (result) => {
  if (!result.success) {
    const location = "target" in result ? String(result.target) : "request";
    const problems = fieldProblems(result.error as ZodError, location === "json" ? "body" : location);
    throw new ApiError("validation_failed", "The request is invalid; see details for each field.", problems);
  }
};
