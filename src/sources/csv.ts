/**
 * RFC 4180 CSV (quoted fields with commas, doubled quotes and newlines; LF or CRLF), refusing input that
 * must not be trusted: an HTML page served instead of the file, an empty body, a download cut short, or a
 * file without the columns its reader needs. Rows with a wrong field count elsewhere are reported, not fatal.
 */

export type CsvProblem = "html" | "empty" | "truncated" | "missing_columns";

export class CsvInputError extends Error {
  override readonly name = "CsvInputError";

  constructor(
    readonly problem: CsvProblem,
    message: string,
  ) {
    super(message);
  }
}

/** A data row; `line` is the 1-based line of the file where the row starts (the header is line 1). */
export interface CsvRow {
  line: number;
  values: Readonly<Record<string, string>>;
}

export interface CsvBadRow {
  line: number;
  reason: string;
}

export interface CsvTable {
  columns: string[];
  rows: CsvRow[];
  badRows: CsvBadRow[];
}

interface RawRecord {
  line: number;
  fields: string[];
}

const BYTE_ORDER_MARK = "\uFEFF";
const FIELD_END = /[,\r\n]/g;

/** The trimmed value of a column in a row ("" when the row has no such column). */
export function cell(row: CsvRow, column: string): string {
  return (row.values[column] ?? "").trim();
}

export function parseCsv(text: string, requiredColumns: readonly string[] = []): CsvTable {
  const body = text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text;
  if (body.trim() === "") throw new CsvInputError("empty", "the body is empty");
  if (looksLikeHtml(body)) throw new CsvInputError("html", "the body is an HTML page, not CSV");

  const records = readRecords(body);
  const [header, ...dataRecords] = records;
  if (!header) throw new CsvInputError("empty", "the body is empty");
  const columns = header.fields.map((name) => name.trim());
  const missing = requiredColumns.filter((column) => !columns.includes(column));
  if (missing.length > 0) {
    throw new CsvInputError("missing_columns", `missing required column(s): ${missing.join(", ")}`);
  }
  if (dataRecords.length === 0) throw new CsvInputError("empty", "the file has a header but no rows");

  const lastRecord = dataRecords[dataRecords.length - 1]!;
  if (lastRecord.fields.length < columns.length) {
    throw new CsvInputError(
      "truncated",
      `the last row (line ${lastRecord.line}) has ${lastRecord.fields.length} of ${columns.length} fields: the file looks cut short`,
    );
  }

  const rows: CsvRow[] = [];
  const badRows: CsvBadRow[] = [];
  for (const record of dataRecords) {
    if (record.fields.length !== columns.length) {
      badRows.push({ line: record.line, reason: `expected ${columns.length} fields, found ${record.fields.length}` });
      continue;
    }
    const values: Record<string, string> = {};
    columns.forEach((column, index) => {
      values[column] = record.fields[index]!;
    });
    rows.push({ line: record.line, values });
  }
  return { columns, rows, badRows };
}

function looksLikeHtml(body: string): boolean {
  const start = body.trimStart().slice(0, 512).toLowerCase();
  return start.startsWith("<") || start.includes("<html") || start.includes("<!doctype");
}

/** Splits the text into records, skipping blank lines; throws "truncated" on a quote left open at the end. */
function readRecords(text: string): RawRecord[] {
  const records: RawRecord[] = [];
  let fields: string[] = [];
  let line = 1;
  let recordLine = 1;
  let index = 0;

  const fieldEnd = (from: number): number => {
    FIELD_END.lastIndex = from;
    return FIELD_END.exec(text)?.index ?? text.length;
  };
  const endRecord = () => {
    const isBlankLine = fields.length === 1 && fields[0] === "";
    if (!isBlankLine) records.push({ line: recordLine, fields });
    fields = [];
  };

  while (index < text.length) {
    let value: string;
    if (text[index] === '"') {
      const quoteLine = line;
      let quoted = "";
      let closed = false;
      index += 1;
      while (index < text.length) {
        const quoteAt = text.indexOf('"', index);
        if (quoteAt === -1) break;
        const chunk = text.slice(index, quoteAt);
        line += countLineBreaks(chunk);
        quoted += chunk;
        if (text[quoteAt + 1] === '"') {
          quoted += '"';
          index = quoteAt + 2;
        } else {
          index = quoteAt + 1;
          closed = true;
          break;
        }
      }
      if (!closed) {
        throw new CsvInputError("truncated", `a quoted field opened on line ${quoteLine} is never closed: the file looks cut short`);
      }
      // Lenient like most readers: characters between a closing quote and the next comma are kept.
      const end = fieldEnd(index);
      value = quoted + text.slice(index, end);
      index = end;
    } else {
      const end = fieldEnd(index);
      value = text.slice(index, end);
      index = end;
    }
    fields.push(value);

    if (index >= text.length) break;
    if (text[index] === ",") {
      index += 1;
      if (index >= text.length) fields.push("");
      continue;
    }
    index += text[index] === "\r" && text[index + 1] === "\n" ? 2 : 1;
    endRecord();
    line += 1;
    recordLine = line;
  }
  if (fields.length > 0) endRecord();
  return records;
}

function countLineBreaks(chunk: string): number {
  let count = 0;
  for (let i = 0; i < chunk.length; i++) {
    const char = chunk[i];
    if (char === "\n" || (char === "\r" && chunk[i + 1] !== "\n")) count += 1;
  }
  return count;
}
