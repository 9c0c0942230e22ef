import "server-only";
import { createHash } from "node:crypto";
import { once } from "node:events";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { pool } from "@/lib/pg";
import { InputError } from "@/lib/ratings/csv";
import { readRecords, type ImportFormat } from "./read-formats";
import { toImportedVote, type ImportedVote } from "./vote-row";

export interface VoteImportSummary {
  rows: number;
  votesAdded: number;
  /** Rows already imported before (same key and content): skipped, so re-importing changes nothing. */
  votesKept: number;
  /** Rows repeated within the file with the same content. */
  duplicateRows: number;
  modelsAdded: number;
}

export interface RowError {
  line: number;
  message: string;
}

export class VoteImportRejected extends Error {
  constructor(
    readonly errors: RowError[],
    readonly total: number,
  ) {
    super(`the file was rejected, nothing was saved (${total} problem${total === 1 ? "" : "s"})`);
  }
}

const MAX_LISTED_ERRORS = 200;
const COPY_BATCH = 2000;

const STAGING_COLUMNS = [
  "line",
  "key",
  "hash",
  "question_id",
  "model_a",
  "model_b",
  "winner",
  "outcome",
  "judge",
  "turn",
  "language",
  "tstamp",
  "reason",
  "corrected_answer",
  "identity_leak",
  "duration_ms",
  "category",
  "conversation_a",
  "conversation_b",
] as const;

/** COPY's text format: backslash escapes for the characters that delimit fields and rows, \N for null. */
function copyValue(value: string | number | boolean | null): string {
  if (value === null) return "\\N";
  if (typeof value !== "string") return String(value);
  return value.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r"));
}

function copyLine(vote: ImportedVote): string {
  return (
    [
      vote.line,
      vote.key,
      vote.hash,
      vote.questionId,
      vote.modelA,
      vote.modelB,
      vote.winner,
      vote.outcome,
      vote.judge,
      vote.turn,
      vote.language,
      vote.tstamp,
      vote.reason,
      vote.correctedAnswer,
      vote.identityLeak,
      vote.durationMs,
      vote.category,
      vote.conversationA,
      vote.conversationB,
    ]
      .map(copyValue)
      .join("\t") + "\n"
  );
}

/**
 * Takes, once, the locks that PostgreSQL's foreign-key triggers would take for every inserted
 * vote (FOR KEY SHARE on the campaign and on every model the file names, which the INSERT
 * joins, so each reference exists and stays until commit), then — where the database allows this
 * role to — switches the per-row triggers off for the INSERT. Those triggers cost ~20 µs per
 * vote, two thirds of a million-row import; integrity is the same. Without the privilege
 * (`GRANT SET ON PARAMETER session_replication_role` or superuser) the triggers simply run.
 */
async function lockReferencedRows(client: pg.PoolClient, campaignId: string): Promise<void> {
  await client.query(`SELECT 1 FROM "Campaign" WHERE id = $1::uuid FOR KEY SHARE`, [campaignId]);
  await client.query(
    `SELECT 1 FROM "Model" WHERE name IN (SELECT model_a FROM import_votes UNION SELECT model_b FROM import_votes) FOR KEY SHARE`,
  );
  const { rows } = await client.query<{ allowed: boolean }>(
    `SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) OR has_parameter_privilege('session_replication_role', 'SET') AS allowed`,
  );
  if (rows[0]?.allowed) await client.query("SET LOCAL session_replication_role = replica");
}

/**
 * Imports a battle log (the export schema, as CSV, JSON Lines or Parquet) into a campaign as
 * imported votes: no assignment, no annotator account, the judge kept as a pseudonym. All or
 * nothing: every row is checked, problems are reported with their lines and nothing is saved
 * unless there are none. Rows are streamed into a staging table with COPY, then moved into
 * "Vote" in one statement; a row imported before (same key and content) is skipped, the same
 * key with different content is a problem.
 */
