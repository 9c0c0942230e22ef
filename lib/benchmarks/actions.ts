"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import type { ActionState } from "@/lib/action-state";
import { requireRole } from "@/lib/auth/session";
import { importScores, ScoresRejected, type ScoreImportSummary, type ScoreProblem } from "./scores";
import { canResearchCampaign } from "@/lib/campaigns/access";

/** Imported (with what was imported), or refused; a file with problems is REJECTED with them (the first 200). */
export type ScoresState = ActionState<{ summary: ScoreImportSummary }, "NOT_FOUND" | "NO_FILE" | "TOO_LARGE" | "REJECTED", ScoreProblem[]>;

const MAX_SCORES_BYTES = 1_000_000;
const campaignInput = z.object({ campaignId: z.uuid(), slug: z.string().min(1).max(60) });

/** Imports a benchmark scores CSV for the models of one campaign the caller may research. */
export async function importScoresAction(_previous: ScoresState, form: FormData): Promise<ScoresState> {
  const user = await requireRole("RESEARCHER");
  const input = campaignInput.safeParse({ campaignId: form.get("campaignId"), slug: form.get("slug") });
  if (!input.success || !(await canResearchCampaign(user, input.data.campaignId))) return { status: "error", code: "NOT_FOUND" };
  const file = form.get("file");
  if (!(file instanceof File) || file.size === 0) return { status: "error", code: "NO_FILE" };
  if (file.size > MAX_SCORES_BYTES) return { status: "error", code: "TOO_LARGE" };
  try {
    const summary = await importScores(user.id, await file.text(), { campaignId: input.data.campaignId });
    revalidatePath(`/campaigns/${input.data.slug}/correlations`);
    return { status: "ok", summary };
  } catch (error) {
    if (error instanceof ScoresRejected) return { status: "error", code: "REJECTED", details: error.errors.slice(0, 200) };
    throw error;
  }
}
