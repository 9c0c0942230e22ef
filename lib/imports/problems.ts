import { en } from "@/lib/i18n/messages/en";
import { createTranslator } from "@/lib/i18n/translate";

export type ProblemCode = keyof typeof en.importErrors;

/** One problem in an import file: where, which kind, and its details (the UI translates them). */
export interface ImportError {
  source: string;
  line: number;
  code: ProblemCode;
  params: Record<string, string | number>;
  /** The English sentence, for the CLI and logs. */
  message: string;
}

const english = createTranslator(en);

export function problem(source: string, line: number, code: ProblemCode, params: Record<string, string | number> = {}): ImportError {
  return { source, line, code, params, message: english(`importErrors.${code}`, params) };
}
