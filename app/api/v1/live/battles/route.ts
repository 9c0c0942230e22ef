import { signedJsonRequest } from "@/lib/auth/session";
import { answerResponse } from "@/lib/http/api-response";
import { battleEventResponse } from "@/lib/live/event-response";
import { takeLiveTurn } from "@/lib/live/turn-request";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/live/battles with `{"campaignId","prompt"}` (a new battle) or
 * `{"assignmentId","prompt"}` (a follow-up on the battle being judged): the prompt is checked and
 * sent to two anonymous models, and the response is the answers as server-sent events (`delta`,
 * `reset`, `ready`, `void`, as GET …/{id}/events) — one round trip from prompt to first token.
 * A refused prompt is a JSON error with its `code`. Closing the response before the answers are
 * in voids the battle. In production the app server answers this request itself, without Next's
 * request handling (lib/own-endpoints.ts: the same steps); this route serves `next dev`.
 */
export async function POST(request: Request) {
  const answer = await takeLiveTurn(await signedJsonRequest(request));
  if ("refused" in answer) return answerResponse(answer.refused);
  return battleEventResponse(request, answer.annotatorId, answer.battleId, answer.battle);
}
