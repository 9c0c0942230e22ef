import { z } from "zod";
import { problem } from "./problems";
import { describeIssues, parseJsonLines, type ImportError, type ImportRow } from "./rows";

const questionSchema = z.object({
  question_id: z.union([z.string(), z.number().int()]).transform(String),
  category: z.string().optional(),
  turns: z.array(z.string()).min(1),
  reference: z.array(z.string()).optional(),
});

const answerSchema = z.object({
  question_id: z.union([z.string(), z.number().int()]).transform(String),
  model_id: z.string().optional(),
  choices: z.array(z.object({ turns: z.array(z.string()).min(1) })).min(1),
});

/**
 * FastChat MT-Bench files as import rows: question.jsonl gives the prompts, each
 * model_answer/<model>.jsonl one model's answers. The model is named by the file, as FastChat's
 * load_model_answers does: a file's model_id can differ from its name (Japanese MT-Bench's
 * jslma-7b-ja-orca-6k-3ep.jsonl says jslm-alpha-7b-ja-orca-6k-3ep), and judgments and scores
 * use the file name.
 */
export function rowsFromMtBench(
  questions: { name: string; content: string },
  answers: { name: string; content: string }[],
  errors: ImportError[],
): ImportRow[] {
  const rows: ImportRow[] = [];
  for (const { value, line } of parseJsonLines(questions.content, questions.name, errors)) {
    const parsed = questionSchema.safeParse(value);
    if (!parsed.success) {
      errors.push(problem(questions.name, line, "INVALID_ROW", { detail: describeIssues(parsed.error, value) }));
      continue;
    }
    const q = parsed.data;
    rows.push({ line, source: questions.name, promptId: q.question_id, turns: q.turns, category: q.category, reference: q.reference });
  }
  for (const file of answers) {
    const model = file.name.replace(/^.*\//, "").replace(/\.jsonl$/i, "");
    for (const { value, line } of parseJsonLines(file.content, file.name, errors)) {
      const parsed = answerSchema.safeParse(value);
      if (!parsed.success) {
        errors.push(problem(file.name, line, "INVALID_ROW", { detail: describeIssues(parsed.error, value) }));
        continue;
      }
      const answer = parsed.data;
      rows.push({
        line,
        source: file.name,
        promptId: answer.question_id,
        model,
        outputTurns: answer.choices[0].turns,
      });
    }
  }
  return rows;
}
