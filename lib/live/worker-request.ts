import "server-only";
import type { z } from "zod";
import { answerResponse, jsonError } from "@/lib/http/api-response";
import { BodyTooLarge } from "@/lib/http/node-json";
import { webBodyText } from "@/lib/http/web-body";
import { refuseOversizedAnswer, workerEndpoint, type WorkerEndpoint, type WorkerReply } from "./worker";

/**
 * The largest body a worker may send: an answer at the length cap (lib/live/openai.ts), written
 * with JSON escapes. A larger one is not read; its job's battle is void as too long.
 */
const MAX_WORKER_BODY_BYTES = 8 * 1024 * 1024;

/** The pulled model whose worker token the request carries, or a 401 JSON response. */
export async function workerFromRequest(request: Request): Promise<{ endpoint: WorkerEndpoint } | { response: Response }> {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization")?.trim() ?? "");
  const endpoint = match ? await workerEndpoint(match[1]) : null;
  if (!endpoint) return { response: jsonError(401, "UNAUTHENTICATED", "send the model's worker token: Authorization: Bearer hkw_…") };
  return { endpoint };
}

/** The request's JSON body checked against `schema`, or a 400 JSON response saying what is wrong. */
async function workerBody<T>(request: Request, schema: z.ZodType<T>): Promise<{ body: T } | { response: Response } | { tooLarge: true }> {
  let json: unknown;
  try {
    json = JSON.parse(await webBodyText(request, MAX_WORKER_BODY_BYTES));
  } catch (error) {
    if (error instanceof BodyTooLarge) return { tooLarge: true };
    return { response: jsonError(400, "INVALID", "the body must be JSON") };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    return {
      response: jsonError(
        400,
        "INVALID",
        "invalid body",
        parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`),
      ),
    };
  return { body: parsed.data };
}

/** A worker's POST about one of its jobs: the token checked, the body validated, the reply as JSON. */
export async function workerJobRoute<T>(
  request: Request,
  params: Promise<{ id: string }>,
  schema: z.ZodType<T>,
  act: (endpointId: string, jobRef: string, body: T) => Promise<WorkerReply>,
): Promise<Response> {
  const caller = await workerFromRequest(request);
  if ("response" in caller) return caller.response;
  const jobRef = (await params).id;
  const parsed = await workerBody(request, schema);
  if ("tooLarge" in parsed) {
    await refuseOversizedAnswer(caller.endpoint.id, jobRef);
    return jsonError(
      413,
      "TOO_LARGE",
      `the body is larger than ${MAX_WORKER_BODY_BYTES} bytes: the answer is too long, and its battle is void`,
    );
  }
  if ("response" in parsed) return parsed.response;
  return answerResponse(await act(caller.endpoint.id, jobRef, parsed.body));
}
