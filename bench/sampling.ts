/**
 * `npm run bench:sampling [-- --seeds 20 --sizes 10,20,40 --strategies ACTIVE,UNIFORM,BALANCED]`:
 * how many votes each sampling strategy needs, over many simulated studies.
 *
 * Each study runs the scheduler's in-memory replica (lib/simulation/memory-scheduler.ts, which
 * casts vote for vote what the database's scheduler casts for the same seed — simulation.test.ts)
 * through the simulator's loop, with 100 annotators, 20 prompts, 15% ties and 5% both-bad. After
 * about every 8% more votes it fits Bradley–Terry and records the criteria of
 * lib/simulation/criteria.ts. Per scenario and strategy it prints the votes until
 *   (a) the mean over seeds of the share of pairs ≥ 20 points apart ordered correctly is ≥ 97%,
 *   (b) the top model is right in ≥ 95% of seeds (when its true lead is ≥ 20 points),
 *   (c) the median seed has every adjacent pair separated or closer than 10 points,
 * and the ratios active / uniform and active / balanced. A seed stops once (a) ≥ 99%, (b) and (c)
 * have held at three checkpoints in a row (its last values are carried forward) or at the cap.
 *
 * Spreads: "mt-bench" takes the shape of the Japanese MT-Bench GPT-4 single scores of
 * ../shared/datasets/japanese-mt-bench/scores.csv at an assumed 80 Elo per MT-Bench point,
 * resampled to n models with the same average gap between neighbours (~29 points);
 * "crowded-top" is the same with the best three within 30 points (15 apart).
 *
 * `--quick` stops seeds without waiting for (c); `--curve 300,600` prints the mean share of (a) at
 * those vote counts; `--bound` prints, instead of running studies, the fewest votes any spread of
 * votes could need for (a) by large-sample theory (bench/allocation-bound.ts), as a share of
 * uniform's. Studies run in two child processes (one per core); `--worker` is the child's entry.
 */
import { fork } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { allocationBound } from "./allocation-bound";
import { studyState, type StudyState } from "@/lib/simulation/criteria";
import { MemoryScheduler } from "@/lib/simulation/memory-scheduler";
import { runStudy, type Strategy } from "@/lib/simulation/study";
import { SHARED_DIR } from "@/lib/testing/shared-data";

const ANNOTATORS = 100;
const PROMPTS = 20;
const GRID_GROWTH = 1.04;
const FIRST_CHECK = 40;
const ELO_PER_MT_BENCH_POINT = 80;
/** `--quick`: seeds stop without waiting for (c), which then reads as not reached. */
const QUICK = process.argv.includes("--quick");
/** `--curve 300,600,…`: also print each strategy's mean share of (a) at these vote counts. */
const CURVE = process.argv.includes("--curve") ? process.argv[process.argv.indexOf("--curve") + 1].split(",").map(Number) : [];

function grid(max: number): number[] {
  const points = [FIRST_CHECK];
  while (points.at(-1)! < max) points.push(Math.ceil(points.at(-1)! * GRID_GROWTH));
  return points;
}

function mtBenchShape(): number[] {
  const lines = readFileSync(join(SHARED_DIR, "datasets/japanese-mt-bench/scores.csv"), "utf8").trim().split("\n").slice(1);
  return lines.map((line) => Number(line.split(",")[2])).sort((a, b) => a - b);
}

/**
 * n ratings with the shape of `scores` (ascending), best first, mean 1000: the best model keeps its
 * real lead over the second; the others are resampled between the second and the last with the
 * real average gap between neighbours.
 */
