/**
 * Splits a SQL script (demo/seed.sql) into statements: at `;` outside quotes and comments. The seed has no
 * triggers or BEGIN blocks, so a `;` outside a string always ends a statement. `-- comments` are dropped.
 */
export function splitSqlStatements(script: string): string[] {
  const statements: string[] = [];
  let current = "";
  let i = 0;
  while (i < script.length) {
    const ch = script[i]!;
    if (ch === "-" && script[i + 1] === "-") {
      const end = script.indexOf("\n", i);
      i = end === -1 ? script.length : end + 1;
      current += "\n";
      continue;
    }
    if (ch === "'" || ch === '"' || ch === "`") {
      // A quoted string or identifier; a doubled quote inside it is an escaped quote.
      let j = i + 1;
      while (j < script.length) {
        if (script[j] === ch) {
          if (script[j + 1] === ch) j += 2;
          else break;
        } else j++;
      }
      if (j >= script.length) throw new Error(`unterminated ${ch} quote at offset ${i}`);
      current += script.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (ch === ";") {
      if (current.trim()) statements.push(current.trim());
      current = "";
      i++;
      continue;
    }
    current += ch;
    i++;
  }
  if (current.trim()) statements.push(current.trim());
  return statements;
}

/** Runs the statements in batches (each batch one transaction; D1 allows 100 KB per statement). */
export async function executeScript(db: D1Database, script: string, perBatch = 50): Promise<number> {
  const statements = splitSqlStatements(script);
  for (let i = 0; i < statements.length; i += perBatch) {
    await db.batch(statements.slice(i, i + perBatch).map((sql) => db.prepare(sql)));
  }
  return statements.length;
}
