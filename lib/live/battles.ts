import "server-only";
import { randomUUID } from "node:crypto";
import { randomToken } from "@/lib/auth/tokens";
import { matchTextOf } from "@/lib/campaigns/identity-words";
import { readingInWorker } from "@/lib/markdown/reading-in-worker";
import { normaliseForMatching } from "@/lib/markdown/plain-text";
import { Prisma } from "@/lib/generated/prisma/client";
import { batch, escapeLiteral, type RawSql, sql, transaction } from "@/lib/db";
import { styleByTurnsShown } from "@/lib/ratings/style-control";
import { uncertaintyWeight, withdrawAssignmentStatement } from "@/lib/scheduling/pick";
import { MAX_ANSWER_CHARS, type ChatMessage, type FailureCause } from "./openai";
import { battleKey, endpointKey, jobKey, notifyEach, notifyKey } from "./notify";
import { claimStatements, currentJobsStatement, type BattleJob } from "./jobs";
import { campaignPromptRefusal, moderationServiceRefusal, moderationServiceSet, type PromptRefusal } from "./moderation";
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
  | {
      ok: false;
      code: "UNAUTHENTICATED" | "NOT_FOUND" | "NOT_LIVE" | "CLOSED" | "NO_MODELS" | "TOO_MANY_TURNS" | "RATE_LIMITED" | PromptRefusal;
    };

type Refused = Extract<StartResult, { ok: false }>;

/** What a live prompt needs of its campaign, the same for every annotator. */
interface LiveCampaignConfig {
  id: string;
  status: string;
  live: boolean;
  strategy: string;
  liveMaxTurns: number;
  livePromptsPerHour: number;
  livePromptMaxChars: number;
  moderationWords: string[];
  identityWords: string[];
  /** The prompt limits and word lists as read (`CAMPAIGN_FINGERPRINT`). */
  fingerprint: string;
  /** The enabled models' endpoints, by model id. */
  endpoints: EndpointChoice[];
  /** Votes so far per pair of models (low id first). */
  pairTallies: PairTally[];
}

/** The campaign with what it holds for one annotator. */
interface LiveCampaign extends LiveCampaignConfig {
  member: boolean;
  promptsLastHour: number;
}

interface PairTally {
  lowModelId: string;
  highModelId: string;
  votes: number;
  winsLow: number;
  winsHigh: number;
}

/**
 * What a prompt's checks and its jobs are decided on, one value for the campaign (prompt length,
 * blocked and identity words) and one per endpoint (system prompt, timeout, kind, switched on):
 * the read returns them and the turn's write compares them, so a turn decided on a campaign read
 * a moment ago is written only if none of it has changed since.
 */
const CAMPAIGN_FINGERPRINT = `md5(row(c."livePromptMaxChars", c."moderationWords", c."identityWords")::text)`;
const ENDPOINT_FINGERPRINT = `md5(row(e."systemPrompt", e."timeoutSeconds", e.kind, e.enabled)::text)`;

/** The campaign as a live prompt needs it, with the models that could answer: one statement. */
export async function liveCampaign(sql: RawSql, annotatorId: string, campaignId: string): Promise<LiveCampaign | null> {
  const rows = await sql.$queryRaw<LiveCampaign[]>`
    SELECT c.id, c.status, c.live, c.strategy, c."liveMaxTurns", c."livePromptsPerHour", c."livePromptMaxChars", c."moderationWords", c."identityWords",
           ${Prisma.raw(CAMPAIGN_FINGERPRINT)} AS fingerprint,
           EXISTS (SELECT 1 FROM "CampaignMember" m WHERE m."campaignId" = c.id AND m."userId" = ${annotatorId}::uuid) AS member,
           (${Prisma.raw(promptsLastHour(annotatorId))}) AS "promptsLastHour",
           coalesce((SELECT json_agg(json_build_object('id', e.id, 'modelId', e."modelId", 'systemPrompt', e."systemPrompt",
                                                       'timeoutSeconds', e."timeoutSeconds", 'kind', e.kind,
                                                       'fingerprint', ${Prisma.raw(ENDPOINT_FINGERPRINT)}) ORDER BY e."modelId")
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
    WHERE b."annotatorId" = ${escapeLiteral(annotatorId)}::uuid AND b."campaignId" = c.id AND j."onLeft" AND j."createdAt" > now() - interval '1 hour'`;
}

