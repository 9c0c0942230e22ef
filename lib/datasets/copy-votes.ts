import "server-only";
import { to as copyTo } from "pg-copy-streams";
import { env } from "@/lib/env";
import { type Connection, inlineParameters, pool } from "@/lib/db";
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
const VOTE_SOURCE = sourceOf(`"Vote"`);

function sourceOf(votes: string): string {
  return `FROM ${votes} v
  JOIN (SELECT id, language, to_json(language)::text AS "languageJson", "pseudonymSalt" FROM "Campaign" GROUP BY id) c
    ON c.id = v."campaignId"
  JOIN ${MODEL_NAMES} ma ON ma.id = v."modelAId"
  JOIN ${MODEL_NAMES} mb ON mb.id = v."modelBId"
  LEFT JOIN "Prompt" p ON p.id = v."promptId"
  LEFT JOIN "Assignment" a ON a.id = v."assignmentId"
  LEFT JOIN "Item" i ON i.id = a."itemId"
  LEFT JOIN "Output" lo ON lo.id = a."leftOutputId"
  LEFT JOIN "Output" ro ON ro.id = a."rightOutputId"`;
}

/** The Vote columns an export row reads, with the kind of judge: every vote is a person's. */
const VOTE_COLUMNS = `"campaignId", "annotatorId", judge, "questionId", "promptId", "assignmentId", "modelAId", "modelBId", winner,
  "conversationA", "conversationB", turn, language, "createdAt", outcome, reason, "correctedAnswer", "identityLeak", "durationMs",
  category, seq, "tooFast"`;

/**
 * The votes and, as rows of the same shape, the campaign's LLM judges' counted verdicts (`export-votes
 * --judges`): the judge's name as its judge, the conversations the judge read, the verdict as the
 * outcome (model A on the left), its latency as the duration, and judge_kind "llm" beside "human".
 */
const VOTES_WITH_VERDICTS = (campaignParameter: string) => `(
  SELECT ${VOTE_COLUMNS}, 'human' AS "judgeKind" FROM "Vote"
  UNION ALL
  SELECT j."campaignId", NULL::uuid, j.name, NULL::text, r."promptId", NULL::text, r."modelAId", r."modelBId", r.winner,
         hikaku_conversation(vp.turns, oa.turns, r.turn)::jsonb, hikaku_conversation(vp.turns, ob.turns, r.turn)::jsonb,
         r.turn, NULL::text, r."createdAt",
         (CASE r.winner WHEN 'MODEL_A' THEN 'LEFT' WHEN 'MODEL_B' THEN 'RIGHT' WHEN 'TIE' THEN 'TIE' ELSE 'BOTH_BAD' END)::"Outcome",
         NULL::text, NULL::text, false, r."latencyMs", NULL::text, 0::bigint, false, 'llm'
  FROM "Verdict" r JOIN "Judge" j ON j.id = r."judgeId" JOIN "Prompt" vp ON vp.id = r."promptId"
  LEFT JOIN "Output" oa ON oa."promptId" = r."promptId" AND oa."modelId" = r."modelAId"
  LEFT JOIN "Output" ob ON ob."promptId" = r."promptId" AND ob."modelId" = r."modelBId"
  WHERE j."campaignId" = ${campaignParameter}::uuid AND r.winner IS NOT NULL)`;

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

/** With `--judges`: whose judgment a row is, a person's ("human") or an LLM judge's ("llm"). */
const JUDGE_KIND_COLUMN: [string, string, JsonKind] = ["judge_kind", `v."judgeKind"`, "label"];

type Column = (typeof COLUMNS)[number];

/** For people (spreadsheet-safe); `raw` for the Parquet encoder, which keeps every value as it is. */
const selectCsv = (raw: boolean, columns: Column[] = COLUMNS) =>
  columns
    .map(([name, expression, json]) =>
      // COPY would print booleans as t/f; the export says true/false.
      json === "boolean"
        ? `CASE WHEN ${expression} THEN 'true' ELSE 'false' END AS ${name}`
        : !raw && isFreeText(name, json)
          ? `${spreadsheetSafeSql(expression)} AS ${name}`
          : `(${expression})::text AS ${name}`,
    )
    .join(", ");
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
const selectJson = (columns: Column[] = COLUMNS) =>
  `${columns.map(([name, expression, kind], i) => `'${i === 0 ? "{" : ","}"${name}":' || ${jsonValue(expression, kind)}`).join(" || ")} || E'}\\n'`;
const SELECT_JSON = selectJson();

/** CSV as COPY writes it; JSON Lines as binary COPY of the built lines, unwrapped by textOfBinaryCopy. */
const COPY_OPTIONS = { csv: "FORMAT csv, HEADER", "raw-csv": "FORMAT csv, HEADER", jsonl: "FORMAT binary" } as const;

/** Every export slot of this instance is taken: the caller says "try again shortly" (503). */
export class ExportsBusy extends Error {}

