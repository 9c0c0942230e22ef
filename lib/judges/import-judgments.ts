import "server-only";
import { recordAudit } from "@/lib/audit";
import { db, type Tx } from "@/lib/db";
import type { Winner } from "@/lib/generated/prisma/client";
import { problem, type ImportError } from "@/lib/imports/problems";
import { combineOrders } from "@/lib/ratings/judge-agreement";
import { readJudgments, type Judgment, type PairJudgment, type SingleJudgment } from "./read-judgments";

/** A judgment file refused as a whole: every problem with its line; nothing was saved. */
export class JudgmentsRejected extends Error {
  constructor(readonly errors: ImportError[]) {
    super(`the judgments were rejected, nothing was saved (${errors.length} problem${errors.length === 1 ? "" : "s"})`);
  }
}

export interface JudgmentImportSummary {
  judge: string;
  kind: "pair" | "single";
  /** Rows in the file. */
  rows: number;
  added: number;
  /** Already stored as they are (a file imported again changes nothing). */
  unchanged: number;
  /** Rows whose judge call failed (`error`, or a score of -1): kept, and left out of every count. */
  failed: number;
  /** Single-answer files: each model's mean score, stored as a benchmark named after the judge. */
  means?: Record<string, number>;
}

const WINNERS: Record<string, Winner> = { model_a: "MODEL_A", model_b: "MODEL_B", tie: "TIE", "tie (bothbad)": "TIE_BOTHBAD" };

interface CampaignContent {
  prompts: Map<string, { id: string; turns: number }>;
  models: Map<string, string>;
  /** `${promptId}/${modelId}` of every answer. */
  answers: Set<string>;
}

async function campaignContent(tx: Tx, campaignId: string): Promise<CampaignContent> {
  const rows = await tx.$queryRaw<{ promptId: string; externalId: string; turns: number; modelId: string | null; model: string | null }[]>`
    SELECT p.id AS "promptId", p."externalId", jsonb_array_length(p.turns) AS turns, o."modelId", m.name AS model
    FROM "Prompt" p LEFT JOIN "Output" o ON o."promptId" = p.id LEFT JOIN "Model" m ON m.id = o."modelId"
    WHERE p."campaignId" = ${campaignId}::uuid`;
  const content: CampaignContent = { prompts: new Map(), models: new Map(), answers: new Set() };
  for (const row of rows) {
    content.prompts.set(row.externalId, { id: row.promptId, turns: row.turns });
    if (row.modelId && row.model) {
      content.models.set(row.model, row.modelId);
      content.answers.add(`${row.promptId}/${row.modelId}`);
    }
  }
  return content;
}

/** The judgment's question, models and turn as the campaign's ids, or the problems that stop it. */
function resolve(judgment: Judgment, content: CampaignContent, source: string, errors: ImportError[]) {
  const prompt = content.prompts.get(judgment.question);
  if (!prompt) {
    errors.push(problem(source, judgment.line, "JUDGED_UNKNOWN_PROMPT", { prompt: judgment.question }));
    return null;
  }
  if (judgment.turn > prompt.turns) {
    errors.push(
      problem(source, judgment.line, "JUDGED_TURN_BEYOND", { prompt: judgment.question, turns: prompt.turns, turn: judgment.turn }),
    );
    return null;
  }
  const names = judgment.format === "single" ? [judgment.model] : [judgment.modelA, judgment.modelB];
  const ids: string[] = [];
  for (const name of names) {
    const id = content.models.get(name);
    if (!id) errors.push(problem(source, judgment.line, "JUDGED_UNKNOWN_MODEL", { model: name }));
    else if (!content.answers.has(`${prompt.id}/${id}`))
      errors.push(problem(source, judgment.line, "JUDGED_NO_ANSWER", { model: name, prompt: judgment.question }));
    else ids.push(id);
  }
  return ids.length === names.length ? { promptId: prompt.id, modelIds: ids } : null;
}

/**
 * Imports one of FastChat's judgment files (lib/judges/read-judgments.ts) as the verdicts of an
 * imported judge, `name` or by default the file's judge model with `_pair` / `_single` (as
 * FastChat names its files). All or nothing: any problem refuses the whole file.
 */
