import { describe, expect, it } from "vitest";
import { pairCounts } from "@/lib/testing/pair-counts";
import {
  fitBradleyTerry,
  isStronglyConnected,
  nearbySolver,
  newtonSolve,
  pairWeights,
  PRIOR_PRECISION,
  type PairWeights,
} from "./bradley-terry";

/** Chatbot Arena's weights of unordered counts [i, j, wins of i, wins of j, draws]. */
const weights = (modelCount: number, rows: Parameters<typeof pairCounts>[1]) => pairWeights(pairCounts(modelCount, rows));

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

describe("fits", () => {
  const connected = () =>
    weights(3, [
      [0, 1, 7, 3, 2],
      [1, 2, 6, 4, 1],
      [0, 2, 8, 2, 0],
    ]);
  const mean = (theta: Float64Array) => theta.reduce((sum, t) => sum + t, 0) / theta.length;

  it("average zero on the θ scale (ratings average 1000), wherever Newton starts", () => {
    const fit = fitBradleyTerry(connected());
    expect(Math.abs(mean(fit.theta))).toBeLessThan(1e-12);
    // The likelihood ignores a common shift: started shifted by 3, the fit comes back centred.
    const shifted = newtonSolve(connected(), 0, Float64Array.from([3, 3.5, 2]));
    expect(Math.abs(mean(shifted.theta))).toBeLessThan(1e-12);
    shifted.theta.forEach((t, k) => expect(t).toBeCloseTo(fit.theta[k], 9));
    expect(fit.theta[0]).toBeGreaterThan(fit.theta[1]);
    expect(fit.theta[1]).toBeGreaterThan(fit.theta[2]);
  });

  /** The same pairs (the same arrays, as resamples share them) with other wins and draws. */
  function resampled(original: PairWeights, rows: [first: number, second: number, draws: number][]): PairWeights {
    const other = pairWeights({
      modelCount: original.modelCount,
      i: original.i,
      j: original.j,
      first: Float64Array.from(rows.map((r) => r[0])),
      second: Float64Array.from(rows.map((r) => r[1])),
      draws: Float64Array.from(rows.map((r) => r[2])),
      total: 0,
    });
    expect(other.i).toBe(original.i);
    return other;
  }

  it("near a fit (bootstrap rounds) reach the fit of the resample itself, centred", () => {
    const original = connected();
    const solve = nearbySolver(original, fitBradleyTerry(original));
    // Every "won a share" edge kept: the maximum likelihood of the resample.
    const kept = resampled(original, [
      [5, 4, 1],
      [7, 2, 2],
      [9, 1, 0],
    ]);
    const direct = fitBradleyTerry(kept);
    expect(direct.identifiable).toBe(true);
    const near = solve(kept);
    expect(Math.abs(mean(near))).toBeLessThan(1e-9);
    near.forEach((t, k) => expect(t).toBeCloseTo(direct.theta[k], 6));
  });

  it("near a fit, a resample in which a model never wins is fitted with the prior, as on its own", () => {
    const original = connected();
    const solve = nearbySolver(original, fitBradleyTerry(original));
    // Model 2 loses every battle of this resample (no draws either): no maximum likelihood.
    const lost = resampled(original, [
      [6, 4, 2],
      [5, 0, 0],
      [8, 0, 0],
    ]);
    expect(isStronglyConnected(lost)).toBe(false);
    const regularised = newtonSolve(lost, PRIOR_PRECISION).theta;
    const near = solve(lost);
    near.forEach((t, k) => expect(t).toBeCloseTo(regularised[k], 6));
    // Finite, and not the drift of an unregularised fit.
    expect(near[0] - near[2]).toBeLessThan(10);
  });
});
