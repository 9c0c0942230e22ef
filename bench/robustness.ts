import { cpus } from "node:os";
import { aggregateBattles, canonicalCounts, toUnordered } from "@/lib/ratings/aggregate";
import { fitBradleyTerry, pairWeights } from "@/lib/ratings/bradley-terry";
import { dropKRobustness } from "@/lib/ratings/robustness";
import { simulateBattles } from "./ratings-data";

/**
 * `npm run bench:robustness`: drop-k robustness (lib/ratings/robustness.ts) of a Bradley–Terry
 * board at 100,000 votes — the top rank, then every adjacent pair — on synthetic battles between
 * BENCH_MODELS models (100 by default; with closer ratings, 20). Goal: the top rank in < 5 s.
 */
const VOTES = Number(process.env.BENCH_VOTES ?? 100_000);
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, Node ${process.version}`);
for (const models of process.env.BENCH_MODELS ? [Number(process.env.BENCH_MODELS)] : [100, 20]) {
  const { battles } = simulateBattles({ votes: VOTES, models, seed: 3 });
  const unordered = toUnordered(canonicalCounts(aggregateBattles(battles)));
  const fit = fitBradleyTerry(pairWeights(unordered));
  let started = performance.now();
  const top = dropKRobustness(unordered, fit, { pairLimit: 0 });
  const topMs = performance.now() - started;
  started = performance.now();
  const all = dropKRobustness(unordered, fit);
  const allMs = performance.now() - started;
  const flips = all.pairs.map((pair) => pair.flipVotes).filter((k): k is number => k !== null);
  const exactEstimates = all.pairs.filter((pair) => pair.confirmed && pair.estimatedVotes === pair.flipVotes).length;
  console.log(
    `${VOTES.toLocaleString("en")} votes, ${models} models: top rank flips after ${top.topFlipVotes} removed votes, found in ${(topMs / 1000).toFixed(2)} s; ` +
      `all ${all.pairs.length} adjacent pairs in ${(allMs / 1000).toFixed(2)} s (median flip ${flips.sort((a, b) => a - b)[Math.floor(flips.length / 2)]} votes; ` +
      `influence estimate exact for ${exactEstimates} of ${all.pairs.length})`,
  );
}
