import "server-only";
import { escapeLiteral } from "@/lib/db";
import { randomInt } from "node:crypto";
import { randomToken } from "@/lib/auth/tokens";
import type { RawSql } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { orderAtRandom, orderByUncertainty, type PairRow, uncertaintyWeight } from "./pair-order";
import type { AssignmentView } from "./view";

interface Claim {
  campaignId: string;
  annotatorId: string;
  target: number;
  ttlSeconds: number;
  /** The campaign shows model names after each vote: then no second pair from a prompt already voted on. */
  reveals: boolean;
  pair?: { low: string; high: string };
  /** The simulator's seeded generator and clock (SchedulerContext); the app leaves them out. */
  random?: () => number;
  now?: Date;
}

interface ClaimedRow {
  id: string;
  issuedAt: Date;
  turnCount: number;
  promptTurns: string[];
  leftTurns: string[];
  rightTurns: string[];
}

function toView(row: ClaimedRow): AssignmentView {
  return {
    id: row.id,
    promptTurns: row.promptTurns.slice(0, row.turnCount),
    leftTurns: row.leftTurns.slice(0, row.turnCount),
    rightTurns: row.rightTurns.slice(0, row.turnCount),
    issuedAt: row.issuedAt.toISOString(),
  };
}

/**
 * Claims the least-covered item this annotator has not been given (except expired ones), below
 * the target once open assignments are counted, random among equals — and, in the same
 * statement, bumps its load, creates the assignment with a random left/right order and returns
 * the texts. `FOR UPDATE SKIP LOCKED` lets concurrent requests (also from other app instances)
 * each take a different row instead of waiting for, or double-booking, the same one. Only when
 * every candidate is locked by someone else does it wait for them (PostgreSQL then re-checks the
 * row), so "nothing left" is never answered just because others were busy.
 */
export async function claimItem(client: RawSql, claim: Claim): Promise<AssignmentView | null> {
  // Drawn once per claim, whatever it finds: the simulator's replica draws the same.
  const lowOnLeft = claim.random ? claim.random() < 0.5 : randomInt(2) === 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return (await claimOnce(client, claim, lowOnLeft, false)) ?? (await claimOnce(client, claim, lowOnLeft, true));
    } catch (error) {
      // Two waiting claims can lock rows in different orders (each re-checks a row's load after
      // the wait and moves on); PostgreSQL then ends one of them, which claimed nothing. Claim again.
      if (attempt >= CLAIM_ATTEMPTS || !isDeadlock(error)) throw error;
    }
  }
}

const CLAIM_ATTEMPTS = 4;

/** SQLSTATE 40P01, from pg directly or wrapped by Prisma. */
export function isDeadlock(error: unknown): boolean {
  const { code, meta } = (error ?? {}) as { code?: unknown; meta?: { code?: unknown } };
  return code === "40P01" || meta?.code === "40P01";
}

async function claimOnce(client: RawSql, claim: Claim, lowOnLeft: boolean, wait: boolean): Promise<AssignmentView | null> {
  const low = claim.pair?.low ?? null;
  const high = claim.pair?.high ?? null;
  const now = claim.now ?? null;
  const rows = await client.$queryRaw<ClaimedRow[]>`
    WITH picked AS (
      SELECT i.id FROM "Item" i
      WHERE i."campaignId" = ${claim.campaignId}::uuid AND i.load < ${claim.target} AND NOT i.blocked
        AND (${low}::uuid IS NULL OR (i."lowModelId" = ${low}::uuid AND i."highModelId" = ${high}::uuid))
        AND NOT EXISTS (
          SELECT 1 FROM "Assignment" a WHERE a."annotatorId" = ${claim.annotatorId}::uuid AND a."itemId" = i.id AND a.state <> 'EXPIRED'
        )
        -- Each (prompt, model) has one answer: after a reveal on a prompt, its other pairs would show
        -- answers the annotator can now put a name to.
        AND (NOT ${claim.reveals} OR NOT EXISTS (
          SELECT 1 FROM "Assignment" a WHERE a."annotatorId" = ${claim.annotatorId}::uuid AND a."promptId" = i."promptId" AND a.state = 'VOTED'
        ))
      ORDER BY i.load, i."randomKey"
      LIMIT 1
      FOR UPDATE ${wait ? Prisma.empty : Prisma.sql`SKIP LOCKED`}
    ), bumped AS (
      UPDATE "Item" i SET load = i.load + 1 FROM picked WHERE i.id = picked.id AND i.load < ${claim.target}
      RETURNING i.id, i."promptId", i."turnCount",
        CASE WHEN ${lowOnLeft} THEN i."lowOutputId" ELSE i."highOutputId" END AS "leftOutputId",
        CASE WHEN ${lowOnLeft} THEN i."highOutputId" ELSE i."lowOutputId" END AS "rightOutputId"
    ), created AS (
      INSERT INTO "Assignment" (id, "campaignId", "annotatorId", "itemId", "promptId", "leftOutputId", "rightOutputId", "issuedAt", "expiresAt")
      SELECT ${randomToken()}, ${claim.campaignId}::uuid, ${claim.annotatorId}::uuid, b.id, b."promptId", b."leftOutputId", b."rightOutputId",
             coalesce(${now}::timestamptz, now()), coalesce(${now}::timestamptz, now()) + make_interval(secs => ${claim.ttlSeconds})
      FROM bumped b
      RETURNING id, "issuedAt", "promptId", "leftOutputId", "rightOutputId"
    )
    SELECT c.id, c."issuedAt", b."turnCount", p.turns AS "promptTurns", l.turns AS "leftTurns", r.turns AS "rightTurns"
    FROM created c JOIN bumped b ON true
    JOIN "Prompt" p ON p.id = c."promptId" JOIN "Output" l ON l.id = c."leftOutputId" JOIN "Output" r ON r.id = c."rightOutputId"`;
  return rows[0] ? toView(rows[0]) : null;
}

