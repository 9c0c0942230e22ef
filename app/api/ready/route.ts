import { readiness } from "@/lib/health/readiness";

export const dynamic = "force-dynamic";

/**
 * GET /api/ready: 200 `{"status":"ready"}` when the database answers and its migrations are
 * the ones this version ships, else 503 `{"status":"not_ready","reason"}` — a readiness probe for
 * a load balancer. No authentication and no data; checked at most once a second.
 */
export async function GET() {
  const state = await readiness();
  const headers = { "Cache-Control": "no-store" };
  return state.ready
    ? Response.json({ status: "ready" }, { headers })
    : Response.json({ status: "not_ready", reason: state.reason }, { status: 503, headers });
}
