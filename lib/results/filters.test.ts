import { describe, expect, it } from "vitest";
import { DEFAULT_FILTERS, describeFilters, filtersToParams, fitKey, parseFilters, resultsHref, type ResultFilters } from "./filters";

/** Every filter set away from its default. */
const ALL: ResultFilters = {
  category: "math",
  language: "ja",
  from: "2026-01-01",
  to: "2026-01-31",
  excludeBothBad: true,
  includeFlagged: true,
  anchor: { model: "gpt-4", rating: 1200 },
  styleControl: true,
  robustness: true,
  excludeDuplicates: true,
};

const ALL_PARAMS =
  "category=math&language=ja&from=2026-01-01&to=2026-01-31&bothBad=exclude&flagged=include&anchor=gpt-4&anchorRating=1200&style=on&robustness=on&duplicates=exclude";

describe("the results filters in a URL", () => {
  it("reads every parameter, from a URL's query or a page's search params", () => {
    expect(parseFilters(new URLSearchParams(ALL_PARAMS))).toEqual({ ok: true, filters: ALL });
    const record = Object.fromEntries(new URLSearchParams(ALL_PARAMS));
    // A parameter given twice counts once, its first value.
    expect(parseFilters({ ...record, category: ["math", "writing"] })).toEqual({ ok: true, filters: ALL });
  });

  it("takes a missing or empty parameter, and any other value of a switch, as its default", () => {
    expect(parseFilters(new URLSearchParams())).toEqual({ ok: true, filters: DEFAULT_FILTERS });
    const empty = "category=&language=&from=&to=&bothBad=&flagged=&anchor=&anchorRating=&style=&robustness=&duplicates=";
    expect(parseFilters(new URLSearchParams(empty))).toEqual({ ok: true, filters: DEFAULT_FILTERS });
    const opposite = "bothBad=include&flagged=exclude&style=off&robustness=off&duplicates=include";
    expect(parseFilters(new URLSearchParams(opposite))).toEqual({ ok: true, filters: DEFAULT_FILTERS });
    // An anchor without a rating sits at 1000.
    expect(parseFilters({ anchor: " gpt-4 " })).toMatchObject({ ok: true, filters: { anchor: { model: "gpt-4", rating: 1000 } } });
  });

  it("names what is malformed instead of dropping it", () => {
    expect(parseFilters({ from: "2026-13-01", to: "01/02/2026", bothBad: "maybe" })).toEqual({
      ok: false,
      errors: ["from: not a calendar date", "to: use YYYY-MM-DD", "to: not a calendar date", expect.stringMatching(/^bothBad: /)],
    });
    expect(parseFilters({ from: "2026-02-01", to: "2026-01-31" })).toEqual({ ok: false, errors: ["to: from must not be after to"] });
    // One day is a range too.
    expect(parseFilters({ from: "2026-01-31", to: "2026-01-31" })).toMatchObject({ ok: true });
    expect(parseFilters({ anchor: "m", anchorRating: "1e9" })).toMatchObject({ ok: false });
  });

  it("writes back only what differs from the defaults, so links stay short and read the same", () => {
    expect(filtersToParams(ALL).toString()).toBe(ALL_PARAMS);
    expect(filtersToParams(DEFAULT_FILTERS).toString()).toBe("");
    expect(resultsHref("/campaigns/c/leaderboard", DEFAULT_FILTERS)).toBe("/campaigns/c/leaderboard");
    expect(resultsHref("/campaigns/c/leaderboard", { ...DEFAULT_FILTERS, category: "math & code" })).toBe(
      "/campaigns/c/leaderboard?category=math+%26+code",
    );
  });

  it("records which votes counted, with flagged annotators as left out or not", () => {
    expect(describeFilters(ALL)).toMatchObject({ excludeBothBad: true, excludeFlagged: false, excludeDuplicates: true });
    expect(describeFilters(DEFAULT_FILTERS)).toEqual({
      category: null,
      language: null,
      from: null,
      to: null,
      excludeBothBad: false,
      excludeFlagged: true,
      anchor: null,
      styleControl: false,
      robustness: false,
      excludeDuplicates: false,
    });
  });

  it("keys a stored fit by what changes it, not by the anchor, and keeps the keys of boards stored before the newer options", () => {
    expect(fitKey(DEFAULT_FILTERS)).toBe("[null,null,null,false,false]");
    expect(fitKey({ ...DEFAULT_FILTERS, anchor: { model: "m", rating: 1500 } })).toBe(fitKey(DEFAULT_FILTERS));
    const keys = [
      DEFAULT_FILTERS,
      { ...DEFAULT_FILTERS, category: "math" },
      { ...DEFAULT_FILTERS, from: "2026-01-01" },
      { ...DEFAULT_FILTERS, to: "2026-01-01" },
      { ...DEFAULT_FILTERS, excludeBothBad: true },
      { ...DEFAULT_FILTERS, includeFlagged: true },
      { ...DEFAULT_FILTERS, styleControl: true },
      { ...DEFAULT_FILTERS, language: "ja" },
      { ...DEFAULT_FILTERS, language: "en" },
      { ...DEFAULT_FILTERS, robustness: true },
      { ...DEFAULT_FILTERS, excludeDuplicates: true },
    ].map(fitKey);
    expect(new Set(keys).size).toBe(keys.length);
    // Stored in the database: a key spelled differently by a later version would recompute every board.
    expect(
      fitKey({ ...DEFAULT_FILTERS, category: "math", styleControl: true, language: "ja", robustness: true, excludeDuplicates: true }),
    ).toBe('["math",null,null,false,false,"style",{"language":"ja"},"robustness","dedup"]');
  });
});
