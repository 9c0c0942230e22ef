import { describe, expect, it } from "vitest";
import { csvCell, csvLine, spreadsheetSafe } from "./write";

describe("CSV for spreadsheets", () => {
  it.each(["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1", '=HYPERLINK("http://x","y")'])("writes %j with a leading '", (text) => {
    expect(spreadsheetSafe(text)).toBe(`'${text}`);
  });

  it("leaves other text and numbers alone, and quotes what CSV needs quoted", () => {
    expect(spreadsheetSafe("plain - text")).toBe("plain - text");
    expect(csvCell(-3)).toBe("-3");
    expect(csvCell(null)).toBe("");
    expect(csvCell('say "hi", ok')).toBe('"say ""hi"", ok"');
    expect(csvCell("=1,2")).toBe(`"'=1,2"`);
    expect(csvLine(["model", -1.5, null, "-x"])).toBe("model,-1.5,,'-x");
  });
});
