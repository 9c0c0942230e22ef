import { describe, expect, it } from "vitest";
import { cholesky, choleskySolve } from "./linear-algebra";

describe("cholesky", () => {
  it("factors a positive-definite matrix so that L·Lᵀ gives it back, and solves with it", () => {
    const matrix = Float64Array.from([4, 2, 2, 3]);
    expect(cholesky(matrix, 2)).toBe(true);
    // L = [[2, 0], [1, √2]]
    expect(matrix[0]).toBeCloseTo(2, 12);
    expect(matrix[2]).toBeCloseTo(1, 12);
    expect(matrix[3]).toBeCloseTo(Math.SQRT2, 12);
    const b = Float64Array.from([10, 8]);
    choleskySolve(matrix, 2, b);
    // 4x + 2y = 10, 2x + 3y = 8 → x = 7/4, y = 3/2
    expect(b[0]).toBeCloseTo(7 / 4, 12);
    expect(b[1]).toBeCloseTo(3 / 2, 12);
  });

  it("refuses a matrix that is not positive definite, a singular one included", () => {
    expect(cholesky(Float64Array.from([1, 2, 2, 1]), 2)).toBe(false);
    expect(cholesky(Float64Array.from([1, 1, 1, 1]), 2)).toBe(false);
    expect(cholesky(Float64Array.from([0, 0, 0, 1]), 2)).toBe(false);
  });
});
