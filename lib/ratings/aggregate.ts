import type { Battle, Winner } from "./types";

/**
 * Votes aggregated per ordered model pair (as shown: a = first/left model). Everything the
 * ratings need is a function of these counts, which is what makes them fast.
 */
export interface PairCounts {
  /** Model names; indices below refer to this list. */
  models: string[];
  /** Ordered pairs that have at least one battle. */
  a: Int32Array;
  b: Int32Array;
  winsA: Float64Array;
  winsB: Float64Array;
  ties: Float64Array;
  bothBad: Float64Array;
  /** Total battles counted. */
  total: number;
}

/** Counts battles per ordered (model_a, model_b) pair and outcome; model order is first appearance unless given. */
export function aggregateBattles(battles: Iterable<Battle>, options: { models?: string[] } = {}): PairCounts {
  const index = new Map<string, number>();
  const models: string[] = [];
  const idOf = (name: string) => {
    let id = index.get(name);
    if (id === undefined) {
      id = models.length;
      index.set(name, id);
      models.push(name);
    }
    return id;
  };
  for (const name of options.models ?? []) idOf(name);

  const cells = new Map<number, number>();
  const counts: number[] = [];
  let total = 0;
  for (const battle of battles) {
    if (battle.modelA === battle.modelB) throw new Error(`A battle needs two different models (got ${battle.modelA} twice).`);
    const a = idOf(battle.modelA);
    const b = idOf(battle.modelB);
    // 2^21 models is far beyond any campaign; the key stays an exact integer.
    const key = a * 2097152 + b;
    let slot = cells.get(key);
    if (slot === undefined) {
      slot = counts.length;
      cells.set(key, slot);
      counts.push(a, b, 0, 0, 0, 0);
    }
    counts[slot + 2 + OUTCOME_OFFSET[battle.winner]] += 1;
    total += 1;
  }
  const pairs = counts.length / 6;
  const result: PairCounts = {
    models,
    a: new Int32Array(pairs),
    b: new Int32Array(pairs),
    winsA: new Float64Array(pairs),
    winsB: new Float64Array(pairs),
    ties: new Float64Array(pairs),
    bothBad: new Float64Array(pairs),
    total,
  };
  for (let p = 0; p < pairs; p++) {
    const o = p * 6;
    result.a[p] = counts[o];
    result.b[p] = counts[o + 1];
    result.winsA[p] = counts[o + 2];
    result.winsB[p] = counts[o + 3];
    result.ties[p] = counts[o + 4];
    result.bothBad[p] = counts[o + 5];
  }
  return result;
}

const OUTCOME_OFFSET: Record<Winner, number> = { model_a: 0, model_b: 1, tie: 2, "tie (bothbad)": 3 };

/** Battles each model took part in. */
export function battlesPerModel(counts: PairCounts): Float64Array {
  const perModel = new Float64Array(counts.models.length);
  for (let p = 0; p < counts.a.length; p++) {
    const n = counts.winsA[p] + counts.winsB[p] + counts.ties[p] + counts.bothBad[p];
    perModel[counts.a[p]] += n;
    perModel[counts.b[p]] += n;
  }
  return perModel;
}

/**
 * Outcomes per unordered pair, which is all Bradley–Terry needs: wins of the lower-index model
 * (`first`), wins of the other (`second`), and draws (ties, plus both-bad unless excluded).
 */
export interface UnorderedCounts {
  modelCount: number;
  i: Int32Array;
  j: Int32Array;
  first: Float64Array;
  second: Float64Array;
  draws: Float64Array;
  total: number;
}

/** Folds ordered pairs into unordered ones; both-bad votes count as draws unless excluded. */
export function toUnordered(counts: PairCounts, options: { excludeBothBad?: boolean } = {}): UnorderedCounts {
  const slots = new Map<number, number>();
  const is: number[] = [];
  const js: number[] = [];
  const first: number[] = [];
  const second: number[] = [];
  const draws: number[] = [];
  let total = 0;
  for (let p = 0; p < counts.a.length; p++) {
    const a = counts.a[p];
    const b = counts.b[p];
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    const drawCount = counts.ties[p] + (options.excludeBothBad ? 0 : counts.bothBad[p]);
    const loWins = a === lo ? counts.winsA[p] : counts.winsB[p];
    const hiWins = a === lo ? counts.winsB[p] : counts.winsA[p];
    if (loWins + hiWins + drawCount === 0) continue;
    const key = lo * 2097152 + hi;
    let slot = slots.get(key);
    if (slot === undefined) {
      slot = is.length;
      slots.set(key, slot);
      is.push(lo);
      js.push(hi);
      first.push(0);
      second.push(0);
      draws.push(0);
    }
    first[slot] += loWins;
    second[slot] += hiWins;
    draws[slot] += drawCount;
    total += loWins + hiWins + drawCount;
  }
  return {
    modelCount: counts.models.length,
    i: Int32Array.from(is),
    j: Int32Array.from(js),
    first: Float64Array.from(first),
    second: Float64Array.from(second),
    draws: Float64Array.from(draws),
    total,
  };
}

/** Code-unit order: the same on every machine and locale, unlike localeCompare. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The same counts with models sorted by name and pairs sorted by (a, b). The bootstrap draws
 * its resamples cell by cell, so fixing the order makes the intervals depend only on the votes,
 * not on the order they were read in: a CSV, the database and an export of it agree exactly.
 */
export function canonicalCounts(counts: PairCounts): PairCounts {
  const m = counts.models.length;
  const order = Array.from({ length: m }, (_, k) => k).sort((x, y) => compareNames(counts.models[x], counts.models[y]));
  const newIndex = new Int32Array(m);
  order.forEach((old, position) => (newIndex[old] = position));
  const pairs = counts.a.length;
  const cells = Array.from({ length: pairs }, (_, p) => p);
  const key = (p: number) => newIndex[counts.a[p]] * m + newIndex[counts.b[p]];
  cells.sort((x, y) => key(x) - key(y));
  const pick = (source: Float64Array) => Float64Array.from(cells, (p) => source[p]);
  return {
    models: order.map((old) => counts.models[old]),
    a: Int32Array.from(cells, (p) => newIndex[counts.a[p]]),
    b: Int32Array.from(cells, (p) => newIndex[counts.b[p]]),
    winsA: pick(counts.winsA),
    winsB: pick(counts.winsB),
    ties: pick(counts.ties),
    bothBad: pick(counts.bothBad),
    total: counts.total,
  };
}
