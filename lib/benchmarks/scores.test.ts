import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createVotingCampaign } from "@/lib/testing/factories";
import { importScores, ScoresRejected } from "./scores";
import { runHikaku } from "@/lib/testing/cli";

async function problems(text: string, campaignId: string): Promise<string[]> {
  try {
    await importScores(null, text, { campaignId });
  } catch (error) {
    if (error instanceof ScoresRejected) return error.errors.map((e) => `${e.line}: ${e.message}`);
    throw error;
  }
  throw new Error("the file was accepted");
}

async function storedScores(models: string[]) {
  return db.benchmarkScore.findMany({
    where: { model: { name: { in: models } } },
    select: { benchmark: true, score: true, higherIsBetter: true, model: { select: { name: true } } },
    orderBy: [{ benchmark: "asc" }, { score: "asc" }],
  });
}

describe("importing benchmark scores", () => {
  it("stores scores, and a second file with the same model and benchmark replaces them", async () => {
    const {
      campaign,
      modelNames: [a, b, c],
    } = await createVotingCampaign({ prompts: 1, models: 3, annotators: [] });
    const first = await importScores(
      null,
      `model,benchmark,score,higher_is_better\n${a},MT,6.5,true\n${b},MT,5.25,\n${c},PPL,12.5,false\n`,
      {
        campaignId: campaign.id,
      },
    );
    expect(first).toEqual({ scores: 3, added: 3, replaced: 0, benchmarks: ["MT", "PPL"] });
    const second = await importScores(null, `model,benchmark,score\n${a},MT,7\n`, { campaignId: campaign.id });
    expect(second).toEqual({ scores: 1, added: 0, replaced: 1, benchmarks: ["MT"] });
    expect((await storedScores([a, b, c])).map((s) => [s.model.name, s.benchmark, s.score, s.higherIsBetter])).toEqual([
      [b, "MT", 5.25, true],
      [a, "MT", 7, true],
      [c, "PPL", 12.5, false],
    ]);
    const audit = await db.auditEvent.findFirst({ where: { action: "scores.imported", subjectId: campaign.id }, orderBy: { id: "desc" } });
    expect(audit?.data).toEqual(second);
  });

  it("rejects a bad file whole with every problem and its line, saving nothing", async () => {
    const {
      campaign,
      modelNames: [a, b],
    } = await createVotingCampaign({ prompts: 1, models: 2, annotators: [] });
    const text = [
      "model,benchmark,score,higher_is_better",
      `${a},MT,6.5,true`,
      `no-such-model,MT,5,true`,
      `${b},MT,six,true`,
      `${a},MT,7,true`,
      `${b},ELYZA,3,maybe`,
      `${b},MT,4`,
    ].join("\n");
    expect(await problems(text, campaign.id)).toEqual([
      `3: unknown model "no-such-model" (not in this campaign)`,
      `4: score "six" is not a number`,
      `5: ${a} has a second MT score (first on line 2)`,
      `6: higher_is_better "maybe" must be true or false`,
      `7: expected 4 fields, found 3`,
    ]);
    expect(await storedScores([a, b])).toEqual([]);
  });

  it("names a missing column, an empty file and a file with only a header", async () => {
    const { campaign } = await createVotingCampaign({ prompts: 1, models: 2, annotators: [] });
    expect(await problems("model,score\nx,1\n", campaign.id)).toEqual(["1: missing column benchmark (the header has: model, score)"]);
    expect(await problems("", campaign.id)).toEqual(["1: the file is empty: expected a header model,benchmark,score"]);
    expect(await problems("model,benchmark,score\n", campaign.id)).toEqual(["1: the file has a header but no scores"]);
  });

  it("belong to their campaign: another campaign's scores for a model of the same name are neither overwritten nor shown", async () => {
    // Two campaigns that share a model (imported under the same name by two teams).
    const first = await createVotingCampaign({ prompts: 1, models: 2, annotators: [] });
    const shared = first.modelNames[0];
    const second = await createVotingCampaign({ prompts: 1, models: 2, annotators: [] });
    const { importRows } = await import("@/lib/imports/write");
    await importRows(null, second.campaign.id, [
      { line: 1, source: "test", promptId: "shared", turns: ["Q?"], model: shared, outputTurns: ["An answer to Q"] },
    ]);
    await importScores(null, `model,benchmark,score\n${shared},MT,8\n`, { campaignId: first.campaign.id });
    const overwrite = await importScores(null, `model,benchmark,score\n${shared},MT,1\n`, { campaignId: second.campaign.id });
    expect(overwrite).toMatchObject({ added: 1, replaced: 0 });
    const { scoresForModels } = await import("./scores");
    const scoresOf = async (campaignId: string) =>
      (await scoresForModels(campaignId, [shared])).map(({ benchmark, scores }) => [benchmark, scores.get(shared)]);
    expect(await scoresOf(first.campaign.id)).toEqual([["MT", 8]]);
    expect(await scoresOf(second.campaign.id)).toEqual([["MT", 1]]);
  });

  it("refuses a model that exists in another campaign when the import is for this one", async () => {
    const { campaign } = await createVotingCampaign({ prompts: 1, models: 2, annotators: [] });
    const other = await createVotingCampaign({ prompts: 1, models: 2, annotators: [] });
    expect(await problems(`model,benchmark,score\n${other.modelNames[0]},MT,1\n`, campaign.id)).toEqual([
      `2: unknown model "${other.modelNames[0]}" (not in this campaign)`,
    ]);
  });

  it("from the command line: prints a JSON summary, or the problems with exit code 2", async () => {
    const {
      campaign,
      modelNames: [a],
    } = await createVotingCampaign({ prompts: 1, models: 2, annotators: [] });
    const dir = mkdtempSync(join(tmpdir(), "hikaku-scores-"));
    const run = (text: string) => {
      writeFileSync(join(dir, "scores.csv"), text);
      return runHikaku(["import-scores", "--campaign", campaign.slug, "--file", join(dir, "scores.csv")]);
    };
    const good = run(`model,benchmark,score\n${a},CLI bench,3.5\n`);
    expect(good.status).toBe(0);
    expect(JSON.parse(good.stdout)).toEqual({ scores: 1, added: 1, replaced: 0, benchmarks: ["CLI bench"] });
    const bad = run(`model,benchmark,score\n${a},CLI bench,x\nghost,CLI bench,1\n`);
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toMatch(/scores\.csv:2: score "x" is not a number/);
    expect(bad.stderr).toMatch(/scores\.csv:3: unknown model "ghost" \(not in this campaign\)/);
    expect((await storedScores([a])).map((s) => s.score)).toEqual([3.5]);
  });
});
