import { describe, expect, it } from "vitest";
import { CsvReader, InputError, parseCsv } from "./csv";

const TEXT = '\ufeffa,b,c\r\n1,"two, with ""quotes""",3\r\n\r\n4,"multi\nline",6\n7,8,\n';

describe("CsvReader", () => {
  it("reads quoted fields, CRLF, blank lines and a byte-order mark, with each record's first line", () => {
    expect(parseCsv(TEXT)).toEqual([
      { fields: ["a", "b", "c"], line: 1 },
      { fields: ["1", 'two, with "quotes"', "3"], line: 2 },
      { fields: ["4", "multi\nline", "6"], line: 4 },
      { fields: ["7", "8", ""], line: 6 },
    ]);
  });

  it("gives the same records whatever the chunks the text arrives in", () => {
    const whole = parseCsv(TEXT);
    for (let size = 1; size <= 7; size++) {
      const reader = new CsvReader();
      const records = [];
      for (let i = 0; i < TEXT.length; i += size) records.push(...reader.push(TEXT.slice(i, i + size)));
      records.push(...reader.end());
      expect(records, `chunks of ${size}`).toEqual(whole);
    }
  });

  it("names the line of a quote that is never closed and of a stray quote", () => {
    expect(() => parseCsv('a,b\n1,"open\n2,3\n')).toThrow(/line 2: a quoted field is not closed/);
    expect(() => parseCsv('a,b\n1,x"y\n')).toThrow(/line 2: a quote/);
    expect(() => parseCsv('a,b\n"x"y,2\n')).toThrow(InputError);
  });

  it("refuses a record longer than the limit instead of buffering it", () => {
    const reader = new CsvReader(100);
    expect(() => reader.push(`a\n"${"x".repeat(200)}`)).toThrow(/longer than/);
  });
});
