import "server-only";
import { db, pool, sql } from "@/lib/db";
import { binomialTestHalf, sequentialOutlierTest, type SequentialVote } from "@/lib/ratings/annotator-tests";
import { annotatorStats, cohensKappa, krippendorffAlphaNominal, type AnnotatorVote, type Choice } from "@/lib/ratings/agreement";
import { voteConditions, type ResultFilters } from "./filters";
import { checkPromptDuplicates } from "@/lib/prompts/duplicates";
import { hasExcludedPrompts } from "@/lib/prompts/exclusion";

export interface AnnotatorQuality {
  /** A user id, or `imported:<judge>` for votes that came from a battle log. */
  id: string;
  name: string;
  email: string | null;
  imported: boolean;
  flagged: boolean;
  votes: number;
  medianSeconds: number | null;
  /** Share of left among left/right choices, and the two-sided binomial p-value against ½. */
  leftShare: number | null;
  positionP: number | null;
  tieRate: number;
  bothBadRate: number;
  /** Items others judged too with a clear majority, and how often this annotator agreed with it. */
  comparableItems: number;
  consensusAgreement: number | null;
  outlier: { tested: number; evidence: number; suggested: boolean };
  /** Votes cast faster than the campaign's minimum (kept, but not counted anywhere else on this page). */
  tooFast: number;
  /** Gold pairs answered, and how many of them wrong. */
  gold: { answered: number; failed: number };
}

export interface AnnotatorReport {
  votes: number;
  annotators: AnnotatorQuality[];
  /** Cohen's κ for every pair of annotators who judged at least one item in common. */
  kappas: { first: string; second: string; items: number; kappa: number | null }[];
  alpha: { value: number | null; items: number };
}

const CHOICE: Record<string, Choice> = { LEFT: "left", RIGHT: "right", TIE: "tie", BOTH_BAD: "bothbad", BOTH_GOOD: "bothgood" };

const finite = (value: number) => (Number.isFinite(value) ? value : null);

/**
 * Reliability of everyone who voted in the campaign under the filters (flagged annotators
 * included: this is where they are judged). It reads the campaign's votes into memory (a few
 * numbers each), which suits studies of up to some hundred thousand votes; the leaderboard does
 * not, and streams. Votes are compared through a position-free label
 * (which model of the pair won, or tie, both bad, both good).
 */
