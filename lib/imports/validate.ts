import { problem } from "./problems";
import type { ImportError, ImportRow } from "./rows";

export interface PromptDraft {
  externalId: string;
  turns: string[];
  category?: string;
  reference?: string[];
  line: number;
  source: string;
}

export interface OutputDraft {
  promptExternalId: string;
  model: string;
  turns: string[];
  gold?: "GOOD" | "BAD";
  line: number;
  source: string;
}

export interface ImportPlan {
  prompts: Map<string, PromptDraft>;
  /** Prompts the rows refer to without defining them: they must already exist in the campaign. */
  referencedPrompts: Set<string>;
  outputs: OutputDraft[];
}

const sameTurns = (a: string[], b: string[]) => a.length === b.length && a.every((turn, i) => turn === b[i]);

/**
 * Checks the rows against each other: a prompt defined twice differently, an output given twice,
 * an output whose turn count differs from its prompt's (with `allowFewerTurns`, answers to only the
 * first turns are accepted, as in MT-Bench runs that judged turn 1 only). Rows whose prompt is not in the file are
 * collected in `referencedPrompts` for the database check.
 */
export function planImport(rows: ImportRow[], errors: ImportError[], options: { allowFewerTurns?: boolean } = {}): ImportPlan {
  const prompts = new Map<string, PromptDraft>();
  for (const row of rows) {
    if (!row.turns) continue;
    const existing = prompts.get(row.promptId);
    if (!existing) {
      prompts.set(row.promptId, {
        externalId: row.promptId,
        turns: row.turns,
        category: row.category,
        reference: row.reference,
        line: row.line,
        source: row.source,
      });
    } else if (!sameTurns(existing.turns, row.turns)) {
      errors.push(
        problem(row.source, row.line, "PROMPT_DIFFERS_IN_FILE", { prompt: row.promptId, where: `${existing.source}:${existing.line}` }),
      );
    }
  }
  const outputs: OutputDraft[] = [];
  const seen = new Map<string, ImportRow>();
  const referencedPrompts = new Set<string>();
  for (const row of rows) {
    if (!row.model || !row.outputTurns) continue;
    const key = `${row.promptId}\u0000${row.model}`;
    const first = seen.get(key);
    if (first) {
      errors.push(
        problem(row.source, row.line, "DUPLICATE_OUTPUT", {
          model: row.model,
          prompt: row.promptId,
          where: `${first.source}:${first.line}`,
        }),
      );
      continue;
    }
    seen.set(key, row);
    const prompt = prompts.get(row.promptId);
    const tooFew = prompt && row.outputTurns.length < prompt.turns.length && !options.allowFewerTurns;
    if (prompt && (tooFew || row.outputTurns.length > prompt.turns.length)) {
      errors.push(
        problem(row.source, row.line, "TURN_MISMATCH", {
          prompt: row.promptId,
          promptTurns: prompt.turns.length,
          model: row.model,
          outputTurns: row.outputTurns.length,
        }),
      );
      continue;
    }
    if (!prompt) referencedPrompts.add(row.promptId);
    outputs.push({
      promptExternalId: row.promptId,
      model: row.model,
      turns: row.outputTurns,
      gold: row.gold,
      line: row.line,
      source: row.source,
    });
  }
  return { prompts, referencedPrompts, outputs };
}
