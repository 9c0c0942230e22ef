import { existsSync } from "node:fs";
import { join } from "node:path";
import { ScoresRejected } from "@/lib/benchmarks/scores";
import { seedMtBenchDemo } from "@/lib/demo/mtbench";
import { describeDemo, seedDemo } from "@/lib/demo/seed";
import { formatImportErrors, ImportRejected } from "@/lib/imports/rows";
import { JudgmentsRejected } from "@/lib/judges/import-judgments";
import { parseArgs, single, UsageError } from "../lib/cli-args";
import { USAGES } from "./usages";

export const usage = USAGES["demo"];

export async function demoCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs(argv, { options: ["mtbench", "scores"] });
  const dir = single(values, "mtbench");
  const scores = single(values, "scores");
  if (!dir) {
    if (scores) throw new UsageError("--scores goes with --mtbench DIR.");
    console.log(describeDemo(await seedDemo()));
    return;
  }
  if (!existsSync(join(dir, "question.jsonl")) || !existsSync(join(dir, "model_answer")))
    throw new UsageError(
      `${dir} is not a FastChat MT-Bench folder (question.jsonl and model_answer/). Japanese MT-Bench is in FastChat's repository: fastchat/llm_judge/data/japanese_mt_bench.`,
    );
  if (scores && !existsSync(scores)) throw new UsageError(`cannot read ${scores}: no such file`);
  try {
    const result = await seedMtBenchDemo(dir, scores);
    console.log(describeDemo(result));
    console.log(
      `Imported ${result.imported.promptsAdded} new prompts, ${result.imported.outputsAdded} new answers, ${result.imported.itemsAdded} new pairs` +
        (result.scores ? `; ${result.scores.scores} benchmark scores (${result.scores.benchmarks.join(", ")}).` : "."),
    );
    for (const judge of result.judges)
      console.log(
        `Judge ${judge.judge}: ${judge.added} new judgments, ${judge.unchanged} already stored, ${judge.failed} failed calls kept but not counted.`,
      );
  } catch (error) {
    if (error instanceof ImportRejected) throw new UsageError(error.message);
    if (error instanceof JudgmentsRejected) throw new UsageError(`${error.message}:\n${formatImportErrors(error.errors)}`);
    if (error instanceof ScoresRejected)
      throw new UsageError(`${error.message}:\n${error.errors.map((e) => `${scores}:${e.line}: ${e.message}`).join("\n")}`);
    throw error;
  }
}
