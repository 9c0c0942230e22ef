import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { correlationsFor } from "@/lib/results/correlations";
import { DEFAULT_FILTERS } from "@/lib/results/filters";
import { getLeaderboard } from "@/lib/results/leaderboard";
import { simulateVotes } from "@/lib/testing/simulate";
import { MTBENCH_SLUG, seedMtBenchDemo } from "./mtbench";
import { sharedPath } from "@/lib/testing/shared-data";

const DIR = sharedPath("datasets/japanese-mt-bench") + "/";

describe("the Japanese MT-Bench demo", () => {
  it("creates an open campaign from FastChat's files, imports the judge's scores, and correlates votes with them", async () => {
    const result = await seedMtBenchDemo(DIR, `${DIR}scores.csv`);
    const campaign = await db.campaign.findUniqueOrThrow({
      where: { slug: MTBENCH_SLUG },
      select: {
        id: true,
        status: true,
        correctionPolicy: true,
        allowedOutcomes: true,
        _count: { select: { prompts: true, members: true } },
      },
    });
    expect(campaign).toMatchObject({ status: "ACTIVE", correctionPolicy: "OPTIONAL", _count: { prompts: 80, members: 3 } });
    expect(campaign.allowedOutcomes).toContain("BOTH_GOOD");
    expect(result.accounts.map((a) => a.role).sort()).toEqual(["ANNOTATOR", "ANNOTATOR", "RESEARCHER"]);
    expect(result.scores).toEqual({
      scores: 7,
      added: expect.any(Number),
      replaced: expect.any(Number),
      benchmarks: ["Japanese MT-Bench (GPT-4 single)"],
    });
    // Reference answers from reference_answer/gpt-4.jsonl sit with their questions.
    const math = await db.prompt.findFirstOrThrow({ where: { campaignId: campaign.id, category: "math" }, select: { reference: true } });
    expect(Array.isArray(math.reference)).toBe(true);

    // Annotators who prefer the model with the higher judge score: their ranking agrees with the benchmark.
    const scores = new Map(
      (await db.benchmarkScore.findMany({ select: { score: true, model: { select: { name: true } } } })).map((s) => [
        s.model.name,
        s.score,
      ]),
    );
    const strength = (model: string) => scores.get(model) ?? 0;
    const annotators = await db.campaignMember.findMany({
      where: { campaignId: campaign.id, user: { role: "ANNOTATOR" } },
      select: { userId: true },
    });
    await simulateVotes({
      campaignId: campaign.id,
      annotatorIds: annotators.map((a) => a.userId),
      votesPerAnnotator: 120,
      choose: ({ left, right }) => (strength(left) === strength(right) ? "TIE" : strength(left) > strength(right) ? "LEFT" : "RIGHT"),
    });
    const view = await getLeaderboard(campaign.id, DEFAULT_FILTERS, { untilFresh: true, withBootstrap: true });
    if (view.state !== "ready") throw new Error(view.state);
    const [correlation] = await correlationsFor(campaign.id, view.board);
    expect(correlation).toMatchObject({ benchmark: "Japanese MT-Bench (GPT-4 single)", higherIsBetter: true, models: 7 });
    expect(correlation.spearman!.value).toBeGreaterThan(0.9);
    expect(correlation.spearman!.ciLow).toBeLessThanOrEqual(correlation.spearman!.value);
    expect(correlation.kendall!.value).toBeGreaterThan(0.8);

    // Running it again refreshes: nothing is duplicated.
    const again = await seedMtBenchDemo(DIR, `${DIR}scores.csv`);
    expect(again).toMatchObject({ created: false, imported: { promptsAdded: 0, outputsAdded: 0 }, scores: { replaced: 7 } });
  });
});
