import { workerChunkSchema } from "@/lib/live/input";
import { appendChunk } from "@/lib/live/worker";
import { workerBody, workerFromRequest, workerResponse } from "@/lib/live/worker-request";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/worker/jobs/{id}/chunks with {"delta":"…"}: streamed text of a leased job, in
 * order; each renews the lease. Finish with `answer` and the whole text.
 */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const caller = await workerFromRequest(request);
  if ("response" in caller) return caller.response;
  const parsed = await workerBody(request, workerChunkSchema);
  if ("response" in parsed) return parsed.response;
  return workerResponse(await appendChunk(caller.endpoint.id, (await params).id, parsed.body.delta));
}
