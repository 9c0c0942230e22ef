import { describe, expect, it } from "vitest";
import { isStronglyConnected, pairWeights } from "./bradley-terry";

/** Unordered pair counts for `modelCount` models: [i, j, wins of i, wins of j, draws]. */
function weights(modelCount: number, rows: [i: number, j: number, first: number, second: number, draws: number][]) {
  return pairWeights({
    modelCount,
    i: Int32Array.from(rows.map((r) => r[0])),
    j: Int32Array.from(rows.map((r) => r[1])),
    first: Float64Array.from(rows.map((r) => r[2])),
    second: Float64Array.from(rows.map((r) => r[3])),
    draws: Float64Array.from(rows.map((r) => r[4])),
    total: rows.reduce((sum, r) => sum + r[2] + r[3] + r[4], 0),
  });
}

describe("isStronglyConnected (whether the maximum likelihood exists)", () => {
  it("holds when every model won a share against a model that reaches the rest", () => {
    // 0 → 1 → 2 → 0 by wins; the draw between 1 and 2 shares a win both ways.
    expect(
      isStronglyConnected(
        weights(3, [
          [0, 1, 2, 0, 0],
          [1, 2, 0, 0, 1],
          [0, 2, 0, 1, 0],
        ]),
      ),
    ).toBe(true);
    expect(isStronglyConnected(weights(1, []))).toBe(true);
  });

  it("fails when a model never won, or never lost, or two groups never met", () => {
    // Model 0 (always the first of its pairs) never won.
    expect(
      isStronglyConnected(
        weights(3, [
          [0, 1, 0, 2, 0],
          [0, 2, 0, 3, 0],
          [1, 2, 1, 1, 0],
        ]),
      ),
    ).toBe(false);
    // Model 2 lost every battle: nobody is reached from it.
    expect(
      isStronglyConnected(
        weights(3, [
          [0, 1, 1, 1, 0],
          [0, 2, 3, 0, 0],
          [1, 2, 2, 0, 0],
        ]),
      ),
    ).toBe(false);
    // Model 0 never lost: it is reached from nobody.
    expect(
      isStronglyConnected(
        weights(3, [
          [0, 1, 4, 0, 0],
          [0, 2, 1, 0, 0],
          [1, 2, 1, 1, 0],
        ]),
      ),
    ).toBe(false);
    // {0, 1} and {2, 3} never compared with each other.
    expect(
      isStronglyConnected(
        weights(4, [
          [0, 1, 1, 1, 0],
          [2, 3, 1, 1, 0],
        ]),
      ),
    ).toBe(false);
    // Two models that never met at all.
    expect(isStronglyConnected(weights(2, []))).toBe(false);
  });
});
