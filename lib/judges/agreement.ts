import "server-only";
import { db, pool } from "@/lib/db";
import {
  humanHumanAgreement,
  judgeHumanAgreement,
  type HumanTally,
  type JudgeVerdict,
  type Kappa,
  type PairVerdict,
  type TurnAgreement,
} from "@/lib/ratings/judge-agreement";
import { voteConditions, type ResultFilters } from "@/lib/results/filters";
import { PAIR_KEY, PAIR_VERDICT, verdictConditions } from "./verdict-sql";

export interface JudgeReport {
  judge: string;
  /** Verdicts that count (failed judgments left out). */
  verdicts: number;
  /** Share of position-swapped verdicts that were the same in both orders; null without any. */
  consistency: number | null;
  turns: TurnAgreement[];
  kappa: Kappa;
}

export interface AgreementReport {
  judges: JudgeReport[];
  humanHuman: { turns: TurnAgreement[] };
}

/**
 * The question a vote or verdict is on, by the id its prompt was imported with (an imported battle
 * without a prompt keeps its own question_id), and its turn: a vote's own, else the turns its
 * pair showed (a vote on a two-turn conversation is a turn-2 judgment, as in FastChat's files).
 */
const VOTE_QUESTION = `coalesce(p."externalId", v."questionId")`;
const VOTE_TURN = `coalesce(v.turn, i."turnCount", 1)`;

/** Human votes the leaderboard counts under `filters`, tallied per question, model pair and turn. */
export async function humanTallies(campaignId: string, filters: ResultFilters): Promise<HumanTally[]> {
  const params: unknown[] = [];
  const { where } = voteConditions(campaignId, { ...filters, excludedPrompts: true }, params);
  const { rows } = await pool().query<{ question: string; pair: string; turn: number; first: number; second: number; tie: number }>(
    `SELECT question, pair, turn,
            count(*) FILTER (WHERE verdict = 'first')::int AS first,
            count(*) FILTER (WHERE verdict = 'second')::int AS second,
            count(*) FILTER (WHERE verdict = 'tie')::int AS tie
     FROM (SELECT ${VOTE_QUESTION} AS question,
                  ${PAIR_KEY(`v."modelAId"`, `v."modelBId"`)} AS pair,
                  ${VOTE_TURN} AS turn,
                  ${PAIR_VERDICT(`v."modelAId"`, `v."modelBId"`, `v.winner::text`)} AS verdict
           FROM "Vote" v
           LEFT JOIN "Prompt" p ON p.id = v."promptId"
           LEFT JOIN "Assignment" a ON a.id = v."assignmentId"
           LEFT JOIN "Item" i ON i.id = a."itemId"
           WHERE ${where}) votes
     WHERE question IS NOT NULL
     GROUP BY question, pair, turn`,
    params,
  );
  return rows;
}

/** What every view of the Judges page is computed from: the human tallies and every judge's verdicts, read once. */
export interface JudgeInputs {
  humans: HumanTally[];
  verdicts: StoredVerdict[];
  /** Per judge: position-swapped verdicts, and how many of them were inconsistent. */
  swapped: Map<string, [number, number]>;
}

export async function loadJudgeInputs(campaignId: string, filters: ResultFilters): Promise<JudgeInputs> {
  const [humans, { verdicts, swapped }] = await Promise.all([humanTallies(campaignId, filters), judgeVerdicts(campaignId, filters)]);
  return { humans, verdicts, swapped };
}

export interface StoredVerdict extends JudgeVerdict {
  id: string;
  judgeId: string;
}

/** Every judge's counted verdicts, on prompts the filters keep (category; excluded or repeated prompts left out). */
export async function judgeVerdicts(
  campaignId: string,
  filters: ResultFilters,
): Promise<{ verdicts: StoredVerdict[]; swapped: Map<string, [number, number]> }> {
  const params: unknown[] = [campaignId];
  const where = verdictConditions(`j."campaignId" = $1::uuid`, filters, params);
  const { rows } = await pool().query<{
    id: string;
    judgeId: string;
    question: string;
    pair: string;
    turn: number;
    verdict: PairVerdict | null;
    swapped: boolean;
    inconsistent: boolean;
  }>(
    `SELECT r.id, r."judgeId", p."externalId" AS question, r.turn,
            ${PAIR_KEY(`r."modelAId"`, `r."modelBId"`)} AS pair,
            CASE WHEN r.winner IS NULL THEN NULL ELSE ${PAIR_VERDICT(`r."modelAId"`, `r."modelBId"`, `r.winner::text`)} END AS verdict,
            r.g2 IS NOT NULL AS swapped, r.inconsistent
     FROM "Verdict" r JOIN "Judge" j ON j.id = r."judgeId" JOIN "Prompt" p ON p.id = r."promptId"
     WHERE ${where}`,
    params,
  );
  const verdicts: StoredVerdict[] = [];
  const swapped = new Map<string, [number, number]>();
  for (const row of rows) {
    if (row.verdict === null) continue;
    verdicts.push({ id: row.id, judgeId: row.judgeId, question: row.question, pair: row.pair, turn: row.turn, verdict: row.verdict });
    if (row.swapped) {
      const counts = swapped.get(row.judgeId) ?? [0, 0];
      counts[0] += 1;
      if (row.inconsistent) counts[1] += 1;
      swapped.set(row.judgeId, counts);
    }
  }
  return { verdicts, swapped };
}

/**
 * Each judge against the humans and the humans against each other (FastChat's compute_agreement.py
 * counts, lib/ratings/judge-agreement.ts), over the votes and verdicts `filters` keep; `judge`
 * narrows to one judge by name.
 */
export async function agreementReport(
  campaignId: string,
  filters: ResultFilters,
  judge?: string,
  loaded?: JudgeInputs,
): Promise<AgreementReport> {
  const [judges, { humans, verdicts, swapped }] = await Promise.all([
    db.judge.findMany({
      where: { campaignId, ...(judge ? { name: judge } : {}) },
      select: { id: true, name: true },
      orderBy: { name: "asc" },
    }),
    loaded ?? loadJudgeInputs(campaignId, filters),
  ]);
  const byJudge = new Map<string, JudgeVerdict[]>();
  for (const verdict of verdicts) {
    const list = byJudge.get(verdict.judgeId);
    if (list) list.push(verdict);
    else byJudge.set(verdict.judgeId, [verdict]);
  }
  return {
    judges: judges.map(({ id, name }) => {
      const own = byJudge.get(id) ?? [];
      const [both, inconsistent] = swapped.get(id) ?? [0, 0];
      return { judge: name, verdicts: own.length, consistency: both ? 1 - inconsistent / both : null, ...judgeHumanAgreement(humans, own) };
    }),
    humanHuman: { turns: humanHumanAgreement(humans) },
  };
}
