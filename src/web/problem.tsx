/**
 * What a page answers when something stops it: the API error's message and status as an HTML page (the API answers
 * the same error as JSON). Unexpected errors are logged with the request id and shown without detail.
 */
import type { Child } from "hono/jsx";
import { ApiError } from "../http/errors";
import { toApiError } from "../http/errors-handler";
import { Layout, sendPage } from "./layout";
import type { WebContext } from "./viewer";

const TITLES: Partial<Record<number, string>> = {
  400: "Check what you sent",
  401: "Sign in first",
  403: "Not allowed",
  404: "Not found",
  409: "That cannot be done now",
  410: "No longer available",
  413: "Too much at once",
  422: "That breaks a rule of the game",
  429: "Slow down",
  500: "Something went wrong",
};

export function ProblemPage(props: { c: WebContext; status: number; title?: string; message: string; children?: Child }) {
  return (
    <Layout title={props.title ?? TITLES[props.status] ?? "Problem"} viewer={props.c.get("viewer") ?? null}>
      <h1>{props.title ?? TITLES[props.status] ?? "Problem"}</h1>
      <p id="problem" data-status={String(props.status)}>
        {props.message}
      </p>
      {props.children ??
        (props.status === 401 ? (
          <p>
            <a href="/sign-in">Sign in</a>
          </p>
        ) : (
          <p>
            <a href="/">Back to this week's games</a>
          </p>
        ))}
    </Layout>
  );
}

type PageStatus = Parameters<typeof sendPage>[2];

export function sendProblem(c: WebContext, error: ApiError, children?: Child) {
  return sendPage(c, <ProblemPage c={c} status={error.status} message={error.message} children={children} />, error.status as PageStatus);
}

/** The web routes' onError: every error becomes a page with its status (a 5xx logged, its detail kept back). */
export function handleWebError(error: Error, c: WebContext) {
  const apiError = toApiError(error);
  if (apiError.status >= 500) {
    console.error(JSON.stringify({ msg: "unhandled error", requestId: c.get("requestId"), error: String(error), stack: error.stack }));
  }
  if (c.get("viewer") === undefined) c.set("viewer", null);
  return sendProblem(c, apiError);
}

/** A form sent without a live session (signed out meanwhile, or the session expired): 401, with a way back in. */
export function signedOutError(): ApiError {
  return new ApiError("unauthorized", "You are not signed in (or your session has ended): sign in, then send the form again.");
}
