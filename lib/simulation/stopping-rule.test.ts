import { describe, expect, it } from "vitest";
import { fitBradleyTerry, pairWeights, RATING_SCALE } from "@/lib/ratings/bradley-terry";
import { talliesToCounts } from "@/lib/ratings/planning";
import { rankOrder } from "@/lib/ratings/robustness";
import { checkTarget, sandwichCovariance } from "@/lib/ratings/stopping";
import { MemoryScheduler } from "./memory-scheduler";
import { runStudy } from "./study";

/** Five models, the best 35 points ahead of the second; and a closer race, 15 points ahead. */
const TRUTH = [1100, 1065, 1040, 1010, 960];
const CLOSE_RACE = [1100, 1085, 1050, 1030, 1000, 950];
const STUDIES = 200;
const CAP = 40_000;

type Rule = (counts: ReturnType<typeof talliesToCounts>["counts"]) => boolean;

/** Runs seeds 1…STUDIES, checking `rule` after about every 3% more votes; returns how many stopped and how many of those named the wrong top. */
async function stopWith(truth: number[], rule: Rule): Promise<{ stopped: number; wrong: number }> {
  let stopped = 0;
  let wrong = 0;
  for (let seed = 1; seed <= STUDIES; seed++) {
    const scheduler = new MemoryScheduler({
      modelIds: truth.map((_, k) => `m${k}`),
      prompts: 20,
      strategy: "ACTIVE",
      targetVotesPerItem: 100,
      dailyCap: null,
      seed,
      planKey: `stopping-test-${seed}-${Math.random()}`,
    });
    let nextLook = 30;
    await runStudy(
      scheduler,
      {
        votes: CAP,
        annotators: 100,
        ratings: truth,
        rates: { tie: 0.15, bothBad: 0.05 },
        noisyShare: 0,
        votesPerDay: 200,
        seed,
        start: new Date(0),
      },
      (vote) => {
        if (vote.index + 1 < nextLook) return;
        nextLook = Math.ceil(nextLook * 1.03);
        const { models, counts } = talliesToCounts(scheduler.tallies());
        if (models.length < truth.length || !rule(counts)) return;
        stopped++;
        if (models[rankOrder(fitBradleyTerry(pairWeights(counts)).theta)[0]] !== "0") wrong++;
        return "stop";
      },
    );
  }
  return { stopped, wrong };
}

describe("the stopping rule under continuous monitoring", () => {
  it(
    `names the wrong top model in at most 5% of ${STUDIES} simulated studies (seeds 1–${STUDIES}), where peeking at one-look 95% intervals errs more`,
    { timeout: 300_000 },
    async () => {
      const rule = await stopWith(TRUTH, (counts) => checkTarget(counts, TRUTH.length, { kind: "top", k: 1 }).met);
      expect(rule.stopped).toBeGreaterThanOrEqual(STUDIES * 0.95);
      expect(rule.wrong / rule.stopped).toBeLessThanOrEqual(0.05);

      // The control, in the closer race: the same looks with a one-look 95% interval for the gap
      // between the first two (Δ ± 1.96·se, no correction), stopping at the first look that
      // separates them, errs more often than the 5% each interval promises.
      const peeking = await stopWith(CLOSE_RACE, (counts) => {
        const fit = fitBradleyTerry(pairWeights(counts));
        const covariance = sandwichCovariance(counts, fit)!;
        const m = counts.modelCount;
        const [top, second] = rankOrder(fit.theta);
        const se = Math.sqrt(covariance[top * m + top] + covariance[second * m + second] - 2 * covariance[top * m + second]);
        return (fit.theta[top] - fit.theta[second]) * RATING_SCALE > 1.96 * se * RATING_SCALE;
      });
      expect(peeking.wrong / peeking.stopped).toBeGreaterThan(0.05);
    },
  );
});
