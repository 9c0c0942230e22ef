import "server-only";
import { randomToken } from "@/lib/auth/tokens";
import { batch, escapeLiteral } from "@/lib/db";
import { type ChatMessage } from "./openai";
import { endpointKey, notifyEach } from "./notify";
import { claimStatements, currentJobsStatement, type BattleJob } from "./jobs";
import type { BattleState } from "./stream";
import { type StartResult } from "./battle-types";
import {
  CAMPAIGN_FINGERPRINT,
  ENDPOINT_FINGERPRINT,
  type EndpointChoice,
  type LiveCampaignConfig,
  campaignFor,
  choosePair,
  messagesFor,
  promptsLastHour,
  readCampaign,
  refusal,
  signedOutOr,
} from "./campaign-rules";
import { voidBattlesStatement } from "./finish";
import { sweepLiveBattles } from "./sweep";
import { log } from "@/lib/log";
/**
 * Live battles: an annotator's prompt goes to two of the campaign's models, picked by its sampling
 * strategy, shown left and right at random. Each side's answer is a GenerationJob; when both are
 * in, the battle becomes an ordinary pair (Prompt, two Outputs, Item, Assignment) and is voted on
 * like any other (lib/live/finish.ts). Any failure — an error, a timeout, an empty answer, an
 * answer that names its model, a closed page — voids the battle: it is recorded with its cause and
 * never rated. This file starts a battle and writes a turn; follow-up.ts continues one.
 */

/** One prompt at a time per annotator (an advisory lock held to the end of the turn's transaction), so the hourly limit holds under parallel requests. */
const annotatorLock = (annotatorId: string) => `live:${annotatorId}`;

/** How often a prompt is tried again when the campaign changed between its checks and the battle's insert. */
export const START_ATTEMPTS = 3;

/** Battles left behind (a hung endpoint, an instance that died mid-stream) are voided on the way, at most once a second per instance. */
const SWEEP_EVERY_MS = 1000;
let lastSweep = 0;
function sweepWhenDue(): void {
  if (Date.now() - lastSweep < SWEEP_EVERY_MS) return;
  lastSweep = Date.now();
  sweepLiveBattles().catch((error: unknown) => log().error({ err: error }, "sweeping live battles failed"));
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
export type TurnEndpoint = Omit<EndpointChoice, "fingerprint">;

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
export async function writeTurn(turn: {
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
export function campaignRulesHold(annotatorId: string, turns: number, fingerprint: string): string {
  const annotator = `${escapeLiteral(annotatorId)}::uuid`;
  return `c.live AND c.status = 'ACTIVE' AND ${Math.trunc(turns)} <= c."liveMaxTurns"
    AND ${CAMPAIGN_FINGERPRINT} = ${escapeLiteral(fingerprint)}
    AND EXISTS (SELECT 1 FROM "User" u WHERE u.id = ${annotator} AND NOT u.disabled)
    AND EXISTS (SELECT 1 FROM "CampaignMember" m WHERE m."campaignId" = c.id AND m."userId" = ${annotator})
    AND (${promptsLastHour(annotatorId)}) < c."livePromptsPerHour"`;
}

/** A battle just started or continued, as its stream needs it (saves reading it back before the first token). */
export function generating(identityWords: string[]): BattleState {
  return { state: "GENERATING", voidCause: null, assignmentId: null, identityWords };
}
