import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * A worker thread running a TypeScript module next to `moduleUrl`, for code run from sources (the
 * CLI, tests, benchmarks under tsx): the worker registers tsx's loader first, which workers do
 * not inherit. Inside the Next.js server, workers are chunks the bundler builds from the literal
 * `new Worker(new URL("./file.ts", import.meta.url))` form instead, which callers write in place.
 */
export function workerFromTypeScript(moduleUrl: string, file: string, options: WorkerOptions = {}): Worker {
  const source = pathToFileURL(join(dirname(fileURLToPath(moduleUrl)), file)).href;
  return new Worker(`import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(source)}); })`, {
    ...options,
    eval: true,
  });
}
