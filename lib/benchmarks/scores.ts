import "server-only";
import { db, sql } from "@/lib/db";
import { InputError, parseCsv } from "@/lib/csv/read";

/** A problem in a scores file, with its 1-based line. */
export interface ScoreProblem {
  line: number;
  message: string;
}

export class ScoresRejected extends Error {
  constructor(readonly errors: ScoreProblem[]) {
    super(`the scores file was rejected, nothing was saved (${errors.length} problem${errors.length === 1 ? "" : "s"})`);
  }
}

export interface ScoreImportSummary {
  scores: number;
  added: number;
  replaced: number;
  benchmarks: string[];
}

interface ParsedScore {
  line: number;
  model: string;
  benchmark: string;
  score: number;
  higherIsBetter: boolean;
}

const TRUE = new Set(["true", "1", "yes"]);
const FALSE = new Set(["false", "0", "no"]);

/** Reads `model,benchmark,score[,higher_is_better]` rows, collecting every problem with its line. */
export function parseScores(text: string): { scores: ParsedScore[]; errors: ScoreProblem[] } {
  const errors: ScoreProblem[] = [];
  let records;
  try {
    records = parseCsv(text);
  } catch (error) {
    if (error instanceof InputError)
      return { scores: [], errors: [{ line: error.line ?? 1, message: error.message.replace(/^line \d+: /, "") }] };
    throw error;
  }
  if (records.length === 0)
    return { scores: [], errors: [{ line: 1, message: "the file is empty: expected a header model,benchmark,score" }] };
  const header = records[0].fields.map((name) => name.trim().toLowerCase());
  const missing = ["model", "benchmark", "score"].filter((name) => !header.includes(name));
  if (missing.length) {
    return {
      scores: [],
      errors: [{ line: records[0].line, message: `missing column ${missing.join(", ")} (the header has: ${header.join(", ")})` }],
    };
  }
  if (records.length === 1) errors.push({ line: records[0].line, message: "the file has a header but no scores" });
  const [im, ib, is, ih] = ["model", "benchmark", "score", "higher_is_better"].map((name) => header.indexOf(name));
  const scores: ParsedScore[] = [];
  const seen = new Map<string, number>();
  const direction = new Map<string, { higherIsBetter: boolean; line: number }>();
  for (const { fields, line } of records.slice(1)) {
    if (fields.length !== header.length) {
      errors.push({ line, message: `expected ${header.length} fields, found ${fields.length}` });
      continue;
    }
    const model = fields[im].trim();
    const benchmark = fields[ib].trim();
    const rawScore = fields[is].trim();
    const score = Number(rawScore);
    const rawDirection = ih >= 0 ? fields[ih].trim().toLowerCase() : "";
    if (!model) errors.push({ line, message: "model is empty" });
    if (!benchmark) errors.push({ line, message: "benchmark is empty" });
    if (benchmark.length > 200) errors.push({ line, message: "benchmark name is longer than 200 characters" });
    if (rawScore === "" || !Number.isFinite(score)) errors.push({ line, message: `score "${rawScore}" is not a number` });
    if (rawDirection && !TRUE.has(rawDirection) && !FALSE.has(rawDirection))
      errors.push({ line, message: `higher_is_better "${fields[ih]}" must be true or false` });
    const higherIsBetter = !FALSE.has(rawDirection);
    const key = `${model}\u0000${benchmark}`;
    if (model && benchmark) {
      const earlier = seen.get(key);
      if (earlier !== undefined) errors.push({ line, message: `${model} has a second ${benchmark} score (first on line ${earlier})` });
      else seen.set(key, line);
      const known = direction.get(benchmark);
      if (known && known.higherIsBetter !== higherIsBetter)
        errors.push({ line, message: `higher_is_better differs from line ${known.line} for the same benchmark` });
      else if (!known) direction.set(benchmark, { higherIsBetter, line });
    }
    scores.push({ line, model, benchmark, score, higherIsBetter });
  }
  return { scores, errors };
}

/**
 * Imports a campaign's benchmark scores, all or nothing. Model names must be the campaign's own
 * (its answers, votes or live models). A score for the same model and benchmark replaces the one
 * the campaign has; other campaigns' scores are never touched, even under the same model name.
 */
export async function importScores(actorId: string | null, text: string, options: { campaignId: string }): Promise<ScoreImportSummary> {
  const { campaignId } = options;
  const { scores, errors } = parseScores(text);
  const names = [...new Set(scores.map((s) => s.model).filter(Boolean))];
  const known = await sql.$queryRaw<{ id: string; name: string }[]>`
    SELECT m.id, m.name FROM "Model" m WHERE m.name = ANY(${names}::text[]) AND (
      EXISTS (SELECT 1 FROM "Output" o JOIN "Prompt" p ON p.id = o."promptId" WHERE o."modelId" = m.id AND p."campaignId" = ${campaignId}::uuid)
      OR EXISTS (SELECT 1 FROM "Vote" v WHERE v."campaignId" = ${campaignId}::uuid AND (v."modelAId" = m.id OR v."modelBId" = m.id))
      OR EXISTS (SELECT 1 FROM "ModelEndpoint" e WHERE e."campaignId" = ${campaignId}::uuid AND e."modelId" = m.id))`;
  const modelIds = new Map(known.map((m) => [m.name, m.id]));
  for (const score of scores) {
    if (score.model && !modelIds.has(score.model))
      errors.push({ line: score.line, message: `unknown model "${score.model}" (not in this campaign)` });
  }
  if (errors.length) throw new ScoresRejected(errors.sort((a, b) => a.line - b.line));

  return db.$transaction(async (tx) => {
    const existing = await tx.benchmarkScore.findMany({
      where: { campaignId, OR: scores.map((s) => ({ modelId: modelIds.get(s.model)!, benchmark: s.benchmark })) },
      select: { id: true },
    });
    for (const s of scores) {
      const data = { score: s.score, higherIsBetter: s.higherIsBetter };
      const modelId = modelIds.get(s.model)!;
      await tx.benchmarkScore.upsert({
        where: { campaignId_modelId_benchmark: { campaignId, modelId, benchmark: s.benchmark } },
        update: data,
        create: { campaignId, modelId, benchmark: s.benchmark, ...data },
      });
    }
    const summary: ScoreImportSummary = {
      scores: scores.length,
      added: scores.length - existing.length,
      replaced: existing.length,
      benchmarks: [...new Set(scores.map((s) => s.benchmark))].sort(),
    };
    await tx.auditEvent.create({
      data: { actorId, action: "scores.imported", subjectType: "Campaign", subjectId: campaignId, data: { ...summary } },
    });
    return summary;
  });
}

export interface BenchmarkScores {
  benchmark: string;
  higherIsBetter: boolean;
  scores: Map<string, number>;
}

/** The campaign's benchmarks with a score for at least one of `models`. */
export async function scoresForModels(campaignId: string, models: string[]): Promise<BenchmarkScores[]> {
  const rows = await db.benchmarkScore.findMany({
    where: { campaignId, model: { name: { in: models } } },
    select: { benchmark: true, score: true, higherIsBetter: true, model: { select: { name: true } } },
    orderBy: { benchmark: "asc" },
  });
  const byBenchmark = new Map<string, BenchmarkScores>();
  for (const row of rows) {
    let entry = byBenchmark.get(row.benchmark);
    if (!entry)
      byBenchmark.set(row.benchmark, (entry = { benchmark: row.benchmark, higherIsBetter: row.higherIsBetter, scores: new Map() }));
    entry.scores.set(row.model.name, row.score);
  }
  return [...byBenchmark.values()];
}
