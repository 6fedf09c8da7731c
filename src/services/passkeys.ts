/**
 * Passkeys (WebAuthn credentials): registering one for a signed-in user, and signing in with one on any device.
 *
 * @simplewebauthn/server does everything WebAuthn: options, CBOR, attestation ('none'), the signature, the RP ID hash,
 * the origin, the counter (docs/decisions/0010). This module keeps its state: each challenge it hands out is a row of
 * `webauthn_challenges` that the answer consumes (deleted in one conditional statement, whatever the verification then
 * says), so a response can be replayed never, and answered only for CHALLENGE_SECONDS. Sign-in options name no
 * credential (discoverable credentials: the authenticator offers the user's passkeys); the passkey the answer names
 * (its credential id) says whose account it is.
 */
import type {
  AuthenticationResponseJSON,
  AuthenticatorTransportFuture,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
  verifyRegistrationResponse,
} from "@simplewebauthn/server";
import { and, asc, eq, gt, isNull, lt, type SQL } from "drizzle-orm";
import { readTogether } from "../db/client";
import { passkeys, users, webauthnChallenges, WEBAUTHN_PURPOSES } from "../db/schema";
import type { Database } from "../env";
import { ApiError } from "../http/errors";
import { nowIso } from "../lib/clock";
import { authFailuresQuery, blockedForSeconds, recordAuthFailure } from "./auth-throttle";
import { throttledReason } from "./credentials";

/**
 * The library, loaded on the first ceremony: bundled behind a dynamic import, its modules are evaluated only then, not
 * at every isolate's startup (its code still ships and is parsed with the bundle; bench/README.md, "Memory").
 */
async function webauthn() {
  const [server, helpers] = await Promise.all([import("@simplewebauthn/server"), import("@simplewebauthn/server/helpers")]);
  return { ...server, ...helpers };
}

/** The site passkeys belong to: its RP ID (a host name) and the origin the browser must report. */
export interface RelyingParty {
  id: string;
  name: string;
  origin: string;
}

type ChallengePurpose = (typeof WEBAUTHN_PURPOSES)[number];

/** How long a challenge can be answered: a person finding their phone or security key. */
export const CHALLENGE_SECONDS = 5 * 60;

export interface PasskeyView {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  /** 'multiDevice': synced (iCloud Keychain, Google Password Manager, ...); 'singleDevice': bound to one authenticator. */
  deviceType: string | null;
  backedUp: boolean;
  transports: string[];
}

function transportsOf(json: string | null): AuthenticatorTransportFuture[] {
  return json ? (JSON.parse(json) as AuthenticatorTransportFuture[]) : [];
}

function toView(row: typeof passkeys.$inferSelect): PasskeyView {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    deviceType: row.deviceType,
    backedUp: row.backedUp === 1,
    transports: transportsOf(row.transports),
  };
}

/**
 * The WebAuthn user handle of a user: stable, so that registering again on an authenticator replaces that user's
 * passkey there instead of adding one, and free of anything personal (the spec asks for no name or address).
 */
export function userHandleOf(userId: number): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`ftd-user:${userId}`) as Uint8Array<ArrayBuffer>;
}

async function storeChallenge(db: Database, challenge: string, purpose: ChallengePurpose, userId: number | null, now: Date): Promise<void> {
  await db.batch([
    // Challenges nobody answered would otherwise pile up (sign-in options are handed to anyone).
    db.delete(webauthnChallenges).where(lt(webauthnChallenges.expiresAt, nowIso(now))),
    db.insert(webauthnChallenges).values({
      challenge,
      purpose,
      userId,
      expiresAt: nowIso(new Date(now.getTime() + CHALLENGE_SECONDS * 1000)),
    }),
  ]);
}

