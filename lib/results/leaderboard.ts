import "server-only";
import { summariseLeaderboard, type Leaderboard, type LeaderboardFit } from "@/lib/ratings/leaderboard";
import { ranksOf } from "@/lib/ratings/ranks";
import { summariseStyleControl, type StyleCoefficient, type StyleFeature } from "@/lib/ratings/style-control";
import { type CampaignFit } from "./compute";
import { type ResultFilters } from "./filters";
import { withProjection, type PlannedRobustness } from "./planning";
import { cachedFit, type StoredFit } from "./result-cache";

/** A leaderboard as pages, the API and the CLI show it, from the stored fit (lib/results/result-cache.ts). */

export interface StyleControlView {
  /** Votes the style fit used: those whose two answers are known. */
  votes: number;
  models: Record<string, { rating: number; ciLow: number; ciHigh: number; rank: number; rankChange: number }>;
  coefficients: Record<StyleFeature, StyleCoefficient>;
}

export type LeaderboardView =
  | {
      state: "ready";
      /** False while a newer result is being computed (or about to be). */
      fresh: boolean;
      computedAt: Date;
      board: Leaderboard;
      matrices: CampaignFit["matrices"];
      computeMs: number | null;
      /** Null unless the filters ask for style control (and some vote had both answers' style). */
      styleControl: StyleControlView | null;
      /** Null unless the filters ask for robustness. */
      robustness: PlannedRobustness | null;
    }
  | { state: "computing" }
  | { state: "failed"; error: string };

export class AnchorNotFound extends Error {}

/**
 * The style-controlled ratings under the anchor, with each model's rank change: its rank on the
 * plain board minus its rank with style controlled, among the models the style fit saw
 * (positive: it rises once style is accounted for).
 */
function styleControlView(
  stored: NonNullable<StoredFit["styleControl"]>,
  board: Leaderboard,
  anchor: ResultFilters["anchor"],
): StyleControlView {
  const summary = summariseStyleControl(
    {
      models: stored.models,
      battles: stored.battles,
      theta: Float64Array.from(stored.theta),
      covariance: Float64Array.from(stored.covariance),
    },
    anchor && stored.models.includes(anchor.model) ? anchor : undefined,
  );
  const ranks = ranksOf(summary.ratings);
  // Both ranks among the same models: those the style fit saw.
  const plainRating = new Map(board.models.map((row) => [row.model, row.rating]));
  const plainRanks = ranksOf(summary.models.map((model) => plainRating.get(model) ?? -Infinity));
  const models: StyleControlView["models"] = {};
  summary.models.forEach((model, k) => {
    models[model] = {
      rating: summary.ratings[k],
      ciLow: summary.ciLow[k],
      ciHigh: summary.ciHigh[k],
      rank: ranks[k],
      rankChange: plainRanks[k] - ranks[k],
    };
  });
  return { votes: stored.battles, models, coefficients: summary.coefficients };
}

function toFit(stored: StoredFit, bootstrap: Uint8Array | null): LeaderboardFit {
  // Copy into an aligned buffer: the bytes Prisma returns may start at any offset.
  const thetas = bootstrap && bootstrap.byteLength ? new Float64Array(Uint8Array.from(bootstrap).buffer) : new Float64Array(0);
  return {
    models: stored.models,
    votes: stored.votes,
    rounds: thetas.length ? stored.rounds : 0,
    identifiable: stored.identifiable,
    theta: Float64Array.from(stored.theta),
    thetas,
    battles: Float64Array.from(stored.battles),
    onlineElo: Float64Array.from(stored.onlineElo),
  };
}

/** Computes and stores the board for these filters; the caller holds the lease. */

/**
 * The campaign's leaderboard under `filters`, shaped for pages, the API and the CLI from the
 * stored fit (lib/results/result-cache.ts; `waitMs` and `untilFresh` as there).
 */
export async function getLeaderboard(
  campaignId: string,
  filters: ResultFilters,
  options: { waitMs?: number; untilFresh?: boolean; withBootstrap?: boolean } = {},
): Promise<LeaderboardView> {
  const withBootstrap = Boolean(options.withBootstrap || filters.anchor);
  const cached = await cachedFit(campaignId, filters, { ...options, withBootstrap });
  if (cached.state !== "ready") return cached;
  const storedFit = cached.fit;
  if (filters.anchor && !storedFit.models.includes(filters.anchor.model)) throw new AnchorNotFound(filters.anchor.model);
  const fit = toFit(storedFit, cached.bootstrap);
  const board: Leaderboard = withBootstrap
    ? summariseLeaderboard(fit, filters.anchor ?? undefined)
    : {
        votes: storedFit.votes,
        rounds: storedFit.rounds,
        identifiable: storedFit.identifiable,
        models: storedFit.summary,
        bootstrapRatings: new Float64Array(0),
        modelOrder: storedFit.models,
      };
  return {
    state: "ready",
    fresh: cached.fresh,
    computedAt: cached.computedAt,
    board,
    matrices: storedFit.matrices,
    computeMs: cached.computeMs,
    styleControl: filters.styleControl && storedFit.styleControl ? styleControlView(storedFit.styleControl, board, filters.anchor) : null,
    robustness: filters.robustness && storedFit.robustness ? await withProjection(campaignId, storedFit.robustness) : null,
  };
}
