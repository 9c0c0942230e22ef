import type { HumanTally, PairVerdict } from "./judge-agreement";

/**
 * How a judge decides, beside the humans on the same pairs: position bias when its two orders
 * disagree, a preference for longer answers, a preference for its own model's answers. Verdicts
 * and tallies are in the order of the pair's model ids, as in judge-agreement.ts.
 */

export interface ProfiledVerdict {
  question: string;
  pair: string;
  turn: number;
  verdict: PairVerdict;
  /** Both orders' results as asked (model_a is the model shown first in the first order), g2 null without a swap. */
  g1: string | null;
  g2: string | null;
  /** The two answers' lengths in characters, up to the judged turn (first model, second model). */
  lengths: [number, number];
  /** Which side is the judge's own model, if it is a contestant. */
  self: "first" | "second" | null;
}

export interface Share {
  count: number;
  of: number;
  /** count / of; null when of is 0. */
  share: number | null;
}

export interface JudgeProfile {
  /** Position-swapped verdicts whose two orders disagreed, and among the picks in them, how many went to the answer shown first. */
  inconsistent: number;
  firstPosition: Share;
  /** Decided verdicts on answers of different length that went to the longer one; humans' decided votes on the same pairs. */
  longer: { judge: Share; humans: Share };
  /** With the judge's own model in the pair: decided verdicts for it, and humans' decided votes for it on the same pairs (null: not a contestant). */
  selfPreference: { judge: Share; humans: Share } | null;
}

const share = (count: number, of: number): Share => ({ count, of, share: of ? count / of : null });

/** Which position a result picked: in the first order model_a is shown first, in the swapped one model_b. */
function position(result: string | null, swapped: boolean): "first" | "second" | null {
  if (result !== "model_a" && result !== "model_b") return null;
  return (result === "model_a") !== swapped ? "first" : "second";
}

export function judgeProfile(verdicts: ProfiledVerdict[], humans: HumanTally[]): JudgeProfile {
  const tallies = new Map(humans.map((t) => [`${t.question}\u0000${t.pair}\u0000${t.turn}`, t]));
  let inconsistent = 0;
  let firstPicks = 0;
  let picks = 0;
  const longer = { judge: [0, 0], humans: [0, 0] };
  const self = { judge: [0, 0], humans: [0, 0] };
  let selfSeen = false;
  for (const v of verdicts) {
    const tally = tallies.get(`${v.question}\u0000${v.pair}\u0000${v.turn}`);
    if (v.g2 !== null && v.g1 !== v.g2) {
      inconsistent += 1;
      for (const picked of [position(v.g1, false), position(v.g2, true)]) {
        if (picked === null) continue;
        picks += 1;
        if (picked === "first") firstPicks += 1;
      }
    }
    const [a, b] = v.lengths;
    if (v.verdict !== "tie" && a !== b) {
      const longerSide = a > b ? "first" : "second";
      longer.judge[1] += 1;
      if (v.verdict === longerSide) longer.judge[0] += 1;
      if (tally) {
        longer.humans[1] += tally.first + tally.second;
        longer.humans[0] += tally[longerSide];
      }
    }
    if (v.self) {
      selfSeen = true;
      if (v.verdict !== "tie") {
        self.judge[1] += 1;
        if (v.verdict === v.self) self.judge[0] += 1;
      }
      if (tally) {
        self.humans[1] += tally.first + tally.second;
        self.humans[0] += tally[v.self];
      }
    }
  }
  return {
    inconsistent,
    firstPosition: share(firstPicks, picks),
    longer: { judge: share(longer.judge[0], longer.judge[1]), humans: share(longer.humans[0], longer.humans[1]) },
    selfPreference: selfSeen ? { judge: share(self.judge[0], self.judge[1]), humans: share(self.humans[0], self.humans[1]) } : null,
  };
}
