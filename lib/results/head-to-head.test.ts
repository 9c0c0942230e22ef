import { describe, expect, it } from "vitest";
import type { Leaderboard } from "@/lib/ratings/leaderboard";
import { headToHead, winRates } from "./head-to-head";

/**
 * Four models in the fit's order a, b, c, d. a–b: 4 battles, a won 3; a–c: 2 battles, c won one
 * and one was a tie (not a win for either); d has no battles. Ranked c, a, b, d.
 */
const order = ["a", "b", "c", "d"];
const board = {
  modelOrder: order,
  models: [
    { model: "c", rating: 1100 },
    { model: "a", rating: 1000 },
    { model: "b", rating: 900 },
    { model: "d", rating: 800 },
  ],
} as unknown as Leaderboard;
const cell = (row: string, column: string) => order.indexOf(row) * order.length + order.indexOf(column);
const battles = new Array<number>(16).fill(0);
const winFraction = new Array<number | null>(16).fill(null);
for (const [row, column, n, fraction] of [
  ["a", "b", 4, 0.75],
  ["b", "a", 4, 0.25],
  ["a", "c", 2, 0],
  ["c", "a", 2, 0.5],
] as const) {
  battles[cell(row, column)] = n;
  winFraction[cell(row, column)] = fraction;
}
const matrices = { battles, winFraction };
const elo = (diff: number) => 1 / (1 + 10 ** (-diff / 400));

describe("the leaderboard's head-to-head view", () => {
  it("gives each model its share of battles won, ties counting as no win, and no share without battles", () => {
    const rates = winRates(board, matrices);
    expect(Object.fromEntries(rates)).toEqual({ a: 3 / 6, b: 1 / 4, c: 1 / 2, d: Number.NaN });
  });

  it("shows the top models best first, with observed win rates, battles and the ratings' predictions off the diagonal", () => {
    const view = headToHead(board, matrices, 3);
    expect(view.labels).toEqual(["c", "a", "b"]);
    expect(view.total).toBe(4);
    // Rows win against columns: c beat a half the time; a beat c never, b three times in four.
    expect(view.winFraction).toEqual([null, 0.5, null, 0, null, 0.75, null, 0.25, null]);
    // A pair that never met has no battle count, not a zero.
    expect(view.battles).toEqual([null, 2, null, 2, null, 4, null, 4, null]);
    const expected = [null, elo(100), elo(200), elo(-100), null, elo(100), elo(-200), elo(-100), null];
    view.predicted.forEach((p, k) => (expected[k] === null ? expect(p).toBeNull() : expect(p).toBeCloseTo(expected[k]!, 12)));
  });
});
