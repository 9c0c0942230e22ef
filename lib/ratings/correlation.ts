import { quantileSorted } from "./bootstrap";

/** Pearson's r; NaN when either side is constant or fewer than two values. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (n < 2) return NaN;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? NaN : sxy / Math.sqrt(sxx * syy);
}

/** Ranks 1..n with ties given their average rank (as scipy.stats.rankdata). */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(n);
  for (let start = 0; start < n;) {
    let end = start;
    while (end + 1 < n && values[order[end + 1]] === values[order[start]]) end++;
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) ranks[order[k]] = rank;
    start = end + 1;
  }
  return ranks;
}

/** Spearman's ρ: Pearson's r of the average ranks. */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  return pearson(averageRanks(x), averageRanks(y));
}

/** Kendall's τ-b, which corrects for ties on either side (as scipy.stats.kendalltau). */
export function kendallTauB(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let concordant = 0;
  let discordant = 0;
  let tiesX = 0;
  let tiesY = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = Math.sign(x[i] - x[j]);
      const dy = Math.sign(y[i] - y[j]);
      if (dx === 0 && dy === 0) continue;
      if (dx === 0) tiesX++;
      else if (dy === 0) tiesY++;
      else if (dx === dy) concordant++;
      else discordant++;
    }
  }
  const denominator = Math.sqrt((concordant + discordant + tiesX) * (concordant + discordant + tiesY));
  return denominator === 0 ? NaN : (concordant - discordant) / denominator;
}

export interface Interval {
  value: number;
  low: number;
  high: number;
}

export interface BenchmarkCorrelation {
  benchmark: string;
  /** Models with both a rating and a score. */
  models: number;
  spearman: Interval;
  kendall: Interval;
  pearson: Interval;
}

/**
 * Correlations between ratings and one benchmark's scores over the models present in both.
 * The 95% intervals recompute each coefficient on every bootstrap round's ratings, so they carry
 * the uncertainty of the human ratings (benchmark scores are taken as exact). Scores where lower
 * is better are negated so that a positive coefficient always means agreement.
 */
export function correlateWithBenchmark(input: {
  benchmark: string;
  modelOrder: string[];
  ratings: ArrayLike<number>;
  /** Round × model bootstrap ratings in `modelOrder`; may be empty. */
  bootstrapRatings: Float64Array;
  scores: Map<string, number>;
  higherIsBetter?: boolean;
}): BenchmarkCorrelation {
  const { modelOrder, ratings, bootstrapRatings, scores, higherIsBetter = true } = input;
  const used = modelOrder.map((model, index) => ({ model, index })).filter(({ model }) => Number.isFinite(scores.get(model)));
  const y = Float64Array.from(used, ({ model }) => (higherIsBetter ? 1 : -1) * scores.get(model)!);
  const pick = (source: ArrayLike<number>, offset: number) => Float64Array.from(used, ({ index }) => source[offset + index]);
  const point = pick(ratings, 0);
  const m = modelOrder.length;
  const rounds = m > 0 ? bootstrapRatings.length / m : 0;
  const measures = { spearman, kendall: kendallTauB, pearson } as const;
  const result = { benchmark: input.benchmark, models: used.length } as BenchmarkCorrelation;
  for (const [name, measure] of Object.entries(measures) as [
    keyof typeof measures,
    (a: ArrayLike<number>, b: ArrayLike<number>) => number,
  ][]) {
    const samples: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const value = measure(pick(bootstrapRatings, r * m), y);
      if (!Number.isNaN(value)) samples.push(value);
    }
    samples.sort((a, b) => a - b);
    const value = measure(point, y);
    result[name] = {
      value,
      low: samples.length ? quantileSorted(samples, 0.025) : value,
      high: samples.length ? quantileSorted(samples, 0.975) : value,
    };
  }
  return result;
}
