import "server-only";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { importScores, type ScoreImportSummary } from "@/lib/benchmarks/scores";
import { db } from "@/lib/db";
import { rowsFromMtBench } from "@/lib/imports/mtbench";
import { parseJsonLines, type ImportError } from "@/lib/imports/rows";
import { importRows, type ImportSummary } from "@/lib/imports/write";
import { importJudgments, type JudgmentImportSummary } from "@/lib/judges/import-judgments";
import { ensureDemoAccounts, type DemoResult } from "./seed";
import { recordStudyPlan } from "@/lib/campaigns/study-plan";

export const MTBENCH_SLUG = "japanese-mt-bench";

const INSTRUCTIONS = `## Japanese MT-Bench の回答を比べる / Comparing Japanese MT-Bench answers

- 2 ターンの質問に対する 2 つの回答のうち、**より役に立ち、正確で、自然な日本語** の方を選んでください。
- Pick the answer that is **more helpful, correct and natural Japanese**. Judge content, not length.
- 参考解答があるカテゴリ（数学・推論・コーディング）では正確さを重視してください。`;

export interface MtBenchDemoResult extends DemoResult {
  imported: ImportSummary;
  scores: ScoreImportSummary | null;
  /** FastChat's judge outputs found in model_judgment/ (pair and single files), as judges. */
  judges: JudgmentImportSummary[];
}

function readText(path: string): string {
  return readFileSync(path, "utf8");
}

/** question_id → reference turns from reference_answer/*.jsonl (FastChat's format, like model answers). */
function referenceAnswers(dir: string, errors: ImportError[]): Map<string, string[]> {
  const references = new Map<string, string[]>();
  const folder = join(dir, "reference_answer");
  if (!existsSync(folder)) return references;
  for (const name of readdirSync(folder)
    .filter((n) => n.endsWith(".jsonl"))
    .sort()) {
    for (const { value } of parseJsonLines(readText(join(folder, name)), `reference_answer/${name}`, errors)) {
      const answer = value as { question_id?: unknown; choices?: { turns?: unknown }[] };
      const turns = answer.choices?.[0]?.turns;
      if (answer.question_id !== undefined && Array.isArray(turns) && !references.has(String(answer.question_id)))
        references.set(String(answer.question_id), turns.map(String));
    }
  }
  return references;
}

/**
 * A "Japanese MT-Bench" campaign from a FastChat-format folder (question.jsonl, model_answer/,
 * optional reference_answer/) with the demo accounts as members, open for voting, and the
 * judge's scores imported as a benchmark, so that a new user can vote on real answers and then
 * see how their votes correlate with the scores.
 */
export async function seedMtBenchDemo(dir: string, scoresPath?: string): Promise<MtBenchDemoResult> {
  const questions = join(dir, "question.jsonl");
  const answersDir = join(dir, "model_answer");
  if (!existsSync(questions) || !statSync(answersDir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new Error(`${dir} is not a FastChat MT-Bench folder: it needs question.jsonl and a model_answer/ folder.`);
  }
  const errors: ImportError[] = [];
  const answers = readdirSync(answersDir)
    .filter((name) => name.endsWith(".jsonl"))
    .sort()
    .map((name) => ({ name: `model_answer/${name}`, content: readText(join(answersDir, name)) }));
  const rows = rowsFromMtBench({ name: "question.jsonl", content: readText(questions) }, answers, errors);
  const references = referenceAnswers(dir, errors);
  for (const row of rows) if (row.turns && !row.reference && references.has(row.promptId)) row.reference = references.get(row.promptId);

  const existing = await db.campaign.findUnique({ where: { slug: MTBENCH_SLUG }, select: { id: true } });
  const campaign =
    existing ??
    (await db.campaign.create({
      data: {
        slug: MTBENCH_SLUG,
        name: "Japanese MT-Bench",
        instructions: INSTRUCTIONS,
        language: "ja",
        targetVotesPerItem: 1,
        // As the seed team collected them: "both good" besides "both bad", and annotators' own answers.
        allowedOutcomes: ["LEFT", "RIGHT", "TIE", "BOTH_BAD", "BOTH_GOOD"],
        correctionPolicy: "OPTIONAL",
      },
      select: { id: true },
    }));
  const imported = await importRows(null, campaign.id, rows, errors, () => {}, { allowFewerTurns: true });
  await db.campaign.update({ where: { id: campaign.id }, data: { status: "ACTIVE" } });
  await recordStudyPlan(campaign.id);
  const scores = scoresPath ? await importScores(null, readText(scoresPath), { campaignId: campaign.id }) : null;
  const judges = await importJudgeOutputs(dir, campaign.id);
  const accounts = await ensureDemoAccounts(campaign.id);
  return { slug: MTBENCH_SLUG, created: !existing, accounts, imported, scores, judges };
}

/**
 * model_judgment/*_pair.jsonl and *_single.jsonl (gen_judgment.py's files) as the campaign's
 * judges, each under its file's name (gpt-4_pair, gpt-4_single): GPT-4's verdicts beside the votes.
 */
async function importJudgeOutputs(dir: string, campaignId: string): Promise<JudgmentImportSummary[]> {
  const folder = join(dir, "model_judgment");
  if (!existsSync(folder)) return [];
  const files = readdirSync(folder)
    .filter((name) => /_(pair|single)\.jsonl$/.test(name))
    .sort();
  const summaries: JudgmentImportSummary[] = [];
  for (const name of files) {
    summaries.push(
      await importJudgments(null, campaignId, readText(join(folder, name)), {
        source: `model_judgment/${name}`,
        name: name.replace(/\.jsonl$/, ""),
      }),
    );
  }
  return summaries;
}
