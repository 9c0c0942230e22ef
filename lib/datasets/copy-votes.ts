import "server-only";
import { to as copyTo } from "pg-copy-streams";
import { inlineParameters, pool } from "@/lib/pg";
import { checkPromptDuplicates } from "@/lib/prompts/duplicates";
import { hasExcludedPrompts } from "@/lib/prompts/exclusion";
import { voteConditions, type ResultFilters } from "@/lib/results/filters";
import { spreadsheetSafeSql } from "@/lib/csv/write";
import { textOfBinaryCopy } from "./binary-copy-text";

/**
 * Vote exports written by PostgreSQL itself (COPY … TO STDOUT) and passed on as they arrive:
 * no object per vote in JavaScript, several times faster than building rows here. CSV and JSON
 * Lines go out as PostgreSQL writes them (JSON Lines less binary COPY's row prefixes); Parquet is
 * encoded from the CSV (write-formats.ts).
 * The columns are those of lib/datasets/arena-row.ts.
 */

/**
 * A judge's pseudonym: a hash of the campaign's secret salt and the annotator's id, so it is the
 * same in every export of one campaign, differs between campaigns, and reveals no account.
 * Imported votes keep the pseudonym they came with.
 */
const JUDGE = `CASE WHEN v."annotatorId" IS NULL THEN coalesce(v.judge, 'anonymous')
  ELSE 'judge_' || left(encode(sha256(convert_to(c."pseudonymSalt" || ':' || v."annotatorId"::text, 'UTF8')), 'hex'), 12) END`;

/**
 * A model's name and its JSON text, escaped once per model rather than once per vote: GROUP BY
 * keeps the planner from folding the subquery (and with it the escaping) into the vote rows, and
 * unlike OFFSET 0 leaves the query free to run in parallel workers.
 */
const MODEL_NAMES = `(SELECT id, name, to_json(name)::text AS "nameJson" FROM "Model" GROUP BY id)`;

