import "server-only";
import { sendJson, signedJsonHandler, type NodeHandler } from "@/lib/http/node-json";
import { EVENT_STREAM_HEADERS, writeBattleEvents } from "./event-response";
import { takeLiveTurn } from "./turn-request";

/** A live prompt is at most 100,000 characters (lib/live/input.ts), JSON-escaped. */
const MAX_BODY_BYTES = 1_000_000;

/**
 * `POST /api/v1/live/battles` answered by the app server itself (scripts/app-server.mjs), as the
 * route handler would answer it — the same steps (lib/live/turn-request.ts), the same headers —
 * without Next's request handling, which at 50 open battles on two cores doubled the time to the
 * first token at p95 (docs/benchmarks.md, "Live battles"). The session cookie is read as
 * lib/auth/session.ts reads it.
 */
export function liveTurnHandler(secret: string): NodeHandler {
  return signedJsonHandler(
    {
      name: "live turn",
      secret,
      maxBodyBytes: MAX_BODY_BYTES,
      tooLargeBody: { error: "the prompt is too large", code: "INVALID" },
    },
    async (input, { request, response, headers }) => {
      const answer = await takeLiveTurn(input);
      if ("refused" in answer) {
        const { status, error, code } = answer.refused;
        return sendJson(response, status, { error, code }, headers);
      }
      const closed = new AbortController();
      response.on("close", () => closed.abort());
      response.writeHead(200, { ...headers, ...EVENT_STREAM_HEADERS });
      // Each event goes out as it is written (no Nagle delay).
      request.socket.setNoDelay(true);
      await writeBattleEvents(
        { write: (text) => void (closed.signal.aborted || response.write(text)), close: () => response.end() },
        answer.annotatorId,
        answer.battleId,
        closed.signal,
        answer.battle,
      );
    },
  );
}
