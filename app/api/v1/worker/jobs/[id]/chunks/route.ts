import { workerChunkSchema } from "@/lib/live/input";
import { appendChunk } from "@/lib/live/worker";
import { workerJobRoute } from "@/lib/live/worker-request";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/worker/jobs/{id}/chunks with {"delta":"…"}: streamed text of a leased job, in
 * order; each renews the lease. Finish with `answer` and the whole text.
 */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return workerJobRoute(request, params, workerChunkSchema, (endpointId, jobRef, body) => appendChunk(endpointId, jobRef, body.delta));
}
