import packageJson from "@/package.json";

export const dynamic = "force-dynamic";

/**
 * GET /api/health: 200 `{"status":"ok","version"}` whenever the process serves — a liveness
 * probe. It reads nothing and needs no authentication; readiness is /api/ready.
 */
export function GET() {
  return Response.json({ status: "ok", version: packageJson.version }, { headers: { "Cache-Control": "no-store" } });
}
