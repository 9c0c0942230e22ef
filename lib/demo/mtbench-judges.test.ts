import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { JUDGED_DIR } from "@/lib/testing/judge-campaign";
import { MTBENCH_SLUG, seedMtBenchDemo } from "./mtbench";

describe("the MT-Bench demo from a folder with FastChat's judgments", () => {
  it("imports model_judgment/*_pair.jsonl and *_single.jsonl as judges, and changes nothing when run again", async () => {
    const first = await seedMtBenchDemo(JUDGED_DIR);
    expect(first.judges).toEqual([
      { judge: "gpt-4_pair", kind: "pair", rows: 75, added: 75, unchanged: 0, failed: 2 },
      { judge: "gpt-4_single", kind: "single", rows: 160, added: 160, unchanged: 0, failed: 0, means: { "phi-3-dpo": 8.2 } },
    ]);
    const campaign = await db.campaign.findUniqueOrThrow({ where: { slug: MTBENCH_SLUG }, select: { id: true } });
    // The single judge's mean is a benchmark of the campaign, as the Benchmarks page lists them.
    expect(await db.benchmarkScore.findMany({ where: { campaignId: campaign.id }, select: { benchmark: true, score: true } })).toEqual([
      { benchmark: "gpt-4_single", score: 8.2 },
    ]);
    const again = await seedMtBenchDemo(JUDGED_DIR);
    expect(again.judges.map((j) => [j.judge, j.added, j.unchanged])).toEqual([
      ["gpt-4_pair", 0, 75],
      ["gpt-4_single", 0, 160],
    ]);
  });
});
