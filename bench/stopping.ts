/**
 * `npm run bench:stopping [-- --studies 200]`: the stopping rule (lib/ratings/stopping.ts) in
 * simulated studies, against a fixed-N design with the same guarantee.
 *
 * Each study runs the scheduler's in-memory replica (active sampling, 100 annotators, 20 prompts,
 * 15% ties, 5% both-bad) and checks the target "top model, 95%" after about every 2% more votes,
 * stopping at the first check that meets it. Reported: the share of studies whose declared top is
 * not the true top (the rule promises ≤ 5%), and the mean and median votes at stop.
 *
 * The fixed-N design decides its number of votes in advance and looks once: at N it declares the
 * fitted top when the top's one-look 95% intervals against every other model (the same sandwich
 * errors, the same Bonferroni share of α) exclude zero. Its N is the smallest, on the same grid,
 * at which that declaration is made in ≥ 95% of studies — what a researcher would have to budget
 * to be as sure of a result. The ratio mean stop / fixed N is what monitoring costs or saves.
 */
import { fitBradleyTerry, pairWeights, RATING_SCALE } from "@/lib/ratings/bradley-terry";
import { talliesToCounts } from "@/lib/ratings/planning";
import { rankOrder } from "@/lib/ratings/robustness";
import { checkTarget, sandwichCovariance, STOPPING_ALPHA } from "@/lib/ratings/stopping";
import { MemoryScheduler } from "@/lib/simulation/memory-scheduler";
import { runStudy } from "@/lib/simulation/study";

const SCENARIOS: { name: string; truth: number[] }[] = [
  { name: "8 models, lead 40", truth: [1140, 1100, 1080, 1040, 1000, 960, 900, 780] },
  { name: "10 models, lead 28 (MT-Bench shape)", truth: [1101.1, 1073.1, 1057.7, 1044.5, 1034.7, 1025.6, 1004.4, 934.4, 882.4, 842.4] },
  { name: "20 models, lead 60", truth: Array.from({ length: 20 }, (_, k) => (k === 0 ? 1300 : 1240 - 20 * k)) },
];

/** The standard normal quantile in the tails (p or 1 − p below 0.02425: Acklam's tail approximation, relative error < 1.2e-9), which is where Bonferroni-shared α puts it. */
function normalQuantile(p: number): number {
  if (Math.min(p, 1 - p) >= 0.02425) throw new Error("normalQuantile: tails only");
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const q = Math.min(p, 1 - p);
  const r = Math.sqrt(-2 * Math.log(q));
  const x = (((((c[0] * r + c[1]) * r + c[2]) * r + c[3]) * r + c[4]) * r + c[5]) / ((((d[0] * r + d[1]) * r + d[2]) * r + d[3]) * r + 1);
  return p < 0.5 ? x : -x;
}

interface Study {
  stopAt: number | null;
  wrong: boolean;
  /** Per grid point: would a one-look design have declared the (right or wrong) top here? */
  fixedDeclares: boolean[];
}

const GROWTH = 1.02;
const CAP = 200_000;

function grid(): number[] {
  const points = [50];
  while (points.at(-1)! < CAP) points.push(Math.ceil(points.at(-1)! * GROWTH));
  return points;
}

async function study(truth: number[], seed: number, checks: number[]): Promise<Study> {
  const m = truth.length;
  const modelIds = truth.map((_, k) => `m${String(k).padStart(3, "0")}`);
  const scheduler = new MemoryScheduler({
    modelIds,
    prompts: 20,
    strategy: "ACTIVE",
    targetVotesPerItem: 100,
    dailyCap: null,
    seed,
    planKey: `stopping-${seed}-${Math.random()}`,
  });
  const oneLookZ = normalQuantile(1 - STOPPING_ALPHA / (2 * (m - 1)));
  const result: Study = { stopAt: null, wrong: false, fixedDeclares: [] };
  let next = 0;
  let fixedDone = false;
  await runStudy(
    scheduler,
    {
      votes: CAP,
      annotators: 100,
      ratings: truth,
      rates: { tie: 0.15, bothBad: 0.05 },
      noisyShare: 0,
      votesPerDay: 200,
      seed,
      start: new Date(0),
    },
    (vote) => {
      if (vote.index + 1 !== checks[next]) return;
      next++;
      const { models, counts } = talliesToCounts(scheduler.tallies());
      if (result.stopAt === null && checkTarget(counts, m, { kind: "top", k: 1 }).met) {
        result.stopAt = vote.index + 1;
        const fit = fitBradleyTerry(pairWeights(counts));
        result.wrong = Number(models[rankOrder(fit.theta)[0]]) !== 0;
      }
      // The one-look design's declaration at this N (tracked until it first holds for good).
      if (!fixedDone && models.length === m) {
        const fit = fitBradleyTerry(pairWeights(counts));
        const covariance = sandwichCovariance(counts, fit)!;
        const top = rankOrder(fit.theta)[0];
        const declares = rankOrder(fit.theta)
          .slice(1)
          .every((other) => {
            const se = Math.sqrt(covariance[top * m + top] + covariance[other * m + other] - 2 * covariance[top * m + other]);
            return (fit.theta[top] - fit.theta[other]) * RATING_SCALE > oneLookZ * se * RATING_SCALE;
          });
        result.fixedDeclares.push(declares);
        // Once the rule has stopped and the one-look design has declared at 5 grid points in a row, the rest is carried forward.
        if (result.stopAt !== null && result.fixedDeclares.slice(-5).filter(Boolean).length === 5) fixedDone = true;
      } else if (!fixedDone) result.fixedDeclares.push(false);
      return result.stopAt !== null && fixedDone ? "stop" : undefined;
    },
  );
  return result;
}

function flag(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
}

const studies = Number(flag("studies", "200"));
const checks = grid();
console.log(`${studies} studies per scenario; target "top model, 95%", checked after about every 2% more votes\n`);
console.log("| scenario | wrong at stop | mean votes at stop | median | fixed N (95% declare) | mean stop / fixed N |");
console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
for (const scenario of SCENARIOS) {
  const started = performance.now();
  const runs: Study[] = [];
  for (let seed = 1; seed <= studies; seed++) runs.push(await study(scenario.truth, seed, checks));
  const stopped = runs.filter((r) => r.stopAt !== null);
  const stops = stopped.map((r) => r.stopAt!).sort((a, b) => a - b);
  const mean = stops.reduce((a, b) => a + b, 0) / (stops.length || 1);
  const wrong = stopped.filter((r) => r.wrong).length;
  let fixedN: number | null = null;
  for (let c = 0; c < checks.length && fixedN === null; c++) {
    const declared = runs.filter((r) => r.fixedDeclares[Math.min(c, r.fixedDeclares.length - 1)]).length;
    if (declared >= 0.95 * runs.length) fixedN = checks[c];
  }
  console.log(
    `| ${scenario.name} | ${((100 * wrong) / (stopped.length || 1)).toFixed(1)}% (${wrong}/${stopped.length}) | ${Math.round(mean)} | ${stops[Math.floor(stops.length / 2)]} | ${fixedN ?? "—"} | ${fixedN ? (mean / fixedN).toFixed(2) : "—"} |`,
  );
  process.stderr.write(`${scenario.name}: ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
}
