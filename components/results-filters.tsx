"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { resultsHref, type ResultFilters } from "@/lib/results/filters";
import { useI18n } from "./i18n-provider";

/**
 * The leaderboard's filters as a form; applying them navigates to the same page with the
 * filters in the URL (defaults left out), so any view can be bookmarked and shared.
 */
export function ResultsFilters({
  basePath,
  filters,
  categories,
  models,
  showAnchor = true,
  showRatingOptions = true,
  showStyleControl = false,
}: {
  basePath: string;
  filters: ResultFilters;
  categories: string[];
  models: string[];
  showAnchor?: boolean;
  /** Flagged annotators and both-bad votes: choices about the ratings, not about which votes a page lists. */
  showRatingOptions?: boolean;
  /** The leaderboard's own options: style control and drop-k robustness. */
  showStyleControl?: boolean;
}) {
  const { t } = useI18n();
  const router = useRouter();
  const [anchor, setAnchor] = useState(filters.anchor?.model ?? "");

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? "").trim() || null;
    const rating = Number(form.get("anchorRating"));
    const next: ResultFilters = {
      category: text("category"),
      // Not on this form: kept as the URL had it (the boards by language link to it).
      language: filters.language,
      from: text("from"),
      to: text("to"),
      excludeBothBad: showRatingOptions ? form.get("excludeBothBad") === "on" : filters.excludeBothBad,
      includeFlagged: showRatingOptions ? form.get("excludeFlagged") !== "on" : filters.includeFlagged,
      excludeDuplicates: showRatingOptions ? form.get("excludeDuplicates") === "on" : filters.excludeDuplicates,
      anchor: anchor ? { model: anchor, rating: Number.isFinite(rating) ? rating : 1000 } : null,
      styleControl: showStyleControl ? form.get("styleControl") === "on" : filters.styleControl,
      robustness: showStyleControl ? form.get("robustness") === "on" : filters.robustness,
    };
    router.push(resultsHref(basePath, next));
  }

  return (
    <form
      onSubmit={submit}
      className="card flex flex-wrap items-end gap-4 p-4"
      aria-label={t("results.filters")}
      data-testid="results-filters"
    >
      <label className="text-sm font-medium">
        {t("results.category")}
        <select name="category" defaultValue={filters.category ?? ""} className="field">
          <option value="">{t("results.allCategories")}</option>
          {categories.map((category) => (
            <option key={category} value={category}>
              {category}
            </option>
          ))}
        </select>
      </label>
      <label className="text-sm font-medium">
        {t("results.from")}
        <input type="date" name="from" defaultValue={filters.from ?? ""} className="field" />
      </label>
      <label className="text-sm font-medium">
        {t("results.to")}
        <input type="date" name="to" defaultValue={filters.to ?? ""} className="field" />
      </label>
      {showRatingOptions && (
        <div className="space-y-1 text-sm">
          <label className="flex items-center gap-2">
            <input type="checkbox" name="excludeFlagged" defaultChecked={!filters.includeFlagged} />
            {t("results.excludeFlagged")}
          </label>
          <label className="flex items-center gap-2">
            <input type="checkbox" name="excludeBothBad" defaultChecked={filters.excludeBothBad} />
            {t("results.excludeBothBad")}
          </label>
          <label className="flex items-center gap-2">
            <input type="checkbox" name="excludeDuplicates" defaultChecked={filters.excludeDuplicates} />
            {t("results.excludeDuplicates")}
          </label>
          {showStyleControl && (
            <label className="flex items-center gap-2">
              <input type="checkbox" name="styleControl" defaultChecked={filters.styleControl} />
              {t("results.styleControl")}
            </label>
          )}
          {showStyleControl && (
            <label className="flex items-center gap-2">
              <input type="checkbox" name="robustness" defaultChecked={filters.robustness} />
              {t("results.robustness")}
            </label>
          )}
        </div>
      )}
      {showAnchor && (
        <>
          <label className="text-sm font-medium">
            {t("results.anchor")}
            <select name="anchor" value={anchor} onChange={(e) => setAnchor(e.target.value)} className="field max-w-60">
              <option value="">{t("results.noAnchor")}</option>
              {models.map((model) => (
                <option key={model} value={model}>
                  {model}
                </option>
              ))}
            </select>
          </label>
          <label className="text-sm font-medium">
            {t("results.anchorRating")}
            <input
              type="number"
              name="anchorRating"
              step="any"
              defaultValue={filters.anchor?.rating ?? 1000}
              disabled={!anchor}
              className="field w-28"
            />
          </label>
        </>
      )}
      <div className="flex gap-2">
        <button type="submit" className="btn-primary">
          {t("results.apply")}
        </button>
        <button type="button" className="btn-secondary" onClick={() => router.push(basePath)}>
          {t("results.reset")}
        </button>
      </div>
    </form>
  );
}
