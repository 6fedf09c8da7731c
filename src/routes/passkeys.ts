import { createRoute, z } from "@hono/zod-openapi";
import type { RegistrationResponseJSON } from "@simplewebauthn/server";
import { callerUserSql, requireUserId } from "../http/auth";
import { createRouter } from "../http/router";
import { relyingParty } from "../http/relying-party";
import { errorResponses, security } from "../http/schemas";
import { deletePasskey, listPasskeys, passkeyRegistrationOptions, registerPasskey } from "../services/passkeys";
import { getUser } from "../services/users";

/** WebAuthn's binary fields as JSON carries them (what @simplewebauthn/browser sends). */
export const Base64UrlSchema = z.string().min(1).max(16_384).regex(/^[A-Za-z0-9_-]+={0,2}$/, "base64url");

const TransportsSchema = z.array(z.string().max(32)).max(10);

const CredentialDescriptorSchema = z.object({ id: z.string(), type: z.literal("public-key"), transports: TransportsSchema.optional() });

export const PasskeySchema = z
  .object({
    id: z.string().openapi({ description: "The credential id, base64url" }),
    name: z.string(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    deviceType: z.string().nullable().openapi({ description: "'multiDevice' (synced between devices) or 'singleDevice'" }),
    backedUp: z.boolean(),
    transports: z.array(z.string()),
  })
  .openapi("Passkey");

const RegistrationOptionsSchema = z
  .object({
    rp: z.object({ id: z.string().optional(), name: z.string() }),
    user: z.object({ id: z.string(), name: z.string(), displayName: z.string() }),
    challenge: z.string(),
    pubKeyCredParams: z.array(z.object({ type: z.literal("public-key"), alg: z.number().int() })),
    timeout: z.number().int().optional(),
    excludeCredentials: z.array(CredentialDescriptorSchema).optional(),
    authenticatorSelection: z
      .object({
        authenticatorAttachment: z.string().optional(),
        requireResidentKey: z.boolean().optional(),
        residentKey: z.string().optional(),
        userVerification: z.string().optional(),
      })
      .optional(),
    hints: z.array(z.string()).optional(),
    attestation: z.string().optional(),
    attestationFormats: z.array(z.string()).optional(),
    extensions: z.unknown().optional(),
  })
  .openapi("PasskeyRegistrationOptions", {
    description: "PublicKeyCredentialCreationOptionsJSON: hand it to startRegistration() of @simplewebauthn/browser; its challenge works once, for 5 minutes",
  });

export const RegistrationResponseSchema = z
  .object({
    id: Base64UrlSchema,
    rawId: Base64UrlSchema,
    type: z.literal("public-key"),
    response: z.object({
      clientDataJSON: Base64UrlSchema,
      attestationObject: Base64UrlSchema,
      authenticatorData: Base64UrlSchema.optional(),
      transports: TransportsSchema.optional(),
      publicKeyAlgorithm: z.number().int().optional(),
      publicKey: Base64UrlSchema.optional(),
    }),
    authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
    clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  })
  .openapi("PasskeyRegistrationResponse", { description: "RegistrationResponseJSON: what startRegistration() of @simplewebauthn/browser resolves to" });

const PasskeyIdParamSchema = z.object({ id: Base64UrlSchema.max(1_400) });

const registrationOptionsRoute = createRoute({
  method: "post",
  path: "/me/passkeys/options",
  operationId: "passkeyRegistrationOptions",
  tags: ["Passkeys"],
  summary: "Options to register a passkey for the caller (a discoverable credential; none of their passkeys again)",
  security,
  responses: { 200: { description: "Registration options", content: { "application/json": { schema: RegistrationOptionsSchema } } }, ...errorResponses(403) },
});

const registerRoute = createRoute({
  method: "post",
  path: "/me/passkeys",
  operationId: "registerPasskey",
  tags: ["Passkeys"],
  summary: "Register a passkey: the authenticator's answer to the options (verified: challenge once, origin, RP ID, attestation 'none')",
  security,
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.object({
            name: z.string().trim().min(1).max(60).optional().openapi({ description: "To tell passkeys apart ('Phone', 'YubiKey'); default 'Passkey'" }),
            response: RegistrationResponseSchema,
          }),
        },
      },
    },
  },
  responses: {
    201: { description: "The passkey", content: { "application/json": { schema: PasskeySchema } } },
    ...errorResponses(403, 409),
  },
});

const listRoute = createRoute({
  method: "get",
  path: "/me/passkeys",
  operationId: "listMyPasskeys",
  tags: ["Passkeys"],
  summary: "The caller's passkeys",
  security,
  responses: { 200: { description: "Passkeys", content: { "application/json": { schema: z.object({ passkeys: z.array(PasskeySchema) }) } } }, ...errorResponses(403) },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/me/passkeys/{id}",
  operationId: "deleteMyPasskey",
  tags: ["Passkeys"],
  summary: "Delete one of the caller's passkeys: it signs nobody in any more (the authenticator keeps its copy until removed there)",
  security,
  request: { params: PasskeyIdParamSchema },
  responses: { 200: { description: "The deleted passkey", content: { "application/json": { schema: PasskeySchema } } }, ...errorResponses(403, 404) },
});

export const passkeyRoutes = createRouter()
  .openapi(registrationOptionsRoute, async (c) => {
    const user = await getUser(c.get("db"), requireUserId(c));
    return c.json(await passkeyRegistrationOptions(c.get("db"), relyingParty(c), user, new Date()), 200);
  })
  .openapi(registerRoute, async (c) => {
    const userId = requireUserId(c);
    const body = c.req.valid("json");
    const passkey = await registerPasskey(
      c.get("db"),
      relyingParty(c),
      { userId, name: body.name, response: body.response as RegistrationResponseJSON },
      new Date(),
    );
    return c.json(passkey, 201);
  })
  .openapi(listRoute, async (c) => c.json({ passkeys: await listPasskeys(c.get("db"), await callerUserSql(c)) }, 200))
  .openapi(deleteRoute, async (c) => c.json(await deletePasskey(c.get("db"), requireUserId(c), c.req.valid("param").id), 200));
