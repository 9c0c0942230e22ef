import { disconnectDb } from "@/lib/db";
import { simulate } from "@/lib/simulation/simulate";
import type { Strategy } from "@/lib/simulation/study";
import { benchDatabase } from "./lib";

/**
 * `npm run bench:simulate`: how long `simulate` takes for 10,000 votes through the database's
 * scheduler and vote path (10 models, 20 annotators, 50 prompts — the command's defaults), per
 * strategy, against a fresh embedded PostgreSQL. The bar: 10,000 votes in under a minute.
 */
const VOTES = Number(process.env.BENCH_VOTES ?? 10_000);

const database = await benchDatabase();
try {
  const truth = Object.fromEntries(Array.from({ length: 10 }, (_, k) => [`bench-model-${k}`, 1200 - 30 * k]));
  for (const strategy of ["ACTIVE", "BALANCED", "UNIFORM"] as Strategy[]) {
    const started = performance.now();
    const result = await simulate({
      slug: `bench-${strategy.toLowerCase()}`,
      truth,
      strategy,
      votes: VOTES,
      annotators: 20,
      prompts: 50,
      seed: 1,
      rates: { tie: 0.15, bothBad: 0.05 },
      noisyShare: 0,
      votesPerDay: 200,
      dailyCap: null,
    });
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `${strategy.toLowerCase()}: ${result.cast} votes in ${seconds.toFixed(1)} s (${((seconds * 1000) / result.cast).toFixed(2)} ms a vote, set-up included)`,
    );
  }
} finally {
  await disconnectDb();
  await database.stop();
}
