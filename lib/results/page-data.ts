import "server-only";
import { requireResultsViewer } from "@/lib/auth/session";
import { requireResearchCampaign } from "@/lib/campaigns/access";
import { campaignCategories } from "@/lib/campaigns/categories";
import { parseFilters, DEFAULT_FILTERS, type ResultFilters } from "./filters";
import { AnchorNotFound, getLeaderboard, type LeaderboardView } from "./leaderboard";

/** How long a page waits for a computation it started before showing "computing…". */
const PAGE_WAIT_MS = 1500;

export interface ResultsPageData {
  filters: ResultFilters;
  view: LeaderboardView;
  categories: string[];
  /** Filters from the URL that could not be used, for a notice on the page. */
  invalidFilters: string[] | null;
  missingAnchor: string | null;
}

/** A results page's filters (from its URL) and the leaderboard they select, never failing on bad input. */
export async function resultsPageData(
  campaignId: string,
  searchParams: Record<string, string | string[] | undefined>,
  options: { withBootstrap?: boolean } = {},
): Promise<ResultsPageData> {
  const parsed = parseFilters(searchParams);
  let filters = parsed.ok ? parsed.filters : DEFAULT_FILTERS;
  let missingAnchor: string | null = null;
  const categories = await campaignCategories(campaignId);
  let view: LeaderboardView;
  try {
    view = await getLeaderboard(campaignId, filters, { waitMs: PAGE_WAIT_MS, withBootstrap: options.withBootstrap });
  } catch (error) {
    if (!(error instanceof AnchorNotFound)) throw error;
    missingAnchor = error.message;
    filters = { ...filters, anchor: null };
    view = await getLeaderboard(campaignId, filters, { waitMs: PAGE_WAIT_MS, withBootstrap: options.withBootstrap });
  }
  return { filters, view, categories, invalidFilters: parsed.ok ? null : parsed.errors, missingAnchor };
}

/** What Next passes a campaign's results page. */
export interface ResultsPageProps {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

/** The campaign of a results page, for a researcher who may see it; anyone else gets the 404 page. */
export async function requireResultsCampaign(params: ResultsPageProps["params"]) {
  const user = await requireResultsViewer();
  return requireResearchCampaign(user, (await params).slug);
}
