import "server-only";
import { sql } from "@/lib/db";
import { openAssignmentView } from "@/lib/scheduling/pick";
import type { AssignmentView } from "@/lib/scheduling/view";
import { cancelBattle, finishJob } from "./finish";
import { sweepLiveBattles } from "./sweep";
import { EMPTY_WINDOW, IdentityGuard } from "./identity-guard";
import { claimPushedJob, currentJobs, type BattleJob } from "./jobs";
import { GenerationFailure, streamChatCompletion, type FailureCause } from "./openai";
import { battleKey, jobKey, subscribe } from "./notify";
import { decryptSecret } from "./secrets";
import { log } from "@/lib/log";

/**
 * What the annotator's browser receives while a battle is answered: text for the left or right
 * pane, a restart of a pane (a worker's lease went to another worker), then either the pair to
 * vote on or the news that the battle is void. Deliberately nothing about the models or the
 * endpoints — not their names, not ids, not timings per side, not error texts.
 */
export type LiveEvent =
  | { type: "delta"; side: Side; text: string }
  | { type: "reset"; side: Side }
  | { type: "ready"; assignment: AssignmentView }
  | { type: "void"; cause: FailureCause };

type Side = "left" | "right";

export interface BattleState {
  state: string;
  voidCause: FailureCause | null;
  assignmentId: string | null;
  identityWords: string[];
  /** The current turn's jobs, when the caller has just written them. */
  jobs?: BattleJob[];
}

/** The battle if it is this annotator's; null otherwise (another's battle looks like a missing one). */
export async function battleOf(annotatorId: string, battleId: string): Promise<BattleState | null> {
  const rows = await sql.$queryRaw<BattleState[]>`
    SELECT b.state, b."voidCause", b."assignmentId", c."identityWords"
    FROM "LiveBattle" b JOIN "Campaign" c ON c.id = b."campaignId"
    WHERE b.id = ${battleId} AND b."annotatorId" = ${annotatorId}::uuid`;
  return rows[0] ?? null;
}

const SLOT_RETRY_MS = 200;
/** Followers also look on this timer, in case a notification was missed. */
const FOLLOW_POLL_MS = 1000;

/**
 * Waits `ms` (Infinity: no timer) or until `signal` aborts, or until the function handed to
 * `exposeWake` is called; every listener it adds is removed again, however it ends.
 */
function pause(ms: number, signal: AbortSignal, exposeWake?: (wake: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
    signal.addEventListener("abort", done, { once: true });
    exposeWake?.(done);
  });
}

/** Calls the endpoint for one side and passes its text on as it comes, checked for model names first. */
async function runPushedJob(job: BattleJob, guard: IdentityGuard, emit: (text: string) => void, signal: AbortSignal): Promise<void> {
  while (!job.claimedHere) {
    const claim = await claimPushedJob(job);
    if (claim === "gone") return;
    if (claim === "claimed") break;
    if (signal.aborted || Date.now() > job.deadlineMs) return;
    await pause(SLOT_RETRY_MS, signal);
  }
  let window = EMPTY_WINDOW;
  let firstTokenAt: Date | null = null;
  const generation = new AbortController();
  const stop = () => generation.abort();
  signal.addEventListener("abort", stop, { once: true });
  // A page closed while the job was being claimed aborted before the listener: it fires no more.
  if (signal.aborted) stop();
  try {
    const content = await streamChatCompletion({
      baseUrl: job.baseUrl!,
      apiKey: job.apiKeyCipher ? decryptSecret(job.apiKeyCipher, { endpointId: job.endpointId, baseUrl: job.baseUrl }) : null,
      model: job.apiModel,
      messages: job.messages,
      params: job.params,
      signal: generation.signal,
      timeoutMs: Math.max(1, job.deadlineMs - Date.now()),
      onDelta: (delta) => {
        firstTokenAt ??= new Date();
        const checked = guard.check(window, delta);
        if (checked.named) throw new GenerationFailure("identity", `the answer names a model ("${checked.named}")`);
        window = checked.window;
        emit(delta);
      },
    });
    await finishJob(job.id, { content, firstTokenAt });
  } catch (error) {
    const failure =
      error instanceof GenerationFailure ? error : new GenerationFailure("error", error instanceof Error ? error.message : String(error));
    // A cancelled battle was voided by whoever cancelled it.
    if (failure.cause !== "cancelled") await finishJob(job.id, { failure: { cause: failure.cause, detail: failure.message } });
  } finally {
    signal.removeEventListener("abort", stop);
  }
}

/**
 * Passes on what a worker (through any app instance) stores for one side, as it is stored: its
 * chunks while it streams, then whatever of the finished answer was not passed on yet (a pushed
 * side run by another instance arrives that way whole).
 */
