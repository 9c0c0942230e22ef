import { predictedWinProbability } from "@/lib/ratings/matrices";
import type { Leaderboard } from "@/lib/ratings/leaderboard";
import type { CampaignFit } from "./compute";

/** Each model's share of battles won (ties and both-bad are not wins), from the pair matrices. */
export function winRates(board: Leaderboard, matrices: CampaignFit["matrices"]): Map<string, number> {
  const m = board.modelOrder.length;
  const rates = new Map<string, number>();
  board.modelOrder.forEach((model, i) => {
    let wins = 0;
    let battles = 0;
    for (let j = 0; j < m; j++) {
      const n = matrices.battles[i * m + j];
      battles += n;
      wins += (matrices.winFraction[i * m + j] ?? 0) * n;
    }
    rates.set(model, battles > 0 ? wins / battles : Number.NaN);
  });
  return rates;
}

export interface HeadToHead {
  labels: string[];
  winFraction: (number | null)[];
  battles: (number | null)[];
  predicted: (number | null)[];
  total: number;
}

/** The three matrices for the `top` highest-rated models, best first (rows and columns alike). */
export function headToHead(board: Leaderboard, matrices: CampaignFit["matrices"], top: number): HeadToHead {
  const m = board.modelOrder.length;
  const index = new Map(board.modelOrder.map((model, i) => [model, i]));
  const shown = board.models.slice(0, top);
  const labels = shown.map((row) => row.model);
  const predicted = predictedWinProbability(shown.map((row) => row.rating));
  const pick = <T>(source: T[], diagonal: T | null) =>
    shown.flatMap((row, r) =>
      shown.map((column, c) => (r === c ? diagonal : source[index.get(row.model)! * m + index.get(column.model)!])),
    );
  const battles = pick(matrices.battles, null).map((n) => (n === 0 ? null : n));
  return {
    labels,
    winFraction: pick(matrices.winFraction, null),
    battles,
    predicted: Array.from(predicted, (p, k) => (Math.floor(k / shown.length) === k % shown.length ? null : p)),
    total: m,
  };
}
