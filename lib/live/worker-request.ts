import "server-only";
import { NextResponse } from "next/server";
import type { z } from "zod";
import { jsonError } from "@/lib/auth/request-user";
import { workerEndpoint, type WorkerEndpoint, type WorkerReply } from "./worker";

/** The pulled model whose worker token the request carries, or a 401 JSON response. */
export async function workerFromRequest(request: Request): Promise<{ endpoint: WorkerEndpoint } | { response: NextResponse }> {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization")?.trim() ?? "");
  const endpoint = match ? await workerEndpoint(match[1]) : null;
  if (!endpoint) return { response: jsonError(401, "send the model's worker token: Authorization: Bearer hkw_…") };
  return { endpoint };
}

/** The request's JSON body checked against `schema`, or a 400 JSON response saying what is wrong. */
export async function workerBody<T>(request: Request, schema: z.ZodType<T>): Promise<{ body: T } | { response: NextResponse }> {
  let json: unknown;
  try {
    json = await request.json();
  } catch {
    return { response: jsonError(400, "the body must be JSON") };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    return {
      response: jsonError(400, "invalid body", { details: parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`) }),
    };
  return { body: parsed.data };
}

export function workerResponse(reply: WorkerReply): NextResponse {
  if (reply.status === 200) return NextResponse.json(reply.body, { headers: { "Cache-Control": "no-store" } });
  return jsonError(reply.status, reply.error);
}
