import { describe, expect, it } from "vitest";
import { CsvReader, InputError, parseCsv } from "./read";

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

describe("CsvReader's edges", () => {
  it("ends records with CR alone, reads a last record without a line end, and keeps a quoted empty line", () => {
    expect(parseCsv('a,b\rc,d\r\n"",\ne,f')).toEqual([
      { fields: ["a", "b"], line: 1 },
      { fields: ["c", "d"], line: 2 },
      { fields: ["", ""], line: 3 },
      { fields: ["e", "f"], line: 4 },
    ]);
    expect(parseCsv('x\n""\n\ny')).toEqual([
      { fields: ["x"], line: 1 },
      { fields: [""], line: 2 },
      { fields: ["y"], line: 4 },
    ]);
  });

  it("drops a byte-order mark only at the very start", () => {
    const reader = new CsvReader();
    const records = [...reader.push("\ufeffa,b\n"), ...reader.push("\ufeffc,d\n"), ...reader.end()];
    expect(records.map((r) => r.fields)).toEqual([
      ["a", "b"],
      ["\ufeffc", "d"],
    ]);
  });

  it("holds a record back until its line ends, and a CR at a chunk's end until the next chunk", () => {
    const reader = new CsvReader();
    expect(reader.push("a,b")).toEqual([]);
    expect(reader.push("\r")).toEqual([]);
    expect(reader.push("\nc")).toEqual([{ fields: ["a", "b"], line: 1 }]);
    expect(reader.end()).toEqual([{ fields: ["c"], line: 2 }]);
  });

  it("names the line after a multi-line quoted field, and text after a closing quote", () => {
    expect(() => parseCsv('a,b\n"one\ntwo"x,2\n')).toThrow(new InputError("unexpected text after a closing quote", 3));
    expect(() => parseCsv('a,b\n"open')).toThrow(new InputError("a quoted field is not closed", 2));
    expect(new InputError("no line").message).toBe("no line");
  });

  it("ends on a quoted last field, counts a line break that opens a quoted field, and drops a mark after an empty first chunk", () => {
    expect(parseCsv('a,"b"')).toEqual([{ fields: ["a", "b"], line: 1 }]);
    expect(parseCsv('"\nx",1\ny,2')).toEqual([
      { fields: ["\nx", "1"], line: 1 },
      { fields: ["y", "2"], line: 3 },
    ]);
    const reader = new CsvReader();
    const records = [...reader.push(""), ...reader.push("\ufeffa\n"), ...reader.end()];
    expect(records).toEqual([{ fields: ["a"], line: 1 }]);
  });

  it("allows a record of exactly the limit and says the limit in MB", () => {
    const reader = new CsvReader(2_000_000);
    expect(reader.push("x".repeat(2_000_000))).toEqual([]);
    expect(() => reader.push("x")).toThrow(/a record is longer than 2 MB/);
  });
});
