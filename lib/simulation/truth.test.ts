import { describe, expect, it } from "vitest";
import { seededRandom } from "@/lib/ratings/random";
import { studyState } from "./criteria";
import { drawOutcome, isNoisy, simulatedAuthor, simulatedPromptId, simulatedTexts, truthSchema, winProbability } from "./truth";

function shares(left: number, right: number, rates: { tie: number; bothBad: number }, noisy = false, draws = 200_000) {
  const random = seededRandom(7);
  const count = { LEFT: 0, RIGHT: 0, TIE: 0, BOTH_BAD: 0, BOTH_GOOD: 0 };
  for (let k = 0; k < draws; k++) count[drawOutcome(left, right, rates, noisy, random)]++;
  return { left: count.LEFT / draws, right: count.RIGHT / draws, tie: count.TIE / draws, bothBad: count.BOTH_BAD / draws };
}

describe("the simulated truth", () => {
  it("Elo's win probability", () => {
    expect(winProbability(1000, 1000)).toBe(0.5);
    expect(winProbability(1400, 1000)).toBeCloseTo(10 / 11, 12);
    expect(winProbability(1000, 1400)).toBeCloseTo(1 / 11, 12);
  });

  it("ties and both-bad at their rates, and an expected score that is the Bradley–Terry probability", () => {
    const rates = { tie: 0.15, bothBad: 0.05 };
    const close = shares(1050, 1000, rates);
    expect(close.tie).toBeCloseTo(0.15, 2);
    expect(close.bothBad).toBeCloseTo(0.05, 2);
    // A tie counts half, as in the leaderboard's fit.
    expect(close.left + (close.tie + close.bothBad) / 2).toBeCloseTo(winProbability(1050, 1000), 2);
    // Lopsided (p ≈ 0.85): the rates still fit (20% ≤ 2·(1−p)), the score is still p.
    const far = shares(1300, 1000, rates);
    expect(far.left + (far.tie + far.bothBad) / 2).toBeCloseTo(winProbability(1300, 1000), 2);
    expect(far.tie).toBeCloseTo(0.15, 2);
    // So lopsided (p ≈ 0.99) that 20% undecided would not fit: fewer of them, the score still p.
    const extreme = shares(1800, 1000, rates);
    const p = winProbability(1800, 1000);
    expect(extreme.tie + extreme.bothBad).toBeCloseTo(2 * (1 - p), 2);
    expect(extreme.tie / extreme.bothBad).toBeCloseTo(3, 0);
    expect(extreme.left + (extreme.tie + extreme.bothBad) / 2).toBeCloseTo(p, 2);
    expect(extreme.right).toBeCloseTo(0, 3);
  });

  it("a noisy annotator's decisive votes are a coin toss; without undecided rates every vote is decisive", () => {
    const noisy = shares(1400, 1000, { tie: 0.1, bothBad: 0 }, true);
    expect(noisy.left).toBeCloseTo(0.45, 2);
    expect(noisy.right).toBeCloseTo(0.45, 2);
    const decisive = shares(1100, 1000, { tie: 0, bothBad: 0 });
    expect(decisive.tie + decisive.bothBad).toBe(0);
    expect(decisive.left).toBeCloseTo(winProbability(1100, 1000), 2);
  });

  it("noisy annotators are the first share of them; texts name no model and say whose they are", () => {
    expect([0, 1, 2, 3, 4].map((k) => isNoisy(k, 5, 0.4))).toEqual([true, true, false, false, false]);
    expect([0, 1].map((k) => isNoisy(k, 2, 0))).toEqual([false, false]);
    expect(simulatedPromptId(0)).toBe("sim-00001");
    expect(simulatedPromptId(41) < simulatedPromptId(100)).toBe(true);
    const { prompt, answer } = simulatedTexts(4, 11);
    expect(prompt).toBe("Simulated question 5.");
    expect(simulatedAuthor(answer)).toBe(11);
    expect(() => simulatedAuthor("I am model 3")).toThrow();
  });

  it("truth files: two to 200 models with finite ratings", () => {
    expect(truthSchema.safeParse({ a: 1000, b: 1100.5 }).success).toBe(true);
    expect(truthSchema.safeParse({ a: 1000 }).success).toBe(false);
    expect(truthSchema.safeParse({ a: 1000, b: "1100" }).success).toBe(false);
    expect(truthSchema.safeParse({ a: 1000, " ": 1100 }).success).toBe(false);
    expect(truthSchema.safeParse(Object.fromEntries(Array.from({ length: 201 }, (_, k) => [`m${k}`, k]))).success).toBe(false);
  });
});

describe("the benchmark's criteria", () => {
  const truth = [1100, 1090, 1050, 1000];
  /** Tallies in which model i beats model j (i < j) in `share` of `votes`. */
  const tallies = (votes: number, share: number, swap?: [number, number]) => {
    const rows = [];
    for (let i = 0; i < 4; i++)
      for (let j = i + 1; j < 4; j++) {
        const flipped = swap && swap[0] === i && swap[1] === j;
        const wins = Math.round(votes * (flipped ? 1 - share : share));
        rows.push({ low: String(i), high: String(j), votes, winsLow: wins, winsHigh: votes - wins });
      }
    return rows;
  };

  it("orders, names the top and settles as the fit says", () => {
    const clear = studyState(tallies(2000, 0.8), truth);
    // Pairs at least 20 apart: all but (0, 1); all right.
    expect(clear).toEqual({ ordered: 1, topRight: true, settled: true });
    // Models 2 and 3 swapped: one of the five pairs that count is wrong.
    const swapped = studyState(tallies(2000, 0.8, [2, 3]), truth);
    expect(swapped.ordered).toBeCloseTo(4 / 5, 12);
    expect(swapped.topRight).toBe(true);
    // Few votes: nothing separated yet (the near tie 0–1 is excused, the others are not).
    expect(studyState(tallies(3, 0.67), truth).settled).toBe(false);
  });

  it("a model without votes orders nothing and nothing is settled", () => {
    const partial = tallies(2000, 0.8).filter((t) => t.low !== "3" && t.high !== "3");
    expect(studyState(partial, truth)).toEqual({ ordered: 2 / 5, topRight: false, settled: false });
  });
});
