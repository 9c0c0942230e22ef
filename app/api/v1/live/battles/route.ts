import { jsonError } from "@/lib/auth/request-user";
import { hasRole } from "@/lib/auth/roles";
import { currentUser } from "@/lib/auth/session";
import { askFollowUp, startBattle, type StartResult } from "@/lib/live/battles";
import { battleEventResponse } from "@/lib/live/event-response";
import { liveTurnSchema } from "@/lib/live/input";

export const dynamic = "force-dynamic";

type Refusal = Exclude<StartResult, { ok: true }>["code"];

const REFUSAL_STATUS: Record<Refusal, number> = {
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

/**
 * POST /api/v1/live/battles with `{"campaignId","prompt"}` (a new battle) or
 * `{"assignmentId","prompt"}` (a follow-up on the battle being judged): the prompt is checked and
 * sent to two anonymous models, and the response is the answers as server-sent events (`delta`,
 * `reset`, `ready`, `void`, as GET …/{id}/events) — one round trip from prompt to first token.
 * A refused prompt is a JSON error with its `code`. Closing the response before the answers are
 * in voids the battle.
 */
export async function POST(request: Request) {
  const user = await currentUser();
  if (!user) return jsonError(401, "sign in first");
  if (!hasRole(user.role, "ANNOTATOR")) return jsonError(403, "only annotators may send live prompts");
  // A JSON body cannot be posted across sites without the browser asking first (CORS preflight).
  if (!request.headers.get("content-type")?.toLowerCase().startsWith("application/json")) {
    return jsonError(415, "send the prompt as application/json", { code: "INVALID" });
  }
  const body: unknown = await request.json().catch(() => undefined);
  const parsed = liveTurnSchema.safeParse(body);
  if (!parsed.success) return jsonError(400, "expected {campaignId, prompt} or {assignmentId, prompt}", { code: "INVALID" });
  const turn = parsed.data;
  const result =
    "campaignId" in turn
      ? await startBattle(user.id, turn.campaignId, turn.prompt, { claimForStream: true })
      : await askFollowUp(user.id, turn.assignmentId, turn.prompt, { claimForStream: true });
  if (!result.ok) return jsonError(REFUSAL_STATUS[result.code], "the prompt was not sent", { code: result.code });
  return battleEventResponse(request, user.id, result.battleId, result.battle);
}
