import { describe, expect, it } from "vitest";
import { pairCounts } from "@/lib/testing/pair-counts";
import { bootstrapThetas, quantileSorted, sortedColumn, thetasToRatings } from "./bootstrap";
import { fitBradleyTerry, pairWeights, RATING_SCALE } from "./bradley-terry";

describe("bootstrap helpers", () => {
  it("quantiles interpolate linearly between sorted values (numpy's default), clamped at the ends", () => {
    const sorted = [1, 2, 3, 4];
    expect(quantileSorted(sorted, 0)).toBe(1);
    expect(quantileSorted(sorted, 0.5)).toBe(2.5);
    expect(quantileSorted(sorted, 0.975)).toBeCloseTo(3.925, 12);
    expect(quantileSorted(sorted, 1)).toBe(4);
    expect(quantileSorted([5], 0.3)).toBe(5);
    expect(Number.isNaN(quantileSorted([], 0.5))).toBe(true);
  });

  it("turn θ rows into ratings around 1000, or shifted so that an anchor model sits at its rating in every row", () => {
    const thetas = Float64Array.from([0.5, -0.5, 1, 0]);
    expect(Array.from(thetasToRatings(thetas, 2))).toEqual([
      1000 + RATING_SCALE * 0.5,
      1000 - RATING_SCALE * 0.5,
      1000 + RATING_SCALE,
      1000,
    ]);
    const anchored = thetasToRatings(thetas, 2, { index: 1, rating: 1200 });
    expect(anchored[1]).toBeCloseTo(1200, 9);
    expect(anchored[3]).toBeCloseTo(1200, 9);
    expect(anchored[0]).toBeCloseTo(1200 + RATING_SCALE, 9);
    expect(anchored[2]).toBeCloseTo(1200 + RATING_SCALE, 9);
  });

  it("sort one model's column of a round × model matrix", () => {
    expect(Array.from(sortedColumn(Float64Array.from([3, 10, 1, 20, 2, 30]), 2, 0))).toEqual([1, 2, 3]);
    expect(Array.from(sortedColumn(Float64Array.from([3, 10, 1, 20, 2, 30]), 2, 1))).toEqual([10, 20, 30]);
  });

  it("computes any range of rounds as the same rows of the whole run (round r always draws from stream r)", () => {
    const counts = pairCounts(3, [
      [0, 1, 12, 8, 3],
      [1, 2, 9, 6, 2],
      [0, 2, 14, 5, 1],
    ]);
    const fit = fitBradleyTerry(pairWeights(counts));
    const whole = bootstrapThetas({ counts, fit, seed: 5, fromRound: 0, toRound: 4 });
    expect(whole).toHaveLength(12);
    const part = bootstrapThetas({ counts, fit, seed: 5, fromRound: 2, toRound: 4 });
    expect(Array.from(part)).toEqual(Array.from(whole.subarray(6, 12)));
    // Rounds differ from each other and from the fit.
    expect(whole[0]).not.toBe(whole[3]);
    expect(whole[0]).not.toBe(fit.theta[0]);
  });
});
