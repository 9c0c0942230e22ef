"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { requireRole } from "@/lib/auth/session";
import { canResearchCampaign } from "@/lib/campaigns/access";
import { addMemberByEmail, createCampaign, removeMember, setCampaignStatus, updateCampaignSettings } from "@/lib/campaigns/manage";
import { campaignSettingsSchema, liveLimitsSchema, liveSettingsSchema, slugSchema, splitWords, STATUSES } from "@/lib/campaigns/settings";

export type FormState = { status: "idle" | "ok" } | { status: "invalid"; fields: string[] } | { status: "error"; code: string };

const invalid = (error: z.ZodError): FormState => ({ status: "invalid", fields: Object.keys(z.flattenError(error).fieldErrors) });

export async function createCampaignAction(_previous: FormState, form: FormData): Promise<FormState> {
  const user = await requireRole("RESEARCHER");
  const input = z
    .object({ slug: slugSchema, name: z.string().trim().min(1).max(200) })
    .safeParse({ slug: form.get("slug"), name: form.get("name") });
  if (!input.success) return invalid(input.error);
  const result = await createCampaign(
    user.id,
    input.data.slug,
    campaignSettingsSchema.parse({ name: input.data.name }),
    liveSettingsSchema.parse({ live: form.get("live") === "on" }),
  );
  if (!result.ok) return { status: "error", code: result.code };
  redirect(`/campaigns/${result.slug}`);
}

/** Reads the settings form: checkboxes are present only when ticked, empty numbers mean "none". */
function settingsFromForm(form: FormData) {
  const optionalNumber = (name: string) => {
    const value = String(form.get(name) ?? "").trim();
    return value === "" ? null : Number(value);
  };
  return campaignSettingsSchema.safeParse({
    name: form.get("name"),
    instructions: form.get("instructions") ?? "",
    language: form.get("language"),
    allowedOutcomes: form.getAll("allowedOutcomes"),
    reasonPolicy: form.get("reasonPolicy"),
    revealModelsAfterVote: form.get("revealModelsAfterVote") === "on",
    correctionPolicy: form.get("correctionPolicy"),
    strategy: form.get("strategy"),
    targetVotesPerItem: Number(form.get("targetVotesPerItem")),
    dailyCapPerAnnotator: optionalNumber("dailyCapPerAnnotator"),
    minSecondsPerVote: optionalNumber("minSecondsPerVote"),
    assignmentTtlSeconds: Number(form.get("assignmentTtlMinutes")) * 60,
    identityWords: splitWords(String(form.get("identityWords") ?? "")),
  });
}

/** A live campaign's limits, from the settings form's live fields. */
function liveLimitsFromForm(form: FormData) {
  return liveLimitsSchema.safeParse({
    liveMaxTurns: Number(form.get("liveMaxTurns")),
    livePromptsPerHour: Number(form.get("livePromptsPerHour")),
    livePromptMaxChars: Number(form.get("livePromptMaxChars")),
    moderationWords: splitWords(String(form.get("moderationWords") ?? "")),
  });
}

export async function updateSettingsAction(_previous: FormState, form: FormData): Promise<FormState> {
  const user = await requireRole("RESEARCHER");
  const id = z.uuid().safeParse(form.get("campaignId"));
  const settings = settingsFromForm(form);
  const liveLimits = form.has("liveMaxTurns") ? liveLimitsFromForm(form) : null;
  if (!id.success || !(await canResearchCampaign(user, id.data))) return { status: "error", code: "NOT_FOUND" };
  if (!settings.success) return invalid(settings.error);
  if (liveLimits && !liveLimits.success) return invalid(liveLimits.error);
  const result = await updateCampaignSettings(user.id, id.data, settings.data, liveLimits?.data);
  if (!result.ok) return { status: "error", code: result.code };
  revalidatePath(`/campaigns/${result.slug}`);
  return { status: "ok" };
}

const statusSchema = z.object({ campaignId: z.uuid(), slug: slugSchema, status: z.enum(STATUSES) });

export async function setStatusAction(_previous: FormState, form: FormData): Promise<FormState> {
  const user = await requireRole("RESEARCHER");
  const input = statusSchema.safeParse(Object.fromEntries(form));
  if (!input.success) return invalid(input.error);
  if (!(await canResearchCampaign(user, input.data.campaignId))) return { status: "error", code: "NOT_FOUND" };
  const result = await setCampaignStatus(user.id, input.data.campaignId, input.data.status);
  if (!result.ok) return { status: "error", code: result.code };
  revalidatePath(`/campaigns/${input.data.slug}`);
  return { status: "ok" };
}

const memberSchema = z.object({ campaignId: z.uuid(), slug: slugSchema, email: z.email() });

export async function addMemberAction(_previous: FormState, form: FormData): Promise<FormState> {
  const user = await requireRole("RESEARCHER");
  const input = memberSchema.safeParse(Object.fromEntries(form));
  if (!input.success) return invalid(input.error);
  if (!(await canResearchCampaign(user, input.data.campaignId))) return { status: "error", code: "NOT_FOUND" };
  const result = await addMemberByEmail(user.id, input.data.campaignId, input.data.email);
  if (!result.ok) return { status: "error", code: result.code };
  revalidatePath(`/campaigns/${input.data.slug}`);
  return { status: "ok" };
}

const removeSchema = z.object({ campaignId: z.uuid(), slug: slugSchema, userId: z.uuid() });

export async function removeMemberAction(form: FormData): Promise<void> {
  const user = await requireRole("RESEARCHER");
  const input = removeSchema.safeParse(Object.fromEntries(form));
  if (!input.success || !(await canResearchCampaign(user, input.data.campaignId))) return;
  await removeMember(user.id, input.data.campaignId, input.data.userId);
  revalidatePath(`/campaigns/${input.data.slug}`);
}
