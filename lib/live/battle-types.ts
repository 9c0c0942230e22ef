import type { PromptRefusal } from "./moderation";
import type { FailureCause } from "./openai";
import type { BattleState } from "./stream";

/** What starting, continuing and finishing a live battle answer: shared by lib/live/start.ts, follow-up.ts and finish.ts. */

export type StartResult =
  | { ok: true; battleId: string; battle: BattleState }
  | {
      ok: false;
      code: "UNAUTHENTICATED" | "NOT_FOUND" | "NOT_LIVE" | "CLOSED" | "NO_MODELS" | "TOO_MANY_TURNS" | "RATE_LIMITED" | PromptRefusal;
    };

export type Refused = Extract<StartResult, { ok: false }>;

export type JobOutcome = { content: string; firstTokenAt?: Date | null } | { failure: { cause: FailureCause; detail: string } };

export interface FinishCheck {
  /** For a worker's answer: the lease it holds; the job must still be leased to it. */
  attempt?: number;
  /** For a worker's answer: its model's endpoint; another model's job looks like a missing one. */
  endpointId?: string;
}

export type FinishResult = { applied: true } | { applied: false; state: string; sameAnswer: boolean };
