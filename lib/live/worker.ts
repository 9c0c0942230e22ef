import "server-only";
import { refusal, type JsonAnswer } from "@/lib/http/api-error";
import { hashToken } from "@/lib/auth/tokens";
import { env } from "@/lib/env";
import { sql, transaction } from "@/lib/db";
import { finishJob } from "./finish";
import { sweepLiveBattles } from "./sweep";
import { IdentityGuard } from "./identity-guard";
import { MAX_ANSWER_CHARS, type ChatMessage } from "./openai";
import { endpointKey, jobKey, notifyKey, waitFor } from "./notify";

/**
 * The worker API's domain: GPU machines that cannot be reached from outside poll for the prompts
 * of their model, holding each under a lease that every chunk renews. A worker that crashes lets
 * its lease lapse and the prompt goes to the next worker; the job id a worker holds names its
 * lease (`<job>.<attempt>`), so a late answer from the first worker is refused (409) instead of
 * overwriting the second's.
 */

export interface WorkerEndpoint {
  id: string;
  params: Record<string, unknown>;
}

export interface WorkerJob {
  id: string;
  messages: ChatMessage[];
  params: Record<string, unknown>;
  leaseSeconds: number;
}

export type WorkerReply = JsonAnswer<Record<string, unknown>>;

/** "Last seen" is written at most this often: every chunk a worker streams comes through here. */
const LAST_SEEN_RESOLUTION_SECONDS = 5;

/** The pulled model a worker token belongs to (and a note that its worker was seen); null for a wrong token. */
export async function workerEndpoint(token: string): Promise<WorkerEndpoint | null> {
  const [row] = await sql.$queryRaw<(WorkerEndpoint & { stale: boolean })[]>`
    SELECT id, params, "lastSeenAt" IS NULL OR "lastSeenAt" < now() - make_interval(secs => ${LAST_SEEN_RESOLUTION_SECONDS}) AS stale
    FROM "ModelEndpoint" WHERE "workerTokenHash" = ${hashToken(token)} AND kind = 'PULLED' AND enabled`;
  if (!row) return null;
  if (row.stale) await sql.$executeRaw`UPDATE "ModelEndpoint" SET "lastSeenAt" = now() WHERE id = ${row.id}::uuid`;
  return { id: row.id, params: row.params };
}

function leaseSeconds(): number {
  return env().HIKAKU_WORKER_LEASE_SECONDS;
}

/** Takes the oldest waiting prompt of this model, or one whose worker's lease lapsed. */
async function claimJob(endpoint: WorkerEndpoint): Promise<WorkerJob | null> {
  const rows = await sql.$queryRaw<{ id: string; attempt: number; messages: ChatMessage[] }[]>`
    UPDATE "GenerationJob" j SET state = 'RUNNING', attempt = j.attempt + 1, "leaseUntil" = now() + make_interval(secs => ${leaseSeconds()}),
      "startedAt" = coalesce(j."startedAt", now()), content = '', "firstTokenAt" = NULL,
      "chunkCount" = 0, "streamedChars" = 0, "guardReading" = '', "guardPending" = ''
    WHERE j.id = (
      SELECT id FROM "GenerationJob"
      WHERE "endpointId" = ${endpoint.id}::uuid AND deadline > now() AND (state = 'PENDING' OR (state = 'RUNNING' AND "leaseUntil" < now()))
      ORDER BY "createdAt" LIMIT 1 FOR UPDATE SKIP LOCKED)
    RETURNING j.id, j.attempt, j.messages`;
  const job = rows[0];
  if (!job) return null;
  // What the lapsed worker streamed is not this attempt's.
  await sql.$executeRaw`DELETE FROM "GenerationChunk" WHERE "jobId" = ${job.id} AND attempt < ${job.attempt}`;
  // A stream showing the lapsed worker's partial answer starts that side again.
  await sql.$executeRaw(notifyKey(jobKey(job.id)));
  return { id: `${job.id}.${job.attempt}`, messages: job.messages, params: endpoint.params, leaseSeconds: leaseSeconds() };
}

/** Long poll: a prompt for this model as soon as one is waiting, or null after the poll window. */
export async function nextJob(endpoint: WorkerEndpoint, signal?: AbortSignal): Promise<WorkerJob | null> {
  const until = Date.now() + env().HIKAKU_WORKER_POLL_SECONDS * 1000;
  await sweepLiveBattles();
  for (;;) {
    const job = await claimJob(endpoint);
    if (job) return job;
    const left = until - Date.now();
    if (left <= 0 || signal?.aborted) return null;
    // A notification wakes the poll at once; the timer only covers one that was missed.
    await waitFor(endpointKey(endpoint.id), Math.min(left, 2000), signal);
  }
}

function parseJobRef(ref: string): { jobId: string; attempt: number } | null {
  const match = /^([A-Za-z0-9_-]{20,100})\.(\d{1,9})$/.exec(ref);
  return match ? { jobId: match[1], attempt: Number(match[2]) } : null;
}

