import { signedJsonRequest } from "@/lib/auth/session";
import { answerResponse } from "@/lib/http/api-response";
import { takeSkip } from "@/lib/votes/vote-request";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/pairs/skip with `{"assignmentId"}`: the caller's open pair passed over, answered
 * with `{next}`. In production the app server answers it itself (lib/own-endpoints.ts).
 */
export async function POST(request: Request) {
  return answerResponse(await takeSkip(await signedJsonRequest(request)));
}