/**
 * How long an instance decides prompts on a campaign as it last read it. Nothing is decided on
 * it alone: a refusal is only given after a fresh read, and a turn is only written while the
 * campaign's rules hold and its fingerprints match (the write checks them), so what may lag is
 * the pair tallies the next pair is chosen by and a model newly switched on.
 */
const RECENT_MS = 2000;
const recentCampaigns = new Map<string, { config: LiveCampaignConfig; readAt: number }>();

/** The campaign read fresh for this annotator; the part every annotator shares is kept for the next prompts on this instance. */
async function readCampaign(annotatorId: string, campaignId: string): Promise<LiveCampaign | null> {
  const campaign = await liveCampaign(sql, annotatorId, campaignId);
  if (recentCampaigns.size > 1000) recentCampaigns.clear();
  if (campaign) {
    // Only what every annotator shares is kept.
    const config: LiveCampaignConfig & Partial<LiveCampaign> = { ...campaign };
    delete config.member;
    delete config.promptsLastHour;
    recentCampaigns.set(campaignId, { config, readAt: Date.now() });
  } else {
    recentCampaigns.delete(campaignId);
  }
  return campaign;
}

function recentCampaign(campaignId: string): LiveCampaignConfig | null {
  const recent = recentCampaigns.get(campaignId);
  return recent && Date.now() - recent.readAt < RECENT_MS ? recent.config : null;
}

