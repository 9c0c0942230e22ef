import "server-only";
import { metrics } from "@/lib/metrics/metrics";
import { flagAfterFailedGold } from "@/lib/campaigns/flags";
import { batch, db, escapeLiteral, sql, withLiterals } from "@/lib/db";
import { env } from "@/lib/env";
import { Prisma } from "@/lib/generated/prisma/client";
import type { Outcome, Winner } from "@/lib/generated/prisma/enums";

export interface VoteInput {
  assignmentId: string;
  outcome: Outcome;
  reason?: string;
  /** The annotator's own better answer (Markdown), where the campaign asks for one. */
  correctedAnswer?: string;
  identityLeak?: boolean;
  /** As measured in the browser; clamped to the time since the pair was issued. */
  durationMs: number;
}

export type VoteResult =
  | { ok: true; duplicate: boolean; campaignId: string; revealed: { left: string; right: string } | null }
  | {
      ok: false;
      code: "NOT_FOUND" | "EXPIRED" | "CLOSED" | "OUTCOME_NOT_ALLOWED" | "REASON_REQUIRED" | "CORRECTION_REQUIRED" | "RATE_LIMITED";
    };

/** Screen terms to Chatbot Arena terms: the left model is model_a; both good counts as a tie. */
const WINNER: Record<Outcome, Winner> = { LEFT: "MODEL_A", RIGHT: "MODEL_B", TIE: "TIE", BOTH_GOOD: "TIE", BOTH_BAD: "TIE_BOTHBAD" };

interface VoteRow {
  campaignId: string;
  state: string;
  expired: boolean;
  member: boolean;
  blocked: boolean;
  underRate: boolean;
  goldPassed: boolean | null;
  campaignStatus: string;
  outcomeAllowed: boolean;
  reasonRequired: boolean;
  correctionRequired: boolean;
  revealModelsAfterVote: boolean;
  leftModelId: string;
  rightModelId: string;
  inserted: boolean;
}

/**
 * Stores the annotator's vote on their own open assignment, exactly once, in one statement: the
 * assignment row is locked (a concurrent duplicate waits, then finds it voted), the vote is
 * inserted only if every rule holds (Vote.assignmentId is unique besides), and the assignment,
 * the item's counts and the pair's tally change with it. A second submission (double click,
 * retry, replay) gets the first result back. Which model won is worked out here from the
 * assignment; the browser only ever says "left" or "right". An expired assignment is closed and
 * its slot returned.
 */
export async function recordVote(annotatorId: string, input: VoteInput, context: { now?: Date } = {}): Promise<VoteResult> {
  const started = performance.now();
  try {
    const result = await storeVote(annotatorId, input, context.now);
    if (result.ok && !result.duplicate) metrics().votes.inc({ outcome: input.outcome.toLowerCase() });
    return result;
  } finally {
    metrics().voteDuration.observe((performance.now() - started) / 1000);
  }
}

