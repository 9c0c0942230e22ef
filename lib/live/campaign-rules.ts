import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import { escapeLiteral, type RawSql, sql } from "@/lib/db";
import { uncertaintyWeight } from "@/lib/scheduling/pair-order";
import { type ChatMessage } from "./openai";
import { campaignPromptRefusal, moderationServiceRefusal, moderationServiceSet } from "./moderation";
import { type Refused, type StartResult } from "./battle-types";
/**
 * A live campaign as a prompt needs it — its rules, limits, word lists and models, read in one
 * statement and kept briefly per instance — and why it refuses a prompt.
 */

/** What a live prompt needs of its campaign, the same for every annotator. */
export interface LiveCampaignConfig {
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
export const CAMPAIGN_FINGERPRINT = `md5(row(c."livePromptMaxChars", c."moderationWords", c."identityWords")::text)`;
export const ENDPOINT_FINGERPRINT = `md5(row(e."systemPrompt", e."timeoutSeconds", e.kind, e.enabled)::text)`;

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
export function promptsLastHour(annotatorId: string): string {
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
export async function readCampaign(annotatorId: string, campaignId: string): Promise<LiveCampaign | null> {
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

export interface EndpointChoice {
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
 * the same weight the scheduler uses for imported pairs — and under UNIFORM any pair alike.
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
      // BALANCED: fewest votes first, a random fraction breaking ties; ACTIVE: Efraimidis–Spirakis keys; UNIFORM: any pair alike.
      const key =
        strategy === "ACTIVE"
          ? Math.pow(random(), 1 / uncertaintyWeight(stat))
          : strategy === "UNIFORM"
            ? random()
            : -stat.votes + random() * 0.5;
      pairs.push({ low: endpoints[i], high: endpoints[j], key });
    }
  const best = pairs.reduce((a, b) => (b.key > a.key ? b : a));
  return random() < 0.5 ? [best.low, best.high] : [best.high, best.low];
}

export function messagesFor(systemPrompt: string, userTurns: string[], answers: string[]): ChatMessage[] {
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
export function refusal(campaign: LiveCampaign | null, prompt: string, turns: number): Refused | null {
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
export async function campaignFor(
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
export async function signedOutOr(annotatorId: string, result: StartResult): Promise<StartResult> {
  if (result.ok || result.code === "UNAUTHENTICATED") return result;
  return (await annotatorActive(annotatorId)) ? result : { ok: false, code: "UNAUTHENTICATED" };
}
