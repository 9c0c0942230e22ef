import type { Outcome } from "@/lib/generated/prisma/enums";
import type { PairTally } from "@/lib/ratings/planning";
import { seededRandom } from "@/lib/ratings/random";
import { orderAtRandom, orderByUncertainty, type PairRow } from "@/lib/scheduling/pair-order";
import type { HandedPair, NextPair, SchedulerUnderTest, Strategy } from "./study";
import { ITEM_KEY_STREAM } from "./study";

/**
 * The scheduler of lib/scheduling as an in-memory replica, for the sampling benchmark, which runs
 * hundreds of studies: the same pair order (the pure functions of pair-order.ts), the same claim
 * rule (the least-loaded item below the target that the annotator was never given, by random key),
 * the same chance drawn in the same order, and the daily cap. It leaves out what a simulated
 * study never meets: expiry (every pair is voted at once), reveals, blocked and gold pairs, and the
 * per-minute limit. `simulation.test.ts` checks that it casts exactly the votes the database's
 * scheduler casts for the same seed.
 */

interface MemoryItem {
  pair: number;
  key: number;
  load: number;
}

const PAIR_TRIES = 5;
const DAY_MS = 86_400_000;

export interface MemorySchedulerOptions {
  /** Model ids in the order of the study's model indices; pairs are ordered by them as the database orders uuids. */
  modelIds: string[];
  prompts: number;
  strategy: Strategy;
  targetVotesPerItem: number;
  dailyCap: number | null;
  seed: number;
  /** Names the campaign whose settle plan is kept (lib/scheduling/settle-plan.ts). */
  planKey: string;
}

export class MemoryScheduler implements SchedulerUnderTest {
  /** Pair rows ordered by (low id, high id), with their running tallies. */
  readonly pairs: PairRow[];
  private readonly lowIndex: number[];
  private readonly highIndex: number[];
  private readonly pairIndex = new Map<string, number>();
  /** Items by pair, and all items, each list in claim order of random key. */
  private readonly itemsOfPair: MemoryItem[][];
  private readonly allItems: MemoryItem[];
  private readonly given: Set<MemoryItem>[] = [];
  /** Items at each load, to know the lowest load any item has (a scan may stop at an item with it). */
  private readonly itemsAtLoad: number[] = [];
  /** In allItems, every item before this index has more than the lowest load (loads only grow). */
  private lowestFrom = 0;
  private lowestAt = 0;
  private readonly voteTimes: number[][] = [];

  constructor(private readonly options: MemorySchedulerOptions) {
    const ids = options.modelIds;
    const byId = [...ids.keys()].sort((a, b) => (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0));
    this.pairs = [];
    this.lowIndex = [];
    this.highIndex = [];
    for (let a = 0; a < byId.length; a++)
      for (let b = a + 1; b < byId.length; b++) {
        this.pairIndex.set(`${byId[a]}|${byId[b]}`, this.pairs.length);
        this.pairs.push({ lowModelId: ids[byId[a]], highModelId: ids[byId[b]], votes: 0, winsLow: 0, winsHigh: 0 });
        this.lowIndex.push(byId[a]);
        this.highIndex.push(byId[b]);
      }
    // Keys drawn item by item in the order the simulator numbers the database's items: prompt, then pair.
    const keys = seededRandom(options.seed, ITEM_KEY_STREAM);
    this.itemsOfPair = this.pairs.map(() => []);
    this.allItems = [];
    for (let prompt = 0; prompt < options.prompts; prompt++)
      for (let pair = 0; pair < this.pairs.length; pair++) {
        const item = { pair, key: keys(), load: 0 };
        this.itemsOfPair[pair].push(item);
        this.allItems.push(item);
      }
    const byKey = (a: MemoryItem, b: MemoryItem) => a.key - b.key;
    for (const items of this.itemsOfPair) items.sort(byKey);
    this.allItems.sort(byKey);
    this.itemsAtLoad[0] = this.allItems.length;
  }

  async next(annotator: number, now: Date, random: () => number): Promise<NextPair> {
    return this.nextSync(annotator, now, random);
  }

