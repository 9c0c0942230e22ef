"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import type { ActionState } from "@/lib/action-state";
import { requireRole } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { canResearchCampaign } from "@/lib/campaigns/access";
import type { ImportError } from "@/lib/imports/problems";
import { importJudgments, JudgmentsRejected, type JudgmentImportSummary } from "./import-judgments";
import { BUILT_IN_PROMPTS } from "./judge-prompts";
import { startJudgeRun } from "./background-run";
import { judgeSetupSchema, setUpRunJudge } from "./run";
import { invalidFields } from "@/lib/action-state";
import { MissingEncryptionKey } from "@/lib/live/secrets";

/** Imported (with its summary), or refused; a file with problems is REJECTED with them (the first 200). */
export type JudgmentsState = ActionState<
  { summary: JudgmentImportSummary },
  "NOT_FOUND" | "NO_FILE" | "TOO_LARGE" | "REJECTED",
  ImportError[]
>;

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

/** Started (the page follows its progress), or refused: a field, the address, the name, a run already going. */
export type JudgeRunState = ActionState<
  { judgeId: string },
  "NOT_FOUND" | "URL_REFUSED" | "NAME_TAKEN" | "BUSY" | "NO_ENCRYPTION_KEY",
  string
>;

const runForm = z.object({
  campaignId: z.uuid(),
  slug: z.string().min(1).max(60),
  limit: z.preprocess((v) => (v === "" || v === null ? undefined : v), z.coerce.number().int().min(1).max(1_000_000).optional()),
  concurrency: z.coerce.number().int().min(1).max(64).default(4),
});

/**
 * Sets up a judge Hikaku runs (or updates one, by name) and starts its run in this instance; the
 * run stores each judgment as it goes, so the page can follow it from any instance.
 */
export async function startJudgeRunAction(_previous: JudgeRunState, form: FormData): Promise<JudgeRunState> {
  const user = await requireRole("RESEARCHER");
  const where = runForm.safeParse({
    campaignId: form.get("campaignId"),
    slug: form.get("slug"),
    limit: form.get("limit"),
    concurrency: form.get("concurrency") || 4,
  });
  if (!where.success) return invalidFields(where.error);
  if (!(await canResearchCampaign(user, where.data.campaignId))) return { status: "error", code: "NOT_FOUND" };
  const text = (name: string) => String(form.get(name) ?? "").trim() || undefined;
  const prompt = text("prompt") ?? "pair";
  const setup = judgeSetupSchema.safeParse({
    name: text("name"),
    baseUrl: text("baseUrl"),
    apiModel: text("apiModel"),
    apiKey: text("apiKey"),
    prompt: (BUILT_IN_PROMPTS as readonly string[]).includes(prompt) ? prompt : "invalid",
    swap: form.get("swap") === "on",
  });
  if (!setup.success) return invalidFields(setup.error);
  let result;
  try {
    result = await setUpRunJudge(user.id, where.data.campaignId, setup.data);
  } catch (error) {
    if (error instanceof MissingEncryptionKey) return { status: "error", code: "NO_ENCRYPTION_KEY" };
    throw error;
  }
  if (!result.ok)
    return result.code === "URL_REFUSED"
      ? { status: "error", code: "URL_REFUSED", details: result.message }
      : { status: "error", code: "NAME_TAKEN" };
  if (!(await startJudgeRun(result.judgeId, { limit: where.data.limit, concurrency: where.data.concurrency })))
    return { status: "error", code: "BUSY" };
  revalidatePath(`/campaigns/${where.data.slug}/judges`);
  return { status: "ok", judgeId: result.judgeId };
}

const resumeForm = z.object({ campaignId: z.uuid(), slug: z.string().min(1).max(60), judgeId: z.uuid() });

/** Runs a judge Hikaku runs again with its stored set-up: it judges only what it has not judged yet. */
export async function resumeJudgeRunAction(_previous: JudgeRunState, form: FormData): Promise<JudgeRunState> {
  const user = await requireRole("RESEARCHER");
  const input = resumeForm.safeParse({ campaignId: form.get("campaignId"), slug: form.get("slug"), judgeId: form.get("judgeId") });
  if (!input.success || !(await canResearchCampaign(user, input.data.campaignId))) return { status: "error", code: "NOT_FOUND" };
  const judge = await db.judge.findFirst({
    where: { id: input.data.judgeId, campaignId: input.data.campaignId, kind: "RUN" },
    select: { id: true },
  });
  if (!judge) return { status: "error", code: "NOT_FOUND" };
  if (!(await startJudgeRun(judge.id, {}))) return { status: "error", code: "BUSY" };
  revalidatePath(`/campaigns/${input.data.slug}/judges`);
  return { status: "ok", judgeId: judge.id };
}
