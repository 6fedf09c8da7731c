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

const ERROR_DESCRIPTIONS = {
  400: "Invalid request (validation_failed names each field)",
  401: "Missing, unknown, revoked or expired token or session, or its user is disabled",
  403: "Not allowed for this caller, or a change made with a session cookie without its CSRF token (csrf_token_invalid)",
  404: "Not found",
  409: "Conflict with the current state",
  410: "Gone: used already, expired or revoked (sign_in_link_gone; invite_gone with details.reason)",
  413: "Request body larger than 64 KiB (payload_too_large; every route, src/http/body-limit.ts)",
  422: "Well-formed but breaks a rule of the game",
  429: "Rate limited (rate_limited), or too many failed authentications from this address (too_many_failed_attempts); see Retry-After",
  500: "Something went wrong on our side (internal_error; the x-request-id header names it in the logs), or a secret the deployment needs is not set (server_misconfigured)",
} as const;

type ErrorStatus = keyof typeof ERROR_DESCRIPTIONS;
type ErrorResponse = { description: string; content: { "application/json": { schema: typeof ErrorSchema } } };

/** What every route can answer, whatever it does: a bad request, no caller, a body too large, a budget spent, a fault. */
type AlwaysStatus = 400 | 401 | 413 | 429 | 500;

/**
 * OpenAPI response entries for the error codes a route can answer with (400, 401, 413, 429 and 500 always), typed per
 * status so that a typed client (hc<App>) still sees each route's success body.
 */
export function errorResponses<S extends ErrorStatus>(...statuses: S[]): Record<S | AlwaysStatus, ErrorResponse> {
  const entries = [...new Set<ErrorStatus>([400, 401, 413, 429, 500, ...statuses])].map((status) => [
    status,
    { description: ERROR_DESCRIPTIONS[status], content: { "application/json": { schema: ErrorSchema } } },
  ]);
  return Object.fromEntries(entries) as Record<S | AlwaysStatus, ErrorResponse>;
}

/**
 * A named schema (one given a name with `.openapi("Name")`) or null. zod-to-openapi documents `Named.nullable()` as the
 * bare `$ref` (or as an `allOf` that still requires an object): a client generated from the document then refuses the
 * null the API answers. A union documents it as `anyOf: [{ $ref }, { type: "null" }]`. Unnamed schemas need none of
 * this: their `.nullable()` becomes `type: [..., "null"]`.
 */
export function nullable<T extends z.ZodType>(schema: T, description?: string) {
  const union = z.union([schema, z.null()]);
  return description === undefined ? union : union.openapi({ description });
}

export const SeasonSchema = z.coerce.number().int().min(1999).max(2100);
export const WeekSchema = z.coerce.number().int().min(1).max(22);
export const LimitSchema = z.coerce.number().int().min(1).max(200).default(50);
export const CursorSchema = z
  .string()
  .max(500)
  .optional()
  .openapi({ description: "The previous page's nextCursor, unchanged and for this same list (signed: any other is 400 invalid_cursor)" });
export const TeamCodeSchema = z.string().trim().min(2).max(30);
export const IdParamSchema = z.object({ id: z.coerce.number().int().positive() });

/** Every /v1 route takes a bearer token or a player's session cookie (ftd_session; changes also need x-csrf-token). */
export const security: { [scheme: string]: string[] }[] = [{ bearerAuth: [] }, { sessionCookie: [] }];
