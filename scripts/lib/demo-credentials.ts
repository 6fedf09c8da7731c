// The demo player's credentials, made fresh at every `npm start` (scripts/start.ts), offline, straight into the local
// D1 as the app itself writes them:
//   - a one-time sign-in link (sign_in_links, as src/services/sign-in-links.ts issues it: 32 random bytes base64url,
//     only their SHA-256 hex stored, good once for 24 hours). The previous start's link goes: one row per start,
//     never a pile of them;
//   - an API token for the README's curl session (api_tokens, as src/services/users.ts issues it: `ftd_` + 32 random
//     bytes base64url, SHA-256 hex stored, the first 10 characters as its prefix). One row for the demo player,
//     rotated in place: each start prints a new token and the previous one stops working.
// Both are written to admin_audit as the operator's (as the API audits a token or link the operator issues).
// Web Crypto only: Node and workerd (the demo's test) alike.
export const DEMO_PLAYER = "blake";
export const DEMO_TOKEN_NAME = "demo (npm start)";
/** created_by of both rows: what tells them apart from the ones people make through the API. */
export const DEMO_CREATED_BY = "npm start";
export const SIGN_IN_LINK_HOURS = 24;

export interface DemoCredentials {
  player: string;
  signInToken: string;
  signInUrl: string;
  apiToken: string;
  expiresAt: string;
  /** Plain SQL (no bound parameters) for the local D1, to run after the demo's users exist. */
  statements: string[];
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
const randomBase64url = (n: number): string => base64url(crypto.getRandomValues(new Uint8Array(n)));

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const isoUtc = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
const q = (value: string | null): string => (value === null ? "NULL" : `'${String(value).replace(/'/g, "''")}'`);

/**
 * Fresh credentials for the demo player: { player, signInToken, apiToken, expiresAt, statements } where statements
 * are plain SQL (no bound parameters) for the local D1, to run after the demo's users exist.
 * `origin`: the base of the printed link.
 */
export async function demoCredentials(
  now = new Date(),
  { player = DEMO_PLAYER, origin = "http://localhost:8787" }: { player?: string; origin?: string } = {},
): Promise<DemoCredentials> {
  const signInToken = randomBase64url(32);
  const apiToken = `ftd_${randomBase64url(32)}`;
  const [linkHash, tokenHash] = await Promise.all([sha256Hex(signInToken), sha256Hex(apiToken)]);
  const at = isoUtc(now.getTime());
  const expiresAt = isoUtc(now.getTime() + SIGN_IN_LINK_HOURS * 3_600_000);
  const user = `(SELECT id FROM users WHERE name = ${q(player)})`;
  const mine = `user_id = ${user} AND name = ${q(DEMO_TOKEN_NAME)} AND created_by = ${q(DEMO_CREATED_BY)}`;
  const audit = (action: string, tokenId: string, detail: Record<string, string | null>): string =>
    `INSERT INTO admin_audit (at, actor, action, target_user_id, target_token_id, detail)\n` +
    `SELECT ${q(at)}, 'admin_token', ${q(action)}, id, ${tokenId}, ${q(JSON.stringify({ ...detail, credential: DEMO_CREATED_BY }))} FROM users WHERE name = ${q(player)};`;
  const statements = [
    `DELETE FROM sign_in_links WHERE created_by = ${q(DEMO_CREATED_BY)};`,
    `INSERT INTO sign_in_links (user_id, token_hash, created_by, created_at, expires_at)\n` +
      `SELECT id, ${q(linkHash)}, ${q(DEMO_CREATED_BY)}, ${q(at)}, ${q(expiresAt)} FROM users WHERE name = ${q(player)};`,
    audit("sign_in_link.issued", "NULL", { expiresAt }),
    `UPDATE api_tokens SET token_hash = ${q(tokenHash)}, token_prefix = ${q(apiToken.slice(0, 10))}, created_at = ${q(at)},\n` +
      `  last_used_at = NULL, revoked_at = NULL, revoked_by = NULL, expires_at = NULL\nWHERE ${mine};`,
    `INSERT INTO api_tokens (user_id, name, token_hash, token_prefix, created_at, created_by)\n` +
      `SELECT id, ${q(DEMO_TOKEN_NAME)}, ${q(tokenHash)}, ${q(apiToken.slice(0, 10))}, ${q(at)}, ${q(DEMO_CREATED_BY)} FROM users\n` +
      `WHERE name = ${q(player)} AND NOT EXISTS (SELECT 1 FROM api_tokens WHERE token_hash = ${q(tokenHash)});`,
    audit("token.issued", `(SELECT id FROM api_tokens WHERE token_hash = ${q(tokenHash)})`, { name: DEMO_TOKEN_NAME, expiresAt: null }),
  ];
  return {
    player,
    signInToken,
    signInUrl: `${origin.replace(/\/+$/, "")}/sign-in/link/${signInToken}`,
    apiToken,
    expiresAt,
    statements,
  };
}
