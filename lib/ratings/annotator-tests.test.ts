import { describe, expect, it } from "vitest";
import { binomialTestHalf, sequentialOutlierTest, type SequentialVote } from "./annotator-tests";

describe("position bias: two-sided exact binomial test against ½ (values from scipy.stats.binomtest)", () => {
  it.each([
    [7, 10, 0.34375],
    [3, 10, 0.34375],
    [50, 80, 0.03299261842647619],
    [0, 5, 0.0625],
    [12, 20, 0.5034446716308594],
    [600, 1000, 2.728464156065947e-10],
  ])("%i left of %i → p = %f", (k, n, p) => {
    expect(binomialTestHalf(k, n)).toBeCloseTo(p, 12);
  });

  it("is 1 for an even split and undefined without any left/right choice", () => {
    expect(binomialTestHalf(5, 10)).toBe(1);
    expect(Number.isNaN(binomialTestHalf(0, 0))).toBe(true);
  });
});

describe("sequential outlier test", () => {
  // Five honest annotators agree that model x beats y on pair x:y; "contrarian" always says the opposite.
  const votes: SequentialVote[] = [];
  for (let round = 0; round < 12; round++) {
    for (const annotator of ["a", "b", "c", "d", "e"]) votes.push({ annotator, pair: "x:y", label: round % 6 === 5 ? "tie" : "x" });
    votes.push({ annotator: "contrarian", pair: "x:y", label: "y" });
  }
  const results = sequentialOutlierTest(votes);

  it("flags an annotator who keeps voting against everyone else", () => {
    const contrarian = results.get("contrarian")!;
    expect(contrarian.tested).toBe(12);
    expect(contrarian.flagged).toBe(true);
    expect(contrarian.evidence).toBeGreaterThanOrEqual(20);
  });

  it("does not flag annotators who vote with the crowd, even with an occasional tie", () => {
    for (const annotator of ["a", "b", "c", "d", "e"]) {
      expect(results.get(annotator)!.flagged, annotator).toBe(false);
      expect(results.get(annotator)!.evidence).toBeLessThan(20);
    }
  });

  it("turns each vote into the e-value 1/(2√p) of its rarity among the others' votes, and flags at 1/α", () => {
    // 15 annotators say x on pair P; "odd" says y twice. Nobody else said y: p = 1/16, e = 2 per vote.
    const crowd: SequentialVote[] = Array.from({ length: 15 }, (_, k) => ({ annotator: `h${k}`, pair: "P", label: "x" }));
    const odd: SequentialVote[] = [
      { annotator: "odd", pair: "P", label: "y" },
      { annotator: "odd", pair: "P", label: "y" },
    ];
    const results = sequentialOutlierTest([...crowd, ...odd], 0.25);
    expect(results.get("odd")).toEqual({ tested: 2, evidence: 4, flagged: true });
    // At α = 0.2 the product 4 is short of 1/α = 5.
    expect(sequentialOutlierTest([...crowd, ...odd], 0.2).get("odd")).toEqual({ tested: 2, evidence: 4, flagged: false });
    // A crowd vote: the others' 14 x and 2 y are all at most as common as x, p = 17/17, e = ½.
    expect(results.get("h0")).toEqual({ tested: 1, evidence: 0.5, flagged: false });
    // A rarer third label: among the 18 other votes (15 x, 2 y, 1 z) only the one other z is at most as common, p = (1 + 1) / 19.
    const third = sequentialOutlierTest([
      ...crowd,
      ...odd,
      { annotator: "z1", pair: "P", label: "z" },
      { annotator: "z2", pair: "P", label: "z" },
    ]);
    expect(third.get("z1")!.evidence).toBeCloseTo(1 / (2 * Math.sqrt(2 / 19)), 12);
  });

  it("tests nothing where nobody else judged the same pair", () => {
    const alone = sequentialOutlierTest([
      { annotator: "solo", pair: "p:q", label: "p" },
      { annotator: "solo", pair: "p:q", label: "q" },
    ]);
    expect(alone.get("solo")).toEqual({ tested: 0, evidence: 0, flagged: false });
  });

  it("rarely flags honest annotators who all vote from the same distribution", () => {
    // 40 annotators × 60 votes on 10 pairs from one fixed preference: the false-alarm rate must stay near α = 5%.
    let state = 12345;
    const random = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const honest: SequentialVote[] = [];
    for (let v = 0; v < 60; v++) {
      for (let a = 0; a < 40; a++) {
        const u = random();
        honest.push({
          annotator: `h${a}`,
          pair: `pair-${v % 10}`,
          label: u < 0.5 ? "first" : u < 0.85 ? "second" : u < 0.95 ? "tie" : "bothbad",
        });
      }
    }
    const flagged = [...sequentialOutlierTest(honest).values()].filter((r) => r.flagged).length;
    expect(flagged).toBeLessThanOrEqual(4);
  });
});
