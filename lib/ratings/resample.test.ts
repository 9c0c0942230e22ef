import { describe, expect, it } from "vitest";
import { logFactorial, Xoshiro128 } from "./random";
import { MultinomialResampler, poissonPtrs, poissonTable } from "./resample";

function moments(samples: number[]) {
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  const variance = samples.reduce((a, b) => a + (b - mean) ** 2, 0) / (samples.length - 1);
  return { mean, variance };
}

describe("Poisson draws", () => {
  it("a table's CDF rises to exactly 1 and covers the mean", () => {
    for (const lambda of [1, 7, 30, 256]) {
      const table = poissonTable(lambda);
      expect(table.cdf[table.cdf.length - 1]).toBe(1);
      expect(table.first).toBeLessThanOrEqual(lambda);
      expect(table.first + table.cdf.length - 1).toBeGreaterThan(lambda + 5 * Math.sqrt(lambda));
      for (let i = 1; i < table.cdf.length; i++) expect(table.cdf[i]).toBeGreaterThanOrEqual(table.cdf[i - 1]);
    }
  });

  it("PTRS has the Poisson mean and variance for large rates", () => {
    for (const lambda of [300, 5_000, 1_000_000]) {
      const random = new Xoshiro128(11, lambda);
      const draws = Array.from({ length: 40_000 }, () => poissonPtrs(lambda, random));
      const { mean, variance } = moments(draws);
      // Standard errors: √(λ/n) for the mean, ≈ λ·√(2/n) for the variance.
      expect(Math.abs(mean - lambda)).toBeLessThan(5 * Math.sqrt(lambda / draws.length));
      expect(Math.abs(variance - lambda)).toBeLessThan(5 * lambda * Math.sqrt(2 / draws.length));
    }
  });

  it("PTRS draws follow the exact Poisson probabilities (χ² test over every value within 4σ)", () => {
    // The quick acceptance, the squeeze and the exact test each cover part of the range: a wrong
    // constant in any of them moves probability between values without moving the mean much.
    for (const [lambda, seed] of [
      [300, 21],
      [3_000, 22],
    ]) {
      const random = new Xoshiro128(seed, 0);
      const draws = 400_000;
      const low = Math.floor(lambda - 4 * Math.sqrt(lambda));
      const high = Math.ceil(lambda + 4 * Math.sqrt(lambda));
      const seen = new Float64Array(high - low + 3); // below low, low … high, above high
      for (let n = 0; n < draws; n++) {
        const k = poissonPtrs(lambda, random);
        seen[k < low ? 0 : k > high ? seen.length - 1 : k - low + 1]++;
      }
      const pmf = (k: number) => Math.exp(-lambda + k * Math.log(lambda) - logFactorial(k));
      const expected = Float64Array.from(seen, (_, i) => (i === 0 || i === seen.length - 1 ? 0 : pmf(low + i - 1)));
      for (let k = 0; k < low; k++) expected[0] += pmf(k);
      expected[seen.length - 1] = 1 - expected.reduce((a, b) => a + b, 0);
      let chiSquare = 0;
      seen.forEach((count, i) => (chiSquare += (count - draws * expected[i]) ** 2 / (draws * expected[i])));
      // The 0.999 quantile of χ² with bins − 1 degrees of freedom (Wilson–Hilferty).
      const df = seen.length - 1;
      const limit = df * (1 - 2 / (9 * df) + 3.09 * Math.sqrt(2 / (9 * df))) ** 3;
      expect(chiSquare, `λ = ${lambda}`).toBeLessThan(limit);
    }
  });
});

