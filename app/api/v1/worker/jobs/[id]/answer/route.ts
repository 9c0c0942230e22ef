import { workerAnswerSchema } from "@/lib/live/input";
import { submitAnswer } from "@/lib/live/worker";
import { workerJobRoute } from "@/lib/live/worker-request";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/worker/jobs/{id}/answer with {"content":"…"} or {"error":"…"}: the whole answer of
 * a leased job. 200 (also for a repeat of the same answer), 409 once the lease has lapsed or the
 * battle ended, 404 for a job of another model.
 */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return workerJobRoute(request, params, workerAnswerSchema, submitAnswer);
}
