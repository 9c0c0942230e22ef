import "server-only";
import { db } from "@/lib/db";
import type { CampaignStatus } from "@/lib/generated/prisma/enums";

export interface CampaignSummary {
  id: string;
  slug: string;
  name: string;
  status: CampaignStatus;
  prompts: number;
  votes: number;
  members: number;
}

/** All campaigns with their sizes, newest first, for the researcher's list. */
export async function listCampaignSummaries(): Promise<CampaignSummary[]> {
  const rows = await db.campaign.findMany({
    select: { id: true, slug: true, name: true, status: true, _count: { select: { prompts: true, votes: true, members: true } } },
    orderBy: { createdAt: "desc" },
  });
  return rows.map(({ _count, ...row }) => ({ ...row, ..._count }));
}

export interface MembershipSummary {
  slug: string;
  name: string;
  status: CampaignStatus;
}

/** The campaigns an annotator belongs to (never anything about models). */
export async function campaignsOfMember(userId: string): Promise<MembershipSummary[]> {
  const rows = await db.campaignMember.findMany({
    where: { userId },
    select: { campaign: { select: { slug: true, name: true, status: true } } },
    orderBy: { addedAt: "desc" },
  });
  return rows.map((row) => row.campaign);
}

export function listCampaignChoices(): Promise<{ id: string; name: string }[]> {
  return db.campaign.findMany({ where: { status: { not: "CLOSED" } }, select: { id: true, name: true }, orderBy: { name: "asc" } });
}
