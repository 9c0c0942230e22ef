/**
 * Annotator quality. Votes are compared through a position-free label (which model of the pair
 * won, or tie / both bad), and position bias through the side that was clicked.
 */

export type Choice = "left" | "right" | "tie" | "bothbad" | "bothgood";

export interface AnnotatorVote {
  annotator: string;
  /** The judged item, e.g. prompt id + the two model ids in a fixed order. */
  item: string;
  /** Position-free outcome, e.g. "first" | "second" | "tie" | "bothbad". */
  label: string;
  choice: Choice;
  durationMs: number;
}

export interface AnnotatorStats {
  annotator: string;
  votes: number;
  /** Share of left among left/right choices; 0.5 is unbiased, NaN without any. */
  leftShare: number;
  tieRate: number;
  bothBadRate: number;
  medianSeconds: number;
  /** Items this annotator shares with others that have a clear majority among the others. */
  comparableItems: number;
  /** Share of those items where this annotator chose the others' majority label; NaN without any. */
  majorityAgreement: number;
}

function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The single most frequent label, or null when the top count is shared. */
function majority(labels: string[]): string | null {
  const counts = new Map<string, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  let best: string | null = null;
  let bestCount = 0;
  let shared = false;
  for (const [label, count] of counts) {
    if (count > bestCount) {
      best = label;
      bestCount = count;
      shared = false;
    } else if (count === bestCount) {
      shared = true;
    }
  }
  return shared ? null : best;
}

/** Per-annotator volume, position bias, tie rates, speed and agreement with the others' majority. */
export function annotatorStats(votes: AnnotatorVote[]): AnnotatorStats[] {
  const byItem = new Map<string, AnnotatorVote[]>();
  const byAnnotator = new Map<string, AnnotatorVote[]>();
  for (const vote of votes) {
    const item = byItem.get(vote.item);
    if (item) item.push(vote);
    else byItem.set(vote.item, [vote]);
    const own = byAnnotator.get(vote.annotator);
    if (own) own.push(vote);
    else byAnnotator.set(vote.annotator, [vote]);
  }
  return [...byAnnotator.entries()].map(([annotator, own]) => {
    const left = own.filter((v) => v.choice === "left").length;
    const right = own.filter((v) => v.choice === "right").length;
    let comparable = 0;
    let agreed = 0;
    for (const vote of own) {
      const others = (byItem.get(vote.item) ?? []).filter((v) => v.annotator !== annotator).map((v) => v.label);
      const consensus = others.length ? majority(others) : null;
      if (consensus === null) continue;
      comparable += 1;
      if (consensus === vote.label) agreed += 1;
    }
    return {
      annotator,
      votes: own.length,
      leftShare: left + right ? left / (left + right) : NaN,
      tieRate: own.filter((v) => v.choice === "tie" || v.choice === "bothgood").length / own.length,
      bothBadRate: own.filter((v) => v.choice === "bothbad").length / own.length,
      // Imported votes may come without a duration (NaN): they do not count towards the median.
      medianSeconds: median(own.map((v) => v.durationMs / 1000).filter(Number.isFinite)),
      comparableItems: comparable,
      majorityAgreement: comparable ? agreed / comparable : NaN,
    };
  });
}

/** Cohen's κ between two raters over the items both labelled: (p_o − p_e) / (1 − p_e). */
export function cohensKappa(first: Map<string, string>, second: Map<string, string>): { kappa: number; items: number } {
  const items = [...first.keys()].filter((item) => second.has(item));
  const n = items.length;
  if (n === 0) return { kappa: NaN, items: 0 };
  const marginalA = new Map<string, number>();
  const marginalB = new Map<string, number>();
  let observed = 0;
  for (const item of items) {
    const a = first.get(item)!;
    const b = second.get(item)!;
    if (a === b) observed += 1;
    marginalA.set(a, (marginalA.get(a) ?? 0) + 1);
    marginalB.set(b, (marginalB.get(b) ?? 0) + 1);
  }
  let expected = 0;
  for (const [label, count] of marginalA) expected += (count / n) * ((marginalB.get(label) ?? 0) / n);
  const po = observed / n;
  // Both raters used one and the same label throughout: agreement is perfect but κ is undefined.
  if (expected === 1) return { kappa: NaN, items: n };
  return { kappa: (po - expected) / (1 - expected), items: n };
}

/**
 * Krippendorff's α for nominal data over items with at least two labels:
 * α = 1 − (n − 1)·Σ_{c≠k} o_ck / Σ_{c≠k} n_c·n_k, from the coincidence matrix o.
 */
export function krippendorffAlphaNominal(labelsPerItem: Iterable<string[]>): { alpha: number; items: number; pairable: number } {
  const coincidence = new Map<string, Map<string, number>>();
  let items = 0;
  for (const labels of labelsPerItem) {
    const m = labels.length;
    if (m < 2) continue;
    items += 1;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        if (i === j) continue;
        const row = coincidence.get(labels[i]) ?? new Map<string, number>();
        row.set(labels[j], (row.get(labels[j]) ?? 0) + 1 / (m - 1));
        coincidence.set(labels[i], row);
      }
    }
  }
  const totals = new Map<string, number>();
  let n = 0;
  let disagreeing = 0;
  for (const [c, row] of coincidence) {
    for (const [k, value] of row) {
      totals.set(c, (totals.get(c) ?? 0) + value);
      n += value;
      if (c !== k) disagreeing += value;
    }
  }
  let expectedPairs = 0;
  for (const [c, nc] of totals) for (const [k, nk] of totals) if (c !== k) expectedPairs += nc * nk;
  if (n === 0 || expectedPairs === 0) return { alpha: NaN, items, pairable: Math.round(n) };
  return { alpha: 1 - ((n - 1) * disagreeing) / expectedPairs, items, pairable: Math.round(n) };
}
