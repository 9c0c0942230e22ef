import { describe, expect, it } from "vitest";
import { multinomial, Xoshiro128 } from "./random";
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
