import "server-only";
import { metrics } from "@/lib/metrics/metrics";
import { randomUUID } from "node:crypto";
import { randomToken } from "@/lib/auth/tokens";
import { matchTextOf } from "@/lib/campaigns/identity-words";
import { readingInWorker } from "@/lib/markdown/reading-in-worker";
import { normaliseForMatching } from "@/lib/markdown/plain-text";
import { Prisma } from "@/lib/generated/prisma/client";
import { escapeLiteral, type RawSql, transaction } from "@/lib/db";
import { styleByTurnsShown } from "@/lib/ratings/style-control";
import { MAX_ANSWER_CHARS, type FailureCause } from "./openai";
import { battleKey, jobKey, notifyEach, notifyKey } from "./notify";
import { type FinishCheck, type FinishResult, type JobOutcome } from "./battle-types";

/**
 * How a live battle ends: a side's answer (or failure) arrives and is checked; the battle is voided
 * with its cause, or, once both answers are in, becomes an ordinary pair to vote on.
 */

/**
 * The statement that voids the generating battles `where` picks (a condition on "LiveBattle"):
 * each recorded with its cause, its unfinished jobs cancelled, whoever follows them woken. Text
 * with literals, so that the one-round-trip start of a battle can run it among its statements.
 */
export function voidBattlesStatement(where: string, cause: FailureCause, detail: string): string {
  const q = escapeLiteral;
  return `
    WITH voided AS (
      UPDATE "LiveBattle" SET state = 'VOIDED', "voidCause" = ${q(cause)}, "voidDetail" = ${q(detail.slice(0, 2000))}, "updatedAt" = now()
      WHERE state = 'GENERATING' AND ${where} RETURNING id),
    cancelled AS (
      UPDATE "GenerationJob" SET state = 'CANCELLED', "finishedAt" = now()
      WHERE "battleId" IN (SELECT id FROM voided) AND state IN ('PENDING', 'RUNNING') RETURNING id),
    woken AS (${notifyEach(`SELECT ${q(jobKey(""))} || id FROM cancelled UNION ALL SELECT ${q(battleKey(""))} || id FROM voided`)})
    SELECT (SELECT count(*) FROM voided)::int AS voided,
           -- Read so that it runs: a plain SELECT in WITH runs only when something reads it.
           (SELECT count(*) FROM woken)::int AS woken`;
}

/** Voids a generating battle: recorded with its cause, its unfinished jobs cancelled, nothing rated. */
async function voidBattle(tx: RawSql, battleId: string, cause: FailureCause, detail: string): Promise<boolean> {
  const [{ voided }] = await tx.$queryRaw<{ voided: number }[]>(
    Prisma.raw(voidBattlesStatement(`id = ${escapeLiteral(battleId)}`, cause, detail)),
  );
  if (voided > 0) metrics().liveBattlesVoid.inc({ cause }, voided);
  return voided > 0;
}

