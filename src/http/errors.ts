import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Every error the API can answer with; clients may rely on these codes. */
export const ERROR_STATUS = {
  validation_failed: 400,
  invalid_cursor: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  game_not_found: 404,
  player_not_found: 404,
  pick_not_found: 404,
  user_not_found: 404,
  token_not_found: 404,
  job_not_found: 404,
  duplicate_player_in_week: 409,
  duplicate_pick_in_game: 409,
  game_locked: 409,
  /** First-TD facts for a game that has not kicked off (recording one would lock the game early). */
  game_not_started: 409,
  user_name_taken: 409,
  user_email_taken: 409,
  player_not_on_roster: 422,
  player_not_pickable: 422,
  payload_too_large: 413,
  invalid_first_td: 422,
  rate_limited: 429,
  too_many_failed_attempts: 429,
  /** A change made with a session cookie without its CSRF token (x-csrf-token header or _csrf form field). */
  csrf_token_invalid: 403,
  session_not_found: 404,
  passkey_not_found: 404,
  passkey_exists: 409,
  /** The registration response did not verify (challenge unknown, used or expired; wrong origin or RP; bad signature). */
  passkey_registration_failed: 400,
  /** The sign-in assertion did not verify (unknown credential, challenge unknown/used/expired, wrong origin or RP, ...). */
  passkey_sign_in_failed: 401,
  sign_in_link_not_found: 404,
  /** The sign-in link was used already or has expired. */
  sign_in_link_gone: 410,
  /** Open sign-up is off (SIGN_UP = "invite-only"): an account needs an invite. */
  sign_up_closed: 403,
  league_not_found: 404,
  invite_not_found: 404,
  /** The user is not a member of the league. */
  member_not_found: 404,
  /** The invite expired, was used up or revoked: details.reason says which ('expired', 'used_up', 'revoked'). */
  invite_gone: 410,
  already_member: 409,
  /** A signed-in user accepted an invite that only creates accounts (the operator's sign-up invite). */
  already_has_account: 409,
  /** The commissioner cannot leave (or be removed from) their league: they transfer the role first. */
  commissioner_must_transfer: 409,
  /** A test notification for a user with no device subscribed to Web Push. */
  no_push_subscription: 409,
  internal_error: 500,
  /** A secret or binding the deployment needs is missing (docs/runbook.md, Secrets and vars). */
  server_misconfigured: 500,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

/** An expected failure with a stable code; onError turns it into the JSON error envelope. */
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.status = ERROR_STATUS[code];
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }
}

/** One problem with one field of a request, as reported in `details` of a validation_failed error. */
export interface FieldProblem {
  field: string;
  problem: string;
}