/** The challenge a response answers, consumed: false when it is unknown, used, expired, of another purpose or user. */
async function consumeChallenge(db: Database, clientDataJSON: string, purpose: ChallengePurpose, userId: number | null, now: Date): Promise<string | null> {
  let challenge: string;
  try {
    challenge = (await webauthn()).decodeClientDataJSON(clientDataJSON).challenge;
  } catch {
    return null;
  }
  if (typeof challenge !== "string" || challenge === "") return null;
  const consumed = await db
    .delete(webauthnChallenges)
    .where(
      and(
        eq(webauthnChallenges.challenge, challenge),
        eq(webauthnChallenges.purpose, purpose),
        userId === null ? isNull(webauthnChallenges.userId) : eq(webauthnChallenges.userId, userId),
        gt(webauthnChallenges.expiresAt, nowIso(now)),
      ),
    )
    .returning({ id: webauthnChallenges.id });
  return consumed.length > 0 ? challenge : null;
}

export async function listPasskeys(db: Database, userId: number | SQL): Promise<PasskeyView[]> {
  const { rows } = await readTogether(db, { rows: db.select().from(passkeys).where(eq(passkeys.userId, userId)).orderBy(asc(passkeys.createdAt), asc(passkeys.id)) });
  return rows.map(toView);
}

/** Options for navigator.credentials.create(): a discoverable credential, none of the user's passkeys again. */
export async function passkeyRegistrationOptions(
  db: Database,
  rp: RelyingParty,
  user: { id: number; name: string },
  now: Date,
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const existing = await db.select({ id: passkeys.id, transports: passkeys.transports }).from(passkeys).where(eq(passkeys.userId, user.id));
  const options = await (await webauthn()).generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: user.name,
    userID: userHandleOf(user.id),
    userDisplayName: user.name,
    attestationType: "none",
    timeout: CHALLENGE_SECONDS * 1000,
    excludeCredentials: existing.map((row) => ({ id: row.id, transports: transportsOf(row.transports) })),
    authenticatorSelection: { residentKey: "required", requireResidentKey: true, userVerification: "preferred" },
  });
  await storeChallenge(db, options.challenge, "register", user.id, now);
  return options;
}

function registrationFailed(reason: string): ApiError {
  return new ApiError("passkey_registration_failed", `The passkey was not registered: ${reason}`);
}

/** Verifies the authenticator's answer to the user's registration options and keeps the passkey. */
export async function registerPasskey(
  db: Database,
  rp: RelyingParty,
  input: { userId: number; name?: string; response: RegistrationResponseJSON },
  now: Date,
): Promise<PasskeyView> {
  const challenge = await consumeChallenge(db, input.response.response.clientDataJSON, "register", input.userId, now);
  if (!challenge) throw registrationFailed("its challenge is unknown, used or expired; ask for new options.");
  let verification: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    verification = await (await webauthn()).verifyRegistrationResponse({
      response: input.response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: false,
    });
  } catch (error) {
    throw registrationFailed(error instanceof Error ? error.message : String(error));
  }
  if (!verification.verified) throw registrationFailed("the response does not verify.");
  const { credential, credentialDeviceType, credentialBackedUp } = verification.registrationInfo;
  const [row] = await db
    .insert(passkeys)
    .values({
      id: credential.id,
      userId: input.userId,
      name: input.name ?? "Passkey",
      publicKey: (await webauthn()).isoBase64URL.fromBuffer(credential.publicKey),
      counter: credential.counter,
      transports: JSON.stringify(credential.transports ?? input.response.response.transports ?? []),
      deviceType: credentialDeviceType,
      backedUp: credentialBackedUp ? 1 : 0,
      createdAt: nowIso(now),
    })
    .onConflictDoNothing()
    .returning();
  if (!row) throw new ApiError("passkey_exists", "This passkey is registered already.");
  return toView(row);
}

export async function deletePasskey(db: Database, userId: number, passkeyId: string): Promise<PasskeyView> {
  const [row] = await db
    .delete(passkeys)
    .where(and(eq(passkeys.id, passkeyId), eq(passkeys.userId, userId)))
    .returning();
  if (!row) throw new ApiError("passkey_not_found", "You have no such passkey.");
  return toView(row);
}

