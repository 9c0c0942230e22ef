import "server-only";
import { to as copyTo } from "pg-copy-streams";
import { type Connection, inlineParameters, pool, type Queryable } from "@/lib/db";
import { checkPromptDuplicates } from "@/lib/prompts/duplicates";
import { hasExcludedPrompts } from "@/lib/prompts/exclusion";
import { canonicalCounts, type PairCounts } from "@/lib/ratings/aggregate";
import { OnlineElo } from "@/lib/ratings/elo";
import { fitLeaderboard, type LeaderboardFit, type LeaderboardOptions } from "@/lib/ratings/leaderboard";
import { pairMatrices } from "@/lib/ratings/matrices";
import { fitStyleControl, type StyleControlFit } from "@/lib/ratings/style-control";
import { voteConditions, type ResultFilters, type VoteScope } from "./filters";
import { fillMissingStyle, readStyleBattles } from "./style";
import { readVoteStream, WINNER_CODE } from "./vote-stream";

/** Bump when the computation changes, so cached results made by older code are recomputed. */
const METHOD_VERSION = "bt2";
const WORK_MEM = "64MB";

/**
 * Says which votes a result was computed from: the campaign's highest vote sequence number
 * (every new or imported vote raises it) and its results version (raised by flagging).
 */
export async function resultsStamp(client: Queryable, campaignId: string): Promise<string> {
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
  /** When the filters ask for it: the style-controlled fit over the votes whose answers are known (null if none are). */
  style: StyleControlFit | null;
  timings: { countsMs: number; eloMs: number; fitMs: number };
}

/**
 * Reads the campaign's votes under the filters and fits the leaderboard, all from one snapshot
 * shared by two connections: one runs the aggregate query (per-pair counts, which the
 * bootstrap needs), the other streams the votes in time order for online Elo at the same time.
 * Memory stays flat whatever the number of votes.
 */
export async function computeCampaignFit(
  campaignId: string,
  filters: ResultFilters,
  options: Pick<LeaderboardOptions, "rounds" | "seed" | "runBootstrap"> = {},
): Promise<CampaignFit> {
  const main = await pool().connect();
  const streaming = await pool().connect();
  const open: Connection[] = [];
  try {
    // Style counts of older answers are filled in first: the snapshot below is read-only.
    if (filters.styleControl) await fillMissingStyle(main, campaignId);
    // Likewise new prompts are checked for repeats before the snapshot, when those are left out.
    if (filters.excludeDuplicates) await checkPromptDuplicates(campaignId);
    await main.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    open.push(main);
    const { rows } = await main.query<{ snapshot: string }>("SELECT pg_export_snapshot() AS snapshot");
    await streaming.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    open.push(streaming);
    await streaming.query(`SET TRANSACTION SNAPSHOT ${streaming.escapeLiteral(rows[0].snapshot)}`);
    // Sorting a million votes into time order and hashing their pairs fit in memory with this, not in 4 MB.
    // Parallel workers would take the cores the bootstrap threads need (and were slower here).
    // Random reads cost about what sequential ones do on SSDs and cached data; with that the
    // planner reads both queries from the covering results index (Vote_results_idx) alone.
    for (const client of open) {
      await client.query(`SET LOCAL work_mem = '${WORK_MEM}'`);
      await client.query("SET LOCAL max_parallel_workers_per_gather = 0");
      await client.query("SET LOCAL random_page_cost = 1.1");
    }
    const stamp = await resultsStamp(main, campaignId);
    const scope = { ...filters, excludedPrompts: await hasExcludedPrompts(campaignId, main) };
    const models = await main.query<{ id: string; name: string }>(`SELECT id, name FROM "Model"`);

    const started = performance.now();
    const elo = new Map<string, number>();
    const eloDone = streamOnlineElo(streaming, campaignId, scope, models.rows, elo).then(() => performance.now() - started);
    // Keep a failure of the stream from going unhandled while the counts are still being read.
    eloDone.catch(() => {});
    const { counts } = await readPairCounts(main, campaignId, scope, new Map(models.rows.map((m) => [m.id, m.name])));
    const countsMs = performance.now() - started;
    // The bootstrap (worker threads) runs while the Elo stream (this thread, mostly waiting on the database) goes on.
    const [fit, eloMs] = await Promise.all([
      fitLeaderboard(counts, new Map(), { ...options, excludeBothBad: filters.excludeBothBad, robustness: filters.robustness }),
      eloDone,
    ]);
    fit.onlineElo = Float64Array.from(fit.models, (model) => elo.get(model) ?? 1000);
    let style: StyleControlFit | null = null;
    if (filters.styleControl) {
      const battles = await readStyleBattles(main, campaignId, scope, models.rows);
      if (battles.modelA.length > 0) style = fitStyleControl(battles);
    }
    for (const client of open.splice(0)) await client.query("COMMIT");
    const fitMs = performance.now() - started;
    const matrices = pairMatrices(canonicalCounts(counts));
    return {
      stamp,
      fit,
      matrices: {
        battles: Array.from(matrices.battles),
        winFraction: Array.from(matrices.winFraction, (value) => (Number.isNaN(value) ? null : value)),
      },
      style,
      timings: { countsMs, eloMs, fitMs },
    };
  } catch (error) {
    for (const client of open) await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    main.release();
    // A COPY stopped half-way leaves its connection unusable.
    streaming.release(open.includes(streaming));
  }
}

