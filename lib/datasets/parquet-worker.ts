import { parentPort } from "node:worker_threads";
import { csvToParquet } from "./write-formats";

/**
 * Encodes an export's CSV into Parquet inside a worker thread with a small heap of its own (see
 * parquet-in-worker.ts): chunks of CSV come in one message at a time, Parquet bytes go back.
 */
const port = parentPort!;
let deliver: ((chunk: Uint8Array | null) => void) | null = null;
const queued: (Uint8Array | null)[] = [];

async function* incoming(): AsyncGenerator<Uint8Array> {
  for (;;) {
    const chunk = queued.shift() ?? (await new Promise<Uint8Array | null>((resolve) => (deliver = resolve)));
    if (chunk === null) return;
    yield chunk;
    // Ask for the next chunk only once this one is consumed: the main thread waits for this.
    port.postMessage({ type: "more" });
  }
}

port.on("message", (message: { type: "chunk"; chunk: Uint8Array } | { type: "end" }) => {
  const value = message.type === "chunk" ? message.chunk : null;
  if (deliver) {
    const resolve = deliver;
    deliver = null;
    resolve(value);
  } else queued.push(value);
});

(async () => {
  for await (const bytes of csvToParquet(incoming())) port.postMessage({ type: "bytes", bytes }, [bytes.buffer as ArrayBuffer]);
  port.postMessage({ type: "done" });
})().catch((error: unknown) => port.postMessage({ type: "error", message: error instanceof Error ? error.message : String(error) }));
