import "server-only";
import { db, pool, sql } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { summariseLeaderboard, type LeaderboardRow, type NamedRobustness } from "@/lib/ratings/leaderboard";
import { bootstrapThetasParallel } from "@/lib/ratings/parallel";
import { computeCampaignFit, resultsStamp, type CampaignFit } from "./compute";
import { fitKey, type ResultFilters } from "./filters";
import { metrics } from "@/lib/metrics/metrics";

/**
 * Leaderboards are computed off the request path and kept in the database (ResultCache), one row
 * per campaign and filter set, so every app instance sees the same results and only one of them
 * recomputes at a time (a lease renewed while it works). A page asks for the board: it gets the
 * stored one, fresh or marked as recomputing, and never waits long for a cold computation.
 */

export const ROUNDS = 1000;
export const SEED = 0;
const LEASE_SECONDS = 30;
const HEARTBEAT_MS = 10_000;

export interface StoredFit {
  models: string[];
  votes: number;
  rounds: number;
  identifiable: boolean;
  theta: number[];
  battles: number[];
  onlineElo: number[];
  matrices: CampaignFit["matrices"];
  timings: CampaignFit["timings"];
  /** The board without an anchor, so the common view needs no bootstrap bytes. */
  summary: LeaderboardRow[];
  /** With the styleControl filter: θ and covariance of the style-controlled fit (null when no vote had both answers' style). */
  styleControl?: { models: string[]; battles: number; theta: number[]; covariance: number[] } | null;
  /** With the robustness filter: drop-k robustness of the top rank and each adjacent pair. */
  robustness?: NamedRobustness;
}

const running = new Map<string, Promise<void>>();

/**
 * Computations at once in this process: each takes two database connections and the CPU for a
 * bootstrap, so more would only queue for the same cores (and could exhaust the pool).
 */
const MAX_CONCURRENT = 2;
let active = 0;
const waiting: (() => void)[] = [];

async function withComputeSlot<T>(work: () => Promise<T>): Promise<T> {
  if (active >= MAX_CONCURRENT) await new Promise<void>((resolve) => waiting.push(resolve));
  active++;
  try {
    return await work();
  } finally {
    active--;
    waiting.shift()?.();
  }
}

function jobKey(campaignId: string, key: string): string {
  return `${campaignId}\u0000${key}`;
}

function toStored(result: CampaignFit): StoredFit {
  const { fit } = result;
  return {
    models: fit.models,
    votes: fit.votes,
    rounds: fit.rounds,
    identifiable: fit.identifiable,
    theta: Array.from(fit.theta),
    battles: Array.from(fit.battles),
    onlineElo: Array.from(fit.onlineElo),
    matrices: result.matrices,
    timings: result.timings,
    summary: summariseLeaderboard(fit).models,
    ...(fit.robustness && { robustness: fit.robustness }),
    styleControl: result.style && {
      models: result.style.models,
      battles: result.style.battles,
      theta: Array.from(result.style.theta),
      covariance: Array.from(result.style.covariance),
    },
  };
}

async function computeAndStore(campaignId: string, filters: ResultFilters): Promise<void> {
  const key = fitKey(filters);
  const heartbeat = setInterval(() => {
    void db.resultCache
      .updateMany({ where: { campaignId, filterKey: key }, data: { computingUntil: new Date(Date.now() + LEASE_SECONDS * 1000) } })
      .catch(() => {});
  }, HEARTBEAT_MS);
  const started = performance.now();
  try {
    const result = await computeCampaignFit(campaignId, filters, {
      rounds: ROUNDS,
      seed: SEED,
      // Worker threads keep the server's event loop free while a large bootstrap runs.
      runBootstrap: (input) => bootstrapThetasParallel(input, undefined, { minWork: 200_000 }),
    });
    const thetas = result.fit.thetas;
    await db.resultCache.update({
      where: { campaignId_filterKey: { campaignId, filterKey: key } },
      data: {
        stamp: result.stamp,
        computedAt: new Date(),
        durationMs: Math.round(performance.now() - started),
        result: toStored(result) as unknown as Prisma.InputJsonValue,
        bootstrap: new Uint8Array(thetas.buffer as ArrayBuffer, thetas.byteOffset, thetas.byteLength),
        error: null,
        computingStamp: null,
        computingUntil: null,
      },
    });
    await sql.$executeRaw`
      DELETE FROM "ResultCache" WHERE "campaignId" = ${campaignId}::uuid AND "lastReadAt" < now() - make_interval(days => ${UNREAD_DAYS})`;
    metrics().leaderboardComputations.inc();
    metrics().leaderboardCompute.observe((performance.now() - started) / 1000);
  } catch (error) {
    await db.resultCache
      .update({
        where: { campaignId_filterKey: { campaignId, filterKey: key } },
        data: { error: error instanceof Error ? error.message : String(error), computingStamp: null, computingUntil: null },
      })
      .catch(() => {});
    throw error;
  } finally {
    clearInterval(heartbeat);
  }
}

/**
 * Takes the lease for (campaign, filters) unless another computation holds it, and starts the
 * computation in the background. Returns the running job (this instance's), or null.
 */
