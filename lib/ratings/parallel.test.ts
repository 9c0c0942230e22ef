import { describe, expect, it } from "vitest";
import { pairCounts } from "@/lib/testing/pair-counts";
import { bootstrapThetas } from "./bootstrap";
import { fitBradleyTerry, pairWeights } from "./bradley-terry";
import { bootstrapThetasParallel } from "./parallel";

describe("the bootstrap on worker threads", () => {
  const counts = pairCounts(3, [
    [0, 1, 12, 8, 3],
    [1, 2, 9, 6, 2],
    [0, 2, 14, 5, 1],
  ]);
  const input = { counts, fit: fitBradleyTerry(pairWeights(counts)), seed: 4, fromRound: 3, toRound: 10 };

  it("gives exactly the rounds one thread gives, however the rounds are split", async () => {
    const single = Array.from(bootstrapThetas(input));
    expect(Array.from(await bootstrapThetasParallel(input, 3, { minWork: 0 }))).toEqual(single);
    expect(Array.from(await bootstrapThetasParallel(input, 2, { minWork: 0 }))).toEqual(single);
    // More threads than rounds: one round each.
    expect(Array.from(await bootstrapThetasParallel({ ...input, fromRound: 0, toRound: 2 }, 4, { minWork: 0 }))).toEqual(
      Array.from(bootstrapThetas({ ...input, fromRound: 0, toRound: 2 })),
    );
  });

  it("stays on this thread for little work", async () => {
    expect(Array.from(await bootstrapThetasParallel(input, 4))).toEqual(Array.from(bootstrapThetas(input)));
    expect(Array.from(await bootstrapThetasParallel({ ...input, toRound: 4 }, 4, { minWork: 0 }))).toEqual(
      Array.from(bootstrapThetas({ ...input, toRound: 4 })),
    );
  });

  it("starts one thread per part: as many as asked, never more than rounds, none for one round or less work than the floor", async () => {
    // The answers are the same either way (above), so what is counted is the threads started.
    const threadsStarted = async (run: () => Promise<Float64Array>) => {
      let started = 0;
      const count = () => started++;
      process.on("worker", count);
      try {
        await run();
      } finally {
        process.off("worker", count);
      }
      return started;
    };
    // 7 rounds × max(3 pairs, 3² cells) = 63 units of work.
    expect(await threadsStarted(() => bootstrapThetasParallel(input, 3, { minWork: 63 }))).toBe(3);
    expect(await threadsStarted(() => bootstrapThetasParallel(input, 3, { minWork: 64 }))).toBe(0);
    expect(await threadsStarted(() => bootstrapThetasParallel({ ...input, fromRound: 0, toRound: 2 }, 4, { minWork: 0 }))).toBe(2);
    expect(await threadsStarted(() => bootstrapThetasParallel({ ...input, fromRound: 0, toRound: 1 }, 4, { minWork: 0 }))).toBe(0);
  });

  it("rejects when a worker fails instead of waiting forever", async () => {
    const broken = { ...input, fit: undefined as unknown as typeof input.fit };
    await expect(bootstrapThetasParallel(broken, 2, { minWork: 0 })).rejects.toThrow();
  });
});
