import { hash } from "node:crypto";
import {
  ARENA_OUTCOMES,
  ARENA_WINNERS,
  OUTCOME_FROM_FILE,
  OUTCOME_OF_WINNER,
  WINNER_FROM_FILE,
  WINNER_OF_OUTCOME,
  type ArenaOutcome,
  type ArenaWinner,
  type Message,
} from "./arena-row";
import { styleOf } from "@/lib/results/style-counts";

/** A battle-log row checked and normalised, ready for the database. */
export interface ImportedVote {
  line: number;
  /** Stable per row: from tstamp (or the row's position without one), question_id, model_a, model_b and judge. */
  key: string;
  /** Everything else about the row, to tell a re-import (same) from a conflict (different). */
  hash: string;
  questionId: string | null;
  modelA: string;
  modelB: string;
  winner: (typeof WINNER_FROM_FILE)[ArenaWinner];
  outcome: (typeof OUTCOME_FROM_FILE)[ArenaOutcome];
  judge: string;
  turn: number;
  language: string | null;
  /** Unix seconds, rounded to the microseconds PostgreSQL keeps. */
  tstamp: number | null;
  reason: string | null;
  correctedAnswer: string | null;
  identityLeak: boolean;
  durationMs: number | null;
  category: string | null;
  conversationA: string | null;
  conversationB: string | null;
  /** Each side's style counts (length, headers, lists, bold) as an array literal; empty without a conversation. */
  styleA: string;
  styleB: string;
}

const MAX_TEXT = 1_000_000;

class RowProblem extends Error {}

function present(value: unknown): boolean {
  return value !== undefined && value !== null && value !== "";
}

function text(values: Record<string, unknown>, name: string, { required = false, max = 1000 } = {}): string | null {
  const value = values[name];
  if (!present(value)) {
    if (required) throw new RowProblem(`missing ${name}`);
    return null;
  }
  if (typeof value !== "string" && typeof value !== "number" && typeof value !== "bigint")
    throw new RowProblem(`${name} must be text, found ${describe(value)}`);
  const result = String(value);
  if (result.length > max) throw new RowProblem(`${name} is longer than ${max} characters`);
  if (required && result.trim() === "") throw new RowProblem(`missing ${name}`);
  return result;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value === null) return "null";
  return typeof value === "object" ? "an object" : `${typeof value} ${JSON.stringify(String(value)).slice(0, 40)}`;
}

function integer(values: Record<string, unknown>, name: string, min: number): number | null {
  const value = values[name];
  if (!present(value)) return null;
  const number = typeof value === "bigint" ? Number(value) : typeof value === "string" ? Number(value.trim()) : value;
  if (typeof number !== "number" || !Number.isInteger(number) || number < min || number > 2_147_483_647)
    throw new RowProblem(`${name} must be a whole number ≥ ${min}, found ${describe(value)}`);
  return number;
}

function boolean(values: Record<string, unknown>, name: string): boolean | null {
  const value = values[name];
  if (!present(value)) return null;
  if (typeof value === "boolean") return value;
  if (value === "true" || value === "True" || value === "1" || value === 1) return true;
  if (value === "false" || value === "False" || value === "0" || value === 0) return false;
  throw new RowProblem(`${name} must be true or false, found ${describe(value)}`);
}

function timestamp(values: Record<string, unknown>): number | null {
  const value = values.tstamp;
  if (!present(value)) return null;
  let seconds = typeof value === "number" ? value : typeof value === "bigint" ? Number(value) : Number.NaN;
  if (typeof value === "string") {
    seconds = Number(value.trim());
    if (!Number.isFinite(seconds)) seconds = Date.parse(value) / 1000;
  }
  if (value instanceof Date) seconds = value.getTime() / 1000;
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > 32503680000)
    throw new RowProblem(`tstamp must be Unix seconds or a date, found ${describe(value)}`);
  return Math.round(seconds * 1e6) / 1e6;
}

