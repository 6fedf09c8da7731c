/**
 * A league's webhook URL is a credential (whoever holds it posts to the channel), so the database holds it encrypted:
 * AES-GCM under a key derived (HKDF) from SESSION_SECRET for this one purpose. Reading D1 alone is not enough to post;
 * rotating SESSION_SECRET makes stored webhooks unreadable (the commissioner sets theirs again: docs/runbook.md).
 */
import { fromBase64url, toBase64url } from "./base64url";

const VERSION = "v1";

async function keyFor(secret: string): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: new TextEncoder().encode("firsttd"), info: new TextEncoder().encode("league-webhook-url") },
    base,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

export async function encryptWebhookUrl(secret: string, url: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, await keyFor(secret), new TextEncoder().encode(url));
  return `${VERSION}.${toBase64url(iv)}.${toBase64url(sealed)}`;
}

/** The URL, or null when it was sealed under another secret (or tampered with). */
export async function decryptWebhookUrl(secret: string, sealed: string): Promise<string | null> {
  const [version, iv, body] = sealed.split(".");
  if (version !== VERSION || !iv || !body) return null;
  try {
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: fromBase64url(iv) }, await keyFor(secret), fromBase64url(body));
    return new TextDecoder().decode(plain);
  } catch {
    return null;
  }
}
