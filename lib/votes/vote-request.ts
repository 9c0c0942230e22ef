import "server-only";
import { z } from "zod";
import { activeUser, type CurrentUser } from "@/lib/auth/active-user";
import { hasRole } from "@/lib/auth/roles";
import { refusal, type JsonAnswer } from "@/lib/http/api-error";
import type { SignedJsonRequest } from "@/lib/http/node-json";
import { nextAssignmentFor } from "@/lib/scheduling/next-assignment";
import type { NextAssignment } from "@/lib/scheduling/view";
import { recordVote, skipAssignment, type VoteResult } from "./record-vote";
import { assignmentIdSchema, voteInputSchema } from "./vote-input";

/**
 * The voting page's three requests, one transport: JSON over POST, answered with the next pair in
 * the same round trip, whichever server received them (the route files under `next dev`, the app
 * server's own table in production: lib/own-endpoints.ts). `userId` is whose session cookie came
 * with the request; the account is looked up here, so a disabled one is signed out at once. Every
 * role may vote (roles nest); whose pair it is, and every rule of the campaign, the statements decide.
 */

/** Why a vote, a skip or a request for a pair was refused (the `code` of the API's error shape). */
export type VotingRefusal = "UNAUTHENTICATED" | "INVALID" | Exclude<VoteResult, { ok: true }>["code"];

const REFUSALS: Record<VotingRefusal, [status: number, error: string]> = {
  UNAUTHENTICATED: [401, "sign in first"],
  INVALID: [400, "the request could not be read"],
  OUTCOME_NOT_ALLOWED: [400, "this campaign does not allow that outcome"],
  REASON_REQUIRED: [400, "this campaign asks for a reason with each vote"],
  CORRECTION_REQUIRED: [400, "this campaign asks for your own answer when both are bad"],
  NOT_FOUND: [404, "no such open pair"],
  EXPIRED: [409, "the pair expired before the vote arrived"],
  CLOSED: [409, "the campaign or the pair is closed"],
  RATE_LIMITED: [429, "too many votes in a minute"],
};

function refused(code: VotingRefusal, httpStatus = REFUSALS[code][0]): JsonAnswer<never> {
  return refusal(httpStatus, code, REFUSALS[code][1]);
}

/** `POST /api/v1/votes` answers: the names where the campaign reveals them, and the next pair. */
export interface VoteAnswer {
  revealed: { left: string; right: string } | null;
  next: NextAssignment;
}

/** `POST /api/v1/pairs/skip` and `/api/v1/pairs/next` answer with the next pair. */
export interface PairAnswer {
  next: NextAssignment;
}

/** The signed-in annotator and the body checked against `schema`, or why not. */
async function annotatorRequest<T>(
  request: SignedJsonRequest,
  schema: z.ZodType<T>,
): Promise<{ user: CurrentUser; input: T } | { refusal: JsonAnswer<never> }> {
  const user = request.userId ? await activeUser(request.userId) : null;
  if (!user || !hasRole(user.role, "ANNOTATOR")) return { refusal: refused("UNAUTHENTICATED") };
  // A JSON body cannot be posted across sites without the browser asking first (CORS preflight).
  if (!request.contentType?.toLowerCase().startsWith("application/json")) return { refusal: refused("INVALID", 415) };
  const parsed = schema.safeParse(await request.json());
  if (!parsed.success) return { refusal: refused("INVALID") };
  return { user, input: parsed.data };
}

/** `{"assignmentId","outcome","durationMs",…}` (lib/votes/vote-input.ts): the vote on the caller's own open pair. */
export async function takeVote(request: SignedJsonRequest): Promise<JsonAnswer<VoteAnswer>> {
  const taken = await annotatorRequest(request, voteInputSchema);
  if ("refusal" in taken) return taken.refusal;
  const result = await recordVote(taken.user.id, taken.input);
  if (!result.ok) return refused(result.code);
  return { httpStatus: 200, body: { revealed: result.revealed, next: await nextAssignmentFor(taken.user.id, result.campaignId) } };
}

/** `{"assignmentId"}`: the caller's open pair passed over, and the next one. */
export async function takeSkip(request: SignedJsonRequest): Promise<JsonAnswer<PairAnswer>> {
  const taken = await annotatorRequest(request, z.object({ assignmentId: assignmentIdSchema }));
  if ("refusal" in taken) return taken.refusal;
  const result = await skipAssignment(taken.user.id, taken.input.assignmentId);
  if (!result.ok) return refused(result.code);
  return { httpStatus: 200, body: { next: await nextAssignmentFor(taken.user.id, result.campaignId) } };
}

/** `{"campaignId"}`: a pair of the campaign for the caller (their open one, or a new one), e.g. after an expired pair; 404 outside the campaign. */
export async function takeNextPair(request: SignedJsonRequest): Promise<JsonAnswer<PairAnswer>> {
  const taken = await annotatorRequest(request, z.object({ campaignId: z.uuid() }));
  if ("refusal" in taken) return taken.refusal;
  const next = await nextAssignmentFor(taken.user.id, taken.input.campaignId);
  // Someone else's campaign looks exactly like a missing one.
  if (next.status === "notMember") return refusal(404, "NOT_FOUND", "no such campaign");
  return { httpStatus: 200, body: { next } };
}
