/**
 * The short message a page shows after a form post redirected to it (POST-redirect-GET): a code in the `flash` query
 * parameter, looked up here. Only these texts can appear, so a crafted link cannot make the page say anything else.
 */
export const FLASH_MESSAGES = {
  picked: "Your pick is in.",
  "pick-changed": "Your pick is changed.",
  "pick-removed": "Your pick is removed.",
  joined: "You joined the league.",
  "welcome-league": "Welcome: your account is ready and you joined the league.",
  welcome: "Your account is ready.",
  "signed-in": "You are signed in.",
  "signed-out": "You are signed out.",
  "league-created": "Your league is ready: share its invite link.",
  "settings-saved": "The league's settings are saved.",
  "invite-rotated": "A new invite link is ready; the old one no longer works.",
  "invite-made": "A new invite link is ready.",
  "member-removed": "The member is removed.",
  "commissioner-changed": "The league has a new commissioner.",
  "left-league": "You left the league.",
  "token-revoked": "The token is revoked.",
  "session-ended": "The session is ended.",
  "passkey-added": "Your passkey is added: use it to sign in on any device it syncs to.",
  "passkey-deleted": "The passkey is deleted.",
  "profile-saved": "Your settings are saved.",
  "notifications-saved": "Your notification choices are saved.",
  "test-notification-sent": "A test notification is on its way to your devices.",
  "push-device-removed": "That device no longer gets notifications.",
  "webhook-saved": "The league's chat webhook is set.",
  "webhook-removed": "The league's chat webhook is removed.",
} as const;

export type FlashCode = keyof typeof FLASH_MESSAGES;

export function flashMessage(code: string | undefined): string | null {
  return code !== undefined && Object.hasOwn(FLASH_MESSAGES, code) ? FLASH_MESSAGES[code as FlashCode] : null;
}

/** `path` with the flash code added to its query. */
export function withFlash(path: string, code: FlashCode): string {
  const hash = path.indexOf("#");
  const [base, fragment] = hash < 0 ? [path, ""] : [path.slice(0, hash), path.slice(hash)];
  return `${base}${base.includes("?") ? "&" : "?"}flash=${code}${fragment}`;
}
