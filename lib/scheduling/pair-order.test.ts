import { describe, expect, it } from "vitest";
import { seededRandom } from "@/lib/ratings/random";
import { orderByUncertainty, type PairRow } from "./pair-order";
import { activePlan, pairKey } from "./settle-plan";

/**
 * Which pair active sampling tries first, once the campaign has a plan: drawn in proportion to
 * (worth³ + 0.001) × 3 for an unsettled adjacent pair, where worth is the pair's priority scaled to
 * the most valuable (lib/ratings/pair-priority.ts). The shares of first picks over many draws are
 * checked against those weights, so a change of the power or of the boost shows (the floor is too
 * small to see here).
 */

/**
 * Three models close together: the plan finds x|y and y|z unsettled, y|z the most valuable pair,
 * x|z next (0.88 of it) and x|y worth a third — so the power and the boost both move the shares.
 */
const PAIRS: PairRow[] = [
  { lowModelId: "x", highModelId: "y", votes: 100, winsLow: 52, winsHigh: 48 },
  { lowModelId: "y", highModelId: "z", votes: 30, winsLow: 18, winsHigh: 12 },
  { lowModelId: "x", highModelId: "z", votes: 30, winsLow: 20, winsHigh: 10 },
];

describe("active sampling's first pick", () => {
  it("follows the cube of each pair's worth, with the floor and three times the weight for unsettled neighbours", () => {
    const plan = activePlan("pair-order-shares", PAIRS);
    expect(plan.priority).not.toBeNull();
    const weight = (pair: PairRow) => {
      const key = pairKey(pair.lowModelId, pair.highModelId);
      return (plan.priority!.get(key)! ** 3 + 1e-3) * (plan.unsettled.has(key) ? 3 : 1);
    };
    const total = PAIRS.reduce((sum, pair) => sum + weight(pair), 0);
    const expected = PAIRS.map((pair) => weight(pair) / total);
    expect([...plan.unsettled].sort()).toEqual([pairKey("x", "y"), pairKey("y", "z")]);
    // The power matters here: with the worth as it is, the shares would differ by far more than the tolerance.
    const linear = PAIRS.map((pair) => {
      const key = pairKey(pair.lowModelId, pair.highModelId);
      return (plan.priority!.get(key)! + 1e-3) * (plan.unsettled.has(key) ? 3 : 1);
    });
    const linearShares = linear.map((w) => w / linear.reduce((a, b) => a + b, 0));
    expect(Math.max(...expected.map((share, i) => Math.abs(share - linearShares[i])))).toBeGreaterThan(0.05);

    const random = seededRandom(7);
    const draws = 20_000;
    const first = new Map<string, number>();
    for (let i = 0; i < draws; i++) {
      const [pick] = orderByUncertainty("pair-order-shares", PAIRS, random, 1);
      const key = pairKey(pick.low, pick.high);
      first.set(key, (first.get(key) ?? 0) + 1);
    }
    // 20,000 draws: a share's standard error is at most 0.0035; 0.015 is over four of them.
    PAIRS.forEach((pair, i) => {
      expect(Math.abs((first.get(pairKey(pair.lowModelId, pair.highModelId)) ?? 0) / draws - expected[i])).toBeLessThan(0.015);
    });
  });
});
