import "server-only";
import { db } from "@/lib/db";
import type { PairVerdict } from "@/lib/ratings/judge-agreement";
import type { ResultFilters } from "@/lib/results/filters";
import { loadJudgeInputs, type JudgeInputs } from "./agreement";

export interface Disagreement {
  verdictId: string;
  question: string;
  category: string | null;
  turn: number;
  /** The user turns up to the judged one, and each model's answers to them. */
  prompt: string[];
  modelA: { name: string; answers: string[] };
  modelB: { name: string; answers: string[] };
  /** The judge's verdict and the human votes, in model A/B terms. */
  judge: "model_a" | "model_b" | "tie";
  humans: { modelA: number; modelB: number; tie: number };
  /** Human votes the judge contradicted (two ties of any kind agree). */
  contradicted: number;
  explanation: string | null;
  explanationSwapped: string | null;
  inconsistent: boolean;
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

/**
 * The judge's verdicts that human votes contradict, most contradicted first (then by question), with
 * what a researcher needs to read them: the prompt, both answers, the votes, the judge's words.
 */
export async function disagreements(
  campaignId: string,
  judgeId: string,
  filters: ResultFilters,
  limit = 20,
  loaded?: JudgeInputs,
): Promise<{ total: number; shown: Disagreement[] }> {
  const { humans, verdicts } = loaded ?? (await loadJudgeInputs(campaignId, filters));
  const tallies = new Map(humans.map((t) => [`${t.question}\u0000${t.pair}\u0000${t.turn}`, t]));
  const contradicting = verdicts
    .filter((v) => v.judgeId === judgeId)
    .map((verdict) => {
      const tally = tallies.get(`${verdict.question}\u0000${verdict.pair}\u0000${verdict.turn}`);
      if (!tally) return null;
      const all = tally.first + tally.second + tally.tie;
      return { verdict, tally, contradicted: all - tally[verdict.verdict] };
    })
    .filter((entry) => entry !== null && entry.contradicted > 0)
    .sort((x, y) => y!.contradicted - x!.contradicted || x!.verdict.question.localeCompare(y!.verdict.question, "en", { numeric: true }));
  const top = contradicting.slice(0, limit) as NonNullable<(typeof contradicting)[number]>[];
  const rows = await db.verdict.findMany({
    where: { id: { in: top.map((entry) => entry.verdict.id) } },
    select: {
      id: true,
      turn: true,
      explanation: true,
      explanationSwapped: true,
      inconsistent: true,
      modelAId: true,
      modelBId: true,
      modelA: { select: { name: true } },
      modelB: { select: { name: true } },
      prompt: { select: { externalId: true, category: true, turns: true, outputs: { select: { modelId: true, turns: true } } } },
    },
  });
  const byId = new Map(rows.map((row) => [row.id, row]));
  const shown = top.map(({ verdict, tally, contradicted }): Disagreement => {
    const row = byId.get(verdict.id)!;
    // Tallies and verdicts read the pair in the order of the model ids: turn that into A/B.
    const aFirst = row.modelAId < row.modelBId;
    const inAB = (v: PairVerdict) => (v === "tie" ? "tie" : (v === "first") === aFirst ? "model_a" : "model_b");
    const answersOf = (modelId: string) => strings(row.prompt.outputs.find((o) => o.modelId === modelId)?.turns).slice(0, row.turn);
    return {
      verdictId: row.id,
      question: row.prompt.externalId,
      category: row.prompt.category,
      turn: row.turn,
      prompt: strings(row.prompt.turns).slice(0, row.turn),
      modelA: { name: row.modelA.name, answers: answersOf(row.modelAId) },
      modelB: { name: row.modelB.name, answers: answersOf(row.modelBId) },
      judge: inAB(verdict.verdict),
      humans: {
        modelA: aFirst ? tally.first : tally.second,
        modelB: aFirst ? tally.second : tally.first,
        tie: tally.tie,
      },
      contradicted,
      explanation: row.explanation,
      explanationSwapped: row.explanationSwapped,
      inconsistent: row.inconsistent,
    };
  });
  return { total: contradicting.length, shown };
}