function messages(values: Record<string, unknown>, name: string): Message[] | null {
  let value = values[name];
  if (!present(value)) return null;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      throw new RowProblem(`${name} is not a JSON list of {role, content} messages`);
    }
  }
  if (!Array.isArray(value)) throw new RowProblem(`${name} must be a list of {role, content} messages, found ${describe(value)}`);
  const list: Message[] = value.map((message, i) => {
    const m = message as { role?: unknown; content?: unknown } | null;
    if (!m || typeof m !== "object" || typeof m.role !== "string" || typeof m.content !== "string")
      throw new RowProblem(`${name}[${i}] must have text role and content`);
    if (m.content.length > MAX_TEXT) throw new RowProblem(`${name}[${i}] is longer than ${MAX_TEXT} characters`);
    return { role: m.role, content: m.content };
  });
  return list;
}

function oneOf<T extends string>(value: string | null, allowed: readonly T[], name: string): T | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (!(allowed as readonly string[]).includes(trimmed))
    throw new RowProblem(`unknown ${name} "${value.slice(0, 60)}" (expected one of: ${allowed.join(" | ")})`);
  return trimmed as T;
}

function digest(value: unknown): string {
  // One-shot hashing: three times faster than createHash for inputs this small, same bytes.
  return hash("sha256", JSON.stringify(value), "base64url").slice(0, 32);
}

/**
 * Checks one battle-log row (the export schema; only model_a, model_b and winner are required)
 * and normalises it. `pseudonym` turns a judge that looks like an e-mail address into a
 * pseudonym, so no address is ever stored or exported again.
 */
export function toImportedVote(
  line: number,
  values: Record<string, unknown>,
  pseudonym: (judge: string) => string,
): { vote: ImportedVote } | { problem: string } {
  try {
    const modelA = text(values, "model_a", { required: true, max: 200 })!.trim();
    const modelB = text(values, "model_b", { required: true, max: 200 })!.trim();
    if (modelA === modelB) throw new RowProblem(`model_a and model_b are the same model (${modelA})`);
    const winner = oneOf(text(values, "winner", { required: true }), ARENA_WINNERS, "winner")!;
    const outcome = oneOf(text(values, "outcome"), ARENA_OUTCOMES, "outcome") ?? OUTCOME_OF_WINNER[winner];
    if (WINNER_OF_OUTCOME[outcome] !== winner) throw new RowProblem(`outcome "${outcome}" contradicts winner "${winner}"`);
    const anony = boolean(values, "anony");
    if (anony === false) throw new RowProblem("anony is false: only blind (anonymous) battles can be rated");
    const rawJudge = text(values, "judge", { max: 200 })?.trim() || "anonymous";
    const judge = rawJudge.includes("@") ? pseudonym(rawJudge) : rawJudge;
    const questionId = text(values, "question_id", { max: 200 });
    const tstamp = timestamp(values);
    const conversationA = messages(values, "conversation_a");
    const conversationB = messages(values, "conversation_b");
    const rest = {
      turn: integer(values, "turn", 1) ?? 1,
      language: text(values, "language", { max: 100 }),
      reason: text(values, "reason", { max: 10_000 }),
      correctedAnswer: text(values, "corrected_answer", { max: MAX_TEXT }),
      identityLeak: boolean(values, "identity_leak") ?? false,
      durationMs: integer(values, "duration_ms", 0),
      category: text(values, "category", { max: 200 }),
      conversationA: conversationA && JSON.stringify(conversationA),
      conversationB: conversationB && JSON.stringify(conversationB),
    };
    const vote: ImportedVote = {
      line,
      // Keys start with the time (or the row) so that a file, inserted in time order, fills the
      // (campaign, key) index from one end instead of at random places: many times faster.
      key: `${tstamp === null ? `r${String(line).padStart(12, "0")}` : `t${String(Math.round(tstamp * 1e6)).padStart(17, "0")}`}:${digest([questionId, modelA, modelB, judge, tstamp ?? line])}`,
      hash: digest([WINNER_FROM_FILE[winner], OUTCOME_FROM_FILE[outcome], rest]),
      questionId,
      modelA,
      modelB,
      winner: WINNER_FROM_FILE[winner],
      outcome: OUTCOME_FROM_FILE[outcome],
      judge,
      tstamp,
      ...rest,
      styleA: styleOf(conversationA),
      styleB: styleOf(conversationB),
    };
    return { vote };
  } catch (error) {
    if (error instanceof RowProblem) return { problem: error.message };
    throw error;
  }
}
