import { z } from "zod";
import { describeIssues, parseJsonLines } from "@/lib/imports/rows";
import { problem, type ImportError } from "@/lib/imports/problems";

/**
 * FastChat's judge outputs, read without the database:
 * - `pair`: `model_judgment/<judge>_pair.jsonl` as gen_judgment.py writes it (model_1, model_2,
 *   g1_winner, g2_winner in model terms — g2 is the position-swapped call, already mapped back);
 * - `arena`: the mt_bench_human_judgments dataset's gpt4_pair split (model_a, model_b, one winner);
 * - `single`: `<judge>_single.jsonl` (model, score 1–10 or -1 for a failed call).
 * The judge field is FastChat's `[judge model, prompt name]`.
 */

export type JudgmentFormat = "pair" | "arena" | "single";

interface Common {
  line: number;
  question: string;
  turn: number;
  judgeModel: string;
  promptName: string;
}

export interface PairJudgment extends Common {
  format: "pair" | "arena";
  modelA: string;
  modelB: string;
  /** In model_a/model_b terms: "model_a" | "model_b" | "tie" | "tie (bothbad)" | "error". */
  g1: string;
  /** The swapped order's result (null for the arena schema's single winner). */
  g2: string | null;
  explanation: string | null;
  explanationSwapped: string | null;
}

export interface SingleJudgment extends Common {
  format: "single";
  model: string;
  /** Null for FastChat's -1: the call failed. */
  score: number | null;
  explanation: string | null;
}

export type Judgment = PairJudgment | SingleJudgment;

const questionId = z.union([z.string().trim().min(1), z.number().int()]).transform(String);
const judge = z.tuple([z.string().trim().min(1), z.string()]).rest(z.unknown());
const turn = z.number().int().min(1).max(100);
const name = z.string().trim().min(1).max(200);

const PAIR_WINNERS = ["model_1", "model_2", "tie", "error"] as const;
const ARENA_WINNERS = ["model_a", "model_b", "tie", "tie (bothbad)", "error"] as const;

const pairRow = z.object({
  question_id: questionId,
  model_1: name,
  model_2: name,
  g1_winner: z.enum(PAIR_WINNERS),
  g2_winner: z.enum(PAIR_WINNERS),
  judge,
  turn,
  g1_judgment: z.string().optional(),
  g2_judgment: z.string().optional(),
});

const arenaRow = z.object({
  question_id: questionId,
  model_a: name,
  model_b: name,
  winner: z.enum(ARENA_WINNERS),
  judge,
  turn,
});

const singleRow = z.object({
  question_id: questionId,
  model: name,
  score: z.number().refine((s) => s === -1 || (s >= 0 && s <= 10), "must be -1 (a failed call) or between 0 and 10"),
  judge,
  turn,
  judgment: z.string().optional(),
});

const FIELDS: Record<JudgmentFormat, string> = {
  pair: "question_id, model_1, model_2, g1_winner, g2_winner, judge, turn",
  arena: "question_id, model_a, model_b, winner, judge, turn",
  single: "question_id, model, score, judge, turn",
};

/** Which of FastChat's files a row comes from, by the fields only that kind has. */
function formatOf(value: unknown): JudgmentFormat | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  if ("g1_winner" in value || "model_1" in value) return "pair";
  if ("winner" in value || "model_a" in value) return "arena";
  if ("score" in value) return "single";
  return null;
}

/** model_1/model_2 as model_a/model_b, the terms verdicts are stored in. */
const inModelTerms = (winner: string) => (winner === "model_1" ? "model_a" : winner === "model_2" ? "model_b" : winner);

/**
 * Every judgment of a FastChat file, or the problems with their lines (then nothing is to be
 * saved). A file holds one kind of row; the same question, models and turn twice is refused, as
 * compute_agreement.py expects one verdict per judge and pair.
 */
export function readJudgments(content: string, source: string): { judgments: Judgment[]; errors: ImportError[] } {
  const errors: ImportError[] = [];
  const values = parseJsonLines(content, source, errors);
  if (values.length === 0 && errors.length === 0) errors.push(problem(source, 1, "NO_ROWS"));
  const judgments: Judgment[] = [];
  let fileFormat: JudgmentFormat | null = null;
  const seen = new Map<string, number>();
  for (const { value, line } of values) {
    const format = formatOf(value);
    if (!format) {
      errors.push(problem(source, line, "NOT_A_JUDGMENT", { fields: Object.values(FIELDS).join(" | ") }));
      continue;
    }
    fileFormat ??= format;
    if (format !== fileFormat) {
      errors.push(problem(source, line, "JUDGMENT_KIND_MIXED", { kind: format, first: fileFormat }));
      continue;
    }
    const judgment = parseRow(format, value, line);
    if ("issues" in judgment) {
      errors.push(problem(source, line, "INVALID_ROW", { detail: judgment.issues }));
      continue;
    }
    const key =
      judgment.format === "single"
        ? [judgment.question, judgment.model, judgment.turn].join("\u0000")
        : [judgment.question, ...[judgment.modelA, judgment.modelB].sort(), judgment.turn].join("\u0000");
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      errors.push(problem(source, line, "DUPLICATE_JUDGMENT", { where: `line ${earlier}` }));
      continue;
    }
    seen.set(key, line);
    judgments.push(judgment);
  }
  return { judgments, errors };
}

/** What every kind of row says the same way. */
const commonOf = (row: { question_id: string; turn: number; judge: [string, string, ...unknown[]] }, line: number): Common => ({
  line,
  question: row.question_id,
  turn: row.turn,
  judgeModel: row.judge[0],
  promptName: row.judge[1],
});

function parseRow(format: JudgmentFormat, value: unknown, line: number): Judgment | { issues: string } {
  if (format === "pair") {
    const parsed = pairRow.safeParse(value);
    if (!parsed.success) return { issues: describeIssues(parsed.error, value) };
    const row = parsed.data;
    if (row.model_1 === row.model_2) return { issues: "model_1 and model_2 are the same model" };
    return {
      format,
      ...commonOf(row, line),
      modelA: row.model_1,
      modelB: row.model_2,
      g1: inModelTerms(row.g1_winner),
      g2: inModelTerms(row.g2_winner),
      explanation: row.g1_judgment ?? null,
      explanationSwapped: row.g2_judgment ?? null,
    };
  }
  if (format === "arena") {
    const parsed = arenaRow.safeParse(value);
    if (!parsed.success) return { issues: describeIssues(parsed.error, value) };
    const row = parsed.data;
    if (row.model_a === row.model_b) return { issues: "model_a and model_b are the same model" };
    return {
      format,
      ...commonOf(row, line),
      modelA: row.model_a,
      modelB: row.model_b,
      g1: row.winner,
      g2: null,
      explanation: null,
      explanationSwapped: null,
    };
  }
  const parsed = singleRow.safeParse(value);
  if (!parsed.success) return { issues: describeIssues(parsed.error, value) };
  const row = parsed.data;
  return {
    format,
    ...commonOf(row, line),
    model: row.model,
    score: row.score === -1 ? null : row.score,
    explanation: row.judgment ?? null,
  };
}
