import "server-only";
import { randomUUID } from "node:crypto";
import { randomToken } from "@/lib/auth/tokens";
import { matchTextOf, normalisedWords } from "@/lib/campaigns/identity-words";
import type { RawSql } from "@/lib/db";
import { pgTransaction, poolSql } from "@/lib/pg";
import { styleByTurnsShown } from "@/lib/ratings/style-control";
import { uncertaintyWeight, withdrawAssignment } from "@/lib/scheduling/pick";
import type { ChatMessage, FailureCause } from "./openai";
import { battleKey, endpointKey, jobKey, notifyKey } from "./notify";
import { checkPrompt, type PromptRefusal } from "./moderation";

/**
 * Live battles: an annotator's prompt goes to two of the campaign's models, picked by its sampling
 * strategy, shown left and right at random. Each side's answer is a GenerationJob; when both are
 * in, the battle becomes an ordinary pair (Prompt, two Outputs, Item, Assignment) and is voted on
 * like any other. Any failure — an error, a timeout, an empty answer, an answer that names its
 * model, a closed page — voids the battle: it is recorded with its cause and never rated.
 */

export type StartResult =
  | { ok: true; battleId: string }
  | { ok: false; code: "NOT_FOUND" | "NOT_LIVE" | "CLOSED" | "NO_MODELS" | "TOO_MANY_TURNS" | "RATE_LIMITED" | PromptRefusal };

interface LiveCampaign {
  id: string;
  status: string;
  live: boolean;
  strategy: string;
  liveMaxTurns: number;
  livePromptsPerHour: number;
  livePromptMaxChars: number;
  moderationWords: string[];
  member: boolean;
  promptsLastHour: number;
}

async function liveCampaign(tx: RawSql, annotatorId: string, campaignId: string): Promise<LiveCampaign | null> {
  const rows = await tx.$queryRaw<LiveCampaign[]>`
    SELECT c.id, c.status, c.live, c.strategy, c."liveMaxTurns", c."livePromptsPerHour", c."livePromptMaxChars", c."moderationWords",
           EXISTS (SELECT 1 FROM "CampaignMember" m WHERE m."campaignId" = c.id AND m."userId" = ${annotatorId}::uuid) AS member,
           -- Every prompt sent (a first turn or a follow-up) starts exactly one left-hand job.
           (SELECT count(*)::int FROM "GenerationJob" j JOIN "LiveBattle" b ON b.id = j."battleId"
             WHERE b."annotatorId" = ${annotatorId}::uuid AND b."campaignId" = c.id AND j."onLeft" AND j."createdAt" > now() - interval '1 hour') AS "promptsLastHour"
    FROM "Campaign" c WHERE c.id = ${campaignId}::uuid`;
  return rows[0] ?? null;
}

interface EndpointChoice {
  id: string;
  modelId: string;
  systemPrompt: string;
  timeoutSeconds: number;
  kind: "PUSHED" | "PULLED";
}

/**
 * Two different models for the next battle: under BALANCED the pair with the fewest votes so far
 * (random among equals), under ACTIVE a pair drawn in proportion to how uncertain its win rate is —
 * the same weight the scheduler uses for imported pairs.
 */
export async function pickEndpoints(
  tx: RawSql,
  campaignId: string,
  strategy: string,
  random: () => number = Math.random,
): Promise<[EndpointChoice, EndpointChoice] | null> {
  const endpoints = await tx.$queryRaw<EndpointChoice[]>`
    SELECT id, "modelId", "systemPrompt", "timeoutSeconds", kind FROM "ModelEndpoint"
    WHERE "campaignId" = ${campaignId}::uuid AND enabled ORDER BY "modelId"`;
  if (endpoints.length < 2) return null;
  const stats = await tx.$queryRaw<{ lowModelId: string; highModelId: string; votes: number; winsLow: number; winsHigh: number }[]>`
    SELECT "lowModelId", "highModelId", votes, "winsLow", "winsHigh" FROM "PairStat" WHERE "campaignId" = ${campaignId}::uuid`;
  const statOf = new Map(stats.map((s) => [`${s.lowModelId}|${s.highModelId}`, s]));
  const pairs: { low: EndpointChoice; high: EndpointChoice; key: number }[] = [];
  for (let i = 0; i < endpoints.length; i++)
    for (let j = i + 1; j < endpoints.length; j++) {
      const stat = statOf.get(`${endpoints[i].modelId}|${endpoints[j].modelId}`) ?? { votes: 0, winsLow: 0, winsHigh: 0 };
      // BALANCED: fewest votes first, a random fraction breaking ties; ACTIVE: Efraimidis–Spirakis keys.
      const key = strategy === "ACTIVE" ? Math.pow(random(), 1 / uncertaintyWeight(stat)) : -stat.votes + random() * 0.5;
      pairs.push({ low: endpoints[i], high: endpoints[j], key });
    }
  const best = pairs.reduce((a, b) => (b.key > a.key ? b : a));
  return random() < 0.5 ? [best.low, best.high] : [best.high, best.low];
}

