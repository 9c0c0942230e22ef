import "server-only";
import { refusal, type JsonAnswer } from "@/lib/http/api-error";
import type { SignedJsonRequest } from "@/lib/http/node-json";
import type { StartResult } from "./battle-types";
import { askFollowUp } from "./follow-up";
import { startBattle } from "./start";
import { liveTurnSchema } from "./input";
import type { BattleState } from "./stream";

type Refusal = Exclude<StartResult, { ok: true }>["code"];

const REFUSAL_STATUS: Record<Refusal, number> = {
  UNAUTHENTICATED: 401,
  NOT_FOUND: 404,
  NOT_LIVE: 409,
  CLOSED: 409,
  NO_MODELS: 409,
  TOO_MANY_TURNS: 409,
  RATE_LIMITED: 429,
  EMPTY: 400,
  TOO_LONG: 400,
  MODERATED: 422,
  MODERATION_UNAVAILABLE: 503,
};

/** What `POST /api/v1/live/battles` answers: a refusal in the API's error shape, or the battle whose events follow. */
export type LiveTurnAnswer = { refused: JsonAnswer<never> } | { annotatorId: string; battleId: string; battle: BattleState };

/**
 * A live turn as the voting page sends it — `{"campaignId","prompt"}` (a new battle) or
 * `{"assignmentId","prompt"}` (a follow-up on the battle being judged) — checked and sent to two
 * anonymous models, whichever server received it (app/api/v1/live/battles/route.ts under
 * `next dev`, lib/live/node-turn.ts in production). `userId` is whose session cookie came
 * with it: every role may annotate (roles nest), and whether the account is still active is
 * checked by the statement that writes the turn (a refused prompt then says UNAUTHENTICATED), which
 * spares a round trip before the first token.
 */
export async function takeLiveTurn(request: SignedJsonRequest): Promise<LiveTurnAnswer> {
  if (!request.userId) return { refused: refusal(401, "UNAUTHENTICATED", "sign in first") };
  // A JSON body cannot be posted across sites without the browser asking first (CORS preflight).
  if (!request.contentType?.toLowerCase().startsWith("application/json")) {
    return { refused: refusal(415, "INVALID", "send the prompt as application/json") };
  }
  const parsed = liveTurnSchema.safeParse(await request.json());
  if (!parsed.success) return { refused: refusal(400, "INVALID", "expected {campaignId, prompt} or {assignmentId, prompt}") };
  const turn = parsed.data;
  const annotatorId = request.userId;
  const result =
    "campaignId" in turn
      ? await startBattle(annotatorId, turn.campaignId, turn.prompt, { claimForStream: true })
      : await askFollowUp(annotatorId, turn.assignmentId, turn.prompt, { claimForStream: true });
  if (!result.ok) return { refused: refusal(REFUSAL_STATUS[result.code], result.code, "the prompt was not sent") };
  return { annotatorId, battleId: result.battleId, battle: result.battle };
}
