import type { Random } from "./types";

/** splitmix32: turns any 32-bit seed into well-mixed state words. */
function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * xoshiro128** seeded from `seed` and a stream number. A class rather than a closure: the
 * bootstrap draws tens of millions of numbers, and V8 inlines method calls on one shape.
 */
export class Xoshiro128 {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream = 0) {
    const mix = splitmix32((Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca77)) >>> 0);
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix();
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** The next 32 random bits as an unsigned integer. */
  next32(): number {
    const b = this.b;
    const x = Math.imul(b, 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
    const t = b << 9;
    const c = this.c ^ this.a;
    const d = this.d ^ b;
    this.b = b ^ c;
    this.a = this.a ^ d;
    this.c = c ^ t;
    this.d = (d << 11) | (d >>> 21);
    return result;
  }

  /** A double in [0, 1) with 53 random bits. */
  uniform(): number {
    return ((this.next32() >>> 5) * 67108864 + (this.next32() >>> 6)) / 9007199254740992;
  }
}

/** A seeded uniform source (xoshiro128**, 53-bit doubles) for code that takes a plain function. */
export function seededRandom(seed: number, stream = 0): Random {
  const generator = new Xoshiro128(seed, stream);
  return () => generator.uniform();
}

/** A standard normal draw (Box–Muller). */
export function normal(random: Random): number {
  let u = 0;
  while (u === 0) u = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

const LOG_FACTORIAL_TABLE = (() => {
  const table = new Float64Array(256);
  for (let k = 1; k < 256; k++) table[k] = table[k - 1] + Math.log(k);
  return table;
})();

/** log(k!) exactly from a table for small k, by Stirling's series beyond. */
export function logFactorial(k: number): number {
  if (k < 256) return LOG_FACTORIAL_TABLE[k];
  const inv = 1 / (k + 1);
  const inv2 = inv * inv;
  return (k + 0.5) * Math.log(k + 1) - (k + 1) + 0.9189385332046728 + inv * (1 / 12 - inv2 * (1 / 360 - inv2 / 1260));
}

/**
 * An exact Binomial(n, p) draw: inversion when n·p is small, otherwise Hörmann's BTRS
 * transformed rejection, which needs O(1) uniforms whatever n is.
 */
export function binomial(random: Xoshiro128, n: number, p: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomial(random, n, 1 - p);
  if (n * p < 10) return binomialInversion(random, n, p);
  return binomialBtrs(random, n, p);
}

function binomialInversion(random: Xoshiro128, n: number, p: number): number {
  const q = 1 - p;
  const s = p / q;
  const a = (n + 1) * s;
  for (;;) {
    let r = Math.pow(q, n);
    let u = random.uniform();
    let x = 0;
    while (u > r) {
      u -= r;
      x += 1;
      if (x > n) break;
      r *= a / x - s;
    }
    if (x <= n) return x;
  }
}

function binomialBtrs(random: Xoshiro128, n: number, p: number): number {
  const spq = Math.sqrt(n * p * (1 - p));
  const b = 1.15 + 2.53 * spq;
  const a = -0.0873 + 0.0248 * b + 0.01 * p;
  const c = n * p + 0.5;
  const vr = 0.92 - 4.2 / b;
  // The constants of the exact test are needed only for the ~14% of draws the quick test cannot accept.
  let alpha = 0;
  let lpq = 0;
  let m = 0;
  let h = 0;
  for (;;) {
    const u = random.uniform() - 0.5;
    const v = random.uniform();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + c);
    if (k < 0 || k > n) continue;
    if (us >= 0.07 && v <= vr) return k;
    if (alpha === 0) {
      alpha = (2.83 + 5.1 / b) * spq;
      lpq = Math.log(p / (1 - p));
      m = Math.floor((n + 1) * p);
      h = logFactorial(m) + logFactorial(n - m);
    }
    const lhs = Math.log((v * alpha) / (a / (us * us) + b));
    const rhs = h - logFactorial(k) - logFactorial(n - k) + (k - m) * lpq;
    if (lhs <= rhs) return k;
  }
}

/**
 * Fills `out` with a Multinomial(n, counts / total) draw by conditional binomials: the same
 * distribution as drawing n of the `total` counted items with replacement and counting per cell.
 * Cell sizes are integers, so the conditional probabilities are exact.
 */
export function multinomial(random: Xoshiro128, n: number, counts: Float64Array, total: number, out: Float64Array): void {
  let remainingN = n;
  let remainingCount = total;
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i];
    if (remainingN === 0 || count <= 0) {
      out[i] = 0;
    } else if (count >= remainingCount) {
      out[i] = remainingN;
      remainingN = 0;
    } else {
      const draw = binomial(random, remainingN, count / remainingCount);
      out[i] = draw;
      remainingN -= draw;
    }
    remainingCount -= count;
  }
}
