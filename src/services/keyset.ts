import { ApiError } from "../http/errors";

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

export function encodeCursor(cursor: RankCursor): string {
  return btoa(JSON.stringify([cursor.score, cursor.key, cursor.position, cursor.rank]))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

export function decodeCursor(text: string): RankCursor {
  try {
    const [score, key, position, rank] = JSON.parse(atob(text.replace(/-/g, "+").replace(/_/g, "/"))) as unknown[];
    const valid =
      typeof score === "number" &&
      (typeof key === "number" || typeof key === "string") &&
      Number.isInteger(position) &&
      Number.isInteger(rank) &&
      (position as number) >= 1 &&
      (rank as number) >= 1 &&
      (rank as number) <= (position as number);
    if (valid) return { score, key, position: position as number, rank: rank as number };
  } catch {
    // fall through to the error below
  }
  throw new ApiError("invalid_cursor", "The cursor is not one this API returned.", [{ field: "query.cursor", problem: "invalid cursor" }]);
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