function messagesFor(systemPrompt: string, userTurns: string[], answers: string[]): ChatMessage[] {
  const messages: ChatMessage[] = systemPrompt.trim() ? [{ role: "system", content: systemPrompt }] : [];
  userTurns.forEach((turn, index) => {
    messages.push({ role: "user", content: turn });
    if (index < answers.length) messages.push({ role: "assistant", content: answers[index] });
  });
  return messages;
}

async function createJobs(
  tx: RawSql,
  battleId: string,
  turn: number,
  sides: { endpoint: EndpointChoice; left: boolean; messages: ChatMessage[] }[],
) {
  // Both sides in one statement: every round trip here is time before the first token.
  await tx.$executeRaw`
    INSERT INTO "GenerationJob" (id, "battleId", "endpointId", "onLeft", turn, messages, deadline)
    SELECT id, ${battleId}, e, l, ${turn}, m::jsonb, now() + make_interval(secs => t)
    FROM unnest(${sides.map(() => randomToken())}::text[], ${sides.map((s) => s.endpoint.id)}::uuid[], ${sides.map((s) => s.left)}::boolean[],
                ${sides.map((s) => JSON.stringify(s.messages))}::text[], ${sides.map((s) => s.endpoint.timeoutSeconds)}::int[]) AS n(id, e, l, m, t)`;
  // Workers of a pulled model waiting in a long poll take it at once.
  for (const side of sides.filter((s) => s.endpoint.kind === "PULLED")) await tx.$executeRaw(notifyKey(endpointKey(side.endpoint.id)));
}

function refusal(campaign: LiveCampaign | null, turns: number): StartResult | null {
  if (!campaign || !campaign.member) return { ok: false, code: "NOT_FOUND" };
  if (!campaign.live) return { ok: false, code: "NOT_LIVE" };
  if (campaign.status !== "ACTIVE") return { ok: false, code: "CLOSED" };
  if (turns > campaign.liveMaxTurns) return { ok: false, code: "TOO_MANY_TURNS" };
  if (campaign.promptsLastHour >= campaign.livePromptsPerHour) return { ok: false, code: "RATE_LIMITED" };
  return null;
}

/**
 * The prompt's own checks (length, blocked words, the moderation service) before any transaction
 * is open, since the service may take a while; the campaign's rules are checked again inside.
 */
async function promptRefusal(annotatorId: string, campaignId: string, prompt: string, turns: number): Promise<StartResult | null> {
  const campaign = await liveCampaign(poolSql(), annotatorId, campaignId);
  const refused = refusal(campaign, turns);
  if (refused) return refused;
  const moderated = await checkPrompt(prompt, { maxChars: campaign!.livePromptMaxChars, words: campaign!.moderationWords });
  return moderated ? { ok: false, code: moderated } : null;
}

/** One prompt at a time per annotator, so the hourly limit holds under parallel requests. */
async function lockAnnotator(tx: RawSql, annotatorId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`live:${annotatorId}`}))`;
}

/**
 * Starts a battle on the annotator's prompt: two models, two pending jobs. A battle the annotator
 * left generating (another tab, a closed page) is voided first: one battle at a time.
 */
export async function startBattle(annotatorId: string, campaignId: string, prompt: string): Promise<StartResult> {
  // Battles left behind (a hung endpoint, an instance that died mid-stream) are voided on the way,
  // while the prompt's own checks (which only read) run.
  const [refusedPrompt] = await Promise.all([promptRefusal(annotatorId, campaignId, prompt, 1), sweepLiveBattles()]);
  if (refusedPrompt) return refusedPrompt;
  return pgTransaction(async (tx) => {
    await lockAnnotator(tx, annotatorId);
    const campaign = await liveCampaign(tx, annotatorId, campaignId);
    const refused = refusal(campaign, 1);
    if (refused) return refused;
    const pair = await pickEndpoints(tx, campaignId, campaign!.strategy);
    if (!pair) return { ok: false, code: "NO_MODELS" };
    const abandoned = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM "LiveBattle" WHERE "annotatorId" = ${annotatorId}::uuid AND "campaignId" = ${campaignId}::uuid AND state = 'GENERATING'`;
    for (const { id } of abandoned) await voidBattle(tx, id, "cancelled", "a new prompt was sent before the answers were in");
    const battleId = randomToken();
    const [left, right] = pair;
    await tx.$executeRaw`
      INSERT INTO "LiveBattle" (id, "campaignId", "annotatorId", "userTurns", "leftEndpointId", "rightEndpointId", "updatedAt")
      VALUES (${battleId}, ${campaignId}::uuid, ${annotatorId}::uuid, ${JSON.stringify([prompt])}::jsonb, ${left.id}::uuid, ${right.id}::uuid, now())`;
    await createJobs(tx, battleId, 0, [
      { endpoint: left, left: true, messages: messagesFor(left.systemPrompt, [prompt], []) },
      { endpoint: right, left: false, messages: messagesFor(right.systemPrompt, [prompt], []) },
    ]);
    return { ok: true, battleId };
  });
}

