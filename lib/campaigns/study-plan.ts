import "server-only";
import { createHash } from "node:crypto";
import { db, sql } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
// Relative: the CLI's bundler resolves the @/ alias for modules, not for JSON.
import packageJson from "../../package.json";

/**
 * A campaign's study plan: what it sets out to do, recorded once, when it first opens — before any
 * vote comes in — so a published result can say what was planned: the sampling strategy and
 * target, the models, the prompt set (its size and a hash of every prompt's id and text) and the
 * settings that shape the votes. Later changes do not rewrite it; the page says when the campaign
 * no longer matches it.
 */

export type PlannedTarget =
  | { kind: "top"; k: number }
  | { kind: "adjacent"; delta: number }
  | { kind: "votes"; votes: number }
  | { kind: "votes-per-pair"; votesPerPair: number };

/** A campaign's stopping target in the plan's and the API's terms. */
export function plannedTarget(campaign: {
  stopTarget: string | null;
  stopTargetValue: number | null;
  targetVotesPerItem: number;
}): PlannedTarget {
  const value = campaign.stopTargetValue ?? 0;
  if (campaign.stopTarget === "TOP") return { kind: "top", k: value };
  if (campaign.stopTarget === "ADJACENT") return { kind: "adjacent", delta: value };
  if (campaign.stopTarget === "VOTES") return { kind: "votes", votes: value };
  return { kind: "votes-per-pair", votesPerPair: campaign.targetVotesPerItem };
}

export interface StudyPlan {
  campaign: string;
  recordedAt: string;
  hikakuVersion: string;
  strategy: string;
  /** The stopping target (lib/ratings/stopping.ts), or without one the votes per pair the campaign aims at. */
  target: PlannedTarget;
  models: string[];
  prompts: { count: number; sha256: string };
  settings: Record<string, unknown>;
}

/** The campaign as it is now, in the plan's terms (without the time it is recorded). */
async function currentPlan(campaignId: string): Promise<Omit<StudyPlan, "recordedAt">> {
  const campaign = await db.campaign.findUniqueOrThrow({
    where: { id: campaignId },
    select: {
      slug: true,
      strategy: true,
      stopTarget: true,
      stopTargetValue: true,
      targetVotesPerItem: true,
      allowedOutcomes: true,
      reasonPolicy: true,
      revealModelsAfterVote: true,
      dailyCapPerAnnotator: true,
      minSecondsPerVote: true,
      correctionPolicy: true,
      language: true,
      assignmentTtlSeconds: true,
      identityWords: true,
      live: true,
      liveMaxTurns: true,
      livePromptsPerHour: true,
      livePromptMaxChars: true,
    },
  });
  const [models, prompts] = await Promise.all([
    sql.$queryRaw<{ name: string }[]>`
      SELECT DISTINCT m.name FROM "Model" m
      WHERE m.id IN (SELECT o."modelId" FROM "Output" o JOIN "Prompt" p ON p.id = o."promptId" WHERE p."campaignId" = ${campaignId}::uuid AND p.source = 'IMPORTED')
         OR m.id IN (SELECT e."modelId" FROM "ModelEndpoint" e WHERE e."campaignId" = ${campaignId}::uuid)
      ORDER BY m.name`,
    // Imported prompts only: a live campaign's prompts are written by its annotators as it runs.
    sql.$queryRaw<{ externalId: string; turns: string }[]>`
      SELECT "externalId", turns::text AS turns FROM "Prompt" WHERE "campaignId" = ${campaignId}::uuid AND source = 'IMPORTED' ORDER BY "externalId"`,
  ]);
  const hash = createHash("sha256");
  for (const prompt of prompts) hash.update(JSON.stringify([prompt.externalId, JSON.parse(prompt.turns)])).update("\n");
  return {
    campaign: campaign.slug,
    hikakuVersion: packageJson.version,
    strategy: campaign.strategy,
    target: plannedTarget(campaign),
    models: models.map((m) => m.name),
    prompts: { count: prompts.length, sha256: hash.digest("hex") },
    settings: {
      allowedOutcomes: campaign.allowedOutcomes,
      reasonPolicy: campaign.reasonPolicy,
      revealModelsAfterVote: campaign.revealModelsAfterVote,
      dailyCapPerAnnotator: campaign.dailyCapPerAnnotator,
      minSecondsPerVote: campaign.minSecondsPerVote,
      correctionPolicy: campaign.correctionPolicy,
      language: campaign.language,
      assignmentTtlSeconds: campaign.assignmentTtlSeconds,
      identityWords: campaign.identityWords.length,
      live: campaign.live,
      ...(campaign.live && {
        liveMaxTurns: campaign.liveMaxTurns,
        livePromptsPerHour: campaign.livePromptsPerHour,
        livePromptMaxChars: campaign.livePromptMaxChars,
      }),
    },
  };
}

/**
 * Records the plan when the campaign first opens; a campaign that has one keeps it. `at`: when,
 * if not now (a simulated study's plan is dated at the start of its simulated clock).
 */
export async function recordStudyPlan(campaignId: string, at = new Date()): Promise<void> {
  const plan = { ...(await currentPlan(campaignId)), recordedAt: at.toISOString() };
  await db.campaign.updateMany({
    where: { id: campaignId, studyPlanAt: null },
    data: { studyPlan: plan as unknown as Prisma.InputJsonValue, studyPlanAt: new Date(plan.recordedAt) },
  });
}

export interface StudyPlanView {
  plan: StudyPlan;
  /** What differs now from the plan: "models", "prompts", "strategy", "target", "settings". */
  changedSince: string[];
}

/** The recorded plan and what has changed since, or null before the campaign first opened. */
export async function studyPlanOf(campaignId: string): Promise<StudyPlanView | null> {
  const campaign = await db.campaign.findUnique({ where: { id: campaignId }, select: { studyPlan: true } });
  if (!campaign?.studyPlan) return null;
  const plan = campaign.studyPlan as unknown as StudyPlan;
  const now = await currentPlan(campaignId);
  // Compared key by key: PostgreSQL's jsonb keeps an object's keys in an order of its own.
  const canonical = (value: unknown): string =>
    Array.isArray(value)
      ? `[${value.map(canonical).join(",")}]`
      : value && typeof value === "object"
        ? `{${Object.keys(value)
            .sort()
            .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
            .join(",")}}`
        : JSON.stringify(value ?? null);
  const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);
  const changedSince = (["models", "prompts", "strategy", "target", "settings"] as const).filter((key) => !same(plan[key], now[key]));
  return { plan, changedSince };
}