export async function importVotes(
  actorId: string | null,
  campaignId: string,
  file: { path: string; format: ImportFormat },
  onProgress: (message: string) => void = () => {},
): Promise<VoteImportSummary> {
  const client = await pool().connect();
  const started = performance.now();
  const progress = (message: string) => onProgress(`${((performance.now() - started) / 1000).toFixed(1)} s  ${message}`);
  let broken = false;
  const errors: RowError[] = [];
  let errorCount = 0;
  const fail = (line: number, message: string) => {
    errorCount++;
    if (errors.length < MAX_LISTED_ERRORS) errors.push({ line, message });
  };
  try {
    await client.query("BEGIN");
    // One import per campaign at a time: two overlapping files must not interleave.
    await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`votes:${campaignId}`]);
    const { rows: campaignRows } = await client.query<{ salt: string }>(
      `SELECT "pseudonymSalt" AS salt FROM "Campaign" WHERE id = $1::uuid`,
      [campaignId],
    );
    if (!campaignRows[0]) throw new Error(`campaign ${campaignId} does not exist`);
    const salt = campaignRows[0].salt;
    const pseudonym = (judge: string) => `judge_${createHash("sha256").update(`${salt}:${judge}`).digest("hex").slice(0, 12)}`;

    await client.query(`CREATE TEMP TABLE import_votes (
      line int, key text, hash text, question_id text, model_a text, model_b text, winner text, outcome text, judge text,
      turn int, language text, tstamp float8, reason text, corrected_answer text, identity_leak boolean, duration_ms int,
      category text, conversation_a jsonb, conversation_b jsonb) ON COMMIT DROP`);
    const copy = client.query(copyFrom(`COPY import_votes (${STAGING_COLUMNS.join(", ")}) FROM STDIN`));
    // Kept rather than thrown from an event: a COPY abandoned below reports its cancellation here.
    let copyError: Error | null = null;
    copy.on("error", (error) => (copyError ??= error));
    let rows = 0;
    let buffer = "";
    try {
      for await (const item of readRecords(file.path, file.format)) {
        if ("bad" in item) {
          rows++;
          fail(item.bad.line, item.bad.message);
          continue;
        }
        rows++;
        const result = toImportedVote(item.record.line, item.record.values, pseudonym);
        if ("problem" in result) {
          fail(item.record.line, result.problem);
          continue;
        }
        if (errorCount > 0) continue;
        buffer += copyLine(result.vote);
        if (rows % COPY_BATCH === 0) {
          if (copyError) throw copyError;
          if (!copy.write(buffer)) await once(copy, "drain");
          buffer = "";
        }
        if (rows % 100_000 === 0) progress(`read ${rows} rows`);
      }
    } catch (error) {
      broken = true;
      copy.destroy();
      if (error instanceof InputError) throw new VoteImportRejected([{ line: error.line ?? 0, message: error.message }], 1);
      throw error;
    }
    const finished = once(copy, "finish");
    copy.end(buffer);
    await finished;
    if (rows === 0) fail(1, "the file has no rows");
    if (errorCount > 0) throw new VoteImportRejected(errors, errorCount);

    progress(`checking ${rows} rows against each other and the campaign`);
    const { rows: clashes } = await client.query<{ lines: number[] }>(
      `SELECT array_agg(line ORDER BY line) AS lines FROM import_votes GROUP BY key HAVING count(DISTINCT hash) > 1 LIMIT ${MAX_LISTED_ERRORS}`,
    );
    for (const { lines } of clashes) fail(lines[1], `same question_id, models, judge and tstamp as line ${lines[0]} but different content`);
    const { rows: conflicts } = await client.query<{ line: number }>(
      `SELECT s.line FROM import_votes s JOIN "Vote" v ON v."campaignId" = $1::uuid AND v."importKey" = s.key
       WHERE v."importHash" IS DISTINCT FROM s.hash ORDER BY s.line LIMIT ${MAX_LISTED_ERRORS}`,
      [campaignId],
    );
    for (const { line } of conflicts) fail(line, "this vote was imported before with different content");
    progress("checked");
    if (errorCount > 0)
      throw new VoteImportRejected(
        errors.sort((a, b) => a.line - b.line),
        errorCount,
      );

    progress("writing votes");
    const models = await client.query(
      `INSERT INTO "Model" (id, name)
       SELECT gen_random_uuid(), name FROM (SELECT model_a AS name FROM import_votes UNION SELECT model_b FROM import_votes) n
       ON CONFLICT (name) DO NOTHING`,
    );
    await lockReferencedRows(client, campaignId);
    // Sequence numbers follow tstamp, then file order, so votes with equal times keep the file's order.
    const inserted = await client.query(
      `INSERT INTO "Vote" (id, seq, "campaignId", "modelAId", "modelBId", outcome, winner, reason, "correctedAnswer", "identityLeak",
                           "durationMs", "createdAt", "importKey", "importHash", judge, "questionId", category, language, turn,
                           "conversationA", "conversationB")
       SELECT gen_random_uuid(), nextval(pg_get_serial_sequence('"Vote"', 'seq')), $1::uuid, d.a_id, d.b_id, d.outcome::"Outcome",
              d.winner::"Winner", d.reason, d.corrected_answer, d.identity_leak, d.duration_ms,
              coalesce(to_timestamp(d.tstamp), now()), d.key, d.hash, d.judge, d.question_id, d.category, d.language, d.turn,
              d.conversation_a, d.conversation_b
       FROM (
         SELECT s.*, ma.id AS a_id, mb.id AS b_id
         FROM (SELECT DISTINCT ON (key) * FROM import_votes ORDER BY key, line) s
         JOIN "Model" ma ON ma.name = s.model_a
         JOIN "Model" mb ON mb.name = s.model_b
         WHERE NOT EXISTS (SELECT 1 FROM "Vote" v WHERE v."campaignId" = $1::uuid AND v."importKey" = s.key)
         ORDER BY s.tstamp NULLS LAST, s.line
       ) d`,
      [campaignId],
    );
    await client.query("SET LOCAL session_replication_role = origin");
    await client.query(
      `UPDATE "Campaign" SET "voteCategories" = ARRAY(
         SELECT DISTINCT c FROM unnest("voteCategories" || ARRAY(SELECT DISTINCT category FROM import_votes WHERE category IS NOT NULL)) AS c ORDER BY c)
       WHERE id = $1::uuid`,
      [campaignId],
    );
    progress("counting");
    const { rows: distinct } = await client.query<{ n: number }>(`SELECT count(DISTINCT key)::int AS n FROM import_votes`);
    const summary: VoteImportSummary = {
      rows,
      votesAdded: inserted.rowCount ?? 0,
      votesKept: distinct[0].n - (inserted.rowCount ?? 0),
      duplicateRows: rows - distinct[0].n,
      modelsAdded: models.rowCount ?? 0,
    };
    await client.query(
      `INSERT INTO "AuditEvent" ("actorId", action, "subjectType", "subjectId", data) VALUES ($1::uuid, 'votes.imported', 'Campaign', $2, $3::jsonb)`,
      [actorId, campaignId, JSON.stringify({ ...summary, format: file.format })],
    );
    await client.query("COMMIT");
    // Fresh statistics for the leaderboard's queries after a large import (autovacuum would get there later).
    if (summary.votesAdded > 10_000) await client.query(`ANALYZE "Vote"`);
    progress("done");
    return summary;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    // A COPY abandoned half-way leaves the connection unusable: discard it rather than pool it.
    client.release(broken);
  }
}
