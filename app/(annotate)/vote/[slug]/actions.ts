"use server";

import { z } from "zod";
import { requireRole } from "@/lib/auth/session";
import { OUTCOMES } from "@/lib/campaigns/settings";
import { nextAssignmentFor } from "@/lib/scheduling/next-assignment";
import type { NextAssignment } from "@/lib/scheduling/view";
import { recordVote, skipAssignment, type VoteResult } from "@/lib/votes/record-vote";

// Assignment ids are 43-character base64url tokens; anything else cannot be one.
const assignmentId = z.string().regex(/^[A-Za-z0-9_-]{20,100}$/);

const voteSchema = z.object({
  assignmentId,
  outcome: z.enum(OUTCOMES),
  reason: z.string().max(2000).optional(),
  correctedAnswer: z.string().max(20_000).optional(),
  identityLeak: z.boolean().optional(),
  durationMs: z
    .number()
    .finite()
    .min(0)
    .max(24 * 3600 * 1000),
});

export type VoteActionResult =
  | { status: "ok"; revealed: { left: string; right: string } | null; next: NextAssignment }
  | {
      status: "error";
      code: "INVALID" | Exclude<VoteResult, { ok: true }>["code"];
    };

/** Records a vote on the caller's own assignment and returns the next pair in the same round trip. */
export async function castVote(input: z.input<typeof voteSchema>): Promise<VoteActionResult> {
  const user = await requireRole("ANNOTATOR");
  const parsed = voteSchema.safeParse(input);
  if (!parsed.success) return { status: "error", code: "INVALID" };
  const result = await recordVote(user.id, parsed.data);
  if (!result.ok) return { status: "error", code: result.code };
  return { status: "ok", revealed: result.revealed, next: await nextAssignmentFor(user.id, result.campaignId) };
}

export type SkipActionResult = { status: "ok"; next: NextAssignment } | { status: "error"; code: "INVALID" | "NOT_FOUND" | "CLOSED" };

export async function skipPair(id: string): Promise<SkipActionResult> {
  const user = await requireRole("ANNOTATOR");
  const parsed = assignmentId.safeParse(id);
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
