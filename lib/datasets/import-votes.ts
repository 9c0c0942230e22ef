import "server-only";
import { createHash } from "node:crypto";
import { type Connection, pool } from "@/lib/db";
import { InputError } from "@/lib/csv/read";
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
const BATCH = 5000;

/**
 * Inserts a batch of votes in file order; a key already in the campaign is skipped. Returns how
 * many were inserted and the first seq they got, not every key: a million keys sent back cost
 * the reading thread more than the check below, which only runs when some row was skipped.
 */
const insertBatchSql = (newId: string) => `
  WITH inserted AS (
  INSERT INTO "Vote" ("campaignId", id, "modelAId", "modelBId", outcome, winner, reason, "correctedAnswer", "identityLeak",
                      "durationMs", "createdAt", "importKey", "importHash", judge, "questionId", category, language, turn,
                      "conversationA", "conversationB", "styleA", "styleB")
  SELECT $1::uuid, ${newId}, r.a, r.b, r.outcome::"Outcome", r.winner::"Winner", r.reason, r.corrected, r.leak,
         r.duration, coalesce(to_timestamp(r.tstamp), now()), r.key, r.hash, r.judge, r.question, r.category, r.language, r.turn,
         r.conv_a::jsonb, r.conv_b::jsonb, r.style_a::int[], r.style_b::int[]
  FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::boolean[], $9::int[], $10::float8[],
              $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::int[], $18::text[], $19::text[],
              $20::text[], $21::text[])
       WITH ORDINALITY AS r(a, b, outcome, winner, reason, corrected, leak, duration, tstamp, key, hash, judge, question, category,
                            language, turn, conv_a, conv_b, style_a, style_b, ord)
  ORDER BY r.ord
  ON CONFLICT ("campaignId", "importKey") WHERE "importKey" IS NOT NULL DO NOTHING
  RETURNING seq)
  SELECT count(*)::int AS added, min(seq)::text AS "firstSeq" FROM inserted`;

/** The rows of a batch that were not inserted: their key was already there before the batch. */
const SKIPPED_IN_BATCH = `
  SELECT s.ord FROM unnest($2::text[]) WITH ORDINALITY AS s(key, ord)
  JOIN "Vote" v ON v."campaignId" = $1::uuid AND v."importKey" = s.key
  WHERE $3::bigint IS NULL OR v.seq < $3::bigint`;

/**
 * Takes the lock that PostgreSQL's foreign-key triggers would take for every inserted vote on
 * the campaign (FOR KEY SHARE) once, and — where the database lets this role — switches the
 * per-row triggers off for this transaction. Models are locked the same way as they are
 * resolved (`resolveModels`), before any vote names them. Those triggers cost ~20 µs per vote,
 * most of a million-row import; integrity is the same. Without the privilege
 * (`GRANT SET ON PARAMETER session_replication_role`, or a superuser) the triggers simply run.
 */
async function lockCampaignForImport(client: Connection, campaignId: string): Promise<void> {
  await client.query(`SELECT 1 FROM "Campaign" WHERE id = $1::uuid FOR KEY SHARE`, [campaignId]);
  const { rows } = await client.query<{ allowed: boolean }>(
    `SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) OR has_parameter_privilege('session_replication_role', 'SET') AS allowed`,
  );
  if (rows[0]?.allowed) await client.query("SET LOCAL session_replication_role = replica");
}

/**
 * The id function for imported votes: time-ordered UUIDs (PostgreSQL 18's `uuidv7()`) fill the
 * primary key from one end, as the votes arrive in time order; older servers get random ones.
 */
async function voteIdFunction(client: Connection): Promise<string> {
  const { rows } = await client.query<{ v7: boolean }>(`SELECT to_regprocedure('uuidv7()') IS NOT NULL AS v7`);
  return rows[0]?.v7 ? "uuidv7()" : "gen_random_uuid()";
}

