import "server-only";
import { randomUUID } from "node:crypto";
import { randomToken } from "@/lib/auth/tokens";
import { matchTextOf, normalisedWords } from "@/lib/campaigns/identity-words";
import pg from "pg";
import type { RawSql } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { pgTransaction, pool, poolSql } from "@/lib/pg";
import { styleByTurnsShown } from "@/lib/ratings/style-control";
import { uncertaintyWeight, withdrawAssignmentStatement } from "@/lib/scheduling/pick";
import type { ChatMessage, FailureCause } from "./openai";
import { battleKey, endpointKey, jobKey, notifyEach, notifyKey } from "./notify";
import { claimStatements, currentJobsStatement, type BattleJob } from "./jobs";
import { checkPrompt, type PromptRefusal } from "./moderation";
import type { BattleState } from "./stream";

/**
 * Live battles: an annotator's prompt goes to two of the campaign's models, picked by its sampling
 * strategy, shown left and right at random. Each side's answer is a GenerationJob; when both are
 * in, the battle becomes an ordinary pair (Prompt, two Outputs, Item, Assignment) and is voted on
 * like any other. Any failure — an error, a timeout, an empty answer, an answer that names its
 * model, a closed page — voids the battle: it is recorded with its cause and never rated.
 */

export type StartResult =
  | { ok: true; battleId: string; battle: BattleState }
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
  identityWords: string[];
  member: boolean;
  promptsLastHour: number;
  /** The enabled models' endpoints, by model id. */
  endpoints: EndpointChoice[];
  /** Votes so far per pair of models (low id first). */
  pairTallies: PairTally[];
}

interface PairTally {
  lowModelId: string;
  highModelId: string;
  votes: number;
  winsLow: number;
  winsHigh: number;
}

/** The campaign as a live prompt needs it, with the models that could answer: one statement. */
export async function liveCampaign(sql: RawSql, annotatorId: string, campaignId: string): Promise<LiveCampaign | null> {
  const rows = await sql.$queryRaw<LiveCampaign[]>`
    SELECT c.id, c.status, c.live, c.strategy, c."liveMaxTurns", c."livePromptsPerHour", c."livePromptMaxChars", c."moderationWords", c."identityWords",
           EXISTS (SELECT 1 FROM "CampaignMember" m WHERE m."campaignId" = c.id AND m."userId" = ${annotatorId}::uuid) AS member,
           (${Prisma.raw(promptsLastHour(annotatorId))}) AS "promptsLastHour",
           coalesce((SELECT json_agg(json_build_object('id', e.id, 'modelId', e."modelId", 'systemPrompt', e."systemPrompt",
                                                       'timeoutSeconds', e."timeoutSeconds", 'kind', e.kind) ORDER BY e."modelId")
                     FROM "ModelEndpoint" e WHERE e."campaignId" = c.id AND e.enabled), '[]') AS endpoints,
           coalesce((SELECT json_agg(json_build_object('lowModelId', s."lowModelId", 'highModelId', s."highModelId", 'votes', s.votes,
                                                       'winsLow', s."winsLow", 'winsHigh', s."winsHigh"))
                     FROM "PairStat" s WHERE s."campaignId" = c.id), '[]') AS "pairTallies"
    FROM "Campaign" c WHERE c.id = ${campaignId}::uuid`;
  return rows[0] ?? null;
}