/** `at`: the simulator's clock (lib/simulation), which the rules of time then follow; the app leaves it out. */
async function storeVote(annotatorId: string, input: VoteInput, at?: Date): Promise<VoteResult> {
  const winner = WINNER[input.outcome];
  const reason = input.reason?.trim() || null;
  const correctedAnswer = input.correctedAnswer?.trim() || null;
  const maxPerMinute = env().HIKAKU_MAX_VOTES_PER_MINUTE;
  const now = at ? Prisma.sql`${at.toISOString()}::timestamptz` : Prisma.sql`now()`;
  const statement = Prisma.sql`
    WITH target AS (
      SELECT a.id, a."campaignId", a."promptId", a."itemId", a.state, a."issuedAt", a."expiresAt" <= ${now} AS expired,
             l."modelId" AS "leftModelId", r."modelId" AS "rightModelId", i."lowModelId", i."highModelId",
             c.status AS "campaignStatus", ${input.outcome}::"Outcome" = ANY(c."allowedOutcomes") AS "outcomeAllowed",
             c."reasonPolicy" = 'REQUIRED' AND ${reason}::text IS NULL AS "reasonRequired",
             c."reasonPolicy" = 'HIDDEN' AS "reasonHidden", c."revealModelsAfterVote",
             c."correctionPolicy" = 'REQUIRED_AFTER_BOTH_BAD' AND ${input.outcome}::"Outcome" = 'BOTH_BAD' AND ${correctedAnswer}::text IS NULL AS "correctionRequired",
             c."correctionPolicy" = 'OFF' AS "correctionOff", i.blocked,
             -- Someone removed from the campaign keeps no say in it, even on a pair still open.
             EXISTS (SELECT 1 FROM "CampaignMember" m WHERE m."campaignId" = a."campaignId" AND m."userId" = a."annotatorId") AS member,
             -- A per-person rate, counted in the database so it holds across app instances.
             (SELECT count(*) FROM "Vote" rv WHERE rv."annotatorId" = ${annotatorId}::uuid AND rv."createdAt" > ${now} - interval '1 minute') < ${maxPerMinute} AS "underRate",
             c."minSecondsPerVote", i."goldWinnerModelId"
      FROM "Assignment" a
      JOIN "Output" l ON l.id = a."leftOutputId"
      JOIN "Output" r ON r.id = a."rightOutputId"
      JOIN "Item" i ON i.id = a."itemId"
      JOIN "Campaign" c ON c.id = a."campaignId"
      WHERE a.id = ${input.assignmentId} AND a."annotatorId" = ${annotatorId}::uuid
      FOR UPDATE OF a
    ), accepted AS (
      SELECT * FROM target
      WHERE state = 'OPEN' AND NOT expired AND member AND NOT blocked AND "underRate" AND "campaignStatus" = 'ACTIVE' AND "outcomeAllowed"
        AND NOT "reasonRequired" AND NOT "correctionRequired"
    ), vote AS (
      INSERT INTO "Vote" (id, "assignmentId", "campaignId", "annotatorId", "promptId", "modelAId", "modelBId", outcome, winner, reason,
                          "correctedAnswer", "identityLeak", "durationMs", "tooFast", "goldPassed", "createdAt")
      SELECT gen_random_uuid(), t.id, t."campaignId", ${annotatorId}::uuid, t."promptId", t."leftModelId", t."rightModelId",
             ${input.outcome}::"Outcome", ${winner}::"Winner", CASE WHEN t."reasonHidden" THEN NULL ELSE ${reason}::text END,
             CASE WHEN t."correctionOff" THEN NULL ELSE ${correctedAnswer}::text END, ${input.identityLeak ?? false}, d.ms,
             coalesce(d.ms < t."minSecondsPerVote" * 1000, false),
             CASE WHEN t."goldWinnerModelId" IS NOT NULL THEN
               (${winner} = 'MODEL_A' AND t."leftModelId" = t."goldWinnerModelId") OR (${winner} = 'MODEL_B' AND t."rightModelId" = t."goldWinnerModelId")
             END, ${now}
      -- The time taken as the browser measured it, but never more than has passed since the pair was issued.
      FROM accepted t, LATERAL (SELECT greatest(0, least(${Math.round(input.durationMs)}, floor(extract(epoch FROM ${now} - t."issuedAt") * 1000)))::int AS ms) d
      ON CONFLICT ("assignmentId") WHERE "assignmentId" IS NOT NULL DO NOTHING
      RETURNING "assignmentId", "goldPassed"
    ), voted AS (
      UPDATE "Assignment" SET state = 'VOTED' WHERE id IN (SELECT "assignmentId" FROM vote)
    ), counted AS (
      -- The open slot becomes a vote, so the item's load (votes + open assignments) stays the same.
      UPDATE "Item" SET votes = votes + 1 WHERE id IN (SELECT "itemId" FROM accepted) AND EXISTS (SELECT 1 FROM vote)
    ), tallied AS (
      UPDATE "PairStat" p SET votes = p.votes + 1,
        "winsLow" = p."winsLow" + CASE WHEN (${winner} = 'MODEL_A' AND t."leftModelId" = t."lowModelId") OR (${winner} = 'MODEL_B' AND t."rightModelId" = t."lowModelId") THEN 1 ELSE 0 END,
        "winsHigh" = p."winsHigh" + CASE WHEN (${winner} = 'MODEL_A' AND t."leftModelId" = t."highModelId") OR (${winner} = 'MODEL_B' AND t."rightModelId" = t."highModelId") THEN 1 ELSE 0 END
      FROM accepted t
      WHERE EXISTS (SELECT 1 FROM vote) AND p."campaignId" = t."campaignId" AND p."lowModelId" = t."lowModelId" AND p."highModelId" = t."highModelId"
    ), lapsed AS (
      UPDATE "Assignment" a SET state = 'EXPIRED' FROM target t WHERE a.id = t.id AND t.state = 'OPEN' AND t.expired RETURNING t."itemId"
    ), released AS (
      UPDATE "Item" SET load = load - 1 WHERE id IN (SELECT "itemId" FROM lapsed)
    )
    SELECT t."campaignId", t.state, t.expired, t.member, t.blocked, t."campaignStatus", t."outcomeAllowed", t."reasonRequired", t."correctionRequired", t."revealModelsAfterVote",
           t."leftModelId", t."rightModelId", EXISTS (SELECT 1 FROM vote) AS inserted, t."underRate", (SELECT "goldPassed" FROM vote) AS "goldPassed"
    FROM target t`;
  // One annotator's votes one at a time (an advisory lock to the end of the transaction), so the
  // per-minute count the vote reads includes every vote of theirs that came just before: counted
  // without it, votes sent in parallel all saw the same count and passed the limit together. Both
  // statements go in one round trip and one transaction (the simple protocol), the vote's with a
  // snapshot taken after the lock.
  const results = await batch<VoteRow>([
    `SELECT pg_advisory_xact_lock(hashtext(${escapeLiteral(`votes:${annotatorId}`)}))`,
    withLiterals(statement),
  ]);
  const [row] = results[1].rows;

  // Someone else's assignment looks exactly like a missing one.
  if (!row) return { ok: false, code: "NOT_FOUND" };
  // A wrong answer on a gold pair may flag the annotator (lib/campaigns/flags.ts).
  if (row.inserted && row.goldPassed === false) await flagAfterFailedGold(row.campaignId, annotatorId);
  const done = row.inserted || row.state === "VOTED";
  if (done)
    return {
      ok: true,
      duplicate: !row.inserted,
      campaignId: row.campaignId,
      revealed: row.revealModelsAfterVote ? await modelNames(row) : null,
    };
  if (!row.member) return { ok: false, code: "NOT_FOUND" };
  // A pair withdrawn after it was handed out (its answers turned out to name a model) takes no votes.
  if (row.state !== "OPEN" || row.campaignStatus !== "ACTIVE" || row.blocked) return { ok: false, code: "CLOSED" };
  if (row.expired) return { ok: false, code: "EXPIRED" };
  if (!row.underRate) return { ok: false, code: "RATE_LIMITED" };
  if (!row.outcomeAllowed) return { ok: false, code: "OUTCOME_NOT_ALLOWED" };
  if (row.correctionRequired) return { ok: false, code: "CORRECTION_REQUIRED" };
  return { ok: false, code: "REASON_REQUIRED" };
}