/** Ids of the batch's models, creating the new ones; each is locked FOR KEY SHARE until commit. */
async function resolveModels(client: Connection, batch: ImportedVote[], ids: Map<string, string>): Promise<number> {
  const missing = [...new Set(batch.flatMap((v) => [v.modelA, v.modelB]))].filter((name) => !ids.has(name));
  if (missing.length === 0) return 0;
  const created = await client.query(
    `INSERT INTO "Model" (id, name) SELECT gen_random_uuid(), name FROM unnest($1::text[]) AS n(name) ON CONFLICT (name) DO NOTHING`,
    [missing],
  );
  const { rows } = await client.query<{ id: string; name: string }>(
    `SELECT id, name FROM "Model" WHERE name = ANY($1::text[]) FOR KEY SHARE`,
    [missing],
  );
  for (const row of rows) ids.set(row.name, row.id);
  return created.rowCount ?? 0;
}

/** Writes a batch; returns the rows that were not inserted because their key was already there. */
async function insertBatch(client: Connection, sql: string, campaignId: string, batch: ImportedVote[], ids: Map<string, string>) {
  const column = <T>(pick: (v: ImportedVote) => T) => batch.map(pick);
  const { rows } = await client.query<{ added: number; firstSeq: string | null }>(sql, [
    campaignId,
    column((v) => ids.get(v.modelA)!),
    column((v) => ids.get(v.modelB)!),
    column((v) => v.outcome),
    column((v) => v.winner),
    column((v) => v.reason),
    column((v) => v.correctedAnswer),
    column((v) => v.identityLeak),
    column((v) => v.durationMs),
    column((v) => v.tstamp),
    column((v) => v.key),
    column((v) => v.hash),
    column((v) => v.judge),
    column((v) => v.questionId),
    column((v) => v.category),
    column((v) => v.language),
    column((v) => v.turn),
    column((v) => v.conversationA),
    column((v) => v.conversationB),
    column((v) => v.styleA),
    column((v) => v.styleB),
  ]);
  const { added, firstSeq } = rows[0];
  if (added === batch.length) return { added, skipped: [] };
  const { rows: skipped } = await client.query<{ ord: string }>(SKIPPED_IN_BATCH, [campaignId, column((v) => v.key), firstSeq]);
  return { added, skipped: skipped.map(({ ord }) => batch[Number(ord) - 1]) };
}

