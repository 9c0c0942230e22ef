import "server-only";
import { to as copyTo } from "pg-copy-streams";
import { inlineParameters, type Queryable } from "@/lib/db";
import { STYLE_FEATURES, styleByTurnsShown, type StyleBattles } from "@/lib/ratings/style-control";
import { voteConditions, type VoteScope } from "./filters";
import { styleOf } from "./style-counts";
import { readVoteStream, WINNER_CODE } from "./vote-stream";

const BATCH = 1000;
const FEATURES = STYLE_FEATURES.length;

const literal = (values: number[]) => `{${values.join(",")}}`;

/**
 * Style counts for the campaign's answers and imported conversations stored before they were
 * computed at import (older data): filled in here, in batches, before style control reads them.
 */
export async function fillMissingStyle(client: Queryable, campaignId: string): Promise<void> {
  for (;;) {
    const { rows } = await client.query<{ id: string; turns: string[] }>(
      `SELECT o.id, o.turns FROM "Output" o JOIN "Prompt" p ON p.id = o."promptId"
       WHERE p."campaignId" = $1::uuid AND coalesce(cardinality(o.style), 0) = 0 LIMIT ${BATCH}`,
      [campaignId],
    );
    if (rows.length === 0) break;
    await client.query(`UPDATE "Output" o SET style = n.s::int[] FROM unnest($1::uuid[], $2::text[]) AS n(id, s) WHERE o.id = n.id`, [
      rows.map((row) => row.id),
      rows.map((row) => literal(styleByTurnsShown(row.turns))),
    ]);
  }
  for (;;) {
    const { rows } = await client.query<{ id: string; a: { role: string; content: string }[]; b: { role: string; content: string }[] }>(
      `SELECT id, "conversationA" AS a, "conversationB" AS b FROM "Vote"
       WHERE "campaignId" = $1::uuid AND "assignmentId" IS NULL AND "conversationA" IS NOT NULL AND "conversationB" IS NOT NULL
         AND coalesce(cardinality("styleA"), 0) = 0 LIMIT ${BATCH}`,
      [campaignId],
    );
    if (rows.length === 0) break;
    await client.query(
      `UPDATE "Vote" v SET "styleA" = n.a::int[], "styleB" = n.b::int[] FROM unnest($1::uuid[], $2::text[], $3::text[]) AS n(id, a, b) WHERE v.id = n.id`,
      [rows.map((row) => row.id), rows.map((row) => styleOf(row.a)), rows.map((row) => styleOf(row.b))],
    );
  }
}

const SCORE_OF_A = [1, 0, 0.5, 0.5];

/**
 * The votes under the filters that have both sides' style counts — imported with a conversation,
 * or cast in the app, whose answers are known (the counts of the turns the pair showed) — as
 * columns for the style-controlled fit. One binary COPY, no object per vote.
 */
export async function readStyleBattles(
  client: Queryable,
  campaignId: string,
  filters: VoteScope,
  models: { id: string; name: string }[],
): Promise<StyleBattles> {
  const params: unknown[] = [];
  const { where, needsPrompt } = voteConditions(campaignId, filters, params);
  const side = (imported: string, output: string) =>
    `coalesce(nullif(v."${imported}", '{}'), ${output}.style[(i."turnCount" - 1) * ${FEATURES} + 1 : i."turnCount" * ${FEATURES}])`;
  const columns = (name: string) => STYLE_FEATURES.map((_, k) => `s.${name}[${k + 1}]`).join(", ");
  const sql = `COPY (
    SELECT v."modelAId", v."modelBId", (${WINNER_CODE})::int2, ${columns("a")}, ${columns("b")}
    FROM "Vote" v ${needsPrompt ? `LEFT JOIN "Prompt" p ON p.id = v."promptId"` : ""}
    LEFT JOIN "Assignment" asg ON asg.id = v."assignmentId"
    LEFT JOIN "Item" i ON i.id = asg."itemId"
    LEFT JOIN "Output" lo ON lo.id = asg."leftOutputId"
    LEFT JOIN "Output" ro ON ro.id = asg."rightOutputId"
    CROSS JOIN LATERAL (SELECT ${side("styleA", "lo")} AS a, ${side("styleB", "ro")} AS b) s
    WHERE ${where} AND cardinality(s.a) = ${FEATURES} AND cardinality(s.b) = ${FEATURES}) TO STDOUT WITH (FORMAT binary)`;

  const used = new Map<number, number>();
  const modelA: number[] = [];
  const modelB: number[] = [];
  const scoreA: number[] = [];
  const countsA: number[] = [];
  const countsB: number[] = [];
  const local = (index: number) => {
    let k = used.get(index);
    if (k === undefined) {
      k = used.size;
      used.set(index, k);
    }
    return k;
  };
  const stream = client.query(copyTo(inlineParameters(sql, params))) as AsyncIterable<Buffer>;
  await readVoteStream(
    stream,
    models,
    (a, b, outcome, extra) => {
      modelA.push(local(a));
      modelB.push(local(b));
      scoreA.push(SCORE_OF_A[outcome]);
      for (let k = 0; k < FEATURES; k++) {
        countsA.push(extra[k]);
        countsB.push(extra[FEATURES + k]);
      }
    },
    2 * FEATURES,
  );
  const names: string[] = [];
  for (const [index, k] of used) names[k] = models[index].name;
  return {
    models: names,
    modelA: Int32Array.from(modelA),
    modelB: Int32Array.from(modelB),
    scoreA: Float64Array.from(scoreA),
    countsA: Float64Array.from(countsA),
    countsB: Float64Array.from(countsB),
  };
}