export async function importJudgments(
  actorId: string | null,
  campaignId: string,
  content: string,
  { source = "judgments.jsonl", name }: { source?: string; name?: string } = {},
): Promise<JudgmentImportSummary> {
  const { judgments, errors } = readJudgments(content, source);
  // The rows that could be read are still checked against the campaign: all problems at once.
  const refuse = () => new JudgmentsRejected(errors.sort((a, b) => a.line - b.line));
  if (judgments.length === 0) throw refuse();
  const kind = judgments[0].format === "single" ? "single" : "pair";
  const judgeName = (name?.trim() || `${judgments[0].judgeModel}_${kind}`).slice(0, 200);
  const promptNames = [...new Set(judgments.map((j) => j.promptName))].sort().join(", ");
  return db.$transaction(
    async (tx) => {
      const campaign = await campaignContent(tx, campaignId);
      const resolved = judgments.map((judgment) => resolve(judgment, campaign, source, errors));
      if (errors.length) throw refuse();
      const judge = await findOrCreateJudge(tx, campaignId, judgeName, kind, judgments[0].judgeModel, promptNames, actorId, source);
      const summary =
        kind === "pair"
          ? await storePairs(tx, judge, judgments as PairJudgment[], resolved as Resolved[], source)
          : await storeScores(tx, campaignId, judge, judgments as SingleJudgment[], resolved as Resolved[], source, campaign.models);
      await recordAudit(
        { actorId, action: "judge.import", subjectType: "Judge", subjectId: judge.id, data: { ...summary, means: undefined, source } },
        tx,
      );
      return summary;
    },
    { timeout: 120_000 },
  );
}

type Resolved = { promptId: string; modelIds: string[] };
type JudgeRef = { id: string; name: string };

async function findOrCreateJudge(
  tx: Tx,
  campaignId: string,
  name: string,
  kind: "pair" | "single",
  model: string,
  prompt: string,
  actorId: string | null,
  source: string,
): Promise<JudgeRef> {
  const existing = await tx.judge.findUnique({
    where: { campaignId_name: { campaignId, name } },
    select: { id: true, name: true, kind: true, _count: { select: { scores: true, verdicts: true } } },
  });
  if (!existing) {
    return tx.judge.create({
      data: { campaignId, name, kind: "IMPORTED", model, prompt, createdById: actorId },
      select: { id: true, name: true },
    });
  }
  const holdsScores = existing._count.scores > 0;
  const clash =
    existing.kind === "RUN"
      ? `judge ${name} is run by Hikaku: import under another name (--name)`
      : kind === "pair" && holdsScores
        ? `judge ${name} holds single-answer scores: import pair judgments under another name (--name)`
        : kind === "single" && !holdsScores && existing._count.verdicts > 0
          ? `judge ${name} holds pair judgments: import single-answer scores under another name (--name)`
          : null;
  if (clash) throw new JudgmentsRejected([problem(source, 1, "INVALID_ROW", { detail: clash })]);
  return existing;
}

const failedCall = "the judge call failed (error)";

async function storePairs(tx: Tx, judge: JudgeRef, judgments: PairJudgment[], resolved: Resolved[], source: string) {
  const stored = await tx.verdict.findMany({
    where: { judgeId: judge.id },
    select: { promptId: true, modelAId: true, modelBId: true, turn: true, g1: true, g2: true },
  });
  const key = (promptId: string, a: string, b: string, turn: number) => [promptId, ...[a, b].sort(), turn].join("/");
  const byKey = new Map(stored.map((v) => [key(v.promptId, v.modelAId, v.modelBId, v.turn), v]));
  const errors: ImportError[] = [];
  const fresh = [];
  let unchanged = 0;
  let failed = 0;
  for (const [index, judgment] of judgments.entries()) {
    const { promptId, modelIds } = resolved[index];
    const [modelAId, modelBId] = modelIds;
    const combined = combineOrders(judgment.g1, judgment.g2);
    if (combined.winner === null) failed++;
    const earlier = byKey.get(key(promptId, modelAId, modelBId, judgment.turn));
    if (earlier) {
      const same = earlier.modelAId === modelAId && earlier.g1 === judgment.g1 && earlier.g2 === judgment.g2;
      if (same) unchanged++;
      else errors.push(problem(source, judgment.line, "JUDGMENT_CHANGED", { judge: judge.name }));
      continue;
    }
    fresh.push({
      judgeId: judge.id,
      promptId,
      modelAId,
      modelBId,
      turn: judgment.turn,
      g1: judgment.g1,
      g2: judgment.g2,
      winner: combined.winner === null ? null : WINNERS[combined.winner],
      inconsistent: combined.inconsistent,
      explanation: judgment.explanation,
      explanationSwapped: judgment.explanationSwapped,
      error: combined.winner === null ? failedCall : null,
    });
  }
  if (errors.length) throw new JudgmentsRejected(errors);
  if (fresh.length) await tx.verdict.createMany({ data: fresh });
  return { judge: judge.name, kind: "pair" as const, rows: judgments.length, added: fresh.length, unchanged, failed };
}

