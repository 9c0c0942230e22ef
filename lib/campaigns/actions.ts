"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { invalidFields, type ActionState } from "@/lib/action-state";
import { requireRole } from "@/lib/auth/session";
import { canResearchCampaign } from "./access";
import { setAnnotatorFlag } from "./flags";
import { addMemberByEmail, createCampaign, removeMember, setCampaignStatus, updateCampaignSettings } from "./manage";
import { campaignSettingsSchema, liveLimitsSchema, liveSettingsSchema, slugSchema, splitWords, STATUSES } from "./settings";

/** The campaign forms' state: saved, fields to look at again, or a refusal (`campaignPage.errors.*`). */
export type CampaignFormState = ActionState;

export async function createCampaignAction(_previous: CampaignFormState, form: FormData): Promise<CampaignFormState> {
  const user = await requireRole("RESEARCHER");
  const input = z
    .object({ slug: slugSchema, name: z.string().trim().min(1).max(200) })
    .safeParse({ slug: form.get("slug"), name: form.get("name") });
  if (!input.success) return invalidFields(input.error);
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
    stopTarget: String(form.get("stopTarget") ?? "") || null,
    stopTargetValue: optionalNumber("stopTargetValue"),
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

export async function updateSettingsAction(_previous: CampaignFormState, form: FormData): Promise<CampaignFormState> {
  const user = await requireRole("RESEARCHER");
  const id = z.uuid().safeParse(form.get("campaignId"));
  const settings = settingsFromForm(form);
  const liveLimits = form.has("liveMaxTurns") ? liveLimitsFromForm(form) : null;
  if (!id.success || !(await canResearchCampaign(user, id.data))) return { status: "error", code: "NOT_FOUND" };
  if (!settings.success) return invalidFields(settings.error);
  if (liveLimits && !liveLimits.success) return invalidFields(liveLimits.error);
  const result = await updateCampaignSettings(user.id, id.data, settings.data, liveLimits?.data);
  if (!result.ok) return { status: "error", code: result.code };
  revalidatePath(`/campaigns/${result.slug}`);
  return { status: "ok" };
}

const statusSchema = z.object({ campaignId: z.uuid(), slug: slugSchema, status: z.enum(STATUSES) });

export async function setStatusAction(_previous: CampaignFormState, form: FormData): Promise<CampaignFormState> {
  const user = await requireRole("RESEARCHER");
  const input = statusSchema.safeParse(Object.fromEntries(form));
  if (!input.success) return invalidFields(input.error);
  if (!(await canResearchCampaign(user, input.data.campaignId))) return { status: "error", code: "NOT_FOUND" };
  const result = await setCampaignStatus(user.id, input.data.campaignId, input.data.status);
  if (!result.ok) return { status: "error", code: result.code };
  revalidatePath(`/campaigns/${input.data.slug}`);
  return { status: "ok" };
}

const memberSchema = z.object({ campaignId: z.uuid(), slug: slugSchema, email: z.email() });

export async function addMemberAction(_previous: CampaignFormState, form: FormData): Promise<CampaignFormState> {
  const user = await requireRole("RESEARCHER");
  const input = memberSchema.safeParse(Object.fromEntries(form));
  if (!input.success) return invalidFields(input.error);
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

const flagInput = z.object({ campaignId: z.uuid(), slug: slugSchema, userId: z.uuid(), flagged: z.enum(["true", "false"]) });

/** Flags or unflags an annotator of a campaign the caller may research (audited); flagged votes leave the leaderboard by default. */
export async function setAnnotatorFlagAction(
  _previous: ActionState<object, "NOT_FOUND">,
  form: FormData,
): Promise<ActionState<object, "NOT_FOUND">> {
  const user = await requireRole("RESEARCHER");
  const input = flagInput.safeParse(Object.fromEntries(form));
  if (!input.success || !(await canResearchCampaign(user, input.data.campaignId))) return { status: "error", code: "NOT_FOUND" };
  const changed = await setAnnotatorFlag(user.id, input.data.campaignId, input.data.userId, input.data.flagged === "true");
  if (!changed) return { status: "error", code: "NOT_FOUND" };
  revalidatePath(`/campaigns/${input.data.slug}/annotators`);
  return { status: "ok" };
}