/** The annotator's prompts in the campaign `c` over the last hour (each one started exactly one left-hand job), as SQL text. */
function promptsLastHour(annotatorId: string): string {
  return `SELECT count(*)::int FROM "GenerationJob" j JOIN "LiveBattle" b ON b.id = j."battleId"
    WHERE b."annotatorId" = ${pg.escapeLiteral(annotatorId)}::uuid AND b."campaignId" = c.id AND j."onLeft" AND j."createdAt" > now() - interval '1 hour'`;
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
export function choosePair(
  endpoints: EndpointChoice[],
  tallies: PairTally[],
  strategy: string,
  random: () => number = Math.random,
): [EndpointChoice, EndpointChoice] | null {
  if (endpoints.length < 2) return null;
  const tallyOf = new Map(tallies.map((s) => [`${s.lowModelId}|${s.highModelId}`, s]));
  const pairs: { low: EndpointChoice; high: EndpointChoice; key: number }[] = [];
  for (let i = 0; i < endpoints.length; i++)
    for (let j = i + 1; j < endpoints.length; j++) {
      const stat = tallyOf.get(`${endpoints[i].modelId}|${endpoints[j].modelId}`) ?? { votes: 0, winsLow: 0, winsHigh: 0 };
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

/** Why the campaign takes no prompt that would be turn `turns` from this annotator (checked again in SQL by `campaignRulesHold` as the turn is written). */
function refusal(campaign: LiveCampaign | null, turns: number): StartResult | null {
  if (!campaign || !campaign.member) return { ok: false, code: "NOT_FOUND" };
  if (!campaign.live) return { ok: false, code: "NOT_LIVE" };
  if (campaign.status !== "ACTIVE") return { ok: false, code: "CLOSED" };
  if (turns > campaign.liveMaxTurns) return { ok: false, code: "TOO_MANY_TURNS" };
  if (campaign.promptsLastHour >= campaign.livePromptsPerHour) return { ok: false, code: "RATE_LIMITED" };
  return null;
}

/** One prompt at a time per annotator (an advisory lock held to the end of the turn's transaction), so the hourly limit holds under parallel requests. */
const annotatorLock = (annotatorId: string) => `live:${annotatorId}`;

/** How often a prompt is tried again when the campaign changed between its checks and the battle's insert. */
const START_ATTEMPTS = 3;

/**
 * Starts a battle on the annotator's prompt: two models, a job for each. A battle the annotator
 * left generating (another tab, a closed page) is voided: one battle at a time. Every round trip
 * here is time before the first token: one read, the prompt's checks, one write.
 */
export async function startBattle(
  annotatorId: string,
  campaignId: string,
  prompt: string,
  /** The caller streams the battle at once with the returned state: its pushed sides are claimed for that stream as they are written. */
  options: { claimForStream?: boolean } = {},
): Promise<StartResult> {
  // Battles left behind (a hung endpoint, an instance that died mid-stream) are voided on the way.
  const [campaign] = await Promise.all([liveCampaign(poolSql(), annotatorId, campaignId), sweepLiveBattles()]);
  const refused = refusal(campaign, 1);
  if (refused) return refused;
  const moderated = await checkPrompt(prompt, { maxChars: campaign!.livePromptMaxChars, words: campaign!.moderationWords });
  if (moderated) return { ok: false, code: moderated };
  let current = campaign!;
  for (let attempt = 1; ; attempt++) {
    const pair = choosePair(current.endpoints, current.pairTallies, current.strategy);
    if (!pair) return { ok: false, code: "NO_MODELS" };
    const battleId = randomToken();
    const jobs = await writeTurn({
      annotatorId,
      battleId,
      number: 0,
      battleStatement: insertBattleStatement(battleId, annotatorId, campaignId, prompt, pair),
      // One battle at a time: one the annotator left generating is voided.
      alongside: (written) => [
        voidBattlesStatement(
          `"annotatorId" = ${pg.escapeLiteral(annotatorId)}::uuid AND "campaignId" = ${pg.escapeLiteral(campaignId)}::uuid AND id <> ${pg.escapeLiteral(battleId)} AND ${written}`,
          "cancelled",
          "a new prompt was sent before the answers were in",
        ),
      ],
      jobs: pair.map((endpoint, index) => ({ endpoint, left: index === 0, messages: messagesFor(endpoint.systemPrompt, [prompt], []) })),
      claimPushed: options.claimForStream ?? false,
    });
    if (jobs) return { ok: true, battleId, battle: { ...generating(current.identityWords), jobs } };
    // The campaign changed since it was read (closed, a model switched off, another tab's prompt):
    // read it again and say why, or try the pair again.
    const now = await liveCampaign(poolSql(), annotatorId, campaignId);
    const refusedNow = refusal(now, 1);
    if (refusedNow) return refusedNow;
    if (attempt === START_ATTEMPTS) return { ok: false, code: "NO_MODELS" };
    current = now!;
  }
}

interface TurnJob {
  endpoint: EndpointChoice;
  left: boolean;
  messages: ChatMessage[];
}

/**
 * A battle's turn written in one round trip and one transaction (every round trip here is time
 * before the first token): the annotator's lock first; then `battleStatement`, which writes the
 * battle only if the campaign's rules still hold (it checks them itself, after the lock); then,
 * only if it wrote, the statements `alongside`, the turn's jobs, the pushed sides claimed for the
 * stream that follows if asked (where their endpoints have a free slot) and the pulled models'
 * workers woken. Returns the jobs as written, or null when the battle statement wrote nothing.
 */
async function writeTurn(turn: {
  annotatorId: string;
  battleId: string;
  number: number;
  battleStatement: string;
  alongside: (written: string) => string[];
  jobs: TurnJob[];
  claimPushed: boolean;
}): Promise<BattleJob[] | null> {
  const q = pg.escapeLiteral;
  const battle = q(turn.battleId);
  // True once the battle statement has written the battle's row: its version is this transaction's.
  const written = `EXISTS (SELECT 1 FROM "LiveBattle" WHERE id = ${battle} AND xmin = pg_current_xact_id()::xid)`;
  const jobs = turn.jobs.map((job) => ({ ...job, id: randomToken() }));
  const jobRows = jobs.map(
    ({ id, endpoint, left, messages }) =>
      `(${q(id)}, ${q(endpoint.id)}::uuid, ${left}, ${q(JSON.stringify(messages))}::jsonb, ${Math.trunc(endpoint.timeoutSeconds)})`,
  );
  // Endpoints are locked in one order (by id) in every transaction that locks two.
  const pushed = jobs
    .filter((job) => turn.claimPushed && job.endpoint.kind === "PUSHED")
    .sort((a, b) => (a.endpoint.id < b.endpoint.id ? -1 : 1));
  const pulled = jobs.filter((job) => job.endpoint.kind === "PULLED").map((job) => `SELECT ${q(endpointKey(job.endpoint.id))}`);
  const statements = [
    `SELECT pg_advisory_xact_lock(hashtext(${q(annotatorLock(turn.annotatorId))}))`,
    turn.battleStatement,
    ...turn.alongside(written),
    `INSERT INTO "GenerationJob" (id, "battleId", "endpointId", "onLeft", turn, messages, deadline)
     SELECT id, ${battle}, e, l, ${Math.trunc(turn.number)}, m, now() + make_interval(secs => t) FROM (VALUES ${jobRows.join(", ")}) AS n(id, e, l, m, t)
     WHERE ${written}`,
    ...pushed.flatMap((job) => claimStatements(job.id, job.endpoint.id)),
    ...(pulled.length ? [`${notifyEach(pulled.join(" UNION ALL "))} WHERE ${written}`] : []),
    currentJobsStatement(turn.battleId),
  ];
  const results = (await pool().query(statements.join(";\n"))) as unknown as pg.QueryResult[];
  if (!results[1].rowCount) return null;
  const current = results.at(-1)!.rows as BattleJob[];
  // A pushed job of this turn running already was claimed just now, for the stream that follows.
  return current.map((job) => ({ ...job, claimedHere: job.kind === "PUSHED" && job.state === "RUNNING" }));
}

/** A new battle in `writeTurn`: inserted only while the campaign is open, live, the annotator's, under their hourly limit, with both models enabled. */
function insertBattleStatement(battleId: string, annotatorId: string, campaignId: string, prompt: string, sides: EndpointChoice[]): string {
  const q = pg.escapeLiteral;
  const annotator = `${q(annotatorId)}::uuid`;
  const [left, right] = sides.map((endpoint) => `${q(endpoint.id)}::uuid`);
  return `
    INSERT INTO "LiveBattle" (id, "campaignId", "annotatorId", "userTurns", "leftEndpointId", "rightEndpointId", "updatedAt")
    SELECT ${q(battleId)}, c.id, ${annotator}, ${q(JSON.stringify([prompt]))}::jsonb, ${left}, ${right}, now()
    FROM "Campaign" c
    WHERE c.id = ${q(campaignId)}::uuid AND ${campaignRulesHold(annotatorId, 1)}
      AND (SELECT count(*) FROM "ModelEndpoint" e WHERE e."campaignId" = c.id AND e.enabled AND e.id IN (${left}, ${right})) = 2`;
}

/** The rules `refusal` checks, as an SQL condition on the campaign `c`, for a prompt that would be turn `turns`. */
function campaignRulesHold(annotatorId: string, turns: number): string {
  return `c.live AND c.status = 'ACTIVE' AND ${Math.trunc(turns)} <= c."liveMaxTurns"
    AND EXISTS (SELECT 1 FROM "CampaignMember" m WHERE m."campaignId" = c.id AND m."userId" = ${pg.escapeLiteral(annotatorId)}::uuid)
    AND (${promptsLastHour(annotatorId)}) < c."livePromptsPerHour"`;
}

/** A battle just started or continued, as its stream needs it (saves reading it back before the first token). */
function generating(identityWords: string[]): BattleState {
  return { state: "GENERATING", voidCause: null, assignmentId: null, identityWords };
}

interface FollowUpTarget {
  id: string;
  campaignId: string;
  userTurns: string[];
  ready: boolean;
  open: boolean;
  /** Each side's endpoint with its model's answers so far. */
  sides: (EndpointChoice & { answers: string[] })[];
  leftEndpointId: string;
  rightEndpointId: string;
}

/** The battle an open assignment of this annotator's shows, or why a follow-up on it is refused. */
async function followUpTarget(
  annotatorId: string,
  assignmentId: string,
): Promise<{ battle: FollowUpTarget; campaign: LiveCampaign } | { refused: StartResult }> {
  const [battle] = await poolSql().$queryRaw<FollowUpTarget[]>`
    SELECT b.id, b."campaignId", b."userTurns", b.state = 'READY' AS ready, a.state = 'OPEN' AND a."expiresAt" > now() AS open,
           b."leftEndpointId", b."rightEndpointId",
           coalesce((SELECT json_agg(json_build_object('id', e.id, 'modelId', e."modelId", 'systemPrompt', e."systemPrompt",
                                                       'timeoutSeconds', e."timeoutSeconds", 'kind', e.kind, 'answers', o.turns))
                     FROM "ModelEndpoint" e JOIN "Output" o ON o."modelId" = e."modelId" AND o."promptId" = b."promptId"
                     WHERE e.id IN (b."leftEndpointId", b."rightEndpointId")), '[]') AS sides
    FROM "LiveBattle" b JOIN "Assignment" a ON a.id = b."assignmentId"
    WHERE b."assignmentId" = ${assignmentId} AND b."annotatorId" = ${annotatorId}::uuid`;
  if (!battle?.ready) return { refused: { ok: false, code: "NOT_FOUND" } };
  if (!battle.open) return { refused: { ok: false, code: "CLOSED" } };
  const campaign = await liveCampaign(poolSql(), annotatorId, battle.campaignId);
  const refused = refusal(campaign, battle.userTurns.length + 1);
  return refused ? { refused } : { battle, campaign: campaign! };
}

/**
 * A follow-up turn on a battle that is ready to vote on: the open assignment is withdrawn, both
 * models get the conversation so far (each its own answers) and the new turn. Two reads and one
 * write, as a battle's start.
 */
export async function askFollowUp(
  annotatorId: string,
  assignmentId: string,
  prompt: string,
  options: { claimForStream?: boolean } = {},
): Promise<StartResult> {
  const target = await followUpTarget(annotatorId, assignmentId);
  if ("refused" in target) return target.refused;
  const { battle, campaign } = target;
  const moderated = await checkPrompt(prompt, { maxChars: campaign.livePromptMaxChars, words: campaign.moderationWords });
  if (moderated) return { ok: false, code: moderated };
  const q = pg.escapeLiteral;
  const userTurns = [...battle.userTurns, prompt];
  const side = (id: string) => battle.sides.find((e) => e.id === id)!;
  const jobs = await writeTurn({
    annotatorId,
    battleId: battle.id,
    number: battle.userTurns.length,
    // Only the battle as it was read: still ready, on this assignment, with no turn added since. The
    // assignment's row is locked first, so a vote on it in flight either lands before (and the
    // assignment is no longer open) or is refused after (the assignment is withdrawn).
    battleStatement: `
      WITH assignment AS (
        SELECT id FROM "Assignment" WHERE id = ${q(assignmentId)} AND state = 'OPEN' AND "expiresAt" > now() FOR UPDATE)
      UPDATE "LiveBattle" b SET state = 'GENERATING', "assignmentId" = NULL, "userTurns" = ${q(JSON.stringify(userTurns))}::jsonb, "updatedAt" = now()
      FROM "Campaign" c, assignment
      WHERE b.id = ${q(battle.id)} AND b.state = 'READY' AND b."assignmentId" = assignment.id
        AND jsonb_array_length(b."userTurns") = ${battle.userTurns.length}
        AND c.id = b."campaignId" AND ${campaignRulesHold(annotatorId, userTurns.length)}`,
    alongside: (written) => [withdrawAssignmentStatement(assignmentId, written)],
    jobs: [side(battle.leftEndpointId), side(battle.rightEndpointId)].map((endpoint, index) => ({
      endpoint,
      left: index === 0,
      messages: messagesFor(endpoint.systemPrompt, userTurns, endpoint.answers),
    })),
    claimPushed: options.claimForStream ?? false,
  });
  if (jobs) return { ok: true, battleId: battle.id, battle: { ...generating(campaign.identityWords), jobs } };
  // The battle or the campaign changed since they were read (a vote, an expiry, another tab): say why.
  const now = await followUpTarget(annotatorId, assignmentId);
  return "refused" in now ? now.refused : { ok: false, code: "CLOSED" };
}

/**
 * The statement that voids the generating battles `where` picks (a condition on "LiveBattle"):
 * each recorded with its cause, its unfinished jobs cancelled, whoever follows them woken. Text
 * with literals, so that the one-round-trip start of a battle can run it among its statements.
 */
function voidBattlesStatement(where: string, cause: FailureCause, detail: string): string {
  const q = pg.escapeLiteral;
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
    Prisma.raw(voidBattlesStatement(`id = ${pg.escapeLiteral(battleId)}`, cause, detail)),
  );
  return voided > 0;
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
