import { NextResponse } from "next/server";
import { nextJob } from "@/lib/live/worker";
import { workerFromRequest } from "@/lib/live/worker-request";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/worker/next (Authorization: Bearer <worker token>): long poll for the next prompt
 * of the token's model. 200 {"job":{"id","messages","params","leaseSeconds"}}, or 204 when none
 * arrived within the poll window.
 */
export async function POST(request: Request) {
  const caller = await workerFromRequest(request);
  if ("response" in caller) return caller.response;
  const job = await nextJob(caller.endpoint, request.signal);
  if (!job) return new NextResponse(null, { status: 204, headers: { "Cache-Control": "no-store" } });
  return NextResponse.json({ job }, { headers: { "Cache-Control": "no-store" } });
}
