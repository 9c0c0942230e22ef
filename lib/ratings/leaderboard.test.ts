import { describe, expect, it } from "vitest";
import { bootstrapThetas } from "./bootstrap";
import { aggregateBattles } from "./aggregate";
import { computeLeaderboard, fitLeaderboard, ratingsJson } from "./leaderboard";
import type { Battle, Winner } from "./types";

/** `count` battles of a against b with one winner. */
const battles = (a: string, b: string, winner: Winner, count: number): Battle[] =>
  Array.from({ length: count }, () => ({ modelA: a, modelB: b, winner }));

// b > a > c clearly; "z" plays only c: mostly ties, both-bad four times, and loses twice.
const votes = [
  ...battles("a", "b", "model_b", 30),
  ...battles("a", "b", "model_a", 10),
  ...battles("a", "c", "model_a", 30),
  ...battles("c", "a", "model_a", 10),
  ...battles("b", "c", "model_a", 35),
  ...battles("b", "c", "model_b", 5),
  ...battles("c", "z", "tie", 6),
  ...battles("z", "c", "tie (bothbad)", 4),
  ...battles("z", "c", "model_b", 2),
];

describe("the leaderboard", () => {
  it("ranks best first, counts battles, and gives the point rating as its own interval without bootstrap rounds", async () => {
    const board = await computeLeaderboard(votes, { rounds: 0 });
    expect(board.models.map((row) => row.model)).toEqual(["b", "a", "c", "z"]);
    expect(board.models.map((row) => row.rank)).toEqual([1, 2, 3, 4]);
    expect(board.models.map((row) => row.battles)).toEqual([80, 80, 92, 12]);
    expect(board.votes).toBe(votes.length);
    expect(board.rounds).toBe(0);
    expect(board.bootstrapRatings).toHaveLength(0);
    for (const row of board.models) expect([row.ciLow, row.ciHigh]).toEqual([row.rating, row.rating]);
    // With point intervals a model is never above itself.
    expect(board.models.map((row) => row.rankUpperBound)).toEqual([1, 2, 3, 4]);
    // Ratings average 1000.
    expect(board.models.reduce((sum, row) => sum + row.rating, 0) / 4).toBeCloseTo(1000, 9);
  });

  it("gives each model's rank upper bound from the intervals: models whose whole interval is above its own", async () => {
    const board = await computeLeaderboard(votes, { rounds: 200, seed: 3 });
    const byModel = new Map(board.models.map((row) => [row.model, row]));
    for (const row of board.models) {
      const above = board.models.filter((other) => other.ciLow > row.ciHigh).length;
      expect(row.rankUpperBound, row.model).toBe(1 + above);
      expect(row.ciLow).toBeLessThan(row.rating);
      expect(row.ciHigh).toBeGreaterThan(row.rating);
    }
    expect(byModel.get("b")!.rankUpperBound).toBe(1);
    expect(byModel.get("z")!.rankUpperBound).toBeGreaterThan(1);
    expect(board.bootstrapRatings).toHaveLength(200 * 4);
  });

  it("shares a rank between equal ratings and lists them by name", async () => {
    const board = await computeLeaderboard(
      [...battles("q", "p", "tie", 4), ...battles("r", "p", "model_b", 2), ...battles("r", "q", "model_b", 2)],
      {
        rounds: 0,
      },
    );
    expect(board.models.map((row) => [row.model, row.rank])).toEqual([
      ["p", 1],
      ["q", 1],
      ["r", 3],
    ]);
  });

  it("puts an anchor model at its rating, and refuses an anchor that never played", async () => {
    const board = await computeLeaderboard(votes, { rounds: 20, anchor: { model: "a", rating: 1200 } });
    const a = board.models.find((row) => row.model === "a")!;
    expect(a.rating).toBeCloseTo(1200, 9);
    await expect(computeLeaderboard(votes, { rounds: 0, anchor: { model: "nobody", rating: 1000 } })).rejects.toThrow(
      'The anchor model "nobody" has no battles.',
    );
  });

  it("leaves both-bad votes out of the fit when asked", async () => {
    const withBothBad = await computeLeaderboard(votes, { rounds: 0 });
    const without = await computeLeaderboard(votes, { rounds: 0, excludeBothBad: true });
    const rating = (board: typeof without, model: string) => board.models.find((row) => row.model === model)!.rating;
    expect(rating(without, "z")).not.toBeCloseTo(rating(withBothBad, "z"), 3);
  });

  it("finds drop-k robustness, with the models' names, only when asked", async () => {
    const counts = aggregateBattles(votes);
    expect("robustness" in (await fitLeaderboard(counts, new Map(), { rounds: 0 }))).toBe(false);
    const fit = await fitLeaderboard(counts, new Map(), { rounds: 0, robustness: true });
    expect(fit.robustness!.pairs.map((pair) => [pair.upper, pair.lower])).toEqual([
      ["b", "a"],
      ["a", "c"],
      ["c", "z"],
    ]);
  });

  it("runs the bootstrap it is given, over the canonical counts, and prints the commands' JSON contract", async () => {
    const calls: number[] = [];
    const board = await computeLeaderboard(votes, {
      rounds: 5,
      seed: 9,
      runBootstrap: (input) => {
        calls.push(input.toRound - input.fromRound);
        return bootstrapThetas(input);
      },
    });
    expect(calls).toEqual([5]);
    const printed = ratingsJson(board);
    expect(printed.votes).toBe(votes.length);
    expect(printed.rounds).toBe(5);
    expect(Object.keys(printed)).toEqual(["votes", "rounds", "models"]);
    expect(printed.models.map((row) => row.model)).toEqual(board.models.map((row) => row.model));
    printed.models.forEach((row, i) => {
      // The contract's keys, in this order, each carrying the board's own value.
      expect(Object.keys(row)).toEqual(["model", "rating", "ciLow", "ciHigh", "onlineElo", "rankUpperBound", "battles"]);
      for (const [key, value] of Object.entries(row)) expect(value).toBe(board.models[i][key as keyof (typeof board.models)[number]]);
    });
  });
});
