/**
 * A D1 handle that adds up what D1 bills (meta.rows_read / rows_written) for every statement a job runs,
 * so the run log can say what each run cost.
 */
export class MeteredD1 {
  rowsRead = 0;
  rowsWritten = 0;

  constructor(readonly d1: D1Database) {}

  prepare(query: string): D1PreparedStatement {
    return this.d1.prepare(query);
  }

  private count(meta: D1Meta | undefined) {
    this.rowsRead += meta?.rows_read ?? 0;
    this.rowsWritten += meta?.rows_written ?? 0;
  }

  async all<T>(statement: D1PreparedStatement): Promise<T[]> {
    const result = await statement.all<T>();
    this.count(result.meta);
    return result.results;
  }

  async first<T>(statement: D1PreparedStatement): Promise<T | null> {
    return (await this.all<T>(statement))[0] ?? null;
  }

  /** Runs statements as one atomic batch (D1's transaction); returns each statement's result. */
  async batch<T = unknown>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]> {
    if (statements.length === 0) return [];
    const results = await this.d1.batch<T>(statements);
    for (const result of results) this.count(result.meta);
    return results;
  }
}

/** D1 allows at most 100 bound parameters per statement: rows per multi-row INSERT for a given width. */
export function rowsPerStatement(columnsPerRow: number): number {
  return Math.max(1, Math.floor(100 / columnsPerRow));
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
