/** A battle's result in Chatbot Arena's terms; model_a is the model shown first (left). */
export type Winner = "model_a" | "model_b" | "tie" | "tie (bothbad)";

export const WINNERS: readonly Winner[] = ["model_a", "model_b", "tie", "tie (bothbad)"];

export interface Battle {
  modelA: string;
  modelB: string;
  winner: Winner;
}

/** A seeded source of uniform numbers in [0, 1); never Math.random, so results are reproducible. */
export type Random = () => number;
