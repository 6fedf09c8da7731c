import { describe, expect, it } from "vitest";
import { CsvInputError, cell, parseCsv, type CsvProblem } from "../../src/sources/csv";

function problemOf(parse: () => unknown): CsvProblem | "no error" {
  try {
    parse();
    return "no error";
  } catch (error) {
    if (error instanceof CsvInputError) return error.problem;
    throw error;
  }
}

describe("parseCsv: RFC 4180", () => {
  it("reads quoted fields with commas, doubled quotes and newlines, and CRLF line ends", () => {
    const table = parseCsv('name,quote,note\r\n"Murray, Jr.","say ""hi""","two\r\nlines"\r\nplain,,x\r\n');
    expect(table.columns).toEqual(["name", "quote", "note"]);
    expect(table.rows.map((row) => row.values)).toEqual([
      { name: "Murray, Jr.", quote: 'say "hi"', note: "two\r\nlines" },
      { name: "plain", quote: "", note: "x" },
    ]);
    expect(table.rows.map((row) => row.line)).toEqual([2, 4]);
    expect(table.badRows).toEqual([]);
  });

  it("reads an empty quoted field and a last line without a line break", () => {
    const table = parseCsv('a,b,c\n1,"",3');
    expect(table.rows[0]?.values).toEqual({ a: "1", b: "", c: "3" });
  });

  it("keeps a trailing empty field", () => {
    expect(parseCsv("a,b\n1,\n").rows[0]?.values).toEqual({ a: "1", b: "" });
  });

  it("drops a byte-order mark and skips blank lines", () => {
    const table = parseCsv("\uFEFFstatus,description\n\nACT,On the active roster\n\n");
    expect(table.columns).toEqual(["status", "description"]);
    expect(table.rows).toHaveLength(1);
    expect(cell(table.rows[0]!, "status")).toBe("ACT");
  });

  it("gives '' for a column the row does not have", () => {
    const table = parseCsv("a\n1\n");
    expect(cell(table.rows[0]!, "missing")).toBe("");
  });
});

describe("parseCsv: input that must not be trusted", () => {
  it("refuses an HTML page", () => {
    expect(problemOf(() => parseCsv("<!DOCTYPE html>\n<html><body>Rate limited</body></html>"))).toBe("html");
    expect(problemOf(() => parseCsv("\n  <html lang=en>"))).toBe("html");
  });

  it("refuses an empty body and a header without rows", () => {
    expect(problemOf(() => parseCsv(""))).toBe("empty");
    expect(problemOf(() => parseCsv(" \r\n\n"))).toBe("empty");
    expect(problemOf(() => parseCsv("game_id,season\n"))).toBe("empty");
  });

  it("refuses a file cut inside a quoted field", () => {
    const error = (() => {
      try {
        parseCsv('a,b\n1,2\n3,"https://static.www.nfl.com/image/upload/f_auto,q_au');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(CsvInputError);
    expect((error as CsvInputError).problem).toBe("truncated");
    expect((error as CsvInputError).message).toMatch(/line 3/);
  });

  it("refuses a file whose last row has fewer fields than the header", () => {
    expect(problemOf(() => parseCsv("a,b,c\n1,2,3\n4,5"))).toBe("truncated");
  });

  it("refuses a file without the required columns and names them", () => {
    expect(() => parseCsv("game_id,season\n2025_01_DAL_PHI,2025\n", ["game_id", "gameday", "gametime"])).toThrow(
      /missing required column\(s\): gameday, gametime/,
    );
    expect(problemOf(() => parseCsv("404: Not Found", ["game_id"]))).toBe("missing_columns");
  });
});

describe("parseCsv: bad rows", () => {
  it("reports a row with a wrong field count by line and keeps the good rows", () => {
    const table = parseCsv("a,b\n1,2\n3\n4,5,6\n7,8\n");
    expect(table.rows.map((row) => row.values)).toEqual([
      { a: "1", b: "2" },
      { a: "7", b: "8" },
    ]);
    expect(table.badRows).toEqual([
      { line: 3, reason: "expected 2 fields, found 1" },
      { line: 4, reason: "expected 2 fields, found 3" },
    ]);
  });
});
