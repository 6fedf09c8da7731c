/**
 * The other end of Web Push, for tests: a browser's subscription keys (made here with WebCrypto, as a browser makes
 * them), the decryption of what the Worker sends (RFC 8291 / RFC 8188 `aes128gcm`, written from the RFCs, apart from
 * src/notifications/web-push.ts so that the two check each other), and a stub of the push services and webhooks that
 * records every request and answers as told.
 */
import { vi } from "vitest";

const b64url = (bytes: ArrayBuffer | Uint8Array) => {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  return btoa(String.fromCharCode(...view)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
};
const fromB64url = (text: string) => Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4)), (c) => c.charCodeAt(0));
const utf8 = (text: string) => new TextEncoder().encode(text);
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.length));
  return out;
};

export interface TestDevice {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  privateKey: CryptoKey;
}

/** A browser's push subscription at a push service's host (the stub answers there). */
export async function makeDevice(name: string, host = "fcm.googleapis.com"): Promise<TestDevice> {
  const pair = (await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"])) as CryptoKeyPair;
  const publicRaw = (await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer;
  return {
    endpoint: `https://${host}/fcm/send/${name}-${crypto.randomUUID()}`,
    keys: { p256dh: b64url(publicRaw), auth: b64url(crypto.getRandomValues(new Uint8Array(16))) },
    privateKey: pair.privateKey,
  };
}

async function hkdf(salt: Uint8Array, ikm: Uint8Array, info: Uint8Array, bytes: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", ikm, "HKDF", false, ["deriveBits"]);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt, info }, key, bytes * 8));
}

/** What the browser does with a push message: RFC 8188's header, RFC 8291's keys, AES-128-GCM, the padding dropped. */
export async function decryptPush(device: TestDevice, body: Uint8Array): Promise<unknown> {
  const salt = body.slice(0, 16);
  const recordSize = new DataView(body.buffer, body.byteOffset).getUint32(16);
  const idLength = body[20]!;
  const senderPublic = body.slice(21, 21 + idLength);
  const ciphertext = body.slice(21 + idLength);
  if (recordSize < ciphertext.length) throw new Error(`record size ${recordSize} below the ciphertext's ${ciphertext.length}`);
  const senderKey = await crypto.subtle.importKey("raw", senderPublic, { name: "ECDH", namedCurve: "P-256" }, false, []);
  const shared = new Uint8Array(await crypto.subtle.deriveBits({ name: "ECDH", public: senderKey } as unknown as SubtleCryptoDeriveKeyAlgorithm, device.privateKey, 256));
  const uaPublic = fromB64url(device.keys.p256dh);
  const ikm = await hkdf(fromB64url(device.keys.auth), shared, concat(utf8("WebPush: info\0"), uaPublic, senderPublic), 32);
  const cek = await hkdf(salt, ikm, utf8("Content-Encoding: aes128gcm\0"), 16);
  const nonce = await hkdf(salt, ikm, utf8("Content-Encoding: nonce\0"), 12);
  const key = await crypto.subtle.importKey("raw", cek, "AES-GCM", false, ["decrypt"]);
  const padded = new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv: nonce }, key, ciphertext));
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error("no last-record delimiter");
  return JSON.parse(new TextDecoder().decode(padded.slice(0, end)));
}

/** The VAPID JWT of an Authorization header, verified with the public key it names: its claims. */
export async function verifyVapid(authorization: string): Promise<{ aud: string; exp: number; sub: string; k: string }> {
  const match = /^vapid t=([^,]+), k=(.+)$/.exec(authorization);
  if (!match) throw new Error(`not a VAPID header: ${authorization}`);
  const [header, claims, signature] = match[1]!.split(".") as [string, string, string];
  const k = fromB64url(match[2]!);
  const key = await crypto.subtle.importKey("raw", k, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
  const valid = await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, fromB64url(signature), utf8(`${header}.${claims}`));
  if (!valid) throw new Error("VAPID signature does not verify");
  if (JSON.parse(atob(header.replace(/-/g, "+").replace(/_/g, "/"))).alg !== "ES256") throw new Error("VAPID alg is not ES256");
  return { ...JSON.parse(new TextDecoder().decode(fromB64url(claims))), k: match[2]! };
}

export interface StubRequest {
  url: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

/**
 * Stands in for the internet while installed (globalThis.fetch): records every request and answers with `answer`'s
 * status for its URL (201 by default). Requests elsewhere than push services and webhooks fail the test.
 */
export class DeliveryStub {
  requests: StubRequest[] = [];
  answers = new Map<string, number>();

  install(): void {
    vi.stubGlobal("fetch", async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      const body = new Uint8Array(await request.arrayBuffer());
      this.requests.push({ url: request.url, headers: Object.fromEntries(request.headers), body });
      const status = this.answers.get(request.url) ?? (request.url.startsWith("https://discord.com/") ? 204 : 201);
      return new Response(status === 204 ? null : "", { status });
    });
  }

  restore(): void {
    vi.unstubAllGlobals();
  }

  take(): StubRequest[] {
    const taken = this.requests;
    this.requests = [];
    return taken;
  }
}
