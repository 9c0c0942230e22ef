"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireRole } from "@/lib/auth/session";
import { importScores, ScoresRejected, type ScoreImportSummary, type ScoreProblem } from "@/lib/benchmarks/scores";
import { canResearchCampaign } from "@/lib/campaigns/access";
import { setAnnotatorFlag } from "@/lib/campaigns/flags";

export type ScoresState =
  | { status: "idle" }
  | { status: "ok"; summary: ScoreImportSummary }
  | { status: "rejected"; errors: ScoreProblem[] }
  | { status: "error"; code: "NOT_FOUND" | "NO_FILE" | "TOO_LARGE" };

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
    if (error instanceof ScoresRejected) return { status: "rejected", errors: error.errors.slice(0, 200) };
    throw error;
  }
}

export type FlagState = { status: "idle" | "ok" } | { status: "error"; code: "NOT_FOUND" };

const flagInput = z.object({ campaignId: z.uuid(), slug: z.string().min(1).max(60), userId: z.uuid(), flagged: z.enum(["true", "false"]) });

/** Flags or unflags an annotator of a campaign the caller may research (audited); flagged votes leave the leaderboard by default. */
export async function setFlagAction(_previous: FlagState, form: FormData): Promise<FlagState> {
  const user = await requireRole("RESEARCHER");
  const input = flagInput.safeParse(Object.fromEntries(form));
  if (!input.success || !(await canResearchCampaign(user, input.data.campaignId))) return { status: "error", code: "NOT_FOUND" };
  const changed = await setAnnotatorFlag(user.id, input.data.campaignId, input.data.userId, input.data.flagged === "true");
  if (!changed) return { status: "error", code: "NOT_FOUND" };
  revalidatePath(`/campaigns/${input.data.slug}/annotators`);
  return { status: "ok" };
}