async function followJob(job: BattleJob, events: EventQueue, side: Side, signal: AbortSignal): Promise<void> {
  let attempt = -1;
  let sentChunks = 0;
  let sentChars = 0;
  let wake: () => void = () => {};
  const unsubscribe = await subscribe(jobKey(job.id), () => wake());
  try {
    for (;;) {
      const [row] = await sql.$queryRaw<{ state: string; attempt: number; chunks: number; tail: string | null }[]>`
        SELECT j.state, j.attempt, j."chunkCount" AS chunks,
               CASE WHEN j.state = 'DONE' THEN substr(j.content, ${sentChars + 1})
                    ELSE (SELECT string_agg(c.text, '' ORDER BY c.seq) FROM "GenerationChunk" c
                          WHERE c."jobId" = j.id AND c.attempt = j.attempt AND c.seq > ${sentChunks}) END AS tail
        FROM "GenerationJob" j WHERE j.id = ${job.id}`;
      if (!row) return;
      if (row.attempt !== attempt) {
        if (sentChars > 0) events.push({ type: "reset", side });
        attempt = row.attempt;
        sentChunks = 0;
        sentChars = 0;
        continue;
      }
      if (row.tail && row.state !== "CANCELLED" && row.state !== "FAILED") {
        events.push({ type: "delta", side, text: row.tail });
        sentChars += row.tail.length;
        sentChunks = row.chunks;
      }
      if (row.state !== "PENDING" && row.state !== "RUNNING") return;
      if (signal.aborted) return;
      if (Date.now() > job.deadlineMs) await sweepLiveBattles();
      await pause(FOLLOW_POLL_MS, signal, (done) => (wake = done));
    }
  } finally {
    unsubscribe();
  }
}

/** A small push/pull queue between the jobs' tasks and the response stream. */
class EventQueue {
  private items: LiveEvent[] = [];
  private waiting: (() => void) | null = null;
  push(event: LiveEvent) {
    this.items.push(event);
    this.waiting?.();
  }
  /** Everything queued (waiting for at least one event), with each side's consecutive text joined. */
  async drain(signal: AbortSignal): Promise<LiveEvent[] | null> {
    while (this.items.length === 0) {
      if (signal.aborted) return null;
      await pause(Infinity, signal, (done) => (this.waiting = done));
      this.waiting = null;
    }
    const batch: LiveEvent[] = [];
    for (const event of this.items.splice(0)) {
      const last = batch.findLast((e) => e.type !== "delta" || e.side === (event as { side?: Side }).side);
      if (event.type === "delta" && last?.type === "delta" && last.side === event.side) last.text += event.text;
      else batch.push({ ...event });
    }
    return batch;
  }
}

/**
 * Events are sent at most this often once both sides are streaming: tokens arriving meanwhile
 * (from both sides) go out together, which saves a socket write per token — the dearest part of a
 * stream here.
 */
const BATCH_INTERVAL_MS = 25;

async function finalEvent(annotatorId: string, battleId: string): Promise<LiveEvent | null> {
  const battle = await battleOf(annotatorId, battleId);
  if (!battle) return null;
  if (battle.state === "VOIDED") return { type: "void", cause: battle.voidCause ?? "error" };
  if (battle.state === "READY" && battle.assignmentId) {
    const view = await openAssignmentView(sql, battle.assignmentId);
    return view ? { type: "ready", assignment: view } : null;
  }
  return null;
}

/**
 * The events of one battle's current turn for its annotator, in batches. Pushed sides are
 * generated here, for as long as this stream is open; pulled sides are followed as workers store
 * them. When the stream is closed before the answers are in, both generations stop and the battle
 * is void.
 */
export async function* battleEvents(
  annotatorId: string,
  battleId: string,
  signal: AbortSignal,
  /** The battle as the caller just read it (saves reading it again before the first token). */
  known?: BattleState,
): AsyncGenerator<LiveEvent[]> {
  const battle = known ?? (await battleOf(annotatorId, battleId));
  if (!battle) return;
  if (battle.state !== "GENERATING") {
    const done = await finalEvent(annotatorId, battleId);
    if (done) yield [done];
    return;
  }
  const events = new EventQueue();
  const ended = new AbortController();
  const stop = AbortSignal.any([signal, ended.signal]);
  let tasksDone: Promise<unknown> = Promise.resolve();
  /** The battle's end, once known; "ready" waits for the sides' last text to be queued before it. */
  const pushFinalEvent = () =>
    void finalEvent(annotatorId, battleId).then(async (event) => {
      if (event?.type === "ready") await tasksDone;
      if (event) events.push(event);
    });
  const [unsubscribe, jobs] = await Promise.all([subscribe(battleKey(battleId), pushFinalEvent), battle.jobs ?? currentJobs(battleId)]);
  const guard = new IdentityGuard(battle.identityWords);
  const tasks = jobs.map((job) => {
    const side: Side = job.left ? "left" : "right";
    const task =
      job.kind === "PUSHED" && (job.state === "PENDING" || job.claimedHere)
        ? runPushedJob(job, guard, (text) => events.push({ type: "delta", side, text }), stop)
        : followJob(job, events, side, stop);
    return task.catch((error: unknown) => log().error({ err: error }, "live battle task failed"));
  });
  // A battle is ready only when both answers are complete, so these end soon after.
  tasksDone = Promise.allSettled(tasks);
  // The battle may have ended between the first look and the subscription.
  pushFinalEvent();
  // Until both sides have shown their first text, nothing waits for a batch: the second side's
  // first token must not sit out the first side's batch interval.
  const started = new Set<Side>();
  try {
    for (;;) {
      const batch = await events.drain(signal);
      if (!batch) break;
      const end = batch.findIndex((event) => event.type === "ready" || event.type === "void");
      yield end < 0 ? batch : batch.slice(0, end + 1);
      if (end >= 0) return;
      for (const event of batch) if (event.type === "delta") started.add(event.side);
      if (started.size === jobs.length) await pause(BATCH_INTERVAL_MS, signal);
    }
  } finally {
    ended.abort();
    unsubscribe();
    // The page went away before the answers were in: nothing half-answered is kept.
    if (signal.aborted) await cancelBattle(annotatorId, battleId);
    await Promise.allSettled(tasks);
  }
}
