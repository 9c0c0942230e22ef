"use server";

import { z } from "zod";
import { requireRole } from "@/lib/auth/session";
import { nextAssignmentFor } from "@/lib/scheduling/next-assignment";
import type { NextAssignment } from "@/lib/scheduling/view";
import { recordVote, skipAssignment, type VoteResult } from "@/lib/votes/record-vote";
import { assignmentIdSchema, voteInputSchema } from "@/lib/votes/vote-input";

export type VoteActionResult =
  | { status: "ok"; revealed: { left: string; right: string } | null; next: NextAssignment }
  | {
      status: "error";
      code: "INVALID" | Exclude<VoteResult, { ok: true }>["code"];
    };

/** Records a vote on the caller's own assignment and returns the next pair in the same round trip. */
export async function castVote(input: z.input<typeof voteInputSchema>): Promise<VoteActionResult> {
  const user = await requireRole("ANNOTATOR");
  const parsed = voteInputSchema.safeParse(input);
  if (!parsed.success) return { status: "error", code: "INVALID" };
  const result = await recordVote(user.id, parsed.data);
  if (!result.ok) return { status: "error", code: result.code };
  return { status: "ok", revealed: result.revealed, next: await nextAssignmentFor(user.id, result.campaignId) };
}

export type SkipActionResult = { status: "ok"; next: NextAssignment } | { status: "error"; code: "INVALID" | "NOT_FOUND" | "CLOSED" };

export async function skipPair(id: string): Promise<SkipActionResult> {
  const user = await requireRole("ANNOTATOR");
  const parsed = assignmentIdSchema.safeParse(id);
  if (!parsed.success) return { status: "error", code: "INVALID" };
  const result = await skipAssignment(user.id, parsed.data);
  if (!result.ok) return { status: "error", code: result.code };
  return { status: "ok", next: await nextAssignmentFor(user.id, result.campaignId) };
}

const campaignId = z.uuid();

/** A fresh pair after an error (e.g. an expired assignment). */
export async function requestPair(id: string): Promise<NextAssignment> {
  const user = await requireRole("ANNOTATOR");
  const parsed = campaignId.safeParse(id);
  if (!parsed.success) return { status: "notMember" };
  return nextAssignmentFor(user.id, parsed.data);
}
