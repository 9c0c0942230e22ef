/**
 * Tests that point at an annotator worth a closer look: position bias (an exact binomial test
 * of left against right choices) and Chatbot Arena's sequential test for anomalous users.
 */

function logChoose(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

/** ln Γ(x) by Lanczos (g = 7, n = 9): ~15 significant digits for x ≥ 1 (here: factorials only). */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let a = c[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * Two-sided exact binomial test of `k` successes in `n` trials against p = ½ (scipy.stats.binomtest's
 * two-sided p-value, which for p = ½ is twice the smaller tail, capped at 1). NaN when n = 0.
 */
export function binomialTestHalf(k: number, n: number): number {
  if (n === 0) return Number.NaN;
  const tail = Math.min(k, n - k);
  // An even split sums past ½ (the middle term is in both tails): the cap makes it 1.
  let sum = 0;
  for (let i = 0; i <= tail; i++) sum += Math.exp(logChoose(n, i) - n * Math.LN2);
  return Math.min(1, 2 * sum);
}

export interface SequentialVote {
  annotator: string;
  /** The model pair, position-free (e.g. the two names sorted). */
  pair: string;
  /** Position-free outcome: which model won, tie or both bad. */
  label: string;
}

export interface OutlierResult {
  /** Votes that could be compared (others had judged the same pair). */
  tested: number;
  /** The largest value the running product reached. */
  evidence: number;
  flagged: boolean;
}

/**
 * The sequential test for anomalous users of the Chatbot Arena paper (§5.1): each vote gets a
 * p-value against the other annotators' votes on the same model pair, each p-value is turned
 * into an e-value, and the running product over an annotator's votes in time order flags them
 * once it reaches 1/α (Ville's inequality keeps the false-alarm rate at α).
 *
 * The p-value is a conformal one with the vote's rarity among the others' votes as its score,
 * p = (1 + Σ others' votes whose label is at most as common as this one's) / (n + 1), so votes
 * against the crowd count in either direction. The e-value is 1/(2√p), the p-to-e calibrator
 * with κ = ½. The plain 1/(2p) is not an e-value — its expectation exceeds 1 (log-divergent for
 * a uniform p), so the product drifts upwards for every annotator and, on simulated campaigns
 * where everyone votes from the same model, flagged a large share of honest annotators.
 * `votes` must be in time order.
 */
export function sequentialOutlierTest(votes: SequentialVote[], alpha = 0.05): Map<string, OutlierResult> {
  const perPair = new Map<string, Map<string, number>>();
  const own = new Map<string, Map<string, number>>();
  const bump = (map: Map<string, Map<string, number>>, key: string, label: string) => {
    let counts = map.get(key);
    if (!counts) map.set(key, (counts = new Map()));
    counts.set(label, (counts.get(label) ?? 0) + 1);
  };
  for (const vote of votes) {
    bump(perPair, vote.pair, vote.label);
    bump(own, `${vote.annotator}\u0000${vote.pair}`, vote.label);
  }
  const results = new Map<string, OutlierResult & { product: number }>();
  for (const vote of votes) {
    let result = results.get(vote.annotator);
    if (!result) results.set(vote.annotator, (result = { tested: 0, evidence: 0, flagged: false, product: 1 }));
    const all = perPair.get(vote.pair)!;
    const mine = own.get(`${vote.annotator}\u0000${vote.pair}`)!;
    const others = new Map<string, number>();
    let n = 0;
    for (const [label, count] of all) {
      const remaining = count - (mine.get(label) ?? 0);
      if (remaining > 0) others.set(label, remaining);
      n += remaining;
    }
    if (n === 0) continue;
    const sameLabel = others.get(vote.label) ?? 0;
    let atMostAsCommon = 0;
    for (const count of others.values()) if (count <= sameLabel) atMostAsCommon += count;
    const p = (1 + atMostAsCommon) / (n + 1);
    result.product *= 1 / (2 * Math.sqrt(p));
    result.tested += 1;
    result.evidence = Math.max(result.evidence, result.product);
    if (result.product >= 1 / alpha) result.flagged = true;
  }
  return new Map([...results].map(([annotator, { tested, evidence, flagged }]) => [annotator, { tested, evidence, flagged }]));
}
