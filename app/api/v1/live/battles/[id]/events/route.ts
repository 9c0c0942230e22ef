import { jsonError } from "@/lib/auth/request-user";
import { currentUser } from "@/lib/auth/session";
import { battleIdSchema } from "@/lib/live/input";
import { battleEvents, battleOf } from "@/lib/live/stream";

export const dynamic = "force-dynamic";

const KEEPALIVE_MS = 15_000;

/**
 * GET /api/v1/live/battles/{id}/events: the annotator's own live battle as server-sent events
 * (`delta`, `reset`, `ready`, `void`). Closing it before the answers are in voids the battle.
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await currentUser();
  if (!user) return jsonError(401, "sign in first");
  const id = battleIdSchema.safeParse((await params).id);
  const battle = id.success ? await battleOf(user.id, id.data) : null;
  if (!id.success || !battle) return jsonError(404, "no such battle");
  const encoder = new TextEncoder();
  const closed = new AbortController();
  request.signal.addEventListener("abort", () => closed.abort(), { once: true });
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      // Headers go out at once, so the browser knows the stream is open before the first token.
      controller.enqueue(encoder.encode(": open\n\n"));
      const keepalive = setInterval(() => controller.enqueue(encoder.encode(": keepalive\n\n")), KEEPALIVE_MS);
      try {
        for await (const batch of battleEvents(user.id, id.data, closed.signal, battle)) {
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
