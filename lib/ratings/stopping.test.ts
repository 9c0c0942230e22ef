import { describe, expect, it } from "vitest";
import { talliesToCounts, type PairTally } from "./planning";
import { checkTarget, sequenceMultiplier } from "./stopping";

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
