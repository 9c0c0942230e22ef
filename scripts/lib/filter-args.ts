import { parseFilters, type ResultFilters } from "@/lib/results/filters";
import { single, UsageError } from "./cli-args";

/** The leaderboard's filters as CLI options, shared by leaderboard, correlations and export-votes. */
export const FILTER_OPTIONS = ["category", "from", "to", "anchor"] as const;
export const FILTER_FLAGS = ["exclude-bothbad", "include-flagged", "exclude-duplicates"] as const;
export { FILTER_USAGE } from "../commands/usages";

export function filtersFromArgs(
  values: Map<string, string[]>,
  flags: Set<string>,
  { anchor = false, styleControl = false, robustness = false } = {},
): ResultFilters {
  const params: Record<string, string | undefined> = {
    category: single(values, "category"),
    from: single(values, "from"),
    to: single(values, "to"),
    bothBad: flags.has("exclude-bothbad") ? "exclude" : undefined,
    flagged: flags.has("include-flagged") ? "include" : undefined,
    duplicates: flags.has("exclude-duplicates") ? "exclude" : undefined,
    style: styleControl && flags.has("style-control") ? "on" : undefined,
    robustness: robustness && flags.has("robustness") ? "on" : undefined,
  };
  const anchorArg = anchor ? single(values, "anchor") : undefined;
  if (anchorArg !== undefined) {
    const match = /^(.+)=(-?\d+(?:\.\d+)?)$/.exec(anchorArg);
    if (!match) throw new UsageError(`--anchor must look like NAME=RATING (got "${anchorArg}").`);
    params.anchor = match[1];
    params.anchorRating = match[2];
  }
  const parsed = parseFilters(params);
  if (!parsed.ok) throw new UsageError(parsed.errors.map((e) => `--${e}`).join("; "));
  return parsed.filters;
}