/**
 * A follow-up turn on a battle that is ready to vote on: the open assignment is withdrawn, both
 * models get the conversation so far (each its own answers) and the new turn.
 */
export async function askFollowUp(annotatorId: string, assignmentId: string, prompt: string): Promise<StartResult> {
  const [target] = await poolSql().$queryRaw<{ campaignId: string; turns: number }[]>`
    SELECT "campaignId", jsonb_array_length("userTurns") AS turns FROM "LiveBattle"
    WHERE "assignmentId" = ${assignmentId} AND "annotatorId" = ${annotatorId}::uuid`;
  if (!target) return { ok: false, code: "NOT_FOUND" };
  const refusedPrompt = await promptRefusal(annotatorId, target.campaignId, prompt, target.turns + 1);
  if (refusedPrompt) return refusedPrompt;
  return pgTransaction(async (tx) => {
    await lockAnnotator(tx, annotatorId);
    const [battle] = await tx.$queryRaw<
      {
        id: string;
        campaignId: string;
        userTurns: string[];
        leftEndpointId: string;
        rightEndpointId: string;
        promptId: string;
        open: boolean;
      }[]
    >`
      SELECT b.id, b."campaignId", b."userTurns", b."leftEndpointId", b."rightEndpointId", b."promptId",
             a.state = 'OPEN' AND a."expiresAt" > now() AS open
      FROM "LiveBattle" b JOIN "Assignment" a ON a.id = b."assignmentId"
      WHERE b."assignmentId" = ${assignmentId} AND b."annotatorId" = ${annotatorId}::uuid AND b.state = 'READY'
      FOR UPDATE OF b, a`;
    if (!battle) return { ok: false, code: "NOT_FOUND" };
    if (!battle.open) return { ok: false, code: "CLOSED" };
    const refused = refusal(await liveCampaign(tx, annotatorId, battle.campaignId), battle.userTurns.length + 1);
    if (refused) return refused;
    const endpoints = await tx.$queryRaw<(EndpointChoice & { answers: string[] })[]>`
      SELECT e.id, e."modelId", e."systemPrompt", e."timeoutSeconds", e.kind, o.turns AS answers
      FROM "ModelEndpoint" e JOIN "Output" o ON o."modelId" = e."modelId" AND o."promptId" = ${battle.promptId}::uuid
      WHERE e.id IN (${battle.leftEndpointId}::uuid, ${battle.rightEndpointId}::uuid)`;
    const side = (id: string) => endpoints.find((e) => e.id === id)!;
    const userTurns = [...battle.userTurns, prompt];
    await withdrawAssignment(tx, assignmentId);
    await tx.$executeRaw`
      UPDATE "LiveBattle" SET state = 'GENERATING', "assignmentId" = NULL, "userTurns" = ${JSON.stringify(userTurns)}::jsonb, "updatedAt" = now()
      WHERE id = ${battle.id}`;
    const turn = battle.userTurns.length;
    await createJobs(
      tx,
      battle.id,
      turn,
      [side(battle.leftEndpointId), side(battle.rightEndpointId)].map((endpoint, index) => ({
        endpoint,
        left: index === 0,
        messages: messagesFor(endpoint.systemPrompt, userTurns, endpoint.answers),
      })),
    );
    return { ok: true, battleId: battle.id };
  });
}

