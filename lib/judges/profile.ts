import "server-only";
import { db, pool } from "@/lib/db";
import { spearman } from "@/lib/ratings/correlation";
import { judgeHumanAgreement, type HumanTally, type PairVerdict } from "@/lib/ratings/judge-agreement";
import { judgeProfile, type JudgeProfile, type ProfiledVerdict } from "@/lib/ratings/judge-profile";
import type { Leaderboard } from "@/lib/ratings/leaderboard";
import type { ResultFilters } from "@/lib/results/filters";
import { humanTallies } from "./agreement";
import { judgeBattles, judgeLeaderboard } from "./judge-leaderboard";
import { PAIR_KEY, PAIR_VERDICT, verdictConditions } from "./verdict-sql";

export interface CategoryAgreement {
  category: string;
  withTie: { agree: number; total: number };
  withoutTie: { agree: number; total: number };
}

export interface JudgeDetails {
  profile: JudgeProfile;
  categories: CategoryAgreement[];
  board: Leaderboard;
  /** Spearman's ρ between the judge's ratings and the humans' over the models both rank (null with fewer than three). */
  rankCorrelation: number | null;
}

/** The judge's counted verdicts with what the profile needs: both orders, the answers' lengths, its own model's side, the category. */
async function profiledVerdicts(judgeId: string, filters: ResultFilters): Promise<(ProfiledVerdict & { category: string | null })[]> {
  const params: unknown[] = [judgeId];
  const where = verdictConditions(`r."judgeId" = $1::uuid AND r.winner IS NOT NULL`, filters, params);
  const answerLength = (
    model: string,
  ) => `coalesce((SELECT sum(char_length(e.x)) FROM "Output" o, jsonb_array_elements_text(o.turns) WITH ORDINALITY AS e(x, n)
      WHERE o."promptId" = r."promptId" AND o."modelId" = ${model} AND e.n <= r.turn), 0)::int`;
  const { rows } = await pool().query<{
    question: string;
    category: string | null;
    pair: string;
    turn: number;
    verdict: PairVerdict;
    g1: string | null;
    g2: string | null;
    low: number;
    high: number;
    self: "first" | "second" | null;
  }>(
    `SELECT p."externalId" AS question, p.category, r.turn,
            ${PAIR_KEY(`r."modelAId"`, `r."modelBId"`)} AS pair,
            ${PAIR_VERDICT(`r."modelAId"`, `r."modelBId"`, `r.winner::text`)} AS verdict,
            -- As asked: in the first order model_a was shown first, in the swapped one model_b.
            r.g1, r.g2,
            ${answerLength(`least(r."modelAId", r."modelBId")`)} AS low,
            ${answerLength(`greatest(r."modelAId", r."modelBId")`)} AS high,
            CASE WHEN self.id IS NULL THEN NULL WHEN self.id = least(r."modelAId", r."modelBId") THEN 'first'
                 WHEN self.id = greatest(r."modelAId", r."modelBId") THEN 'second' END AS self
     FROM "Verdict" r JOIN "Judge" j ON j.id = r."judgeId" JOIN "Prompt" p ON p.id = r."promptId"
     LEFT JOIN "Model" self ON self.name IN (j.model, j."apiModel")
     WHERE ${where}`,
    params,
  );
  return rows.map((row) => ({ ...row, lengths: [row.low, row.high] as [number, number] }));
}

/** Agreement with ties and without, all turns together, per prompt category. */
function agreementByCategory(
  verdicts: (ProfiledVerdict & { category: string | null })[],
  humans: HumanTally[],
  categories: Map<string, string | null>,
) {
  const names = [...new Set(verdicts.map((v) => v.category).filter((c): c is string => c !== null))].sort();
  return names
    .map((category): CategoryAgreement => {
      const turns = judgeHumanAgreement(
        humans.filter((t) => categories.get(t.question) === category),
        verdicts.filter((v) => v.category === category),
        { rounds: 0 },
      ).turns;
      const sum = (pick: (t: (typeof turns)[number]) => { agree: number; total: number }) => ({
        agree: turns.reduce((s, t) => s + pick(t).agree, 0),
        total: turns.reduce((s, t) => s + pick(t).total, 0),
      });
      return { category, withTie: sum((t) => t.withTie), withoutTie: sum((t) => t.withoutTie) };
    })
    .filter((c) => c.withTie.total > 0);
}

/** Everything the Judges page shows about one judge besides the agreement table. */
export async function judgeDetails(
  campaignId: string,
  judgeId: string,
  filters: ResultFilters,
  humanBoard: Leaderboard | null,
  loadedHumans?: HumanTally[],
): Promise<JudgeDetails> {
  const [verdicts, humans, prompts, battles] = await Promise.all([
    profiledVerdicts(judgeId, filters),
    loadedHumans ?? humanTallies(campaignId, filters),
    db.prompt.findMany({ where: { campaignId }, select: { externalId: true, category: true } }),
    judgeBattles(judgeId, filters),
  ]);
  const board = await judgeLeaderboard(battles, { ...filters, anchor: null });
  let rankCorrelation: number | null = null;
  if (humanBoard) {
    const human = new Map(humanBoard.models.map((row) => [row.model, row.rating]));
    const shared = board.models.filter((row) => human.has(row.model));
    if (shared.length >= 3)
      rankCorrelation = spearman(
        shared.map((row) => row.rating),
        shared.map((row) => human.get(row.model)!),
      );
  }
  return {
    profile: judgeProfile(verdicts, humans),
    categories: agreementByCategory(verdicts, humans, new Map(prompts.map((p) => [p.externalId, p.category]))),
    board,
    rankCorrelation,
  };
}
