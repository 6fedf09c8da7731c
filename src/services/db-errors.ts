/**
 * The database's own message for a failed statement. Drizzle wraps a driver error in a DrizzleQueryError whose
 * message is "Failed query: <sql> params: <values>" (the SQLite text, e.g. "UNIQUE constraint failed: picks.user_id,
 * picks.game_id", is only in its `cause`), while D1 batches throw the driver error itself. Read the innermost
 * error, never the wrapper, whose text also carries user input (the bound parameters).
 */
export function databaseErrorMessage(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 10; depth++) {
    const cause = (current as { cause?: unknown } | null)?.cause;
    if (cause === undefined || cause === null || cause === current) break;
    current = cause;
  }
  return String((current as { message?: unknown } | null)?.message ?? current);
}