async function startComputation(campaignId: string, filters: ResultFilters, stamp: string): Promise<{ job: Promise<void> } | null> {
  const key = fitKey(filters);
  const local = running.get(jobKey(campaignId, key));
  // Wrapped in an object: an async function returning the promise itself would wait for it.
  if (local) return { job: local };
  const acquired = await sql.$executeRaw`
    INSERT INTO "ResultCache" ("campaignId", "filterKey", "computingStamp", "computingUntil")
    VALUES (${campaignId}::uuid, ${key}, ${stamp}, now() + make_interval(secs => ${LEASE_SECONDS}))
    ON CONFLICT ("campaignId", "filterKey") DO UPDATE
      SET "computingStamp" = EXCLUDED."computingStamp", "computingUntil" = EXCLUDED."computingUntil"
      WHERE "ResultCache"."computingUntil" IS NULL OR "ResultCache"."computingUntil" < now()`;
  if (acquired === 0) return null;
  const job = withComputeSlot(() => computeAndStore(campaignId, filters)).finally(() => running.delete(jobKey(campaignId, key)));
  // A failure is stored in the row and shown on the page; nothing awaits this promise otherwise.
  job.catch(() => {});
  running.set(jobKey(campaignId, key), job);
  return { job };
}

/** Results nobody has looked at for this long are deleted when the campaign's next result is stored. */
const UNREAD_DAYS = 30;

async function readStored(campaignId: string, filters: ResultFilters, withBootstrap: boolean) {
  // Remembers that the result is still wanted (at most once an hour, so reading stays a read).
  await sql.$executeRaw`
    UPDATE "ResultCache" SET "lastReadAt" = now()
    WHERE "campaignId" = ${campaignId}::uuid AND "filterKey" = ${fitKey(filters)} AND "lastReadAt" < now() - interval '1 hour'`;
  return db.resultCache.findUnique({
    where: { campaignId_filterKey: { campaignId, filterKey: fitKey(filters) } },
    select: { stamp: true, computedAt: true, durationMs: true, result: true, bootstrap: withBootstrap, error: true, computingUntil: true },
  });
}

function stampNow(campaignId: string): Promise<string> {
  return resultsStamp(pool(), campaignId);
}

/** Waits until the stored board matches the current votes, computing it here or waiting for another instance. */
async function waitUntilFresh(campaignId: string, filters: ResultFilters, withBootstrap: boolean) {
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    const stamp = await stampNow(campaignId);
    const stored = await readStored(campaignId, filters, withBootstrap);
    if (stored?.result && stored.stamp === stamp) return stored;
    const started = await startComputation(campaignId, filters, stamp);
    if (started) {
      try {
        await started.job;
      } catch (error) {
        throw new Error(`computing the leaderboard failed: ${error instanceof Error ? error.message : error}`);
      }
    } else {
      if (Date.now() > deadline) throw new Error("timed out waiting for another instance to compute the leaderboard");
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** A stored fit as a page or the API reads it: ready (and whether it reflects the current votes), or not yet. */
export type CachedFit =
  | { state: "computing" }
  | { state: "failed"; error: string }
  | { state: "ready"; fit: StoredFit; bootstrap: Uint8Array | null; fresh: boolean; computedAt: Date; computeMs: number | null };

/**
 * The campaign's stored fit under `filters`. A page passes `waitMs`: it waits that long for a
 * computation it started (a small campaign is ready at once), otherwise it gets the last result
 * marked as not fresh, or "computing". The CLI and the API pass `untilFresh`: the result always
 * reflects the current votes.
 */
export async function cachedFit(
  campaignId: string,
  filters: ResultFilters,
  options: { waitMs?: number; untilFresh?: boolean; withBootstrap: boolean },
): Promise<CachedFit> {
  const { withBootstrap } = options;
  // waitUntilFresh returns a row computed from the current votes; otherwise compare with them here.
  const stamp = options.untilFresh ? null : await stampNow(campaignId);
  let stored =
    stamp === null ? await waitUntilFresh(campaignId, filters, withBootstrap) : await readStored(campaignId, filters, withBootstrap);
  if (stamp !== null && stored?.result && stored.stamp === stamp) metrics().leaderboardCacheHits.inc();
  if (stamp !== null && (!stored?.result || stored.stamp !== stamp)) {
    const started = await startComputation(campaignId, filters, stamp);
    if (started && options.waitMs) {
      await Promise.race([started.job.catch(() => {}), new Promise((resolve) => setTimeout(resolve, options.waitMs))]);
      stored = await readStored(campaignId, filters, withBootstrap);
    }
  }
  if (!stored?.result) {
    if (stored?.error && !stored.computingUntil) return { state: "failed", error: stored.error };
    return { state: "computing" };
  }
  return {
    state: "ready",
    fit: stored.result as unknown as StoredFit,
    bootstrap: withBootstrap ? (stored.bootstrap ?? null) : null,
    fresh: stamp === null || stored.stamp === stamp,
    computedAt: stored.computedAt!,
    computeMs: stored.durationMs,
  };
}
