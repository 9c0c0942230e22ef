import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { requestUserId } from "@/lib/auth/session-token";
import { BodyTooLarge, bodyText, parseJson, responseHeaders, sendJson } from "@/lib/http/node-json";
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
export function liveTurnHandler(secret: string): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  return async (request, response) => {
    const headers = responseHeaders(request);
    try {
      const answer = await takeLiveTurn({
        annotatorId: await requestUserId(request.headers.cookie, secret),
        contentType: request.headers["content-type"] ?? null,
        json: async () => parseJson(await bodyText(request, MAX_BODY_BYTES)),
      });
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
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        // The rest of the body is not read: the connection cannot carry another request.
        response.shouldKeepAlive = false;
        return sendJson(response, 413, { error: "the prompt is too large", code: "INVALID" }, headers);
      }
      console.error("live turn failed", error);
      if (!response.headersSent) sendJson(response, 500, { error: "internal error" }, headers);
      else response.end();
    }
  };
}
