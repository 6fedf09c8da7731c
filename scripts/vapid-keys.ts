// Makes a VAPID key pair for Web Push (RFC 8292) with Node's WebCrypto and prints the three secrets to set:
//   npx tsx scripts/vapid-keys.ts
// then `npx wrangler secret put VAPID_PRIVATE_KEY` (the JWK line), VAPID_PUBLIC_KEY and VAPID_SUBJECT (a mailto: or
// https: contact). Locally, the printed lines go into .dev.vars. docs/runbook.md says what rotating them does.
const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
const { kty, crv, x, y, d } = await crypto.subtle.exportKey("jwk", pair.privateKey);
const raw = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
const publicKey = Buffer.from(raw).toString("base64url");
console.log(`VAPID_PUBLIC_KEY=${publicKey}`);
console.log(`VAPID_PRIVATE_KEY='${JSON.stringify({ kty, crv, x, y, d })}'`);
console.log(`VAPID_SUBJECT=mailto:you@example.com`);
