import { cpus } from "node:os";
import { aggregateBattles, toUnordered } from "@/lib/ratings/aggregate";
import { bootstrapThetas } from "@/lib/ratings/bootstrap";
import { fitBradleyTerry, pairWeights } from "@/lib/ratings/bradley-terry";
import { onlineElo } from "@/lib/ratings/elo";
import { bootstrapThetasParallel } from "@/lib/ratings/parallel";
import { seededRandom } from "@/lib/ratings/random";
import type { Battle } from "@/lib/ratings/types";
import { simulateBattles } from "./ratings-data";

/**
 * `npm run bench:ratings`: aggregation, point estimate and a 1,000-round bootstrap for
 * 10k/100k/1M votes × 20/100/300 models, against a naive bootstrap that resamples battle rows
 * (what FastChat does) timed on a few rounds and scaled to 1,000.
 */

const ROUNDS = 1000;
const sizes = (process.env.BENCH_VOTES ?? "10000,100000,1000000").split(",").map(Number);
const modelCounts = (process.env.BENCH_MODELS ?? "20,100,300").split(",").map(Number);

function time<T>(work: () => T): [T, number] {
  const start = performance.now();
  const result = work();
  return [result, performance.now() - start];
}

async function timeAsync<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
}

/** Resample N rows with replacement, re-aggregate and re-fit: the textbook bootstrap. */
function naiveRound(battles: Battle[], seed: number): void {
  const random = seededRandom(seed, 999);
  const sample: Battle[] = new Array(battles.length);
  for (let i = 0; i < battles.length; i++) sample[i] = battles[Math.floor(random() * battles.length)];
  fitBradleyTerry(pairWeights(toUnordered(aggregateBattles(sample))));
}

const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version}`);
console.log(
  "| votes | models | aggregate | online Elo | BT point | bootstrap 1,000 (1 thread) | bootstrap 1,000 (all cores) | total (all cores) | naive row bootstrap, 1,000 rounds (est.) | speed-up |",
);
console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const votes of sizes) {
  for (const models of modelCounts) {
    const { battles } = simulateBattles({ votes, models, seed: votes + models });
    const [counts, aggregateMs] = time(() => aggregateBattles(battles));
    const [, eloMs] = time(() => onlineElo(battles));
    const unordered = toUnordered(counts);
    const [fit, pointMs] = time(() => fitBradleyTerry(pairWeights(unordered)));
    const input = { counts: unordered, fit, seed: 0, fromRound: 0, toRound: ROUNDS };
    const [, singleMs] = time(() => bootstrapThetas(input));
    const [, parallelMs] = await timeAsync(() => bootstrapThetasParallel(input));
    const naiveRounds = votes >= 1_000_000 ? 3 : votes >= 100_000 ? 10 : 30;
    const [, naiveMs] = time(() => {
      for (let r = 0; r < naiveRounds; r++) naiveRound(battles, r);
    });
    const naiveTotal = (naiveMs / naiveRounds) * ROUNDS;
    const total = aggregateMs + eloMs + pointMs + parallelMs;
    console.log(
      `| ${votes.toLocaleString("en")} | ${models} | ${fmt(aggregateMs)} | ${fmt(eloMs)} | ${fmt(pointMs)} | ${fmt(singleMs)} | ${fmt(parallelMs)} | ${fmt(total)} | ${fmt(naiveTotal)} | ${(naiveTotal / total).toFixed(0)}× |`,
    );
  }
}
