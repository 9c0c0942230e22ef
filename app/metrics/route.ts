import { metricsResponse } from "@/lib/metrics/endpoint";

export const dynamic = "force-dynamic";

/** GET /metrics: Prometheus's text format, only with HIKAKU_METRICS_TOKEN set and given as a Bearer token. */
export function GET(request: Request) {
  return metricsResponse(request);
}
