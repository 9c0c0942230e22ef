import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { rowsFromMtBench } from "@/lib/imports/mtbench";
import type { ImportError } from "@/lib/imports/problems";
import { importRows } from "@/lib/imports/write";
import { createTestCampaign } from "./factories";
import { sharedPath } from "./shared-data";

/** The shared MT-Bench folder with FastChat's judge outputs (GPT-4 pair and single judgments). */
export const JUDGED_DIR = sharedPath("datasets/mt-bench-fastchat-judgments");
export const PAIR_FILE = join(JUDGED_DIR, "model_judgment/gpt-4_pair.jsonl");
export const SINGLE_FILE = join(JUDGED_DIR, "model_judgment/gpt-4_single.jsonl");

/** An open campaign holding that folder's 80 questions and both models' answers (phi-3, phi-3-dpo). */
export async function createJudgedCampaign() {
  const campaign = await createTestCampaign({ status: "ACTIVE" });
  const errors: ImportError[] = [];
  const answers = readdirSync(join(JUDGED_DIR, "model_answer"))
    .sort()
    .map((name) => ({ name, content: readFileSync(join(JUDGED_DIR, "model_answer", name), "utf8") }));
  const rows = rowsFromMtBench(
    { name: "question.jsonl", content: readFileSync(join(JUDGED_DIR, "question.jsonl"), "utf8") },
    answers,
    errors,
  );
  await importRows(null, campaign.id, rows, errors, () => {}, { allowFewerTurns: true });
  return campaign;
}
