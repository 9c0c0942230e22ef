import "server-only";
import { pool } from "@/lib/db";
import { computeLeaderboard, type Leaderboard } from "@/lib/ratings/leaderboard";
import type { Battle, Winner } from "@/lib/ratings/types";
import type { ResultFilters } from "@/lib/results/filters";
import { verdictConditions } from "./verdict-sql";

const WINNER_OF: Record<string, Winner> = { MODEL_A: "model_a", MODEL_B: "model_b", TIE: "tie", TIE_BOTHBAD: "tie (bothbad)" };

/**
 * A judge's verdicts as battles (failed judgments left out), in the order they were given, on the
 * prompts the filters keep: what its own leaderboard is fitted from, beside the human one.
 */
export async function judgeBattles(judgeId: string, filters: ResultFilters): Promise<Battle[]> {
  const params: unknown[] = [judgeId];
  const where = verdictConditions(`r."judgeId" = $1::uuid AND r.winner IS NOT NULL`, filters, params);
  const { rows } = await pool().query<{ a: string; b: string; winner: string }>(
    `SELECT ma.name AS a, mb.name AS b, r.winner::text AS winner
     FROM "Verdict" r JOIN "Prompt" p ON p.id = r."promptId"
     JOIN "Model" ma ON ma.id = r."modelAId" JOIN "Model" mb ON mb.id = r."modelBId"
     WHERE ${where}
     ORDER BY r."createdAt", p."externalId", r.turn, r.id`,
    params,
  );
  return rows.map((row) => ({ modelA: row.a, modelB: row.b, winner: WINNER_OF[row.winner] }));
}

/** A judge's own Bradley–Terry leaderboard from its battles, with the same bootstrap and anchor as the human one. */
export async function judgeLeaderboard(battles: Battle[], filters: ResultFilters): Promise<Leaderboard> {
  return computeLeaderboard(battles, {
    excludeBothBad: filters.excludeBothBad,
    ...(filters.anchor && { anchor: filters.anchor }),
  });
}
