"use server";

import { z } from "zod";
import { requireRole } from "@/lib/auth/session";
import { nextAssignmentFor } from "@/lib/scheduling/next-assignment";
import type { NextAssignment } from "@/lib/scheduling/view";
import { skipAssignment } from "@/lib/votes/record-vote";
import { assignmentIdSchema } from "@/lib/votes/vote-input";

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