/** A vote with everything an export row is made of: its campaign, models, prompt and the answers shown. */
const VOTE_SOURCE = `FROM "Vote" v
  JOIN (SELECT id, language, to_json(language)::text AS "languageJson", "pseudonymSalt" FROM "Campaign" GROUP BY id) c
    ON c.id = v."campaignId"
  JOIN ${MODEL_NAMES} ma ON ma.id = v."modelAId"
  JOIN ${MODEL_NAMES} mb ON mb.id = v."modelBId"
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

/** As JSON text: an imported conversation is already jsonb (its text needs no second parse). */
const conversationJson = (answers: "lo" | "ro") =>
  `coalesce(CASE WHEN a.id IS NULL THEN v."conversation${answers === "lo" ? "A" : "B"}"::text ELSE hikaku_conversation(p.turns, ${answers}.turns, i."turnCount")::jsonb::text END, 'null')`;

/**
 * How a column becomes JSON: "label" is one of the export's own words (winner, outcome), which
 * never need escaping; "raw" gives JSON text already built (and never null).
 */
type JsonKind = "string" | "label" | "number" | "boolean" | { raw: string };

const COLUMNS: [name: string, expression: string, json: JsonKind][] = [
  ["question_id", `coalesce(v."questionId", p."externalId")`, "string"],
  ["model_a", "ma.name", { raw: `ma."nameJson"` }],
  ["model_b", "mb.name", { raw: `mb."nameJson"` }],
  [
    "winner",
    `CASE v.winner WHEN 'MODEL_A' THEN 'model_a' WHEN 'MODEL_B' THEN 'model_b' WHEN 'TIE' THEN 'tie' ELSE 'tie (bothbad)' END`,
    "label",
  ],
  ["judge", JUDGE, "string"],
  ["conversation_a", conversation("lo"), { raw: conversationJson("lo") }],
  ["conversation_b", conversation("ro"), { raw: conversationJson("ro") }],
  ["turn", `coalesce(v.turn, i."turnCount", 1)`, "number"],
  ["anony", "true", "boolean"],
  ["language", `coalesce(v.language, c.language)`, { raw: `coalesce(to_json(v.language)::text, c."languageJson", 'null')` }],
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

/**
 * Text anyone can set (reasons, corrected answers, imported judges, categories, ids and model
 * names): in the CSV people open, written spreadsheet-safe (lib/csv/write.ts). Labels, numbers,
 * booleans and conversations (JSON arrays) never start a formula.
 */
const isFreeText = (name: string, json: JsonKind) => json === "string" || name === "model_a" || name === "model_b" || name === "language";

/** For people (spreadsheet-safe); `raw` for the Parquet encoder, which keeps every value as it is. */
const selectCsv = (raw: boolean) =>
  COLUMNS.map(([name, expression, json]) =>
    // COPY would print booleans as t/f; the export says true/false.
    json === "boolean"
      ? `CASE WHEN ${expression} THEN 'true' ELSE 'false' END AS ${name}`
      : !raw && isFreeText(name, json)
        ? `${spreadsheetSafeSql(expression)} AS ${name}`
        : `(${expression})::text AS ${name}`,
  ).join(", ");
const SELECT_CSV = selectCsv(false);
const SELECT_RAW_CSV = selectCsv(true);

/** A column's value as JSON text (a missing value is null). */
function jsonValue(expression: string, kind: JsonKind): string {
  if (typeof kind === "object") return kind.raw;
  switch (kind) {
    case "string":
      return `coalesce(to_json((${expression})::text)::text, 'null')`;
    case "label":
      return `'"' || (${expression}) || '"'`;
    case "number":
      return `coalesce((${expression})::text, 'null')`;
    case "boolean":
      return `CASE WHEN ${expression} THEN 'true' ELSE 'false' END`;
  }
}

/**
 * One JSON object per row, keys in column order, ending in a line break, built by PostgreSQL:
 * JSON Lines then leave the database ready to send, which is faster than converting CSV here
 * (the parallel workers that sort the votes build them too).
 */
const SELECT_JSON = `${COLUMNS.map(([name, expression, kind], i) => `'${i === 0 ? "{" : ","}"${name}":' || ${jsonValue(expression, kind)}`).join(" || ")} || E'}\\n'`;

/** CSV as COPY writes it; JSON Lines as binary COPY of the built lines, unwrapped by textOfBinaryCopy. */
const COPY_OPTIONS = { csv: "FORMAT csv, HEADER", "raw-csv": "FORMAT csv, HEADER", jsonl: "FORMAT binary" } as const;

/**
 * The campaign's votes under `filters` as CSV (with header; `raw-csv` without the spreadsheet
 * guard, for the Parquet encoder) or JSON Lines, as PostgreSQL sends them. `rows()` tells how many rows were sent once the stream has ended. Stopping early
 * (return() on the generator) ends the COPY and discards its connection.
 */
export function copyVotes(campaignId: string, filters: ResultFilters, format: "csv" | "raw-csv" | "jsonl") {
  let rowCount = 0;
  async function* chunks(): AsyncGenerator<Uint8Array> {
    const params: unknown[] = [];
    if (filters.excludeDuplicates) await checkPromptDuplicates(campaignId);
    const scope = { ...filters, excludedPrompts: await hasExcludedPrompts(campaignId) };
    const { where } = voteConditions(campaignId, scope, params, { includeIdentityLeaks: true });
    const client = await pool().connect();
    let finished = false;
    try {
      // One transaction so the sort into time order gets memory enough not to spill to disk.
      await client.query("BEGIN READ ONLY");
      await client.query("SET LOCAL work_mem = '128MB'");
      const columns = { csv: SELECT_CSV, "raw-csv": SELECT_RAW_CSV, jsonl: SELECT_JSON }[format];
      const select = `SELECT ${columns} ${VOTE_SOURCE} WHERE ${where} ORDER BY v."createdAt", v.seq`;
      const sql = `COPY (${select}) TO STDOUT WITH (${COPY_OPTIONS[format]})`;
      const stream = client.query(copyTo(inlineParameters(client, sql, params)));
      yield* format === "jsonl" ? textOfBinaryCopy(stream as AsyncIterable<Buffer>) : (stream as AsyncIterable<Buffer>);
      rowCount = stream.rowCount;
      await client.query("COMMIT");
      finished = true;
    } finally {
      client.release(!finished);
    }
  }
  return { chunks: chunks(), rows: () => rowCount };
}
