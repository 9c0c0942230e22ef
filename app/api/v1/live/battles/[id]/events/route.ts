import { jsonError } from "@/lib/http/api-response";
import { currentUser } from "@/lib/auth/session";
import { battleEventResponse } from "@/lib/live/event-response";
import { battleIdSchema } from "@/lib/live/input";
import { battleOf } from "@/lib/live/stream";

export const dynamic = "force-dynamic";

/**
 * GET /api/v1/live/battles/{id}/events: the annotator's own live battle as server-sent events
 * (`delta`, `reset`, `ready`, `void`). Closing it before the answers are in voids the battle.
 * The voting page sends a prompt and reads its answers in one request instead (POST
 * /api/v1/live/battles); this is for a battle started otherwise.
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await currentUser();
  if (!user) return jsonError(401, "UNAUTHENTICATED", "sign in first");
  const id = battleIdSchema.safeParse((await params).id);
  const battle = id.success ? await battleOf(user.id, id.data) : null;
  if (!id.success || !battle) return jsonError(404, "NOT_FOUND", "no such battle");
  return battleEventResponse(request, user.id, id.data, battle);
}