describe("multinomial resampling", () => {
  const cells = Float64Array.from([0, 1, 3, 40, 255, 256, 257, 900, 12_000, 2]);
  const total = cells.reduce((a, b) => a + b, 0);

  it("every draw resamples exactly N votes, never into an empty cell", () => {
    const resampler = new MultinomialResampler(cells);
    const out = new Float64Array(cells.length);
    for (let round = 0; round < 500; round++) {
      resampler.draw(new Xoshiro128(1, round), out);
      expect(out.reduce((a, b) => a + b, 0)).toBe(total);
      expect(out[0]).toBe(0);
      for (const value of out) expect(Number.isInteger(value) && value >= 0).toBe(true);
    }
  });

  it("each cell has the multinomial mean N·p and variance N·p·(1−p), like conditional binomials", () => {
    const rounds = 20_000;
    const resampler = new MultinomialResampler(cells);
    const out = new Float64Array(cells.length);
    const reference = new Float64Array(cells.length);
    const perCell = Array.from(cells, () => [] as number[]);
    const referencePerCell = Array.from(cells, () => [] as number[]);
    for (let round = 0; round < rounds; round++) {
      resampler.draw(new Xoshiro128(5, round), out);
      multinomial(new Xoshiro128(6, round), total, cells, total, reference);
      out.forEach((value, i) => perCell[i].push(value));
      reference.forEach((value, i) => referencePerCell[i].push(value));
    }
    cells.forEach((count, i) => {
      const p = count / total;
      const { mean, variance } = moments(perCell[i]);
      const expectedVariance = total * p * (1 - p);
      expect(Math.abs(mean - total * p)).toBeLessThanOrEqual(5 * Math.sqrt(expectedVariance / rounds) + 1e-9);
      if (count > 0) expect(Math.abs(variance / expectedVariance - 1)).toBeLessThan(0.06);
      // The two samplers agree on the spread, too (a Poisson draw alone would give variance N·p).
      if (count > 0) expect(Math.abs(variance / moments(referencePerCell[i]).variance - 1)).toBeLessThan(0.08);
    });
  });

  it("draws from a tiny campaign follow the exact multinomial distribution (χ² test)", () => {
    // Three cells with 1, 1 and 2 votes: N = 4, 15 possible outcomes with known probabilities.
    const small = Float64Array.from([1, 1, 2]);
    const p = [0.25, 0.25, 0.5];
    const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));
    const rounds = 60_000;
    const seen = new Map<string, number>();
    const resampler = new MultinomialResampler(small);
    const out = new Float64Array(3);
    for (let round = 0; round < rounds; round++) {
      resampler.draw(new Xoshiro128(9, round), out);
      const key = out.join(",");
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    let chiSquare = 0;
    let outcomes = 0;
    for (let a = 0; a <= 4; a++) {
      for (let b = 0; a + b <= 4; b++) {
        const c = 4 - a - b;
        const probability = (factorial(4) / (factorial(a) * factorial(b) * factorial(c))) * p[0] ** a * p[1] ** b * p[2] ** c;
        const expected = probability * rounds;
        chiSquare += ((seen.get(`${a},${b},${c}`) ?? 0) - expected) ** 2 / expected;
        outcomes++;
      }
    }
    expect(outcomes).toBe(15);
    expect([...seen.keys()].every((key) => key.split(",").reduce((s, v) => s + Number(v), 0) === 4)).toBe(true);
    // 14 degrees of freedom: the 0.999 quantile of χ² is 36.1.
    expect(chiSquare).toBeLessThan(36.1);
  });

  it("the same seed and round give the same draw", () => {
    const a = new Float64Array(cells.length);
    const b = new Float64Array(cells.length);
    new MultinomialResampler(cells).draw(new Xoshiro128(3, 17), a);
    new MultinomialResampler(cells).draw(new Xoshiro128(3, 17), b);
    expect(Array.from(a)).toEqual(Array.from(b));
  });
});

// The reference the resampler is held to: the conditional-binomial multinomial the bootstrap drew
// with before (exact, but one binomial draw per cell per round).

/**
 * An exact Binomial(n, p) draw: inversion when n·p is small, otherwise Hörmann's BTRS
 * transformed rejection, which needs O(1) uniforms whatever n is.
 */
function binomial(random: Xoshiro128, n: number, p: number): number {
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
function multinomial(random: Xoshiro128, n: number, counts: Float64Array, total: number, out: Float64Array): void {
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
