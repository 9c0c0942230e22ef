import { describe, expect, it } from "vitest";
import { talliesToCounts, type PairTally } from "./planning";
import { fitBradleyTerry, pairWeights, RATING_SCALE } from "./bradley-terry";
import { checkTarget, sandwichCovariance, sequenceMultiplier } from "./stopping";

/** Tallies of a round robin where each pair gets `votes`, the first-named winning `share` of the decisive ones, a fifth ties. */
function roundRobin(models: string[], votes: number, share: (a: number, b: number) => number): PairTally[] {
  const tallies: PairTally[] = [];
  for (let a = 0; a < models.length; a++)
    for (let b = a + 1; b < models.length; b++) {
      const decisive = Math.round(votes * 0.8);
      const wins = Math.round(decisive * share(a, b));
      tallies.push({ low: models[a], high: models[b], votes, winsLow: wins, winsHigh: decisive - wins });
    }
  return tallies;
}

describe("confidence-sequence multiplier", () => {
  it("is wider than a single look's 1.96, and widest far from the widths it is tuned to", () => {
    // Values of the mixture boundary, computed by bisection on √(r/(I+r))·exp(S²/(2(I+r))) averaged over the five mixtures.
    const atTuned = sequenceMultiplier(20 / 3.03, 0.05);
    expect(atTuned).toBeGreaterThan(3.2);
    expect(atTuned).toBeLessThan(3.6);
    for (const se of [1, 3, 10, 30, 60]) expect(sequenceMultiplier(se, 0.05)).toBeGreaterThan(3.1);
    // Far below the narrowest tuned width the boundary grows (like √ln of the information).
    expect(sequenceMultiplier(0.01, 0.05)).toBeGreaterThan(sequenceMultiplier(1, 0.05) + 0.5);
    // A smaller α (shared over more claims) widens it.
    expect(sequenceMultiplier(6.6, 0.05 / 45)).toBeGreaterThan(atTuned + 0.5);
  });
});

describe("checkTarget", () => {
  const models = ["a", "b", "c", "d"];

  it("a number of votes is met at that number", () => {
    const { counts } = talliesToCounts(roundRobin(models, 10, () => 0.5));
    expect(checkTarget(counts, 4, { kind: "votes", votes: 60 })).toEqual({ met: true, projectedVotes: 60 });
    expect(checkTarget(counts, 4, { kind: "votes", votes: 61 })).toEqual({ met: false, projectedVotes: 61 });
  });

  it("the top model: met once its lead over every other is certain, with a projection before", () => {
    // a beats everyone 70%; the others are even among themselves.
    const share = (a: number) => (a === 0 ? 0.7 : 0.5);
    const few = checkTarget(talliesToCounts(roundRobin(models, 30, share)).counts, 4, { kind: "top", k: 1 });
    expect(few.met).toBe(false);
    expect(few.projectedVotes).toBeGreaterThan(180);
    // At the projected votes and a little more, it is met (and the projection is the votes so far).
    const more = talliesToCounts(roundRobin(models, Math.ceil(few.projectedVotes! / 6) + 50, share)).counts;
    expect(checkTarget(more, 4, { kind: "top", k: 1 })).toEqual({ met: true, projectedVotes: more.total });
    // The top two cannot be told apart from b, c, d: even ever so many votes do not meet "top 2".
    expect(checkTarget(talliesToCounts(roundRobin(models, 5000, share)).counts, 4, { kind: "top", k: 2 })).toEqual({
      met: false,
      projectedVotes: null,
    });
  });

  it("adjacent pairs: separated, or shown closer than δ", () => {
    const tied = talliesToCounts(roundRobin(models, 4000, () => 0.5)).counts;
    // Everyone even: no pair separates, but with enough votes every gap is shown to be under 40 points…
    expect(checkTarget(tied, 4, { kind: "adjacent", delta: 40 }).met).toBe(true);
    // …and not under 5.
    expect(checkTarget(tied, 4, { kind: "adjacent", delta: 5 }).met).toBe(false);
  });

  it("is not met while a model of the campaign has no votes", () => {
    const { counts } = talliesToCounts(roundRobin(["a", "b", "c"], 2000, (a) => (a === 0 ? 0.9 : 0.5)));
    expect(checkTarget(counts, 4, { kind: "top", k: 1 })).toEqual({ met: false, projectedVotes: null });
  });
});

describe("the gap's standard error and the projection, by hand", () => {
  // Two models, W wins, L losses, D ties: the tie-as-half fit has s = (W + D/2)/N. Along the gap,
  // the fit's Hessian (a win counted twice) is h = 2N·s(1−s) and the votes' squared scores sum to
  // j = W·4(1−s)² + L·4s² + D·(1−2s)², so the sandwich gives var(Δθ) = j / h².
  const [W, L, D] = [50, 30, 20];
  const N = W + L + D;
  const share = (W + D / 2) / N;
  const h = 2 * N * share * (1 - share);
  const j = W * 4 * (1 - share) ** 2 + L * 4 * share ** 2 + D * (1 - 2 * share) ** 2;
  const { counts } = talliesToCounts([{ low: "x", high: "y", votes: N, winsLow: W, winsHigh: L }]);
  const fit = fitBradleyTerry(pairWeights(counts));
  const se = Math.sqrt(j / h ** 2) * RATING_SCALE;
  const gap = Math.log(share / (1 - share)) * RATING_SCALE;

  it("sandwich variance of the gap", () => {
    const covariance = sandwichCovariance(counts, fit)!;
    expect(covariance[0] + covariance[3] - covariance[1] - covariance[2]).toBeCloseTo(j / h ** 2, 10);
    expect(covariance[1]).toBeCloseTo(covariance[2], 14);
    expect(Math.abs(fit.theta[0] - fit.theta[1]) * RATING_SCALE).toBeCloseTo(gap, 6);
  });

  it("met when the gap clears z·se; otherwise the votes that would make it, as (z·se / gap)² × votes", () => {
    const z = sequenceMultiplier(se, 0.05);
    const check = checkTarget(counts, 2, { kind: "top", k: 1 });
    expect(gap).toBeLessThan(z * se);
    expect(check).toEqual({ met: false, projectedVotes: Math.ceil(N * ((z * se) / gap) ** 2) });
    // "Adjacent within δ": the nearer of separating (width: the gap) and showing it under δ (width: δ − gap).
    const within = checkTarget(counts, 2, { kind: "adjacent", delta: 2.2 * gap });
    expect(within).toEqual({ met: false, projectedVotes: Math.ceil(N * ((z * se) / (1.2 * gap)) ** 2) });
    // Four times the votes in the same shares: se halves, and the gap clears it.
    const more = talliesToCounts([{ low: "x", high: "y", votes: 4 * N, winsLow: 4 * W, winsHigh: 4 * L }]).counts;
    expect(checkTarget(more, 2, { kind: "top", k: 1 })).toEqual({ met: true, projectedVotes: 4 * N });
  });
});
