import { describe, expect, it } from "vitest";
import { logFactorial, normal, seededRandom, Xoshiro128 } from "./random";

describe("seeded random numbers", () => {
  it("give the same sequence for a seed and stream on every machine and in every version (bootstrap intervals are reproducible)", () => {
    const draw = (random: () => number, count: number) => Array.from({ length: count }, () => random());
    expect(draw(seededRandom(42), 4)).toEqual([0.4450116863813076, 0.4220643342751953, 0.8124037616540145, 0.5297547790423337]);
    expect(draw(seededRandom(42, 1), 4)).toEqual([0.3506862492132298, 0.8373464174193793, 0.9695953502324561, 0.03574730755632205]);
    const bits = new Xoshiro128(7, 3);
    expect([bits.next32(), bits.next32(), bits.next32()]).toEqual([1024694016, 2606168816, 125940988]);
  });

  it("differ between seeds and between streams of one seed", () => {
    const first = (random: () => number) => random();
    expect(new Set([first(seededRandom(1)), first(seededRandom(2)), first(seededRandom(1, 1)), first(seededRandom(1, 2))]).size).toBe(4);
  });

  it("are uniform doubles in [0, 1) that use all 53 bits", () => {
    const random = seededRandom(2024);
    let sum = 0;
    let min = 1;
    let max = 0;
    let finerThan32Bits = 0;
    const draws = 100_000;
    for (let k = 0; k < draws; k++) {
      const u = random();
      sum += u;
      min = Math.min(min, u);
      max = Math.max(max, u);
      if ((u * 2 ** 32) % 1 !== 0) finerThan32Bits++;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(min).toBeLessThan(0.001);
    expect(max).toBeGreaterThan(0.999);
    expect(Math.abs(sum / draws - 0.5)).toBeLessThan(0.005);
    expect(finerThan32Bits).toBeGreaterThan(draws * 0.99);
  });

  it("normal draws have mean 0, variance 1 and the normal's share within one standard deviation", () => {
    const random = seededRandom(7);
    const draws = 200_000;
    let sum = 0;
    let squares = 0;
    let within = 0;
    for (let k = 0; k < draws; k++) {
      const z = normal(random);
      sum += z;
      squares += z * z;
      if (Math.abs(z) < 1) within++;
    }
    expect(Math.abs(sum / draws)).toBeLessThan(0.01);
    expect(Math.abs(squares / draws - 1)).toBeLessThan(0.02);
    expect(within / draws).toBeCloseTo(0.6827, 2);
  });
});

describe("logFactorial", () => {
  /** log(k!) summed exactly enough (Kahan), to compare Stirling's series with. */
  function summed(k: number): number {
    let sum = 0;
    let carry = 0;
    for (let i = 2; i <= k; i++) {
      const term = Math.log(i) - carry;
      const next = sum + term;
      carry = next - sum - term;
      sum = next;
    }
    return sum;
  }

  it("is exact for small k and agrees with the sum to 1e-11 beyond the table", () => {
    expect(logFactorial(0)).toBe(0);
    expect(logFactorial(1)).toBe(0);
    expect(logFactorial(5)).toBeCloseTo(Math.log(120), 14);
    expect(logFactorial(255)).toBeCloseTo(summed(255), 10);
    for (const k of [256, 257, 300, 1000]) expect(Math.abs(logFactorial(k) - summed(k)), `k = ${k}`).toBeLessThan(1e-11);
  });
});
