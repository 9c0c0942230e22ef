import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { workerFromTypeScript } from "../worker-source";
import { bootstrapThetas, type BootstrapInput } from "./bootstrap";

/**
 * Spreads bootstrap rounds over worker threads. Each round draws from its own seeded stream, so
 * the result is identical to `bootstrapThetas` on one thread, only sooner.
 */
export async function bootstrapThetasParallel(
  input: BootstrapInput,
  threads = availableParallelism(),
  // Below this much work, starting threads costs more than it saves. A server passes less: there
  // the point is to keep its event loop free, not only to finish sooner.
  { minWork = 2_000_000 }: { minWork?: number } = {},
): Promise<Float64Array> {
  const rounds = input.toRound - input.fromRound;
  const m = input.counts.modelCount;
  const work = rounds * Math.max(input.counts.i.length, m * m);
  if (rounds < 2 || work < minWork) return bootstrapThetas(input);
  const parts = Math.max(1, Math.min(threads, rounds));
  const out = new Float64Array(rounds * m);
  const jobs: Promise<void>[] = [];
  for (let part = 0; part < parts; part++) {
    const fromRound = input.fromRound + Math.floor((rounds * part) / parts);
    const toRound = input.fromRound + Math.floor((rounds * (part + 1)) / parts);
    jobs.push(
      runWorker({ ...input, fromRound, toRound }).then((thetas) => {
        out.set(thetas, (fromRound - input.fromRound) * m);
      }),
    );
  }
  await Promise.all(jobs);
  return out;
}

/**
 * Inside the Next.js server the worker is a chunk the bundler builds from the
 * `new Worker(new URL(…, import.meta.url))` form; run from TypeScript sources (CLI, tests,
 * benchmarks) the worker first registers tsx's loader, which workers do not inherit.
 */
function startWorker(input: BootstrapInput): Worker {
  if (process.env.NEXT_RUNTIME) return new Worker(new URL("./bootstrap-worker.ts", import.meta.url), { workerData: input });
  return workerFromTypeScript(import.meta.url, "bootstrap-worker.ts", { workerData: input });
}

function runWorker(input: BootstrapInput): Promise<Float64Array> {
  const worker = startWorker(input);
  return new Promise((resolve, reject) => {
    worker.once("message", (thetas: Float64Array) => {
      resolve(thetas);
      void worker.terminate();
    });
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (code !== 0) reject(new Error(`bootstrap worker stopped with exit code ${code}`));
    });
  });
}