/** One aggregate query: per ordered model pair (a = shown left), the votes for each winner; `names` maps model ids. */
export async function readPairCounts(
  client: Queryable,
  campaignId: string,
  filters: VoteScope,
  names: Map<string, string>,
): Promise<{ counts: PairCounts }> {
  const params: unknown[] = [];
  const { where, needsPrompt } = voteConditions(campaignId, filters, params);
  const { rows } = await client.query<{ a: string; b: string; wa: number; wb: number; t: number; bb: number }>(
    `SELECT v."modelAId" AS a, v."modelBId" AS b,
            count(*) FILTER (WHERE v.winner = 'MODEL_A')::int AS wa,
            count(*) FILTER (WHERE v.winner = 'MODEL_B')::int AS wb,
            count(*) FILTER (WHERE v.winner = 'TIE')::int AS t,
            count(*) FILTER (WHERE v.winner = 'TIE_BOTHBAD')::int AS bb
     FROM "Vote" v ${needsPrompt ? `LEFT JOIN "Prompt" p ON p.id = v."promptId"` : ""}
     WHERE ${where}
     GROUP BY v."modelAId", v."modelBId"`,
    params,
  );
  const index = new Map<string, number>();
  const models: string[] = [];
  const indexOf = (id: string, name: string) => {
    let k = index.get(id);
    if (k === undefined) {
      k = models.length;
      index.set(id, k);
      models.push(name);
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
    counts.a[p] = indexOf(row.a, names.get(row.a)!);
    counts.b[p] = indexOf(row.b, names.get(row.b)!);
    counts.winsA[p] = row.wa;
    counts.winsB[p] = row.wb;
    counts.ties[p] = row.t;
    counts.bothBad[p] = row.bb;
    counts.total += row.wa + row.wb + row.t + row.bb;
  });
  return { counts };
}

/**
 * Chatbot Arena's online Elo over the votes in time order, from one binary COPY stream of
 * (model_a id, model_b id, outcome code). The query has no join and no sort: PostgreSQL walks the
 * (campaign, createdAt, seq) index in order, and the ids are mapped to models here, straight from
 * the bytes (no object per vote; back-pressure from the socket).
 */
export async function streamOnlineElo(
  client: Queryable,
  campaignId: string,
  filters: VoteScope,
  models: { id: string; name: string }[],
  into: Map<string, number>,
): Promise<void> {
  const params: unknown[] = [];
  const { where, needsPrompt } = voteConditions(campaignId, filters, params);
  const sql = `COPY (
    SELECT v."modelAId", v."modelBId", (${WINNER_CODE})::int2
    FROM "Vote" v ${needsPrompt ? `LEFT JOIN "Prompt" p ON p.id = v."promptId"` : ""}
    WHERE ${where}
    ORDER BY v."createdAt", v.seq) TO STDOUT WITH (FORMAT binary)`;
  const elo = new OnlineElo(models.length);
  const SCORE = [1, 0, 0.5, 0.5];
  const stream = client.query(copyTo(inlineParameters(sql, params))) as AsyncIterable<Buffer>;
  await readVoteStream(stream, models, (a, b, outcome) => elo.update(a, b, SCORE[outcome]));
  // Models without votes here stay at 1000; the fit only reads the ones it has counts for.
  models.forEach((model, k) => into.set(model.name, elo.ratings[k]));
}