async function jobOfEndpoint(endpointId: string, jobId: string): Promise<boolean> {
  const rows = await sql.$queryRaw<unknown[]>`
    SELECT 1 FROM "GenerationJob" WHERE id = ${jobId} AND "endpointId" = ${endpointId}::uuid`;
  return rows.length > 0;
}

const LEASE_LOST = "this job is no longer leased to you: its lease expired or the battle ended";
const NO_SUCH_JOB = refusal(404, "NOT_FOUND", "no such job");

const TOO_LONG = `the answer is longer than ${MAX_ANSWER_CHARS} characters`;

/**
 * Appends streamed text to a leased job and renews the lease. The text is checked for model names
 * before it is stored, so an annotator's stream never receives one: a chunk that names its model
 * voids the battle instead, as does one that takes the answer past MAX_ANSWER_CHARS. Each chunk is
 * a row of its own and the check reads only a window kept with the job, so a chunk costs the same
 * however long the answer already is.
 */
export async function appendChunk(endpointId: string, ref: string, delta: string): Promise<WorkerReply> {
  const parsed = parseJobRef(ref);
  if (!parsed) return NO_SUCH_JOB;
  const outcome = await transaction(async (tx) => {
    const [job] = await tx.$queryRaw<
      { chunkCount: number; streamedChars: number; guardReading: string; guardPending: string; identityWords: string[] }[]
    >`
      SELECT j."chunkCount", j."streamedChars", j."guardReading", j."guardPending", c."identityWords"
      FROM "GenerationJob" j JOIN "LiveBattle" b ON b.id = j."battleId" JOIN "Campaign" c ON c.id = b."campaignId"
      WHERE j.id = ${parsed.jobId} AND j."endpointId" = ${endpointId}::uuid AND j.attempt = ${parsed.attempt} AND j.state = 'RUNNING'
        AND j."leaseUntil" >= now()
      FOR UPDATE OF j`;
    if (!job) return "lost" as const;
    if (job.streamedChars + delta.length > MAX_ANSWER_CHARS) return "too long" as const;
    const checked = IdentityGuard.for(job.identityWords).check({ reading: job.guardReading, pending: job.guardPending }, delta);
    if (checked.named) return { named: checked.named };
    if (delta) {
      await tx.$executeRaw`
        INSERT INTO "GenerationChunk" ("jobId", attempt, seq, text) VALUES (${parsed.jobId}, ${parsed.attempt}, ${job.chunkCount + 1}, ${delta})`;
    }
    await tx.$executeRaw`
      UPDATE "GenerationJob" SET "chunkCount" = "chunkCount" + ${delta ? 1 : 0}, "streamedChars" = "streamedChars" + ${delta.length},
        "guardReading" = ${checked.window.reading}, "guardPending" = ${checked.window.pending},
        "firstTokenAt" = coalesce("firstTokenAt", now()), "leaseUntil" = now() + make_interval(secs => ${leaseSeconds()})
      WHERE id = ${parsed.jobId}`;
    await tx.$executeRaw(notifyKey(jobKey(parsed.jobId)));
    return "stored" as const;
  });
  // Only a refused chunk pays for telling "not yours" from "no longer yours".
  if (outcome === "lost") return (await jobOfEndpoint(endpointId, parsed.jobId)) ? refusal(409, "LEASE_LOST", LEASE_LOST) : NO_SUCH_JOB;
  if (outcome === "too long") {
    await finishJob(parsed.jobId, { failure: { cause: "too_long", detail: TOO_LONG } }, parsed);
    return refusal(409, "TOO_LONG", `${TOO_LONG}: the battle is void, stop generating`);
  }
  if (outcome !== "stored") {
    await finishJob(parsed.jobId, { failure: { cause: "identity", detail: `the answer names a model ("${outcome.named}")` } }, parsed);
    return refusal(409, "IDENTITY_LEAK", "the answer names a model: the battle is void, stop generating");
  }
  return { httpStatus: 200, body: { ok: true, leaseSeconds: leaseSeconds() } };
}

/**
 * A worker's answer that could not be read (a body over the size limit): its battle is void as too
 * long, if the job is still leased to this worker.
 */
export async function refuseOversizedAnswer(endpointId: string, ref: string): Promise<void> {
  const parsed = parseJobRef(ref);
  if (parsed) await finishJob(parsed.jobId, { failure: { cause: "too_long", detail: TOO_LONG } }, { ...parsed, endpointId });
}

/** The worker's whole answer (or its error). Sending the same answer again is harmless. */
export async function submitAnswer(endpointId: string, ref: string, answer: { content: string } | { error: string }): Promise<WorkerReply> {
  const parsed = parseJobRef(ref);
  if (!parsed) return NO_SUCH_JOB;
  const outcome =
    "content" in answer
      ? { content: answer.content, firstTokenAt: new Date() }
      : { failure: { cause: "error" as const, detail: `the worker reported: ${answer.error.slice(0, 1000)}` } };
  const result = await finishJob(parsed.jobId, outcome, { ...parsed, endpointId });
  if (result.applied || result.sameAnswer) return { httpStatus: 200, body: { ok: true } };
  if (result.state === "MISSING") return NO_SUCH_JOB;
  return refusal(409, "LEASE_LOST", LEASE_LOST);
}