/** The annotator's page went away (or they gave up waiting): both generations stop. */
export async function cancelBattle(annotatorId: string, battleId: string): Promise<boolean> {
  return transaction(async (tx) => {
    const owned = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM "LiveBattle" WHERE id = ${battleId} AND "annotatorId" = ${annotatorId}::uuid FOR UPDATE`;
    return owned.length > 0 && voidBattle(tx, battleId, "cancelled", "the annotator's page closed before the answers were in");
  });
}

interface LockedJob {
  id: string;
  battleId: string;
  endpointId: string;
  state: string;
  attempt: number;
  leaseValid: boolean;
  content: string;
  error: string | null;
  chunkCount: number;
  campaignId: string;
  modelName: string;
  identityWords: string[];
}

/** The identity word (as listed) that an answer's reading contains; null when it names no model. */
function namedIdentityWord(reading: string, identityWords: string[]): string | null {
  const text = normaliseForMatching(reading);
  return (
    identityWords.find((word) => {
      const normalised = normaliseForMatching(word.trim());
      return normalised !== "" && text.includes(normalised);
    }) ?? null
  );
}

/**
 * An answer's reading (lib/markdown/reading-in-worker.ts), or the failure it is: longer than the
 * cap, or not readable in time (then it cannot be shown to have no model name in it).
 */
async function readAnswer(
  outcome: JobOutcome,
): Promise<{ reading: string | null; failure: { cause: FailureCause; detail: string } | null }> {
  if (!("content" in outcome) || !outcome.content.trim()) return { reading: null, failure: null };
  if (outcome.content.length > MAX_ANSWER_CHARS)
    return { reading: null, failure: { cause: "too_long", detail: `the answer is longer than ${MAX_ANSWER_CHARS} characters` } };
  try {
    return { reading: await readingInWorker(outcome.content), failure: null };
  } catch {
    return { reading: null, failure: { cause: "error", detail: "the answer could not be checked for model names in time" } };
  }
}

/**
 * Ends one side's job with its answer or its failure, once: a job already ended (or leased to
 * another worker since) is left as it is and the caller learns its state. An empty answer, one
 * over the length cap, one that names a model and a worker's answer that is not what it streamed
 * are failures. A failure voids the battle; the second answer in makes it ready. The answer is read
 * (its Markdown rendered to text) off the main thread before any row is locked.
 */
export async function finishJob(jobId: string, outcome: JobOutcome, check: FinishCheck = {}): Promise<FinishResult> {
  const read = await readAnswer(outcome);
  return transaction(async (tx) => {
    const [job] = await tx.$queryRaw<LockedJob[]>`
      SELECT j.id, j."battleId", j."endpointId", j.state, j.attempt, j."leaseUntil" >= now() AS "leaseValid", j.content, j.error, j."chunkCount",
             b."campaignId", m.name AS "modelName", c."identityWords"
      FROM "GenerationJob" j JOIN "LiveBattle" b ON b.id = j."battleId" JOIN "Campaign" c ON c.id = b."campaignId"
      JOIN "ModelEndpoint" e ON e.id = j."endpointId" JOIN "Model" m ON m.id = e."modelId"
      WHERE j.id = ${jobId} AND (${check.endpointId ?? null}::uuid IS NULL OR j."endpointId" = ${check.endpointId ?? null}::uuid)
      FOR UPDATE OF b, j`;
    if (!job) return { applied: false, state: "MISSING", sameAnswer: false };
    const open = job.state === "PENDING" || job.state === "RUNNING";
    const leaseHeld = check.attempt === undefined || (job.attempt === check.attempt && job.state === "RUNNING" && job.leaseValid);
    if (!open || !leaseHeld) {
      const sameAnswer =
        check.attempt === job.attempt &&
        (("content" in outcome && (job.state === "DONE" || job.state === "FAILED") && job.content === outcome.content) ||
          ("failure" in outcome && job.state === "FAILED" && job.error === outcome.failure.detail));
      return { applied: false, state: job.state, sameAnswer };
    }
    let failure = "failure" in outcome ? outcome.failure : read.failure;
    const content = "content" in outcome && !read.failure ? outcome.content : job.content;
    if (!failure && !content.trim()) failure = { cause: "empty", detail: "the model's answer was empty" };
    if (!failure && job.chunkCount > 0) {
      // A worker's answer must be what it streamed, or what the annotator watched (and what the
      // streaming check passed) would not be what is voted on.
      const [{ streamed }] = await tx.$queryRaw<{ streamed: string | null }[]>`
        SELECT string_agg(text, '' ORDER BY seq) AS streamed FROM "GenerationChunk" WHERE "jobId" = ${jobId} AND attempt = ${job.attempt}`;
      if (streamed !== content) failure = { cause: "error", detail: "the worker's answer is not the text it streamed" };
    }
    const named = failure || read.reading === null ? null : namedIdentityWord(read.reading, job.identityWords);
    if (named) failure = { cause: "identity", detail: `the answer names a model ("${named}")` };

    await tx.$executeRaw`
      UPDATE "GenerationJob" SET state = ${failure ? "FAILED" : "DONE"}::"JobState", content = ${failure?.cause === "too_long" ? "" : content},
        "readingText" = ${failure ? null : read.reading}, error = ${failure?.detail ?? null}, "finishedAt" = now(),
        "firstTokenAt" = coalesce("firstTokenAt", ${"content" in outcome ? (outcome.firstTokenAt ?? null) : null}::timestamptz)
      WHERE id = ${jobId}`;
    // The streamed pieces are in the answer now (or void with it).
    await tx.$executeRaw`DELETE FROM "GenerationChunk" WHERE "jobId" = ${jobId}`;
    await tx.$executeRaw`
      UPDATE "ModelEndpoint" SET answered = answered + ${failure ? 0 : 1}, failed = failed + ${failure ? 1 : 0} WHERE id = ${job.endpointId}::uuid`;
    await tx.$executeRaw(notifyKey(jobKey(jobId)));
    if (failure) {
      await voidBattle(tx, job.battleId, failure.cause, `${job.modelName}: ${failure.detail}`);
      return { applied: true };
    }
    const [{ pending }] = await tx.$queryRaw<{ pending: number }[]>`
      SELECT count(*)::int AS pending FROM "GenerationJob" j JOIN "LiveBattle" b ON b.id = j."battleId"
      WHERE j."battleId" = ${job.battleId} AND j.turn = jsonb_array_length(b."userTurns") - 1 AND j.state <> 'DONE'`;
    if (pending === 0) await makeReady(tx, job.battleId);
    return { applied: true };
  });
}

interface ReadyBattle {
  campaignId: string;
  annotatorId: string;
  userTurns: string[];
  promptId: string | null;
  ttlSeconds: number;
}

interface SideAnswers {
  endpointId: string;
  modelId: string;
  left: boolean;
  params: unknown;
  turns: string[];
  /** Each turn's reading, worked out when it finished (null for a job finished before readings were kept). */
  readings: (string | null)[];
  timings: { firstTokenMs: number | null; totalMs: number | null }[];
}

/** A side's turns as identity words are matched on: from the readings worked out off the main thread, where there are. */
function sideMatchText(side: SideAnswers): string {
  if (side.readings.some((reading) => reading === null)) return matchTextOf(side.turns);
  return normaliseForMatching(side.readings.join("\n"));
}

/**
 * Both answers are in: the battle becomes (or, after a follow-up, grows) an ordinary pair — a
 * live Prompt, one Output per model with its generation parameters and timings, the pair's Item —
 * and the annotator gets an assignment on it with the battle's own left/right order.
 */
async function makeReady(tx: RawSql, battleId: string): Promise<void> {
  const [battle] = await tx.$queryRaw<ReadyBattle[]>`
    SELECT b."campaignId", b."annotatorId", b."userTurns", b."promptId", c."assignmentTtlSeconds" AS "ttlSeconds"
    FROM "LiveBattle" b JOIN "Campaign" c ON c.id = b."campaignId" WHERE b.id = ${battleId}`;
  const sides = await tx.$queryRaw<SideAnswers[]>`
    SELECT j."endpointId", e."modelId", j."onLeft" AS "left", e.params,
           array_agg(j.content ORDER BY j.turn) AS turns, array_agg(j."readingText" ORDER BY j.turn) AS readings,
           jsonb_agg(jsonb_build_object(
             'firstTokenMs', round(extract(epoch FROM j."firstTokenAt" - j."createdAt") * 1000),
             'totalMs', round(extract(epoch FROM j."finishedAt" - j."createdAt") * 1000)) ORDER BY j.turn) AS timings
    FROM "GenerationJob" j JOIN "ModelEndpoint" e ON e.id = j."endpointId"
    WHERE j."battleId" = ${battleId} AND j.state = 'DONE'
    GROUP BY j."endpointId", e."modelId", j."onLeft", e.params`;
  const promptId = battle.promptId ?? randomUUID();
  if (battle.promptId === null) {
    await tx.$executeRaw`
      INSERT INTO "Prompt" (id, "campaignId", "externalId", turns, source, "authorId")
      VALUES (${promptId}::uuid, ${battle.campaignId}::uuid, ${`live-${promptId}`}, ${JSON.stringify(battle.userTurns)}::jsonb, 'LIVE', ${battle.annotatorId}::uuid)`;
  } else {
    await tx.$executeRaw`UPDATE "Prompt" SET turns = ${JSON.stringify(battle.userTurns)}::jsonb WHERE id = ${promptId}::uuid`;
  }
  const outputIds = new Map<boolean, string>();
  for (const side of sides) {
    const generation = JSON.stringify({ params: side.params, turns: side.timings });
    const [{ id }] = await tx.$queryRaw<{ id: string }[]>`
      INSERT INTO "Output" (id, "promptId", "modelId", turns, "matchText", style, generation)
      VALUES (gen_random_uuid(), ${promptId}::uuid, ${side.modelId}::uuid, ${JSON.stringify(side.turns)}::jsonb, ${sideMatchText(side)},
              ${`{${styleByTurnsShown(side.turns).join(",")}}`}::int[], ${generation}::jsonb)
      ON CONFLICT ("promptId", "modelId") DO UPDATE SET turns = EXCLUDED.turns, "matchText" = EXCLUDED."matchText", style = EXCLUDED.style,
        generation = EXCLUDED.generation
      RETURNING id`;
    outputIds.set(side.left, id);
  }
  const [low, high] = [...sides].sort((a, b) => (a.modelId < b.modelId ? -1 : 1));
  const [item] = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO "Item" (id, "campaignId", "promptId", "lowModelId", "highModelId", "lowOutputId", "highOutputId", "turnCount", load)
    VALUES (gen_random_uuid(), ${battle.campaignId}::uuid, ${promptId}::uuid, ${low.modelId}::uuid, ${high.modelId}::uuid,
            ${outputIds.get(low.left)}::uuid, ${outputIds.get(high.left)}::uuid, ${battle.userTurns.length}, 1)
    ON CONFLICT ("promptId", "lowModelId", "highModelId") DO UPDATE SET "turnCount" = EXCLUDED."turnCount", load = "Item".load + 1
    RETURNING id`;
  await tx.$executeRaw`
    INSERT INTO "PairStat" ("campaignId", "lowModelId", "highModelId") VALUES (${battle.campaignId}::uuid, ${low.modelId}::uuid, ${high.modelId}::uuid)
    ON CONFLICT DO NOTHING`;
  const assignmentId = randomToken();
  await tx.$executeRaw`
    INSERT INTO "Assignment" (id, "campaignId", "annotatorId", "itemId", "promptId", "leftOutputId", "rightOutputId", "expiresAt")
    VALUES (${assignmentId}, ${battle.campaignId}::uuid, ${battle.annotatorId}::uuid, ${item.id}::uuid, ${promptId}::uuid,
            ${outputIds.get(true)}::uuid, ${outputIds.get(false)}::uuid, now() + make_interval(secs => ${battle.ttlSeconds}))`;
  await tx.$executeRaw`
    UPDATE "LiveBattle" SET state = 'READY', "promptId" = ${promptId}::uuid, "assignmentId" = ${assignmentId}, "updatedAt" = now()
    WHERE id = ${battleId}`;
  await tx.$executeRaw(notifyKey(battleKey(battleId)));
}
