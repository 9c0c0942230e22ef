import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { simulateBattles } from "../../bench/ratings-data";
import { onlineElo } from "./elo";
import { quantileSorted } from "./bootstrap";
import { computeLeaderboard } from "./leaderboard";
import { normal, seededRandom } from "./random";
import type { Battle, Winner } from "./types";

const MODELS = ["m0", "m1", "m2", "m3", "m4"];
const battleArbitrary = fc
  .record({
    a: fc.integer({ min: 0, max: 4 }),
    offset: fc.integer({ min: 1, max: 4 }),
    winner: fc.constantFrom<Winner>("model_a", "model_b", "tie", "tie (bothbad)"),
  })
  .map(({ a, offset, winner }): Battle => ({ modelA: MODELS[a], modelB: MODELS[(a + offset) % 5], winner }));

const mirror = (b: Battle): Battle => ({
  modelA: b.modelB,
  modelB: b.modelA,
  winner: b.winner === "model_a" ? "model_b" : b.winner === "model_b" ? "model_a" : b.winner,
});

const ratingsOf = (board: Awaited<ReturnType<typeof computeLeaderboard>>) => new Map(board.models.map((r) => [r.model, r]));

describe("rating properties", () => {
  it("do not change when model_a and model_b are swapped with the winner mirrored", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(battleArbitrary, { minLength: 1, maxLength: 60 }), async (battles) => {
        const original = ratingsOf(await computeLeaderboard(battles, { rounds: 0 }));
        const swapped = ratingsOf(await computeLeaderboard(battles.map(mirror), { rounds: 0 }));
        for (const [model, row] of original) {
          const other = swapped.get(model)!;
          expect(Number.isFinite(row.rating)).toBe(true);
          expect(Math.abs(other.rating - row.rating)).toBeLessThan(1e-6);
          expect(Math.abs(other.onlineElo - row.onlineElo)).toBeLessThan(1e-9);
          expect(other.battles).toBe(row.battles);
        }
      }),
      { numRuns: 100, seed: 42 },
    );
  });

  it("shift every rating by the same amount when an anchor is fixed, and measure every interval from the anchor", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(battleArbitrary, { minLength: 10, maxLength: 60 }),
        fc.integer({ min: 500, max: 1500 }),
        async (battles, target) => {
          const anchorModel = battles[0].modelA;
          const freeBoard = await computeLeaderboard(battles, { rounds: 30, seed: 1 });
          const free = ratingsOf(freeBoard);
          const anchored = ratingsOf(
            await computeLeaderboard(battles, { rounds: 30, seed: 1, anchor: { model: anchorModel, rating: target } }),
          );
          const shift = target - free.get(anchorModel)!.rating;
          expect(anchored.get(anchorModel)!.rating).toBeCloseTo(target, 6);
          // As Chatbot Arena anchors: every bootstrap round is shifted so the anchor sits at its rating,
          // so the anchor's interval is the point itself and the others' are differences to it.
          expect(anchored.get(anchorModel)!.ciLow).toBeCloseTo(target, 6);
          expect(anchored.get(anchorModel)!.ciHigh).toBeCloseTo(target, 6);
          const m = freeBoard.modelOrder.length;
          const anchorIndex = freeBoard.modelOrder.indexOf(anchorModel);
          for (const [model, row] of free) {
            const moved = anchored.get(model)!;
            expect(moved.rating - row.rating).toBeCloseTo(shift, 6);
            expect(moved.rank).toBe(row.rank);
            const k = freeBoard.modelOrder.indexOf(model);
            const relative = Float64Array.from({ length: freeBoard.rounds }, (_, r) => {
              const round = freeBoard.bootstrapRatings.subarray(r * m, (r + 1) * m);
              return round[k] - round[anchorIndex] + target;
            }).sort();
            expect(moved.ciLow).toBeCloseTo(quantileSorted(relative, 0.025), 6);
            expect(moved.ciHigh).toBeCloseTo(quantileSorted(relative, 0.975), 6);
          }
        },
      ),
      { numRuns: 40, seed: 7 },
    );
  });

  it("never return NaN, even when a model never wins or groups never meet", async () => {
    const battles: Battle[] = [
      { modelA: "always-loses", modelB: "b", winner: "model_b" },
      { modelA: "b", modelB: "c", winner: "model_a" },
      { modelA: "c", modelB: "b", winner: "model_a" },
      { modelA: "island-1", modelB: "island-2", winner: "tie" },
    ];
    const board = await computeLeaderboard(battles, { rounds: 50 });
    expect(board.identifiable).toBe(false);
    for (const row of board.models) {
      for (const value of [row.rating, row.ciLow, row.ciHigh]) expect(Number.isFinite(value)).toBe(true);
    }
    const byModel = ratingsOf(board);
    expect(byModel.get("always-loses")!.rating).toBeLessThan(byModel.get("b")!.rating);
  });

  it("online Elo of a single win moves both models by the same amount in opposite directions", () => {
    const elo = onlineElo([{ modelA: "x", modelB: "y", winner: "model_a" }]);
    // The models seen, in order of first appearance, and nothing else.
    expect([...elo.keys()]).toEqual(["x", "y"]);
    expect(elo.get("x")).toBeCloseTo(1002, 12);
    expect(elo.get("y")).toBeCloseTo(998, 12);
  });
});

describe("bootstrap intervals in simulation", () => {
  const trueRatings = (seed: number, models: number) => {
    const random = seededRandom(seed, 77);
    return Array.from({ length: models }, () => 1000 + 120 * normal(random));
  };
  const noTies = (battles: Battle[]) => battles.filter((b) => b.winner === "model_a" || b.winner === "model_b");
  const meanWidth = (board: Awaited<ReturnType<typeof computeLeaderboard>>) =>
    board.models.reduce((sum, r) => sum + (r.ciHigh - r.ciLow), 0) / board.models.length;

  it("narrow when there are more votes from the same true ratings", async () => {
    for (const seed of [1, 2, 3]) {
      const truth = trueRatings(seed, 6);
      const few = simulateBattles({ votes: 600, models: 6, seed, trueRatings: truth });
      const many = simulateBattles({ votes: 2400, models: 6, seed: seed + 100, trueRatings: truth });
      const fewBoard = await computeLeaderboard(few.battles, { rounds: 300, seed });
      const manyBoard = await computeLeaderboard(many.battles, { rounds: 300, seed });
      expect(meanWidth(manyBoard)).toBeLessThan(meanWidth(fewBoard));
    }
  });

  it("cover the true ratings about 95% of the time over 200 simulated campaigns", async () => {
    let covered = 0;
    let intervals = 0;
    for (let campaign = 0; campaign < 200; campaign++) {
      const truth = trueRatings(campaign, 6);
      const mean = truth.reduce((a, b) => a + b, 0) / truth.length;
      // Ties are rated as half a win, which is the Bradley–Terry model only when ties carry no signal, so this simulation has none.
      const { battles } = simulateBattles({ votes: 1500, models: 6, seed: 10_000 + campaign, trueRatings: truth });
      const board = await computeLeaderboard(noTies(battles), { rounds: 400, seed: campaign });
      for (const row of board.models) {
        const index = Number(row.model.slice(-3));
        const centredTruth = truth[index] - mean + 1000;
        intervals += 1;
        if (row.ciLow <= centredTruth && centredTruth <= row.ciHigh) covered += 1;
      }
    }
    const coverage = covered / intervals;
    expect(coverage).toBeGreaterThanOrEqual(0.93);
    expect(coverage).toBeLessThanOrEqual(0.97);
  });
});
