import "server-only";
import { to as copyTo } from "pg-copy-streams";
import { pool } from "@/lib/pg";
import { voteConditions, type ResultFilters } from "@/lib/results/filters";

/**
 * Vote exports written by PostgreSQL itself (COPY … TO STDOUT) and passed on as they arrive:
 * no object per vote in JavaScript, several times faster than building rows here. CSV goes out
 * as PostgreSQL writes it; JSON Lines and Parquet are converted from it (write-formats.ts).
 * The columns are those of lib/datasets/arena-row.ts.
 */

/**
 * A judge's pseudonym: a hash of the campaign's secret salt and the annotator's id, so it is the
 * same in every export of one campaign, differs between campaigns, and reveals no account.
 * Imported votes keep the pseudonym they came with.
 */
const JUDGE = `CASE WHEN v."annotatorId" IS NULL THEN coalesce(v.judge, 'anonymous')
  ELSE 'judge_' || left(encode(sha256(convert_to(c."pseudonymSalt" || ':' || v."annotatorId"::text, 'UTF8')), 'hex'), 12) END`;

/** A vote with everything an export row is made of: its campaign, models, prompt and the answers shown. */
const VOTE_SOURCE = `FROM "Vote" v
  JOIN "Campaign" c ON c.id = v."campaignId"
  JOIN "Model" ma ON ma.id = v."modelAId"
  JOIN "Model" mb ON mb.id = v."modelBId"
  LEFT JOIN "Prompt" p ON p.id = v."promptId"
  LEFT JOIN "Assignment" a ON a.id = v."assignmentId"
  LEFT JOIN "Item" i ON i.id = a."itemId"
  LEFT JOIN "Output" lo ON lo.id = a."leftOutputId"
  LEFT JOIN "Output" ro ON ro.id = a."rightOutputId"`;

/** The conversation one model had, for app votes: the user turns and that model's answers, for the turns shown. */
const conversation = (answers: "lo" | "ro") => `CASE WHEN a.id IS NULL THEN v."conversation${answers === "lo" ? "A" : "B"}"::json ELSE (
    SELECT json_agg(json_build_object('role', m.role, 'content', m.content) ORDER BY t, m.o)
    FROM generate_series(0, coalesce(i."turnCount", 1) - 1) AS t,
    LATERAL (VALUES (0, 'user', p.turns->>t), (1, 'assistant', ${answers}.turns->>t)) AS m(o, role, content)) END`;

const COLUMNS: [name: string, expression: string][] = [
  ["question_id", `coalesce(v."questionId", p."externalId")`],
  ["model_a", "ma.name"],
  ["model_b", "mb.name"],
  ["winner", `CASE v.winner WHEN 'MODEL_A' THEN 'model_a' WHEN 'MODEL_B' THEN 'model_b' WHEN 'TIE' THEN 'tie' ELSE 'tie (bothbad)' END`],
  ["judge", JUDGE],
  ["conversation_a", conversation("lo")],
  ["conversation_b", conversation("ro")],
  ["turn", `coalesce(v.turn, i."turnCount", 1)`],
  ["anony", "true"],
  ["language", `coalesce(v.language, c.language)`],
  ["tstamp", `extract(epoch FROM v."createdAt")::float8`],
  ["outcome", `lower(v.outcome::text)`],
  ["reason", "v.reason"],
  ["corrected_answer", `v."correctedAnswer"`],
  ["identity_leak", `v."identityLeak"`],
  ["duration_ms", `v."durationMs"`],
  ["category", `coalesce(v.category, p.category)`],
];

const SELECT_CSV = COLUMNS.map(([name, expression]) =>
  // COPY would print booleans as t/f; the export says true/false.
  name === "anony" || name === "identity_leak"
    ? `CASE WHEN ${expression} THEN 'true' ELSE 'false' END AS ${name}`
    : `(${expression})::text AS ${name}`,
).join(", ");

/**
 * The CSV (with header) of the campaign's votes under `filters`, as PostgreSQL sends it.
 * `rows()` tells how many rows were sent once the stream has ended. Stopping early (return()
 * on the generator) ends the COPY and discards its connection.
 */
export function copyVotes(campaignId: string, filters: ResultFilters) {
  let rowCount = 0;
  async function* chunks(): AsyncGenerator<Uint8Array> {
    const params: unknown[] = [];
    const { where } = voteConditions(campaignId, filters, params, { includeIdentityLeaks: true });
    const client = await pool().connect();
    let finished = false;
    try {
      // One transaction so the sort into time order gets memory enough not to spill to disk.
      await client.query("BEGIN READ ONLY");
      await client.query("SET LOCAL work_mem = '64MB'");
      const sql = `SELECT ${SELECT_CSV} ${VOTE_SOURCE} WHERE ${where} ORDER BY v."createdAt", v.seq`.replace(/\$(\d+)/g, (_, n: string) =>
        client.escapeLiteral(String(params[Number(n) - 1])),
      );
      const stream = client.query(copyTo(`COPY (${sql}) TO STDOUT WITH (FORMAT csv, HEADER)`));
      for await (const chunk of stream as AsyncIterable<Buffer>) yield chunk;
      rowCount = stream.rowCount;
      await client.query("COMMIT");
      finished = true;
    } finally {
      client.release(!finished);
    }
  }
  return { chunks: chunks(), rows: () => rowCount };
}
