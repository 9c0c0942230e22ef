import { parentPort } from "node:worker_threads";
import { turnReading } from "./plain-text";

/** Works out answers' readings (lib/markdown/reading-in-worker.ts) one request at a time. */
const port = parentPort!;
port.on("message", ({ id, text }: { id: number; text: string }) => {
  try {
    port.postMessage({ id, reading: turnReading(text) });
  } catch (error) {
    port.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
// The parser is loaded: the answers' clocks start now, not while the worker was starting.
port.postMessage({ ready: true });
