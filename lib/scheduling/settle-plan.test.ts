import { describe, expect, it } from "vitest";
import type { PairTally } from "@/lib/ratings/planning";
import { pairKey, unsettledPairs } from "./settle-plan";

/** x ahead of y after `xy` votes (26:14 per 40), y far ahead of z. */
function tallies(xy: number, yz = 200): PairTally[] {
  return [
    { low: "x", high: "y", votes: xy, winsLow: Math.round((xy * 26) / 40), winsHigh: xy - Math.round((xy * 26) / 40) },
    { low: "y", high: "z", votes: yz, winsLow: Math.round(yz * 0.9), winsHigh: yz - Math.round(yz * 0.9) },
    { low: "x", high: "z", votes: 10, winsLow: 9, winsHigh: 1 },
  ];
}

describe("the active sampler's plan", () => {
  it("names the adjacent pairs still to settle, by their ids", () => {
    expect([...unsettledPairs("plan-names", tallies(40))]).toEqual([pairKey("x", "y")]);
  });

  it("is kept until the campaign's votes grow by 20, or by 2% once there are more than a thousand", () => {
    const first = unsettledPairs("plan-small", tallies(40));
    expect(unsettledPairs("plan-small", tallies(40))).toBe(first);
    // 19 more votes: the same plan; 20 more: a new one.
    expect(unsettledPairs("plan-small", tallies(59))).toBe(first);
    const second = unsettledPairs("plan-small", tallies(60));
    expect(second).not.toBe(first);
    expect(unsettledPairs("plan-small", tallies(60))).toBe(second);
    // 2,250 votes: 44 more keep the plan (2% is 45), 45 more make a new one.
    const large = unsettledPairs("plan-large", tallies(40, 2200));
    expect(unsettledPairs("plan-large", tallies(84, 2200))).toBe(large);
    expect(unsettledPairs("plan-large", tallies(85, 2200))).not.toBe(large);
  });

  it("keeps the plans of the 500 campaigns asked about last", () => {
    const oldest = unsettledPairs("plan-evicted-0", tallies(40));
    const second = unsettledPairs("plan-evicted-1", tallies(40));
    for (let k = 2; k <= 500; k++) unsettledPairs(`plan-evicted-${k}`, tallies(40));
    // 501 asked about: the first is gone, the second kept.
    expect(unsettledPairs("plan-evicted-1", tallies(40))).toBe(second);
    expect(unsettledPairs("plan-evicted-0", tallies(40))).not.toBe(oldest);
  });
});
