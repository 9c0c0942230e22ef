import { Xoshiro128 } from "./random";

/**
 * Pair-level agreement between an LLM judge and human annotators, and among the annotators, as
 * FastChat's `llm_judge/compute_agreement.py` counts it (the MT-Bench paper's table). A "pair" is
 * one question, one unordered pair of models and one turn; verdicts are read in the order of the
 * two models' names, so who was shown left does not matter:
 * - judge against humans: every (judge verdict, human vote) on the same pair is one comparison;
 * - humans against humans: every two human votes on the same pair are one comparison;
 * - any two ties agree ("tie" and "tie (bothbad)" alike); "without ties" drops a comparison when
 *   either side is a tie.
 * Intervals are percentile bootstraps over questions (a question's pairs are resampled together).
 */

/** A verdict in the order of the pair's model names: the first-named model won, the second, or a tie of either kind. */
export type PairVerdict = "first" | "second" | "tie";

/** Human votes on one pair, counted by verdict. */
export interface HumanTally {
  question: string;
  /** The two models, in any fixed order the caller uses for judges too (e.g. their ids sorted). */
  pair: string;
  turn: number;
  first: number;
  second: number;
  tie: number;
}

/** One judge's verdict on one pair; failed judgments are not given. */
export interface JudgeVerdict {
  question: string;
  pair: string;
  turn: number;
  verdict: PairVerdict;
}

export interface AgreementCount {
  agree: number;
  total: number;
  /** agree / total; NaN when nothing was compared. */
  ratio: number;
  ciLow: number;
  ciHigh: number;
}

export interface TurnAgreement {
  turn: number;
  withTie: AgreementCount;
  withoutTie: AgreementCount;
}

export interface Kappa {
  /** Cohen's κ over every (judge, human) comparison with ties, three categories; NaN when undefined. */
  value: number;
  ciLow: number;
  ciHigh: number;
}

export interface JudgeAgreement {
  turns: TurnAgreement[];
  kappa: Kappa;
}

export interface AgreementOptions {
  rounds?: number;
  seed?: number;
}

const VERDICTS: PairVerdict[] = ["first", "second", "tie"];

/**
 * Per question and turn, the sums that every statistic here is made of: agreements and totals
 * with and without ties, and for κ the 3×3 table of (judge, human) verdicts.
 */
interface QuestionSums {
  turns: Map<number, Float64Array>;
}

// Offsets in a turn's sums: agree/total with ties, agree/total without, then the 3×3 κ table.
const WITH_AGREE = 0;
const WITH_TOTAL = 1;
const WITHOUT_AGREE = 2;
const WITHOUT_TOTAL = 3;
const TABLE = 4;
const SUMS = TABLE + 9;

function sumsFor(questions: Map<string, QuestionSums>, question: string, turn: number): Float64Array {
  let entry = questions.get(question);
  if (!entry) questions.set(question, (entry = { turns: new Map() }));
  let sums = entry.turns.get(turn);
  if (!sums) entry.turns.set(turn, (sums = new Float64Array(SUMS)));
  return sums;
}

const keyOf = (question: string, pair: string, turn: number) => `${turn}\u0000${question}\u0000${pair}`;

const pairsOf = (n: number) => (n * (n - 1)) / 2;

/** The judge against the humans, question by question. */
function judgeSums(humans: HumanTally[], verdicts: JudgeVerdict[]): Map<string, QuestionSums> {
  const tallies = new Map<string, HumanTally>();
  for (const tally of humans) tallies.set(keyOf(tally.question, tally.pair, tally.turn), tally);
  const questions = new Map<string, QuestionSums>();
  for (const verdict of verdicts) {
    const tally = tallies.get(keyOf(verdict.question, verdict.pair, verdict.turn));
    if (!tally) continue;
    const sums = sumsFor(questions, verdict.question, verdict.turn);
    const n = tally.first + tally.second + tally.tie;
    sums[WITH_TOTAL] += n;
    sums[WITH_AGREE] += tally[verdict.verdict];
    if (verdict.verdict !== "tie") {
      sums[WITHOUT_TOTAL] += tally.first + tally.second;
      sums[WITHOUT_AGREE] += tally[verdict.verdict];
    }
    const row = VERDICTS.indexOf(verdict.verdict) * 3;
    sums[TABLE + row] += tally.first;
    sums[TABLE + row + 1] += tally.second;
    sums[TABLE + row + 2] += tally.tie;
  }
  return questions;
}

/** Every two human votes on the same pair. */
function humanSums(humans: HumanTally[]): Map<string, QuestionSums> {
  const questions = new Map<string, QuestionSums>();
  for (const tally of humans) {
    const n = tally.first + tally.second + tally.tie;
    if (n < 2) continue;
    const sums = sumsFor(questions, tally.question, tally.turn);
    sums[WITH_TOTAL] += pairsOf(n);
    sums[WITH_AGREE] += pairsOf(tally.first) + pairsOf(tally.second) + pairsOf(tally.tie);
    sums[WITHOUT_TOTAL] += pairsOf(tally.first + tally.second);
    sums[WITHOUT_AGREE] += pairsOf(tally.first) + pairsOf(tally.second);
  }
  return questions;
}