interface EndpointChoice {
  id: string;
  modelId: string;
  systemPrompt: string;
  timeoutSeconds: number;
  kind: "PUSHED" | "PULLED";
  /** `ENDPOINT_FINGERPRINT` as read. */
  fingerprint: string;
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

/** Why the campaign takes no prompt that would be turn `turns` from anyone. */
function rulesRefusal(campaign: LiveCampaignConfig, turns: number): Refused | null {
  if (!campaign.live) return { ok: false, code: "NOT_LIVE" };
  if (campaign.status !== "ACTIVE") return { ok: false, code: "CLOSED" };
  if (turns > campaign.liveMaxTurns) return { ok: false, code: "TOO_MANY_TURNS" };
  return null;
}

/** Why the campaign's own limits keep this prompt from its models (blank, too long, a blocked word). */
function promptRefusal(campaign: LiveCampaignConfig, prompt: string): Refused | null {
  const refused = campaignPromptRefusal(prompt, { maxChars: campaign.livePromptMaxChars, words: campaign.moderationWords });
  return refused ? { ok: false, code: refused } : null;
}

/** Why the campaign, read fresh for this annotator, takes no such prompt from them (checked again in SQL by `campaignRulesHold` as the turn is written). */
function refusal(campaign: LiveCampaign | null, prompt: string, turns: number): Refused | null {
  if (!campaign || !campaign.member) return { ok: false, code: "NOT_FOUND" };
  const rules = rulesRefusal(campaign, turns);
  if (rules) return rules;
  if (campaign.promptsLastHour >= campaign.livePromptsPerHour) return { ok: false, code: "RATE_LIMITED" };
  return promptRefusal(campaign, prompt);
}

/**
 * The campaign a prompt is decided on: as this instance read it a moment ago when that takes the
 * prompt, otherwise read fresh (a refusal is never given on an old read). A moderation service, if
 * one is set, is asked only for an account that is still active.
 */
async function campaignFor(
  annotatorId: string,
  campaignId: string,
  prompt: string,
  turns: number,
  useRecent = true,
  /** The user's turns before this prompt (a follow-up's conversation so far), for the moderation service. */
  earlierTurns: string[] = [],
): Promise<LiveCampaignConfig | Refused> {
  const recent = useRecent ? recentCampaign(campaignId) : null;
  let campaign: LiveCampaignConfig;
  // Anything an old read would refuse (or could not pair) is read again.
  if (recent && recent.endpoints.length >= 2 && !rulesRefusal(recent, turns) && !promptRefusal(recent, prompt)) {
    campaign = recent;
  } else {
    const fresh = await readCampaign(annotatorId, campaignId);
    const refused = refusal(fresh, prompt, turns);
    if (refused) return refused;
    campaign = fresh!;
  }
  if (moderationServiceSet() && !(await annotatorActive(annotatorId))) return { ok: false, code: "UNAUTHENTICATED" };
  const moderated = await moderationServiceRefusal(prompt, earlierTurns);
  return moderated ? { ok: false, code: moderated } : campaign;
}

/** The account exists and is not disabled (every role may annotate: roles nest). */
async function annotatorActive(annotatorId: string): Promise<boolean> {
  const [user] = await sql.$queryRaw<{ active: boolean }[]>`
    SELECT NOT disabled AS active FROM "User" WHERE id = ${annotatorId}::uuid`;
  return user?.active ?? false;
}

/**
 * A refused prompt from an account disabled since it signed in says so. Turns that are written
 * check the account in their own statement (`campaignRulesHold`); a refusal costs one read more.
 */
async function signedOutOr(annotatorId: string, result: StartResult): Promise<StartResult> {
  if (result.ok || result.code === "UNAUTHENTICATED") return result;
  return (await annotatorActive(annotatorId)) ? result : { ok: false, code: "UNAUTHENTICATED" };
}

/** One prompt at a time per annotator (an advisory lock held to the end of the turn's transaction), so the hourly limit holds under parallel requests. */
const annotatorLock = (annotatorId: string) => `live:${annotatorId}`;

/** How often a prompt is tried again when the campaign changed between its checks and the battle's insert. */
const START_ATTEMPTS = 3;

/** Battles left behind (a hung endpoint, an instance that died mid-stream) are voided on the way, at most once a second per instance. */
const SWEEP_EVERY_MS = 1000;
let lastSweep = 0;
function sweepWhenDue(): void {
  if (Date.now() - lastSweep < SWEEP_EVERY_MS) return;
  lastSweep = Date.now();
  sweepLiveBattles().catch((error: unknown) => console.error("sweeping live battles failed", error));
}

/**
 * Starts a battle on the annotator's prompt: two models, a job for each. A battle the annotator
 * left generating (another tab, a closed page) is voided: one battle at a time. Every round trip
 * here is time before the first token: with the campaign read a moment ago by this instance,
 * the turn's write is the only one (it checks the account, the rules and the fingerprints itself).
 */
export async function startBattle(
  annotatorId: string,
  campaignId: string,
  prompt: string,
  /** The caller streams the battle at once with the returned state: its pushed sides are claimed for that stream as they are written. */
  options: { claimForStream?: boolean } = {},
): Promise<StartResult> {
  sweepWhenDue();
  return signedOutOr(annotatorId, await takeFirstPrompt(annotatorId, campaignId, prompt, options.claimForStream ?? false));
}

async function takeFirstPrompt(annotatorId: string, campaignId: string, prompt: string, claimPushed: boolean): Promise<StartResult> {
  let decided = await campaignFor(annotatorId, campaignId, prompt, 1);
  for (let attempt = 1; ; attempt++) {
    if ("ok" in decided) return decided;
    const campaign = decided;
    const pair = choosePair(campaign.endpoints, campaign.pairTallies, campaign.strategy);
    if (!pair) return { ok: false, code: "NO_MODELS" };
    const battleId = randomToken();
    const jobs = await writeTurn({
      annotatorId,
      battleId,
      number: 0,
      battleStatement: insertBattleStatement(battleId, annotatorId, campaign, prompt, pair),
      // One battle at a time: one the annotator left generating is voided.
      alongside: (written) => [
        voidBattlesStatement(
          `"annotatorId" = ${escapeLiteral(annotatorId)}::uuid AND "campaignId" = ${escapeLiteral(campaignId)}::uuid AND id <> ${escapeLiteral(battleId)} AND ${written}`,
          "cancelled",
          "a new prompt was sent before the answers were in",
        ),
      ],
      jobs: pair.map((endpoint, index) => ({ endpoint, left: index === 0, messages: messagesFor(endpoint.systemPrompt, [prompt], []) })),
      claimPushed,
    });
    if (jobs) return { ok: true, battleId, battle: { ...generating(campaign.identityWords), jobs } };
    // The campaign changed since it was read (closed, a model switched off, new words, another
    // tab's prompt): read it again and say why, or try again on what it is now.
    if (attempt === START_ATTEMPTS)
      return refusal(await readCampaign(annotatorId, campaignId), prompt, 1) ?? { ok: false, code: "NO_MODELS" };
    const fresh = await readCampaign(annotatorId, campaignId);
    decided = refusal(fresh, prompt, 1) ?? fresh!;
  }
}

/** What a turn's job needs of its endpoint. */
type TurnEndpoint = Omit<EndpointChoice, "fingerprint">;

interface TurnJob {
  endpoint: TurnEndpoint;
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
  const q = escapeLiteral;
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
  // Only the last statement's rows are read: the current jobs.
  const results = await batch<BattleJob>(statements);
  if (!results[1].rowCount) return null;
  const current = results.at(-1)!.rows;
  // A pushed job of this turn running already was claimed just now, for the stream that follows.
  return current.map((job) => ({ ...job, claimedHere: job.kind === "PUSHED" && job.state === "RUNNING" }));
}

/**
 * A new battle in `writeTurn`: inserted only while the campaign's rules hold for the annotator and
 * it is as it was read, with both models switched on and as they were read.
 */
function insertBattleStatement(
  battleId: string,
  annotatorId: string,
  campaign: LiveCampaignConfig,
  prompt: string,
  sides: EndpointChoice[],
): string {
  const q = escapeLiteral;
  const [left, right] = sides.map((endpoint) => `${q(endpoint.id)}::uuid`);
  const asRead = sides.map((endpoint) => `(e.id = ${q(endpoint.id)}::uuid AND ${ENDPOINT_FINGERPRINT} = ${q(endpoint.fingerprint)})`);
  return `
    INSERT INTO "LiveBattle" (id, "campaignId", "annotatorId", "userTurns", "leftEndpointId", "rightEndpointId", "updatedAt")
    SELECT ${q(battleId)}, c.id, ${q(annotatorId)}::uuid, ${q(JSON.stringify([prompt]))}::jsonb, ${left}, ${right}, now()
    FROM "Campaign" c
    WHERE c.id = ${q(campaign.id)}::uuid AND ${campaignRulesHold(annotatorId, 1, campaign.fingerprint)}
      AND (SELECT count(*) FROM "ModelEndpoint" e WHERE e."campaignId" = c.id AND e.enabled AND (${asRead.join(" OR ")})) = 2`;
}

/**
 * As an SQL condition on the campaign `c`, for a prompt that would be turn `turns`: the rules
 * `refusal` checks, the annotator's account still active, and the campaign's prompt limits and
 * words still those the prompt was checked against (`fingerprint`).
 */
function campaignRulesHold(annotatorId: string, turns: number, fingerprint: string): string {
  const annotator = `${escapeLiteral(annotatorId)}::uuid`;
  return `c.live AND c.status = 'ACTIVE' AND ${Math.trunc(turns)} <= c."liveMaxTurns"
    AND ${CAMPAIGN_FINGERPRINT} = ${escapeLiteral(fingerprint)}
    AND EXISTS (SELECT 1 FROM "User" u WHERE u.id = ${annotator} AND NOT u.disabled)
    AND EXISTS (SELECT 1 FROM "CampaignMember" m WHERE m."campaignId" = c.id AND m."userId" = ${annotator})
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
  sides: (TurnEndpoint & { answers: string[] })[];
  leftEndpointId: string;
  rightEndpointId: string;
}

/** The battle an open assignment of this annotator's shows and the campaign to decide the follow-up on, or why a follow-up on it is refused. */
async function followUpTarget(
  annotatorId: string,
  assignmentId: string,
  prompt: string,
  useRecent: boolean,
): Promise<{ battle: FollowUpTarget; campaign: LiveCampaignConfig } | { refused: Refused }> {
  const [battle] = await sql.$queryRaw<FollowUpTarget[]>`
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
  const campaign = await campaignFor(annotatorId, battle.campaignId, prompt, battle.userTurns.length + 1, useRecent, battle.userTurns);
  return "ok" in campaign ? { refused: campaign } : { battle, campaign };
}

/**
 * A follow-up turn on a battle that is ready to vote on: the open assignment is withdrawn, both
 * models get the conversation so far (each its own answers) and the new turn. One read and one
 * write when this instance read the campaign a moment ago.
 */
export async function askFollowUp(
  annotatorId: string,
  assignmentId: string,
  prompt: string,
  options: { claimForStream?: boolean } = {},
): Promise<StartResult> {
  return signedOutOr(annotatorId, await takeFollowUp(annotatorId, assignmentId, prompt, options.claimForStream ?? false));
}

async function takeFollowUp(annotatorId: string, assignmentId: string, prompt: string, claimPushed: boolean): Promise<StartResult> {
  const q = escapeLiteral;
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    // After a write that did not take, the battle and the campaign are read afresh, to say why.
    const target = await followUpTarget(annotatorId, assignmentId, prompt, attempt === 1);
    if ("refused" in target) return target.refused;
    const { battle, campaign } = target;
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
          AND c.id = b."campaignId" AND ${campaignRulesHold(annotatorId, userTurns.length, campaign.fingerprint)}`,
      alongside: (written) => [withdrawAssignmentStatement(assignmentId, written)],
      jobs: [side(battle.leftEndpointId), side(battle.rightEndpointId)].map((endpoint, index) => ({
        endpoint,
        left: index === 0,
        messages: messagesFor(endpoint.systemPrompt, userTurns, endpoint.answers),
      })),
      claimPushed,
    });
    if (jobs) return { ok: true, battleId: battle.id, battle: { ...generating(campaign.identityWords), jobs } };
  }
  // Read afresh every time and still not written: the battle keeps changing under it (another tab).
  return { ok: false, code: "CLOSED" };
}

/**
 * The statement that voids the generating battles `where` picks (a condition on "LiveBattle"):
 * each recorded with its cause, its unfinished jobs cancelled, whoever follows them woken. Text
 * with literals, so that the one-round-trip start of a battle can run it among its statements.
 */
function voidBattlesStatement(where: string, cause: FailureCause, detail: string): string {
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

/**
 * Battles whose answers did not arrive in time — an endpoint that hangs, a worker that never
 * answered, an app instance killed in the middle of a stream — are voided. Runs on the live
 * paths (a new prompt, a worker's poll, an open stream), so no separate process is needed.
 */
export async function sweepLiveBattles(limit = 50): Promise<number> {
  const late = await sql.$queryRaw<{ id: string }[]>`
    SELECT id FROM "GenerationJob" WHERE state IN ('PENDING', 'RUNNING') AND deadline < now() LIMIT ${limit}`;
  let voided = 0;
  for (const { id } of late) {
    const result = await finishJob(id, { failure: { cause: "timeout", detail: "no complete answer before the endpoint's timeout" } });
    if (result.applied) voided++;
  }
  return voided;
}
