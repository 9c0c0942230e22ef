import { jsonError } from "@/lib/auth/request-user";
import { signedInUserId } from "@/lib/auth/session";
import { battleEventResponse } from "@/lib/live/event-response";
import { takeLiveTurn } from "@/lib/live/turn-request";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/live/battles with `{"campaignId","prompt"}` (a new battle) or
 * `{"assignmentId","prompt"}` (a follow-up on the battle being judged): the prompt is checked and
 * sent to two anonymous models, and the response is the answers as server-sent events (`delta`,
 * `reset`, `ready`, `void`, as GET …/{id}/events) — one round trip from prompt to first token.
 * A refused prompt is a JSON error with its `code`. Closing the response before the answers are
 * in voids the battle. In production scripts/app-server.mjs answers this request itself, without
 * Next's request handling (lib/live/node-turn.ts: the same steps); this route serves `next dev`.
 */
export async function POST(request: Request) {
  const answer = await takeLiveTurn({
    userId: await signedInUserId(),
    contentType: request.headers.get("content-type"),
    json: () => request.json().catch(() => undefined),
  });
  if ("refused" in answer) {
    const { status, error, code } = answer.refused;
    return jsonError(status, error, { code });
  }
  return battleEventResponse(request, answer.annotatorId, answer.battleId, answer.battle);
}
