import "server-only";
import { recordAudit } from "@/lib/audit";
import { normaliseEmail } from "@/lib/auth/sign-in";
import { db } from "@/lib/db";
import type { CampaignStatus } from "@/lib/generated/prisma/enums";
import { Prisma } from "@/lib/generated/prisma/client";
import { refreshBlockedItems } from "./identity-words";
import { recordStudyPlan } from "./study-plan";
import { STATUS_TRANSITIONS } from "./options";
import type { CampaignSettings, LiveLimits, LiveSettings } from "./settings";

export type CampaignResult = { ok: true; id: string; slug: string } | { ok: false; code: "SLUG_TAKEN" | "NOT_FOUND" };

export async function createCampaign(
  actorId: string | null,
  slug: string,
  settings: CampaignSettings,
  live?: LiveSettings,
): Promise<CampaignResult> {
  try {
    const campaign = await db.campaign.create({
      data: { slug, ...settings, ...live, createdById: actorId },
      select: { id: true, slug: true },
    });
    await recordAudit({
      actorId,
      action: "campaign.created",
      subjectType: "Campaign",
      subjectId: campaign.id,
      data: { slug, live: live?.live ?? false },
    });
    return { ok: true, ...campaign };
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return { ok: false, code: "SLUG_TAKEN" };
    throw error;
  }
}

/** A campaign's settings, and for a live campaign its limits (ignored for any other). */
export async function updateCampaignSettings(
  actorId: string | null,
  campaignId: string,
  settings: CampaignSettings,
  liveLimits?: LiveLimits,
): Promise<CampaignResult> {
  return db.$transaction(async (tx) => {
    const current = await tx.campaign.findUnique({ where: { id: campaignId }, select: { live: true } });
    if (!current) return { ok: false as const, code: "NOT_FOUND" as const };
    const next: Partial<CampaignSettings & LiveLimits> = { ...settings, ...(current.live ? liveLimits : undefined) };
    const keys = Object.keys(next) as (keyof typeof next)[];
    const before = await tx.campaign.findUniqueOrThrow({
      where: { id: campaignId },
      select: { slug: true, ...(Object.fromEntries(keys.map((key) => [key, true])) as Record<keyof typeof next, true>) },
    });
    // A changed stopping target has not been met yet.
    const newTarget = before.stopTarget !== settings.stopTarget || before.stopTargetValue !== settings.stopTargetValue;
    await tx.campaign.update({ where: { id: campaignId }, data: { ...next, ...(newTarget && { stopTargetMetAt: null }) } });
    if (before.identityWords.join("\n") !== settings.identityWords.join("\n")) await refreshBlockedItems(tx, campaignId);
    // The audit says what changed, from what to what.
    const changes = Object.fromEntries(
      keys
        .filter((key) => JSON.stringify(before[key]) !== JSON.stringify(next[key]))
        .map((key) => [key, { from: before[key], to: next[key] }]),
    );
    await recordAudit(
      {
        actorId,
        action: "campaign.updated",
        subjectType: "Campaign",
        subjectId: campaignId,
        data: { changes: changes as Prisma.InputJsonValue },
      },
      tx,
    );
    return { ok: true as const, id: campaignId, slug: before.slug };
  });
}

export type StatusResult = { ok: true } | { ok: false; code: "NOT_FOUND" | "BAD_TRANSITION" | "NO_ITEMS" | "NO_MODELS" };

/** Whether a campaign has something to judge: pairs to serve, or in live mode two models to ask. */
async function readyToOpen(campaignId: string, live: boolean): Promise<StatusResult> {
  if (live)
    return (await db.modelEndpoint.count({ where: { campaignId, enabled: true } })) >= 2 ? { ok: true } : { ok: false, code: "NO_MODELS" };
  return (await db.item.count({ where: { campaignId } })) > 0 ? { ok: true } : { ok: false, code: "NO_ITEMS" };
}

/** Draft → active → closed (a closed campaign can be reopened); a campaign needs something to judge before it opens. */
export async function setCampaignStatus(actorId: string | null, campaignId: string, status: CampaignStatus): Promise<StatusResult> {
  const campaign = await db.campaign.findUnique({ where: { id: campaignId }, select: { status: true, live: true } });
  if (!campaign) return { ok: false, code: "NOT_FOUND" };
  if (!STATUS_TRANSITIONS[campaign.status].includes(status)) return { ok: false, code: "BAD_TRANSITION" };
  if (status === "ACTIVE") {
    const ready = await readyToOpen(campaignId, campaign.live);
    if (!ready.ok) return ready;
  }
  await db.campaign.update({ where: { id: campaignId }, data: { status } });
  // The first opening records the plan, before any vote of the campaign's own.
  if (status === "ACTIVE") await recordStudyPlan(campaignId);
  await recordAudit({ actorId, action: `campaign.${status.toLowerCase()}`, subjectType: "Campaign", subjectId: campaignId });
  return { ok: true };
}

export type MemberResult = { ok: true } | { ok: false; code: "NO_SUCH_USER" | "ALREADY_MEMBER" | "NOT_MEMBER" };

export async function addMemberByEmail(actorId: string | null, campaignId: string, email: string): Promise<MemberResult> {
  const user = await db.user.findUnique({ where: { email: normaliseEmail(email) }, select: { id: true } });
  if (!user) return { ok: false, code: "NO_SUCH_USER" };
  const created = await db.campaignMember.createMany({ data: [{ campaignId, userId: user.id }], skipDuplicates: true });
  if (created.count === 0) return { ok: false, code: "ALREADY_MEMBER" };
  await recordAudit({
    actorId,
    action: "campaign.member_added",
    subjectType: "Campaign",
    subjectId: campaignId,
    data: { userId: user.id },
  });
  return { ok: true };
}

export async function removeMember(actorId: string, campaignId: string, userId: string): Promise<MemberResult> {
  const removed = await db.campaignMember.deleteMany({ where: { campaignId, userId } });
  if (removed.count === 0) return { ok: false, code: "NOT_MEMBER" };
  await recordAudit({ actorId, action: "campaign.member_removed", subjectType: "Campaign", subjectId: campaignId, data: { userId } });
  return { ok: true };
}