/** κ from a 3×3 table of counts (rows: the judge, columns: the humans). */
export function kappaOfTable(table: ArrayLike<number>, offset = 0): number {
  let n = 0;
  let observed = 0;
  const rows = [0, 0, 0];
  const columns = [0, 0, 0];
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) {
      const count = table[offset + r * 3 + c];
      n += count;
      rows[r] += count;
      columns[c] += count;
      if (r === c) observed += count;
    }
  }
  if (n === 0) return NaN;
  let expected = 0;
  for (let k = 0; k < 3; k++) expected += (rows[k] / n) * (columns[k] / n);
  // Both sides used one and the same verdict throughout: agreement is perfect but κ is undefined.
  if (expected >= 1) return NaN;
  return (observed / n - expected) / (1 - expected);
}

/** The 2.5th and 97.5th percentiles of the finite values (NaN without any). */
function interval(values: Float64Array): [number, number] {
  const finite = Array.from(values)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  if (finite.length === 0) return [NaN, NaN];
  const at = (q: number) => finite[Math.min(finite.length - 1, Math.max(0, Math.round(q * (finite.length - 1))))];
  return [at(0.025), at(0.975)];
}

/**
 * The statistics of question sums: per turn, agreement with and without ties, and κ over every
 * turn; each with a percentile interval from `rounds` resamples of the questions.
 */
function summarise(questions: Map<string, QuestionSums>, withKappa: boolean, { rounds = 1000, seed = 0 }: AgreementOptions) {
  const names = [...questions.keys()].sort();
  const turns = [...new Set(names.flatMap((name) => [...questions.get(name)!.turns.keys()]))].sort((a, b) => a - b);
  // Per question, per turn, the sums (zeros where the question has none for a turn).
  const width = turns.length * SUMS;
  const table = new Float64Array(names.length * width);
  names.forEach((name, q) => {
    for (const [turn, sums] of questions.get(name)!.turns) table.set(sums, q * width + turns.indexOf(turn) * SUMS);
  });
  const totalOf = (weights: (q: number) => number) => {
    const total = new Float64Array(width);
    for (let q = 0; q < names.length; q++) {
      const weight = weights(q);
      if (weight === 0) continue;
      for (let k = 0; k < width; k++) total[k] += weight * table[q * width + k];
    }
    return total;
  };
  const kappaOf = (total: Float64Array) => {
    const all = new Float64Array(9);
    for (let t = 0; t < turns.length; t++) for (let k = 0; k < 9; k++) all[k] += total[t * SUMS + TABLE + k];
    return kappaOfTable(all);
  };
  const point = totalOf(() => 1);
  // Statistics per resample: per turn the two ratios, then κ.
  const statistics = turns.length * 2 + 1;
  const draws = Array.from({ length: statistics }, () => new Float64Array(rounds));
  const random = new Xoshiro128(seed);
  const weights = new Float64Array(names.length);
  for (let round = 0; round < rounds; round++) {
    weights.fill(0);
    for (let i = 0; i < names.length; i++) weights[Math.floor(random.uniform() * names.length)] += 1;
    const total = totalOf((q) => weights[q]);
    turns.forEach((_, t) => {
      draws[t * 2][round] = total[t * SUMS + WITH_AGREE] / total[t * SUMS + WITH_TOTAL];
      draws[t * 2 + 1][round] = total[t * SUMS + WITHOUT_AGREE] / total[t * SUMS + WITHOUT_TOTAL];
    });
    if (withKappa) draws[statistics - 1][round] = kappaOf(total);
  }
  const count = (agree: number, total: number, values: Float64Array): AgreementCount => {
    const [ciLow, ciHigh] = interval(values);
    return { agree, total, ratio: total ? agree / total : NaN, ciLow, ciHigh };
  };
  const perTurn: TurnAgreement[] = turns.map((turn, t) => ({
    turn,
    withTie: count(point[t * SUMS + WITH_AGREE], point[t * SUMS + WITH_TOTAL], draws[t * 2]),
    withoutTie: count(point[t * SUMS + WITHOUT_AGREE], point[t * SUMS + WITHOUT_TOTAL], draws[t * 2 + 1]),
  }));
  const [kappaLow, kappaHigh] = withKappa ? interval(draws[statistics - 1]) : [NaN, NaN];
  return { turns: perTurn, kappa: { value: withKappa ? kappaOf(point) : NaN, ciLow: kappaLow, ciHigh: kappaHigh } };
}

/** A judge against the humans, per turn, with κ. */
export function judgeHumanAgreement(humans: HumanTally[], verdicts: JudgeVerdict[], options: AgreementOptions = {}): JudgeAgreement {
  return summarise(judgeSums(humans, verdicts), true, options);
}

/** The humans against each other, per turn: the ceiling a judge is measured against. */
export function humanHumanAgreement(humans: HumanTally[], options: AgreementOptions = {}): TurnAgreement[] {
  return summarise(humanSums(humans), false, options).turns;
}

/**
 * FastChat's combined verdict of a position-swapped pair of judgments (both in model terms):
 * the same in both orders → that; different → a tie, counted as inconsistent. A failed side
 * ("error") fails the whole judgment (null), as show_result.py leaves such rows out.
 */
export function combineOrders(g1: string, g2: string | null): { winner: string | null; inconsistent: boolean } {
  if (g1 === "error" || g2 === "error") return { winner: null, inconsistent: false };
  if (g2 === null) return { winner: g1, inconsistent: false };
  if (g1 === g2) return { winner: g1, inconsistent: false };
  return { winner: "tie", inconsistent: true };
}
