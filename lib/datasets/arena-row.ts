/**
 * A vote as a row of the public Chatbot Arena datasets (lmsys/chatbot_arena_conversations),
 * plus Hikaku's own columns: question_id, model_a, model_b (model_a was shown on the left),
 * winner, judge (a pseudonym), conversation_a/b (lists of {role, content}), turn, anony,
 * language, tstamp (Unix seconds), outcome, reason, corrected_answer, identity_leak,
 * duration_ms, category. This is the export format and the import format: a file exported from
 * one campaign imports into another unchanged.
 */

export interface Message {
  role: string;
  content: string;
}

export type ArenaWinner = "model_a" | "model_b" | "tie" | "tie (bothbad)";
export type ArenaOutcome = "left" | "right" | "tie" | "both_bad" | "both_good";

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
] as const;

export const ARENA_WINNERS: readonly ArenaWinner[] = ["model_a", "model_b", "tie", "tie (bothbad)"];
export const ARENA_OUTCOMES: readonly ArenaOutcome[] = ["left", "right", "tie", "both_bad", "both_good"];

/** File values → database enums. */
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
