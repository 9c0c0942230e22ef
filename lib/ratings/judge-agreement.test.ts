import { describe, expect, it } from "vitest";
import fixture from "./fixtures/judge-agreement.json";
import {
  combineOrders,
  humanHumanAgreement,
  judgeHumanAgreement,
  kappaOfTable,
  type HumanTally,
  type JudgeVerdict,
  type PairVerdict,
} from "./judge-agreement";

interface FastChatVote {
  question_id: number;
  model_a: string;
  model_b: string;
  winner: string;
  turn: number;
}

/** A FastChat vote in the order of its models' names, as compute_agreement.py keys it. */
function ordered(vote: FastChatVote): { question: string; pair: string; turn: number; verdict: PairVerdict } {
  const swapped = vote.model_a > vote.model_b;
  const pair = swapped ? `${vote.model_b}|${vote.model_a}` : `${vote.model_a}|${vote.model_b}`;
  const verdict: PairVerdict = vote.winner.includes("tie") ? "tie" : (vote.winner === "model_a") !== swapped ? "first" : "second";
  return { question: String(vote.question_id), pair, turn: vote.turn, verdict };
}

function tallies(votes: FastChatVote[]): HumanTally[] {
  const byPair = new Map<string, HumanTally>();
  for (const vote of votes) {
    const { question, pair, turn, verdict } = ordered(vote);
    const key = `${question}/${pair}/${turn}`;
    const tally = byPair.get(key) ?? { question, pair, turn, first: 0, second: 0, tie: 0 };
    tally[verdict] += 1;
    byPair.set(key, tally);
  }
  return [...byPair.values()];
}

const humans = tallies(fixture.human as FastChatVote[]);
const judge: JudgeVerdict[] = (fixture.gpt4 as FastChatVote[]).map(ordered);

/**
 * Reference counts: FastChat's fastchat/llm_judge/compute_agreement.py (lm-sys/FastChat, read with
 * the search tool; its unused numpy import dropped) run on the fixture's two files:
 *   python3 compute_agreement.py --judges gpt4-pair human --votefiles human.json gpt4.json
 *   python3 compute_agreement.py --judges human human --votefiles human.json
 * The fixture is synthetic (115 human votes of six "experts" with both tie kinds, 39 GPT-4 verdicts,
 * 12 questions × 3 models × 2 turns, shown in either order), written by a seeded Python script.
 */
const JUDGE_HUMAN = [
  { turn: 1, withTie: [11, 33], withoutTie: [6, 14] },
  { turn: 2, withTie: [15, 40], withoutTie: [15, 30] },
];
const HUMAN_HUMAN = [
  { turn: 1, withTie: [16, 48], withoutTie: [12, 21] },
  { turn: 2, withTie: [21, 64], withoutTie: [19, 30] },
];

describe("judge agreement", () => {
  it("counts a judge against the humans exactly as FastChat's compute_agreement.py", () => {
    const result = judgeHumanAgreement(humans, judge, { rounds: 200 });
    expect(
      result.turns.map((t) => ({
        turn: t.turn,
        withTie: [t.withTie.agree, t.withTie.total],
        withoutTie: [t.withoutTie.agree, t.withoutTie.total],
      })),
    ).toEqual(JUDGE_HUMAN);
    expect(result.turns[0].withTie.ratio).toBeCloseTo(11 / 33, 12);
  });

  it("counts the humans against each other exactly as compute_agreement.py --judges human human", () => {
    const turns = humanHumanAgreement(humans, { rounds: 200 });
    expect(
      turns.map((t) => ({
        turn: t.turn,
        withTie: [t.withTie.agree, t.withTie.total],
        withoutTie: [t.withoutTie.agree, t.withoutTie.total],
      })),
    ).toEqual(HUMAN_HUMAN);
  });

  it("gives every ratio an interval from resampled questions that contains it, the same for the same seed", () => {
    const result = judgeHumanAgreement(humans, judge, { rounds: 500, seed: 3 });
    for (const turn of [...result.turns, ...humanHumanAgreement(humans, { rounds: 500 })]) {
      for (const count of [turn.withTie, turn.withoutTie]) {
        expect(count.ciLow).toBeLessThanOrEqual(count.ratio);
        expect(count.ciHigh).toBeGreaterThanOrEqual(count.ratio);
        // Twelve questions: the interval is wide, but not the whole range.
        expect(count.ciHigh - count.ciLow).toBeGreaterThan(0.05);
        expect(count.ciHigh - count.ciLow).toBeLessThan(0.9);
      }
    }
    expect(result.kappa.ciLow).toBeLessThanOrEqual(result.kappa.value);
    expect(result.kappa.ciHigh).toBeGreaterThanOrEqual(result.kappa.value);
    expect(judgeHumanAgreement(humans, judge, { rounds: 500, seed: 3 })).toEqual(result);
    expect(judgeHumanAgreement(humans, judge, { rounds: 500, seed: 4 }).turns[0].withTie.ciLow).not.toBe(NaN);
  });

  it("computes Cohen's κ over every judge–human comparison (three verdicts, ties of either kind alike)", () => {
    // Rows: the judge (first, second, tie); columns: the humans. Worked by hand:
    // n = 20, p_o = (6 + 5 + 2) / 20 = 0.65; rows 8, 7, 5 and columns 9, 7, 4 give
    // p_e = (8·9 + 7·7 + 5·4) / 400 = 0.3525; κ = (0.65 − 0.3525) / 0.6475.
    expect(kappaOfTable([6, 0, 2, 2, 5, 0, 1, 2, 2])).toBeCloseTo((0.65 - 0.3525) / 0.6475, 12);
    expect(kappaOfTable([5, 0, 0, 0, 0, 0, 0, 0, 0])).toBeNaN();
    expect(kappaOfTable(new Array(9).fill(0))).toBeNaN();
    // Perfect agreement over two verdicts is κ = 1; exactly the chance rate is 0.
    expect(kappaOfTable([3, 0, 0, 0, 2, 0, 0, 0, 0])).toBeCloseTo(1, 12);
    expect(kappaOfTable([1, 1, 0, 1, 1, 0, 0, 0, 0])).toBeCloseTo(0, 12);
  });

  it("leaves out pairs the humans never voted on, and a judge with nothing in common has no ratio", () => {
    const lonely: JudgeVerdict[] = [{ question: "999", pair: "alpha|beta", turn: 1, verdict: "first" }];
    const result = judgeHumanAgreement(humans, lonely, { rounds: 50 });
    expect(result.turns).toEqual([]);
    expect(result.kappa.value).toBeNaN();
  });

  it("combines a position-swapped pair of judgments by FastChat's rule", () => {
    expect(combineOrders("model_a", "model_a")).toEqual({ winner: "model_a", inconsistent: false });
    expect(combineOrders("tie", "tie")).toEqual({ winner: "tie", inconsistent: false });
    expect(combineOrders("model_a", "model_b")).toEqual({ winner: "tie", inconsistent: true });
    expect(combineOrders("model_b", "tie")).toEqual({ winner: "tie", inconsistent: true });
    expect(combineOrders("model_a", "error")).toEqual({ winner: null, inconsistent: false });
    expect(combineOrders("error", "model_a")).toEqual({ winner: null, inconsistent: false });
    expect(combineOrders("model_b", null)).toEqual({ winner: "model_b", inconsistent: false });
  });
});
