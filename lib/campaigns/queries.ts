import "server-only";
import { db, sql } from "@/lib/db";
import type { CampaignStatus } from "@/lib/generated/prisma/enums";
import type { CurrentUser } from "@/lib/auth/session";
import { researchableWhere } from "./access";

export interface CampaignSummary {
  id: string;
  slug: string;
  name: string;
  status: CampaignStatus;
  prompts: number;
  votes: number;
  members: number;
}

/** The campaigns this user may research, with their sizes, newest first. */
export async function listCampaignSummaries(user: Pick<CurrentUser, "id" | "role">): Promise<CampaignSummary[]> {
  const rows = await db.campaign.findMany({
    where: researchableWhere(user),
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

export interface VotingCampaign {
  id: string;
  name: string;
  instructions: string;
  allowedOutcomes: ("LEFT" | "RIGHT" | "TIE" | "BOTH_BAD" | "BOTH_GOOD")[];
  reasonPolicy: "HIDDEN" | "OPTIONAL" | "REQUIRED";
  correctionPolicy: "OFF" | "OPTIONAL" | "REQUIRED_AFTER_BOTH_BAD";
  /** Live mode: the annotator writes the prompt (and up to liveMaxTurns − 1 follow-ups). */
  live: boolean;
  liveMaxTurns: number;
  livePromptMaxChars: number;
}

/** What the voting page needs about a campaign the user belongs to; null for non-members. Nothing about models. */
export async function votingCampaignBySlug(slug: string, userId: string): Promise<VotingCampaign | null> {
  const campaign = await db.campaign.findFirst({
    where: { slug, members: { some: { userId } } },
    select: {
      id: true,
      name: true,
      instructions: true,
      allowedOutcomes: true,
      reasonPolicy: true,
      correctionPolicy: true,
      live: true,
      liveMaxTurns: true,
      livePromptMaxChars: true,
    },
  });
  return campaign;
}

export interface CampaignDetail {
  id: string;
  slug: string;
  name: string;
  status: CampaignStatus;
  instructions: string;
  language: string;
  allowedOutcomes: ("LEFT" | "RIGHT" | "TIE" | "BOTH_BAD" | "BOTH_GOOD")[];
  reasonPolicy: "HIDDEN" | "OPTIONAL" | "REQUIRED";
  revealModelsAfterVote: boolean;
  correctionPolicy: "OFF" | "OPTIONAL" | "REQUIRED_AFTER_BOTH_BAD";
  strategy: "BALANCED" | "ACTIVE" | "UNIFORM";
  stopTarget: "TOP" | "ADJACENT" | "VOTES" | null;
  stopTargetValue: number | null;
  targetVotesPerItem: number;
  dailyCapPerAnnotator: number | null;
  minSecondsPerVote: number | null;
  assignmentTtlSeconds: number;
  identityWords: string[];
  itemCount: number;
  live: boolean;
  liveMaxTurns: number;
  livePromptsPerHour: number;
  livePromptMaxChars: number;
  moderationWords: string[];
  counts: { prompts: number; models: number; items: number; votes: number };
  members: { userId: string; email: string; displayName: string; role: string; flagged: boolean }[];
}

/** Everything the researcher's campaign page shows. */
export async function campaignDetailBySlug(slug: string): Promise<CampaignDetail | null> {
  const campaign = await db.campaign.findUnique({
    where: { slug },
    select: {
      id: true,
      slug: true,
      name: true,
      status: true,
      instructions: true,
      language: true,
      allowedOutcomes: true,
      reasonPolicy: true,
      revealModelsAfterVote: true,
      correctionPolicy: true,
      strategy: true,
      stopTarget: true,
      stopTargetValue: true,
      targetVotesPerItem: true,
      dailyCapPerAnnotator: true,
      minSecondsPerVote: true,
      assignmentTtlSeconds: true,
      identityWords: true,
      itemCount: true,
      live: true,
      liveMaxTurns: true,
      livePromptsPerHour: true,
      livePromptMaxChars: true,
      moderationWords: true,
      _count: { select: { prompts: true, items: true, votes: true } },
      members: {
        select: { flagged: true, user: { select: { id: true, email: true, displayName: true, role: true } } },
        orderBy: { addedAt: "asc" },
      },
    },
  });
  if (!campaign) return null;
  const [models] = await sql.$queryRaw<{ n: number }[]>`
    SELECT count(DISTINCT o."modelId")::int AS n FROM "Output" o JOIN "Prompt" p ON p.id = o."promptId" WHERE p."campaignId" = ${campaign.id}::uuid`;
  const { _count, members, ...rest } = campaign;
  return {
    ...rest,
    counts: { prompts: _count.prompts, items: _count.items, votes: _count.votes, models: models.n },
    members: members.map((m) => ({
      userId: m.user.id,
      email: m.user.email,
      displayName: m.user.displayName,
      role: m.user.role,
      flagged: m.flagged,
    })),
  };
}

/** Whether a campaign with this id exists (for admins choosing one in a form; says nothing about access). */
export async function campaignExists(campaignId: string): Promise<boolean> {
  return (await db.campaign.count({ where: { id: campaignId } })) > 0;
}
