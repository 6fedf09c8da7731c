import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppBindings } from "../env";
import { ApiError } from "./errors";

/** The one place an error becomes a response: always the JSON envelope, never a stack trace. */
export function handleError(error: Error, c: Context<AppBindings>) {
  const apiError = toApiError(error);
  if (apiError.status >= 500) {
    console.error(JSON.stringify({ msg: "unhandled error", requestId: c.get("requestId"), error: String(error), stack: error.stack }));
  }
  return c.json(apiError.toBody(), apiError.status);
}

/** Any error as the API reports it: an ApiError as it is, a malformed request 400, anything else 500 (the web pages too). */
export function toApiError(error: Error): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof HTTPException && error.status < 500) {
    // Hono's own validators: a body that is not JSON, or a malformed request.
    return new ApiError("validation_failed", error.message || "The request is malformed.", [{ field: "body", problem: error.message }]);
  }
  return new ApiError("internal_error", "Something went wrong on our side; the request id identifies it in the logs.");
}

export function handleNotFound(c: Context<AppBindings>) {
  return c.json(new ApiError("not_found", `No route ${c.req.method} ${new URL(c.req.url).pathname}.`).toBody(), 404);
}