async function modelNames(row: VoteRow): Promise<{ left: string; right: string }> {
  const models = await db.model.findMany({ where: { id: { in: [row.leftModelId, row.rightModelId] } }, select: { id: true, name: true } });
  const name = (id: string) => models.find((m) => m.id === id)!.name;
  return { left: name(row.leftModelId), right: name(row.rightModelId) };
}

export type SkipResult = { ok: true; campaignId: string } | { ok: false; code: "NOT_FOUND" | "CLOSED" };

/** Gives an open assignment back without a vote; the item is not shown to this annotator again. */
export async function skipAssignment(annotatorId: string, assignmentId: string): Promise<SkipResult> {
  const [row] = await sql.$queryRaw<{ campaignId: string; state: string; skipped: boolean }[]>`
    WITH target AS (
      SELECT id, "campaignId", "itemId", state FROM "Assignment" WHERE id = ${assignmentId} AND "annotatorId" = ${annotatorId}::uuid FOR UPDATE
    ), skipped AS (
      UPDATE "Assignment" a SET state = 'SKIPPED' FROM target t WHERE a.id = t.id AND t.state = 'OPEN' RETURNING t."itemId"
    ), released AS (
      UPDATE "Item" SET load = load - 1 WHERE id IN (SELECT "itemId" FROM skipped)
    )
    SELECT t."campaignId", t.state, EXISTS (SELECT 1 FROM skipped) AS skipped FROM target t`;
  if (!row) return { ok: false, code: "NOT_FOUND" };
  if (row.skipped || row.state === "SKIPPED") return { ok: true, campaignId: row.campaignId };
  return { ok: false, code: "CLOSED" };
}
