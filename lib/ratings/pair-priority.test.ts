import { describe, expect, it } from "vitest";
import { RATING_SCALE } from "./bradley-terry";
import { normalCdf, pairPriorities, WORTHWHILE_GAP } from "./pair-priority";
import { talliesToCounts, type PairTally } from "./planning";

describe("normal CDF", () => {
  it("matches tabulated values", () => {
    // Φ at 0, ±1, 1.959964, 3 (standard tables).
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1)).toBeCloseTo(0.8413447461, 7);
    expect(normalCdf(-1)).toBeCloseTo(0.1586552539, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 7);
    expect(normalCdf(-3)).toBeCloseTo(0.001349898, 8);
  });
});

/** Tallies of four models with `votes` per pair, the first-named winning `share(a, b)` of the decisive ones, a fifth ties. */
function tallies(votes: number, share: (a: number, b: number) => number, skip?: [number, number]): PairTally[] {
  const rows: PairTally[] = [];
  for (let a = 0; a < 4; a++)
    for (let b = a + 1; b < 4; b++) {
      if (skip && skip[0] === a && skip[1] === b) continue;
      const decisive = Math.round(votes * 0.8);
      const wins = Math.round(decisive * share(a, b));
      rows.push({ low: `m${a}`, high: `m${b}`, votes, winsLow: wins, winsHigh: decisive - wins });
    }
  return rows;
}

describe("what one more vote on a pair is worth", () => {
  it("most for the pair whose order is open, least for settled and hopeless ones", () => {
    // m0 ≫ m1 ≈ m2 (a near tie) ≫ m3, with m1 slightly ahead of m2: m1–m2 is the open question.
    const share = (a: number, b: number) => (a === 0 ? 0.95 : b === 3 ? 0.95 : 0.6);
    const { models, counts } = talliesToCounts(tallies(40, share));
    const worth = pairPriorities(counts)!;
    const m = models.length;
    const of = (a: string, b: string) => {
      const [i, j] = [models.indexOf(a), models.indexOf(b)].sort((x, y) => x - y);
      return worth[i * m + j];
    };
    expect(of("m1", "m2")).toBeGreaterThan(of("m0", "m3") * 10);
    expect(of("m1", "m2")).toBeGreaterThan(of("m0", "m1"));
    for (const value of worth) expect(value).toBeGreaterThanOrEqual(0);
    // Only k < l is filled in.
    expect(worth[models.indexOf("m2") * m + models.indexOf("m1")]).toBe(0);
  });

  it("a pair nobody voted on yet is worth something too, and more votes make every pair worth less", () => {
    const share = () => 0.6;
    const few = talliesToCounts(tallies(20, share, [1, 2]));
    const worthFew = pairPriorities(few.counts)!;
    const m = few.models.length;
    const [i, j] = [few.models.indexOf("m1"), few.models.indexOf("m2")].sort((x, y) => x - y);
    expect(worthFew[i * m + j]).toBeGreaterThan(0);
    const many = talliesToCounts(tallies(2000, share, [1, 2]));
    const worthMany = pairPriorities(many.counts)!;
    expect(Math.max(...worthMany)).toBeLessThan(Math.max(...worthFew));
  });

  it("needs two models", () => {
    expect(pairPriorities(talliesToCounts([]).counts)).toBeNull();
  });
});

describe("the worth of a vote, worked by hand for two models", () => {
  it("is the fall in the misordering chance its variance reduction brings", () => {
    // 50 wins, 30 losses, 20 ties: s = 0.6 at the fit. The gap's variance (a win counted twice in
    // the fit, doubled back) is v = 1/(N·s(1−s)); one more vote with information I = s(1−s) lowers
    // it by I·v²/(1 + I·v); the misordering chance falls by R·e^(−z²/2)·z/(2v) per unit of variance,
    // z = max(gap, 20 points)/σ, R = P(|gap| ≥ 20 points).
    const { counts } = talliesToCounts([{ low: "x", high: "y", votes: 100, winsLow: 50, winsHigh: 30 }]);
    const s = 0.6;
    const v = 1 / (100 * s * (1 - s));
    const sigma = Math.sqrt(v) * RATING_SCALE;
    const gap = Math.log(s / (1 - s)) * RATING_SCALE;
    const z = Math.max(gap, WORTHWHILE_GAP) / sigma;
    const r = normalCdf((gap - WORTHWHILE_GAP) / sigma) + normalCdf((-gap - WORTHWHILE_GAP) / sigma);
    const information = s * (1 - s);
    const expected = ((r * Math.exp(-0.5 * z * z) * z) / (2 * v)) * v * v * (information / (1 + information * v));
    const worth = pairPriorities(counts)!;
    expect(worth[1]).toBeCloseTo(expected, 12);
    expect(worth[1] / expected).toBeCloseTo(1, 6);
  });
});
