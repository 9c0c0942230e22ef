import { describe, expect, it } from "vitest";
import { fitBradleyTerry, pairWeights } from "./bradley-terry";
import { pairsToSettle, projectCompletion, talliesToCounts, type PairTally } from "./planning";
import { dropKRobustness } from "./robustness";

/** x ahead of y after 40 votes (not yet apart), y far ahead of z, and a few votes between x and z. */
const TALLIES: PairTally[] = [
  { low: "x", high: "y", votes: 40, winsLow: 26, winsHigh: 14 },
  { low: "y", high: "z", votes: 200, winsLow: 180, winsHigh: 20 },
  { low: "x", high: "z", votes: 10, winsLow: 9, winsHigh: 1 },
  { low: "w", high: "x", votes: 0, winsLow: 0, winsHigh: 0 },
];

describe("sample-size planning from running tallies", () => {
  it("reads ties as the votes neither model won, and leaves out pairs nobody has judged", () => {
    const { models, counts } = talliesToCounts(TALLIES);
    expect(models).toEqual(["x", "y", "z"]);
    expect(Array.from(counts.draws)).toEqual([0, 0, 0]);
    expect(Array.from(counts.first)).toEqual([26, 180, 9]);
    expect(Array.from(counts.second)).toEqual([14, 20, 1]);
    expect(counts.total).toBe(250);
    expect(counts.modelCount).toBe(3);
  });

  it("lists the adjacent pairs whose intervals still overlap, with the leaderboard's votesToSeparate", () => {
    const { counts } = talliesToCounts(TALLIES);
    const fromBoard = dropKRobustness(counts, fitBradleyTerry(pairWeights(counts))).pairs;
    // x–y overlap; y–z are already apart, so only x–y is left to settle.
    expect(fromBoard.map((pair) => pair.votesToSeparate! > 0)).toEqual([true, false]);
    expect(fromBoard[0].votesToSeparate).toBe(30);
    expect(pairsToSettle(TALLIES)).toEqual([{ low: "x", high: "y", votesToSeparate: 30 }]);
    // Neck and neck after 200 votes: votes on x–y alone cannot part their intervals (the rest of the
    // uncertainty is in their pairs with z), and the pair is still listed as unsettled.
    const close = TALLIES.map((tally) =>
      tally.low === "x" && tally.high === "y" ? { ...tally, votes: 200, winsLow: 100, winsHigh: 96 } : tally,
    );
    expect(pairsToSettle(close)).toEqual([{ low: "x", high: "y", votesToSeparate: null }]);
  });

  it("names the pair by its ids in order whichever model ranks higher", () => {
    const flipped = TALLIES.map((tally) => (tally.low === "x" && tally.high === "y" ? { ...tally, winsLow: 14, winsHigh: 26 } : tally));
    expect(pairsToSettle(flipped)[0]).toMatchObject({ low: "x", high: "y" });
  });

  it("plans nothing while there are fewer than ten votes per model", () => {
    const few = [{ low: "x", high: "y", votes: 19, winsLow: 10, winsHigh: 9 }];
    expect(pairsToSettle(few)).toEqual([]);
    expect(pairsToSettle([{ ...few[0], votes: 20, winsLow: 11 }])).toHaveLength(1);
  });

  it("projects the date at the current rate, leaving out pairs that votes on them cannot separate", () => {
    const now = new Date("2026-11-27T12:00:00Z");
    expect(projectCompletion([{ votesToSeparate: 300 }, { votesToSeparate: null }, { votesToSeparate: 150 }], 50, now)).toEqual({
      votesNeeded: 450,
      pairsBeyondReach: 1,
      votesPerDay: 50,
      projectedDate: "2026-12-06",
    });
    // No votes arriving, or nothing left to separate: no date.
    expect(projectCompletion([{ votesToSeparate: 300 }], 0, now).projectedDate).toBeNull();
    expect(projectCompletion([{ votesToSeparate: 0 }], 50, now)).toMatchObject({ votesNeeded: 0, projectedDate: null });
    // A billion votes at one a week: no date (it would not fit in four digits, nor in a Date).
    expect(projectCompletion([{ votesToSeparate: 1e9 }, { votesToSeparate: 1e9 }], 1 / 7, now)).toMatchObject({
      votesNeeded: 2e9,
      projectedDate: null,
    });
  });
});
