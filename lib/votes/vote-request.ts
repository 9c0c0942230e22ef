import "server-only";
import { activeUser } from "@/lib/auth/active-user";
import { hasRole } from "@/lib/auth/roles";
import type { SignedJsonRequest } from "@/lib/http/node-json";
import { nextAssignmentFor } from "@/lib/scheduling/next-assignment";
import type { NextAssignment } from "@/lib/scheduling/view";
import { recordVote, type VoteResult } from "./record-vote";
import { voteInputSchema } from "./vote-input";

type Refusal = "INVALID" | Exclude<VoteResult, { ok: true }>["code"];

/** What the voting page gets for a vote: the next pair (and the names, where revealed), or why not. */
export type VoteAnswer =
  { status: "ok"; revealed: { left: string; right: string } | null; next: NextAssignment } | { status: "error"; code: Refusal };

/** The answer without a session (HTTP 401): the page goes to sign-in. */
type SignedOut = { status: "error"; code: "SIGNED_OUT" };

const REFUSAL_STATUS: Record<Refusal, number> = {
  INVALID: 400,
  OUTCOME_NOT_ALLOWED: 400,
  REASON_REQUIRED: 400,
  CORRECTION_REQUIRED: 400,
  NOT_FOUND: 404,
  EXPIRED: 409,
  CLOSED: 409,
  RATE_LIMITED: 429,
};

/**
 * `POST /api/v1/votes` with `{"assignmentId","outcome",…}` (lib/votes/vote-input.ts): records the
 * vote on the caller's own open pair and answers with the next pair in the same round trip,
 * whichever server received it (app/api/v1/votes/route.ts under `next dev`, lib/votes/node-vote.ts
 * in production). `userId` is whose session cookie came with it; the account is looked up here,
 * so a disabled one is signed out at once. Every role may vote (roles nest); whose pair it is, and
 * every rule of the campaign, the vote's own statement decides (lib/votes/record-vote.ts).
 */
export async function takeVote(request: SignedJsonRequest): Promise<{ httpStatus: number; body: VoteAnswer | SignedOut }> {
  const user = request.userId ? await activeUser(request.userId) : null;
  if (!user || !hasRole(user.role, "ANNOTATOR")) return { httpStatus: 401, body: { status: "error", code: "SIGNED_OUT" } };
  // A JSON body cannot be posted across sites without the browser asking first (CORS preflight).
  if (!request.contentType?.toLowerCase().startsWith("application/json")) return refused("INVALID", 415);
  const parsed = voteInputSchema.safeParse(await request.json());
  if (!parsed.success) return refused("INVALID");
  const result = await recordVote(user.id, parsed.data);
  if (!result.ok) return refused(result.code);
  return {
    httpStatus: 200,
    body: { status: "ok", revealed: result.revealed, next: await nextAssignmentFor(user.id, result.campaignId) },
  };
}

function refused(code: Refusal, httpStatus = REFUSAL_STATUS[code]): { httpStatus: number; body: VoteAnswer } {
  return { httpStatus, body: { status: "error", code } };
}
