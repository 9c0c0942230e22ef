import { z } from "zod";
import type { Outcome } from "@/lib/generated/prisma/enums";

/**
 * The world a simulated study runs in: each model's true rating on the Elo scale, and how often
 * annotators call a tie or both bad. Outcomes are drawn from the Bradley–Terry probabilities of
 * those ratings, so a fit of the simulated votes can be compared with the truth.
 */

/** `{"model": rating}`: what `simulate --truth FILE` reads. */
export const truthSchema = z
  .record(z.string().trim().min(1).max(200), z.number().finite().min(-100_000).max(100_000))
  .refine((truth) => Object.keys(truth).length >= 2, "at least two models")
  .refine((truth) => Object.keys(truth).length <= 200, "at most 200 models");

export type Truth = z.infer<typeof truthSchema>;

export interface OutcomeRates {
  /** Share of votes that are a tie (both equally good). */
  tie: number;
  /** Share of votes that are "both bad". */
  bothBad: number;
}

/** The probability that a model rated `a` beats one rated `b` in a decisive vote (Elo scale, base 10, 400). */
export function winProbability(a: number, b: number): number {
  return 1 / (1 + Math.pow(10, (b - a) / 400));
}

/**
 * One vote on a pair shown as `left` and `right`. Ties and both-bad come at their rates — fewer
 * for a lopsided pair, where the rates would not fit — and the decisive votes are drawn so that
 * the left model's expected score, a tie counting half as in the leaderboard's fit, is its
 * Bradley–Terry probability: otherwise ties that ignore the ratings would pull every fitted
 * rating towards the middle. A noisy annotator's votes carry no information (probability ½).
 */
export function drawOutcome(left: number, right: number, rates: OutcomeRates, noisy: boolean, random: () => number): Outcome {
  const p = noisy ? 0.5 : winProbability(left, right);
  const undecided = rates.tie + rates.bothBad;
  const scale = undecided > 0 ? Math.min(1, (2 * Math.min(p, 1 - p)) / undecided) : 0;
  const u = random();
  if (u < rates.bothBad * scale) return "BOTH_BAD";
  if (u < undecided * scale) return "TIE";
  const decided = undecided * scale;
  return random() < (p - decided / 2) / (1 - decided) ? "LEFT" : "RIGHT";
}

/** The first `round(share × count)` annotators answer at random. */
export function isNoisy(annotatorIndex: number, count: number, share: number): boolean {
  return annotatorIndex < Math.round(share * count);
}

/** Which model (its place in the truth file) wrote a simulated answer: the simulated annotator reads it off the text it is shown. */
export function simulatedAuthor(answer: string): number {
  const match = /^Simulated answer (\d+) to question \d+\.$/.exec(answer);
  if (!match) throw new Error("not a simulated answer");
  return Number(match[1]) - 1;
}

/** Synthetic prompt ids sort as they are numbered (the simulator orders items by them). */
export function simulatedPromptId(index: number): string {
  return `sim-${String(index + 1).padStart(5, "0")}`;
}

/**
 * Texts that carry no model's name: an answer is numbered by the model's place in the truth
 * file, never by its name (a name in an answer would hold the pair back as an identity leak).
 */
export function simulatedTexts(index: number, modelIndex: number): { prompt: string; answer: string } {
  return {
    prompt: `Simulated question ${index + 1}.`,
    answer: `Simulated answer ${modelIndex + 1} to question ${index + 1}.`,
  };
}
