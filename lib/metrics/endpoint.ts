import "server-only";
import { timingSafeEqual, createHash } from "node:crypto";
import { env } from "@/lib/env";
import { metrics } from "./metrics";

const digest = (value: string) => createHash("sha256").update(value).digest();

/**
 * The metrics, never open by accident: without HIKAKU_METRICS_TOKEN there is no such page (404);
 * with it, `Authorization: Bearer <token>` is required (401 otherwise).
 */
export async function metricsResponse(request: Request): Promise<Response> {
  const token = env().HIKAKU_METRICS_TOKEN;
  if (!token) return new Response("Not found\n", { status: 404, headers: { "Content-Type": "text/plain" } });
  const given = /^Bearer (.+)$/.exec(request.headers.get("authorization") ?? "")?.[1] ?? "";
  if (!timingSafeEqual(digest(given), digest(token)))
    return new Response("A Bearer token is required.\n", {
      status: 401,
      headers: { "Content-Type": "text/plain", "WWW-Authenticate": 'Bearer realm="metrics"' },
    });
  const { registry } = metrics();
  return new Response(await registry.metrics(), { headers: { "Content-Type": registry.contentType, "Cache-Control": "no-store" } });
}
