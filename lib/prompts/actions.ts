"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import type { ActionState } from "@/lib/action-state";
import { requireRole } from "@/lib/auth/session";
import { canResearchCampaign } from "@/lib/campaigns/access";
import { setPromptExcluded } from "./exclusion";

export type PromptExclusionState = ActionState<object, "NOT_FOUND">;

const exclusionInput = z.object({
  campaignId: z.uuid(),
  slug: z.string().min(1).max(60),
  promptId: z.uuid(),
  excluded: z.enum(["true", "false"]),
  reason: z.string().trim().max(500).optional(),
});

/** Leaves a prompt of a campaign the caller may research out of results, exports and serving, or takes it back (audited). */
export async function setPromptExcludedAction(_previous: PromptExclusionState, form: FormData): Promise<PromptExclusionState> {
  const user = await requireRole("RESEARCHER");
  const input = exclusionInput.safeParse(Object.fromEntries(form));
  if (!input.success || !(await canResearchCampaign(user, input.data.campaignId))) return { status: "error", code: "NOT_FOUND" };
  const { campaignId, slug, promptId, excluded, reason } = input.data;
  const changed = await setPromptExcluded(user.id, campaignId, promptId, excluded === "true", reason || null);
  if (!changed) return { status: "error", code: "NOT_FOUND" };
  revalidatePath(`/campaigns/${slug}/prompts`);
  return { status: "ok" };
}
