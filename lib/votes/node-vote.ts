import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { requestUserId } from "@/lib/auth/session-token";
import { BodyTooLarge, bodyText, parseJson, responseHeaders, sendJson } from "@/lib/http/node-json";
import { takeVote } from "./vote-request";

/** A vote is at most a 2,000-character reason and a 20,000-character answer (vote-input.ts), JSON-escaped. */
const MAX_BODY_BYTES = 200_000;

/**
 * `POST /api/v1/votes` answered by the app server itself (scripts/app-server.mjs), as the route
 * handler would answer it — the same steps (lib/votes/vote-request.ts), the same headers — without
 * Next's request handling, which was most of a vote's cost and the pauses in its tail
 * (docs/benchmarks.md, "Vote ingestion"). bench/floor-server.ts runs the same handler in a process
 * without Next.
 */
export function voteHandler(secret: string): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  return async (request, response) => {
    const headers = responseHeaders(request);
    try {
      const answer = await takeVote({
        userId: await requestUserId(request.headers.cookie, secret),
        contentType: request.headers["content-type"] ?? null,
        json: async () => parseJson(await bodyText(request, MAX_BODY_BYTES)),
      });
      sendJson(response, answer.httpStatus, answer.body, headers);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        // The rest of the body is not read: the connection cannot carry another request.
        response.shouldKeepAlive = false;
        return sendJson(response, 413, { status: "error", code: "INVALID" }, headers);
      }
      console.error("vote failed", error);
      if (!response.headersSent) sendJson(response, 500, { error: "internal error" }, headers);
      else response.end();
    }
  };
}
