import { signedJsonRequest } from "@/lib/auth/session";
import { answerResponse } from "@/lib/http/api-response";
import { takeNextPair } from "@/lib/votes/vote-request";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/pairs/next with `{"campaignId"}`: the caller's pair in the campaign (their open one
 * or a new one), answered with `{next}`. In production the app server answers it itself
 * (lib/own-endpoints.ts).
 */
export async function POST(request: Request) {
  return answerResponse(await takeNextPair(await signedJsonRequest(request)));
}