export function spread(kind: "mt-bench" | "crowded-top", n: number, scores = mtBenchShape()): number[] {
  const elo = scores.map((score) => score * ELO_PER_MT_BENCH_POINT);
  const rest = elo.slice(0, -1);
  const lead = elo.at(-1)! - rest.at(-1)!;
  const stretch = (rest.length - 1) / (n - 2);
  const at = (q: number) => {
    const x = q * (rest.length - 1);
    const k = Math.min(Math.floor(x), rest.length - 2);
    return rest[k] + (x - k) * (rest[k + 1] - rest[k]);
  };
  // Resampled at n − 1 points, then spread out so that neighbours keep the real average gap.
  const top = rest.at(-1)!;
  const others = Array.from({ length: n - 1 }, (_, k) => top - (top - at(1 - k / (n - 2))) / stretch);
  const raw = [top + lead, ...others];
  if (kind === "crowded-top") {
    raw[1] = raw[0] - 15;
    raw[2] = raw[0] - 30;
  }
  const mean = raw.reduce((a, b) => a + b, 0) / n;
  return raw.map((r) => Math.round((1000 + r - mean) * 10) / 10);
}

interface SeedRun {
  states: StudyState[];
}

const CAP: Record<number, number> = { 10: 60_000, 20: 150_000, 40: 200_000 };

async function runSeed(truth: number[], strategy: Strategy, seed: number, checks: number[]): Promise<SeedRun> {
  const modelIds = truth.map((_, k) => `model-${String(k).padStart(3, "0")}-${((k * 7919 + seed * 104729) % 9973).toString(36)}`);
  const scheduler = new MemoryScheduler({
    modelIds,
    prompts: PROMPTS,
    strategy,
    targetVotesPerItem: ANNOTATORS,
    dailyCap: null,
    seed,
    planKey: `bench-${strategy}-${truth.length}-${seed}-${Math.random()}`,
  });
  const states: StudyState[] = [];
  let next = 0;
  let streak = 0;
  let stop = false;
  await runStudy(
    scheduler,
    {
      votes: checks.at(-1)!,
      annotators: ANNOTATORS,
      ratings: truth,
      rates: { tie: 0.15, bothBad: 0.05 },
      noisyShare: 0,
      votesPerDay: 200,
      seed,
      start: new Date(Date.UTC(2026, 0, 1)),
    },
    (vote) => {
      if (vote.index + 1 !== checks[next]) return;
      next++;
      const state = studyState(scheduler.tallies(), truth);
      states.push(state);
      streak = state.ordered >= 0.99 && state.topRight && (state.settled || QUICK) ? streak + 1 : 0;
      if (streak >= 3) stop = true;
      return stop ? "stop" : undefined;
    },
  );
  return { states };
}

/** The first checkpoint from which a condition over seeds holds (each seed's last state carried forward), or null. */
function firstHolding(runs: SeedRun[], checks: number[], holds: (states: StudyState[]) => boolean): number | null {
  for (let c = 0; c < checks.length; c++) {
    if (holds(runs.map((run) => run.states[Math.min(c, run.states.length - 1)]))) return checks[c];
  }
  return null;
}

interface ScenarioResult {
  scenario: string;
  strategy: Strategy;
  a: number | null;
  b: number | null;
  c: number | null;
  seconds: number;
}

async function scenario(kind: "mt-bench" | "crowded-top", n: number, strategy: Strategy, seeds: number): Promise<ScenarioResult> {
  const started = performance.now();
  const truth = spread(kind, n);
  const checks = grid(CAP[n] ?? 300_000);
  const runs: SeedRun[] = [];
  for (let seed = 1; seed <= seeds; seed++) runs.push(await runSeed(truth, strategy, seed, checks));
  const lead = truth[0] - truth[1];
  if (CURVE.length) {
    const at = (votes: number) => checks.findIndex((c) => c >= votes);
    const means = CURVE.map((v) => {
      const c = at(v);
      const states = runs.map((run) => run.states[Math.min(c, run.states.length - 1)]);
      return `${v}:${(states.reduce((sum, st) => sum + st.ordered, 0) / states.length).toFixed(4)}`;
    });
    process.stderr.write(`curve ${kind} ${n} ${strategy} ${means.join(" ")}\n`);
  }
  const median = (values: boolean[]) => values.filter(Boolean).length * 2 >= values.length;
  return {
    scenario: `${kind} ${n}`,
    strategy,
    a: firstHolding(runs, checks, (states) => states.reduce((sum, s) => sum + s.ordered, 0) / states.length >= 0.97),
    b: lead >= 20 ? firstHolding(runs, checks, (states) => states.filter((s) => s.topRight).length >= 0.95 * states.length) : null,
    c: firstHolding(runs, checks, (states) => median(states.map((s) => s.settled))),
    seconds: (performance.now() - started) / 1000,
  };
}

