import "server-only";
import { sql } from "@/lib/db";
import { finishJob } from "./finish";

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
