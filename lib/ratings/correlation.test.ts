import { describe, expect, it } from "vitest";
import { averageRanks, correlateWithBenchmark, kendallTauB, pearson, spearman } from "./correlation";

describe("correlation coefficients at their edges", () => {
  it("are undefined with fewer than two models or a constant side, and exact with two", () => {
    expect(Number.isNaN(pearson([], []))).toBe(true);
    expect(Number.isNaN(pearson([1], [2]))).toBe(true);
    expect(pearson([1, 2], [3, 5])).toBeCloseTo(1, 12);
    expect(pearson([1, 2], [5, 3])).toBeCloseTo(-1, 12);
    expect(Number.isNaN(pearson([1, 1, 1], [1, 2, 3]))).toBe(true);
    expect(Number.isNaN(pearson([1, 2, 3], [4, 4, 4]))).toBe(true);
    expect(Number.isNaN(kendallTauB([1, 1], [2, 2]))).toBe(true);
    expect(Number.isNaN(spearman([3, 3, 3], [1, 2, 3]))).toBe(true);
  });

  it("rank several groups of ties, at both ends", () => {
    // scipy.stats.rankdata([7, 7, 1, 3, 3, 3, 9, 9])
    expect(Array.from(averageRanks([7, 7, 1, 3, 3, 3, 9, 9]))).toEqual([5.5, 5.5, 1, 3, 3, 3, 7.5, 7.5]);
    expect(Array.from(averageRanks([2, 2, 2]))).toEqual([2, 2, 2]);
    expect(Array.from(averageRanks([]))).toEqual([]);
  });

  it("τ-b leaves out pairs tied on both sides and counts pairs tied on one side in the denominator (scipy.stats.kendalltau)", () => {
    // scipy.stats.kendalltau([1, 1, 2, 3], [1, 1, 3, 2]).statistic = 0.6
    expect(kendallTauB([1, 1, 2, 3], [1, 1, 3, 2])).toBeCloseTo(0.6, 12);
    // scipy.stats.kendalltau([1, 2, 2, 3], [1, 3, 2, 2]).statistic = 0.39999999999999997
    expect(kendallTauB([1, 2, 2, 3], [1, 3, 2, 2])).toBeCloseTo(0.4, 12);
  });
});

describe("correlateWithBenchmark at its edges", () => {
  const modelOrder = ["a", "b", "c"];
  const scores = new Map([
    ["a", 90],
    ["b", 80],
    ["c", 70],
  ]);

  it("takes higher scores as better by default, and gives the point value as its own interval without bootstrap rounds", () => {
    const result = correlateWithBenchmark({
      benchmark: "mmlu",
      modelOrder,
      ratings: [1100, 1000, 900],
      bootstrapRatings: new Float64Array(),
      scores,
    });
    expect(result.models).toBe(3);
    for (const measure of [result.spearman, result.kendall, result.pearson]) expect(measure).toEqual({ value: 1, low: 1, high: 1 });
  });

  it("leaves out rounds whose coefficient is undefined, and gives no rounds for no models", () => {
    // Round 1 rates every model alike (undefined coefficients); round 2 reverses the order.
    const bootstrapRatings = Float64Array.from([1000, 1000, 1000, 900, 1000, 1100]);
    const result = correlateWithBenchmark({ benchmark: "mmlu", modelOrder, ratings: [1100, 1000, 900], bootstrapRatings, scores });
    expect(result.spearman).toEqual({ value: 1, low: -1, high: -1 });
    const empty = correlateWithBenchmark({ benchmark: "mmlu", modelOrder: [], ratings: [], bootstrapRatings: new Float64Array(), scores });
    expect(empty.models).toBe(0);
    expect(Number.isNaN(empty.pearson.value)).toBe(true);
  });
});