function flag(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
}

async function main() {
  if (process.argv.includes("--truth")) {
    for (const n of flag("sizes", "10,20,40").split(",").map(Number))
      for (const kind of ["mt-bench", "crowded-top"] as const) console.log(kind, n, spread(kind, n).join(" "));
    return;
  }
  if (process.argv.includes("--bound")) {
    // The yardstick of bench/allocation-bound.ts: what the best possible spread of votes would save.
    for (const n of flag("sizes", "10,20,40").split(",").map(Number))
      for (const kind of ["mt-bench", "crowded-top"] as const) {
        const { uniform, best } = allocationBound(spread(kind, n));
        console.log(
          `${kind} ${n}: (a) best spread / uniform ${(best / uniform).toFixed(2)} (theory: ${Math.round(best)} / ${Math.round(uniform)} votes)`,
        );
      }
    return;
  }
  if (process.argv.includes("--worker")) {
    const [kind, n, strategy, seeds] = JSON.parse(flag("worker", "[]")) as ["mt-bench" | "crowded-top", number, Strategy, number];
    process.send!(await scenario(kind, n, strategy, seeds));
    return;
  }
  const seeds = Number(flag("seeds", "20"));
  const sizes = flag("sizes", "10,20,40").split(",").map(Number);
  const strategies = flag("strategies", "ACTIVE,UNIFORM,BALANCED").split(",") as Strategy[];
  const jobs = sizes.flatMap((n) =>
    (["mt-bench", "crowded-top"] as const).flatMap((kind) => strategies.map((s) => [kind, n, s, seeds] as const)),
  );
  // Longest first, so the two processes finish together.
  jobs.sort((x, y) => y[1] - x[1]);
  const results: ScenarioResult[] = [];
  const started = performance.now();
  const self = fileURLToPath(import.meta.url);
  const work = async () => {
    for (let job = jobs.shift(); job; job = jobs.shift()) {
      const child = fork(
        self,
        ["--worker", JSON.stringify(job), ...(QUICK ? ["--quick"] : []), ...(CURVE.length ? ["--curve", CURVE.join(",")] : [])],
        {
          execArgv: process.execArgv,
        },
      );
      const result = await new Promise<ScenarioResult>((resolve, reject) => {
        child.once("message", (message) => resolve(message as ScenarioResult));
        child.once("exit", (code) => code && reject(new Error(`worker exited with ${code}`)));
      });
      child.kill();
      process.stderr.write(
        `${result.scenario} ${result.strategy}: a ${result.a} b ${result.b} c ${result.c} (${result.seconds.toFixed(0)} s)\n`,
      );
      results.push(result);
    }
  };
  await Promise.all([work(), work()]);

  const ratio = (x: number | null, y: number | null) => (x && y ? (x / y).toFixed(2) : "—");
  console.log(`\n${seeds} seeds per scenario, ${ANNOTATORS} annotators, ${PROMPTS} prompts; votes until each criterion:\n`);
  console.log("| scenario | criterion | active | uniform | balanced | active / uniform | active / balanced |");
  console.log("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
  for (const n of sizes)
    for (const kind of ["mt-bench", "crowded-top"]) {
      const of = (strategy: Strategy) => results.find((r) => r.scenario === `${kind} ${n}` && r.strategy === strategy);
      for (const criterion of ["a", "b", "c"] as const) {
        const [active, uniform, balanced] = (["ACTIVE", "UNIFORM", "BALANCED"] as const).map((s) => of(s)?.[criterion] ?? null);
        console.log(
          `| ${kind} ${n} | (${criterion}) | ${active ?? "—"} | ${uniform ?? "—"} | ${balanced ?? "—"} | ${ratio(active, uniform)} | ${ratio(active, balanced)} |`,
        );
      }
    }
  console.log(`\nvotes active / uniform; total ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

await main();
