import { Writable } from "node:stream";
import type { AsyncLocalStorage } from "node:async_hooks";
import pino, { type DestinationStream, type Logger } from "pino";

/**
 * The app's log: one JSON object per line (pino) with level, time, message and, inside a request,
 * its id (also sent back as X-Request-Id) and the user it was made for; on a terminal the same as
 * readable lines. HIKAKU_LOG_LEVEL chooses the level (info by default). Never log passwords,
 * tokens, cookies, API keys, prompts or answers: callers pass ids, counts and errors, and the
 * fields below are blanked should one slip in.
 */

/** What scripts/app-server.mjs keeps per request (an AsyncLocalStorage it shares on globalThis). */
export interface RequestContext {
  requestId: string;
  userId?: string;
}

const shared = globalThis as unknown as { hikakuRequestContext?: AsyncLocalStorage<RequestContext>; hikakuLogger?: Logger };

/** The current request's context, if this code runs inside one (the app server's; not the CLI or tests). */
export function requestContext(): RequestContext | undefined {
  return shared.hikakuRequestContext?.getStore();
}

/** Notes who a request is for, once authentication has found out (the request's log line carries it). */
export function noteRequestUser(userId: string): void {
  const context = requestContext();
  if (context) context.userId = userId;
}

const REDACTED = [
  "password",
  "token",
  "apiKey",
  "authorization",
  "cookie",
  "prompt",
  "answer",
  "content",
  "*.password",
  "*.token",
  "*.apiKey",
  "*.authorization",
  "*.cookie",
  "*.prompt",
  "*.answer",
  "*.content",
  "headers.authorization",
  "headers.cookie",
];

const LEVELS: Record<number, string> = { 10: "TRACE", 20: "DEBUG", 30: "INFO", 40: "WARN", 50: "ERROR", 60: "FATAL" };

/** Readable lines for a person at a terminal: time, level, message, then the other fields as key=value. */
export function readableLines(out: NodeJS.WritableStream = process.stdout): DestinationStream {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) {
        if (!line) continue;
        try {
          const { time, level, msg, err, ...rest } = JSON.parse(line) as Record<string, unknown>;
          const fields = Object.entries(rest)
            .filter(([key]) => key !== "pid" && key !== "hostname")
            .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`);
          const error = err && typeof err === "object" ? `\n${String((err as { stack?: unknown }).stack ?? JSON.stringify(err))}` : "";
          out.write(
            `${String(time).slice(11, 23)} ${LEVELS[level as number] ?? level} ${msg ?? ""}${fields.length ? ` ${fields.join(" ")}` : ""}${error}\n`,
          );
        } catch {
          out.write(`${line}\n`);
        }
      }
      done();
    },
  });
}

/** A logger writing to `destination` (tests give their own). */
export function createLogger(destination: DestinationStream, level: string = process.env.HIKAKU_LOG_LEVEL || "info"): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED, censor: "[redacted]" },
      mixin: () => {
        const context = requestContext();
        return context ? { requestId: context.requestId, ...(context.userId && { userId: context.userId }) } : {};
      },
    },
    destination,
  );
}

/** The process's logger (one for the app server and the app's bundles alike). */
export function log(): Logger {
  shared.hikakuLogger ??= createLogger(process.stdout.isTTY ? readableLines() : pino.destination({ dest: 1, sync: true }));
  return shared.hikakuLogger;
}
