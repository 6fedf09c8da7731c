export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A random API token: a recognizable prefix and 32 random bytes, base64url. */
export function generateToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const body = btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  return `ftd_${body}`;
}

/** Constant-time comparison, so that a secret cannot be guessed byte by byte from response times. */
export function timingSafeEqualText(a: string, b: string): boolean {
  const left = new TextEncoder().encode(a);
  const right = new TextEncoder().encode(b);
  if (left.length !== right.length) return false;
  return crypto.subtle.timingSafeEqual(left, right);
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** A random secret of 32 bytes, base64url: session tokens, invite codes' entropy and the like. */
export function randomSecret(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

async function hmacKey(secret: string, purpose: string): Promise<CryptoKey> {
  // One key per purpose from the one secret, so that a value signed for one use (a cursor) is no good for another (a
  // session cookie).
  const base = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const derived = await crypto.subtle.sign("HMAC", base, new TextEncoder().encode(`firsttd:${purpose}`));
  return crypto.subtle.importKey("raw", derived, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

/** `value.signature`: an HMAC-SHA256 of `value` under SESSION_SECRET for one purpose, base64url. */
export async function signValue(secret: string, purpose: string, value: string): Promise<string> {
  const signature = await crypto.subtle.sign("HMAC", await hmacKey(secret, purpose), new TextEncoder().encode(value));
  return `${value}.${base64url(new Uint8Array(signature))}`;
}

/** The value of a `signValue` output, or null when it was not signed with this secret for this purpose (tampered). */
export async function verifySigned(secret: string, purpose: string, signed: string): Promise<string | null> {
  const dot = signed.lastIndexOf(".");
  if (dot <= 0) return null;
  const value = signed.slice(0, dot);
  return timingSafeEqualText(await signValue(secret, purpose, value), signed) ? value : null;
}
