import "server-only";
import type { RawSql } from "@/lib/db";
import { sql } from "@/lib/db";
import { claimItem, openAssignmentView, pairsAtRandom, pairsByUncertainty } from "./pick";
import type { AssignmentView, NextAssignment, Progress } from "./view";

// Trying a few of the drawn pairs (most uncertain first, or at random) before falling back to balanced keeps the query count bounded.
const PAIR_TRIES = 5;
// Lapsed assignments are swept on about one request in ten, and always before saying "nothing left".
const SWEEP_SHARE = 0.1;

/**
 * Where the scheduler's chance and time come from. The app leaves both out (Math.random and the
 * database's clock); the simulator (lib/simulation) passes a seeded generator and its simulated
 * clock, so that the same rules — daily caps, expiry, per-minute limits — run on simulated time.
 */
export interface SchedulerContext {
  random?: () => number;
  now?: Date;
}

function startOfUtcDay(at?: Date): Date {
  const now = at ?? new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/** Marks a batch of lapsed assignments expired and gives their slots back to their items. */
export async function releaseExpiredAssignments(client: RawSql = sql, limit = 200, at?: Date): Promise<number> {
  return client.$executeRaw`
    WITH expired AS (
      UPDATE "Assignment" SET state = 'EXPIRED'
      WHERE id IN (SELECT id FROM "Assignment" WHERE state = 'OPEN' AND "expiresAt" < coalesce(${at ?? null}::timestamptz, now()) LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      RETURNING "itemId"
    )
    UPDATE "Item" i SET load = i.load - e.n
    FROM (SELECT "itemId", count(*)::int AS n FROM expired GROUP BY "itemId") e
    WHERE i.id = e."itemId"`;
}

interface CampaignState {
  status: string;
  strategy: string;
  target: number;
  dailyCap: number | null;
  ttlSeconds: number;
  reveals: boolean;
  live: boolean;
  itemCount: number;
  member: boolean;
  campaignVotes: number;
  todayVotes: number;
  openAssignmentId: string | null;
}

/** Everything the scheduler needs to know before choosing, in one round trip. */
async function campaignState(client: RawSql, annotatorId: string, campaignId: string, at?: Date): Promise<CampaignState | null> {
  const rows = await client.$queryRaw<CampaignState[]>`
    SELECT c.status, c.strategy, c."targetVotesPerItem" AS target, c."dailyCapPerAnnotator" AS "dailyCap",
           c."assignmentTtlSeconds" AS "ttlSeconds", c."revealModelsAfterVote" AS reveals, c.live, c."itemCount",
           EXISTS (SELECT 1 FROM "CampaignMember" m WHERE m."campaignId" = c.id AND m."userId" = ${annotatorId}::uuid) AS member,
           (SELECT coalesce(sum(votes), 0)::int FROM "PairStat" s WHERE s."campaignId" = c.id) AS "campaignVotes",
           (SELECT count(*)::int FROM "Vote" v WHERE v."annotatorId" = ${annotatorId}::uuid AND v."campaignId" = c.id AND v."createdAt" >= ${startOfUtcDay(at)}) AS "todayVotes",
           (SELECT a.id FROM "Assignment" a WHERE a."annotatorId" = ${annotatorId}::uuid AND a."campaignId" = c.id AND a.state = 'OPEN' AND a."expiresAt" > coalesce(${at ?? null}::timestamptz, now())
             ORDER BY a."issuedAt" DESC LIMIT 1) AS "openAssignmentId"
    FROM "Campaign" c WHERE c.id = ${campaignId}::uuid`;
  return rows[0] ?? null;
}

function progressOf(state: CampaignState): Progress {
  return {
    campaignVotes: state.campaignVotes,
    campaignTarget: state.itemCount * state.target,
    todayVotes: state.todayVotes,
    dailyCap: state.dailyCap,
  };
}

async function claimByStrategy(
  client: RawSql,
  state: CampaignState,
  annotatorId: string,
  campaignId: string,
  context: SchedulerContext,
): Promise<AssignmentView | null> {
  const claim = { campaignId, annotatorId, target: state.target, ttlSeconds: state.ttlSeconds, reveals: state.reveals, ...context };
  if (state.strategy === "ACTIVE" || state.strategy === "UNIFORM") {
    const random = context.random ?? Math.random;
    const pairs =
      state.strategy === "ACTIVE"
        ? await pairsByUncertainty(client, campaignId, random, PAIR_TRIES)
        : await pairsAtRandom(client, campaignId, random);
    for (const pair of pairs.slice(0, PAIR_TRIES)) {
      const assignment = await claimItem(client, { ...claim, pair });
      if (assignment) return assignment;
    }
  }
  return claimItem(client, claim);
}

/**
 * The pair an annotator should judge next in a campaign they belong to: their open assignment
 * if they have one (a reload shows the same pair), otherwise a new one from the campaign's
 * sampling strategy, never an item they were already given. Left and right are random.
 */
export async function nextAssignmentFor(
  annotatorId: string,
  campaignId: string,
  client: RawSql = sql,
  context: SchedulerContext = {},
): Promise<NextAssignment> {
  const state = await campaignState(client, annotatorId, campaignId, context.now);
  if (!state || !state.member) return { status: "notMember" };
  if (state.status !== "ACTIVE") return { status: "notOpen" };
  const progress = progressOf(state);

  if (state.openAssignmentId) {
    const open = await openAssignmentView(client, state.openAssignmentId);
    if (open) return { status: "assigned", assignment: open, progress };
  }
  if (state.dailyCap !== null && state.todayVotes >= state.dailyCap) return { status: "capReached", progress };
  // In live mode the annotator brings the prompt: pairs are never handed out from others' battles.
  if (state.live) return { status: "live", progress };

  if ((context.random ?? Math.random)() < SWEEP_SHARE) await releaseExpiredAssignments(client, undefined, context.now);
  let assignment = await claimByStrategy(client, state, annotatorId, campaignId, context);
  if (!assignment && (await releaseExpiredAssignments(client, undefined, context.now)) > 0)
    assignment = await claimByStrategy(client, state, annotatorId, campaignId, context);
  return assignment ? { status: "assigned", assignment, progress } : { status: "done", progress };
}
