import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import { batch, escapeLiteral, sql } from "@/lib/db";
import type { ChatMessage } from "./openai";

/**
 * One side's job of a battle's current turn, with what it takes to run it. The statements here
 * are SQL text with literals, so that a battle's start can run them among its own statements in
 * one round trip (every round trip there is time before the first token).
 */
export interface BattleJob {
  id: string;
  left: boolean;
  state: string;
  kind: "PUSHED" | "PULLED";
  endpointId: string;
  baseUrl: string | null;
  apiModel: string;
  apiKeyCipher: string | null;
  params: Record<string, unknown>;
  messages: ChatMessage[];
  deadlineMs: number;
  /** Claimed for the stream that reads it in the statement that created it: run it, without claiming it again. */
  claimedHere?: boolean;
}

const q = escapeLiteral;

/** The jobs of the battle's current turn. */
export function currentJobsStatement(battleId: string): string {
  return `
    SELECT j.id, j."onLeft" AS "left", j.state, e.kind, e.id AS "endpointId", e."baseUrl", coalesce(e."apiModel", m.name) AS "apiModel",
           e."apiKeyCipher", e.params, j.messages, (extract(epoch FROM j.deadline) * 1000)::float8 AS "deadlineMs"
    FROM "GenerationJob" j JOIN "LiveBattle" b ON b.id = j."battleId" JOIN "ModelEndpoint" e ON e.id = j."endpointId" JOIN "Model" m ON m.id = e."modelId"
    WHERE j."battleId" = ${q(battleId)} AND j.turn = jsonb_array_length(b."userTurns") - 1`;
}

export async function currentJobs(battleId: string): Promise<BattleJob[]> {
  return sql.$queryRaw<BattleJob[]>(Prisma.raw(currentJobsStatement(battleId)));
}

/**
 * Starts a pending pushed job if its endpoint has a free slot (its concurrency limit counts
 * running jobs in every app instance): two statements, the endpoint's lock first, so the count is
 * taken after any other claim on the endpoint has committed. The second returns the job's id
 * when it is claimed. Within one transaction, endpoints must be locked in one order (by id).
 */
export function claimStatements(jobId: string, endpointId: string): string[] {
  const endpoint = `${q(endpointId)}::uuid`;
  return [
    `SELECT pg_advisory_xact_lock(hashtext(${q(`endpoint:${endpointId}`)}))`,
    `UPDATE "GenerationJob" SET state = 'RUNNING', attempt = attempt + 1, "startedAt" = now(), "leaseUntil" = deadline
     WHERE id = ${q(jobId)} AND state = 'PENDING'
       AND (SELECT count(*) FROM "GenerationJob" WHERE "endpointId" = ${endpoint} AND state = 'RUNNING')
           < (SELECT concurrency FROM "ModelEndpoint" WHERE id = ${endpoint})
     RETURNING id`,
  ];
}

/**
 * Claims a pushed job for this instance (one round trip, one transaction). The stream that runs it
 * holds it until its deadline: if this instance dies, the sweep voids the battle then.
 */
export async function claimPushedJob(job: BattleJob): Promise<"claimed" | "full" | "gone"> {
  const results = await batch<{ state?: string }>([
    ...claimStatements(job.id, job.endpointId),
    `SELECT state FROM "GenerationJob" WHERE id = ${q(job.id)}`,
  ]);
  if (results[1].rowCount) return "claimed";
  return results[2].rows[0]?.state === "PENDING" ? "full" : "gone";
}
