import { Worker } from "node:worker_threads";
import { workerFromTypeScript } from "@/lib/worker-source";

/**
 * An answer as an annotator reads it (lib/markdown/plain-text.ts's turnReading), worked out in a
 * worker thread with a deadline. A Markdown parse of hostile text can take seconds (15 s for
 * 200,000 characters of nested brackets and emphasis, measured); on the server's own thread that
 * would stall every request meanwhile. Past the deadline the worker is ended (it cannot be
 * interrupted otherwise) and ReadingTimeout thrown: callers treat the answer as unchecked.
 */

export class ReadingTimeout extends Error {}

/** Long enough for any honest answer up to the length cap (the slowest seen: 1.8 s for 200,000 characters of prose). */
export const READING_DEADLINE_MS = 5_000;

interface Request {
  text: string;
  deadlineAt: number;
  resolve: (reading: string) => void;
  reject: (error: Error) => void;
}

interface Sent extends Request {
  worker: Worker;
  timer: NodeJS.Timeout;
}

let worker: Worker | null = null;
let nextId = 1;
const sent = new Map<number, Sent>();

const HEAP = { maxOldGenerationSizeMb: 256 };

function start(): Worker {
  const started = process.env.NEXT_RUNTIME
    ? new Worker(new URL("./reading-worker.ts", import.meta.url), { resourceLimits: HEAP })
    : workerFromTypeScript(import.meta.url, "reading-worker.ts", { resourceLimits: HEAP });
  // An idle worker does not keep the process alive (the CLI and the tests end when their work does).
  started.unref();
  started.on("message", (message: { id: number; reading?: string; error?: string }) => {
    const request = sent.get(message.id);
    if (!request) return;
    sent.delete(message.id);
    clearTimeout(request.timer);
    if (message.error !== undefined) request.reject(new Error(message.error));
    else request.resolve(message.reading!);
  });
  const failAll = (error: Error) => {
    if (worker === started) worker = null;
    for (const [id, request] of sent) {
      if (request.worker !== started) continue;
      sent.delete(id);
      clearTimeout(request.timer);
      request.reject(error);
    }
  };
  started.on("error", failAll);
  started.on("exit", (code) => failAll(new Error(`the reading worker stopped (exit code ${code})`)));
  return started;
}

/** `text` as an annotator reads it; ReadingTimeout when that takes longer than `deadlineMs`. */
export function readingInWorker(text: string, deadlineMs = READING_DEADLINE_MS): Promise<string> {
  return new Promise<string>((resolve, reject) => send({ text, deadlineAt: Date.now() + deadlineMs, resolve, reject }));
}

function send(request: Request): void {
  worker ??= start();
  const current = worker;
  const id = nextId++;
  const timer = setTimeout(
    () => {
      sent.delete(id);
      // The worker is stuck on this text and cannot be interrupted: it is ended, and whatever else
      // it had been given goes to a fresh one, each with the time it has left.
      if (worker === current) worker = null;
      const others: Request[] = [];
      for (const [otherId, other] of sent) {
        if (other.worker !== current) continue;
        sent.delete(otherId);
        clearTimeout(other.timer);
        others.push(other);
      }
      void current.terminate();
      request.reject(new ReadingTimeout("the answer could not be read in time"));
      for (const other of others) send(other);
    },
    Math.max(0, request.deadlineAt - Date.now()),
  );
  sent.set(id, { ...request, worker: current, timer });
  current.postMessage({ id, text: request.text });
}
