import { apiError, type JsonAnswer } from "./api-error";

const NO_STORE = { "Cache-Control": "no-store" };

/** A route handler's JSON answer, never cached. */
export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { ...NO_STORE, ...headers } });
}

/** A route handler's error in the API's one shape (lib/http/api-error.ts). */
export function jsonError(status: number, code: string, error: string, details?: readonly unknown[]): Response {
  return jsonResponse(apiError(code, error, details), status);
}

/** An endpoint's steps' answer (status and body) as a route handler's response. */
export function answerResponse(answer: JsonAnswer<unknown>): Response {
  return jsonResponse(answer.body, answer.httpStatus);
}
