import "server-only";
import type { Tx } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";

export interface PickedItem {
  id: string;
  promptId: string;
  lowOutputId: string;
  highOutputId: string;
  turnCount: number;
}

/**
 * The least-covered item this annotator has not been given (except expired), below the target
 * once open assignments are counted, random among equals. `FOR UPDATE SKIP LOCKED` lets
 * concurrent requests (also from other app instances) each take a different row instead of
 * waiting for, or double-booking, the same one. Only when every candidate is locked by someone
 * else does it wait for them (PostgreSQL then re-checks the row), so "nothing left" is never
 * answered just because others were busy.
 */
export async function pickBalancedItem(
  tx: Tx,
  campaignId: string,
  annotatorId: string,
  target: number,
  pair?: { low: string; high: string },
): Promise<PickedItem | null> {
  return (await pickItem(tx, campaignId, annotatorId, target, pair, false)) ?? pickItem(tx, campaignId, annotatorId, target, pair, true);
}

async function pickItem(
  tx: Tx,
  campaignId: string,
  annotatorId: string,
  target: number,
  pair: { low: string; high: string } | undefined,
  wait: boolean,
) {
  const low = pair?.low ?? null;
  const high = pair?.high ?? null;
  const rows = await tx.$queryRaw<PickedItem[]>`
    SELECT i.id, i."promptId", i."lowOutputId", i."highOutputId", i."turnCount"
    FROM "Item" i
    WHERE i."campaignId" = ${campaignId}::uuid AND i.load < ${target} AND NOT i.blocked
      AND (${low}::uuid IS NULL OR (i."lowModelId" = ${low}::uuid AND i."highModelId" = ${high}::uuid))
      AND NOT EXISTS (
        SELECT 1 FROM "Assignment" a WHERE a."annotatorId" = ${annotatorId}::uuid AND a."itemId" = i.id AND a.state <> 'EXPIRED'
      )
    ORDER BY i.load, i."randomKey"
    LIMIT 1
    FOR UPDATE ${wait ? Prisma.empty : Prisma.sql`SKIP LOCKED`}`;
  return rows[0] ?? null;
}

interface PairRow {
  lowModelId: string;
  highModelId: string;
  votes: number;
  winsLow: number;
  winsHigh: number;
}

/**
 * Model pairs ordered for active sampling, as proposed for Chatbot Arena: votes go where the
 * win-probability estimate is least certain. A pair's weight is the standard error of its
 * smoothed win rate, √(p(1−p)/(n+1)); pairs are drawn without replacement in proportion to it.
 */
export async function pairsByUncertainty(
  tx: Tx,
  campaignId: string,
  random: () => number = Math.random,
): Promise<{ low: string; high: string }[]> {
  const pairs = await tx.$queryRaw<PairRow[]>`
    SELECT "lowModelId", "highModelId", votes, "winsLow", "winsHigh" FROM "PairStat" WHERE "campaignId" = ${campaignId}::uuid`;
  const weighted = pairs.map((pair) => {
    const ties = pair.votes - pair.winsLow - pair.winsHigh;
    const p = (pair.winsLow + 0.5 * ties + 1) / (pair.votes + 2);
    // Efraimidis–Spirakis keys: sorting by u^(1/w) descending draws without replacement ∝ w.
    const weight = Math.sqrt((p * (1 - p)) / (pair.votes + 1));
    return { low: pair.lowModelId, high: pair.highModelId, key: Math.pow(random(), 1 / weight) };
  });
  return weighted.sort((a, b) => b.key - a.key).map(({ low, high }) => ({ low, high }));
}
