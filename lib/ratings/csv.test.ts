import { describe, expect, it } from "vitest";
import { CsvReader, InputError, parseBattlesCsv, parseCsv } from "./csv";

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

describe("parseBattlesCsv", () => {
  it("reads model_a, model_b and winner in file order, ignoring other columns and blank lines", () => {
    expect(parseBattlesCsv("note,model_a,model_b,winner\nhi, x , y ,model_a\n\n,y,z,tie (bothbad)\n")).toEqual({
      battles: [
        { modelA: "x", modelB: "y", winner: "model_a" },
        { modelA: "y", modelB: "z", winner: "tie (bothbad)" },
      ],
      timeOrdered: false,
    });
  });

  it("orders by tstamp (numbers or dates; ties keep file order)", () => {
    const text = [
      "model_a,model_b,winner,tstamp",
      "a,b,model_a,1700000300",
      "b,c,tie,2023-11-14T22:13:20Z",
      "c,a,model_b,1700000100",
      "a,c,tie,1700000100",
    ].join("\n");
    const { battles, timeOrdered } = parseBattlesCsv(text);
    expect(timeOrdered).toBe(true);
    expect(battles.map((b) => `${b.modelA}${b.modelB}`)).toEqual(["bc", "ca", "ac", "ab"]);
  });

  it("trims the header, winners and timestamps, finds the optional columns anywhere (first included), and keeps file order among equal timestamps", () => {
    const text = [
      " tstamp , model_a , model_b , winner ",
      " 5 ,a,b, tie ",
      "5,c,d,model_a",
      "5,e,f,model_b",
      "5,g,h,tie",
      "1,i,j,tie",
    ].join("\n");
    const { battles, timeOrdered } = parseBattlesCsv(text);
    expect(timeOrdered).toBe(true);
    expect(battles.map((b) => b.modelA)).toEqual(["i", "a", "c", "e", "g"]);
    expect(battles[1].winner).toBe("tie");
    expect(parseBattlesCsv("identity_leak,model_a,model_b,winner\ntrue,a,b,tie\n,c,d,tie\n").battles.map((b) => b.modelA)).toEqual(["c"]);
  });

  it("leaves out votes marked as identity leaks, as the leaderboard does", () => {
    const text =
      "model_a,model_b,winner,identity_leak\na,b,model_a,true\na,b,model_b,1\na,b,tie, TRUE \na,b,model_a,false\na,b,model_b,0\na,b,tie,\n";
    expect(parseBattlesCsv(text).battles.map((b) => b.winner)).toEqual(["model_a", "model_b", "tie"]);
    expect(() => parseBattlesCsv("model_a,model_b,winner,identity_leak\na,b,tie,maybe\n")).toThrow(
      new InputError('identity_leak "maybe" is not true or false', 2),
    );
  });

  it.each([
    ["", new InputError("the file is empty: expected a header with model_a, model_b, winner")],
    ["model_a,winner\n", new InputError("missing column model_b (the header has: model_a, winner)", 1)],
    ["model,winner\n", new InputError("missing columns model_a, model_b (the header has: model, winner)", 1)],
    ["model_a,model_b,winner\n", new InputError("the file has a header but no battles", 1)],
    ["model_a,model_b,winner\na,b\n", new InputError("expected 3 fields, found 2", 2)],
    ["model_a,model_b,winner\na,b,tie\n ,b,tie\n", new InputError("model_a and model_b must not be empty", 3)],
    ["model_a,model_b,winner\na, ,tie\n", new InputError("model_a and model_b must not be empty", 2)],
    ["model_a,model_b,winner\na,a,tie\n", new InputError("model_a and model_b are the same model (a)", 2)],
    [
      "model_a,model_b,winner\na,b,draw\n",
      new InputError('unknown winner "draw" (expected one of: model_a | model_b | tie | tie (bothbad))', 2),
    ],
    ["model_a,model_b,winner,tstamp\na,b,tie,\n", new InputError('tstamp "" is neither a number nor a date', 2)],
    ["model_a,model_b,winner,tstamp\na,b,tie,soon\n", new InputError('tstamp "soon" is neither a number nor a date', 2)],
  ])("refuses %j", (text, error) => {
    expect(() => parseBattlesCsv(text)).toThrow(error);
  });
});
