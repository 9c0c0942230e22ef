import { describe, expect, it } from "vitest";
import { pairCounts as counts } from "@/lib/testing/pair-counts";
import type { UnorderedCounts } from "./aggregate";
import { fitBradleyTerry, pairWeights } from "./bradley-terry";
import { fitLeaderboard, summariseLeaderboard } from "./leaderboard";
import { seededRandom } from "./random";
import { dropKRobustness, rankOrder, smallestHolding } from "./robustness";

/** Counts from [i, j, wins of i, wins of j, draws] rows. */
/** Robustness of the fit on `c` itself. */
const robustnessOf = (c: UnorderedCounts) => dropKRobustness(c, fitBradleyTerry(pairWeights(c)));

const order = (c: UnorderedCounts) => rankOrder(fitBradleyTerry(pairWeights(c)).theta);

const thetaOf = (c: UnorderedCounts) => fitBradleyTerry(pairWeights(c)).theta;

/** The true smallest number of removed votes after which `reversed` holds, by trying every removal (tiny cases only). */
function exactFlip(c: UnorderedCounts, reversed: (theta: Float64Array) => boolean): number | null {
  const kinds = Array.from({ length: c.i.length * 3 }, (_, k) => [c.first, c.second, c.draws][k % 3][Math.floor(k / 3)]);
  let best: number | null = null;
  const removed = new Array<number>(kinds.length).fill(0);
  const visit = (k: number, total: number) => {
    if (best !== null && total >= best) return;
    if (k === kinds.length) {
      if (total === 0) return;
      const reduced = {
        ...c,
        first: c.first.map((v, p) => v - removed[p * 3]),
        second: c.second.map((v, p) => v - removed[p * 3 + 1]),
        draws: c.draws.map((v, p) => v - removed[p * 3 + 2]),
      };
      if (reversed(thetaOf(reduced))) best = total;
      return;
    }
    for (let r = 0; r <= kinds[k]; r++) {
      removed[k] = r;
      visit(k + 1, total + r);
    }
    removed[k] = 0;
  };
  visit(0, 0);
  return best;
}

/** The true smallest number of removed votes that changes who is first. */
function exactTopFlip(c: UnorderedCounts): number | null {
  const leader = order(c)[0];
  return exactFlip(c, (theta) => rankOrder(theta)[0] !== leader);
}

