import "server-only";
import { db } from "@/lib/db";
import type { Outcome, Winner } from "@/lib/generated/prisma/enums";

export interface VoteInput {
  assignmentId: string;
  outcome: Outcome;
  reason?: string;
  identityLeak?: boolean;
  /** As measured in the browser; clamped to the time since the pair was issued. */
  durationMs: number;
}

export type VoteResult =
  | { ok: true; duplicate: boolean; campaignId: string; revealed: { left: string; right: string } | null }
  | { ok: false; code: "NOT_FOUND" | "EXPIRED" | "CLOSED" | "OUTCOME_NOT_ALLOWED" | "REASON_REQUIRED" };

/** Screen terms to Chatbot Arena terms: the left model is model_a; both good counts as a tie. */
const WINNER: Record<Outcome, Winner> = { LEFT: "MODEL_A", RIGHT: "MODEL_B", TIE: "TIE", BOTH_GOOD: "TIE", BOTH_BAD: "TIE_BOTHBAD" };

interface LockedAssignment {
  id: string;
  campaignId: string;
  annotatorId: string;
  promptId: string;
  itemId: string;
  state: string;
  issuedAt: Date;
  expired: boolean;
  leftModelId: string;
  rightModelId: string;
  lowModelId: string;
  highModelId: string;
  campaignStatus: string;
  allowedOutcomes: string;
  reasonPolicy: string;
  revealModelsAfterVote: boolean;
}

/**
 * Stores the annotator's vote on their own open assignment, exactly once: the assignment row is
 * locked, a second submission (double click, retry, replay) finds it voted and gets the first
 * result back, and Vote.assignmentId is unique besides. Which model won is worked out here from
 * the assignment; the browser only ever says "left" or "right".
 */
export async function recordVote(annotatorId: string, input: VoteInput): Promise<VoteResult> {
  return db.$transaction(async (tx) => {
    const [assignment] = await tx.$queryRaw<LockedAssignment[]>`
      SELECT a.id, a."campaignId", a."annotatorId", a."promptId", a."itemId", a.state, a."issuedAt", a."expiresAt" <= now() AS expired,
             l."modelId" AS "leftModelId", r."modelId" AS "rightModelId", i."lowModelId", i."highModelId",
             c.status AS "campaignStatus", c."allowedOutcomes"::text AS "allowedOutcomes", c."reasonPolicy", c."revealModelsAfterVote"
      FROM "Assignment" a
      JOIN "Output" l ON l.id = a."leftOutputId"
      JOIN "Output" r ON r.id = a."rightOutputId"
      JOIN "Item" i ON i.id = a."itemId"
      JOIN "Campaign" c ON c.id = a."campaignId"
      WHERE a.id = ${input.assignmentId}
      FOR UPDATE OF a`;
    // Someone else's assignment looks exactly like a missing one.
    if (!assignment || assignment.annotatorId !== annotatorId) return { ok: false, code: "NOT_FOUND" };
    const campaign = {
      status: assignment.campaignStatus,
      allowedOutcomes: assignment.allowedOutcomes.replace(/[{}]/g, "").split(","),
      reasonPolicy: assignment.reasonPolicy,
      revealModelsAfterVote: assignment.revealModelsAfterVote,
    };
    const reveal = async () => {
      if (!campaign.revealModelsAfterVote) return null;
      const models = await tx.model.findMany({
        where: { id: { in: [assignment.leftModelId, assignment.rightModelId] } },
        select: { id: true, name: true },
      });
      const name = (id: string) => models.find((m) => m.id === id)!.name;
      return { left: name(assignment.leftModelId), right: name(assignment.rightModelId) };
    };

    if (assignment.state === "VOTED") return { ok: true, duplicate: true, campaignId: assignment.campaignId, revealed: await reveal() };
    if (assignment.state !== "OPEN" || campaign.status !== "ACTIVE") return { ok: false, code: "CLOSED" };
    if (assignment.expired) {
      await tx.assignment.update({ where: { id: assignment.id }, data: { state: "EXPIRED" } });
      await tx.$executeRaw`UPDATE "Item" SET load = load - 1 WHERE id = ${assignment.itemId}::uuid`;
      return { ok: false, code: "EXPIRED" };
    }
    if (!campaign.allowedOutcomes.includes(input.outcome)) return { ok: false, code: "OUTCOME_NOT_ALLOWED" };
    const reason = input.reason?.trim() || null;
    if (campaign.reasonPolicy === "REQUIRED" && !reason) return { ok: false, code: "REASON_REQUIRED" };

    const winner = WINNER[input.outcome];
    const elapsed = Date.now() - assignment.issuedAt.getTime();
    await tx.vote.create({
      data: {
        assignmentId: assignment.id,
        campaignId: assignment.campaignId,
        annotatorId,
        promptId: assignment.promptId,
        modelAId: assignment.leftModelId,
        modelBId: assignment.rightModelId,
        outcome: input.outcome,
        winner,
        reason: campaign.reasonPolicy === "HIDDEN" ? null : reason,
        identityLeak: input.identityLeak ?? false,
        durationMs: Math.max(0, Math.min(Math.round(input.durationMs), elapsed)),
      },
    });
    const lowIsLeft = assignment.leftModelId === assignment.lowModelId;
    const lowWon = (winner === "MODEL_A" && lowIsLeft) || (winner === "MODEL_B" && !lowIsLeft);
    const highWon = (winner === "MODEL_A" && !lowIsLeft) || (winner === "MODEL_B" && lowIsLeft);
    // The open slot becomes a vote, so the item's load (votes + open assignments) stays the same.
    await tx.$executeRaw`
      WITH voted AS (UPDATE "Assignment" SET state = 'VOTED' WHERE id = ${assignment.id}),
           counted AS (UPDATE "Item" SET votes = votes + 1 WHERE id = ${assignment.itemId}::uuid)
      UPDATE "PairStat" SET votes = votes + 1, "winsLow" = "winsLow" + ${lowWon ? 1 : 0}, "winsHigh" = "winsHigh" + ${highWon ? 1 : 0}
      WHERE "campaignId" = ${assignment.campaignId}::uuid AND "lowModelId" = ${assignment.lowModelId}::uuid AND "highModelId" = ${assignment.highModelId}::uuid`;
    return { ok: true, duplicate: false, campaignId: assignment.campaignId, revealed: await reveal() };
  });
}

export type SkipResult = { ok: true; campaignId: string } | { ok: false; code: "NOT_FOUND" | "CLOSED" };

/** Gives an open assignment back without a vote; the item is not shown to this annotator again. */
export async function skipAssignment(annotatorId: string, assignmentId: string): Promise<SkipResult> {
  return db.$transaction(async (tx) => {
    const [assignment] = await tx.$queryRaw<{ annotatorId: string; state: string; itemId: string; campaignId: string }[]>`
      SELECT "annotatorId", state, "itemId", "campaignId" FROM "Assignment" WHERE id = ${assignmentId} FOR UPDATE`;
    if (!assignment || assignment.annotatorId !== annotatorId) return { ok: false, code: "NOT_FOUND" };
    if (assignment.state === "SKIPPED") return { ok: true, campaignId: assignment.campaignId };
    if (assignment.state !== "OPEN") return { ok: false, code: "CLOSED" };
    await tx.assignment.update({ where: { id: assignmentId }, data: { state: "SKIPPED" } });
    await tx.$executeRaw`UPDATE "Item" SET load = load - 1 WHERE id = ${assignment.itemId}::uuid`;
    return { ok: true, campaignId: assignment.campaignId };
  });
}
