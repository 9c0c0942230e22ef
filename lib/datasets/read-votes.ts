import "server-only";
import { pool } from "@/lib/pg";
import { voteConditions, type ResultFilters } from "@/lib/results/filters";
import { conversation, OUTCOME_TO_FILE, WINNER_TO_FILE, type ArenaRow, type Message } from "./arena-row";

const BATCH = 5000;

/**
 * A judge's pseudonym: a hash of the campaign's secret salt and the annotator's id, so it is the
 * same in every export of one campaign, differs between campaigns, and reveals no account.
 * Imported votes keep the pseudonym they came with.
 */
const JUDGE = `CASE WHEN v."annotatorId" IS NULL THEN coalesce(v.judge, 'anonymous')
  ELSE 'judge_' || left(encode(sha256(convert_to(c."pseudonymSalt" || ':' || v."annotatorId"::text, 'UTF8')), 'hex'), 12) END`;

type RawRow = [
  questionId: string | null,
  modelA: string,
  modelB: string,
  winner: keyof typeof WINNER_TO_FILE,
  judge: string,
  storedA: Message[] | null,
  storedB: Message[] | null,
  promptTurns: string[] | null,
  leftTurns: string[] | null,
  rightTurns: string[] | null,
  turn: number | null,
  language: string,
  tstamp: number,
  outcome: keyof typeof OUTCOME_TO_FILE,
  reason: string | null,
  correctedAnswer: string | null,
  identityLeak: boolean,
  durationMs: number | null,
  category: string | null,
];

function toArenaRow(raw: RawRow): ArenaRow {
  const [questionId, modelA, modelB, winner, judge, storedA, storedB, promptTurns, leftTurns, rightTurns, turn, language, tstamp] = raw;
  const turns = turn ?? 1;
  const inApp = promptTurns !== null;
  return {
    question_id: questionId,
    model_a: modelA,
    model_b: modelB,
    winner: WINNER_TO_FILE[winner],
    judge,
    conversation_a: inApp ? conversation(promptTurns, leftTurns ?? [], turns) : storedA,
    conversation_b: inApp ? conversation(promptTurns, rightTurns ?? [], turns) : storedB,
    turn: turns,
    anony: true,
    language,
    tstamp,
    outcome: OUTCOME_TO_FILE[raw[13]],
    reason: raw[14],
    corrected_answer: raw[15],
    identity_leak: raw[16],
    duration_ms: raw[17],
    category: raw[18],
  };
}

/**
 * The campaign's votes under `filters` (identity-leak votes included, marked), oldest first, in
 * batches from a server-side cursor: memory stays flat whatever the size, and a consumer that
 * stops early (`return()` on the generator, e.g. a cancelled download) closes the cursor.
 */
export async function* readVotes(campaignId: string, filters: ResultFilters): AsyncGenerator<ArenaRow[]> {
  const params: unknown[] = [];
  const { where } = voteConditions(campaignId, filters, params, { includeIdentityLeaks: true });
  const client = await pool().connect();
  let open = false;
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    open = true;
    await client.query(
      `DECLARE hikaku_export NO SCROLL CURSOR FOR
       SELECT coalesce(v."questionId", p."externalId"), ma.name, mb.name, v.winner, ${JUDGE},
              v."conversationA", v."conversationB",
              CASE WHEN a.id IS NULL THEN NULL ELSE p.turns END, lo.turns, ro.turns,
              coalesce(v.turn, i."turnCount"), coalesce(v.language, c.language),
              extract(epoch FROM v."createdAt")::float8, v.outcome, v.reason, v."correctedAnswer", v."identityLeak",
              v."durationMs", coalesce(v.category, p.category)
       FROM "Vote" v
       JOIN "Campaign" c ON c.id = v."campaignId"
       JOIN "Model" ma ON ma.id = v."modelAId"
       JOIN "Model" mb ON mb.id = v."modelBId"
       LEFT JOIN "Prompt" p ON p.id = v."promptId"
       LEFT JOIN "Assignment" a ON a.id = v."assignmentId"
       LEFT JOIN "Item" i ON i.id = a."itemId"
       LEFT JOIN "Output" lo ON lo.id = a."leftOutputId"
       LEFT JOIN "Output" ro ON ro.id = a."rightOutputId"
       WHERE ${where}
       ORDER BY v."createdAt", v.seq`,
      params,
    );
    for (;;) {
      const { rows } = await client.query<RawRow>({ text: `FETCH ${BATCH} FROM hikaku_export`, rowMode: "array" });
      if (rows.length) yield rows.map(toArenaRow);
      if (rows.length < BATCH) break;
    }
    await client.query("COMMIT");
    open = false;
  } finally {
    if (open) await client.query("ROLLBACK").catch(() => {});
    client.release();
  }
}
