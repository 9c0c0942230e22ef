import { describe, expect, it } from "vitest";
import { seededRandom } from "@/lib/ratings/random";
import { MemoryScheduler } from "./memory-scheduler";
import type { NextPair } from "./study";

// The equivalence with the database's scheduler is tested in simulation.test.ts; this is the one
// claim no seeded study there happens to reach.
describe("the in-memory scheduler's balanced claim", () => {
  it("hands an annotator who has had every least-loaded item one of the busier items, and each item once", () => {
    const scheduler = new MemoryScheduler({
      modelIds: ["a", "b"],
      prompts: 3,
      strategy: "BALANCED",
      targetVotesPerItem: 10,
      dailyCap: null,
      seed: 7,
      planKey: "memory-scheduler-test",
    });
    const random = seededRandom(1, 0);
    const now = new Date(0);
    const claim = (annotator: number): NextPair => {
      const next = scheduler.nextSync(annotator, now, random);
      if (next.status === "assigned") scheduler.voteSync(annotator, next.pair, "LEFT", now);
      return next;
    };
    // Three items of one pair. 0, 1, 2 take one each; 1 and 2 take a second, leaving the only item
    // at the lowest load (1) with annotator 2, who already had it.
    for (const annotator of [0, 1, 2, 1, 2]) expect(claim(annotator).status).toBe("assigned");
    expect(claim(2).status).toBe("assigned");
    expect(claim(2).status).toBe("done");
    expect(scheduler.tallies()).toEqual([{ low: "0", high: "1", votes: 6, winsLow: expect.any(Number), winsHigh: expect.any(Number) }]);
  });
});
