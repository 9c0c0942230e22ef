import type { UnorderedCounts } from "@/lib/ratings/aggregate";

/** Unordered pair counts for `modelCount` models, from rows [i, j, wins of i, wins of j, draws]. */
export function pairCounts(
  modelCount: number,
  rows: [i: number, j: number, first: number, second: number, draws: number][],
): UnorderedCounts {
  return {
    modelCount,
    i: Int32Array.from(rows.map((r) => r[0])),
    j: Int32Array.from(rows.map((r) => r[1])),
    first: Float64Array.from(rows.map((r) => r[2])),
    second: Float64Array.from(rows.map((r) => r[3])),
    draws: Float64Array.from(rows.map((r) => r[4])),
    total: rows.reduce((sum, r) => sum + r[2] + r[3] + r[4], 0),
  };
}
