import "server-only";
import { openBattles } from "@/lib/lifecycle";
import { battleEvents, type BattleState, type LiveEvent } from "./stream";
import { log } from "@/lib/log";

const KEEPALIVE_MS = 15_000;

/** The event stream's headers; no-transform: compression would hold the events back. */
export const EVENT_STREAM_HEADERS = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-cache, no-store, no-transform",
  "X-Accel-Buffering": "no",
} as const;

/**
 * Writes a battle's current turn as server-sent events to `sink` until the turn ends or `closed`
 * aborts (then both generations stop and the battle is void), and closes it.
 */
export async function writeBattleEvents(
  sink: { write(text: string): void; close(): void },
  annotatorId: string,
  battleId: string,
  closed: AbortSignal,
  known?: BattleState,
): Promise<void> {
  // Sent at once, so the browser knows the stream is open before the first token.
  sink.write(": open\n\n");
  const keepalive = setInterval(() => sink.write(": keepalive\n\n"), KEEPALIVE_MS);
  // A shutting-down instance voids the battles it streams (lib/live/shutdown.ts).
  openBattles().add(battleId);
  try {
    for await (const batch of battleEvents(annotatorId, battleId, closed, known)) sink.write(serverSentEventText(batch));
  } catch (error) {
    log().error({ err: error }, "live battle stream failed");
    sink.write(serverSentEventText([{ type: "void", cause: "error" }]));
  } finally {
    openBattles().delete(battleId);
    clearInterval(keepalive);
    sink.close();
  }
}

/**
 * A battle's current turn as server-sent events (`delta`, `reset`, `ready`, `void`) for its
 * annotator. When the request goes away before the answers are in, both generations stop and the
 * battle is void.
 */
export function battleEventResponse(request: Request, annotatorId: string, battleId: string, known?: BattleState): Response {
  const encoder = new TextEncoder();
  const closed = new AbortController();
  request.signal.addEventListener("abort", () => closed.abort(), { once: true });
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const sink = {
        write: (text: string) => {
          if (!closed.signal.aborted) controller.enqueue(encoder.encode(text));
        },
        close: () => {
          try {
            controller.close();
          } catch {
            // Already closed by the client going away.
          }
        },
      };
      void writeBattleEvents(sink, annotatorId, battleId, closed.signal, known);
    },
    cancel() {
      closed.abort();
    },
  });
  return new Response(stream, { headers: EVENT_STREAM_HEADERS });
}

/** A batch of a battle's events as server-sent event text: the event's type as its name, the rest as JSON data. */
export function serverSentEventText(batch: LiveEvent[]): string {
  return batch.map(({ type, ...data }) => `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`).join("");
}
