import "server-only";
import { to as copyTo } from "pg-copy-streams";
import { inlineParameters, pool } from "@/lib/pg";
import { voteConditions, type ResultFilters } from "@/lib/results/filters";

/**
 * Vote exports written by PostgreSQL itself (COPY … TO STDOUT) and passed on as they arrive:
 * no object per vote in JavaScript, several times faster than building rows here. CSV and JSON
 * Lines go out as PostgreSQL writes them; Parquet is encoded from the CSV (write-formats.ts).
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

/**
 * The conversation one model had: as imported, or for app votes the user turns and that model's
 * answers for the turns shown, built by hikaku_conversation (a PARALLEL SAFE SQL function, see
 * the migration): a subquery here would keep building the rows to one process, where a function
 * lets the parallel workers that sort the votes build them too.
 */
const conversation = (answers: "lo" | "ro") =>
  `CASE WHEN a.id IS NULL THEN v."conversation${answers === "lo" ? "A" : "B"}"::json ELSE hikaku_conversation(p.turns, ${answers}.turns, i."turnCount") END`;

/** "label": one of the export's own words (winner, outcome), which never need escaping in JSON. */
type JsonKind = "string" | "label" | "number" | "boolean" | "json";

const COLUMNS: [name: string, expression: string, json: JsonKind][] = [
  ["question_id", `coalesce(v."questionId", p."externalId")`, "string"],
  ["model_a", "ma.name", "string"],
  ["model_b", "mb.name", "string"],
  [
    "winner",
    `CASE v.winner WHEN 'MODEL_A' THEN 'model_a' WHEN 'MODEL_B' THEN 'model_b' WHEN 'TIE' THEN 'tie' ELSE 'tie (bothbad)' END`,
    "label",
  ],
  ["judge", JUDGE, "string"],
  ["conversation_a", conversation("lo"), "json"],
  ["conversation_b", conversation("ro"), "json"],
  ["turn", `coalesce(v.turn, i."turnCount", 1)`, "number"],
  ["anony", "true", "boolean"],
  ["language", `coalesce(v.language, c.language)`, "string"],
  // date_part gives the same double as extract(…)::float8 without going through numeric (a third of the query's time).
  ["tstamp", `date_part('epoch', v."createdAt")`, "number"],
  [
    "outcome",
    `CASE v.outcome WHEN 'LEFT' THEN 'left' WHEN 'RIGHT' THEN 'right' WHEN 'TIE' THEN 'tie' WHEN 'BOTH_BAD' THEN 'both_bad' ELSE 'both_good' END`,
    "label",
  ],
  ["reason", "v.reason", "string"],
  ["corrected_answer", `v."correctedAnswer"`, "string"],
  ["identity_leak", `v."identityLeak"`, "boolean"],
  ["duration_ms", `v."durationMs"`, "number"],
  ["category", `coalesce(v.category, p.category)`, "string"],
];

const SELECT_CSV = COLUMNS.map(([name, expression, json]) =>
  // COPY would print booleans as t/f; the export says true/false.
  json === "boolean" ? `CASE WHEN ${expression} THEN 'true' ELSE 'false' END AS ${name}` : `(${expression})::text AS ${name}`,
).join(", ");

/** A column's value as JSON text (a missing value is null). */
function jsonValue(expression: string, kind: JsonKind): string {
  switch (kind) {
    case "string":
      return `coalesce(to_json((${expression})::text)::text, 'null')`;
    case "label":
      return `'"' || (${expression}) || '"'`;
    case "number":
      return `coalesce((${expression})::text, 'null')`;
    case "boolean":
      return `CASE WHEN ${expression} THEN 'true' ELSE 'false' END`;
    case "json":
      // Through jsonb: its text has no line breaks (json_agg's has), so every row stays one line.
      return `coalesce((${expression})::jsonb::text, 'null')`;
  }
}

/**
 * One JSON object per row, keys in column order, built by PostgreSQL: JSON Lines then leave the
 * database ready to send, which is faster than converting CSV here (the parallel workers that
 * sort the votes build them too).
 */
const SELECT_JSON = `${COLUMNS.map(([name, expression, kind], i) => `'${i === 0 ? "{" : ","}"${name}":' || ${jsonValue(expression, kind)}`).join(" || ")} || '}'`;

/**
 * COPY's options per format. JSON Lines go through CSV mode with a quote character and delimiter
 * that JSON text never contains raw (it escapes every control character), so each line is sent
 * exactly as built, with nothing quoted.
 */
const COPY_OPTIONS = { csv: "FORMAT csv, HEADER", jsonl: `FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02'` } as const;

/**
 * The campaign's votes under `filters` as CSV (with header) or JSON Lines, as PostgreSQL sends
 * them. `rows()` tells how many rows were sent once the stream has ended. Stopping early
 * (return() on the generator) ends the COPY and discards its connection.
 */
export function copyVotes(campaignId: string, filters: ResultFilters, format: "csv" | "jsonl") {
  let rowCount = 0;
  async function* chunks(): AsyncGenerator<Uint8Array> {
    const params: unknown[] = [];
    const { where } = voteConditions(campaignId, filters, params, { includeIdentityLeaks: true });
    const client = await pool().connect();
    let finished = false;
    try {
      // One transaction so the sort into time order gets memory enough not to spill to disk.
      await client.query("BEGIN READ ONLY");
      await client.query("SET LOCAL work_mem = '128MB'");
      const select = `SELECT ${format === "csv" ? SELECT_CSV : SELECT_JSON} ${VOTE_SOURCE} WHERE ${where} ORDER BY v."createdAt", v.seq`;
      const sql = `COPY (${select}) TO STDOUT WITH (${COPY_OPTIONS[format]})`;
      const stream = client.query(copyTo(inlineParameters(client, sql, params)));
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