describe("drop-k robustness", () => {
  it("finds that three of A's six wins over B decide the top rank", () => {
    // 6–4: without two of A's wins it is 4–4 (a tie keeps the order), without three 3–4.
    const result = robustnessOf(counts(2, [[0, 1, 6, 4, 0]]));
    expect(result.topFlipVotes).toBe(3);
    expect(result.top).toMatchObject({ upper: 0, lower: 1, flipVotes: 3, confirmed: true });
    expect(result.pairs).toEqual([expect.objectContaining({ upper: 0, lower: 1, flipVotes: 3, confirmed: true })]);
    // The influence estimate is within one vote of the refit here.
    expect(Math.abs(result.top!.estimatedVotes! - 3)).toBeLessThanOrEqual(1);
  });

  it("needs more votes when the lead is larger, and draws never help overturn it", () => {
    const close = robustnessOf(counts(2, [[0, 1, 6, 4, 3]]));
    const wide = robustnessOf(counts(2, [[0, 1, 60, 40, 30]]));
    expect(close.topFlipVotes).toBe(3);
    expect(wide.topFlipVotes).toBe(21);
  });

  it("says no removal overturns a lead built only on wins", () => {
    // Removing A's wins at best leaves no games at all: equal ratings, and the order stands.
    const result = robustnessOf(counts(2, [[0, 1, 5, 0, 0]]));
    expect(result.top).toMatchObject({ upper: 0, lower: 1, flipVotes: null, confirmed: false });
    expect(result.topFlipVotes).toBeNull();
  });

  it("reports a number of votes that really changes the top, never fewer than the true minimum", () => {
    const random = seededRandom(11);
    let equal = 0;
    for (let trial = 0; trial < 25; trial++) {
      const rows: [number, number, number, number, number][] = [
        [0, 1, 1 + Math.floor(random() * 4), 1 + Math.floor(random() * 3), 0],
        [0, 2, 1 + Math.floor(random() * 4), 1 + Math.floor(random() * 3), 0],
        [1, 2, 1 + Math.floor(random() * 3), 1 + Math.floor(random() * 3), 0],
      ];
      const c = counts(3, rows);
      const exact = exactTopFlip(c);
      const result = robustnessOf(c);
      if (exact === null) {
        expect(result.topFlipVotes).toBeNull();
        continue;
      }
      expect(result.topFlipVotes).not.toBeNull();
      expect(result.topFlipVotes!).toBeGreaterThanOrEqual(exact);
      if (result.topFlipVotes === exact) equal++;
    }
    // Influence order finds the exact minimum in most of these small cases.
    expect(equal).toBeGreaterThanOrEqual(20);
  });

  it("reports for each adjacent pair a number of votes that really reverses it, never fewer than the true minimum", () => {
    const random = seededRandom(12);
    let pairs = 0;
    let equal = 0;
    for (let trial = 0; trial < 20; trial++) {
      const c = counts(3, [
        [0, 1, 1 + Math.floor(random() * 4), 1 + Math.floor(random() * 3), Math.floor(random() * 2)],
        [0, 2, 1 + Math.floor(random() * 4), 1 + Math.floor(random() * 3), 0],
        [1, 2, 1 + Math.floor(random() * 3), 1 + Math.floor(random() * 3), Math.floor(random() * 2)],
      ]);
      for (const pair of robustnessOf(c).pairs) {
        const exact = exactFlip(c, (theta) => theta[pair.lower] > theta[pair.upper]);
        pairs++;
        expect(pair.confirmed).toBe(pair.flipVotes !== null);
        if (exact === null) {
          expect(pair.flipVotes).toBeNull();
          continue;
        }
        expect(pair.flipVotes, `trial ${trial}`).not.toBeNull();
        expect(pair.flipVotes!).toBeGreaterThanOrEqual(exact);
        if (pair.flipVotes === exact) equal++;
      }
    }
    expect(pairs).toBe(40);
    // Influence order finds the exact minimum in (nearly) all of these small cases: 40 of 40 today.
    expect(equal).toBeGreaterThanOrEqual(38);
  });

  it("searches from any guess to the smallest removal that reverses the order, asking only about 1…available", () => {
    for (let available = 0; available <= 20; available++) {
      for (let threshold = 1; threshold <= available + 1; threshold++) {
        const expected = threshold > available ? null : threshold;
        for (let guess = 0; guess <= available + 3; guess++) {
          const asked: number[] = [];
          const found = smallestHolding(guess, available, (k) => {
            asked.push(k);
            return k >= threshold;
          });
          const where = `available ${available}, threshold ${threshold}, guess ${guess}`;
          expect(found, where).toBe(expected);
          expect(
            asked.every((k) => Number.isInteger(k) && k >= 1 && k <= available),
            where,
          ).toBe(true);
          // Outwards in doubling steps, then bisection: a few refits, not one per vote.
          expect(asked.length, where).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(available + 1)) + 2);
        }
      }
    }
  });

  it("plans how many more votes on a pair separate its intervals, as the bootstrap draws them", async () => {
    // 55–45 with 20 ties: the intervals overlap; how many more votes at the same shares separate them?
    const [wins, losses, ties] = [55, 45, 20];
    const planned = robustnessOf(counts(2, [[0, 1, wins, losses, ties]])).pairs[0].votesToSeparate!;
    expect(planned).toBeGreaterThan(0);
    /** The bootstrap's intervals (1,000 rounds, as the leaderboard) after `extra` more votes at the same shares. */
    const intervalsAfter = async (extra: number) => {
      const scale = (wins + losses + ties + extra) / (wins + losses + ties);
      const board = summariseLeaderboard(
        await fitLeaderboard(
          {
            models: ["upper", "lower"],
            a: Int32Array.of(0),
            b: Int32Array.of(1),
            winsA: Float64Array.of(Math.round(wins * scale)),
            winsB: Float64Array.of(Math.round(losses * scale)),
            ties: Float64Array.of(Math.round(ties * scale)),
            bothBad: Float64Array.of(0),
            total: Math.round((wins + losses + ties) * scale),
          },
          new Map(),
        ),
      );
      const [first, second] = board.models;
      return { separated: first.ciLow > second.ciHigh };
    };
    expect((await intervalsAfter(0)).separated).toBe(false);
    expect((await intervalsAfter(Math.round(planned * 0.8))).separated).toBe(false);
    expect((await intervalsAfter(Math.round(planned * 1.2))).separated).toBe(true);
  });

  it("says 0 for intervals already apart, and no number when votes on the pair alone cannot part them", () => {
    expect(robustnessOf(counts(2, [[0, 1, 900, 100, 0]])).pairs[0].votesToSeparate).toBe(0);
    // B and C have the same record (3–2 down to A, 1–1 with each other): equal ratings, which
    // more votes between them at the same shares never part.
    const result = robustnessOf(
      counts(3, [
        [0, 1, 3, 2, 0],
        [0, 2, 3, 2, 0],
        [1, 2, 1, 1, 0],
      ]),
    );
    expect(result.pairs[0].upper).toBe(0);
    expect(new Set([result.pairs[1].upper, result.pairs[1].lower])).toEqual(new Set([1, 2]));
    expect(result.pairs[1].votesToSeparate).toBeNull();
  });
});
