import { logFactorial, type Xoshiro128 } from "./random";

/**
 * Multinomial(N, counts / N) draws over fixed cells, N = Σ counts: the bootstrap's resample of N
 * votes with replacement, counted per cell. Drawn exactly, and several times faster than one
 * conditional binomial per cell:
 *
 * 1. each cell gets an independent Poisson(countᵢ) draw, the counts of a Poisson process with
 *    total rate N; given their sum S = s they are Multinomial(s, p);
 * 2. if s > N, s − N of those s draws are removed uniformly without replacement (what remains is
 *    N of s independent draws: Multinomial(N, p)); if s < N, N − s more independent draws are
 *    added. Either way the result is Multinomial(N, p) for every s, hence unconditionally.
 *
 * The cell rates never change between rounds, so each Poisson draw is one uniform number and a
 * lookup in a table made once per distinct small rate (a guide table points into its CDF);
 * rates above TABLE_MAX use Hörmann's PTRS rejection sampler. |s − N| is about √N, so step 2
 * costs ~√N·log(cells) per round.
 */

const TABLE_MAX = 256;
const GUIDE = 64;

interface PoissonTable {
  /** Smallest value with non-negligible probability. */
  first: number;
  /** CDF at first, first + 1, …; the last entry is 1. */
  cdf: Float64Array;
  /** guide[g]: index of the first CDF entry above g / GUIDE. */
  guide: Int32Array;
}

/** The CDF of Poisson(λ) over the values whose probability double precision can tell from zero. */
export function poissonTable(lambda: number): PoissonTable {
  const mode = Math.floor(lambda);
  const logAt = (k: number) => -lambda + k * Math.log(lambda) - logFactorial(k);
  const tiny = -40; // e^-40 ≈ 4e-18: below what a 53-bit uniform can land on
  let first = mode;
  while (first > 0 && logAt(first - 1) > tiny) first--;
  let last = mode;
  while (logAt(last + 1) > tiny) last++;
  const cdf = new Float64Array(last - first + 1);
  let sum = 0;
  for (let k = first; k <= last; k++) {
    sum += Math.exp(logAt(k));
    cdf[k - first] = sum;
  }
  // The tails left out weigh less than 1e-16; spread the difference so the table ends at exactly 1.
  for (let i = 0; i < cdf.length; i++) cdf[i] /= sum;
  cdf[cdf.length - 1] = 1;
  const guide = new Int32Array(GUIDE);
  let index = 0;
  for (let g = 0; g < GUIDE; g++) {
    while (cdf[index] <= g / GUIDE) index++;
    guide[g] = index;
  }
  return { first, cdf, guide };
}

function drawFromTable(table: PoissonTable, random: Xoshiro128): number {
  const u = random.uniform();
  let index = table.guide[Math.floor(u * GUIDE)];
  while (table.cdf[index] <= u) index++;
  return table.first + index;
}

/** Hörmann's PTRS (1993), as numpy draws Poisson for λ ≥ 10. */
export function poissonPtrs(lambda: number, random: Xoshiro128): number {
  const slam = Math.sqrt(lambda);
  const logLambda = Math.log(lambda);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = random.uniform() - 0.5;
    const v = random.uniform();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <= -lambda + k * logLambda - logFactorial(k)) return k;
  }
}

export class MultinomialResampler {
  private readonly counts: Float64Array;
  private readonly total: number;
  private readonly tables: (PoissonTable | null)[];
  /** Running sums of the counts, for adding draws from the original shares. */
  private readonly cumulative: Float64Array;
  /** A Fenwick tree over the current draw, for removing draws uniformly. */
  private readonly tree: Float64Array;
  private readonly topBit: number;

  /** `counts` are non-negative integers (votes per cell). */
  constructor(counts: Float64Array) {
    this.counts = counts;
    const byRate = new Map<number, PoissonTable>();
    this.tables = Array.from(counts, (count) => {
      if (count <= 0 || count > TABLE_MAX) return null;
      let table = byRate.get(count);
      if (!table) byRate.set(count, (table = poissonTable(count)));
      return table;
    });
    this.cumulative = new Float64Array(counts.length);
    let sum = 0;
    for (let i = 0; i < counts.length; i++) this.cumulative[i] = sum += counts[i];
    this.total = sum;
    this.tree = new Float64Array(counts.length + 1);
    let bit = 1;
    while (bit * 2 <= counts.length) bit *= 2;
    this.topBit = bit;
  }

  /** Fills `out` (one entry per cell) with a Multinomial(N, counts / N) draw. */
  draw(random: Xoshiro128, out: Float64Array): void {
    const n = this.counts.length;
    let drawn = 0;
    for (let i = 0; i < n; i++) {
      const count = this.counts[i];
      const table = this.tables[i];
      const x = count <= 0 ? 0 : table ? drawFromTable(table, random) : poissonPtrs(count, random);
      out[i] = x;
      drawn += x;
    }
    if (drawn > this.total) this.removeUniformly(drawn - this.total, drawn, random, out);
    for (let extra = this.total - drawn; extra > 0; extra--) out[this.cellOfShare(Math.floor(random.uniform() * this.total))]++;
  }

  /** The cell holding the r-th of the original votes (0-based), by binary search of the running sums. */
  private cellOfShare(r: number): number {
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.cumulative[middle] > r) high = middle;
      else low = middle + 1;
    }
    return low;
  }

  private removeUniformly(count: number, drawn: number, random: Xoshiro128, out: Float64Array): void {
    const tree = this.tree;
    const n = out.length;
    tree.fill(0);
    for (let i = 1; i <= n; i++) {
      tree[i] += out[i - 1];
      const parent = i + (i & -i);
      if (parent <= n) tree[parent] += tree[i];
    }
    let remaining = drawn;
    for (let removed = 0; removed < count; removed++) {
      // The cell of the r-th remaining draw: descend the tree by powers of two.
      let r = Math.floor(random.uniform() * remaining);
      let position = 0;
      for (let bit = this.topBit; bit > 0; bit >>= 1) {
        const next = position + bit;
        if (next <= n && tree[next] <= r) {
          position = next;
          r -= tree[next];
        }
      }
      out[position]--;
      for (let i = position + 1; i <= n; i += i & -i) tree[i]--;
      remaining--;
    }
  }
}