  async vote(annotator: number, pair: HandedPair, outcome: Outcome, _durationMs: number, at: Date): Promise<boolean> {
    this.voteSync(annotator, pair, outcome, at);
    return true;
  }

  nextSync(annotator: number, now: Date, random: () => number): NextPair {
    const given = (this.given[annotator] ??= new Set());
    const times = (this.voteTimes[annotator] ??= []);
    if (this.options.dailyCap !== null) {
      const dayStart = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
      let today = 0;
      for (let i = times.length - 1; i >= 0 && times[i] >= dayStart; i--) today++;
      if (today >= this.options.dailyCap) return { status: "capReached" };
    }
    random(); // the scheduler's draw for sweeping lapsed assignments
    const strategy = this.options.strategy;
    if (strategy !== "BALANCED") {
      const order =
        strategy === "ACTIVE"
          ? orderByUncertainty(this.options.planKey, this.pairs, random, PAIR_TRIES)
          : orderAtRandom(this.pairs, random);
      for (const { low, high } of order.slice(0, PAIR_TRIES)) {
        const pair = this.pairIndex.get(`${this.options.modelIds.indexOf(low)}|${this.options.modelIds.indexOf(high)}`)!;
        const handed = this.claim(this.itemsOfPair[pair], given, random);
        if (handed) return { status: "assigned", pair: handed };
      }
    }
    const handed = this.claim(this.allItems, given, random);
    return handed ? { status: "assigned", pair: handed } : { status: "done" };
  }

  /** The running tallies with each model named by its index in the study ("0" is `modelIds[0]`). */
  tallies(): PairTally[] {
    return this.pairs.map((row, index) => ({
      low: String(this.lowIndex[index]),
      high: String(this.highIndex[index]),
      votes: row.votes,
      winsLow: row.winsLow,
      winsHigh: row.winsHigh,
    }));
  }

  voteSync(annotator: number, pair: HandedPair, outcome: Outcome, at: Date): void {
    this.voteTimes[annotator].push(at.getTime());
    const index = this.pairIndex.get(`${pair.left}|${pair.right}`) ?? this.pairIndex.get(`${pair.right}|${pair.left}`)!;
    const row = this.pairs[index];
    const lowShown = this.lowIndex[index] === pair.left ? "left" : "right";
    row.votes++;
    const winner = outcome === "LEFT" ? "left" : outcome === "RIGHT" ? "right" : null;
    if (winner === lowShown) row.winsLow++;
    else if (winner) row.winsHigh++;
  }

  /** The least-loaded item of `items` below the target that this annotator was never given (random key breaks ties). */
  private claim(items: MemoryItem[], given: Set<MemoryItem>, random: () => number): HandedPair | null {
    const lowOnLeft = random() < 0.5;
    let lowest = 0;
    while (!this.itemsAtLoad[lowest]) lowest++;
    if (lowest !== this.lowestAt) [this.lowestAt, this.lowestFrom] = [lowest, 0];
    // In claim order (key), the first claimable item at the lowest load wins; none can come before it.
    const scan = (from: number): MemoryItem | null => {
      let best: MemoryItem | null = null;
      for (let index = from; index < items.length; index++) {
        const item = items[index];
        if (item.load >= this.options.targetVotesPerItem || given.has(item)) continue;
        if (!best || item.load < best.load) best = item;
        if (best.load === lowest) break;
      }
      return best;
    };
    let best: MemoryItem | null;
    if (items === this.allItems) {
      while (this.lowestFrom < items.length && items[this.lowestFrom].load > lowest) this.lowestFrom++;
      best = scan(this.lowestFrom);
      // Every item at the lowest load was given to this annotator: the best is among all.
      if (best?.load !== lowest) best = scan(0);
    } else best = scan(0);
    if (!best) return null;
    this.itemsAtLoad[best.load]--;
    best.load++;
    this.itemsAtLoad[best.load] = (this.itemsAtLoad[best.load] ?? 0) + 1;
    given.add(best);
    const low = this.lowIndex[best.pair];
    const high = this.highIndex[best.pair];
    return { assignmentId: "", left: lowOnLeft ? low : high, right: lowOnLeft ? high : low };
  }
}
