import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { jsonSteps, sendJson, signedJsonHandler, responseHeaders, type NodeHandler, type SignedJsonAnswer } from "@/lib/http/node-json";
import { apiError } from "@/lib/http/api-error";
import { answerLiveTurn } from "@/lib/live/node-turn";
import { takeNextPair, takeSkip, takeVote } from "@/lib/votes/vote-request";

/**
 * The requests the production server answers itself, without Next's request handling, which was
 * most of a vote's CPU and the pauses in its tail, and doubled a live prompt's time to the first
 * token (docs/benchmarks.md). All are `POST` with a JSON body from the voting page and a session
 * cookie; each has a route file that runs the same steps under `next dev`. One table, handed to
 * scripts/app-server.mjs once by instrumentation.ts; bench/floor-server.ts serves the same table.
 */
const OWN_ENDPOINTS: readonly { path: string; name: string; maxBodyBytes: number; answer: SignedJsonAnswer }[] = [
  // A 2,000-character reason and a 20,000-character answer (vote-input.ts), JSON-escaped.
  { path: "/api/v1/votes", name: "vote", maxBodyBytes: 200_000, answer: jsonSteps(takeVote) },
  { path: "/api/v1/pairs/skip", name: "skip", maxBodyBytes: 4_096, answer: jsonSteps(takeSkip) },
  { path: "/api/v1/pairs/next", name: "next pair", maxBodyBytes: 4_096, answer: jsonSteps(takeNextPair) },
  // A prompt of 100,000 characters (lib/live/input.ts), JSON-escaped.
  { path: "/api/v1/live/battles", name: "live turn", maxBodyBytes: 1_000_000, answer: answerLiveTurn },
];

/** Answers a request from the table and says true, or says false for Next to answer it. */
export type OwnEndpointDispatcher = (request: IncomingMessage, response: ServerResponse) => boolean;

export function ownEndpointDispatcher(secret: string): OwnEndpointDispatcher {
  const handlers = new Map(
    OWN_ENDPOINTS.map(({ path, name, maxBodyBytes, answer }) => [path, signedJsonHandler({ name, secret, maxBodyBytes }, answer)]),
  );
  return (request, response) => {
    const handler = request.method === "POST" ? handlers.get(request.url?.split("?")[0] ?? "") : undefined;
    if (!handler) return false;
    void handler(request, response);
    return true;
  };
}

/** The table alone as a server's handler, anything else 404 (the benchmark's floor, tests). */
export function ownEndpointsOnly(secret: string): NodeHandler {
  const dispatch = ownEndpointDispatcher(secret);
  return async (request, response) => {
    if (!dispatch(request, response)) sendJson(response, 404, apiError("NOT_FOUND", "not found"), responseHeaders(request));
  };
}
