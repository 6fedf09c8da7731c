import { createRoute, z } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import type { AppBindings } from "../env";
import { authenticateOptional, type Caller } from "../http/auth";
import { rateLimit } from "../http/rate-limit";
import { createRouter } from "../http/router";
import { errorResponses, security } from "../http/schemas";
import { createAccount, signUpMode } from "../services/accounts";
import { NewTokenSchema, UserSchema } from "./me";

/** A display name: what other members see. Unique across the API (409 user_name_taken: choose another). */
export const DisplayNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(60)
  .regex(/^[^\p{Cc}\p{Cf}]+$/u, "no control or invisible formatting characters")
  // zod-to-openapi writes the regex with its flags appended ("...$/u"), a pattern nothing matches: the bare source.
  .openapi({ example: "Sam", description: "Your display name, unique: other members see it", pattern: "^[^\\p{Cc}\\p{Cf}]+$" });

/** Routes that also serve a caller without credentials: a token, a session or nothing. */
export const optionalSecurity = [{}, ...security];

/** The middleware of a route that also serves anonymous callers: a caller when credentials came, the budgets either way. */
export const optionalAuthentication: MiddlewareHandler<AppBindings>[] = [authenticateOptional, rateLimit];

/** The caller, or null for a request without credentials (routes with optionalAuthentication only). */
export function optionalCaller(c: Context<AppBindings>): Caller | null {
  return (c.get("caller") as Caller | undefined) ?? null;
}

export const NewAccountSchema = z
  .object({ user: UserSchema, token: NewTokenSchema.openapi({ description: "Your personal API token: shown in this answer only, keep it" }) })
  .openapi("NewAccount");

const createAccountRoute = createRoute({
  method: "post",
  path: "/accounts",
  operationId: "createAccount",
  tags: ["Accounts"],
  summary: "Create an account (no token needed) where sign-up is open (SIGN_UP var 'open'; else 403 sign_up_closed: accept an invite)",
  security: optionalSecurity,
  middleware: optionalAuthentication,
  request: { body: { required: true, content: { "application/json": { schema: z.object({ name: DisplayNameSchema }) } } } },
  responses: {
    201: { description: "The user and their personal token (shown once)", content: { "application/json": { schema: NewAccountSchema } } },
    ...errorResponses(403, 409),
  },
});

/** Mounted outside the authenticated /v1 chain (src/app.ts): a person without an account calls it. */
export const accountRoutes = createRouter().openapi(createAccountRoute, async (c) => {
  const { name } = c.req.valid("json");
  return c.json(await createAccount(c.get("db"), { name, signUp: signUpMode(c.env.SIGN_UP) }, new Date()), 201);
});
