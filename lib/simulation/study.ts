import type { Outcome } from "@/lib/generated/prisma/enums";
import { seededRandom } from "@/lib/ratings/random";
import { drawOutcome, isNoisy, type OutcomeRates } from "./truth";

/**
 * The loop of a simulated study, the same whether the scheduler behind it is the database's
 * (lib/simulation/simulate.ts: the claim and vote statements the web uses) or its in-memory
 * replica (memory-scheduler.ts, for the sampling benchmark): annotators arrive at random, take
 * their next pair and vote as the truth says, on a simulated clock.
 */

export type Strategy = "UNIFORM" | "BALANCED" | "ACTIVE";

/** A pair handed to annotator `annotator`, as the simulator (not the annotator) knows it. */
export interface HandedPair {
  assignmentId: string;
  /** Indices of the shown models in the study's model list. */
  left: number;
  right: number;
}

export type NextPair = { status: "assigned"; pair: HandedPair } | { status: "capReached" | "done" };

export interface SchedulerUnderTest {
  next(annotator: number, now: Date, random: () => number): Promise<NextPair>;
  /** Stores the vote; false when the vote path refused it. */
  vote(annotator: number, pair: HandedPair, outcome: Outcome, durationMs: number, at: Date): Promise<boolean>;
}

export interface StudyOptions {
  votes: number;
  annotators: number;
  /** True ratings, in the order of the scheduler's model indices. */
  ratings: number[];
  rates: OutcomeRates;
  /** Share of annotators who answer at random. */
  noisyShare: number;
  votesPerDay: number;
  seed: number;
  start: Date;
}

export interface CastVote {
  index: number;
  annotator: number;
  left: number;
  right: number;
  outcome: Outcome;
  at: Date;
}

export interface StudyResult {
  cast: number;
  /** The campaign had no pair left for any annotator before the votes were cast. */
  exhausted: boolean;
  firstAt: Date | null;
  lastAt: Date | null;
}

// Separate streams, so that a change in how much chance one part draws leaves the others alone.
const SCHEDULER_STREAM = 0;
const ARRIVAL_STREAM = 1;
const OUTCOME_STREAM = 2;
/** Stream from which the simulator draws its items' random keys. */
export const ITEM_KEY_STREAM = 3;

const DAY_MS = 86_400_000;

function nextUtcMidnight(at: Date): Date {
  return new Date((Math.floor(at.getTime() / DAY_MS) + 1) * DAY_MS);
}

/**
 * Casts `options.votes` votes through `scheduler`. Vote k is cast at `start + k × (1 day /
 * votesPerDay)` plus the time it took (30–70% of that spacing), so timestamps increase in the
 * order of casting. An annotator at their daily cap waits for the next simulated day; the study
 * ends early only when no annotator has a pair left.
 */
export async function runStudy(
  scheduler: SchedulerUnderTest,
  options: StudyOptions,
  /** Sees each vote as it is cast; "stop" ends the study there. */
  onVote?: (vote: CastVote) => "stop" | void,
): Promise<StudyResult> {
  const schedulerRandom = seededRandom(options.seed, SCHEDULER_STREAM);
  const arrival = seededRandom(options.seed, ARRIVAL_STREAM);
  const chance = seededRandom(options.seed, OUTCOME_STREAM);
  const spacing = DAY_MS / options.votesPerDay;
  const exhausted = new Set<number>();
  let capped = new Set<number>();
  let clock = options.start.getTime();
  let day = Math.floor(clock / DAY_MS);
  let cast = 0;
  let firstAt: Date | null = null;
  let lastAt: Date | null = null;

  while (cast < options.votes) {
    if (Math.floor(clock / DAY_MS) !== day) {
      day = Math.floor(clock / DAY_MS);
      capped = new Set();
    }
    const waiting = [];
    for (let k = 0; k < options.annotators; k++) if (!exhausted.has(k) && !capped.has(k)) waiting.push(k);
    if (waiting.length === 0) {
      if (exhausted.size === options.annotators) return { cast, exhausted: true, firstAt, lastAt };
      clock = nextUtcMidnight(new Date(clock)).getTime();
      continue;
    }
    const annotator = waiting[Math.floor(arrival() * waiting.length)];
    const next = await scheduler.next(annotator, new Date(clock), schedulerRandom);
    if (next.status !== "assigned") {
      (next.status === "capReached" ? capped : exhausted).add(annotator);
      continue;
    }
    const { pair } = next;
    const noisy = isNoisy(annotator, options.annotators, options.noisyShare);
    const outcome = drawOutcome(options.ratings[pair.left], options.ratings[pair.right], options.rates, noisy, chance);
    const durationMs = Math.round(spacing * (0.3 + 0.4 * chance()));
    const at = new Date(clock + durationMs);
    if (!(await scheduler.vote(annotator, pair, outcome, durationMs, at)))
      throw new Error(`the vote path refused simulated vote ${cast + 1}`);
    firstAt ??= at;
    lastAt = at;
    cast++;
    clock += spacing;
    if (onVote?.({ index: cast - 1, annotator, left: pair.left, right: pair.right, outcome, at }) === "stop") break;
  }
  return { cast, exhausted: false, firstAt, lastAt };
}