/** Options for navigator.credentials.get(): no credential named, the authenticator offers the site's passkeys. */
export async function passkeySignInOptions(db: Database, rp: RelyingParty, now: Date): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const options = await (await webauthn()).generateAuthenticationOptions({ rpID: rp.id, userVerification: "preferred", timeout: CHALLENGE_SECONDS * 1000 });
  await storeChallenge(db, options.challenge, "sign_in", null, now);
  return options;
}

export type PasskeySignIn =
  | { ok: true; userId: number; passkeyId: string }
  | { ok: false; status: 401; reason: string }
  | { ok: false; status: 429; reason: string; retryAfterSeconds: number };

/**
 * Checks a sign-in assertion under the failed-authentication throttle (./auth-throttle.ts), as a bearer token is: an
 * address over the limit is refused whatever it sends, and every failure counts. On success the passkey's counter and
 * last use are written (the write is conditional on the counter read, so two answers can never both move it).
 */
export async function signInWithPasskey(
  db: Database,
  rp: RelyingParty,
  input: { response: AuthenticationResponseJSON; client: string },
  now: Date,
): Promise<PasskeySignIn> {
  const [throttle, found] = await db.batch([
    authFailuresQuery(db, input.client),
    db
      .select({ passkey: passkeys, disabledAt: users.disabledAt })
      .from(passkeys)
      .innerJoin(users, eq(users.id, passkeys.userId))
      .where(eq(passkeys.id, input.response.id)),
  ]);
  const wait = blockedForSeconds(throttle[0], now);
  if (wait !== null) return { ok: false, status: 429, reason: throttledReason(wait), retryAfterSeconds: wait };

  const refusal = await judgeAssertion(db, rp, input.response, found[0], now);
  if (refusal === null) return { ok: true, userId: found[0]!.passkey.userId, passkeyId: found[0]!.passkey.id };
  await recordAuthFailure(db, input.client, now);
  return { ok: false, status: 401, reason: refusal };
}

/** Why the assertion does not sign anyone in, or null when it does (and the passkey's counter has moved). */
async function judgeAssertion(
  db: Database,
  rp: RelyingParty,
  response: AuthenticationResponseJSON,
  found: { passkey: typeof passkeys.$inferSelect; disabledAt: string | null } | undefined,
  now: Date,
): Promise<string | null> {
  // The challenge goes first, whatever else is wrong: an answer is good for one attempt.
  const challenge = await consumeChallenge(db, response.response.clientDataJSON, "sign_in", null, now);
  if (!challenge) return "The sign-in challenge is unknown, used or expired: ask for new options.";
  if (!found) return "This passkey is not registered here.";
  const { passkey } = found;
  if (found.disabledAt !== null) return "The account this passkey belongs to is disabled.";
  const userHandle = response.response.userHandle;
  if (userHandle && userHandle !== (await webauthn()).isoBase64URL.fromBuffer(userHandleOf(passkey.userId))) return "The passkey does not belong to this account.";

  let newCounter: number;
  try {
    const { verifyAuthenticationResponse, isoBase64URL } = await webauthn();
    const verification = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: false,
      credential: {
        id: passkey.id,
        publicKey: isoBase64URL.toBuffer(passkey.publicKey) as Uint8Array<ArrayBuffer>,
        counter: passkey.counter,
        transports: transportsOf(passkey.transports),
      },
    });
    if (!verification.verified) return "The passkey's signature does not verify.";
    newCounter = verification.authenticationInfo.newCounter;
  } catch (error) {
    return `The passkey's answer does not verify: ${error instanceof Error ? error.message : String(error)}`;
  }
  const moved = await db
    .update(passkeys)
    .set({ counter: newCounter, lastUsedAt: nowIso(now) })
    .where(and(eq(passkeys.id, passkey.id), eq(passkeys.counter, passkey.counter)))
    .returning({ id: passkeys.id });
  return moved.length > 0 ? null : "The passkey was used by another sign-in at the same moment.";
}
