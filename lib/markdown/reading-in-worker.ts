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
  /** The reading's time left, counted only while a worker that has started holds it. */
  timeLeftMs: number;
  resolve: (reading: string) => void;
  reject: (error: Error) => void;
}

interface Sent extends Request {
  worker: Worker;
  /** Set once the worker is ready: a worker's own start (seconds on a busy machine) is not the answer's time. */
  timer: NodeJS.Timeout | null;
  armedAt: number;
}

let worker: Worker | null = null;
let nextId = 1;
const sent = new Map<number, Sent>();
const ready = new WeakSet<Worker>();

const HEAP = { maxOldGenerationSizeMb: 256 };
/** A worker that has not loaded its parser by then is given up (its requests fail, as unchecked answers). */
const START_DEADLINE_MS = 60_000;

function start(): Worker {
  const started = process.env.NEXT_RUNTIME
    ? new Worker(new URL("./reading-worker.ts", import.meta.url), { resourceLimits: HEAP })
    : workerFromTypeScript(import.meta.url, "reading-worker.ts", { resourceLimits: HEAP });
  // An idle worker does not keep the process alive (the CLI and the tests end when their work does).
  started.unref();
  // Not unref'd: until the worker is ready it is what keeps the process waiting for the reading.
  const startTimer = setTimeout(() => void started.terminate(), START_DEADLINE_MS);
  started.on("message", (message: { id?: number; ready?: true; reading?: string; error?: string }) => {
    if (message.ready) {
      clearTimeout(startTimer);
      ready.add(started);
      for (const [id, request] of sent) if (request.worker === started) arm(id, request);
      return;
    }
    const request = sent.get(message.id!);
    if (!request) return;
    sent.delete(message.id!);
    if (request.timer) clearTimeout(request.timer);
    if (message.error !== undefined) request.reject(new Error(message.error));
    else request.resolve(message.reading!);
  });
  const failAll = (error: Error) => {
    clearTimeout(startTimer);
    if (worker === started) worker = null;
    for (const [id, request] of sent) {
      if (request.worker !== started) continue;
      sent.delete(id);
      if (request.timer) clearTimeout(request.timer);
      request.reject(error);
    }
  };
  started.on("error", failAll);
  started.on("exit", (code) => failAll(new Error(`the reading worker stopped (exit code ${code})`)));
  return started;
}

/** `text` as an annotator reads it; ReadingTimeout when reading it takes longer than `deadlineMs`. */
export function readingInWorker(text: string, deadlineMs = READING_DEADLINE_MS): Promise<string> {
  return new Promise<string>((resolve, reject) => send({ text, timeLeftMs: deadlineMs, resolve, reject }));
}

function send(request: Request): void {
  worker ??= start();
  const current = worker;
  const id = nextId++;
  const entry: Sent = { ...request, worker: current, timer: null, armedAt: 0 };
  sent.set(id, entry);
  current.postMessage({ id, text: request.text });
  if (ready.has(current)) arm(id, entry);
}

/** Starts a request's clock on a ready worker. */
function arm(id: number, request: Sent): void {
  request.armedAt = Date.now();
  request.timer = setTimeout(
    () => {
      sent.delete(id);
      // The worker is stuck on this text and cannot be interrupted: it is ended, and whatever else
      // it had been given goes to a fresh one, each with the time it has left.
      const current = request.worker;
      if (worker === current) worker = null;
      const others: Request[] = [];
      for (const [otherId, other] of sent) {
        if (other.worker !== current) continue;
        sent.delete(otherId);
        if (other.timer) clearTimeout(other.timer);
        const { text, resolve, reject } = other;
        others.push({
          text,
          resolve,
          reject,
          timeLeftMs: other.timer ? other.timeLeftMs - (Date.now() - other.armedAt) : other.timeLeftMs,
        });
      }
      void current.terminate();
      request.reject(new ReadingTimeout("the answer could not be read in time"));
      for (const other of others) send(other);
    },
    Math.max(0, request.timeLeftMs),
  );
}
