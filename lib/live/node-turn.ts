import "server-only";
import { sendJson, type SignedJsonAnswer } from "@/lib/http/node-json";
import { EVENT_STREAM_HEADERS, writeBattleEvents } from "./event-response";
import { takeLiveTurn } from "./turn-request";

/**
 * `POST /api/v1/live/battles` as the app server answers it itself (lib/own-endpoints.ts): the
 * route's own steps (lib/live/turn-request.ts), then the answers as server-sent events on the same
 * response, without Next's request handling — which at 50 open battles on two cores doubled the
 * time to the first token at p95 (docs/benchmarks.md, "Live battles").
 */
export const answerLiveTurn: SignedJsonAnswer = async (input, { request, response, headers }) => {
  const answer = await takeLiveTurn(input);
  if ("refused" in answer) return sendJson(response, answer.refused.httpStatus, answer.refused.body, headers);
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
};
