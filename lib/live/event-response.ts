import "server-only";
import { battleEvents, type BattleState, type LiveEvent } from "./stream";

const KEEPALIVE_MS = 15_000;

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
    async start(controller) {
      // Headers go out at once, so the browser knows the stream is open before the first token.
      controller.enqueue(encoder.encode(": open\n\n"));
      const keepalive = setInterval(() => controller.enqueue(encoder.encode(": keepalive\n\n")), KEEPALIVE_MS);
      try {
        for await (const batch of battleEvents(annotatorId, battleId, closed.signal, known)) {
          controller.enqueue(encoder.encode(serverSentEventText(batch)));
        }
      } catch (error) {
        console.error("live battle stream failed", error);
        controller.enqueue(encoder.encode(serverSentEventText([{ type: "void", cause: "error" }])));
      } finally {
        clearInterval(keepalive);
        try {
          controller.close();
        } catch {
          // Already closed by the client going away.
        }
      }
    },
    cancel() {
      closed.abort();
    },
  });
  return new Response(stream, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      // no-transform: compression would hold the events back.
      "Cache-Control": "no-cache, no-store, no-transform",
      "X-Accel-Buffering": "no",
    },
  });
}

/** A batch of a battle's events as server-sent event text: the event's type as its name, the rest as JSON data. */
export function serverSentEventText(batch: LiveEvent[]): string {
  return batch.map(({ type, ...data }) => `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`).join("");
}
