/**
 * A software authenticator for the passkey tests: an ECDSA P-256 key pair per credential (Web Crypto), answers in the
 * JSON shapes @simplewebauthn/browser sends, attestation 'none'. It builds what a browser and an authenticator would
 * (client data, authenticator data, the CBOR attestation object and COSE key, the DER signature) and can be told to
 * lie (another RP ID or origin, a counter that goes back) to show that the server refuses it. The server itself never
 * encodes CBOR or checks a signature: @simplewebauthn/server does.
 */

type Cbor = number | string | Uint8Array | Map<Cbor, Cbor>;

function cborHead(major: number, length: number): number[] {
  if (length < 24) return [(major << 5) | length];
  if (length < 0x100) return [(major << 5) | 24, length];
  if (length < 0x10000) return [(major << 5) | 25, length >> 8, length & 0xff];
  return [(major << 5) | 26, (length >>> 24) & 0xff, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff];
}

/** The CBOR of the few shapes WebAuthn needs here: integers, byte and text strings, maps. */
export function cbor(value: Cbor): Uint8Array {
  if (typeof value === "number") return Uint8Array.from(value >= 0 ? cborHead(0, value) : cborHead(1, -1 - value));
  if (typeof value === "string") {
    const bytes = new TextEncoder().encode(value);
    return concat(Uint8Array.from(cborHead(3, bytes.length)), bytes);
  }
  if (value instanceof Uint8Array) return concat(Uint8Array.from(cborHead(2, value.length)), value);
  const parts: Uint8Array[] = [Uint8Array.from(cborHead(5, value.size))];
  for (const [key, item] of value) parts.push(cbor(key), cbor(item));
  return concat(...parts);
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

function uint32(n: number): Uint8Array {
  return Uint8Array.from([(n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
}

/** ES256 signatures travel as ASN.1 DER; Web Crypto gives r || s. */
function derSignature(raw: Uint8Array): Uint8Array {
  const integer = (bytes: Uint8Array) => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    const trimmed = bytes.slice(i);
    const body = trimmed[0]! & 0x80 ? concat(Uint8Array.of(0), trimmed) : trimmed;
    return concat(Uint8Array.of(0x02, body.length), body);
  };
  const sequence = concat(integer(raw.slice(0, 32)), integer(raw.slice(32)));
  return concat(Uint8Array.of(0x30, sequence.length), sequence);
}

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

interface StoredCredential {
  id: Uint8Array;
  keys: CryptoKeyPair;
  counter: number;
  /** options.user.id of the registration, base64url: what a discoverable credential answers as userHandle. */
  userHandle: string;
}

/** Where the answer claims to come from; a real browser fills in the page's origin and the authenticator the RP ID. */
export interface Claimed {
  rpId?: string;
  origin?: string;
}

export class SoftwareAuthenticator {
  readonly credentials: StoredCredential[] = [];

  constructor(
    readonly rpId = "localhost",
    readonly origin = "http://localhost",
  ) {}

  /** Answers registration options (navigator.credentials.create) with a new credential. */
  async register(options: { challenge: string; rp: { id?: string }; user: { id: string } }, claimed: Claimed = {}) {
    const keys = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
    const publicKey = new Uint8Array((await crypto.subtle.exportKey("raw", keys.publicKey)) as ArrayBuffer);
    const coseKey = cbor(
      new Map<Cbor, Cbor>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, publicKey.slice(1, 33)],
        [-3, publicKey.slice(33, 65)],
      ]),
    );
    const id = crypto.getRandomValues(new Uint8Array(16));
    const authData = concat(
      await sha256(new TextEncoder().encode(claimed.rpId ?? this.rpId)),
      Uint8Array.of(FLAG_UP | FLAG_UV | FLAG_AT),
      uint32(0),
      new Uint8Array(16), // AAGUID: none
      Uint8Array.of(id.length >> 8, id.length & 0xff),
      id,
      coseKey,
    );
    const attestationObject = cbor(
      new Map<Cbor, Cbor>([
        ["fmt", "none"],
        ["attStmt", new Map()],
        ["authData", authData],
      ]),
    );
    const clientDataJSON = JSON.stringify({ type: "webauthn.create", challenge: options.challenge, origin: claimed.origin ?? this.origin, crossOrigin: false });
    const credential: StoredCredential = { id, keys, counter: 0, userHandle: options.user.id };
    this.credentials.push(credential);
    return {
      id: base64url(id),
      rawId: base64url(id),
      type: "public-key" as const,
      response: {
        clientDataJSON: base64url(new TextEncoder().encode(clientDataJSON)),
        attestationObject: base64url(attestationObject),
        transports: ["internal", "hybrid"],
      },
      authenticatorAttachment: "platform" as const,
      clientExtensionResults: {},
    };
  }

  /**
   * Answers sign-in options (navigator.credentials.get) with a credential (the last registered unless told), its
   * counter moved up by one unless `counter` says what to claim.
   */
  async signIn(options: { challenge: string }, claimed: Claimed & { credential?: StoredCredential; counter?: number } = {}) {
    const credential = claimed.credential ?? this.credentials[this.credentials.length - 1];
    if (!credential) throw new Error("no credential registered on this authenticator");
    credential.counter = claimed.counter ?? credential.counter + 1;
    const authData = concat(await sha256(new TextEncoder().encode(claimed.rpId ?? this.rpId)), Uint8Array.of(FLAG_UP | FLAG_UV), uint32(credential.counter));
    const clientData = new TextEncoder().encode(
      JSON.stringify({ type: "webauthn.get", challenge: options.challenge, origin: claimed.origin ?? this.origin, crossOrigin: false }),
    );
    const signed = concat(authData, await sha256(clientData));
    const raw = new Uint8Array(await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, credential.keys.privateKey, signed));
    return {
      id: base64url(credential.id),
      rawId: base64url(credential.id),
      type: "public-key" as const,
      response: {
        clientDataJSON: base64url(clientData),
        authenticatorData: base64url(authData),
        signature: base64url(derSignature(raw)),
        userHandle: credential.userHandle,
      },
      authenticatorAttachment: "platform" as const,
      clientExtensionResults: {},
    };
  }
}
