import { z } from "@hono/zod-openapi";
import { ERROR_STATUS, type ErrorCode } from "./errors";

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi("Error");

/** OpenAPI response entries for the error codes a route can answer with. */
export function errorResponses(...statuses: (400 | 401 | 403 | 404 | 409 | 422 | 429)[]) {
  const descriptions: Record<number, string> = {
    400: "Invalid request (validation_failed names each field)",
    401: "Missing, unknown or revoked token",
    403: "Not allowed for this caller",
    404: "Not found",
    409: "Conflict with the current state",
    422: "Well-formed but breaks a rule of the game",
    429: "Rate limited; see Retry-After",
  };
  return Object.fromEntries(
    [...new Set([400, 401, 429, ...statuses])].map((status) => [
      status,
      { description: descriptions[status]!, content: { "application/json": { schema: ErrorSchema } } },
    ]),
  );
}

export const SeasonSchema = z.coerce.number().int().min(1999).max(2100);
export const WeekSchema = z.coerce.number().int().min(1).max(22);
export const LimitSchema = z.coerce.number().int().min(1).max(200).default(50);
export const CursorSchema = z.string().max(500).optional();
export const TeamCodeSchema = z.string().trim().min(2).max(30);
export const IdParamSchema = z.object({ id: z.coerce.number().int().positive() });

export const security = [{ bearerAuth: [] }];
