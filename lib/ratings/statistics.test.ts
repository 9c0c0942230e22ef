import { describe, expect, it } from "vitest";
import { annotatorStats, cohensKappa, krippendorffAlphaNominal, type AnnotatorVote } from "./agreement";
import { averageRanks, correlateWithBenchmark, kendallTauB, pearson, spearman } from "./correlation";
import { aggregateBattles } from "./aggregate";
import { pairMatrices, predictedWinProbability } from "./matrices";
import type { Battle } from "./types";

describe("correlations (values from scipy.stats)", () => {
  const x = [1, 2, 3, 4, 5, 6, 7, 8];
  const y = [2, 1, 4, 3, 6, 5, 8, 8];
  it("agree with scipy on data with ties", () => {
    expect(spearman(x, y)).toBeCloseTo(0.9221722216732094, 12);
    expect(kendallTauB(x, y)).toBeCloseTo(0.7637626158259733, 12);
    expect(pearson(x, y)).toBeCloseTo(0.9254843048684035, 12);
  });

  it("agree with scipy's kendalltau documentation example", () => {
    const a = [12, 2, 1, 12, 2];
    const b = [1, 4, 7, 1, 0];
    expect(kendallTauB(a, b)).toBeCloseTo(-0.4714045207910316, 12);
    expect(spearman(a, b)).toBeCloseTo(-0.5407380704358752, 12);
    expect(pearson(a, b)).toBeCloseTo(-0.5566399985665696, 12);
  });

  it("give tied values their average rank", () => {
    expect(Array.from(averageRanks([10, 20, 20, 5]))).toEqual([2, 3.5, 3.5, 1]);
  });

  it("use only models with a score, flip lower-is-better benchmarks, and carry rating uncertainty", () => {
    const modelOrder = ["a", "b", "c", "d"];
    const ratings = [1100, 1050, 950, 900];
    // Two bootstrap rounds: one agreeing perfectly, one with b and c swapped.
    const bootstrapRatings = Float64Array.from([1100, 1050, 950, 900, 1100, 940, 960, 900]);
    const result = correlateWithBenchmark({
      benchmark: "perplexity",
      modelOrder,
      ratings,
      bootstrapRatings,
      scores: new Map([
        ["a", 3],
        ["b", 5],
        ["c", 7],
        ["zzz", 1],
      ]),
      higherIsBetter: false,
    });
    expect(result.models).toBe(3);
    expect(result.spearman.value).toBeCloseTo(1, 12);
    expect(result.spearman.low).toBeLessThan(1);
    expect(result.spearman.high).toBeGreaterThan(0.95);
    expect(result.spearman.low).toBeCloseTo(0.5 + 0.025 * 0.5, 12);
  });
});

describe("annotator agreement", () => {
  it("computes Cohen's κ for the textbook 2×2 example (κ = 0.4)", () => {
    // 50 items: both yes 20, first yes / second no 5, first no / second yes 10, both no 15.
    const first = new Map<string, string>();
    const second = new Map<string, string>();
    const add = (count: number, a: string, b: string) => {
      for (let i = 0; i < count; i++) {
        const item = `item-${first.size}`;
        first.set(item, a);
        second.set(item, b);
      }
    };
    add(20, "yes", "yes");
    add(5, "yes", "no");
    add(10, "no", "yes");
    add(15, "no", "no");
    second.set("only-second", "yes");
    const { kappa, items } = cohensKappa(first, second);
    expect(items).toBe(50);
    expect(kappa).toBeCloseTo(0.4, 12);
  });

  it("computes Krippendorff's α for his own nominal example (α = 0.743)", () => {
    // Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": 4 observers, 12 units, missing values omitted.
    const units = [
      ["1", "1", "1"],
      ["2", "2", "3", "2"],
      ["3", "3", "3", "3"],
      ["3", "3", "3", "3"],
      ["2", "2", "2", "2"],
      ["1", "2", "3", "4"],
      ["4", "4", "4", "4"],
      ["1", "1", "2", "1"],
      ["2", "2", "2", "2"],
      ["5", "5", "5"],
      ["1", "1"],
      ["3"],
    ];
    const { alpha, items } = krippendorffAlphaNominal(units);
    expect(items).toBe(11);
    expect(alpha).toBeCloseTo(0.743, 3);
  });

  it("reports position bias, tie rates, speed and agreement with the others' majority", () => {
    const vote = (annotator: string, item: string, label: string, choice: AnnotatorVote["choice"], seconds: number): AnnotatorVote => ({
      annotator,
      item,
      label,
      choice,
      durationMs: seconds * 1000,
    });
    const votes = [
      vote("ann", "i1", "first", "left", 10),
      vote("ann", "i2", "first", "left", 20),
      vote("ann", "i3", "tie", "tie", 30),
      vote("ann", "i4", "bothbad", "bothbad", 40),
      vote("bob", "i1", "first", "right", 5),
      vote("cat", "i1", "first", "left", 5),
      vote("bob", "i2", "second", "left", 5),
      vote("cat", "i2", "second", "right", 5),
      vote("bob", "i3", "first", "left", 5),
      vote("cat", "i3", "second", "left", 5),
    ];
    const ann = annotatorStats(votes).find((s) => s.annotator === "ann")!;
    expect(ann.votes).toBe(4);
    expect(ann.leftShare).toBe(1);
    expect(ann.tieRate).toBe(0.25);
    expect(ann.bothBadRate).toBe(0.25);
    expect(ann.medianSeconds).toBe(25);
    // i1: others say first (agree); i2: others say second (disagree); i3: others split (skipped); i4: nobody else.
    expect(ann.comparableItems).toBe(2);
    expect(ann.majorityAgreement).toBe(0.5);
  });
});

describe("pair matrices", () => {
  it("count battles both ways and win fractions per side, as FastChat", () => {
    const battles: Battle[] = [
      { modelA: "x", modelB: "y", winner: "model_a" },
      { modelA: "y", modelB: "x", winner: "model_a" },
      { modelA: "y", modelB: "x", winner: "tie" },
      { modelA: "x", modelB: "y", winner: "model_a" },
    ];
    const { battles: counts, winFraction } = pairMatrices(aggregateBattles(battles));
    expect(Array.from(counts)).toEqual([0, 4, 4, 0]);
    expect(winFraction[1]).toBe(0.5);
    expect(winFraction[2]).toBe(0.25);
    expect(Number.isNaN(winFraction[0])).toBe(true);
  });

  it("predict 10:1 odds for a 400-point gap", () => {
    const p = predictedWinProbability([1400, 1000]);
    expect(p[1]).toBeCloseTo(10 / 11, 12);
    expect(p[2]).toBeCloseTo(1 / 11, 12);
  });
});