export async function annotatorReport(campaignId: string, filters: ResultFilters): Promise<AnnotatorReport> {
  const params: unknown[] = [];
  if (filters.excludeDuplicates) await checkPromptDuplicates(campaignId);
  const scope = { ...filters, includeFlagged: true, excludedPrompts: await hasExcludedPrompts(campaignId) };
  const { where, needsPrompt } = voteConditions(campaignId, scope, params);
  const { rows } = await pool().query<[string, string, string, string, string, number | null]>({
    text: `SELECT coalesce(v."annotatorId"::text, 'imported:' || coalesce(v.judge, 'anonymous')),
                  coalesce(v."promptId"::text, 'question:' || coalesce(v."questionId", '')),
                  v."modelAId", v."modelBId", v.outcome, v."durationMs"
           FROM "Vote" v ${needsPrompt ? `LEFT JOIN "Prompt" p ON p.id = v."promptId"` : ""}
           WHERE ${where}
           ORDER BY v."createdAt", v.seq`,
    values: params,
    rowMode: "array",
  });

  const votes: AnnotatorVote[] = [];
  const sequence: SequentialVote[] = [];
  for (const [annotator, prompt, modelA, modelB, outcome, durationMs] of rows) {
    const [low, high] = modelA < modelB ? [modelA, modelB] : [modelB, modelA];
    const choice = CHOICE[outcome];
    // Position-free: the model that won (by id), or tie / both bad / both good.
    const label = choice === "left" ? modelA : choice === "right" ? modelB : choice;
    const pair = `${low}:${high}`;
    votes.push({ annotator, item: `${prompt}:${pair}`, label, choice, durationMs: durationMs ?? Number.NaN });
    sequence.push({ annotator, pair, label });
  }

  const stats = annotatorStats(votes);
  const outliers = sequentialOutlierTest(sequence);
  const byAnnotator = new Map<string, Map<string, string>>();
  const byItem = new Map<string, { labels: string[]; judges: Set<string> }>();
  const sides = new Map<string, { left: number; right: number }>();
  for (const vote of votes) {
    let labels = byAnnotator.get(vote.annotator);
    if (!labels) byAnnotator.set(vote.annotator, (labels = new Map()));
    labels.set(vote.item, vote.label);
    let item = byItem.get(vote.item);
    if (!item) byItem.set(vote.item, (item = { labels: [], judges: new Set() }));
    item.labels.push(vote.label);
    item.judges.add(vote.annotator);
    let side = sides.get(vote.annotator);
    if (!side) sides.set(vote.annotator, (side = { left: 0, right: 0 }));
    if (vote.choice === "left") side.left++;
    if (vote.choice === "right") side.right++;
  }

  const people = await db.user.findMany({
    where: { id: { in: stats.filter((s) => !s.annotator.startsWith("imported:")).map((s) => s.annotator) } },
    select: { id: true, displayName: true, email: true, memberships: { where: { campaignId }, select: { flagged: true } } },
  });
  const person = new Map(people.map((p) => [p.id, p]));

  const checks = await riggingChecks(campaignId);
  const annotators: AnnotatorQuality[] = stats.map((s) => {
    const imported = s.annotator.startsWith("imported:");
    const user = person.get(s.annotator);
    const { left, right } = sides.get(s.annotator)!;
    const outlier = outliers.get(s.annotator) ?? { tested: 0, evidence: 0, flagged: false };
    const check = checks.get(s.annotator) ?? { tooFast: 0, goldAnswered: 0, goldFailed: 0 };
    return {
      id: s.annotator,
      name: imported ? s.annotator.slice("imported:".length) : (user?.displayName ?? "?"),
      email: user?.email ?? null,
      imported,
      flagged: user?.memberships[0]?.flagged ?? false,
      votes: s.votes,
      medianSeconds: finite(s.medianSeconds),
      leftShare: finite(s.leftShare),
      positionP: finite(binomialTestHalf(left, left + right)),
      tieRate: s.tieRate,
      bothBadRate: s.bothBadRate,
      comparableItems: s.comparableItems,
      consensusAgreement: finite(s.majorityAgreement),
      outlier: { tested: outlier.tested, evidence: outlier.evidence, suggested: outlier.flagged },
      tooFast: check.tooFast,
      gold: { answered: check.goldAnswered, failed: check.goldFailed },
    };
  });

  const overlaps = new Map<string, [string, string]>();
  for (const item of byItem.values()) {
    const judges = [...item.judges].sort();
    for (let i = 0; i < judges.length; i++)
      for (let j = i + 1; j < judges.length; j++) overlaps.set(`${judges[i]}\u0000${judges[j]}`, [judges[i], judges[j]]);
  }
  const kappas = [...overlaps.values()].map(([first, second]) => {
    const { kappa, items } = cohensKappa(byAnnotator.get(first)!, byAnnotator.get(second)!);
    return { first, second, items, kappa: finite(kappa) };
  });
  kappas.sort((x, y) => y.items - x.items);
  const alpha = krippendorffAlphaNominal([...byItem.values()].map((item) => item.labels));
  return { votes: votes.length, annotators, kappas, alpha: { value: finite(alpha.alpha), items: alpha.items } };
}

/** Per annotator of the campaign: votes cast too fast, and gold pairs answered and failed. */
async function riggingChecks(campaignId: string): Promise<Map<string, { tooFast: number; goldAnswered: number; goldFailed: number }>> {
  const rows = await sql.$queryRaw<{ annotatorId: string; tooFast: number; goldAnswered: number; goldFailed: number }[]>`
    SELECT "annotatorId"::text AS "annotatorId", count(*) FILTER (WHERE "tooFast")::int AS "tooFast",
           count("goldPassed")::int AS "goldAnswered", count(*) FILTER (WHERE NOT "goldPassed")::int AS "goldFailed"
    FROM "Vote" WHERE "campaignId" = ${campaignId}::uuid AND "annotatorId" IS NOT NULL AND ("tooFast" OR "goldPassed" IS NOT NULL)
    GROUP BY "annotatorId"`;
  return new Map(rows.map(({ annotatorId, ...counts }) => [annotatorId, counts]));
}