async function storeScores(
  tx: Tx,
  campaignId: string,
  judge: JudgeRef,
  judgments: SingleJudgment[],
  resolved: Resolved[],
  source: string,
  models: Map<string, string>,
) {
  const stored = await tx.judgeScore.findMany({
    where: { judgeId: judge.id },
    select: { promptId: true, modelId: true, turn: true, score: true },
  });
  const byKey = new Map(stored.map((s) => [`${s.promptId}/${s.modelId}/${s.turn}`, s.score]));
  const errors: ImportError[] = [];
  const fresh = [];
  let unchanged = 0;
  for (const [index, judgment] of judgments.entries()) {
    const { promptId, modelIds } = resolved[index];
    const key = `${promptId}/${modelIds[0]}/${judgment.turn}`;
    if (byKey.has(key)) {
      if (byKey.get(key) === judgment.score) unchanged++;
      else errors.push(problem(source, judgment.line, "JUDGMENT_CHANGED", { judge: judge.name }));
      continue;
    }
    fresh.push({
      judgeId: judge.id,
      promptId,
      modelId: modelIds[0],
      turn: judgment.turn,
      score: judgment.score,
      explanation: judgment.explanation,
    });
  }
  if (errors.length) throw new JudgmentsRejected(errors);
  if (fresh.length) await tx.judgeScore.createMany({ data: fresh });
  await deriveScoreVerdicts(tx, judge.id);
  const means = await storeMeans(tx, campaignId, judge, models);
  const failed = judgments.filter((j) => j.score === null).length;
  return { judge: judge.name, kind: "single" as const, rows: judgments.length, added: fresh.length, unchanged, failed, means };
}

/**
 * A single-answer judge's verdict on every pair of answers it scored for the same question and
 * turn: the higher score wins, equal scores tie (as FastChat's agreement code derives them). The
 * models are ordered by name; a failed score (-1) gives a failed verdict.
 */
async function deriveScoreVerdicts(tx: Tx, judgeId: string) {
  await tx.$executeRaw`DELETE FROM "Verdict" WHERE "judgeId" = ${judgeId}::uuid`;
  await tx.$executeRaw`
    INSERT INTO "Verdict" (id, "judgeId", "promptId", "modelAId", "modelBId", turn, winner, "scoreA", "scoreB", error)
    SELECT gen_random_uuid(), a."judgeId", a."promptId", a."modelId", b."modelId", a.turn,
           CASE WHEN a.score IS NULL OR b.score IS NULL THEN NULL
                WHEN a.score > b.score THEN 'MODEL_A'::"Winner" WHEN a.score < b.score THEN 'MODEL_B'::"Winner" ELSE 'TIE'::"Winner" END,
           a.score, b.score,
           CASE WHEN a.score IS NULL OR b.score IS NULL THEN ${failedCall} END
    FROM "JudgeScore" a
    JOIN "Model" ma ON ma.id = a."modelId"
    JOIN "JudgeScore" b ON b."judgeId" = a."judgeId" AND b."promptId" = a."promptId" AND b.turn = a.turn
    JOIN "Model" mb ON mb.id = b."modelId" AND mb.name > ma.name
    WHERE a."judgeId" = ${judgeId}::uuid`;
}

/** Each model's mean score (failed calls left out, as show_result.py --mode single) as a benchmark named after the judge. */
async function storeMeans(tx: Tx, campaignId: string, judge: JudgeRef, models: Map<string, string>) {
  const rows = await tx.judgeScore.groupBy({ by: ["modelId"], where: { judgeId: judge.id, score: { not: null } }, _avg: { score: true } });
  const names = new Map([...models].map(([name, id]) => [id, name]));
  const means: Record<string, number> = {};
  for (const row of rows) {
    const score = row._avg.score!;
    means[names.get(row.modelId)!] = score;
    await tx.benchmarkScore.upsert({
      where: { campaignId_modelId_benchmark: { campaignId, modelId: row.modelId, benchmark: judge.name } },
      create: { campaignId, modelId: row.modelId, benchmark: judge.name, score },
      update: { score },
    });
  }
  return means;
}
