import "server-only";
import { ImportRejected, rowsFromFile, type ImportError } from "./rows";
import { rowsFromMtBench } from "./mtbench";
import { problem } from "./problems";
import { importRows, type ImportSummary } from "./write";

export interface NamedFile {
  name: string;
  content: string;
}

/** Imports one JSONL or CSV file of rows (prompt_id, prompt|turns, category, model, output|output_turns, reference). */
export async function importFile(
  actorId: string | null,
  campaignId: string,
  file: NamedFile,
  onProgress?: (stage: string) => void,
): Promise<ImportSummary> {
  const errors: ImportError[] = [];
  const rows = rowsFromFile(file.content, file.name, errors);
  return importRows(actorId, campaignId, rows, errors, onProgress);
}

/** Imports FastChat MT-Bench files: question.jsonl and model_answer/<model>.jsonl files. */
export async function importMtBench(
  actorId: string | null,
  campaignId: string,
  questions: NamedFile,
  answers: NamedFile[],
  onProgress?: (stage: string) => void,
): Promise<ImportSummary> {
  const errors: ImportError[] = [];
  if (answers.length === 0) errors.push(problem("model_answer", 0, "NO_ANSWER_FILES"));
  const rows = rowsFromMtBench(questions, answers, errors);
  return importRows(actorId, campaignId, rows, errors, onProgress, { allowFewerTurns: true });
}

export { ImportRejected };
