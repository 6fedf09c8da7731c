import { ApiError } from "../http/errors";
import { signValue, verifySigned } from "../lib/crypto";

/**
 * What a cursor pages: the list's name and every parameter that chooses its rows, their order or their ranks
 * (season, week, sort, filters). A cursor is good only for the scope it was issued for.
 */
export type CursorScope = readonly [list: string, ...parameters: (string | number | null)[]];

/**
 * Issues and reads the keyset cursors of the API's lists. A cursor says where the next page starts and, on a ranked
 * list, the rank it continues from: a client that could edit one could have the API show a false rank, or replay
 * one board's cursor on another. So each cursor is signed (HMAC-SHA256 under SESSION_SECRET, purpose 'cursor': no
 * good as a session cookie or CSRF token) over its scope and its fields; any other cursor is 400 invalid_cursor.
 */
export interface CursorSigner {
  issue(scope: CursorScope, fields: readonly (string | number)[]): Promise<string>;
  /** The fields of a cursor issued for this scope; 400 invalid_cursor for anything else. */
  read(scope: CursorScope, cursor: string): Promise<unknown[]>;
}

const CURSOR_PURPOSE = "cursor";

/** A signer under the deployment's SESSION_SECRET; without one the API refuses to page rather than issue unsigned cursors. */
export function cursorSigner(secret: string | undefined): CursorSigner {
  if (!secret) {
    throw new ApiError("server_misconfigured", "Lists cannot be paged: the server's SESSION_SECRET is not set. An operator has to set it (docs/runbook.md).");
  }
  return {
    issue: (scope, fields) => signValue(secret, CURSOR_PURPOSE, toBase64url(JSON.stringify([scope, fields]))),
    async read(scope, cursor) {
      const value = await verifySigned(secret, CURSOR_PURPOSE, cursor);
      // Not signed by this deployment: edited, made up, or issued before SESSION_SECRET was rotated.
      if (value === null) throw invalidCursor("not a cursor this API issued, or a changed one");
      const [issuedFor, fields] = JSON.parse(fromBase64url(value)) as [unknown, unknown];
      if (JSON.stringify(issuedFor) !== JSON.stringify(scope) || !Array.isArray(fields)) {
        throw invalidCursor("a cursor of another list (another season, week, sort or filter)");
      }
      return fields;
    },
  };
}

export function invalidCursor(problem: string): ApiError {
  return new ApiError("invalid_cursor", "The cursor is not one this API returned for this list.", [{ field: "query.cursor", problem }]);
}

function toBase64url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(text: string): string {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

/**
 * Keyset pagination over a list ranked by a score (descending, ties broken by an ascending key), with
 * standard competition ranking (1, 1, 3). The cursor carries the last row's score, key, position and rank,
 * so a page costs one index range read however deep it is.
 */
export interface RankCursor {
  score: number;
  key: number | string;
  position: number;
  rank: number;
}

export function issueRankCursor(signer: CursorSigner, scope: CursorScope, cursor: RankCursor): Promise<string> {
  return signer.issue(scope, [cursor.score, cursor.key, cursor.position, cursor.rank]);
}

export async function readRankCursor(signer: CursorSigner, scope: CursorScope, text: string): Promise<RankCursor> {
  const [score, key, position, rank] = await signer.read(scope, text);
  // Signed by this API, so well-formed unless a later version changed the fields: checked all the same.
  const valid =
    typeof score === "number" &&
    (typeof key === "number" || typeof key === "string") &&
    Number.isInteger(position) &&
    Number.isInteger(rank) &&
    (position as number) >= 1 &&
    (rank as number) >= 1 &&
    (rank as number) <= (position as number);
  if (!valid) throw invalidCursor("not a cursor of a ranked list");
  return { score, key, position: position as number, rank: rank as number };
}

/** Assigns competition ranks to a page of rows, continuing from the previous page's cursor. */
export function rankPage<T>(rows: T[], scoreOf: (row: T) => number, after: RankCursor | null): (T & { rank: number })[] {
  let position = after?.position ?? 0;
  let previousScore = after?.score ?? null;
  let rank = after?.rank ?? 0;
  return rows.map((row) => {
    position += 1;
    const score = scoreOf(row);
    if (score !== previousScore) rank = position;
    previousScore = score;
    return { ...row, rank };
  });
}