/**
 * Imports a battle log (the export schema, as CSV, JSON Lines or Parquet) into a campaign as
 * imported votes: no assignment, no annotator account, the judge kept as a pseudonym. All or
 * nothing, in one transaction: every row is checked and problems are reported with their lines;
 * nothing is saved unless there are none. Valid rows are written in batches while the next
 * batch is being read, so reading and writing overlap. A row whose key is already in the
 * campaign is skipped if its content is the same (re-importing changes nothing) and a problem
 * if it differs. Votes keep the file's order (it breaks ties between equal times).
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
    const { rows: campaignRows } = await client.query<{ salt: string; seq: string | null }>(
      `SELECT "pseudonymSalt" AS salt, (SELECT max(seq) FROM "Vote" WHERE "campaignId" = $1::uuid)::text AS seq FROM "Campaign" WHERE id = $1::uuid`,
      [campaignId],
    );
    if (!campaignRows[0]) throw new Error(`campaign ${campaignId} does not exist`);
    const { salt } = campaignRows[0];
    const seqBefore = campaignRows[0].seq ?? "0";
    const pseudonym = (judge: string) => `judge_${createHash("sha256").update(`${salt}:${judge}`).digest("hex").slice(0, 12)}`;
    await lockCampaignForImport(client, campaignId);
    const insertSql = insertBatchSql(await voteIdFunction(client));

    const modelIds = new Map<string, string>();
    const categories = new Set<string>();
    let rows = 0;
    let votesAdded = 0;
    let modelsAdded = 0;
    let votesKept = 0;
    let duplicateRows = 0;
    /** Rows whose key is already in the campaign: the same content is a repeat to skip, other content a problem. */
    const checkRepeats = async (repeated: ImportedVote[]) => {
      if (repeated.length === 0) return;
      const { rows: found } = await client.query<{ line: number; same: boolean; thisFile: boolean }>(
        `SELECT s.line, v."importHash" = s.hash AS same, v.seq > $2::bigint AS "thisFile"
         FROM unnest($3::int[], $4::text[], $5::text[]) AS s(line, key, hash)
         JOIN "Vote" v ON v."campaignId" = $1::uuid AND v."importKey" = s.key`,
        [campaignId, seqBefore, repeated.map((v) => v.line), repeated.map((v) => v.key), repeated.map((v) => v.hash)],
      );
      for (const repeat of found) {
        if (repeat.same && repeat.thisFile) duplicateRows++;
        else if (repeat.same) votesKept++;
        else
          fail(
            repeat.line,
            repeat.thisFile
              ? "same question_id, models, judge and tstamp as an earlier row of this file but different content"
              : "this vote was imported before with different content",
          );
      }
    };
    let batch: ImportedVote[] = [];
    let batchKeys = new Set<string>();
    let repeatedInBatch: ImportedVote[] = [];
    let writing: Promise<void> = Promise.resolve();
    const write = (votes: ImportedVote[], repeated: ImportedVote[]) => {
      // One batch in flight: the next one is read while PostgreSQL writes this one.
      writing = writing.then(async () => {
        if (errorCount > 0) return;
        modelsAdded += await resolveModels(client, votes, modelIds);
        const result = await insertBatch(client, insertSql, campaignId, votes, modelIds);
        votesAdded += result.added;
        await checkRepeats([...result.skipped, ...repeated]);
      });
      writing.catch(() => {});
    };
    try {
      for await (const item of readRecords(file.path, file.format)) {
        rows++;
        if ("bad" in item) {
          fail(item.bad.line, item.bad.message);
          continue;
        }
        const result = toImportedVote(item.record.line, item.record.values, pseudonym);
        if ("problem" in result) {
          fail(item.record.line, result.problem);
          continue;
        }
        if (errorCount > 0) continue;
        const vote = result.vote;
        if (vote.category) categories.add(vote.category);
        // A key twice in one batch: the later row is checked against the first like any other repeat.
        if (batchKeys.has(vote.key)) repeatedInBatch.push(vote);
        else {
          batchKeys.add(vote.key);
          batch.push(vote);
        }
        if (batch.length >= BATCH) {
          await writing;
          write(batch, repeatedInBatch);
          batch = [];
          batchKeys = new Set();
          repeatedInBatch = [];
        }
        if (rows % 100_000 === 0) progress(`read ${rows} rows`);
      }
    } catch (error) {
      if (error instanceof InputError) throw new VoteImportRejected([{ line: error.line ?? 0, message: error.message }], 1);
      throw error;
    }
    if (batch.length || repeatedInBatch.length) write(batch, repeatedInBatch);
    await writing;
    if (rows === 0) fail(1, "the file has no rows");
    if (errorCount > 0)
      throw new VoteImportRejected(
        errors.sort((a, b) => a.line - b.line),
        errorCount,
      );

    await client.query("SET LOCAL session_replication_role = origin");
    await client.query(
      `UPDATE "Campaign" SET "voteCategories" = ARRAY(SELECT DISTINCT c FROM unnest("voteCategories" || $2::text[]) AS c ORDER BY c)
       WHERE id = $1::uuid`,
      [campaignId, [...categories]],
    );
    const summary: VoteImportSummary = { rows, votesAdded, votesKept, duplicateRows, modelsAdded };
    await client.query(
      `INSERT INTO "AuditEvent" ("actorId", action, "subjectType", "subjectId", data) VALUES ($1::uuid, 'votes.imported', 'Campaign', $2, $3::jsonb)`,
      [actorId, campaignId, JSON.stringify({ ...summary, format: file.format })],
    );
    await client.query("COMMIT");
    // After a large import: fresh statistics for the planner, and the new pages marked all-visible
    // so the leaderboard reads them from its covering index alone (autovacuum would get there later).
    if (votesAdded > 10_000) await client.query(`VACUUM (ANALYZE) "Vote"`);
    progress("done");
    return summary;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
