import { describe, expect, it } from "vitest";
import { InputError } from "@/lib/csv/read";
import { parseBattlesCsv } from "./battles-csv";

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
