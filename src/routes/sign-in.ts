/**
 * Signing in, without a caller (ANONYMOUS_PATHS of src/http/auth.ts): with a passkey, or with a one-time sign-in link.
 * Each success starts a web session (Set-Cookie ftd_session) and answers its CSRF token. Failures count in the
 * failed-authentication throttle; changes here are rate-limited per address.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import type { Context } from "hono";
import type { AppBindings } from "../env";
import { ApiError } from "../http/errors";
import { createRouter } from "../http/router";
import { relyingParty } from "../http/relying-party";
import { errorResponses } from "../http/schemas";
import { startWebSession } from "../http/web-session";
import { clientAddressKey } from "../lib/client-address";
import { passkeySignInOptions, signInWithPasskey } from "../services/passkeys";
import { useSignInLink } from "../services/sign-in-links";
import { getUser } from "../services/users";
import { UserSchema } from "./me";
import { Base64UrlSchema } from "./passkeys";

const SignedInSchema = z
  .object({
    user: UserSchema,
    session: z.object({ id: z.number().int(), expiresAt: z.string().openapi({ description: "30 days after sign-in (fixed, not sliding)" }) }),
    csrfToken: z.string().openapi({ description: "Send it in the x-csrf-token header (or a _csrf form field) with every change made with this session" }),
  })
  .openapi("SignedIn");

const SignedInResponse = {
  description: "Signed in: Set-Cookie carries the session (ftd_session: HttpOnly, SameSite=Lax, Path=/, Secure over https, 30 days)",
  headers: z.object({ "Set-Cookie": z.string() }),
  content: { "application/json": { schema: SignedInSchema } },
};

const AuthenticationOptionsSchema = z
  .object({
    challenge: z.string(),
    timeout: z.number().int().optional(),
    rpId: z.string().optional(),
    allowCredentials: z.array(z.object({ id: z.string(), type: z.literal("public-key"), transports: z.array(z.string()).optional() })).optional(),
    userVerification: z.string().optional(),
    hints: z.array(z.string()).optional(),
    extensions: z.unknown().optional(),
  })
  .openapi("PasskeySignInOptions", {
    description: "PublicKeyCredentialRequestOptionsJSON: hand it to startAuthentication() of @simplewebauthn/browser; its challenge works once, for 5 minutes",
  });

const AuthenticationResponseSchema = z
  .object({
    id: Base64UrlSchema,
    rawId: Base64UrlSchema,
    type: z.literal("public-key"),
    response: z.object({
      clientDataJSON: Base64UrlSchema,
      authenticatorData: Base64UrlSchema,
      signature: Base64UrlSchema,
      userHandle: Base64UrlSchema.optional(),
    }),
    authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
    clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  })
  .openapi("PasskeySignInResponse", { description: "AuthenticationResponseJSON: what startAuthentication() of @simplewebauthn/browser resolves to" });

const passkeyOptionsRoute = createRoute({
  method: "post",
  path: "/sign-in/passkey/options",
  operationId: "passkeySignInOptions",
  tags: ["Sign-in"],
  security: [],
  summary: "Options to sign in with a passkey (no account named: the authenticator offers the passkeys it holds for this site)",
  responses: { 200: { description: "Sign-in options", content: { "application/json": { schema: AuthenticationOptionsSchema } } }, ...errorResponses() },
});

const passkeySignInRoute = createRoute({
  method: "post",
  path: "/sign-in/passkey",
  operationId: "signInWithPasskey",
  tags: ["Sign-in"],
  security: [],
  summary: "Sign in with a passkey: the authenticator's answer to the options (challenge once, origin, RP ID, signature, counter)",
  request: { body: { required: true, content: { "application/json": { schema: z.object({ response: AuthenticationResponseSchema }) } } } },
  responses: { 200: SignedInResponse, ...errorResponses() },
});

const linkSignInRoute = createRoute({
  method: "post",
  path: "/sign-in/link",
  operationId: "signInWithLink",
  tags: ["Sign-in"],
  security: [],
  summary: "Sign in with a one-time link's token (the #token=... of the link): once, within 24 hours; used or expired 410, unknown 404",
  request: {
    body: { required: true, content: { "application/json": { schema: z.object({ token: z.string().trim().min(1).max(200) }) } } },
  },
  responses: { 200: SignedInResponse, ...errorResponses(403, 404, 410) },
});

function refuse(c: Context<AppBindings>, result: { status: 401 | 429; reason: string; retryAfterSeconds?: number }): never {
  if (result.status === 429) {
    c.header("Retry-After", String(result.retryAfterSeconds));
    throw new ApiError("too_many_failed_attempts", result.reason);
  }
  throw new ApiError("passkey_sign_in_failed", result.reason);
}

function requireSessionSecret(c: Context<AppBindings>): void {
  // Before anything is consumed: a link or a challenge used for a session that cannot be made would be lost.
  if (!c.env.SESSION_SECRET) throw new ApiError("server_misconfigured", "Signing in is not configured: the SESSION_SECRET secret is not set.");
}

async function signedIn(c: Context<AppBindings>, userId: number) {
  const session = await startWebSession(c, userId);
  return { user: await getUser(c.get("db"), userId), session: { id: session.sessionId, expiresAt: session.expiresAt }, csrfToken: session.csrfToken };
}

export const signInRoutes = createRouter()
  .openapi(passkeyOptionsRoute, async (c) => c.json(await passkeySignInOptions(c.get("db"), relyingParty(c), new Date()), 200))
  .openapi(passkeySignInRoute, async (c) => {
    requireSessionSecret(c);
    const { response } = c.req.valid("json");
    const result = await signInWithPasskey(
      c.get("db"),
      relyingParty(c),
      { response: response as AuthenticationResponseJSON, client: clientAddressKey(c.req.raw.headers) },
      new Date(),
    );
    if (!result.ok) refuse(c, result);
    return c.json(await signedIn(c, result.userId), 200);
  })
  .openapi(linkSignInRoute, async (c) => {
    requireSessionSecret(c);
    const result = await useSignInLink(c.get("db"), { token: c.req.valid("json").token, client: clientAddressKey(c.req.raw.headers) }, new Date());
    if (!result.ok) refuse(c, result);
    return c.json(await signedIn(c, result.userId), 200);
  });
