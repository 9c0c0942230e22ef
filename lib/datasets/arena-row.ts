/**
 * One vote as a row of the public Chatbot Arena datasets (lmsys/chatbot_arena_conversations),
 * plus Hikaku's own columns. This is the export format and the import format: a file exported
 * from one campaign imports into another unchanged.
 */

export interface Message {
  role: string;
  content: string;
}

export type ArenaWinner = "model_a" | "model_b" | "tie" | "tie (bothbad)";
export type ArenaOutcome = "left" | "right" | "tie" | "both_bad" | "both_good";

export interface ArenaRow {
  question_id: string | null;
  model_a: string;
  model_b: string;
  winner: ArenaWinner;
  judge: string;
  conversation_a: Message[] | null;
  conversation_b: Message[] | null;
  turn: number;
  anony: boolean;
  language: string | null;
  /** Unix seconds. */
  tstamp: number;
  outcome: ArenaOutcome;
  reason: string | null;
  corrected_answer: string | null;
  identity_leak: boolean;
  duration_ms: number | null;
  category: string | null;
}

/** Column order of every export format. */
export const ARENA_COLUMNS = [
  "question_id",
  "model_a",
  "model_b",
  "winner",
  "judge",
  "conversation_a",
  "conversation_b",
  "turn",
  "anony",
  "language",
  "tstamp",
  "outcome",
  "reason",
  "corrected_answer",
  "identity_leak",
  "duration_ms",
  "category",
] as const satisfies readonly (keyof ArenaRow)[];

export const ARENA_WINNERS: readonly ArenaWinner[] = ["model_a", "model_b", "tie", "tie (bothbad)"];
export const ARENA_OUTCOMES: readonly ArenaOutcome[] = ["left", "right", "tie", "both_bad", "both_good"];

/** Database enums ↔ file values. */
export const WINNER_TO_FILE = { MODEL_A: "model_a", MODEL_B: "model_b", TIE: "tie", TIE_BOTHBAD: "tie (bothbad)" } as const;
export const OUTCOME_TO_FILE = { LEFT: "left", RIGHT: "right", TIE: "tie", BOTH_BAD: "both_bad", BOTH_GOOD: "both_good" } as const;
export const WINNER_FROM_FILE = { model_a: "MODEL_A", model_b: "MODEL_B", tie: "TIE", "tie (bothbad)": "TIE_BOTHBAD" } as const;
export const OUTCOME_FROM_FILE = { left: "LEFT", right: "RIGHT", tie: "TIE", both_bad: "BOTH_BAD", both_good: "BOTH_GOOD" } as const;

/** The winner an outcome implies: model_a is the model shown on the left; both good counts as a tie. */
export const WINNER_OF_OUTCOME: Record<ArenaOutcome, ArenaWinner> = {
  left: "model_a",
  right: "model_b",
  tie: "tie",
  both_good: "tie",
  both_bad: "tie (bothbad)",
};

/** The outcome assumed for a battle log that has only a winner. */
export const OUTCOME_OF_WINNER: Record<ArenaWinner, ArenaOutcome> = {
  model_a: "left",
  model_b: "right",
  tie: "tie",
  "tie (bothbad)": "both_bad",
};

/** The conversation one model had: the user turns and that model's answers, for `turns` turns. */
export function conversation(userTurns: string[], answers: string[], turns: number): Message[] {
  const messages: Message[] = [];
  for (let t = 0; t < turns; t++) {
    messages.push({ role: "user", content: userTurns[t] ?? "" });
    messages.push({ role: "assistant", content: answers[t] ?? "" });
  }
  return messages;
}
