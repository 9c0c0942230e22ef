import "server-only";
import { sendJson, signedJsonHandler, type NodeHandler } from "@/lib/http/node-json";
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
export function voteHandler(secret: string): NodeHandler {
  return signedJsonHandler(
    { name: "vote", secret, maxBodyBytes: MAX_BODY_BYTES, tooLargeBody: { status: "error", code: "INVALID" } },
    async (input, { response, headers }) => {
      const answer = await takeVote(input);
      sendJson(response, answer.httpStatus, answer.body, headers);
    },
  );
}
