import type { Battle } from "./types";

export interface EloOptions {
  k?: number;
  scale?: number;
  base?: number;
  initial?: number;
}

/**
 * Chatbot Arena's online Elo: battles in the given (time) order, K = 4, scale 400, base 10,
 * start 1000; a tie or both-bad scores 0.5. The arithmetic follows FastChat's compute_elo step
 * for step, so results agree to floating-point precision.
 */
export function onlineElo(battles: Iterable<Battle>, options: EloOptions = {}): Map<string, number> {
  const { k = 4, scale = 400, base = 10, initial = 1000 } = options;
  const rating = new Map<string, number>();
  for (const { modelA, modelB, winner } of battles) {
    const ra = rating.get(modelA) ?? initial;
    const rb = rating.get(modelB) ?? initial;
    const ea = 1 / (1 + Math.pow(base, (rb - ra) / scale));
    const eb = 1 / (1 + Math.pow(base, (ra - rb) / scale));
    const sa = winner === "model_a" ? 1 : winner === "model_b" ? 0 : 0.5;
    rating.set(modelA, ra + k * (sa - ea));
    rating.set(modelB, rb + k * (1 - sa - eb));
  }
  return rating;
}
