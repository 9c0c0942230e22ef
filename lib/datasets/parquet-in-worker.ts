import { Worker } from "node:worker_threads";
import { workerFromTypeScript } from "@/lib/worker-source";

/**
 * Parquet encoding builds a row group's columns as JavaScript values, and V8 lets the garbage of
 * a million rows grow the heap by ~100 MB before it collects. In a worker thread with a heap
 * limit of its own the same work stays within a few tens of MB, whatever the export's size, and
 * the server's event loop stays free. CSV goes in one chunk at a time, only when the worker asks
 * and the reader has taken what was encoded, so a slow download holds the database cursor still.
 */

const MAX_IN_FLIGHT = 4;
const HEAP_LIMITS = { maxOldGenerationSizeMb: 24, maxYoungGenerationSizeMb: 8 };

function startParquetWorker(): Worker {
  if (process.env.NEXT_RUNTIME) return new Worker(new URL("./parquet-worker.ts", import.meta.url), { resourceLimits: HEAP_LIMITS });
  return workerFromTypeScript(import.meta.url, "parquet-worker.ts", { resourceLimits: HEAP_LIMITS });
}

type WorkerMessage = { type: "bytes"; bytes: Uint8Array } | { type: "more" } | { type: "done" } | { type: "error"; message: string };

export async function* csvToParquetInWorker(csv: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const source = csv[Symbol.asyncIterator]();
  const worker = startParquetWorker();
  const encoded: Uint8Array[] = [];
  // A few chunks in flight keep the database, this thread and the worker busy at once.
  let inFlight = 0;
  let ended = false;
  let done = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    const resume = wake;
    wake = null;
    resume?.();
  };
  worker.on("message", (message: WorkerMessage) => {
    if (message.type === "bytes") encoded.push(message.bytes);
    else if (message.type === "more") inFlight--;
    else if (message.type === "done") done = true;
    else failure = new Error(`Parquet encoding failed: ${message.message}`);
    notify();
  });
  worker.on("error", (error) => {
    failure = new Error(`Parquet encoding failed: ${error.message}`);
    notify();
  });
  worker.on("exit", (code) => {
    if (!done) failure ??= new Error(`the Parquet encoder stopped (exit code ${code})`);
    notify();
  });
  try {
    for (;;) {
      if (failure) throw failure;
      const next = encoded.shift();
      if (next) {
        yield next;
        continue;
      }
      if (done) return;
      if (!ended && inFlight < MAX_IN_FLIGHT) {
        const chunk = await source.next();
        ended = Boolean(chunk.done);
        if (!ended) inFlight++;
        // Posted as a copy: database chunks may share their memory with other buffers.
        worker.postMessage(chunk.done ? { type: "end" } : { type: "chunk", chunk: chunk.value });
        continue;
      }
      await new Promise<void>((resume) => (wake = resume));
    }
  } finally {
    await worker.terminate();
    await source.return?.(undefined);
  }
}
