import type { Battle, Winner } from "./types";

export interface EloOptions {
  k?: number;
  scale?: number;
  base?: number;
  initial?: number;
}

/** What model_a scores in a battle: a win 1, a loss 0, a tie or both-bad 0.5. */
export function scoreOfA(winner: Winner): number {
  return winner === "model_a" ? 1 : winner === "model_b" ? 0 : 0.5;
}

/**
 * Online Elo over models numbered 0..n−1, fed one battle at a time in time order. The arithmetic
 * follows FastChat's compute_elo step for step, so results agree to floating-point precision.
 */
export class OnlineElo {
  readonly ratings: Float64Array;
  private readonly k: number;
  private readonly scale: number;
  private readonly base: number;

  constructor(modelCount: number, { k = 4, scale = 400, base = 10, initial = 1000 }: EloOptions = {}) {
    this.ratings = new Float64Array(modelCount).fill(initial);
    this.k = k;
    this.scale = scale;
    this.base = base;
  }

  /** Model `a` (shown first) against `b`, where a scored `scoreA` (1, 0.5 or 0). */
  update(a: number, b: number, scoreA: number): void {
    const ra = this.ratings[a];
    const rb = this.ratings[b];
    const ea = 1 / (1 + Math.pow(this.base, (rb - ra) / this.scale));
    const eb = 1 / (1 + Math.pow(this.base, (ra - rb) / this.scale));
    this.ratings[a] = ra + this.k * (scoreA - ea);
    this.ratings[b] = rb + this.k * (1 - scoreA - eb);
  }
}

/**
 * Chatbot Arena's online Elo: battles in the given (time) order, K = 4, scale 400, base 10,
 * start 1000; a tie or both-bad scores 0.5.
 */
export function onlineElo(battles: Iterable<Battle>, options: EloOptions = {}): Map<string, number> {
  const index = new Map<string, number>();
  const names: string[] = [];
  const indexOf = (name: string) => {
    let k = index.get(name);
    if (k === undefined) {
      k = names.length;
      index.set(name, k);
      names.push(name);
    }
    return k;
  };
  const sequence: number[] = [];
  for (const { modelA, modelB, winner } of battles) sequence.push(indexOf(modelA), indexOf(modelB), scoreOfA(winner));
  const elo = new OnlineElo(names.length, options);
  for (let i = 0; i < sequence.length; i += 3) elo.update(sequence[i], sequence[i + 1], sequence[i + 2]);
  return new Map(names.map((name, k) => [name, elo.ratings[k]]));
}