/**
 * The texts of an assignment that is already open. If its pair was blocked since it was handed out
 * (identity words changed), the assignment is closed and its slot returned, and null says so.
 */
export async function openAssignmentView(client: RawSql, assignmentId: string): Promise<AssignmentView | null> {
  const rows = await client.$queryRaw<(ClaimedRow & { blocked: boolean })[]>`
    SELECT a.id, a."issuedAt", i."turnCount", i.blocked, p.turns AS "promptTurns", l.turns AS "leftTurns", r.turns AS "rightTurns"
    FROM "Assignment" a JOIN "Item" i ON i.id = a."itemId" JOIN "Prompt" p ON p.id = a."promptId"
    JOIN "Output" l ON l.id = a."leftOutputId" JOIN "Output" r ON r.id = a."rightOutputId"
    WHERE a.id = ${assignmentId}`;
  const row = rows[0];
  if (!row) return null;
  if (row.blocked) {
    await withdrawAssignment(client, assignmentId);
    return null;
  }
  return toView(row);
}

/** Closes an open assignment without a vote and gives its slot back to its item. */
export async function withdrawAssignment(client: RawSql, assignmentId: string): Promise<void> {
  await client.$executeRaw(Prisma.raw(withdrawAssignmentStatement(assignmentId)));
}

/** The statement of `withdrawAssignment` as SQL text (for multi-statement transactions), withdrawing only when `condition` holds. */
export function withdrawAssignmentStatement(assignmentId: string, condition = "TRUE"): string {
  return `
    WITH withdrawn AS (UPDATE "Assignment" SET state = 'EXPIRED' WHERE id = ${escapeLiteral(assignmentId)} AND state = 'OPEN' AND ${condition} RETURNING "itemId")
    UPDATE "Item" SET load = load - 1 WHERE id IN (SELECT "itemId" FROM withdrawn)`;
}

/**
 * The campaign's model pairs with their running tallies, in a fixed order (the random draws then
 * depend on the seed alone, which the simulator relies on).
 */
async function pairRows(client: RawSql, campaignId: string): Promise<PairRow[]> {
  return client.$queryRaw<PairRow[]>`
    SELECT "lowModelId", "highModelId", votes, "winsLow", "winsHigh" FROM "PairStat" WHERE "campaignId" = ${campaignId}::uuid
    ORDER BY "lowModelId", "highModelId"`;
}

/** The campaign's model pairs for active sampling, most uncertain first (`orderByUncertainty`). */
export async function pairsByUncertainty(
  client: RawSql,
  campaignId: string,
  random: () => number = Math.random,
  limit = Infinity,
): Promise<{ low: string; high: string }[]> {
  return orderByUncertainty(campaignId, await pairRows(client, campaignId), random, limit);
}

/** The campaign's model pairs in a uniformly random order, for the UNIFORM strategy. */
export async function pairsAtRandom(
  client: RawSql,
  campaignId: string,
  random: () => number = Math.random,
): Promise<{ low: string; high: string }[]> {
  return orderAtRandom(await pairRows(client, campaignId), random);
}

export { uncertaintyWeight };
