import "server-only";
import { escapeLiteral, sql } from "@/lib/db";
import { withdrawAssignmentStatement } from "@/lib/scheduling/pick";
import { type Refused, type StartResult } from "./battle-types";
import { type LiveCampaignConfig, campaignFor, messagesFor, signedOutOr } from "./campaign-rules";
import { START_ATTEMPTS, type TurnEndpoint, campaignRulesHold, generating, writeTurn } from "./start";

/** A follow-up turn on the battle an annotator is judging: both models answer again, with the conversation so far (lib/live/start.ts writes the turn). */

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
