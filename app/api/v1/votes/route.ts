import { signedJsonRequest } from "@/lib/auth/session";
import { answerResponse } from "@/lib/http/api-response";
import { takeVote } from "@/lib/votes/vote-request";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/votes with `{"assignmentId","outcome","durationMs",…}`: the vote on the caller's own
 * pair, answered with `{revealed, next}` (401 signed out, 415 not JSON, 400/404/409/429 a refused
 * vote, each `{error, code}`). In production the app server answers it itself (lib/own-endpoints.ts,
 * the same steps); this route serves `next dev`.
 */
export async function POST(request: Request) {
  return answerResponse(await takeVote(await signedJsonRequest(request)));
}
