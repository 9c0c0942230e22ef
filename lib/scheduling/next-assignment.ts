import "server-only";
import { randomInt } from "node:crypto";
import { randomToken } from "@/lib/auth/tokens";
import { db, type Tx } from "@/lib/db";
import { pairsByUncertainty, pickBalancedItem, type PickedItem } from "./pick";
import type { AssignmentView, NextAssignment, Progress } from "./view";

// Trying a few of the most uncertain pairs before falling back to balanced keeps the query count bounded.
const ACTIVE_PAIR_TRIES = 5;

interface CampaignRules {
  id: string;
  status: string;
  strategy: string;
  targetVotesPerItem: number;
  dailyCapPerAnnotator: number | null;
  assignmentTtlSeconds: number;
  itemCount: number;
}

function startOfUtcDay(): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

export async function progressFor(
  client: Tx | typeof db,
  campaign: Pick<CampaignRules, "id" | "itemCount" | "targetVotesPerItem" | "dailyCapPerAnnotator">,
  annotatorId: string,
): Promise<Progress> {
  const [totals, today] = await Promise.all([
    client.pairStat.aggregate({ where: { campaignId: campaign.id }, _sum: { votes: true } }),
    client.vote.count({ where: { annotatorId, campaignId: campaign.id, createdAt: { gte: startOfUtcDay() } } }),
  ]);
  return {
    campaignVotes: totals._sum.votes ?? 0,
    campaignTarget: campaign.itemCount * campaign.targetVotesPerItem,
    todayVotes: today,
    dailyCap: campaign.dailyCapPerAnnotator,
  };
}

/** Marks a batch of lapsed assignments expired and gives their slots back to their items. */
export async function releaseExpiredAssignments(limit = 200): Promise<number> {
  const released = await db.$executeRaw`
    WITH expired AS (
      UPDATE "Assignment" SET state = 'EXPIRED'
      WHERE id IN (SELECT id FROM "Assignment" WHERE state = 'OPEN' AND "expiresAt" < now() LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      RETURNING "itemId"
    )
    UPDATE "Item" i SET load = i.load - e.n
    FROM (SELECT "itemId", count(*)::int AS n FROM expired GROUP BY "itemId") e
    WHERE i.id = e."itemId"`;
  return released;
}

async function viewOf(
  tx: Tx,
  assignment: { id: string; promptId: string; leftOutputId: string; rightOutputId: string; issuedAt: Date; turnCount: number },
): Promise<AssignmentView> {
  const [prompt, outputs] = await Promise.all([
    tx.prompt.findUniqueOrThrow({ where: { id: assignment.promptId }, select: { turns: true } }),
    tx.output.findMany({ where: { id: { in: [assignment.leftOutputId, assignment.rightOutputId] } }, select: { id: true, turns: true } }),
  ]);
  const turnsOf = (id: string) => (outputs.find((o) => o.id === id)!.turns as string[]).slice(0, assignment.turnCount);
  return {
    id: assignment.id,
    promptTurns: (prompt.turns as string[]).slice(0, assignment.turnCount),
    leftTurns: turnsOf(assignment.leftOutputId),
    rightTurns: turnsOf(assignment.rightOutputId),
    issuedAt: assignment.issuedAt.toISOString(),
  };
}

async function loadRules(client: Tx | typeof db, campaignId: string): Promise<CampaignRules | null> {
  const campaign = await client.campaign.findUnique({
    where: { id: campaignId },
    select: {
      id: true,
      status: true,
      strategy: true,
      targetVotesPerItem: true,
      dailyCapPerAnnotator: true,
      assignmentTtlSeconds: true,
      itemCount: true,
    },
  });
  return campaign;
}

/**
 * The pair an annotator should judge next in a campaign they belong to: their open assignment
 * if they have one (a reload shows the same pair), otherwise a new one from the campaign's
 * sampling strategy, never an item they were already given. Left and right are random.
 */
export async function nextAssignmentFor(annotatorId: string, campaignId: string): Promise<NextAssignment> {
  await releaseExpiredAssignments();
  return db.$transaction(async (tx) => {
    const [rules, membership] = await Promise.all([
      loadRules(tx, campaignId),
      tx.campaignMember.findUnique({ where: { campaignId_userId: { campaignId, userId: annotatorId } }, select: { userId: true } }),
    ]);
    if (!rules || !membership) return { status: "notMember" };
    if (rules.status !== "ACTIVE") return { status: "notOpen" };

    const open = await tx.assignment.findFirst({
      where: { annotatorId, campaignId, state: "OPEN", expiresAt: { gt: new Date() } },
      select: { id: true, promptId: true, leftOutputId: true, rightOutputId: true, issuedAt: true, item: { select: { turnCount: true } } },
      orderBy: { issuedAt: "desc" },
    });
    if (open) {
      return {
        status: "assigned",
        assignment: await viewOf(tx, { ...open, turnCount: open.item.turnCount }),
        progress: await progressFor(tx, rules, annotatorId),
      };
    }

    const progress = await progressFor(tx, rules, annotatorId);
    if (rules.dailyCapPerAnnotator !== null && progress.todayVotes >= rules.dailyCapPerAnnotator) return { status: "capReached", progress };

    let item: PickedItem | null = null;
    if (rules.strategy === "ACTIVE") {
      const pairs = await pairsByUncertainty(tx, campaignId);
      for (const pair of pairs.slice(0, ACTIVE_PAIR_TRIES)) {
        item = await pickBalancedItem(tx, campaignId, annotatorId, rules.targetVotesPerItem, pair);
        if (item) break;
      }
    }
    item ??= await pickBalancedItem(tx, campaignId, annotatorId, rules.targetVotesPerItem);
    if (!item) return { status: "done", progress };

    const lowOnLeft = randomInt(2) === 0;
    const assignment = await tx.assignment.create({
      data: {
        id: randomToken(),
        campaignId,
        annotatorId,
        itemId: item.id,
        promptId: item.promptId,
        leftOutputId: lowOnLeft ? item.lowOutputId : item.highOutputId,
        rightOutputId: lowOnLeft ? item.highOutputId : item.lowOutputId,
        expiresAt: new Date(Date.now() + rules.assignmentTtlSeconds * 1000),
      },
      select: { id: true, promptId: true, leftOutputId: true, rightOutputId: true, issuedAt: true },
    });
    await tx.$executeRaw`UPDATE "Item" SET load = load + 1 WHERE id = ${item.id}::uuid`;
    return { status: "assigned", assignment: await viewOf(tx, { ...assignment, turnCount: item.turnCount }), progress };
  });
}
