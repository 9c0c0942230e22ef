import "server-only";
import { battleEvents, type BattleState } from "./stream";

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
          const text = batch.map(({ type, ...data }) => `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`).join("");
          controller.enqueue(encoder.encode(text));
        }
      } catch (error) {
        console.error("live battle stream failed", error);
        controller.enqueue(encoder.encode(`event: void\ndata: ${JSON.stringify({ cause: "error" })}\n\n`));
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
