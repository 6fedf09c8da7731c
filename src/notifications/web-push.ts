/**
 * A Web Push request, built with WebCrypto only (it runs in workerd): the payload encrypted for one browser as RFC 8291
 * says (`Content-Encoding: aes128gcm`, RFC 8188's record format), and the sender identified to the push service by a
 * VAPID JWT (RFC 8292).
 *
 * Why not a library: `web-push` needs Node's crypto; `@pushforge/builder` (2.0.5, which does run on Workers) encrypts
 * with the older `aesgcm` draft encoding (Crypto-Key/Encryption headers), which RFC 8291 replaced and which push
 * services are dropping. The whole of the standard encoding is the ~60 lines below, and the tests decrypt what it makes.
 */
import { concatBytes, fromBase64url, toBase64url } from "./base64url";

export interface PushSubscriptionKeys {
  endpoint: string;
  /** The browser's ECDH P-256 public key, uncompressed (65 bytes), base64url. */
  p256dh: string;
  /** The browser's 16-byte auth secret, base64url. */
  auth: string;
}

export interface VapidKeys {
  /** The private key as a JWK (kty EC, crv P-256, x, y, d). */
  privateJwk: JsonWebKey;
  /** The application server's public key as browsers subscribe with it: 0x04 || x || y, base64url. */
  publicKey: string;
  /** mailto: or https: contact the push service can reach the sender at. */
  subject: string;
}

export interface PushRequest {
  url: string;
  headers: Record<string, string>;
  body: Uint8Array<ArrayBuffer>;
}

/** RFC 8188's record size field: one record carries the whole message (push messages are at most 4096 bytes). */
const RECORD_SIZE = 4096;
/** What a push service accepts at most (RFC 8030 §7.2: at least 4096 bytes of payload; more is refused by some). */
export const MAX_PUSH_BODY_BYTES = 4096;
/** The VAPID JWT's lifetime: push services refuse one that ends more than 24 hours ahead. */
const JWT_LIFETIME_SECONDS = 12 * 60 * 60;

const text = (value: string): Uint8Array<ArrayBuffer> => new Uint8Array(new TextEncoder().encode(value));

async function hkdf(salt: Uint8Array<ArrayBuffer>, ikm: Uint8Array<ArrayBuffer>, info: Uint8Array<ArrayBuffer>, bytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const key = await crypto.subtle.importKey("raw", ikm, "HKDF", false, ["deriveBits"]);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt, info }, key, bytes * 8));
}

/** ECDH's parameters: WebCrypto names the peer's key `public` (workers-types spell it `$public`, a reserved word). */
export function ecdhWith(peer: CryptoKey): SubtleCryptoDeriveKeyAlgorithm {
  return { name: "ECDH", public: peer } as unknown as SubtleCryptoDeriveKeyAlgorithm;
}

/** The public key of a VAPID private JWK, as browsers take it (applicationServerKey): 0x04 || x || y, base64url. */
export function vapidPublicKeyOf(jwk: JsonWebKey): string {
  if (jwk.kty !== "EC" || jwk.crv !== "P-256" || !jwk.x || !jwk.y || !jwk.d) throw new Error("the VAPID private key must be a P-256 JWK with x, y and d");
  return toBase64url(concatBytes(new Uint8Array([4]), fromBase64url(jwk.x), fromBase64url(jwk.y)));
}

/** The keys from the secrets; null when push is not configured (VAPID_PRIVATE_KEY or VAPID_SUBJECT unset). */
export function vapidKeysFromEnv(env: { VAPID_PUBLIC_KEY?: string; VAPID_PRIVATE_KEY?: string; VAPID_SUBJECT?: string }): VapidKeys | null {
  if (!env.VAPID_PRIVATE_KEY || !env.VAPID_SUBJECT) return null;
  const privateJwk = JSON.parse(env.VAPID_PRIVATE_KEY) as JsonWebKey;
  const publicKey = vapidPublicKeyOf(privateJwk);
  // A public key set apart from the private one must be its half: a browser subscribed with another would never verify.
  if (env.VAPID_PUBLIC_KEY && env.VAPID_PUBLIC_KEY !== publicKey) throw new Error("VAPID_PUBLIC_KEY is not the public half of VAPID_PRIVATE_KEY");
  return { privateJwk, publicKey, subject: env.VAPID_SUBJECT };
}