/** An export's reader took nothing for HIKAKU_EXPORT_IDLE_SECONDS: the export was ended. */
export class ExportIdle extends Error {}

let exportsInFlight = 0;

/**
 * A place among the instance's concurrent exports, or ExportsBusy. Each export holds one of the
 * pool's connections in a transaction for as long as it streams: without a limit, ten stalled
 * downloads held all ten and voting waited on them (the review measured 30 s timeouts).
 */
function takeExportSlot(): () => void {
  if (exportsInFlight >= env().HIKAKU_MAX_CONCURRENT_EXPORTS) throw new ExportsBusy("every export slot is in use");
  exportsInFlight++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    exportsInFlight--;
  };
}

export interface CopyLimits {
  /** Take an export slot (ExportsBusy when none is free) and end the export when its reader stalls. */
  guarded: boolean;
  /** Add the LLM judges' verdicts as rows, and the judge_kind column (CSV and JSON Lines). */
  withJudges?: boolean;
}

/**
 * The campaign's votes under `filters` as CSV (with header; `raw-csv` without the spreadsheet
 * guard, for the Parquet encoder) or JSON Lines, as PostgreSQL sends them. `rows()` tells how many
 * rows were sent once the stream has ended. Stopping early (return() on the generator) ends the
 * COPY and discards its connection. A guarded export (web and API) takes an export slot at once
 * (ExportsBusy) and is ended — its transaction rolled back, its connection and slot given back —
 * when its reader takes nothing for HIKAKU_EXPORT_IDLE_SECONDS, or never starts reading.
 */
export function copyVotes(
  campaignId: string,
  filters: ResultFilters,
  format: "csv" | "raw-csv" | "jsonl",
  limits: CopyLimits = { guarded: false },
) {
  let rowCount = 0;
  const releaseSlot = limits.guarded ? takeExportSlot() : () => {};
  const idleMs = env().HIKAKU_EXPORT_IDLE_SECONDS * 1000;
  /** Ends the export while its reader is away; set while a chunk waits to be taken. */
  let abandon: (() => void) | null = null;
  let idleTimer: NodeJS.Timeout | null = limits.guarded ? setTimeout(() => abandon?.() ?? releaseSlot(), idleMs) : null;
  const waitForReader = (onIdle: () => void) => {
    if (!limits.guarded) return;
    abandon = onIdle;
    idleTimer = setTimeout(onIdle, idleMs);
  };
  const readerBack = () => {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = null;
    abandon = null;
  };
  async function* chunks(): AsyncGenerator<Uint8Array> {
    readerBack();
    const params: unknown[] = [];
    let client: Connection | null = null;
    let finished = false;
    let ended = false;
    const end = (error?: Error) => {
      if (ended) return;
      ended = true;
      client?.release(error ?? !finished);
      releaseSlot();
    };
    try {
      if (filters.excludeDuplicates) await checkPromptDuplicates(campaignId);
      const scope = { ...filters, excludedPrompts: await hasExcludedPrompts(campaignId) };
      const { where } = voteConditions(campaignId, scope, params, { includeIdentityLeaks: true });
      const connected = await pool().connect();
      client = connected;
      await connected.query("BEGIN READ ONLY");
      await connected.query("SET LOCAL work_mem = '128MB'");
      let from = VOTE_SOURCE;
      let columns = { csv: SELECT_CSV, "raw-csv": SELECT_RAW_CSV, jsonl: SELECT_JSON }[format];
      if (limits.withJudges) {
        params.push(campaignId);
        from = sourceOf(VOTES_WITH_VERDICTS(`$${params.length}`));
        const withKind = [...COLUMNS, JUDGE_KIND_COLUMN];
        columns = format === "jsonl" ? selectJson(withKind) : selectCsv(format === "raw-csv", withKind);
      }
      const select = `SELECT ${columns} ${from} WHERE ${where} ORDER BY v."createdAt", v.seq`;
      const sql = `COPY (${select}) TO STDOUT WITH (${COPY_OPTIONS[format]})`;
      const stream = connected.query(copyTo(inlineParameters(sql, params)));
      const source = format === "jsonl" ? textOfBinaryCopy(stream as AsyncIterable<Buffer>) : (stream as AsyncIterable<Buffer>);
      for await (const chunk of source) {
        // While the reader is away the COPY waits on this chunk; past the idle limit its
        // connection is closed (PostgreSQL rolls the transaction back) and the slot freed.
        waitForReader(() => {
          const idle = new ExportIdle(`the reader took nothing for ${idleMs / 1000} s`);
          stream.destroy(idle);
          end(idle);
        });
        yield chunk;
        readerBack();
        if (ended) throw new ExportIdle("the export was ended while its reader was away");
      }
      rowCount = stream.rowCount;
      await connected.query("COMMIT");
      finished = true;
    } finally {
      readerBack();
      end();
    }
  }
  return { chunks: chunks(), rows: () => rowCount };
}
