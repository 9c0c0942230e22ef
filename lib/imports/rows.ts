import { z } from "zod";
import { parseCsv } from "@/lib/csv/read";
import { problem, type ImportError } from "./problems";

/** One row of an import: a prompt, optionally with one model's answer to it. */
export interface ImportRow {
  line: number;
  /** Where the row came from, for error messages (file name). */
  source: string;
  promptId: string;
  /** Absent when the row only refers to a prompt given on another row or imported before. */
  turns?: string[];
  category?: string;
  reference?: string[];
  model?: string;
  outputTurns?: string[];
  /** A known good or bad answer: a pair of one of each is a gold pair that annotators must get right. */
  gold?: "GOOD" | "BAD";
}

export type { ImportError };

export class ImportRejected extends Error {
  constructor(readonly errors: ImportError[]) {
    super(`The import was rejected: ${errors.length} problem${errors.length === 1 ? "" : "s"}.\n${formatImportErrors(errors)}`);
  }
}

export function formatImportErrors(errors: ImportError[], limit = 50): string {
  const lines = errors.slice(0, limit).map((e) => `${e.source}:${e.line}: ${e.message}`);
  if (errors.length > limit) lines.push(`… and ${errors.length - limit} more`);
  return lines.join("\n");
}

const text = z.string().refine((s) => s.trim().length > 0, "must not be empty");
const turnList = z.array(z.string()).min(1, "needs at least one turn");
const id = z.union([z.string(), z.number().int()]).transform(String).pipe(text);

/** The generic row: prompt_id, prompt | turns, category?, model?, output | output_turns, reference?. */
const rowSchema = z
  .object({
    prompt_id: id,
    // An annotator would see an empty question: a prompt needs some text (an answer may be empty).
    prompt: text.optional(),
    turns: z.array(text).min(1, "needs at least one turn").optional(),
    category: z.string().optional(),
    model: z.string().optional(),
    output: z.string().optional(),
    output_turns: turnList.optional(),
    reference: z.union([z.string(), z.array(z.string())]).optional(),
    gold: z.preprocess((v) => (typeof v === "string" ? v.trim().toLowerCase() : v), z.enum(["good", "bad"]).optional()),
  })
  .superRefine((row, ctx) => {
    if (row.prompt !== undefined && row.turns !== undefined)
      ctx.addIssue({ code: "custom", message: "give either prompt or turns, not both" });
    if (row.output !== undefined && row.output_turns !== undefined)
      ctx.addIssue({ code: "custom", message: "give either output or output_turns, not both" });
    const hasOutput = row.output !== undefined || row.output_turns !== undefined;
    if (hasOutput && !row.model?.trim()) ctx.addIssue({ code: "custom", message: "missing field model (an output needs its model)" });
    if (row.model?.trim() && !hasOutput)
      ctx.addIssue({ code: "custom", message: "missing field output or output_turns for model " + row.model });
    if (row.gold !== undefined && !hasOutput) ctx.addIssue({ code: "custom", message: "gold marks an answer: the row needs an output" });
    if (!hasOutput && row.prompt === undefined && row.turns === undefined) {
      ctx.addIssue({ code: "custom", message: "missing field prompt or turns (a row without an output must define its prompt)" });
    }
  });

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** Zod's issues as short sentences; a field absent from the row is "missing field X". */
export function describeIssues(error: z.ZodError, input: unknown): string {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return `expected a JSON object, found ${kindOf(input)}`;
  return error.issues
    .map((issue) => {
      const field = issue.path.join(".");
      // Zod leaves the offending input out of its issues: look the field up in the row itself.
      const found = issue.path.reduce<unknown>(
        (value, key) => (typeof value === "object" && value !== null ? (value as Record<PropertyKey, unknown>)[key] : undefined),
        input,
      );
      if (issue.path.length > 0 && found === undefined) return `missing field ${field}`;
      if (issue.code === "invalid_type") return `${field}: expected ${issue.expected}, found ${kindOf(found)}`;
      return field ? `${field}: ${issue.message}` : issue.message;
    })
    .join("; ");
}

function toRow(value: unknown, source: string, line: number, errors: ImportError[]): ImportRow | null {
  const parsed = rowSchema.safeParse(value);
  if (!parsed.success) {
    errors.push(problem(source, line, "INVALID_ROW", { detail: describeIssues(parsed.error, value) }));
    return null;
  }
  const row = parsed.data;
  const model = row.model?.trim() || undefined;
  return {
    line,
    source,
    promptId: row.prompt_id.trim(),
    turns: row.turns ?? (row.prompt !== undefined ? [row.prompt] : undefined),
    category: row.category?.trim() || undefined,
    reference: row.reference === undefined ? undefined : Array.isArray(row.reference) ? row.reference : [row.reference],
    model,
    outputTurns: row.output_turns ?? (row.output !== undefined ? [row.output] : undefined),
    gold: row.gold === "good" ? "GOOD" : row.gold === "bad" ? "BAD" : undefined,
  };
}

/** Each non-blank line as JSON; bad JSON is reported with its line number. */
export function parseJsonLines(content: string, source: string, errors: ImportError[]): { value: unknown; line: number }[] {
  const values: { value: unknown; line: number }[] = [];
  content.split(/\r?\n/).forEach((raw, index) => {
    if (!raw.trim()) return;
    try {
      values.push({ value: JSON.parse(raw), line: index + 1 });
    } catch (error) {
      errors.push(problem(source, index + 1, "BAD_JSON", { detail: (error as Error).message }));
    }
  });
  return values;
}

export function rowsFromJsonl(content: string, source: string, errors: ImportError[]): ImportRow[] {
  return parseJsonLines(content, source, errors)
    .map(({ value, line }) => toRow(value, source, line, errors))
    .filter((row): row is ImportRow => row !== null);
}

/** CSV with a header; `turns`, `output_turns` and a `reference` starting with "[" hold JSON arrays. */
export function rowsFromCsv(content: string, source: string, errors: ImportError[]): ImportRow[] {
  let records;
  try {
    records = parseCsv(content);
  } catch (error) {
    errors.push(
      problem(source, (error as { line?: number }).line ?? 1, "CSV_SYNTAX", {
        detail: (error as Error).message.replace(/^line \d+: /, ""),
      }),
    );
    return [];
  }
  if (records.length === 0) return [];
  const header = records[0].fields.map((h) => h.trim());
  const rows: ImportRow[] = [];
  for (const { fields, line } of records.slice(1)) {
    if (fields.length !== header.length) {
      errors.push(problem(source, line, "FIELD_COUNT", { expected: header.length, found: fields.length }));
      continue;
    }
    const value: Record<string, unknown> = {};
    let bad = false;
    header.forEach((name, i) => {
      const cell = fields[i];
      if (cell === "") return;
      if (name === "turns" || name === "output_turns" || (name === "reference" && cell.trimStart().startsWith("["))) {
        try {
          value[name] = JSON.parse(cell);
        } catch {
          errors.push(problem(source, line, "NOT_JSON_ARRAY", { field: name }));
          bad = true;
        }
      } else {
        value[name] = cell;
      }
    });
    if (!bad) {
      const row = toRow(value, source, line, errors);
      if (row) rows.push(row);
    }
  }
  return rows;
}

/** Picks the parser from the file name: .csv is CSV, anything else JSON Lines. */
export function rowsFromFile(content: string, fileName: string, errors: ImportError[]): ImportRow[] {
  return fileName.toLowerCase().endsWith(".csv") ? rowsFromCsv(content, fileName, errors) : rowsFromJsonl(content, fileName, errors);
}