/** The VAPID JWT (ES256) for a push service's origin. WebCrypto's ECDSA signature is r || s: JWS's own form. */
export async function vapidJwt(vapid: VapidKeys, audience: string, now: Date): Promise<string> {
  const header = toBase64url(text(JSON.stringify({ typ: "JWT", alg: "ES256" })));
  const claims = toBase64url(text(JSON.stringify({ aud: audience, exp: Math.floor(now.getTime() / 1000) + JWT_LIFETIME_SECONDS, sub: vapid.subject })));
  const { kty, crv, x, y, d } = vapid.privateJwk;
  const key = await crypto.subtle.importKey("jwk", { kty, crv, x, y, d }, { name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
  const signature = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key, text(`${header}.${claims}`));
  return `${header}.${claims}.${toBase64url(signature)}`;
}

/** The message encrypted for one subscription: RFC 8188's header (salt, record size, the sender's key) and one record. */
export async function encryptForSubscription(subscription: PushSubscriptionKeys, plaintext: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const uaPublic = fromBase64url(subscription.p256dh);
  const authSecret = fromBase64url(subscription.auth);
  if (uaPublic.length !== 65 || uaPublic[0] !== 4) throw new Error("p256dh is not an uncompressed P-256 public key");
  if (authSecret.length !== 16) throw new Error("auth is not 16 bytes");
  const uaKey = await crypto.subtle.importKey("raw", uaPublic, { name: "ECDH", namedCurve: "P-256" }, false, []);
  const local = (await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"])) as CryptoKeyPair;
  const asPublic = new Uint8Array((await crypto.subtle.exportKey("raw", local.publicKey)) as ArrayBuffer);
  const ecdhSecret = new Uint8Array(await crypto.subtle.deriveBits(ecdhWith(uaKey), local.privateKey, 256));

  // RFC 8291 §3.4: the input keying material mixes the auth secret and both public keys in.
  const ikm = await hkdf(authSecret, ecdhSecret, concatBytes(text("WebPush: info\0"), uaPublic, asPublic), 32);
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const cek = await hkdf(salt, ikm, text("Content-Encoding: aes128gcm\0"), 16);
  const nonce = await hkdf(salt, ikm, text("Content-Encoding: nonce\0"), 12);
  // One record, the last: the delimiter 0x02 ends it (no padding).
  const record = concatBytes(plaintext, new Uint8Array([2]));
  const key = await crypto.subtle.importKey("raw", cek, "AES-GCM", false, ["encrypt"]);
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv: nonce }, key, record));

  const header = new Uint8Array(16 + 4 + 1 + asPublic.length);
  header.set(salt, 0);
  new DataView(header.buffer).setUint32(16, RECORD_SIZE);
  header[20] = asPublic.length;
  header.set(asPublic, 21);
  return concatBytes(header, ciphertext);
}

/**
 * The POST that delivers `payload` (JSON) to one browser through its push service. `ttl`: how long the service keeps
 * the message for a device that is offline (a reminder an hour before kickoff is worthless after it).
 */
export async function buildPushRequest(
  subscription: PushSubscriptionKeys,
  payload: unknown,
  vapid: VapidKeys,
  options: { ttlSeconds: number; urgency?: "very-low" | "low" | "normal" | "high"; now: Date },
): Promise<PushRequest> {
  const plaintext = text(JSON.stringify(payload));
  // The header (86 bytes), the record's delimiter and tag (17) and the payload must fit in one 4096-byte message.
  if (plaintext.length > MAX_PUSH_BODY_BYTES - 103) throw new Error(`push payload too large (${plaintext.length} bytes)`);
  const body = await encryptForSubscription(subscription, plaintext);
  const jwt = await vapidJwt(vapid, new URL(subscription.endpoint).origin, options.now);
  return {
    url: subscription.endpoint,
    body,
    headers: {
      "content-encoding": "aes128gcm",
      "content-type": "application/octet-stream",
      ttl: String(Math.max(0, Math.floor(options.ttlSeconds))),
      urgency: options.urgency ?? "normal",
      authorization: `vapid t=${jwt}, k=${vapid.publicKey}`,
    },
  };
}