/** Voids a generating battle: recorded with its cause, its unfinished jobs cancelled, nothing rated. */
async function voidBattle(tx: RawSql, battleId: string, cause: FailureCause, detail: string): Promise<boolean> {
  const voided = await tx.$executeRaw`
    UPDATE "LiveBattle" SET state = 'VOIDED', "voidCause" = ${cause}, "voidDetail" = ${detail.slice(0, 2000)}, "updatedAt" = now()
    WHERE id = ${battleId} AND state = 'GENERATING'`;
  if (!voided) return false;
  const cancelled = await tx.$queryRaw<{ id: string }[]>`
    UPDATE "GenerationJob" SET state = 'CANCELLED', "finishedAt" = now()
    WHERE "battleId" = ${battleId} AND state IN ('PENDING', 'RUNNING') RETURNING id`;
  for (const { id } of cancelled) await tx.$executeRaw(notifyKey(jobKey(id)));
  await tx.$executeRaw(notifyKey(battleKey(battleId)));
  return true;
}

/** The annotator's page went away (or they gave up waiting): both generations stop. */
export async function cancelBattle(annotatorId: string, battleId: string): Promise<boolean> {
  return pgTransaction(async (tx) => {
    const owned = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM "LiveBattle" WHERE id = ${battleId} AND "annotatorId" = ${annotatorId}::uuid FOR UPDATE`;
    return owned.length > 0 && voidBattle(tx, battleId, "cancelled", "the annotator's page closed before the answers were in");
  });
}

export type JobOutcome = { content: string; firstTokenAt?: Date | null } | { failure: { cause: FailureCause; detail: string } };

export interface FinishCheck {
  /** For a worker's answer: the lease it holds; the job must still be leased to it. */
  attempt?: number;
  /** For a worker's answer: its model's endpoint; another model's job looks like a missing one. */
  endpointId?: string;
}

export type FinishResult = { applied: true } | { applied: false; state: string; sameAnswer: boolean };

interface LockedJob {
  id: string;
  battleId: string;
  endpointId: string;
  state: string;
  attempt: number;
  leaseValid: boolean;
  content: string;
  error: string | null;
  campaignId: string;
  modelName: string;
  identityWords: string[];
}

/** The identity word an answer contains, as an annotator would read it; null when it names no model. */
function namedIdentityWord(text: string, identityWords: string[]): string | null {
  const plain = matchTextOf([text]);
  return normalisedWords(identityWords).find((word) => plain.includes(word)) ?? null;
}

/**
 * Ends one side's job with its answer or its failure, once: a job already ended (or leased to
 * another worker since) is left as it is and the caller learns its state. An empty answer or one
 * that names a model is a failure. A failure voids the battle; the second answer in makes it ready.
 */
export async function finishJob(jobId: string, outcome: JobOutcome, check: FinishCheck = {}): Promise<FinishResult> {
  return pgTransaction(async (tx) => {
    const [job] = await tx.$queryRaw<LockedJob[]>`
      SELECT j.id, j."battleId", j."endpointId", j.state, j.attempt, j."leaseUntil" >= now() AS "leaseValid", j.content, j.error,
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
    let failure = "failure" in outcome ? outcome.failure : null;
    const content = "content" in outcome ? outcome.content : job.content;
    if (!failure && !content.trim()) failure = { cause: "empty", detail: "the model's answer was empty" };
    const named = failure ? null : namedIdentityWord(content, job.identityWords);
    if (named) failure = { cause: "identity", detail: `the answer names a model ("${named}")` };

    await tx.$executeRaw`
      UPDATE "GenerationJob" SET state = ${failure ? "FAILED" : "DONE"}::"JobState", content = ${content}, error = ${failure?.detail ?? null},
        "finishedAt" = now(), "firstTokenAt" = coalesce("firstTokenAt", ${"content" in outcome ? (outcome.firstTokenAt ?? null) : null}::timestamptz)
      WHERE id = ${jobId}`;
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
  timings: { firstTokenMs: number | null; totalMs: number | null }[];
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
           array_agg(j.content ORDER BY j.turn) AS turns,
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
      VALUES (gen_random_uuid(), ${promptId}::uuid, ${side.modelId}::uuid, ${JSON.stringify(side.turns)}::jsonb, ${matchTextOf(side.turns)},
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

/**
 * Battles whose answers did not arrive in time — an endpoint that hangs, a worker that never
 * answered, an app instance killed in the middle of a stream — are voided. Runs on the live
 * paths (a new prompt, a worker's poll, an open stream), so no separate process is needed.
 */
export async function sweepLiveBattles(limit = 50): Promise<number> {
  const late = await poolSql().$queryRaw<{ id: string }[]>`
    SELECT id FROM "GenerationJob" WHERE state IN ('PENDING', 'RUNNING') AND deadline < now() LIMIT ${limit}`;
  let voided = 0;
  for (const { id } of late) {
    const result = await finishJob(id, { failure: { cause: "timeout", detail: "no complete answer before the endpoint's timeout" } });
    if (result.applied) voided++;
  }
  return voided;
}
