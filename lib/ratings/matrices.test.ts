import { describe, expect, it } from "vitest";
import type { PairCounts } from "./aggregate";
import { pairMatrices, predictedWinProbability } from "./matrices";

function counts(rows: [a: number, b: number, winsA: number, winsB: number, ties: number, bothBad: number][]): PairCounts {
  return {
    models: ["x", "y", "z"],
    a: Int32Array.from(rows.map((r) => r[0])),
    b: Int32Array.from(rows.map((r) => r[1])),
    winsA: Float64Array.from(rows.map((r) => r[2])),
    winsB: Float64Array.from(rows.map((r) => r[3])),
    ties: Float64Array.from(rows.map((r) => r[4])),
    bothBad: Float64Array.from(rows.map((r) => r[5])),
    total: rows.reduce((sum, r) => sum + r[2] + r[3] + r[4] + r[5], 0),
  };
}

describe("pairMatrices", () => {
  it("counts every outcome as a battle of both models and each side's wins for that side", () => {
    // x–y: x won 3, y won 1, 2 ties, 1 both bad (7 battles); z–x (z on the left): z won 1, x won 4.
    const { battles, winFraction } = pairMatrices(
      counts([
        [0, 1, 3, 1, 2, 1],
        [2, 0, 1, 4, 0, 0],
      ]),
    );
    expect([...battles]).toEqual([0, 7, 5, 7, 0, 0, 5, 0, 0]);
    expect(winFraction[0 * 3 + 1]).toBeCloseTo(3 / 7, 12);
    expect(winFraction[1 * 3 + 0]).toBeCloseTo(1 / 7, 12);
    expect(winFraction[2 * 3 + 0]).toBeCloseTo(1 / 5, 12);
    expect(winFraction[0 * 3 + 2]).toBeCloseTo(4 / 5, 12);
    // Never met (y–z) and the diagonal: no fraction.
    for (const k of [1 * 3 + 2, 2 * 3 + 1, 0, 4, 8]) expect(winFraction[k]).toBeNaN();
  });

  it("adds up both orders of the same two models", () => {
    const { battles, winFraction } = pairMatrices(
      counts([
        [0, 1, 2, 0, 0, 0],
        [1, 0, 1, 1, 0, 0],
      ]),
    );
    expect(battles[1]).toBe(4);
    expect(battles[3]).toBe(4);
    expect(winFraction[1]).toBeCloseTo(3 / 4, 12);
    expect(winFraction[3]).toBeCloseTo(1 / 4, 12);
  });
});

describe("predictedWinProbability", () => {
  it("is the Elo expectation, 0.5 against itself", () => {
    const p = predictedWinProbability([1000, 1400, 1000]);
    expect(p[0 * 3 + 1]).toBeCloseTo(1 / 11, 12);
    expect(p[1 * 3 + 0]).toBeCloseTo(10 / 11, 12);
    expect(p[0 * 3 + 2]).toBe(0.5);
    expect([p[0], p[4], p[8]]).toEqual([0.5, 0.5, 0.5]);
  });
});
