import "server-only";
import { notFound } from "next/navigation";
import type { CurrentUser } from "@/lib/auth/session";
import { hasRole } from "@/lib/auth/roles";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";

/**
 * Who may see and change a campaign's set-up and results: admins every campaign; researchers the
 * campaigns they created and those they were added to as members (co-researchers). Annotators
 * never, whatever campaign they vote in.
 */
export function researchableWhere(user: Pick<CurrentUser, "id" | "role">): Prisma.CampaignWhereInput {
  if (user.role === "ADMIN") return {};
  if (!hasRole(user.role, "RESEARCHER")) return { id: { in: [] } };
  return { OR: [{ createdById: user.id }, { members: { some: { userId: user.id } } }] };
}

export interface ResearchCampaign {
  id: string;
  slug: string;
  name: string;
  language: string;
}

const select = { id: true, slug: true, name: true, language: true } as const;

/** The campaign if this user may research it, else null (indistinguishable from a missing one). */
export async function researchCampaignBySlug(user: Pick<CurrentUser, "id" | "role">, slug: string): Promise<ResearchCampaign | null> {
  return db.campaign.findFirst({ where: { AND: [{ slug }, researchableWhere(user)] }, select });
}

export async function canResearchCampaign(user: Pick<CurrentUser, "id" | "role">, campaignId: string): Promise<boolean> {
  return (await db.campaign.count({ where: { AND: [{ id: campaignId }, researchableWhere(user)] } })) > 0;
}

/** For pages: the campaign, or the 404 page for anyone who may not see it (annotators included). */
export async function requireResearchCampaign(user: Pick<CurrentUser, "id" | "role">, slug: string): Promise<ResearchCampaign> {
  const campaign = await researchCampaignBySlug(user, slug);
  if (!campaign) notFound();
  return campaign;
}
