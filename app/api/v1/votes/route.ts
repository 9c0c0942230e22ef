import { signedInUserId } from "@/lib/auth/session";
import { takeVote } from "@/lib/votes/vote-request";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/votes with `{"assignmentId","outcome","durationMs",…}`: the vote on the caller's own
 * pair, answered with the next pair (JSON; 401 signed out, 415 not JSON, 400/404/409/429 a refused
 * vote with its `code`). In production scripts/app-server.mjs answers this request itself, without
 * Next's request handling (lib/votes/node-vote.ts: the same steps); this route serves `next dev`.
 */
export async function POST(request: Request) {
  const answer = await takeVote({
    userId: await signedInUserId(),
    contentType: request.headers.get("content-type"),
    json: () => request.json().catch(() => undefined),
  });
  return Response.json(answer.body, { status: answer.httpStatus, headers: { "Cache-Control": "no-store" } });
}
