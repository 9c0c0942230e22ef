import "server-only";
import type pg from "pg";
import { canonicalCounts, type PairCounts } from "@/lib/ratings/aggregate";
import { OnlineElo } from "@/lib/ratings/elo";
import { fitLeaderboard, type LeaderboardFit, type LeaderboardOptions } from "@/lib/ratings/leaderboard";
import { pairMatrices } from "@/lib/ratings/matrices";
import { voteConditions, type ResultFilters } from "./filters";

/** Bump when the computation changes, so cached results made by older code are recomputed. */
const METHOD_VERSION = "bt1";
/** model_a's score as online Elo counts it; a float8 arrives in JavaScript as a number. */
const WINNER_SCORE = `CASE v.winner WHEN 'MODEL_A' THEN 1.0::float8 WHEN 'MODEL_B' THEN 0.0::float8 ELSE 0.5::float8 END`;
const STREAM_BATCH = 50_000;

/**
 * Says which votes a result was computed from: the campaign's highest vote sequence number
 * (every new or imported vote raises it) and its results version (raised by flagging).
 */
export async function resultsStamp(client: pg.ClientBase, campaignId: string): Promise<string> {
  const { rows } = await client.query<{ seq: string | null; version: number }>(
    `SELECT (SELECT max(seq) FROM "Vote" WHERE "campaignId" = c.id)::text AS seq, c."resultsVersion" AS version
     FROM "Campaign" c WHERE c.id = $1::uuid`,
    [campaignId],
  );
  const row = rows[0];
  return `${METHOD_VERSION}:${row?.seq ?? 0}:${row?.version ?? 0}`;
}

export interface CampaignFit {
  stamp: string;
  fit: LeaderboardFit;
  /** Model × model in `fit.models` order: battles in either position, and the share the row model won. */
  matrices: { battles: number[]; winFraction: (number | null)[] };
  timings: { countsMs: number; eloMs: number; fitMs: number };
}

/**
 * Reads the campaign's votes under the filters and fits the leaderboard, all from one snapshot:
 * the per-pair counts come from one aggregate query, online Elo from the votes streamed in time
 * order through a cursor (never all in memory), and the bootstrap runs while the stream does.
 */
export async function computeCampaignFit(
  client: pg.ClientBase,
  campaignId: string,
  filters: ResultFilters,
  options: Pick<LeaderboardOptions, "rounds" | "seed" | "runBootstrap"> = {},
): Promise<CampaignFit> {
  await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  try {
    const stamp = await resultsStamp(client, campaignId);
    let started = performance.now();
    const { counts, modelIds } = await readPairCounts(client, campaignId, filters);
    const countsMs = performance.now() - started;
    started = performance.now();
    // The bootstrap (worker threads) and the Elo stream (this thread, waiting on the database) overlap.
    const elo = new Map<string, number>();
    const [fit, eloMs] = await Promise.all([
      fitLeaderboard(counts, new Map(), { ...options, excludeBothBad: filters.excludeBothBad }),
      streamOnlineElo(client, campaignId, filters, counts.models, modelIds, elo).then(() => performance.now() - started),
    ]);
    fit.onlineElo = Float64Array.from(fit.models, (model) => elo.get(model) ?? 1000);
    await client.query("COMMIT");
    const fitMs = performance.now() - started;
    const canonical = canonicalCounts(counts);
    const matrices = pairMatrices(canonical);
    return {
      stamp,
      fit,
      matrices: {
        battles: Array.from(matrices.battles),
        winFraction: Array.from(matrices.winFraction, (value) => (Number.isNaN(value) ? null : value)),
      },
      timings: { countsMs, eloMs, fitMs },
    };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
}

/** One aggregate query: per ordered model pair (a = shown left), the votes for each winner. */
export async function readPairCounts(
  client: pg.ClientBase,
  campaignId: string,
  filters: ResultFilters,
): Promise<{ counts: PairCounts; modelIds: string[] }> {
  const params: unknown[] = [];
  const { where, needsPrompt } = voteConditions(campaignId, filters, params);
  const { rows } = await client.query<{ a: string; b: string; an: string; bn: string; wa: number; wb: number; t: number; bb: number }>(
    `WITH pairs AS (
       SELECT v."modelAId" AS a, v."modelBId" AS b,
              count(*) FILTER (WHERE v.winner = 'MODEL_A')::int AS wa,
              count(*) FILTER (WHERE v.winner = 'MODEL_B')::int AS wb,
              count(*) FILTER (WHERE v.winner = 'TIE')::int AS t,
              count(*) FILTER (WHERE v.winner = 'TIE_BOTHBAD')::int AS bb
       FROM "Vote" v ${needsPrompt ? `LEFT JOIN "Prompt" p ON p.id = v."promptId"` : ""}
       WHERE ${where}
       GROUP BY v."modelAId", v."modelBId"
     )
     SELECT pairs.*, ma.name AS an, mb.name AS bn FROM pairs
     JOIN "Model" ma ON ma.id = pairs.a JOIN "Model" mb ON mb.id = pairs.b`,
    params,
  );
  const index = new Map<string, number>();
  const models: string[] = [];
  const modelIds: string[] = [];
  const indexOf = (id: string, name: string) => {
    let k = index.get(id);
    if (k === undefined) {
      k = models.length;
      index.set(id, k);
      models.push(name);
      modelIds.push(id);
    }
    return k;
  };
  const n = rows.length;
  const counts: PairCounts = {
    models,
    a: new Int32Array(n),
    b: new Int32Array(n),
    winsA: new Float64Array(n),
    winsB: new Float64Array(n),
    ties: new Float64Array(n),
    bothBad: new Float64Array(n),
    total: 0,
  };
  rows.forEach((row, p) => {
    counts.a[p] = indexOf(row.a, row.an);
    counts.b[p] = indexOf(row.b, row.bn);
    counts.winsA[p] = row.wa;
    counts.winsB[p] = row.wb;
    counts.ties[p] = row.t;
    counts.bothBad[p] = row.bb;
    counts.total += row.wa + row.wb + row.t + row.bb;
  });
  return { counts, modelIds };
}

/**
 * Chatbot Arena's online Elo over the votes in time order, fetched through a cursor in batches so
 * memory stays flat however many votes there are. Model ids travel as text and are mapped to
 * indexes here.
 */
export async function streamOnlineElo(
  client: pg.ClientBase,
  campaignId: string,
  filters: ResultFilters,
  models: string[],
  modelIds: string[],
  into: Map<string, number>,
): Promise<void> {
  const params: unknown[] = [];
  const { where, needsPrompt } = voteConditions(campaignId, filters, params);
  const index = new Map(modelIds.map((id, k) => [id, k]));
  const elo = new OnlineElo(models.length);
  await client.query(
    `DECLARE hikaku_elo NO SCROLL CURSOR FOR
     SELECT v."modelAId", v."modelBId", ${WINNER_SCORE}
     FROM "Vote" v ${needsPrompt ? `LEFT JOIN "Prompt" p ON p.id = v."promptId"` : ""}
     WHERE ${where}
     ORDER BY v."createdAt", v.seq`,
    params,
  );
  for (;;) {
    const { rows } = await client.query<[string, string, number]>({ text: `FETCH ${STREAM_BATCH} FROM hikaku_elo`, rowMode: "array" });
    for (const [a, b, score] of rows) elo.update(index.get(a)!, index.get(b)!, score);
    if (rows.length < STREAM_BATCH) break;
  }
  await client.query("CLOSE hikaku_elo");
  models.forEach((model, k) => into.set(model, elo.ratings[k]));
}
