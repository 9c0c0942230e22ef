"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import type { ActionState } from "@/lib/action-state";
import { requireRole } from "@/lib/auth/session";
import { canResearchCampaign } from "@/lib/campaigns/access";
import type { ImportError } from "@/lib/imports/problems";
import { importJudgments, JudgmentsRejected, type JudgmentImportSummary } from "./import-judgments";

/** Imported (with its summary), or refused; a file with problems is REJECTED with them (the first 200). */
export type JudgmentsState = ActionState<{ summary: JudgmentImportSummary }, "NOT_FOUND" | "NO_FILE" | "TOO_LARGE" | "REJECTED", ImportError[]>;

/** FastChat's pair file for 80 questions and two models, with both judgments' texts, is about 1 MB. */
const MAX_JUDGMENTS_BYTES = 50_000_000;
const input = z.object({ campaignId: z.uuid(), slug: z.string().min(1).max(60), name: z.string().trim().max(200) });

/** Imports one of FastChat's judgment files as a judge of a campaign the caller may research. */
export async function importJudgmentsAction(_previous: JudgmentsState, form: FormData): Promise<JudgmentsState> {
  const user = await requireRole("RESEARCHER");
  const parsed = input.safeParse({ campaignId: form.get("campaignId"), slug: form.get("slug"), name: form.get("name") ?? "" });
  if (!parsed.success || !(await canResearchCampaign(user, parsed.data.campaignId))) return { status: "error", code: "NOT_FOUND" };
  const file = form.get("file");
  if (!(file instanceof File) || file.size === 0) return { status: "error", code: "NO_FILE" };
  if (file.size > MAX_JUDGMENTS_BYTES) return { status: "error", code: "TOO_LARGE" };
  try {
    const summary = await importJudgments(user.id, parsed.data.campaignId, await file.text(), {
      source: file.name.slice(0, 200) || "judgments.jsonl",
      name: parsed.data.name || undefined,
    });
    revalidatePath(`/campaigns/${parsed.data.slug}/judges`);
    return { status: "ok", summary };
  } catch (error) {
    if (error instanceof JudgmentsRejected) return { status: "error", code: "REJECTED", details: error.errors.slice(0, 200) };
    throw error;
  }
}
